"""Drawing parts of the choropleth map: classes, palette, paths, labels (private)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.path import Path as MplPath

from toolkit.errors import ParameterError
from toolkit.text import fmt_number

__all__ = ["PALETTE", "SCHEMES", "class_labels", "classify", "draw_areas", "place_labels"]

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
    import mapclassify  # imported on first use: it pulls in scipy.stats (about 1 s)

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
    shown = []
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    for i in np.argsort(-priority, kind="stable"):
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
