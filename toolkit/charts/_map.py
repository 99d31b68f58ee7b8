r"""Choropleth map block: the sub-regions of a region, classified and coloured.

Notes
-----
Classification: ``quantiles`` (default; about equally many areas per class),
``natural_breaks`` (Fisher–Jenks, the optimal version of Jenks' natural breaks:
classes of similar values) or ``equal_interval``, computed with ``mapclassify``
over the shown (published) values only, at most five classes, upper bounds
included. Colours: ColorBrewer YlGnBu (sequential, colour-blind safe, monotone
lightness, so it reads in greyscale). Values hidden by disclosure control
(``.``) and values without meaning (``x``) are hatched and explained in the
legend; areas without any data are light grey. Only frames marked protected by
disclosure control are drawn (:func:`toolkit.geo.require_protected`).

References
----------
Brewer, C. A., Hatchard, G. W. and Harrower, M. A. (2003). ColorBrewer in print:
a catalog of color schemes for maps. Cartography and Geographic Information
Science 30(1), 5-32.

Jenks, G. F. (1967). The data model concept in statistical mapping.
International Yearbook of Cartography 7, 186-190.

Examples
--------
>>> from toolkit.geo import sample_boundaries, mark_protected
>>> import pandas as pd
>>> geo = sample_boundaries()
>>> gem = geo[geo["region_code"].str.startswith("17051") & (geo["level"] == "gemeinde")]
>>> f = mark_protected(pd.DataFrame({"region_code": gem["region_code"], "region_name": gem["region_name"],
...     "level": "gemeinde", "period": 2024, "indicator": "q", "dimension": "", "category": "",
...     "value": range(len(gem)), "numerator": 1.0, "denominator": 1.0, "unit": "%", "flag": ""}))
>>> m = choropleth(f, geo, indicator="q", within="17051", title="Quote")
>>> len(m.table), m.alt_text.startswith("Karte")
(14, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from toolkit.charts._base import SMALL_BASE, _require, _wrap, case_base
from toolkit.charts._mapchart import MapChart
from toolkit.charts._mapdraw import (
    MAX_CLASSES,
    PALETTE,
    SCHEMES,
    class_labels,
    classify,
    map_layout,
)
from toolkit.charts._maptext import LEVEL_WORDS, map_table, map_texts, missing, value_words
from toolkit.errors import DataError, ParameterError
from toolkit.geo import check_codes, require_protected
from toolkit.text import join_de

__all__ = [
    "MAX_CLASSES",
    "PALETTE",
    "SCHEMES",
    "MapChart",
    "child_level",
    "choropleth",
]


def child_level(within: str) -> str:
    """Level of the areas inside region ``within`` (by the shape of its code).

    Examples
    --------
    >>> child_level("17"), child_level("17051"), child_level("17001000")
    ('kreis', 'gemeinde', 'sozialraum')
    """
    width = len(within)
    if width in (2, 3):
        return "kreis"
    if width == 5:
        return "gemeinde"
    if width == 8:
        return "sozialraum"
    raise ParameterError(
        f"Region {within!r}: Ein Land (2 Stellen), ein Kreis (5) oder eine Gemeinde (8) "
        "wird als Kartenausschnitt erwartet.",
        column="region_code",
    )


def _areas(boundaries: pd.DataFrame, within: str, level: str) -> pd.DataFrame:
    codes = boundaries["region_code"]
    if level == "sozialraum":
        inside = codes.str.startswith(within + "-")
    else:
        inside = codes.str.startswith(within)
    areas = boundaries[(boundaries["level"] == level) & inside]
    if areas.empty:
        raise DataError(
            f"Keine Gebietsgrenzen der Ebene {level!r} in Region {within}.",
            hint="Andere Ebene wählen oder Grenzen laden (toolkit.geo).",
        )
    return _plain(areas)


def _plain(areas: pd.DataFrame) -> pd.DataFrame:
    """Code, name, attribution and shapely geometry of areas as a plain frame.

    Selecting from a plain frame costs a fraction of a GeoDataFrame's, which
    counts when a batch draws hundreds of maps.
    """
    return pd.DataFrame(
        {
            "region_code": areas["region_code"].astype(str).to_numpy(),
            "region_name": areas["region_name"].astype(str).to_numpy(),
            "attribution": areas["attribution"].astype(str).to_numpy(),
            "geometry": np.asarray(areas["geometry"].to_numpy(), dtype=object),
        }
    )


def _values(frame: pd.DataFrame, indicator: str, dimension: str, category: str) -> pd.DataFrame:
    _require(
        frame, ["region_code", "level", "period", "indicator", "value", "unit", "flag"], "Karte"
    )
    rows = frame[
        (frame["indicator"] == indicator)
        & (frame.get("dimension", "") == dimension)
        & (frame.get("category", "") == category)
    ]
    if rows.empty:
        raise DataError(
            f"Keine Werte für Indikator {indicator!r} in der Tabelle.", column="indicator"
        )
    return rows


def choropleth(
    frame: pd.DataFrame,
    boundaries: pd.DataFrame,
    *,
    indicator: str,
    within: str,
    period: int | None = None,
    level: str | None = None,
    highlight: str | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    title: str = "",
    dimension: str = "",
    category: str = "",
    labels: bool = True,
    width: float = 7.0,
    small_base: int = SMALL_BASE,
) -> MapChart:
    """Draw the sub-regions of ``within`` coloured by one indicator value.

    Parameters
    ----------
    frame : pandas.DataFrame
        IndicatorFrame **marked protected** (after disclosure control).
    boundaries : geopandas.GeoDataFrame
        From :mod:`toolkit.geo` (EPSG:25832; ``region_code``, ``level``, ``attribution``).
    indicator : str
        Indicator code.
    within : str
        Region whose sub-regions are drawn: a Land (its Kreise), a Kreis (its
        Gemeinden) or a city (its Sozialräume).
    period : int, optional
        Period; defaults to the latest with a value in one of the areas.
    level : str, optional
        Level of the areas; derived from ``within`` by default.
    highlight : str, optional
        Region outlined in bold (the report's own region); its area is labelled first.
    scheme : {"quantiles", "natural_breaks", "equal_interval"}, default "quantiles"
        Classification (see Notes of the module).
    k : int, default 5
        Number of classes, 1 to 5 (fewer when there are fewer distinct values).
    title : str, optional
        Map title.
    dimension, category : str, optional
        A breakdown cell instead of the total.
    labels : bool, default True
        Write area names (only those that do not collide).
    width : float, default 7.0
        Figure width in inches.
    small_base : int, default 20
        A rate resting on fewer cases (its denominator, else its numerator) is
        coloured and listed with "*" in the table, but never named as highest or
        lowest value (issue #17, the reports' rule).

    Returns
    -------
    MapChart
        Figure, alt text, finding and the data table.

    Raises
    ------
    DisclosureError
        If ``frame`` is not marked protected.
    DataError
        If there is no boundary or no value to draw.
    ParameterError
        For an unknown scheme or more than five classes.

    Examples
    --------
    See the module docstring.
    """
    require_protected(frame)
    level = level or child_level(within)
    areas = _areas(boundaries, within, level)
    rows = _values(frame, indicator, dimension, category)
    rows = rows[
        (rows["level"] == level) & rows["region_code"].str.startswith(_prefix(within, level))
    ]
    names = boundaries.loc[boundaries["region_code"] == within, "region_name"]
    style = _Style(indicator, scheme, k, title, labels, width, small_base)
    return _one_map(
        rows, areas, within, level, period, highlight, names.iloc[0] if len(names) else None, style
    )


def _prefix(within: str, level: str) -> str:
    return within + "-" if level == "sozialraum" else within


@dataclass(frozen=True)
class _Style:
    indicator: str
    scheme: str = "quantiles"
    k: int = 5
    title: str = ""
    labels: bool = True
    width: float = 7.0
    small_base: int = SMALL_BASE

    @classmethod
    def of(cls, indicator: str, options: dict[str, Any]) -> _Style:
        allowed = ("scheme", "k", "title", "labels", "width", "small_base")
        unknown = sorted(set(options) - set(allowed))
        if unknown:
            raise ParameterError(
                f"Unbekannte Kartenoption {unknown[0]!r}.",
                hint=f"Erlaubt: {', '.join(allowed)}.",
            )
        return cls(indicator, **options)


def _join(areas: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """One plain row per area (sorted by code): code, name, geometry, value, flag, base.

    ``base`` is the number of cases a rate rests on (:func:`toolkit.charts.case_base`).

    Names are the data's ("Kassel, Landkreis") where the area has data, else the
    boundary's. A plain frame and an index lookup instead of a GeoDataFrame merge:
    a third of the time of a map in a batch of 400.
    """
    areas = areas.sort_values("region_code")
    codes = areas["region_code"].to_numpy()
    at = pd.Index(rows["region_code"].astype(str)).get_indexer(codes)
    found = at >= 0
    pick = np.where(found, at, 0)
    value = np.where(
        found, rows["value"].to_numpy(dtype=float)[pick] if len(rows) else np.nan, np.nan
    )
    flag = np.where(
        found, rows["flag"].fillna("").astype(str).to_numpy()[pick] if len(rows) else "", ""
    )
    base = np.where(
        found, np.asarray(case_base(rows), dtype=float)[pick] if len(rows) else np.nan, np.nan
    )
    names = areas["region_name"].to_numpy()
    if "region_name" in rows.columns and len(rows):
        names = np.where(found, rows["region_name"].astype(str).to_numpy()[pick], names)
    return pd.DataFrame(
        {
            "region_code": codes,
            "region_name": names,
            "attribution": areas["attribution"].to_numpy(),
            "geometry": areas["geometry"].to_numpy(),
            "value": value,
            "flag": flag.astype(str),
            "base": base,
        }
    )


def _one_map(
    rows: pd.DataFrame,
    areas: pd.DataFrame,
    within: str,
    level: str,
    period: int | None,
    highlight: str | None,
    name: str | None,
    style: _Style,
) -> MapChart:
    if rows.empty:
        raise DataError(
            f"Keine Werte für {style.indicator!r} auf Ebene {level!r} in Region {within}.",
            column="region_code",
            hint="Der Indikator liegt für diese Ebene vielleicht nicht vor.",
        )
    if period is None:
        shown = rows[~missing(rows)]
        period = int((shown if not shown.empty else rows)["period"].max())
    rows = rows[rows["period"] == period].drop_duplicates("region_code")
    check_codes(areas, rows["region_code"], what=LEVEL_WORDS.get(level, (level,))[0])
    data = _join(areas, rows)
    hidden = missing(data)
    # a rate on fewer than `small_base` cases is drawn and listed ("*"), never compared
    small = ~hidden & (data["base"].to_numpy(dtype=float) < style.small_base)
    values = data.loc[~hidden, "value"].to_numpy(dtype=float)
    unit = str(rows["unit"].iloc[0]) if len(rows) else ""
    decimals = 0 if unit == "Anzahl" else 1
    cls = np.full(len(data), -1)
    bins = np.array([])
    if len(values):
        classes, bins = classify(values, style.scheme, style.k)
        cls[~hidden] = classes
    legend = class_labels(bins.tolist(), float(values.min()), decimals) if len(values) else []
    footer = _wrap(
        f"Kartengrundlage: {join_de(sorted(set(data['attribution'])))}. "
        f"Klassen: {SCHEMES[style.scheme][1]}.",
        110,
    )
    layout = map_layout(
        data,
        cls,
        hidden,
        legend,
        unit,
        highlight=highlight,
        title=style.title,
        labels=style.labels,
        width=style.width,
        footer=footer,
    )
    place = f"{name} ({within})" if name else within
    what = style.title or style.indicator
    words = value_words(data, unit, small)
    alt, finding = map_texts(data, hidden, small, unit, level, place, period, what)
    return MapChart(
        None,  # type: ignore[arg-type]  # the figure is drawn from the layout when asked for
        alt,
        finding,
        title=style.title,
        table=map_table(data, cls, legend, words, small),
        bins=tuple(float(b) for b in bins),
        scheme=style.scheme,
        layout=layout,
    )
