"""The assembled parts of a report, each ready to display in one notebook cell."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from toolkit.charts import Chart
from toolkit.reports.content._html import Html, esc, join_html

__all__ = ["ReportParts", "charts_html"]


def charts_html(charts: Sequence[Chart], heading: str = "Grafiken") -> Html:
    """Render charts (image with alt text and finding) under a heading.

    Parameters
    ----------
    charts : sequence of Chart
        Charts in display order.
    heading : str, default "Grafiken"
        Section heading (empty: none).

    Returns
    -------
    Html
        Heading and one ``<figure>`` per chart.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> html = charts_html([Chart(Figure(figsize=(1, 1)), "Bild", "Befund.")])
    >>> html.startswith('<h2 class="dkbm-charts-heading">Grafiken</h2><figure') and 'alt="Bild"' in html
    True
    """
    head = f'<h2 class="dkbm-charts-heading">{esc(heading)}</h2>' if heading else ""
    return join_html([head, *(c.to_html() for c in charts)])


@dataclass(frozen=True)
class ReportParts:
    """Everything a report template displays, one attribute per cell.

    Attributes
    ----------
    header : Html
        Title with region and period, Datenstand, sample-data note.
    summary : Html
        Short German sentences about the key figures.
    key_figures : Html
        Table of key figures with change and comparison values.
    charts : tuple of Chart
        Two to five charts with alt text and finding.
    notes : Html
        Notes (small numbers, data level used).
    appendix : Html
        Definitions and sources from the indicator catalogue.
    figures : pandas.DataFrame
        The key figures as data (after disclosure control), for checks.

    Examples
    --------
    >>> p = ReportParts(Html("<h1>T</h1>"), Html(""), Html(""), (), Html(""), Html(""))
    >>> p.charts_html()
    '<h2 class="dkbm-charts-heading">Grafiken</h2>'
    """

    header: Html
    summary: Html
    key_figures: Html
    charts: tuple[Chart, ...]
    notes: Html
    appendix: Html
    figures: pd.DataFrame = field(default_factory=pd.DataFrame)

    def charts_html(self) -> Html:
        """Return all charts as one HTML block (see :func:`charts_html`).

        Examples
        --------
        >>> ReportParts(Html(""), Html(""), Html(""), (), Html(""), Html("")).charts_html()
        '<h2 class="dkbm-charts-heading">Grafiken</h2>'
        """
        return charts_html(self.charts)
