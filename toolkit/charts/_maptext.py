"""Texts and the data table of a map: alt text, finding, table rows (private).

The alt text stays short (at most :data:`ALT_MAX` characters: what is mapped,
where, the highest and lowest value on a sufficient base) and points to the
data table, which lists every area with its value; the report links the two
(:meth:`toolkit.charts.MapChart.to_html`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.text import MISSING_TEXT, fmt_number, fmt_value, is_missing

__all__ = [
    "ALT_MAX",
    "CLASS_COLUMN",
    "LEVEL_WORDS",
    "map_table",
    "map_texts",
    "missing",
    "value_words",
]

#: Longest alt text of a map (issue #17: about 250 characters plus the table).
ALT_MAX = 250

LEVEL_WORDS = {
    "kreis": ("Kreise", "des Landes"),
    "gemeinde": ("Gemeinden", "des Kreises"),
    "sozialraum": ("Sozialräume", "der Stadt"),
}

#: Column of the map table with each area's class (its bounds are other areas' values).
CLASS_COLUMN = "Klasse"

#: Note in the table for a rate on a small base (drawn, never compared).
SMALL_NOTE = "kleine Basis (*): nicht verglichen"


def missing(frame: pd.DataFrame) -> np.ndarray:
    """Rows whose value is not shown (a flag or no number), as :func:`toolkit.text.is_missing`."""
    return np.array(
        [is_missing(v, f) for v, f in zip(frame["value"], frame["flag"], strict=True)], dtype=bool
    )


def value_words(data: pd.DataFrame, unit: str, small: np.ndarray | None = None) -> list[str]:
    """Each area's value as the table writes it ("–": no data at all, "*": small base)."""
    marks = small if small is not None else np.zeros(len(data), dtype=bool)
    return [
        (fmt_value(v, unit, flag=f) + ("*" if s else "")) if f or not pd.isna(v) else "–"
        for v, f, s in zip(data["value"], data["flag"], marks, strict=True)
    ]


def map_table(
    data: pd.DataFrame,
    cls: np.ndarray,
    legend: list[str],
    words: list[str],
    small: np.ndarray | None = None,
) -> pd.DataFrame:
    """One row per area: Region, Schlüssel, Wert, Klasse, Fallzahl (rates), Hinweis."""
    marks = small if small is not None else np.zeros(len(data), dtype=bool)
    table = {
        "Region": data["region_name"].to_numpy(),
        "Schlüssel": data["region_code"].to_numpy(),
        "Wert": words,
        CLASS_COLUMN: [legend[c] if c >= 0 else "" for c in cls],
    }
    bases = data["base"].to_numpy(dtype=float) if "base" in data.columns else np.array([])
    if len(bases) and not np.isnan(bases).all():
        table["Fallzahl"] = [
            fmt_value(b, "Anzahl") if c >= 0 and b == b else ""
            for b, c in zip(bases, cls, strict=True)
        ]
    table["Hinweis"] = [
        SMALL_NOTE if s else ("" if c >= 0 else MISSING_TEXT.get(f, MISSING_TEXT[""]))
        for c, f, s in zip(cls, data["flag"], marks, strict=True)
    ]
    return pd.DataFrame(table)


def _shortest_fitting(versions: list[list[str]], limit: int) -> str:
    """Return the first version whose parts fit ``limit``; else the last one, its head cut."""
    for parts in versions:
        text = "".join(parts)
        if len(text) <= limit:
            return text
    head, *rest = versions[-1]
    room = limit - len("".join(rest)) - 2
    return head[:room].rstrip() + "…." + "".join(rest)


def map_texts(
    data: pd.DataFrame,
    hidden: np.ndarray,
    small: np.ndarray,
    unit: str,
    level: str,
    place: str,
    period: object,
    what: str,
) -> tuple[str, str]:
    r"""Return the alt text (≤ :data:`ALT_MAX` characters) and the finding of a map.

    Examples
    --------
    >>> d = pd.DataFrame({"region_name": ["A", "B", "C"], "value": [1.0, 2.0, 3.0],
    ...                   "flag": ["", "", ""]})
    >>> alt, finding = map_texts(d, np.zeros(3, bool), np.array([False, False, True]), "%",
    ...                          "gemeinde", "Kreis K (17099)", 2024, "Quote")
    >>> alt
    'Karte: Quote 2024 für die 3 Gemeinden des Kreises Kreis K (17099). Höchster Wert: B (2,0\xa0%), niedrigster: A (1,0\xa0%). 1 Wert auf kleiner Basis (*). Alle 3 Werte in der Tabelle zur Karte.'
    >>> finding
    'Höchster Wert in B (2,0\xa0%), niedrigster in A (1,0\xa0%); 1 Wert auf kleiner Basis (*) nicht verglichen.'
    """
    plural, of = LEVEL_WORDS.get(level, (level, "von"))
    when = "" if str(period) in str(what) else f" {period}"
    short_place = place.rsplit(" (", 1)[0]
    tail = f" Alle {len(data)} Werte in der Tabelle zur Karte."
    compared = data[~hidden & ~small]
    n_hidden, n_small = int(hidden.sum()), int(small.sum())
    counts = ""
    if n_hidden:
        areas = "Gebiet" if n_hidden == 1 else "Gebiete"
        counts += f" {fmt_number(n_hidden)} {areas} ohne gezeigten Wert."
    if n_small:
        counts += (
            f" {fmt_number(n_small)} {'Wert' if n_small == 1 else 'Werte'} auf kleiner Basis (*)."
        )
    if compared.empty:
        extremes = " Kein Wert wird verglichen." if n_small else " Kein Wert darf gezeigt werden."
        finding = (
            "Für keines der Gebiete wird ein Wert gezeigt."
            if not n_small
            else "Alle gezeigten Werte beruhen auf kleiner Basis (*); kein Vergleich."
        )
    else:
        hi = compared.loc[compared["value"].idxmax()]
        lo = compared.loc[compared["value"].idxmin()]
        high = f"{hi['region_name']} ({fmt_value(hi['value'], unit)})"
        low = f"{lo['region_name']} ({fmt_value(lo['value'], unit)})"
        extremes = f" Höchster Wert: {high}, niedrigster: {low}."
        finding = f"Höchster Wert in {high}, niedrigster in {low}"
        if n_small:
            finding += f"; {n_small} {'Wert' if n_small == 1 else 'Werte'} auf kleiner Basis (*) nicht verglichen"
        finding += "."

    def head(where: str) -> str:
        return f"Karte: {what}{when} für die {len(data)} {plural} {of} {where}."

    # the pointer to the table is never dropped; the region key, the counts and the
    # extremes are, in this order, when the text would be too long
    alt = _shortest_fitting(
        [
            [head(place), extremes, counts, tail],
            [head(short_place), extremes, counts, tail],
            [head(short_place), extremes, tail],
            [head(short_place), tail],
        ],
        ALT_MAX,
    )
    return alt, finding
