"""Making a report context: :func:`report_context` and the opt-out :func:`internal_context` (private)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from toolkit.blocks._context import Context, check_codes, tables_of
from toolkit.blocks._data import ReportData, load_data
from toolkit.errors import ParameterError
from toolkit.indicators import catalog
from toolkit.reports.content import FAKTEN_TOPICS, topic_indicators

__all__ = ["internal_context", "report_context"]


def _as_data(data: Any, min_count: int | None) -> ReportData:
    if isinstance(data, ReportData):
        if min_count is not None and int(min_count) != data.min_count:
            raise ParameterError(
                f"min_count={min_count} weicht von load_data(min_count={data.min_count}) ab",
                hint="min_count einmal bei load_data angeben",
            )
        return data
    if data is None or isinstance(data, str | os.PathLike):
        return load_data(data, min_count=3 if min_count is None else min_count)
    raise ParameterError(
        f"report_context erwartet die Daten aus load_data(...), nicht {type(data).__name__}",
        hint="data = load_data(data_dir) und dann report_context(data, region, period, ...)",
    )


def report_context(
    data: ReportData | str | os.PathLike[str] | None,
    region: str,
    period: int,
    *,
    topic: str | None = None,
    title: str | None = None,
    indicators: Sequence[str] = (),
    series: Sequence[str] = (),
    breakdowns: Mapping[str, Sequence[str]] | None = None,
    sub_indicators: Sequence[str] = (),
    tables: Sequence[str] | None = None,
    comparison: Sequence[str] | None = None,
    min_count: int | None = None,
    period_label: str | None = None,
    offsets: Mapping[str, int] | None = None,
) -> Context:
    """Return the context of one report: region, period and its protected data.

    Either a Fakten-Check ``topic`` (``fruehe_bildung``, ``schule``,
    ``ausbildung``, ``befragung``) sets title, key indicators, series,
    breakdown and tables, or you give ``title`` and ``indicators`` yourself.
    ``series``, ``breakdowns`` and ``sub_indicators`` only say up front what
    the blocks will show; blocks read anything else they need when they run.

    Parameters
    ----------
    data : ReportData
        From :func:`load_data` (a directory or None is read here).
    region : str
        Region code (AGS) of the report.
    period : int
        Report year.
    topic : str, optional
        Fakten-Check topic.
    title : str, optional
        Report title (default from the topic).
    indicators : sequence of str
        Key indicators (catalogue codes), main indicator first.
    series, breakdowns, sub_indicators : optional
        Time series, breakdown dimensions and sub-region values to read now.
    tables : sequence of str, optional
        Tables shown in the Datenstand line (default: those the indicators use).
    comparison : sequence of str, optional
        Comparison regions (default: Kreis, Land and Bund as applicable).
    min_count : int, optional
        Must equal the one of ``data`` (given here for readability).
    period_label : str, optional
        Period as shown in the title (default the year).
    offsets : mapping of str to int, optional
        Year offset per table for the Datenstand line, e.g. ``{"population": -1}`` when rates
        use the population of 31 December of the year before (default from the topic).

    Returns
    -------
    Context

    Raises
    ------
    ParameterError
        Unknown topic, indicator, region or comparison code, or no data in ``period``.

    Examples
    --------
    >>> data = load_data()
    >>> ctx = report_context(data, "17051005", 2024, title="Kita kompakt",
    ...                      indicators=["betreuungsquote_u3"])
    >>> ctx.region_name, ctx.comparison, ctx.table_names
    ('Beispielhausen, Stadt', ('17051', '17', 'DG'), ('kita', 'population'))
    """
    data = _as_data(data, min_count)
    needs: dict[str, Any] = {
        "series": list(series),
        "breakdowns": dict(breakdowns or {}),
        "sub_indicators": list(sub_indicators),
    }
    dimension = ""
    codes = list(indicators)
    if topic is not None:
        if topic not in FAKTEN_TOPICS:
            raise ParameterError(
                f"Unbekanntes Thema {topic!r}", hint=f"Erlaubt: {', '.join(FAKTEN_TOPICS)}"
            )
        spec = FAKTEN_TOPICS[topic]
        title = title or f"Fakten-Check {spec['title']}"
        tables = spec["tables"] if tables is None else tables
        offsets = spec.get("offsets") if offsets is None else offsets
        dimension = spec["dimension"]
        if not codes and topic != "befragung":
            codes = topic_indicators(topic, catalog())
            needs["series"] = needs["series"] or codes[:2]
            if dimension and not needs["breakdowns"]:
                needs["breakdowns"] = {codes[0]: [dimension]}
            needs["sub_indicators"] = needs["sub_indicators"] or codes[:1]
    elif not codes:
        raise ParameterError(
            "report_context braucht ein Thema (topic=...) oder Indikatoren (indicators=[...])",
            hint="z. B. indicators=['betreuungsquote_u3'] und title='Mein Bericht'",
        )
    check_codes([*codes, *needs["series"], *needs["breakdowns"], *needs["sub_indicators"]],
                 set(catalog()["code"]))  # fmt: skip
    if not title:  # default: the name of the main indicator
        title = str(catalog().set_index("code").at[codes[0], "name_de"])
    return Context(
        data,
        region,
        period,
        title=title,
        indicators=codes,
        needs=needs,
        tables=tables_of(codes) if tables is None else tables,
        comparison=comparison,
        min_count=data.min_count,
        topic=topic,
        dimension=dimension,
        period_label=period_label,
        offsets=offsets,
    )


def internal_context(
    data: ReportData | str | os.PathLike[str] | None, region: str, period: int, **options: Any
) -> Context:
    """Return a context that may also read UNPROTECTED data: for internal use only.

    The explicit opt-out of disclosure control: ``ctx.dataset`` (raw tables)
    and ``ctx.unprotected_frame()`` become reachable, and every block made
    from this context is marked "Nur für den Dienstgebrauch" (a banner on
    screen and on every printed page). ``dkbm batch`` refuses templates that
    call it for publication runs; :func:`toolkit.blocks.uses_internal_data`
    finds it in a template's code.

    Parameters
    ----------
    data, region, period, **options
        As :func:`report_context`.

    Returns
    -------
    Context
        With ``internal=True``.

    Examples
    --------
    >>> ctx = internal_context(load_data(), "17051", 2024, topic="fruehe_bildung")
    >>> ctx.internal, "kita" in ctx.dataset.tables
    (True, True)
    """
    ctx = report_context(data, region, period, **options)
    ctx._open_internal()
    return ctx
