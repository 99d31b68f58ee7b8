"""Parts of the choropleth map: classes, palette and the map layout (private).

The layout (:class:`MapLayout`) holds every decision about a map: size, extent,
which areas get which fill or hatch, legend entries, placed labels, texts. Two
renderers draw it: :func:`toolkit.charts._mapsvg.svg_map` writes SVG directly
(reports, batches) and :func:`toolkit.charts._mapfigure.draw_figure` builds the
matplotlib figure (notebooks, PNG, the explorer).
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import mapclassify  # at import time, so warm report workers share it (pulls in scipy.stats)
import numpy as np
import pandas as pd
import shapely

from toolkit.charts._base import _wrap
from toolkit.errors import ParameterError
from toolkit.text import MISSING_TEXT, fmt_number

__all__ = [
    "MAX_CLASSES",
    "PALETTE",
    "SCHEMES",
    "Layer",
    "LegendEntry",
    "MapLabel",
    "MapLayout",
    "class_labels",
    "classify",
    "map_layout",
    "place_labels",
]

#: ColorBrewer YlGnBu, 5 classes: sequential, safe for the common colour-vision
#: deficiencies and monotone in lightness (so it also reads printed in greyscale).
PALETTE: tuple[str, ...] = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")

#: Classification schemes: name -> (mapclassify class name, German description).
SCHEMES = {
    "quantiles": ("Quantiles", "Quantile (etwa gleich viele Gebiete je Klasse)"),
    "natural_breaks": (
        "FisherJenks",
        "natürliche Brüche (Fisher-Jenks: Klassen mit möglichst ähnlichen Werten)",
    ),
    "equal_interval": ("EqualInterval", "gleich breite Klassen"),
}
MAX_CLASSES = 5
NO_DATA = "#e3e3e3"
HATCH = {".": "////", "x": "xxxx"}
DPI = 100.0
#: Map axes in figure fractions (left, bottom, width, height); legend to the right.
AXES_BOX = (0.01, 0.08, 0.70, 0.80)
LABEL_SIZE = 6.5  # points


def classify(values: np.ndarray, scheme: str, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the class of each value (0-based) and the upper class bounds.

    Fewer classes than ``k`` are used when there are fewer distinct values.

    Examples
    --------
    >>> classes, bins = classify(np.array([1.0, 2.0, 3.0, 4.0]), "quantiles", 2)
    >>> classes.tolist(), bins.tolist()
    ([0, 0, 1, 1], [2.5, 4.0])
    """
    if scheme not in SCHEMES:
        raise ParameterError(
            f"Unbekannte Klasseneinteilung {scheme!r}.", hint=f"Eine von {', '.join(SCHEMES)}."
        )
    if not 1 <= k <= MAX_CLASSES:
        raise ParameterError(
            f"k={k} Klassen: erlaubt sind 1 bis {MAX_CLASSES}.",
            hint="Mehr als fünf Farbstufen lassen sich nicht sicher unterscheiden.",
        )
    distinct = np.unique(values)
    k = min(k, len(distinct))
    if k <= 1:
        return np.zeros(len(values), dtype=int), np.array([values.max()])
    with warnings.catch_warnings():  # FisherJenks notes that numba would make it faster
        warnings.filterwarnings("ignore", message="Numba not installed", category=UserWarning)
        result = getattr(mapclassify, SCHEMES[scheme][0])(values, k=k)
    bins = np.unique(np.asarray(result.bins, dtype=float))
    return np.searchsorted(bins, values, side="left").clip(0, len(bins) - 1), bins


def class_labels(bins: Sequence[float], lowest: float, decimals: int) -> list[str]:
    r"""German legend labels of classes with upper bounds ``bins`` (upper bound included).

    Examples
    --------
    >>> class_labels([10.0, 20.0], 2.0, 1)
    ['2,0 bis 10,0', 'über 10,0 bis 20,0']
    """
    labels = []
    for i, upper in enumerate(bins):
        if i == 0:
            labels.append(f"{fmt_number(lowest, decimals)} bis {fmt_number(upper, decimals)}")
        else:
            labels.append(
                f"über {fmt_number(bins[i - 1], decimals)} bis {fmt_number(upper, decimals)}"
            )
    return labels


@dataclass(frozen=True)
class Layer:
    """Areas drawn with one style: geometries (map units) and their fill(s)."""

    geometries: tuple[shapely.Geometry, ...]
    facecolor: str | tuple[str, ...]
    edgecolor: str = "white"
    linewidth: float = 0.4  # points
    hatch: str | None = None
    codes: tuple[str, ...] = ()  # region code of each geometry (none for outlines)


