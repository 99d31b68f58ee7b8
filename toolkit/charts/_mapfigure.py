"""The matplotlib renderer of a map layout: figure for notebooks, PNG and the explorer (private)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path as MplPath

from toolkit.charts._base import _styled
from toolkit.charts._mapdraw import AXES_BOX, DPI, LABEL_SIZE, MapLayout

__all__ = ["draw_areas", "draw_figure", "geometry_path"]


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
    """One matplotlib path for a (multi)polygon, holes included.

    Examples
    --------
    >>> len(geometry_path(shapely.box(0, 0, 1, 1)).vertices)
    5
    """
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


def draw_figure(layout: MapLayout) -> Figure:
    """Draw ``layout`` as a matplotlib figure (in the report chart style).

    Examples
    --------
    >>> empty = MapLayout(7.0, 4.0, (0.0, 1.0), (0.0, 1.0), (), (), (), "", "T", "")
    >>> draw_figure(empty).texts[0].get_text()
    'T'
    """
    with _styled():
        fig = Figure(figsize=(layout.width, layout.height), dpi=DPI)
        ax = fig.add_axes(AXES_BOX)
        ax.set_axis_off()
        ax.set_xlim(*layout.xlim)
        ax.set_ylim(*layout.ylim)
        for zorder, layer in enumerate(layout.layers, start=1):
            draw_areas(
                ax,
                [geometry_path(g) for g in layer.geometries],
                facecolor=layer.facecolor
                if isinstance(layer.facecolor, str)
                else list(layer.facecolor),
                edgecolor=layer.edgecolor,
                linewidth=layer.linewidth,
                hatch=layer.hatch,
                zorder=zorder,
            )
        for label in layout.labels:
            ax.text(
                label.x,
                label.y,
                label.text,
                ha="center",
                va="center",
                fontsize=LABEL_SIZE,
                color=label.colour,
                zorder=len(layout.layers) + 1,
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
        handles: list[Artist] = [
            Line2D([], [], color=e.edgecolor, lw=2.2, label=e.label)
            if e.line
            else Patch(facecolor=e.facecolor, edgecolor=e.edgecolor, hatch=e.hatch, label=e.label)
            for e in layout.legend
        ]
        fig.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(0.72, 0.88),
            fontsize=7.5,
            title=layout.legend_title or None,
            title_fontsize=8,
            alignment="left",
            frameon=False,
            handlelength=1.6,
            handleheight=1.2,
        )
        if layout.title:
            fig.text(0.01, 0.985, layout.title, fontsize=11, fontweight="bold", va="top")
        fig.text(0.01, 0.01, layout.footer, fontsize=6.5, color="#555555", va="bottom")
    return fig
