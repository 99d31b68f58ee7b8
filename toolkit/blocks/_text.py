"""Text blocks: header, key messages, key figures, notes, definitions (private).

Each block takes a :class:`~toolkit.blocks.Context` and returns
:class:`~toolkit.reports.content.Html` that a notebook cell displays. The
text comes from :mod:`toolkit.reports.content` (the same functions the
shipped reports use), applied to the context's protected rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from toolkit.blocks._context import Context
from toolkit.reports.content import Html
from toolkit.reports.content._abbrueche import small_numbers_note as _small_numbers
from toolkit.reports.content._standard import (
    appendix_part,
    main_parts,
    notes_part,
    shown_indicators,
)
from toolkit.reports.content._uebergaenge import UEBERGAENGE_NOTES

__all__ = [
    "INTERNAL_MARK",
    "definitions",
    "header",
    "key_figures",
    "key_messages",
    "mark",
    "notes",
    "small_numbers_note",
    "transition_notes",
]

#: The words every block of an internal context carries (screen and every printed page).
INTERNAL_MARK = "Nur für den Dienstgebrauch"

_PAGE_MARK = (
    "<style>@page { @top-center { content: "
    f'"{INTERNAL_MARK} – nicht geheimhaltungsgeprüft"; '
    "font: bold 9pt sans-serif; color: #B00020; } }</style>"
)
_BANNER = (
    '<div class="dkbm-intern" role="note" style="position:sticky;top:0;z-index:10;'
    'background:#B00020;color:#fff;font-weight:bold;padding:0.3em 0.8em;margin:0.5em 0">'
    f"{INTERNAL_MARK}: enthält Daten ohne Geheimhaltungsprüfung, nicht veröffentlichen.</div>"
)


def mark(ctx: Context, html: str, *, page: bool = False) -> Html:
    """Return ``html`` as it is, or with the internal banner for an internal context.

    Parameters
    ----------
    ctx : Context
        The report context.
    html : str
        A block's markup.
    page : bool, default False
        Also add the print rule that repeats the mark at the top of every page.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> mark(SimpleNamespace(internal=False), "<p>x</p>")
    '<p>x</p>'
    >>> INTERNAL_MARK in mark(SimpleNamespace(internal=True), "<p>x</p>")
    True
    """
    if not getattr(ctx, "internal", False):
        return Html(html)
    return Html((_PAGE_MARK if page else "") + _BANNER + str(html))


def _parts(ctx: Context) -> Any:
    """Header, key messages and key figures from the prepared protected rows (or the survey).

    Made once per read of the protected set (``ctx.version``); notes and
    appendix are made by their blocks.
    """
    if ctx.survey is not None:
        return ctx.survey
    if ctx.version not in ctx._memo:
        ctx._memo.clear()  # parts of earlier prepared data are never asked again
        ctx._memo[ctx.version] = main_parts(
            ctx.prepared,
            title=ctx.title,
            indicators=shown_indicators(ctx.prepared, ctx._declared),
            tables=ctx.table_names,
            period_label=ctx.period_label,
            offsets=ctx.offsets,
        )
    return ctx._memo[ctx.version]


def header(ctx: Context) -> Html:
    """Title with region and period, Datenstand and (for sample data) the sample-data note.

    Examples
    --------
    >>> from toolkit.blocks import load_data, report_context
    >>> ctx = report_context(load_data(), "17051", 2024, topic="schule")
    >>> header(ctx).split("</h1>")[0]
    '<h1>Fakten-Check Schule: Beispielkreis, 2024'
    """
    return mark(ctx, _parts(ctx).header, page=True)


def key_messages(ctx: Context) -> Html:
    """Show "Das Wichtigste in Kürze": short sentences about the key indicators.

    Examples
    --------
    >>> from toolkit.blocks import load_data, report_context
    >>> ctx = report_context(load_data(), "17051", 2024, topic="fruehe_bildung")
    >>> key_messages(ctx).startswith("<h2>Das Wichtigste in Kürze</h2>")
    True
    """
    return mark(ctx, _parts(ctx).summary)


def key_figures(ctx: Context) -> Html:
    """Table of the key indicators: value, change to the previous year, comparison regions.

    For the survey topic: the weighted results by Sozialraum.

    Examples
    --------
    >>> from toolkit.blocks import load_data, report_context
    >>> ctx = report_context(load_data(), "17051", 2024, topic="fruehe_bildung")
    >>> key_figures(ctx).startswith("<h2>Kennzahlen</h2>")
    True
    """
    return mark(ctx, _parts(ctx).key_figures)


def notes(ctx: Context, *extra: str) -> Html:
    """Show "Hinweise" (data level, values left out, your ``extra`` notes) and "Nicht enthalten".

    Put it after the charts: it lists what every block above could not show.

    Parameters
    ----------
    ctx : Context
        The report context.
    *extra : str
        Further notes (plain text), shown after the notes on the data level.

    Examples
    --------
    >>> from toolkit.blocks import load_data, report_context
    >>> ctx = report_context(load_data(), "17001000", 2024, title="Übergänge",
    ...                      indicators=["iabe_anteil_sektor_i"])
    >>> "liegen nur Kreisdaten vor" in notes(ctx, "Eigener Hinweis.")
    True
    """
    if ctx.survey is not None:
        return mark(ctx, ctx.survey.notes)
    shown = shown_indicators(ctx.prepared, ctx._declared)
    html = notes_part(ctx.prepared, shown, _parts(ctx).figures, [e for e in extra if e])
    return mark(ctx, html)


def definitions(ctx: Context, indicators: Sequence[str] | None = None) -> Html:
    """Appendix "Definitionen und Quellen" from the indicator catalogue, sign legend, sources.

    Parameters
    ----------
    ctx : Context
        The report context.
    indicators : sequence of str, optional
        Indicators to define; default every indicator the report has shown
        (key indicators and those of the blocks above).

    Examples
    --------
    >>> from toolkit.blocks import load_data, report_context
    >>> ctx = report_context(load_data(), "17051", 2024, topic="fruehe_bildung")
    >>> "<dt>Betreuungsquote unter 3 Jahren</dt>" in definitions(ctx)
    True
    """
    if ctx.survey is not None:
        return mark(ctx, ctx.survey.appendix)
    gone = {c for c, _ in ctx.omitted}
    codes = [c for c in (ctx.used if indicators is None else indicators) if c not in gone]
    return mark(ctx, appendix_part(ctx.prepared, codes, ctx.table_names))


def small_numbers_note(ctx: Context) -> str:
    """Note "Kleine Zahlen" on the Vertragslösungsquote, with the number of hidden group values.

    Plain text for :func:`notes`; reads the breakdowns of the quote shown by the blocks above.

    Examples
    --------
    >>> from toolkit.blocks import load_data, report_context
    >>> ctx = report_context(load_data(), "17051", 2024, title="Vertragslösungen",
    ...                      indicators=["vertragsloesungsquote"])
    >>> small_numbers_note(ctx).split(":")[0]
    'Kleine Zahlen'
    """
    if ctx.survey is not None:
        return ""
    return _small_numbers(ctx.prepared)


def transition_notes(ctx: Context) -> tuple[str, ...]:
    """Return the notes on the Übergangsquoten and the Bildungskette (for :func:`notes`).

    Examples
    --------
    >>> transition_notes(None)[0].startswith("Übergangsquoten beziehen sich")
    True
    """
    del ctx  # the same text for every region; the context keeps the call like the other notes
    return UEBERGAENGE_NOTES
