"""Checks of a GENESIS flat export after parsing: what the cells mean together.

Private helper of :func:`toolkit.io.read_genesis` (issue #14). The parser
turns cells into values; these checks refuse files whose values would be
read with the wrong meaning: region codes that are not codes or are
unknown, a misspelt region variable, several statistics in one file, the
same cell twice, impossible ``time`` values, numbers that are not finite.
Every check returns :class:`~toolkit.errors.Problem` objects naming the
lines (header = line 1), at most :data:`~toolkit.io._guards.ROWS_SHOWN`
lines each, with the total count.

Examples
--------
>>> import numpy as np
>>> times = pd.Series(["2024-12-31", "24-12-31"])
>>> [p.rows for p in time_problems(times, np.array([2, 3]))]
[(3,)]
"""

from __future__ import annotations

import difflib
import re

import numpy as np
import pandas as pd

from toolkit.errors import Problem
from toolkit.io._codes import code_level, code_problem
from toolkit.io._guards import ROWS_SHOWN, shorten

__all__ = [
    "duplicate_problems",
    "flat_language",
    "region_problems",
    "statistic_problems",
    "time_problems",
    "value_problems",
]

_TIME = re.compile(r"^(\d{4})(?:-(\d{2})-(\d{2})|-(\d{2})P\d+[DWMQY]|/\d{2,4})?$")
_FIRST_YEAR, _LAST_YEAR = 1900, 2100
_DE_UNITS = {"anzahl", "prozent", "personen", "tsd.", "tausend", "jahre", "hektar", "stunden"}
_EN_UNITS = {"number", "percent", "persons", "thousand", "years", "hectares", "hours"}


def _rows(lines: np.ndarray, mask: np.ndarray) -> tuple[tuple[int, ...], str]:
    hit = lines[mask]
    more = f" (insgesamt {len(hit)} Zeilen)" if len(hit) > ROWS_SHOWN else ""
    return tuple(int(x) for x in hit[:ROWS_SHOWN]), more


def flat_language(units: pd.Series, labels: pd.Series | None) -> str | None:
    """Language of a flat export told from its units and labels, None if unclear.

    Examples
    --------
    >>> flat_language(pd.Series(["Anzahl"]), None), flat_language(pd.Series(["EUR"]), None)
    ('de', None)
    """
    seen = {str(u).strip().lower() for u in pd.unique(units)}
    if labels is not None:
        seen |= {str(u).strip().lower() for u in pd.unique(labels)}
    de, en = bool(seen & (_DE_UNITS | {"insgesamt"})), bool(seen & (_EN_UNITS | {"total"}))
    return "de" if de and not en else "en" if en and not de else None


def statistic_problems(codes: pd.Series, lines: np.ndarray) -> list[Problem]:
    """One file holds one statistic; several mean glued or mixed downloads.

    Examples
    --------
    >>> statistic_problems(pd.Series(["12411", "12412"]), np.array([2, 3]))[0].rows
    (3,)
    """
    found = list(pd.unique(codes))
    if len(found) <= 1:
        return []
    major = codes.value_counts().index[0]
    rows, more = _rows(lines, (codes != major).to_numpy())
    return [
        Problem(
            f"mehrere Statistiken in einer Datei ({', '.join(shorten(c) for c in found[:5])}); "
            f"eine GENESIS-Tabelle gehört zu genau einer Statistik{more}",
            column="statistics_code",
            rows=rows,
            hint="jede Tabelle als eigene Datei herunterladen und einzeln lesen",
        )
    ]


def time_problems(times: pd.Series, lines: np.ndarray) -> list[Problem]:
    """``time`` must be a year ``1900..2100``, a date or a GENESIS period.

    Examples
    --------
    >>> time_problems(pd.Series(["3024-12-31"]), np.array([2]))[0].message[:25]
    "ungültige Zeitangabe '302"
    """
    problems = []
    for value in pd.unique(times):
        text = str(value).strip()
        m = _TIME.match(text)
        ok = m is not None and _FIRST_YEAR <= int(m.group(1)) <= _LAST_YEAR
        if ok and m.group(2):
            ok = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce") is not pd.NaT
        if ok:
            continue
        rows, more = _rows(lines, (times == value).to_numpy())
        what = "leere Zeitangabe" if not text else f"ungültige Zeitangabe {shorten(text)}"
        problems.append(
            Problem(
                f"{what}; erwartet ein Jahr ({_FIRST_YEAR} bis {_LAST_YEAR}), ein Datum "
                f"JJJJ-MM-TT oder einen GENESIS-Zeitraum{more}",
                column="time",
                rows=rows,
                hint="Datei unverändert aus GENESIS verwenden",
            )
        )
    return problems


def value_problems(values: np.ndarray, lines: np.ndarray) -> list[Problem]:
    """Numbers must be finite (a 400-digit number becomes infinity).

    Examples
    --------
    >>> value_problems(np.array([1.0, np.inf]), np.array([2, 3]))[0].rows
    (3,)
    """
    bad = np.isinf(values)
    if not bad.any():
        return []
    rows, more = _rows(lines, bad)
    return [
        Problem(
            f"Zahl zu groß (unendlich als Gleitkommazahl){more}",
            column="value",
            rows=rows,
            hint="Wert prüfen; die Datei ist vermutlich beschädigt",
        )
    ]


