"""Content of the Vertragslösungen template (after the BIBB Schichtenmodell).

A dissolved training contract (Vertragslösung) is not a dropout (Abbruch): many
contracts continue with another employer or in another occupation. The template was
called "ausbildungsabbrueche"; :func:`ausbildungsabbrueche` keeps that name for
existing callers, :func:`vertragsloesungen` is the same function under the right one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from toolkit.charts import Chart
from toolkit.indicators import catalog
from toolkit.reports.content._context import ReportContext, prepare_report
from toolkit.reports.content._parts import ReportParts
from toolkit.reports.content._sections import dimension_chart, series_chart
from toolkit.reports.content._standard import standard_parts
from toolkit.text import fmt_number

__all__ = [
    "ABBRUECHE_INDICATORS",
    "ABBRUECHE_TABLES",
    "ausbildungsabbrueche",
    "beruf_chart",
    "beruf_names",
    "small_numbers_note",
    "top_berufe",
    "vertragsloesungen",
]

#: Key indicators of the report, in display order.
ABBRUECHE_INDICATORS: tuple[str, ...] = (
    "vertragsloesungsquote",
    "vertragsloesungen",
    "vertragsloesungen_probezeit_anteil",
    "neue_ausbildungsvertraege",
)

#: Tables the report reads (Datenstand line and sources).
ABBRUECHE_TABLES: tuple[str, ...] = ("contracts_new", "contracts_dissolved")
_QUOTE = "vertragsloesungsquote"
_PROBEZEIT = "vertragsloesungen_probezeit_anteil"
_NEW = "neue_ausbildungsvertraege"


def beruf_names(dataset: Any) -> dict[str, str]:
    """Return training occupation code to name from ``berufe.csv``.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> ds = SimpleNamespace(tables={"berufe": pd.DataFrame({"beruf": ["1"], "beruf_name": ["Koch/Köchin"]})})
    >>> beruf_names(ds)
    {'1': 'Koch/Köchin'}
    """
    table = getattr(dataset, "tables", {}).get("berufe")
    if table is None or table.empty:
        return {}
    return dict(zip(table["beruf"].astype(str), table["beruf_name"].astype(str), strict=True))


def top_berufe(ctx: ReportContext, n: int = 10) -> list[str]:
    """Return the ``n`` training occupations with most new contracts in the period.

    Uses the protected counts ``neue_ausbildungsvertraege`` by ``beruf`` of the
    nearest region with data; hidden counts rank last.

    Examples
    --------
    >>> from toolkit.reports.runtime import load_dataset
    >>> ctx = prepare_report(load_dataset(), "17051", 2024, indicators=[_QUOTE],
    ...                      breakdowns={_NEW: ["beruf"]})
    >>> top_berufe(ctx, 3)
    ['IH01', 'IH02', 'IH03']
    """
    where = ctx.data_region(_NEW)
    if where is None:
        return []
    f = ctx.frame
    rows = f[
        (f["indicator"] == _NEW)
        & (f["region_code"] == where)
        & (f["dimension"] == "beruf")
        & (f["period"] == ctx.period)
    ]
    rows = rows.sort_values(["value", "category"], ascending=[False, True], na_position="last")
    return [str(c) for c in rows["category"].head(n)]


def beruf_chart(ctx: ReportContext, n: int) -> Chart | None:
    """Return the Vertragslösungsquote of the ``n`` largest training occupations, or None.

    Examples
    --------
    >>> from toolkit.reports.runtime import load_dataset
    >>> ctx = prepare_report(load_dataset(), "17051", 2024, indicators=[_QUOTE],
    ...                      breakdowns={_QUOTE: ["beruf"], _NEW: ["beruf"]})
    >>> beruf_chart(ctx, 3).title[:45]
    'Vertragslösungsquote in den 3 größten Ausbild'
    """
    where = ctx.data_region(_QUOTE)
    if where is None:
        return None
    keep = top_berufe(ctx, n)
    if not keep:
        return None
    f = ctx.frame
    mask = (f["indicator"] == _QUOTE) & (f["dimension"] == "beruf") & ~f["category"].isin(keep)
    sub = replace(ctx, frame=f[~mask])
    return dimension_chart(
        sub,
        _QUOTE,
        "beruf",
        labels=beruf_names(ctx.dataset),
        title=f"Vertragslösungsquote in den {len(keep)} größten Ausbildungsberufen, {ctx.period}",
        sort=True,  # a Top-N chart: bars by size (issue #17)
    )


def small_numbers_note(ctx: ReportContext) -> str:
    """Return the "Kleine Zahlen" note, with the number of hidden values by group.

    Examples
    --------
    >>> from toolkit.reports.runtime import load_dataset
    >>> ctx = prepare_report(load_dataset(), "17051", 2024, indicators=[_QUOTE])
    >>> small_numbers_note(ctx).split(":")[0]
    'Kleine Zahlen'
    """
    f = ctx.frame
    rows = f[(f["indicator"] == _QUOTE) & (f["period"] == ctx.period) & (f["dimension"] != "")]
    rows = rows[rows["region_code"] == (ctx.data_region(_QUOTE) or ctx.region)]
    hidden = int((rows["flag"] == ".").sum())
    text = (
        "Kleine Zahlen: Die Vertragslösungsquote summiert vier Beginnjahrgänge. In kleinen "
        "Kreisen und einzelnen Berufen beruht sie auf wenigen Verträgen, so dass schon wenige "
        "Lösungen sie um mehrere Prozentpunkte verschieben. Unterschiede zwischen Gruppen und "
        "Jahren sind deshalb vorsichtig zu lesen."
    )
    if hidden:
        text += (
            f" {fmt_number(hidden)} Werte nach Gruppen sind aus Datenschutzgründen nicht "
            "ausgewiesen („.“)."
        )
    return text


def ausbildungsabbrueche(
    dataset: Any,
    region: str,
    period: int,
    *,
    comparison: Sequence[str] | None = None,
    min_count: int = 3,
    top: int = 10,
) -> ReportParts:
    """Build the report "Vertragslösungen in der dualen Ausbildung" for one region and period.

    Parameters
    ----------
    dataset : toolkit.io.Dataset
        Dataset (``toolkit.reports.runtime.load_dataset``).
    region : str
        Region code (AGS); Gemeinden are shown with their Kreis's data.
    period : int
        Reporting year t of the dissolutions.
    comparison : sequence of str, optional
        Comparison regions (default Land and Bund).
    min_count : int, default 3
        Minimum count of disclosure control.
    top : int, default 10
        Number of training occupations shown.

    Returns
    -------
    ReportParts
        Header, key figures (quote, dissolutions, Probezeit share, new
        contracts), charts (time series, by Zuständigkeit, top Berufe, by
        sex, nationality and schooling), small-numbers note and appendix.

    Examples
    --------
    >>> from toolkit.reports.runtime import load_dataset
    >>> parts = ausbildungsabbrueche(load_dataset(), "17051", 2024)
    >>> parts.header.split("</h1>")[0], len(parts.charts)
    ('<h1>Vertragslösungen in der dualen Ausbildung: Beispielkreis, 2024', 5)
    """
    known = set(catalog()["code"])
    keys = [c for c in ABBRUECHE_INDICATORS if c in known]
    ctx = prepare_report(
        dataset,
        region,
        period,
        comparison=comparison,
        indicators=keys,
        series=keys,  # every key indicator: its trend decides "stieg"/"sank"
        breakdowns={
            _QUOTE: ["zustaendigkeit", "beruf", "sex", "nationality", "schooling"],
            _NEW: ["beruf"],
        },
        min_count=min_count,
    )
    charts = [
        series_chart(ctx, _QUOTE),
        dimension_chart(ctx, _QUOTE, "zustaendigkeit"),
        beruf_chart(ctx, top),
        dimension_chart(ctx, _QUOTE, ["sex", "nationality", "schooling"]),
        series_chart(ctx, _PROBEZEIT),
    ]
    return standard_parts(
        ctx,
        title="Vertragslösungen in der dualen Ausbildung",
        indicators=keys,
        tables=ABBRUECHE_TABLES,
        charts=charts,
        notes=[small_numbers_note(ctx)],
    )


#: The same builder under the right name (a Vertragslösung is not an Abbruch).
vertragsloesungen = ausbildungsabbrueche
