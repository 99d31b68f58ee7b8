"""Chart blocks: time series, breakdowns, sub-regions, Bildungskette, Berufe (private).

A chart block returns a :class:`ChartBlock`: what it needs from the context
and how to draw it. :func:`charts` reads what all its blocks need from the
protected set at once, draws them and shows those that could be drawn under
one heading; a block shown alone in a cell draws itself. ``.chart`` is the
drawn :class:`toolkit.charts.Chart` (alt text, finding, data table) or None
when the data cannot draw it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from toolkit.blocks._context import Context
from toolkit.blocks._text import mark
from toolkit.charts import Chart
from toolkit.reports.content import Html, charts_html
from toolkit.reports.content._abbrueche import beruf_chart
from toolkit.reports.content._maps import subregion_map
from toolkit.reports.content._sections import dimension_chart, series_chart, subregion_chart
from toolkit.reports.content._uebergaenge import CHAIN_STAGES, education_chain_chart

__all__ = [
    "ChartBlock",
    "breakdown",
    "charts",
    "education_chain",
    "occupations",
    "sub_region_chart",
    "sub_region_map",
    "time_series",
]


class ChartBlock:
    """A chart of the report: the protected rows it needs and how it is drawn.

    Parameters
    ----------
    ctx : Context
        The report context.
    needs : dict
        Keyword arguments of :meth:`Context.need` (indicators, series,
        breakdowns, sub_indicators).
    draw : callable
        Draws from the prepared protected data; returns a Chart or None.

    Examples
    --------
    >>> from toolkit.blocks import load_data, report_context
    >>> ctx = report_context(load_data(), "17051", 2024, topic="fruehe_bildung")
    >>> block = time_series(ctx, "altenquotient")
    >>> block.needs, block.chart.title
    ({'series': ['altenquotient']}, 'Altenquotient')
    """

    def __init__(self, ctx: Context, needs: dict[str, Any], draw: Callable[[Any], Any]) -> None:
        self._ctx, self.needs, self._draw = ctx, needs, draw
        self._chart: Chart | None = None
        self._drawn = False

    @property
    def chart(self) -> Chart | None:
        """The drawn chart (drawn on first use), or None when the data cannot draw it."""
        if not self._drawn:
            self._chart = self._draw(self._ctx.need(**self.needs))
            self._drawn = True
        return self._chart

    def _repr_html_(self) -> str:
        drawn = self.chart
        return mark(self._ctx, drawn.to_html()) if drawn is not None else ""


def time_series(
    ctx: Context, indicator: str | None, *, title: str | None = None
) -> ChartBlock | None:
    """Line chart of an indicator over the last six years, with the comparison regions.

    Parameters
    ----------
    ctx : Context
        The report context.
    indicator : str or None
        Indicator code; None draws nothing.
    title : str, optional
        Chart title (default the catalogue name).

    Returns
    -------
    Chart or None
        None when fewer than two years have values (the key figures show one year).

    Examples
    --------
    >>> from toolkit.blocks import load_data, report_context
    >>> ctx = report_context(load_data(), "17051", 2024, topic="fruehe_bildung")
    >>> time_series(ctx, "betreuungsquote_u3").chart.finding[:36]
    'Beispielkreis: Betreuungsquote unter'
    """
    if indicator is None or ctx.survey is not None:
        return None
    return ChartBlock(ctx, {"series": [indicator]}, lambda p: series_chart(p, indicator, title))


def breakdown(
    ctx: Context,
    indicator: str | None,
    dimension: str | Sequence[str],
    *,
    top: int | None = None,
    labels: dict[str, str] | None = None,
    title: str | None = None,
) -> ChartBlock | None:
    """Bars of an indicator by a breakdown (e.g. ``sex``, ``nationality``) in the report year.

    Parameters
    ----------
    ctx : Context
        The report context.
    indicator : str or None
        Indicator code; None draws nothing.
    dimension : str or sequence of str
        Breakdown dimension(s); several are drawn one after the other. An
        empty string draws nothing.
    top : int, optional
        Keep the ``top`` categories with the largest denominators.
    labels : dict, optional
        Category labels.
    title : str, optional
        Chart title.

    Returns
    -------
    Chart or None
        None when the data have no such breakdown.

    Examples
    --------
    >>> from toolkit.blocks import load_data, report_context
    >>> ctx = report_context(load_data(), "17051", 2024, topic="schule")
    >>> breakdown(ctx, ctx.main, "sex").chart.title[:45]
    'Anteil Abgänge ohne Ersten Schulabschluss nac'
    """
    dims = [dimension] if isinstance(dimension, str) else list(dimension)
    dims = [d for d in dims if d]
    if indicator is None or not dims or ctx.survey is not None:
        return None
    shown = dims[0] if isinstance(dimension, str) else dims
    return ChartBlock(
        ctx,
        {"breakdowns": {indicator: dims}},
        lambda p: dimension_chart(p, indicator, shown, top=top, labels=labels, title=title),
    )


def sub_region_chart(ctx: Context, indicator: str | None) -> ChartBlock | None:
    """Bars of an indicator by the sub-regions: Kreise of a Land, Gemeinden or Sozialräume.

    Examples
    --------
    >>> from toolkit.blocks import load_data, report_context
    >>> ctx = report_context(load_data(), "17001", 2024, topic="fruehe_bildung")
    >>> sub_region_chart(ctx, ctx.main).chart.finding[:15]
    'Höchster Wert: '
    """
    if indicator is None or ctx.survey is not None:
        return None
    return ChartBlock(ctx, {"sub_indicators": [indicator]}, lambda p: subregion_chart(p, indicator))


def sub_region_map(
    ctx: Context, indicator: str | None, *, or_chart: bool = False
) -> ChartBlock | None:
    """Map of an indicator over the sub-regions (None where no boundaries exist).

    Parameters
    ----------
    ctx : Context
        The report context.
    indicator : str or None
        Indicator code.
    or_chart : bool, default False
        Draw :func:`sub_region_chart` where no map can be drawn.

    Examples
    --------
    >>> from toolkit.blocks import load_data, report_context
    >>> ctx = report_context(load_data(), "17053", 2024, topic="fruehe_bildung")
    >>> sub_region_map(ctx, ctx.main).chart.alt_text[:6]
    'Karte:'
    """
    if indicator is None or ctx.survey is not None:
        return None

    def draw(prepared: Any) -> Chart | None:
        drawn = subregion_map(prepared, indicator)
        return subregion_chart(prepared, indicator) if drawn is None and or_chart else drawn

    return ChartBlock(ctx, {"sub_indicators": [indicator]}, draw)


def education_chain(ctx: Context) -> ChartBlock | None:
    """Draw the Bildungskette: shares after Klasse 4, school leaving qualifications, iABE sectors.

    Examples
    --------
    >>> from toolkit.blocks import load_data, report_context
    >>> ctx = report_context(load_data(), "17051", 2024, title="Übergänge",
    ...                      indicators=["uebergangsquote_gymnasium"])
    >>> education_chain(ctx).chart.alt_text[:31]
    'Balkendiagramme „Bildungskette '
    """
    if ctx.survey is not None:
        return None
    from toolkit.indicators import catalog

    known = set(catalog()["code"])
    codes = [p + c for _, p, cats in CHAIN_STAGES for c in cats if p + c in known]
    return ChartBlock(ctx, {"indicators": codes}, education_chain_chart)


def occupations(ctx: Context, top: int = 10) -> ChartBlock | None:
    """Vertragslösungsquote in the ``top`` training occupations with most new contracts.

    Examples
    --------
    >>> from toolkit.blocks import load_data, report_context
    >>> ctx = report_context(load_data(), "17051", 2024, title="Vertragslösungen",
    ...                      indicators=["vertragsloesungsquote"])
    >>> occupations(ctx, 3).chart.title[:45]
    'Vertragslösungsquote in den 3 größten Ausbild'
    """
    if ctx.survey is not None:
        return None
    quote, new = "vertragsloesungsquote", "neue_ausbildungsvertraege"
    needs = {"breakdowns": {quote: ["beruf"], new: ["beruf"]}}
    return ChartBlock(ctx, needs, lambda p: beruf_chart(p, top))


def charts(
    ctx: Context,
    *items: ChartBlock | Chart | Sequence[Chart] | None,
    heading: str = "Grafiken",
    limit: int = 5,
) -> Html:
    """Show the drawn charts under one heading (nothing when none could be drawn).

    Reads the rows every block needs from the protected set at once, then
    draws the blocks in order.

    Parameters
    ----------
    ctx : Context
        The report context (marks an internal report).
    *items : ChartBlock, Chart, sequence of Chart or None
        Chart blocks in display order; None entries and blocks the data
        cannot draw are skipped.
    heading : str, default "Grafiken"
        Section heading.
    limit : int, default 5
        At most this many charts (a Fakten-Check stays within 2-4 pages).

    Returns
    -------
    Html
        Heading and one figure per chart, or an empty string.

    Examples
    --------
    >>> from toolkit.blocks import load_data, report_context
    >>> ctx = report_context(load_data(), "17051", 2024, topic="fruehe_bildung")
    >>> charts(ctx, None, None)
    ''
    >>> charts(ctx, time_series(ctx, ctx.main)).count("<figure")
    1
    """
    flat: list[Any] = []
    for item in items:
        flat += list(item) if isinstance(item, list | tuple) else [item]
    blocks = [i for i in flat if isinstance(i, ChartBlock)]
    union: dict[str, Any] = {"indicators": [], "series": [], "breakdowns": {}, "sub_indicators": []}
    for block in blocks:
        for key, value in block.needs.items():
            if key == "breakdowns":
                for code, dims in value.items():
                    union[key].setdefault(code, []).extend(dims)
            else:
                union[key] += value
    if blocks and ctx.survey is None:
        ctx.need(**union)  # one read of the protected set for the whole cell
    drawn = [i.chart if isinstance(i, ChartBlock) else i for i in flat]
    shown = [c for c in drawn if c is not None][:limit]
    if not shown:
        return Html("")
    return mark(ctx, charts_html(shown, heading))
