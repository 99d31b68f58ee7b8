"""Content of the Fakten-Check template: short quarterly facts on one topic."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from toolkit.errors import ParameterError
from toolkit.indicators import catalog
from toolkit.reports.content._befragung import survey_report
from toolkit.reports.content._common import appendix_definitions, report_header, sources_block
from toolkit.reports.content._comparison import stadtstaat_note
from toolkit.reports.content._context import ReportContext, prepare_report
from toolkit.reports.content._figures import (
    key_figures,
    key_figures_html,
    sentences_html,
)
from toolkit.reports.content._html import Html, esc, join_html
from toolkit.reports.content._maps import subregion_map
from toolkit.reports.content._messages import MESSAGE_RULE, key_messages
from toolkit.reports.content._parts import ReportParts
from toolkit.reports.content._sections import (
    dimension_chart,
    level_note,
    series_chart,
    subregion_chart,
    take_charts,
)

__all__ = ["FAKTEN_TOPICS", "fakten_check", "standard_parts", "topic_indicators"]

#: Fakten-Check topics: German title, key indicators (first = main), tables used,
#: breakdown dimension of the main indicator.
FAKTEN_TOPICS: dict[str, dict[str, Any]] = {
    "fruehe_bildung": {
        "title": "Frühe Bildung",
        "indicators": ["betreuungsquote_u3", "betreuungsquote_3u6", "tagespflege_anteil_u3"],
        "tables": ["kita", "population"],
        "dimension": "",
        "offsets": {"population": -1},  # rates use the population of 31 Dec of the year before
    },
    "schule": {
        "title": "Schule",
        "indicators": [
            "abgaenge_anteil_ohne_hsa",
            "uebergangsquote_gymnasium",
            "abgaenge_anteil_ahr",
            "schulabgaenge",
        ],
        "tables": ["school_leavers", "transitions"],
        "dimension": "sex",
    },
    "ausbildung": {
        "title": "Ausbildung",
        "indicators": [
            "vertragsloesungsquote",
            "ausbildungsanfaengerquote",
            "neue_ausbildungsvertraege",
            "iabe_anteil_sektor_i",
            "iabe_anteil_sektor_ii",
        ],
        "tables": [
            "contracts_new",
            "contracts_dissolved",
            "apprentice_beginners",
            "population",
            "iabe",
        ],
        "dimension": "zustaendigkeit",
    },
    "befragung": {
        "title": "Familienbefragung",
        "indicators": [],
        "tables": ["survey_families", "survey_families_margins"],
        "dimension": "",
    },
}


def topic_indicators(topic: str, catalogue: Any) -> list[str]:
    """Return the key indicators of a Fakten-Check topic that the catalogue has.

    Parameters
    ----------
    topic : str
        One of :data:`FAKTEN_TOPICS`.
    catalogue : pandas.DataFrame
        Indicator catalogue.

    Returns
    -------
    list of str
        Indicator codes, main indicator first.

    Raises
    ------
    ParameterError
        For an unknown topic or when the catalogue has none of its indicators.

    Examples
    --------
    >>> import pandas as pd
    >>> topic_indicators("fruehe_bildung", pd.DataFrame({"code": ["betreuungsquote_3u6"]}))
    ['betreuungsquote_3u6']
    """
    if topic not in FAKTEN_TOPICS:
        raise ParameterError(
            f"Unbekanntes Thema {topic!r}",
            hint=f"Erlaubt: {', '.join(FAKTEN_TOPICS)}",
        )
    known = set(catalogue["code"])
    codes = [c for c in FAKTEN_TOPICS[topic]["indicators"] if c in known]
    if not codes and FAKTEN_TOPICS[topic]["indicators"]:
        raise ParameterError(
            f"Der Indikatorkatalog enthält keine Indikatoren des Themas {topic!r}",
            hint="toolkit.indicators.catalog() prüfen",
        )
    return codes


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
    >>> from toolkit.reports.runtime import load_dataset
    >>> ctx = prepare_report(load_dataset(), "17051", 2024, indicators=["betreuungsquote_u3"],
    ...                      series=["betreuungsquote_u3"])
    >>> parts = standard_parts(ctx, title="Kurzbericht", indicators=["betreuungsquote_u3"],
    ...                        tables=["kita"], charts=[series_chart(ctx, "betreuungsquote_u3"), None])
    >>> parts.header.split("</h1>")[0], len(parts.charts)
    ('<h1>Kurzbericht: Beispielkreis, 2024', 1)
    """
    left_out = {c for c, _ in ctx.omitted}
    indicators = [c for c in indicators if c not in left_out]
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
    notes_html = join_html(blocks) if blocks else Html("")
    appendix = appendix_definitions(
        appendix_codes if appendix_codes is not None else indicators,
        ctx.catalogue,
        min_count=ctx.min_count,
    )
    appendix = join_html(
        [appendix, f"<p><strong>Auswahl der Aussagen:</strong> {esc(MESSAGE_RULE)}</p>"]
    )
    provenance = sources_block(ctx.dataset, tables)
    if provenance:
        appendix = join_html([appendix, provenance])
    return ReportParts(
        header=header,
        summary=summary,
        key_figures=join_html(["<h2>Kennzahlen</h2>", table]),
        charts=take_charts(charts),
        notes=notes_html,
        appendix=appendix,
        figures=figures,
    )


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


