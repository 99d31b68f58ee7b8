"""Region codes: AGS / Regionalschlüssel parsing, levels and structural parents.

This private module holds the code rules; the public API is :mod:`toolkit.regions`.

Levels, from the top: Bund (``DG``) > Land (2 digits) > Regierungsbezirk (3 digits,
only where the third digit is not ``0``) > Kreis (5 digits) > Gemeinde (8-digit AGS)
> Sozialraum (``<AGS8>-<id>``, defined by the municipality).

A 12-digit Regionalschlüssel (Land, RB, Kreis, 4-digit Gemeindeverband, Gemeinde)
is accepted wherever a Gemeinde code is; :func:`normalize_code` turns it into the
AGS, which is ``RS[0:5] + RS[9:12]``.

Codes are always strings. A code that lost its leading zero (``8111`` instead of
``08111``) is rejected rather than guessed.

Notes
-----
Two conventions of the Regionalstatistik are built in: the Berlin districts carry
pseudo-AGS ``110XX0XX`` whose Kreis part is not a Kreis, so their parent is Berlin
(``11000``); and the Regierungsbezirk digit is kept in the codes of Länder that
abolished their Regierungsbezirke (Niedersachsen, Rheinland-Pfalz, Sachsen), so
those codes form *statistische Regionen* at the ``regbez`` level.

References
----------
Statistisches Bundesamt, Gemeindeverzeichnis-Informationssystem GV-ISys:
Erläuterungen zum Amtlichen Gemeindeschlüssel und zum Regionalschlüssel.

Examples
--------
>>> level_of("09162000")
'gemeinde'
>>> parent_of("09162")
'091'
>>> normalize_code("091620000000")
'09162000'
"""

from __future__ import annotations

import re

from toolkit.errors import DataError

__all__ = [
    "LAND_NAMES",
    "LEVELS",
    "REGBEZ_NAMES",
    "ags_from_rs",
    "level_of",
    "normalize_code",
    "parent_of",
]

#: Levels from the top of the hierarchy to the bottom.
LEVELS: tuple[str, ...] = ("bund", "land", "regbez", "kreis", "gemeinde", "sozialraum")

#: Names of the Länder; ``17`` is the fictional sample Land.
LAND_NAMES: dict[str, str] = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
    "17": "Musterland (fiktiv)",
}

#: Names of the Regierungsbezirke and statistical regions that appear in AGS codes.
REGBEZ_NAMES: dict[str, str] = {
    "031": "Braunschweig (Statistische Region)",
    "032": "Hannover (Statistische Region)",
    "033": "Lüneburg (Statistische Region)",
    "034": "Weser-Ems (Statistische Region)",
    "051": "Düsseldorf, Regierungsbezirk",
    "053": "Köln, Regierungsbezirk",
    "055": "Münster, Regierungsbezirk",
    "057": "Detmold, Regierungsbezirk",
    "059": "Arnsberg, Regierungsbezirk",
    "064": "Darmstadt, Regierungsbezirk",
    "065": "Gießen, Regierungsbezirk",
    "066": "Kassel, Regierungsbezirk",
    "071": "Koblenz (ehem. Regierungsbezirk)",
    "072": "Trier (ehem. Regierungsbezirk)",
    "073": "Rheinhessen-Pfalz (ehem. Regierungsbezirk)",
    "081": "Stuttgart, Regierungsbezirk",
    "082": "Karlsruhe, Regierungsbezirk",
    "083": "Freiburg, Regierungsbezirk",
    "084": "Tübingen, Regierungsbezirk",
    "091": "Oberbayern, Regierungsbezirk",
    "092": "Niederbayern, Regierungsbezirk",
    "093": "Oberpfalz, Regierungsbezirk",
    "094": "Oberfranken, Regierungsbezirk",
    "095": "Mittelfranken, Regierungsbezirk",
    "096": "Unterfranken, Regierungsbezirk",
    "097": "Schwaben, Regierungsbezirk",
    "145": "Chemnitz (ehem. Direktionsbezirk)",
    "146": "Dresden (ehem. Direktionsbezirk)",
    "147": "Leipzig (ehem. Direktionsbezirk)",
    "151": "Dessau (ehem. Regierungsbezirk)",
    "152": "Halle (ehem. Regierungsbezirk)",
    "153": "Magdeburg (ehem. Regierungsbezirk)",
}

_CITY_STATES = frozenset({"02000", "11000"})
_LEVEL_BY_LENGTH = {2: "land", 3: "regbez", 5: "kreis", 8: "gemeinde", 12: "gemeinde"}
_SOZIALRAUM = re.compile(r"^(\d{8})-([A-Za-z0-9_]{1,30})$")
_HINT = (
    "Regionalschlüssel als Text einlesen (dtype=str), damit führende Nullen erhalten "
    "bleiben: 'DG', Land '09', Kreis '09162', Gemeinde '09162000', Sozialraum "
    "'09162000-SR01'."
)


def _bad(code: object, why: str) -> DataError:
    return DataError(f"Ungültiger Regionalschlüssel {code!r}: {why}.", hint=_HINT)


