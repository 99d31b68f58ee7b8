"""Survey blocks: weighted family-survey results by Sozialraum (private).

The estimates come from :func:`toolkit.reports.content.survey_estimates`
(weighted design as in R ``survey``, protected with
:func:`toolkit.disclosure.protect_survey` before anything is shown).
"""

from __future__ import annotations

from collections.abc import Sequence

from toolkit.blocks._context import Context
from toolkit.blocks._text import mark
from toolkit.charts import Chart
from toolkit.disclosure import SURVEY_TOTAL
from toolkit.errors import ParameterError
from toolkit.reports.content import SURVEY_ITEMS, Html, html_table, survey_estimates
from toolkit.reports.content._html import esc, join_html
from toolkit.reports.content._survey_text import survey_chart
from toolkit.text import fmt_value

__all__ = ["survey_charts", "survey_results"]


def survey_charts(ctx: Context) -> tuple[Chart, ...]:
    """Charts of the survey topic (``topic="befragung"``): the items by Sozialraum.

    Empty for other contexts, so a Fakten-Check template can always list it.

    Examples
    --------
    >>> from toolkit.blocks import load_data, report_context
    >>> len(survey_charts(report_context(load_data(), "17001", 2024, topic="befragung")))
    1
    """
    return tuple(ctx.survey.charts) if ctx.survey is not None else ()


def _sozialraeume(ctx: Context) -> list[str]:
    dataset = ctx._data._dataset
    h = dataset.shared.hierarchy
    codes = [c for c in h.descendants(ctx.region) if h.level(c) == "sozialraum"]
    if h.level(ctx.region) == "sozialraum":
        codes = [ctx.region]
    table = getattr(dataset, "tables", {}).get("survey_families")
    surveyed = set(table["sozialraum"]) if table is not None else set()
    return sorted(c for c in codes if c in surveyed)


def survey_results(ctx: Context, items: Sequence[str] | None = None, *, chart: bool = True) -> Html:
    """Weighted results of the family survey for the Sozialräume of the report region.

    A table (one row per Sozialraum and "insgesamt", one column per item)
    and, with ``chart``, one dot plot of the shares with 95 % confidence
    intervals and the "insgesamt" line. Estimates from fewer than ``min_count`` answers are replaced by
    "." and from fewer than 10 by "/" (too unreliable).

    Parameters
    ----------
    ctx : Context
        The report context.
    items : sequence of str, optional
        Survey columns (default every item of
        :data:`toolkit.reports.content.SURVEY_ITEMS`).
    chart : bool, default True
        Also draw the dot plots.

    Returns
    -------
    Html
        Heading, table and charts; a sentence when the region was not surveyed.

    Raises
    ------
    ParameterError
        For an unknown item.

    Examples
    --------
    >>> from toolkit.blocks import load_data, report_context
    >>> ctx = report_context(load_data(), "17001", 2024, title="Ganztag",
    ...                      indicators=["betreuungsquote_3u6"])
    >>> html = survey_results(ctx, ["bedarf_ganztag"], chart=False)
    >>> "Bedarf an Ganztagsbetreuung" in html and "insgesamt" in html
    True
    """
    items = list(SURVEY_ITEMS if items is None else items)
    bad = [i for i in items if i not in SURVEY_ITEMS]
    if bad:
        raise ParameterError(
            f"Unbekannte Fragen der Familienbefragung: {', '.join(bad)}",
            hint=f"Erlaubt: {', '.join(SURVEY_ITEMS)}",
        )
    head = "<h2>Ergebnisse der Familienbefragung</h2>"
    codes = _sozialraeume(ctx)
    if not codes:
        text = f"<p>Für {esc(ctx.region_name)} liegt keine Familienbefragung vor.</p>"
        return mark(ctx, head + text)
    est = survey_estimates(ctx._data._dataset, codes, min_count=ctx.min_count)
    est = est[est["item"].isin(items)]
    h = ctx._data._dataset.shared.hierarchy
    rows = []
    for code in [*codes, SURVEY_TOTAL]:
        part = est[est["region_code"] == code].set_index("item")
        cells = ["insgesamt" if code == SURVEY_TOTAL else h.name(code)]
        for item in items:
            unit, decimals = (
                SURVEY_ITEMS[item][2],
                1 if SURVEY_ITEMS[item][0] == "proportion" else 2,
            )
            r = part.loc[item]
            cells.append(fmt_value(r["value"], unit, decimals, flag=r["flag"]))
        rows.append(cells)
    table = html_table(
        ["Sozialraum", *(SURVEY_ITEMS[i][1] for i in items)],
        rows,
        caption="Gewichtete Ergebnisse nach Sozialraum",
        numeric=[False] + [True] * len(items),
    )
    drawn = survey_chart(est, {i: SURVEY_ITEMS[i] for i in items}) if chart else None
    return mark(ctx, join_html([head, table, drawn.to_html() if drawn is not None else ""]))
