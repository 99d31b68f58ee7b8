"""The map result: figure (lazy), SVG written from the layout, alt text, table (private)."""

from __future__ import annotations

import base64
import hashlib
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
        """Return the map (inline SVG image with a short alt text), finding and data table.

        The alt text stays short; the table under the map lists every area with
        its value (region names as row headers). The caption links to it, and
        the image names it as its description (``aria-describedby``), so a
        screen reader reaches every area's value from the map. The table sits in
        a collapsed ``<details>``; following the link (to the table inside) unfolds it.

        Examples
        --------
        >>> from matplotlib.figure import Figure
        >>> m = MapChart(Figure(figsize=(1, 1)), "Karte", "x",
        ...              table=pd.DataFrame({"Region": ["A"], "Wert": ["1"]}), bins=(), scheme="")
        >>> html_text = m.to_html()
        >>> '<th scope="row">A</th>' in html_text and 'alt="Karte"' in html_text
        True
        >>> ident = html_text.split('<details class="dkbm-figdata dkbm-maptable" id="')[1][:19]
        >>> f'href="#{ident}-tabelle"' in html_text, f'aria-describedby="{ident}-titel"' in html_text
        (True, True)
        """
        data = base64.b64encode(self.to_svg()).decode("ascii")
        ident = (
            "dkbm-karte-"
            + hashlib.sha1(
                (self.alt_text + self.table.to_csv()).encode("utf-8"), usedforsecurity=False
            ).hexdigest()[:8]
        )
        n = len(self.table)
        label = f"Tabelle zur Karte: {'der Wert' if n == 1 else f'alle {n} Gebiete mit Wert'}"
        title = f' data-title="{html.escape(self.title)}"' if self.title else ""
        return (
            f'<figure class="dkbm-chart dkbm-map"{title} '
            'style="break-inside:avoid;page-break-inside:avoid">'
            f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(self.alt_text)}" '
            f'aria-describedby="{ident}-titel" style="max-width:100%;height:auto">'
            f"<figcaption><strong>{html.escape(self.finding)}</strong> "
            f'<a class="dkbm-tablelink" href="#{ident}-tabelle">Alle {n} Werte in der Tabelle.</a>'
            "</figcaption>"
            f'<details class="dkbm-figdata dkbm-maptable" id="{ident}">'
            f'<summary id="{ident}-titel">{html.escape(label)}</summary>'
            f"{_table_html(self.table, f'{ident}-tabelle')}</details></figure>"
        )


def _table_html(table: pd.DataFrame, ident: str) -> str:
    """Return the map's table as HTML, the first column (the area) as row headers."""
    if table.empty:
        return ""
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in table.columns)
    rows = []
    for values in table.itertuples(index=False):
        first, *rest = (html.escape(str(v)) for v in values)
        cells = "".join(f"<td>{v}</td>" for v in rest)
        rows.append(f'<tr><th scope="row">{first}</th>{cells}</tr>')
    return (
        f'<table class="dkbm-table" id="{ident}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
