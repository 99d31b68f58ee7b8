"""Texts and the data table of a map: alt text, finding, table rows (private)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.charts._mapdraw import SCHEMES
from toolkit.text import MISSING_TEXT, fmt_number, fmt_value, is_missing, join_de

__all__ = ["LEVEL_WORDS", "map_table", "map_texts", "missing", "value_words"]

LEVEL_WORDS = {
    "kreis": ("Kreise", "des Landes"),
    "gemeinde": ("Gemeinden", "des Kreises"),
    "sozialraum": ("Sozialräume", "der Stadt"),
}


def missing(frame: pd.DataFrame) -> np.ndarray:
    """Rows whose value is not shown (a flag or no number), as :func:`toolkit.text.is_missing`."""
    return np.array(
        [is_missing(v, f) for v, f in zip(frame["value"], frame["flag"], strict=True)], dtype=bool
    )


def value_words(data: pd.DataFrame, unit: str) -> list[str]:
    """Each area's value as the table and the alt text write it ("–": no data at all)."""
    return [
        fmt_value(v, unit, flag=f) if f or not pd.isna(v) else "–"
        for v, f in zip(data["value"], data["flag"], strict=True)
    ]


def map_table(
    data: pd.DataFrame, cls: np.ndarray, legend: list[str], words: list[str]
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Region": data["region_name"].to_numpy(),
            "Schlüssel": data["region_code"].to_numpy(),
            "Wert": words,
            "Klasse": [legend[c] if c >= 0 else "" for c in cls],
            "Hinweis": [
                "" if c >= 0 else MISSING_TEXT.get(f, MISSING_TEXT[""])
                for c, f in zip(cls, data["flag"], strict=True)
            ],
        }
    )


_ALT_LIST_MAX = 30


def map_texts(
    data, hidden, legend, unit, words, level, place, period, what, scheme
) -> tuple[str, str]:
    plural, of = LEVEL_WORDS.get(level, (level, "von"))
    when = "" if str(period) in str(what) else f" {period}"
    alt = f"Karte: {what}{when} für die {len(data)} {plural} {of} {place}."
    shown = data[~hidden]
    if shown.empty:
        return (
            alt + " Kein Wert darf gezeigt werden.",
            "Für keines der Gebiete wird ein Wert gezeigt.",
        )
    hi = shown.loc[shown["value"].idxmax()]
    lo = shown.loc[shown["value"].idxmin()]
    alt += (
        f" {len(legend)} Farbklassen ({SCHEMES[scheme][1]}): {join_de(legend)}."
        f" Höchster Wert: {hi['region_name']} ({fmt_value(hi['value'], unit)}),"
        f" niedrigster: {lo['region_name']} ({fmt_value(lo['value'], unit)})."
    )
    if hidden.any():
        alt += (
            f" {fmt_number(int(hidden.sum()))} Gebiete ohne gezeigten Wert (schraffiert bzw. grau)."
        )
    if len(data) <= _ALT_LIST_MAX:  # a small map: every area in words, as a bar chart's alt text
        values = [f"{n}: {w}" for n, w in zip(data["region_name"], words, strict=True)]
        alt += " Werte: " + "; ".join(values) + "."
    finding = (
        f"Höchster Wert in {hi['region_name']} ({fmt_value(hi['value'], unit)}), "
        f"niedrigster in {lo['region_name']} ({fmt_value(lo['value'], unit)})."
    )
    return alt, finding
