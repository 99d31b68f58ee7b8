"""Chart blocks: time series, breakdowns, sub-regions, Bildungskette, Berufe (private).

A chart block returns a :class:`toolkit.charts.Chart` (with alt text,
finding and data table) or None when the data cannot draw it; :func:`charts`
shows the drawn ones under one heading. Every block reads the rows it needs
from the context's protected set before it draws.
"""

from __future__ import annotations

from collections.abc import Sequence

from toolkit.blocks._context import Context
from toolkit.blocks._text import mark
from toolkit.charts import Chart
from toolkit.reports.content import Html, charts_html
from toolkit.reports.content._abbrueche import beruf_chart
from toolkit.reports.content._maps import subregion_map
from toolkit.reports.content._sections import dimension_chart, series_chart, subregion_chart
from toolkit.reports.content._uebergaenge import CHAIN_STAGES, education_chain_chart

__all__ = [
    "breakdown",
    "charts",
    "education_chain",
    "occupations",
    "sub_region_chart",
    "sub_region_map",
    "time_series",
]


def time_series(ctx: Context, indicator: str | None, *, title: str | None = None) -> Chart | None:
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
    >>> time_series(ctx, "betreuungsquote_u3").finding[:36]
    'Beispielkreis: Betreuungsquote unter'
    """
    if indicator is None or ctx.survey is not None:
        return None
    return series_chart(ctx.need(series=[indicator]), indicator, title)


def breakdown(
    ctx: Context,
    indicator: str | None,
    dimension: str | Sequence[str],
    *,
    top: int | None = None,
    labels: dict[str, str] | None = None,
    title: str | None = None,
) -> Chart | None:
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
    >>> breakdown(ctx, ctx.main, "sex").title[:45]
    'Anteil Abgänge ohne Ersten Schulabschluss (Ha'
    """
    dims = [dimension] if isinstance(dimension, str) else list(dimension)
    dims = [d for d in dims if d]
    if indicator is None or not dims or ctx.survey is not None:
        return None
    prepared = ctx.need(breakdowns={indicator: dims})
    shown = dims[0] if isinstance(dimension, str) else dims
    return dimension_chart(prepared, indicator, shown, top=top, labels=labels, title=title)


def sub_region_chart(ctx: Context, indicator: str | None) -> Chart | None:
    """Bars of an indicator by the sub-regions: Kreise of a Land, Gemeinden or Sozialräume.

    Examples
    --------
    >>> from toolkit.blocks import load_data, report_context
    >>> ctx = report_context(load_data(), "17001", 2024, topic="fruehe_bildung")
    >>> sub_region_chart(ctx, ctx.main).finding[:15]
    'Höchster Wert: '
    """
    if indicator is None or ctx.survey is not None:
        return None
    return subregion_chart(ctx.need(sub_indicators=[indicator]), indicator)


def sub_region_map(ctx: Context, indicator: str | None, *, or_chart: bool = False) -> Chart | None:
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
    >>> sub_region_map(ctx, ctx.main).alt_text[:6]
    'Karte:'
    """
    if indicator is None or ctx.survey is not None:
        return None
    drawn = subregion_map(ctx.need(sub_indicators=[indicator]), indicator)
    if drawn is None and or_chart:
        return sub_region_chart(ctx, indicator)
    return drawn


def education_chain(ctx: Context) -> Chart | None:
    """Draw the Bildungskette: shares after Klasse 4, school leaving qualifications, iABE sectors.

    Examples
    --------
    >>> from toolkit.blocks import load_data, report_context
    >>> ctx = report_context(load_data(), "17051", 2024, title="Übergänge",
    ...                      indicators=["uebergangsquote_gymnasium"])
    >>> education_chain(ctx).alt_text[:31]
    'Balkendiagramme „Bildungskette '
    """
    if ctx.survey is not None:
        return None
    from toolkit.indicators import catalog

    known = set(catalog()["code"])
    codes = [p + c for _, p, cats in CHAIN_STAGES for c in cats if p + c in known]
    return education_chain_chart(ctx.need(indicators=codes))


def occupations(ctx: Context, top: int = 10) -> Chart | None:
    """Vertragslösungsquote in the ``top`` training occupations with most new contracts.

    Examples
    --------
    >>> from toolkit.blocks import load_data, report_context
    >>> ctx = report_context(load_data(), "17051", 2024, title="Vertragslösungen",
    ...                      indicators=["vertragsloesungsquote"])
    >>> occupations(ctx, 3).title[:45]
    'Vertragslösungsquote in den 3 größten Ausbild'
    """
    if ctx.survey is not None:
        return None
    quote, new = "vertragsloesungsquote", "neue_ausbildungsvertraege"
    return beruf_chart(ctx.need(breakdowns={quote: ["beruf"], new: ["beruf"]}), top)


def charts(
    ctx: Context, *items: Chart | Sequence[Chart] | None, heading: str = "Grafiken", limit: int = 5
) -> Html:
    """Show the drawn charts under one heading (nothing when none could be drawn).

    Parameters
    ----------
    ctx : Context
        The report context (marks an internal report).
    *items : Chart, sequence of Chart or None
        Chart blocks in display order; None entries are skipped.
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
    drawn: list[Chart] = []
    for item in items:
        if item is None:
            continue
        drawn += [c for c in item if c is not None] if isinstance(item, list | tuple) else [item]
    drawn = drawn[:limit]
    if not drawn:
        return Html("")
    return mark(ctx, charts_html(drawn, heading))
