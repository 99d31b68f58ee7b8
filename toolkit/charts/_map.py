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

import base64
import html
import io
from dataclasses import dataclass, field
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from toolkit.charts._base import Chart, _require, _wrap
from toolkit.charts._mapdraw import (
    MAX_CLASSES,
    PALETTE,
    SCHEMES,
    MapLayout,
    class_labels,
    classify,
    map_layout,
)
from toolkit.charts._mapfigure import draw_figure
from toolkit.charts._mapsvg import svg_map
from toolkit.charts._maptext import LEVEL_WORDS, map_table, map_texts, missing
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


@dataclass(frozen=True)
class MapChart(Chart):
    """A map ready for a report: figure, alt text, finding and the data table.

    A map made by :func:`choropleth` keeps its layout: :meth:`to_svg` (and so
    :meth:`to_html`) writes SVG straight from it, and the matplotlib ``figure``
    (for notebooks, :meth:`to_png`, the explorer) is drawn from it on first
    access. Changes made to that figure show in :meth:`to_png` only.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per area: Region, Schlüssel, Wert, Klasse, Hinweis (German).
    bins : tuple of float
        Upper class bounds (included).
    scheme : str
        Classification scheme.
    layout : MapLayout or None
        What both renderers draw (None for a chart made from a ready figure).

    Examples
    --------
    >>> MapChart(Figure(), "Karte", "x", table=pd.DataFrame(), bins=(1.0,), scheme="quantiles").bins
    (1.0,)
    """

    table: pd.DataFrame = field(kw_only=True)
    bins: tuple[float, ...] = field(kw_only=True)
    scheme: str = field(kw_only=True)
    layout: MapLayout | None = field(kw_only=True, default=None, repr=False, compare=False)

    @property  # type: ignore[override]
    def figure(self) -> Figure:
        """The matplotlib figure, drawn from the layout on first access."""
        drawn = self.__dict__.get("_figure")
        if drawn is None:
            if self.layout is None:
                raise ParameterError("Karte ohne Abbildung und ohne Layout.")
            drawn = draw_figure(self.layout)
            self.__dict__["_figure"] = drawn
        return drawn

    @figure.setter
    def figure(self, value: Figure | None) -> None:
        self.__dict__["_figure"] = value

    def to_svg(self) -> bytes:
        """Render the map as SVG with its text kept as text (deterministic, no date).

        Text as text stays sharp in print and can be searched in the report.

        Examples
        --------
        >>> MapChart(Figure(figsize=(1, 1)), "a", "b", table=pd.DataFrame(), bins=(), scheme="").to_svg()[:5]
        b'<?xml'
        """
        if self.layout is not None:
            return svg_map(self.layout)
        buffer = io.BytesIO()
        with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "dkbm"}):
            self.figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        return buffer.getvalue()

    def to_html(self, dpi: int = 100) -> str:
        """Return the map (inline SVG image with alt text), finding and data table.

        The data table sits in a collapsed ``<details>`` under the map.

        Examples
        --------
        >>> from matplotlib.figure import Figure
        >>> m = MapChart(
        ...     Figure(figsize=(1, 1)), "Karte", "x", table=pd.DataFrame({"a": [1]}), bins=(), scheme=""
        ... )
        >>> html_text = m.to_html()
        >>> "<details" in html_text and 'alt="Karte"' in html_text
        True
        """
        data = base64.b64encode(self.to_svg()).decode("ascii")
        table = self.table.to_html(index=False, classes="dkbm-table", border=0)
        return (
            '<figure class="dkbm-chart dkbm-map" style="break-inside:avoid;page-break-inside:avoid">'
            f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(self.alt_text)}" '
            'style="max-width:100%;height:auto">'
            f"<figcaption><strong>{html.escape(self.finding)}</strong></figcaption></figure>"
            f"<details><summary>Tabelle zur Karte</summary>{table}</details>"
        )


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
    return areas


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
    style = _Style(indicator, scheme, k, title, labels, width)
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

    @classmethod
    def of(cls, indicator: str, options: dict[str, Any]) -> _Style:
        unknown = sorted(set(options) - {"scheme", "k", "title", "labels", "width"})
        if unknown:
            raise ParameterError(
                f"Unbekannte Kartenoption {unknown[0]!r}.",
                hint="Erlaubt: scheme, k, title, labels, width.",
            )
        return cls(indicator, **options)


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
    named = "region_name" in rows.columns
    columns = ["region_code", "value", "unit", "flag"] + (["region_name"] if named else [])
    data = areas.merge(
        rows[columns], on="region_code", how="left", suffixes=("", "_data")
    ).sort_values("region_code", ignore_index=True)
    if named:  # the data's names ("Kassel, Landkreis"), the boundary's where data are missing
        data["region_name"] = data["region_name_data"].fillna(data["region_name"]).astype(str)
    data["flag"] = data["flag"].fillna("").astype(str)
    hidden = missing(data)
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
    alt, finding = map_texts(data, hidden, legend, unit, level, place, period, what, style.scheme)
    return MapChart(
        None,
        alt,
        finding,
        table=map_table(data, cls, legend, unit),
        bins=tuple(float(b) for b in bins),
        scheme=style.scheme,
        layout=layout,
    )
