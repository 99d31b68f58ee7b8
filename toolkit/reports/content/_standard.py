"""The standard parts of a report: header, key messages, key figures, notes, appendix.

:func:`standard_parts` assembles all of them for the shipped reports. The
building blocks (:mod:`toolkit.blocks`) ask for them one at a time: the key
figures and messages (:func:`main_parts`, the costly part) once per prepared
data, notes and appendix (:func:`notes_part`, :func:`appendix_part`) when the
blocks that show them run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from toolkit.reports.content._common import appendix_definitions, report_header, sources_block
from toolkit.reports.content._comparison import stadtstaat_note
from toolkit.reports.content._context import ReportContext
from toolkit.reports.content._figures import key_figures, key_figures_html, sentences_html
from toolkit.reports.content._html import Html, esc, join_html
from toolkit.reports.content._messages import MESSAGE_RULE, key_messages
from toolkit.reports.content._parts import ReportParts
from toolkit.reports.content._sections import level_note, take_charts

__all__ = [
    "appendix_part",
    "main_parts",
    "notes_part",
    "omitted_note",
    "shown_indicators",
    "standard_parts",
]


def standard_parts(
    ctx: ReportContext,
    *,
    title: str,
    indicators: Sequence[str],
    tables: Sequence[str],
    charts: Sequence[Any],
    notes: Sequence[str] = (),
    appendix_codes: Sequence[str] | None = None,
    period_label: str | None = None,
    offsets: dict[str, int] | None = None,
) -> ReportParts:
    """Assemble header, key figures, sentences, charts, notes and appendix.

    Parameters
    ----------
    ctx : ReportContext
        Report data (protected).
    title : str
        Report title.
    indicators : sequence of str
        Key indicators (table and sentences).
    tables : sequence of str
        Tables used (for the Datenstand line).
    charts : sequence of Chart or None
        Candidate charts; None entries are skipped, at most five kept.
    notes : sequence of str, optional
        Extra notes shown after the charts.
    appendix_codes : sequence of str, optional
        Indicators defined in the appendix (default ``indicators``).
    period_label : str, optional
        Period as shown in the title (default the year).
    offsets : dict, optional
        Year offsets per table for the Datenstand (e.g. ``{"population": -1}``).

    Returns
    -------
    ReportParts
        The report's parts.

    Examples
    --------
    >>> from toolkit.reports.content import prepare_report
    >>> from toolkit.reports.content._sections import series_chart
    >>> from toolkit.reports.runtime import load_dataset
    >>> ctx = prepare_report(load_dataset(), "17051", 2024, indicators=["betreuungsquote_u3"],
    ...                      series=["betreuungsquote_u3"])
    >>> parts = standard_parts(ctx, title="Kurzbericht", indicators=["betreuungsquote_u3"],
    ...                        tables=["kita"], charts=[series_chart(ctx, "betreuungsquote_u3"), None])
    >>> parts.header.split("</h1>")[0], len(parts.charts)
    ('<h1>Kurzbericht: Beispielkreis, 2024', 1)
    """
    indicators = shown_indicators(ctx, indicators)
    main = main_parts(
        ctx,
        title=title,
        indicators=indicators,
        tables=tables,
        period_label=period_label,
        offsets=offsets,
    )
    return ReportParts(
        header=main.header,
        summary=main.summary,
        key_figures=main.key_figures,
        charts=take_charts(charts),
        notes=notes_part(ctx, indicators, main.figures, notes),
        appendix=appendix_part(
            ctx, appendix_codes if appendix_codes is not None else indicators, tables
        ),
        figures=main.figures,
    )


def shown_indicators(ctx: ReportContext, indicators: Sequence[str]) -> list[str]:
    """Return the key indicators the data can give (those not omitted), in order.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> shown_indicators(SimpleNamespace(omitted=(("b", "fehlt"),)), ["a", "b"])
    ['a']
    """
    left_out = {c for c, _ in ctx.omitted}
    return [c for c in indicators if c not in left_out]


def main_parts(
    ctx: ReportContext,
    *,
    title: str,
    indicators: Sequence[str],
    tables: Sequence[str],
    period_label: str | None = None,
    offsets: dict[str, int] | None = None,
) -> ReportParts:
    """Return header, key messages and key figures of :func:`standard_parts` only.

    The costly part of a report's text (the key figures and the sentences
    about them): made once per prepared data, while notes and appendix
    (:func:`notes_part`, :func:`appendix_part`) depend on what the blocks
    above asked for. ``indicators`` are the shown ones (:func:`shown_indicators`).

    Examples
    --------
    >>> from toolkit.reports.content import prepare_report
    >>> from toolkit.reports.runtime import load_dataset
    >>> ctx = prepare_report(load_dataset(), "17052", 2024, indicators=["schulabgaenge"])
    >>> main = main_parts(ctx, title="Schule", indicators=["schulabgaenge"], tables=[])
    >>> main.header.split("</h1>")[0], main.figures["indicator"].tolist(), main.notes
    ('<h1>Schule: Erlenhagen, Landkreis, 2024', ['schulabgaenge'], '')
    """
    figures = key_figures(
        ctx.frame,
        ctx.region,
        ctx.period,
        indicators,
        ctx.comparison,
        catalogue=ctx.catalogue,
        labels=ctx.labels,
    )
    header = report_header(
        title,
        ctx.region_name,
        period_label or str(ctx.period),
        ctx.dataset,
        tables,
        period=ctx.period,
        offsets=offsets,
    )
    summary = join_html(
        ["<h2>Das Wichtigste in Kürze</h2>", sentences_html(key_messages(ctx, figures))]
    )
    table = key_figures_html(
        figures, ctx.region_name, ctx.period, {c: ctx.label(c) for c in ctx.comparison}
    )
    return ReportParts(
        header=header,
        summary=summary,
        key_figures=join_html(["<h2>Kennzahlen</h2>", table]),
        charts=(),
        notes=Html(""),
        appendix=Html(""),
        figures=figures,
    )


def notes_part(
    ctx: ReportContext, indicators: Sequence[str], figures: Any, notes: Sequence[str] = ()
) -> Html:
    """Return "Hinweise" (data level, values left out, ``notes``) and "Nicht enthalten" of a report.

    Examples
    --------
    >>> from toolkit.reports.content import prepare_report
    >>> from toolkit.reports.runtime import load_dataset
    >>> gemeinde = prepare_report(load_dataset(), "17001000", 2024, indicators=["iabe_anteil_sektor_i"])
    >>> "liegen nur Kreisdaten vor" in notes_part(gemeinde, ["iabe_anteil_sektor_i"], None)
    True
    """
    levels = [level_note(ctx, c) for c in indicators]
    own_land = stadtstaat_note(ctx.hierarchy, ctx.region, ctx.comparison)
    extra = [*notes, *ctx.notes, own_land, *_empty_comparisons(ctx, figures)]
    all_notes = [n for n in (*levels, *extra) if n]
    blocks: list[str] = []
    if all_notes:
        blocks += [
            "<h2>Hinweise</h2><ul>",
            *(f"<li>{esc(n)}</li>" for n in dict.fromkeys(all_notes)),
            "</ul>",
        ]
    blocks = [b for b in (*blocks, omitted_note(ctx)) if b]
    return join_html(blocks) if blocks else Html("")


def appendix_part(ctx: ReportContext, codes: Sequence[str], tables: Sequence[str]) -> Html:
    """Return the appendix "Definitionen und Quellen" of ``codes``, the message rule and the sources.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from toolkit.indicators import catalog
    >>> from toolkit.reports.runtime import load_dataset
    >>> data = SimpleNamespace(catalogue=catalog(), min_count=3, dataset=load_dataset())
    >>> "<dt>Betreuungsquote unter 3 Jahren</dt>" in appendix_part(data, ["betreuungsquote_u3"], [])
    True
    """
    appendix = appendix_definitions(codes, ctx.catalogue, min_count=ctx.min_count)
    appendix = join_html(
        [appendix, f"<p><strong>Auswahl der Aussagen:</strong> {esc(MESSAGE_RULE)}</p>"]
    )
    provenance = sources_block(ctx.dataset, tables)
    return join_html([appendix, provenance]) if provenance else appendix


def _empty_comparisons(ctx: ReportContext, figures: Any) -> list[str]:
    """Return a note for each comparison region without any value (unless one says why)."""
    out = []
    for code in ctx.comparison:
        col = f"value_{code}"
        if col not in getattr(figures, "columns", ()) or figures[col].notna().any():
            continue
        name = ctx.hierarchy.name(code)
        if not any(name in n for n in ctx.notes):
            out.append(f"{ctx.label(code)}: keine Vergleichswerte in den Daten ({name}).")
    return out


def omitted_note(ctx: ReportContext) -> str:
    """Return the "Nicht enthalten" note: indicators the data cannot give, and why.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> import pandas as pd
    >>> cat = pd.DataFrame({"code": ["uebergaenge_jg5"], "name_de": ["Eintritte in Jg. 5"]})
    >>> ctx = SimpleNamespace(omitted=(("uebergaenge_jg5", "Tabelle 'transitions' fehlt"),),
    ...                       catalogue=cat)
    >>> print(omitted_note(ctx))
    <h2>Nicht enthalten</h2><ul><li>Eintritte in Jg. 5: Tabelle &#x27;transitions&#x27; fehlt</li></ul>
    """
    if not ctx.omitted:
        return ""
    names = dict(zip(ctx.catalogue["code"], ctx.catalogue["name_de"], strict=False))
    items = "".join(f"<li>{esc(names.get(c, c))}: {esc(r)}</li>" for c, r in ctx.omitted)
    return f"<h2>Nicht enthalten</h2><ul>{items}</ul>"