def fakten_check(
    dataset: Any,
    region: str,
    period: int,
    *,
    topic: str = "fruehe_bildung",
    comparison: Sequence[str] | None = None,
    min_count: int = 3,
) -> ReportParts:
    """Build the Fakten-Check on one topic for one region and period.

    Parameters
    ----------
    dataset : toolkit.io.Dataset
        Dataset (``toolkit.reports.runtime.load_dataset``).
    region : str
        Region code (AGS).
    period : int
        Report year.
    topic : str, default "fruehe_bildung"
        ``fruehe_bildung``, ``schule``, ``ausbildung`` or ``befragung``.
    comparison : sequence of str, optional
        Comparison regions (default: Kreis, Land and Bund as applicable).
    min_count : int, default 3
        Minimum count of disclosure control.

    Returns
    -------
    ReportParts
        Header, key figures, sentences, charts, notes and appendix.

    Raises
    ------
    ParameterError
        Unknown topic or region, or no data for the period.

    Examples
    --------
    >>> from toolkit.reports.runtime import load_dataset
    >>> parts = fakten_check(load_dataset(), "17051", 2024)
    >>> parts.header.split("</h1>")[0]
    '<h1>Fakten-Check Frühe Bildung: Beispielkreis, 2024'
    >>> parts.figures["indicator"].tolist()
    ['betreuungsquote_u3', 'betreuungsquote_3u6', 'tagespflege_anteil_u3']
    """
    if topic == "befragung":
        return survey_report(dataset, region, period, comparison=comparison, min_count=min_count)
    codes = topic_indicators(topic, catalog())
    spec = FAKTEN_TOPICS[topic]
    main = codes[0]
    dim = spec["dimension"]
    ctx = prepare_report(
        dataset,
        region,
        period,
        comparison=comparison,
        indicators=codes,
        series=codes,  # every key indicator: its trend decides "stieg"/"sank"
        breakdowns={main: [dim]} if dim else None,
        sub_indicators=[main],
        min_count=min_count,
    )
    shown = [c for c in codes if c not in {c for c, _ in ctx.omitted}]
    main = shown[0]
    charts = [
        series_chart(ctx, main),
        series_chart(ctx, shown[1]) if len(shown) > 1 else None,
        dimension_chart(ctx, main, dim) if dim and main == codes[0] else None,
        # the sub-regions as a map with its table (issue 19); bars only where no map can be
        # drawn: both would show the same values and push the Fakten-Check past 4 pages (#17)
        subregion_map(ctx, main) or subregion_chart(ctx, main),
    ]
    return standard_parts(
        ctx,
        title=f"Fakten-Check {spec['title']}",
        indicators=codes,
        tables=spec["tables"],
        charts=charts,
        offsets=spec.get("offsets"),
    )