def region_problems(
    codes: pd.Series,
    regional: np.ndarray,
    variables: dict[str, np.ndarray],
    known_variables: set[str],
    lines: np.ndarray,
) -> list[Problem]:
    """Region codes must be well-formed codes of real Länder; a misspelt region variable is refused.

    Parameters
    ----------
    codes : pandas.Series
        Region code per row (None where the row has no region variable).
    regional : numpy.ndarray
        Whether a row has a region variable.
    variables : dict
        Code of every other variable -> its attribute codes per row.
    known_variables : set of str
        The region variables the reader knows.
    lines : numpy.ndarray
        Line number per row.

    Returns
    -------
    list of Problem

    Examples
    --------
    >>> p = region_problems(pd.Series(["8222"]), np.array([True]),
    ...                     {}, {"KREISE"}, np.array([2]))
    >>> p[0].rows, "führende Null" in p[0].message
    ((2,), True)
    """
    problems: list[Problem] = []
    for code, attrs in variables.items():
        close = difflib.get_close_matches(code.upper(), sorted(known_variables), n=1, cutoff=0.75)
        if close:
            rows, more = _rows(lines, pd.Series(attrs).notna().to_numpy())
            problems.append(
                Problem(
                    f"Merkmal {shorten(code)} ist kein bekanntes Regionalmerkmal (gemeint "
                    f"{close[0]!r}?); die Zeilen hätten keinen Regionalschlüssel{more}",
                    column="variable_code",
                    rows=rows,
                    hint="Datei unverändert aus GENESIS verwenden; bekannte Regionalmerkmale: "
                    + ", ".join(sorted(known_variables))
                    + " und GEO…",
                )
            )
    regional = np.asarray(regional, dtype=bool)
    if regional.any() and not regional.all():
        rows, more = _rows(lines, ~regional)
        problems.append(
            Problem(f"Zeile ohne Regionalmerkmal, andere Zeilen haben eines{more}", rows=rows)
        )
    present = codes[regional]
    uniq = pd.Series(pd.unique(present), dtype="object").fillna("").astype(str)
    # well-formed codes of real Länder (lengths 2, 3, 5, 8) pass without a closer look
    plain = uniq.str.fullmatch(r"DG|(?:0[1-9]|1[0-6])(?:[0-9]|[0-9]{3}|[0-9]{6})?")
    bad: list[tuple[str, str]] = []
    for text in uniq[~plain.to_numpy(dtype=bool)].tolist():
        level = code_level(text)
        if level is None and re.fullmatch(r"(0[1-9]|1[0-6])0", text):
            continue  # GENESIS lists a Land without Regierungsbezirke as 'LL0' under REGBEZ
        if level is None:
            bad.append((text, code_problem(text)))
        elif level != "bund" and text[:2] == "17":
            bad.append((text, "'17' ist das erfundene Musterland, kein Land in amtlichen Daten"))
    if len(bad) > ROWS_SHOWN:
        problems.append(Problem(f"{len(bad)} verschiedene ungültige Regionalschlüssel", rows=()))
    for text, why in bad[:ROWS_SHOWN]:
        hit = regional & (codes.fillna("").astype(str) == text).to_numpy()
        rows, more = _rows(lines, hit)
        problems.append(
            Problem(
                f"ungültiger oder unbekannter Regionalschlüssel {shorten(text)}: {why}{more}",
                column="variable_attribute_code",
                rows=rows,
                hint="Regionalschlüssel werden nie geraten; Datei unverändert aus GENESIS "
                "verwenden (Codes als Text, führende Nullen erhalten)",
            )
        )
    return problems


def duplicate_problems(frame: pd.DataFrame, key: list[str], lines: np.ndarray) -> list[Problem]:
    """Refuse the same cell (statistic, time, region, variables) given twice.

    Examples
    --------
    >>> f = pd.DataFrame({"k": ["a", "a"], "value": [1.0, 2.0], "flag": ["", ""]})
    >>> duplicate_problems(f, ["k"], np.array([2, 3]))[0].message[:33]
    'derselbe Wert steht mehrfach mit '
    """
    dup = frame.duplicated(subset=key, keep="first").to_numpy()
    if not dup.any():
        return []
    same = frame.duplicated(subset=[*key, "value", "flag"], keep="first").to_numpy()
    problems = []
    for mask, what in (
        (dup & ~same, "derselbe Wert steht mehrfach mit unterschiedlichen Zahlen"),
        (same, "derselbe Wert steht doppelt (identische Zeile)"),
    ):
        if mask.any():
            rows, more = _rows(lines, mask)
            problems.append(
                Problem(
                    f"{what}; Summen würden doppelt zählen{more}",
                    rows=rows,
                    hint="Datei unverändert aus GENESIS verwenden; zusammengefügte Downloads "
                    "trennen",
                )
            )
    return problems
