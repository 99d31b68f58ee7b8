"""The ``value`` column of official tables: numbers, symbols and quality marks.

Private helper of :func:`toolkit.io.read_genesis` and the table-layout
reader: a cell such as ``158789``, ``12,3p``, ``(5)``, ``-`` or ``.`` becomes
a float and a flag; everything else (digits of another script, a thousands
dot whose meaning cannot be told) is one :class:`~toolkit.errors.DataError`.

Examples
--------
>>> values, flags = parse_values(pd.Series(["12,5", "-", "."]), None, np.array([2, 3, 4]),
...                              "x_de_flat.csv")
>>> values.tolist(), flags.tolist()
([12.5, 0.0, nan], ['', '-', '.'])
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from toolkit.errors import DataError, Problem
from toolkit.io._guards import foreign_digits, shorten

__all__ = ["MISSING_SYMBOLS", "QUALITY_FLAGS", "parse_distinct", "parse_values"]

#: Symbols that stand instead of a number and mean "no value" (value NaN).
MISSING_SYMBOLS = (".", "x", "/", "...")

#: Quality marks kept in ``flag`` when the number itself is given.
QUALITY_FLAGS = ("p", "r", "s")

_PLAIN = r"[-+]?[0-9]+(?:[.,][0-9]+)?"
_NUMBER = re.compile(r"^(\()?([-+]?[0-9]+(?:[.,][0-9]+)?)(\))?\s*([prse])?$")


def _language(name: str) -> str | None:
    """Language of an export from its GENESIS file name (``..._de_flat.csv``)."""
    match = re.search(r"_(de|en)_flat", name.lower())
    return match.group(1) if match else None


def parse_values(
    raw: pd.Series,
    quality: pd.Series | None,
    lines: np.ndarray,
    name: str,
    language: str | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Convert the ``value`` strings to floats and flags, or raise one DataError.

    ``language`` (``de``/``en``) is taken from the file name when not given; a
    value like ``158.789`` in a file of unknown language is refused (a
    thousands dot or a decimal point: a factor of 1,000 hangs on it).
    """
    text = raw.str.strip()
    text = text.where(text != "…", "...")
    # plain numbers (nearly every cell) skip the full pattern; the rest is matched by it
    plain = text.str.fullmatch(_PLAIN).to_numpy(dtype=bool, na_value=False)
    parts = pd.DataFrame({k: pd.Series(None, index=text.index, dtype="str") for k in range(4)})
    parts[1] = text.where(plain, None)
    if not plain.all():
        rest = text[~plain].str.extract(_NUMBER)
        for k in range(4):
            parts.loc[~plain, k] = rest[k]
    is_number = parts[1].notna().to_numpy()
    numbers = parts[1].fillna("")
    has_comma = is_number & numbers.str.contains(",", regex=False).to_numpy()
    has_point = is_number & numbers.str.contains(".", regex=False).to_numpy()
    problems: list[Problem] = []
    if has_comma.any() and has_point.any():
        minority = has_point if has_point.sum() <= has_comma.sum() else has_comma
        problems.append(
            Problem(
                "Dezimalkomma und Dezimalpunkt gemischt; eine Export-Datei verwendet nur eines "
                "von beiden (deutsch ',' oder englisch '.')",
                column="value",
                rows=tuple(int(x) for x in lines[minority]),
                hint="Datei unverändert aus GENESIS verwenden",
            )
        )
    language = _language(name) or language
    ambiguous = has_point & numbers.str.fullmatch(r"[-+]?[0-9]{1,3}(?:\.[0-9]{3})+").to_numpy()
    if language is None and ambiguous.any() and not has_comma.any():
        problems.append(
            Problem(
                "Punkt als Tausendertrennzeichen oder Dezimalpunkt? Die Sprache der Datei ist "
                "weder am Dateinamen (_de_flat/_en_flat) noch an Einheiten zu erkennen, der Wert "
                "wäre um den Faktor 1000 falsch",
                column="value",
                rows=tuple(int(x) for x in lines[ambiguous][:20]),
                hint="den Originalnamen des Downloads (…_de_flat.csv / …_en_flat.csv) verwenden",
            )
        )
    wrong = has_point if language == "de" else has_comma if language == "en" else None
    if wrong is not None and wrong.any() and not (has_comma.any() and has_point.any()):
        mark, other = ("'.'", "','") if language == "de" else ("','", "'.'")
        problems.append(
            Problem(
                f"Dezimaltrennzeichen {mark} in einem Export, der laut Dateiname "
                f"{'deutsch' if language == 'de' else 'englisch'} ist und {other} verwendet",
                column="value",
                rows=tuple(int(x) for x in lines[wrong]),
                hint="Datei unverändert aus GENESIS verwenden oder den Dateinamen korrigieren",
            )
        )
    values = pd.to_numeric(numbers.str.replace(",", ".", regex=False), errors="coerce").to_numpy(
        dtype=float
    )
    opened = parts[0].notna().to_numpy()
    closed = parts[2].notna().to_numpy()
    flag = np.where(opened & closed, "()", parts[3].fillna("").to_numpy(dtype=object))
    flag = np.where(flag == "e", "", flag)
    unbalanced = is_number & (opened != closed)
    zero = (text == "-").to_numpy()
    missing = text.isin([*MISSING_SYMBOLS, "()"]).to_numpy()
    values = np.where(zero, 0.0, values)
    flag = np.where(zero | missing, text.to_numpy(dtype=object), flag)
    empty = (text == "").to_numpy()
    unknown = ~(is_number | zero | missing | empty) | unbalanced
    if empty.any():
        problems.append(
            Problem(
                "leerer Wert; erwartet eine Zahl oder ein Zeichen wie '-', '.', 'x', '/'",
                column="value",
                rows=tuple(int(x) for x in lines[empty]),
            )
        )
    for token in sorted(set(text[unknown]))[:20]:
        rows = lines[unknown & (text == token).to_numpy()]
        foreign = foreign_digits(token)
        problems.append(
            Problem(
                (
                    "Ziffern einer anderen Schrift (z. B. Vollbreite oder arabisch-indisch): "
                    if foreign
                    else "unbekanntes Zeichen oder keine Zahl: "
                )
                + shorten(token),
                column="value",
                rows=tuple(int(x) for x in rows[:20]),
                hint="Zahlen mit den Ziffern 0-9 schreiben; Datei unverändert aus GENESIS verwenden"
                if foreign
                else "bekannt sind Zahlen (Dezimalkomma) und '-', '.', "
                "'x', '/', '...', '()', 'p', 'r', 's'",
            )
        )
    if quality is not None:
        q = quality.str.strip().to_numpy(dtype=object)
        known = np.isin(q, ["", "e", *QUALITY_FLAGS, "-", *MISSING_SYMBOLS])
        for token in sorted(set(q[~known])):
            rows = lines[q == token]
            problems.append(
                Problem(
                    f"unbekanntes Qualitätskennzeichen {token!r}",
                    column="value_q",
                    rows=tuple(int(x) for x in rows),
                    hint="bekannt sind 'e' (endgültig), 'p', 'r', 's' und die Zeichen der "
                    "Wertspalte",
                )
            )
        take = (flag == "") & np.isin(q, list(QUALITY_FLAGS))
        flag = np.where(take, q, flag)
    if problems:
        raise DataError(
            f"Die Wertspalte der GENESIS-Datei enthält {len(problems)} Problem(e). "
            "Zeilennummern wie in der Datei (Kopfzeile = Zeile 1).",
            file=name,
            column=problems[0].column,
            problems=problems,
        )
    return values.astype(float), flag.astype(object)


def parse_distinct(
    raw: pd.Series, lines: np.ndarray, name: str, language: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`parse_values` computed once per distinct cell (no quality column).

    A number's value and flag depend only on its own text, and every problem
    :func:`parse_values` reports depends only on which texts occur; so the
    distinct cells decide. When they hold a problem, the row-by-row parse runs
    and raises with every line it concerns.

    Examples
    --------
    >>> values, flags = parse_distinct(pd.Series(["5", "-", "5"]), np.array([2, 3, 4]), "x")
    >>> values.tolist(), flags.tolist()
    ([5.0, 0.0, 5.0], ['', '-', ''])
    """
    codes, uniques = pd.factorize(raw, use_na_sentinel=False)
    try:
        values, flags = parse_values(
            pd.Series(uniques, dtype="str"), None, np.arange(len(uniques)), name, language
        )
    except DataError:
        return parse_values(raw, None, lines, name, language)
    return values[codes], flags[codes]