@dataclass(frozen=True)
class LegendEntry:
    """One legend line: a filled (or hatched) box, or a line for the report region."""

    label: str
    facecolor: str = "white"
    edgecolor: str = "#999999"
    hatch: str | None = None
    line: bool = False


@dataclass(frozen=True)
class MapLabel:
    """An area name placed at ``(x, y)`` in map units, in a colour that reads on its area."""

    x: float
    y: float
    text: str
    colour: str


@dataclass(frozen=True)
class MapLayout:
    """Everything a renderer needs to draw one map (figure size in inches at :data:`DPI`).

    Examples
    --------
    >>> MapLayout(7.0, 4.0, (0.0, 1.0), (0.0, 1.0), (), (), (), "", "", "").pixels
    (700.0, 400.0)
    """

    width: float
    height: float
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    layers: tuple[Layer, ...]
    legend: tuple[LegendEntry, ...]
    labels: tuple[MapLabel, ...]
    legend_title: str
    title: str
    footer: str

    @property
    def pixels(self) -> tuple[float, float]:
        """Width and height in pixels."""
        return self.width * DPI, self.height * DPI

    def _transform(self) -> tuple[float, float, float, float]:
        """Left and top of the map box (pixels) and pixels per map unit in x and y."""
        width, height = self.pixels
        left, bottom, box_w, box_h = AXES_BOX
        sx = box_w * width / (self.xlim[1] - self.xlim[0])
        sy = box_h * height / (self.ylim[1] - self.ylim[0])
        return left * width, (1 - bottom) * height, sx, sy

    def to_pixels(self, coords: np.ndarray) -> np.ndarray:
        """Map units (n x 2) -> pixels of the drawn map (origin top left, y down).

        Examples
        --------
        >>> lay = MapLayout(10.0, 10.0, (0.0, 1.0), (0.0, 1.0), (), (), (), "", "", "")
        >>> lay.to_pixels(np.array([[0.0, 0.0], [1.0, 1.0]])).round(1).tolist()
        [[10.0, 920.0], [710.0, 120.0]]
        """
        x0, y0, sx, sy = self._transform()
        out = np.empty_like(coords, dtype=float)
        out[:, 0] = x0 + (coords[:, 0] - self.xlim[0]) * sx
        out[:, 1] = y0 - (coords[:, 1] - self.ylim[0]) * sy
        return out

    def from_pixels(self, px: float, py: float) -> tuple[float, float]:
        """Pixel of the drawn map -> map units (the inverse of :meth:`to_pixels`).

        Examples
        --------
        >>> lay = MapLayout(10.0, 10.0, (0.0, 1.0), (0.0, 1.0), (), (), (), "", "", "")
        >>> lay.from_pixels(710.0, 120.0)
        (1.0, 1.0)
        """
        x0, y0, sx, sy = self._transform()
        return self.xlim[0] + (px - x0) / sx, self.ylim[0] + (y0 - py) / sy


def place_labels(
    names: Sequence[str],
    points: np.ndarray,
    priority: np.ndarray,
    areas: Sequence[shapely.Geometry],
    *,
    px_per_unit: float,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    fontsize: float = LABEL_SIZE,
    dpi: float = DPI,
    limit: int = 15,
) -> list[int]:
    """Return the indices of names placed at ``points`` in ``priority`` order without collisions.

    A label is also left out when it would leave the map or when its ends lie
    outside its own area (its colour is chosen to contrast with that area). The
    size of each label is estimated from its length (no renderer needed).

    Examples
    --------
    >>> field = shapely.box(0, 0, 200, 40)  # two labels would overlap: the larger priority wins
    >>> place_labels(["Ost", "West"], np.array([[100.0, 20.0], [105.0, 20.0]]), np.array([1.0, 2.0]),
    ...              [field, field], px_per_unit=1.0, xlim=(0.0, 200.0), ylim=(0.0, 40.0))
    [1]
    """
    char_w = 0.6 * fontsize * dpi / 72.0 / px_per_unit
    half_h = 0.65 * fontsize * dpi / 72.0 / px_per_unit
    placed: list[tuple[float, float, float, float]] = []
    shown: list[int] = []
    (x0, x1), (y0, y1) = xlim, ylim
    for i in np.argsort(-priority, kind="stable"):
        if len(shown) >= limit:  # a map is no gazetteer; the table lists every area
            break
        x, y = points[i]
        half_w = 0.5 * char_w * len(names[i])
        box = (x - half_w, y - half_h, x + half_w, y + half_h)
        if (
            box[0] < x0
            or box[2] > x1
            or box[1] < y0
            or box[3] > y1
            or not shapely.contains_xy(areas[i], [box[0], box[2]], [y, y]).all()
        ):
            continue
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
            continue
        placed.append(box)
        shown.append(int(i))
    return shown


