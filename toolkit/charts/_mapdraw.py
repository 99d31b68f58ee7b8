"""Drawing parts of the choropleth map: classes, palette, paths, labels (private)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import mapclassify  # at import time, so warm report workers share it (pulls in scipy.stats)
import numpy as np
import shapely
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path as MplPath

from toolkit.charts._base import _wrap
from toolkit.errors import ParameterError
from toolkit.text import MISSING_TEXT, fmt_number

__all__ = [
    "MAX_CLASSES",
    "PALETTE",
    "SCHEMES",
    "class_labels",
    "classify",
    "draw_areas",
    "draw_map",
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
_NO_DATA = "#e3e3e3"
_HATCH = {".": "////", "x": "xxxx"}
_DPI = 100.0


def classify(values: np.ndarray, scheme: str, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the class of each value (0-based) and the upper class bounds.

    Fewer classes than ``k`` are used when there are fewer distinct values.
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


def _polygon_path(polygon: shapely.Polygon) -> MplPath:
    rings = [np.asarray(polygon.exterior.coords)[:, :2]]
    rings += [np.asarray(r.coords)[:, :2] for r in polygon.interiors]
    vertices = np.concatenate(rings)
    codes = np.full(len(vertices), MplPath.LINETO, dtype=np.uint8)
    start = 0
    for ring in rings:
        codes[start] = MplPath.MOVETO
        codes[start + len(ring) - 1] = MplPath.CLOSEPOLY
        start += len(ring)
    return MplPath(vertices, codes)


def geometry_path(geometry: shapely.Geometry) -> MplPath:
    """One matplotlib path for a (multi)polygon, holes included."""
    parts = [p for p in shapely.get_parts(geometry) if isinstance(p, shapely.Polygon)]
    return MplPath.make_compound_path(*[_polygon_path(p) for p in parts])


def draw_areas(
    ax: Axes,
    paths: Sequence[MplPath],
    *,
    facecolor: str | Sequence[str],
    edgecolor: str = "white",
    linewidth: float = 0.4,
    hatch: str | None = None,
    zorder: float = 1,
) -> None:
    """Add one collection of areas to ``ax`` (one artist, fast to draw)."""
    if not paths:
        return
    collection = PathCollection(
        list(paths),
        facecolors=facecolor,
        edgecolors=edgecolor,
        linewidths=linewidth,
        hatch=hatch,
        zorder=zorder,
        transform=ax.transData,
    )
    ax.add_collection(collection, autolim=False)


def place_labels(
    ax: Axes,
    names: Sequence[str],
    points: np.ndarray,
    priority: np.ndarray,
    areas: Sequence[shapely.Geometry],
    *,
    px_per_unit: float,
    colors: Sequence[str],
    fontsize: float = 6.5,
    dpi: float = 100.0,
    limit: int = 15,
) -> list[int]:
    """Write names at ``points`` in ``priority`` order, skipping any that would collide.

    A label is also left out when it would leave the map or when its ends lie
    outside its own area (its colour is chosen to contrast with that area).

    The size of each label is estimated from its length (no renderer needed);
    ``colors`` gives each label a colour that contrasts with its area (a halo
    would double the drawing time of a map). Returns the indices placed.
    """
    char_w = 0.56 * fontsize * dpi / 72.0 / px_per_unit
    half_h = 0.65 * fontsize * dpi / 72.0 / px_per_unit
    placed: list[tuple[float, float, float, float]] = []
    shown: list[int] = []
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    for i in np.argsort(-priority, kind="stable"):
        if len(shown) >= limit:  # a map is no gazetteer; the table lists every area
            break
        x, y = points[i]
        half_w = 0.5 * char_w * len(names[i])
        box = (x - half_w, y - half_h, x + half_w, y + half_h)
        if (
            not shapely.contains_xy(areas[i], [box[0], box[2]], [y, y]).all()
            or box[0] < x0
            or box[2] > x1
            or box[1] < y0
            or box[3] > y1
        ):
            continue
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
            continue
        placed.append(box)
        shown.append(int(i))
        ax.text(
            x,
            y,
            names[i],
            ha="center",
            va="center",
            fontsize=fontsize,
            color=colors[i],
            zorder=5,
        )
    return shown


def draw_map(data, cls, hidden, legend, unit, highlight, title, labels, width) -> Figure:
    paths = [geometry_path(g) for g in data.geometry]
    xmin, ymin, xmax, ymax = shapely.total_bounds(data.geometry.to_numpy())
    map_w, map_h = 0.70, 0.80
    aspect = (ymax - ymin) / max(xmax - xmin, 1.0)
    height = float(np.clip(width * map_w * aspect / map_h, 3.2, 8.5))
    fig = Figure(figsize=(width, height), dpi=_DPI)
    ax = fig.add_axes((0.01, 0.08, map_w, map_h))
    ax.set_axis_off()
    box_w, box_h = width * map_w * _DPI, height * map_h * _DPI
    scale = min(box_w / max(xmax - xmin, 1.0), box_h / max(ymax - ymin, 1.0)) / 1.04
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    ax.set_xlim(cx - box_w / scale / 2, cx + box_w / scale / 2)
    ax.set_ylim(cy - box_h / scale / 2, cy + box_h / scale / 2)
    colours = [PALETTE[: len(legend)][c] if c >= 0 else _NO_DATA for c in cls] if legend else None
    shown = np.flatnonzero(~hidden)
    draw_areas(
        ax, [paths[i] for i in shown], facecolor=[colours[i] for i in shown] if colours else "w"
    )
    flags = data["flag"].to_numpy()
    handles: list[Artist] = [
        Patch(facecolor=PALETTE[: len(legend)][i], edgecolor="#999999", label=lab)
        for i, lab in enumerate(legend)
    ]
    for symbol, hatch in _HATCH.items():
        idx = np.flatnonzero(hidden & (flags == symbol))
        if len(idx):
            draw_areas(
                ax, [paths[i] for i in idx], facecolor="white", edgecolor="#666666", hatch=hatch
            )
            handles.append(
                Patch(
                    facecolor="white",
                    edgecolor="#666666",
                    hatch=hatch,
                    label=_wrap(f"„{symbol}“: {MISSING_TEXT[symbol]}", 30),
                )
            )
    rest = np.flatnonzero(hidden & ~np.isin(flags, list(_HATCH)))
    if len(rest):
        draw_areas(ax, [paths[i] for i in rest], facecolor=_NO_DATA)
        handles.append(Patch(facecolor=_NO_DATA, edgecolor="#999999", label="keine Angabe"))
    # The outline is the union of the drawn areas: a boundary of another product or
    # Gebietsstand (VG1000 Kreise around VG5000 Gemeinden) would not fit them.
    outline = shapely.coverage_union_all(data.geometry.to_numpy())
    draw_areas(
        ax, [geometry_path(outline)], facecolor="none", edgecolor="#333333", linewidth=0.9, zorder=3
    )
    if highlight is not None:
        mark = data[data["region_code"] == highlight]
        if len(mark):
            draw_areas(
                ax,
                [geometry_path(mark.geometry.iloc[0])],
                facecolor="none",
                edgecolor="#000000",
                linewidth=2.2,
                zorder=4,
            )
            handles.append(Line2D([], [], color="#000000", lw=2.2, label="Berichtsregion"))
    if labels:
        points = shapely.get_coordinates(shapely.point_on_surface(data.geometry.to_numpy()))
        sizes = shapely.area(data.geometry.to_numpy())
        priority = sizes / 1e6 + (data["region_code"] == highlight).to_numpy() * 1e12
        names = [str(n).split(",")[0] for n in data["region_name"]]
        ink = ["white" if c >= 3 else "#1a1a1a" for c in cls]  # dark classes get white text
        place_labels(
            ax,
            names,
            points,
            priority,
            data.geometry.to_numpy(),
            px_per_unit=scale,
            colors=ink,
            dpi=_DPI,
        )
    ax.annotate(
        "N",
        xy=(0.97, 0.99),
        xytext=(0.97, 0.87),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=9,
        fontweight="bold",
        arrowprops={"arrowstyle": "-|>", "color": "#333333", "lw": 1.2},
    )
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.72, 0.88),
        fontsize=7.5,
        title=f"Wert ({unit})" if unit else None,
        title_fontsize=8,
        alignment="left",
        frameon=False,
        handlelength=1.6,
        handleheight=1.2,
    )
    if title:
        fig.text(0.01, 0.985, _wrap(title, 70), fontsize=11, fontweight="bold", va="top")
    return fig
