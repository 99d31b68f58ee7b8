"""Region codes as the readers see them.

The authority on region codes is :mod:`toolkit.regions`. The readers add one
rule: a code in a file must already be canonical (no surrounding blanks, no
12-digit Regionalschlüssel where the contract asks for the 8-digit AGS), and
they need the reason in words a user can act on, most often a leading zero a
spreadsheet dropped (``8111`` for ``08111``).

Examples
--------
>>> code_level("08111"), code_level("DG"), code_level("17001000-SR03"), code_level("8111")
('kreis', 'bund', 'sozialraum', None)
>>> code_problem("8111")
"4 Ziffern: führende Null verloren? (gemeint wohl '08111')"
"""

from __future__ import annotations

import re

from toolkit.errors import DataError
from toolkit.regions import level_of, normalize_code

__all__ = ["canonical_problem", "code_level", "code_problem"]


def code_level(code: str) -> str | None:
    """Return the level of a well-formed region code, ``None`` if malformed.

    Parameters
    ----------
    code : str
        Region code exactly as in the data (blanks around it make it malformed).

    Returns
    -------
    str or None
        ``bund``, ``land``, ``regbez``, ``kreis``, ``gemeinde`` or
        ``sozialraum`` (as :func:`toolkit.regions.level_of`).

    Examples
    --------
    >>> code_level("17051004"), code_level(" 17051004")
    ('gemeinde', None)
    """
    if not isinstance(code, str) or code != code.strip():
        return None
    try:
        return level_of(code)
    except DataError:
        return None


def code_problem(code: str) -> str:
    """Explain why a region code is malformed.

    Parameters
    ----------
    code : str
        The malformed code.

    Returns
    -------
    str
        German explanation with a suggestion where one is likely.

    Examples
    --------
    >>> code_problem("0811 ")
    'Leerzeichen am Anfang oder Ende'
    >>> code_problem("99")
    "Landesteil '99' ist kein Land (01 bis 16, 17 = Musterland)"
    """
    if code != code.strip():
        return "Leerzeichen am Anfang oder Ende"
    if code == "":
        return "leer"
    if code.isdigit() and len(code) in (1, 4, 7, 11):
        return f"{len(code)} Ziffern: führende Null verloren? (gemeint wohl '0{code}')"
    if re.fullmatch(r"\d+\.0", code):
        return "als Kommazahl gespeichert; Codes als Text speichern"
    try:
        normalize_code(code)
    except DataError as exc:
        text = exc.message
        return text.split(": ", 1)[1].rstrip(".") if ": " in text else text
    return "kein gültiger Regionalschlüssel"


def canonical_problem(code: str) -> str | None:
    """Return why a well-formed code is not in the form the tables use.

    Parameters
    ----------
    code : str
        A code for which :func:`code_level` is not ``None``.

    Returns
    -------
    str or None
        ``None`` if the code is canonical.

    Examples
    --------
    >>> canonical_problem("081110000000")
    "12-stelliger Regionalschlüssel; in den Tabellen steht der 8-stellige AGS '08111000'"
    """
    norm = normalize_code(code)
    if norm == code:
        return None
    if len(code) == 12:
        return f"12-stelliger Regionalschlüssel; in den Tabellen steht der 8-stellige AGS {norm!r}"
    return f"nicht in der üblichen Schreibweise; erwartet {norm!r}"