def _short_names(names: pd.Series) -> list[str]:
    """Return area names without the part after a comma ("Gießen, Landkreis" -> "Gießen").

    The full name stays where two areas of the map would read the same (Kassel).

    Examples
    --------
    >>> _short_names(pd.Series(["Kassel, Landkreis", "Kassel, Stadt", "Fulda, Landkreis"]))
    ['Kassel, Landkreis', 'Kassel, Stadt', 'Fulda']
    """
    full = [str(n) for n in names]
    short = [n.split(",")[0] for n in full]
    counts = Counter(short)
    return [s if counts[s] == 1 else f for s, f in zip(short, full, strict=True)]


def map_layout(
    data: pd.DataFrame,
    cls: np.ndarray,
    hidden: np.ndarray,
    legend: list[str],
    unit: str,
    *,
    highlight: str | None,
    title: str,
    labels: bool,
    width: float,
    footer: str,
) -> MapLayout:
    """Lay out one map: extent, layers, legend, labels (see the module docstring)."""
    geoms = data["geometry"].to_numpy()
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    _, _, map_w, map_h = AXES_BOX
    aspect = (ymax - ymin) / max(xmax - xmin, 1.0)
    height = float(np.clip(width * map_w * aspect / map_h, 3.2, 8.5))
    box_w, box_h = width * map_w * DPI, height * map_h * DPI
    scale = min(box_w / max(xmax - xmin, 1.0), box_h / max(ymax - ymin, 1.0)) / 1.04
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    xlim = (cx - box_w / scale / 2, cx + box_w / scale / 2)
    ylim = (cy - box_h / scale / 2, cy + box_h / scale / 2)
    palette = PALETTE[: len(legend)]
    shown = np.flatnonzero(~hidden)
    codes = data["region_code"].astype(str).to_numpy()
    layers = [
        Layer(
            tuple(geoms[shown]),
            tuple(palette[c] for c in cls[shown]) if legend else "white",
            codes=tuple(codes[shown]),
        )
    ]
    entries = [LegendEntry(lab, facecolor=palette[i]) for i, lab in enumerate(legend)]
    flags = data["flag"].to_numpy()
    for symbol, hatch in HATCH.items():
        idx = np.flatnonzero(hidden & (flags == symbol))
        if len(idx):
            layers.append(
                Layer(
                    tuple(geoms[idx]),
                    "white",
                    edgecolor="#666666",
                    hatch=hatch,
                    codes=tuple(codes[idx]),
                )
            )
            entries.append(
                LegendEntry(
                    _wrap(f"„{symbol}“: {MISSING_TEXT[symbol]}", 30),
                    edgecolor="#666666",
                    hatch=hatch,
                )
            )
    rest = np.flatnonzero(hidden & ~np.isin(flags, list(HATCH)))
    if len(rest):
        layers.append(Layer(tuple(geoms[rest]), NO_DATA, codes=tuple(codes[rest])))
        entries.append(LegendEntry("keine Angabe", facecolor=NO_DATA))
    # The outline is the union of the drawn areas: a boundary of another product or
    # Gebietsstand (VG1000 Kreise around VG5000 Gemeinden) would not fit them.
    layers.append(
        Layer((shapely.coverage_union_all(geoms),), "none", edgecolor="#333333", linewidth=0.9)
    )
    if highlight is not None and (codes == highlight).any():
        mark = geoms[np.flatnonzero(codes == highlight)[0]]
        layers.append(Layer((mark,), "none", edgecolor="#000000", linewidth=2.2))
        entries.append(LegendEntry("Berichtsregion", edgecolor="#000000", line=True))
    placed: tuple[MapLabel, ...] = ()
    if labels:
        points = shapely.get_coordinates(shapely.point_on_surface(geoms))
        priority = shapely.area(geoms) / 1e6 + (codes == highlight) * 1e12
        names = _short_names(data["region_name"])
        ink = ["white" if c >= 3 else "#1a1a1a" for c in cls]  # dark classes get white text
        chosen = place_labels(
            names, points, priority, geoms, px_per_unit=scale, xlim=xlim, ylim=ylim
        )
        placed = tuple(
            MapLabel(float(points[i][0]), float(points[i][1]), names[i], ink[i]) for i in chosen
        )
    return MapLayout(
        width=width,
        height=height,
        xlim=xlim,
        ylim=ylim,
        layers=tuple(layers),
        legend=tuple(entries),
        labels=placed,
        legend_title=f"Wert ({unit})" if unit else "",
        title=_wrap(title, 70),
        footer=footer,
    )
