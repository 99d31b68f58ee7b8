"""The map result: figure (lazy), SVG written from the layout, alt text, table (private)."""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field

import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure

from toolkit.charts._base import Chart
from toolkit.charts._mapdraw import MapLayout
from toolkit.charts._mapfigure import draw_figure
from toolkit.charts._mapsvg import svg_map
from toolkit.errors import ParameterError

__all__ = ["MapChart"]


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

    @property  # type: ignore[misc]  # the dataclass field of Chart, drawn on first access
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