def normalize_code(code: str) -> str:
    """Return a region code in canonical form, or raise :class:`DataError`.

    Whitespace is stripped, ``dg`` becomes ``DG`` and a 12-digit Regionalschlüssel
    becomes the 8-digit AGS. Leading zeros are never added: a code that lost them
    is an error, because guessing could attach data to the wrong region.

    Parameters
    ----------
    code : str
        ``DG``, a Land (2 digits), Regierungsbezirk (3), Kreis (5), Gemeinde (8-digit
        AGS or 12-digit Regionalschlüssel) or Sozialraum (``<AGS8>-<id>``) code.

    Returns
    -------
    str
        The canonical code.

    Raises
    ------
    DataError
        If the code is not a string or not a well-formed code.

    Examples
    --------
    >>> normalize_code(" 09162 ")
    '09162'
    >>> normalize_code("17001000-SR03")
    '17001000-SR03'
    >>> normalize_code("8111")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: Ungültiger Regionalschlüssel '8111': ...
    """
    if not isinstance(code, str):
        raise _bad(code, f"erwartet wird Text, nicht {type(code).__name__}")
    text = code.strip()
    if text.upper() == "DG":
        return "DG"
    match = _SOZIALRAUM.match(text)
    if match:
        normalize_code(match.group(1))
        return text
    if not text.isascii() or not text.isdigit():
        raise _bad(code, "nur Ziffern, 'DG' oder '<AGS8>-<id>' sind erlaubt")
    if len(text) not in _LEVEL_BY_LENGTH:
        raise _bad(
            code,
            f"{len(text)} Ziffern; erlaubt sind 2 (Land), 3 (Regierungsbezirk), "
            "5 (Kreis), 8 (AGS) oder 12 (Regionalschlüssel) — fehlt eine führende Null?",
        )
    if text[:2] not in LAND_NAMES:
        raise _bad(code, f"Landesteil '{text[:2]}' ist kein Land (01 bis 16, 17 = Musterland)")
    if len(text) == 3 and text[2] == "0":
        raise _bad(code, "Regierungsbezirk '0' bedeutet 'kein Regierungsbezirk'")
    if len(text) == 12:
        return ags_from_rs(text)
    return text


def ags_from_rs(rs: str) -> str:
    """Return the 8-digit AGS of a 12-digit Regionalschlüssel.

    Parameters
    ----------
    rs : str
        Regionalschlüssel: Land (2), Regierungsbezirk (1), Kreis (2),
        Gemeindeverband (4), Gemeinde (3).

    Returns
    -------
    str
        ``rs[0:5] + rs[9:12]``.

    Raises
    ------
    DataError
        If ``rs`` is not 12 digits.

    Examples
    --------
    >>> ags_from_rs("081110000000")
    '08111000'
    >>> ags_from_rs("091805115113")
    '09180113'
    """
    text = rs.strip() if isinstance(rs, str) else rs
    if not isinstance(text, str) or len(text) != 12 or not text.isdigit():
        raise _bad(rs, "ein Regionalschlüssel hat genau 12 Ziffern")
    return text[0:5] + text[9:12]


def level_of(code: str) -> str:
    """Return the level of a region code.

    Parameters
    ----------
    code : str
        Any code accepted by :func:`normalize_code`.

    Returns
    -------
    str
        One of ``bund``, ``land``, ``regbez``, ``kreis``, ``gemeinde``, ``sozialraum``.

    Examples
    --------
    >>> [level_of(c) for c in ["DG", "09", "091", "09162", "09162000", "17001000-SR1"]]
    ['bund', 'land', 'regbez', 'kreis', 'gemeinde', 'sozialraum']
    """
    norm = normalize_code(code)
    if norm == "DG":
        return "bund"
    if "-" in norm:
        return "sozialraum"
    return _LEVEL_BY_LENGTH[len(norm)]


def parent_of(code: str) -> str | None:
    """Return the parent code implied by the structure of a code.

    A Kreis belongs to its Regierungsbezirk where the third digit is not ``0`` and to
    its Land otherwise; a Gemeinde to its Kreis; a Sozialraum to its Gemeinde.

    Parameters
    ----------
    code : str
        Any code accepted by :func:`normalize_code`.

    Returns
    -------
    str or None
        The parent code, ``None`` for ``DG``.

    Examples
    --------
    >>> [parent_of(c) for c in ["DG", "05", "051", "05111", "05111000", "05111000-A"]]
    [None, 'DG', '05', '051', '05111', '05111000']
    >>> parent_of("12072")
    '12'
    >>> parent_of("11003003")  # Berlin district
    '11000'
    """
    norm = normalize_code(code)
    level = level_of(norm)
    if level == "bund":
        return None
    if level == "land":
        return "DG"
    if level == "regbez":
        return norm[:2]
    if level == "kreis":
        return norm[:3] if norm[2] != "0" else norm[:2]
    if level == "gemeinde":
        if norm[:2] == "11" and norm[2:5] != "000":
            return "11000"
        return norm[:5]
    return norm.split("-", 1)[0]


def _guess_kreisfrei(name: str) -> bool:
    lowered = name.lower()
    if "kreisfrei" in lowered or "stadtkreis" in lowered:
        return True
    if "kreis" in lowered or "regionalverband" in lowered or lowered.startswith("region "):
        return False
    return "stadt" in lowered
