"""Content of the Übergänge template: the education chain from Kita to training."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from toolkit.charts import Chart, chain_chart
from toolkit.disclosure import shares_of_total
from toolkit.indicators import catalog
from toolkit.reports.content._context import ReportContext, prepare_report
from toolkit.reports.content._maps import subregion_map
from toolkit.reports.content._parts import ReportParts
from toolkit.reports.content._sections import (
    CATEGORY_LABELS,
    dimension_chart,
    series_chart,
    subregion_chart,
)
from toolkit.reports.content._standard import standard_parts

__all__ = [
    "CHAIN_STAGES",
    "UEBERGAENGE_INDICATORS",
    "UEBERGAENGE_NOTES",
    "UEBERGAENGE_TABLES",
    "chain_frame",
    "education_chain_chart",
    "uebergaenge",
]

#: Stages of the transition chain: label, indicator prefix, category codes.
CHAIN_STAGES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Übergang nach Klasse 4", "uebergangsquote_", tuple(CATEGORY_LABELS["school_type"])),
    ("Schulabschluss", "abgaenge_anteil_", tuple(CATEGORY_LABELS["abschluss"])),
    ("Nach der Schule (iABE)", "iabe_anteil_sektor_", ("i", "ii", "iii", "iv")),
)

#: Key indicators of the report, in display order.
UEBERGAENGE_INDICATORS: tuple[str, ...] = (
    "betreuungsquote_3u6",
    "uebergaenge_jg5",
    "uebergangsquote_gymnasium",
    "uebergangsquote_hauptschule",
    "abgaenge_anteil_ohne_hsa",
    "abgaenge_anteil_ahr",
    "iabe_anteil_sektor_i",
    "iabe_anteil_sektor_ii",
)

#: Tables the report reads (Datenstand line and sources).
UEBERGAENGE_TABLES: tuple[str, ...] = (
    "kita",
    "population",
    "transitions",
    "school_leavers",
    "iabe",
)

#: Notes on the transition rates and the Bildungskette shown under "Hinweise".
UEBERGAENGE_NOTES: tuple[str, ...] = (
    "Übergangsquoten beziehen sich auf die Abgänge aus Jahrgangsstufe 4 im Vorjahr und "
    "werden am Schulort gezählt; sie können deshalb zusammen über oder unter 100 % liegen.",
    "Die Bildungskette ist ein Querschnitt des Berichtsjahres: Jede Stufe zeigt einen "
    "anderen Jahrgang, nicht den Weg derselben Kinder. Ihre Anteile sind dieselben wie in "
    "den Kennzahlen (Anteile an allen der Stufe); nicht ausgewiesene Gruppen fehlen, daher "
    "ergibt eine Stufe nicht immer 100 %.",
)


def _stage_label(ctx: ReportContext, prefix: str, category: str) -> str:
    if prefix == "iabe_anteil_sektor_":
        return CATEGORY_LABELS["sector"][category.upper()]
    dim = "school_type" if prefix == "uebergangsquote_" else "abschluss"
    return CATEGORY_LABELS[dim][category]


def chain_frame(ctx: ReportContext) -> pd.DataFrame:
    """Return the stages of the transition chain for the report region and period.

    Each stage uses the nearest region with data (iABE exists for Kreise
    only). Values are shares of the stage's full total from the protected
    set (:func:`toolkit.disclosure.shares_of_total`): a hidden category
    stays hidden (flag ``.``) and the shown shares do not add up to 100 %.

    Parameters
    ----------
    ctx : ReportContext
        Report data.

    Returns
    -------
    pandas.DataFrame
        Columns ``stage, category, value, flag`` for :func:`toolkit.charts.chain_chart`
        (with ``normalise=False``).

    Examples
    --------
    >>> from toolkit.reports.runtime import load_dataset
    >>> codes = ["iabe_anteil_sektor_i", "iabe_anteil_sektor_ii", "iabe_anteil_sektor_iii",
    ...          "iabe_anteil_sektor_iv"]
    >>> ctx = prepare_report(load_dataset(), "17051005", 2024, indicators=codes)
    >>> chain_frame(ctx)[["stage", "category"]].iloc[0].tolist()
    ['Nach der Schule (iABE), Beispielkreis', 'Berufsausbildung']
    """
    f = ctx.frame
    f = f[(f["period"] == ctx.period) & (f["dimension"] == "")]
    rows = []
    for stage, prefix, cats in CHAIN_STAGES:
        where = ctx.data_region(prefix + cats[0])
        if where is None:
            continue
        label = stage if where == ctx.region else f"{stage}, {ctx.hierarchy.name(where)}"
        part = f[f["region_code"] == where].set_index("indicator")
        present = [c for c in cats if prefix + c in part.index]
        if not present:
            continue
        counts = pd.Series({c: part.at[prefix + c, "numerator"] for c in present}, dtype=float)
        totals = part.loc[[prefix + c for c in present], "denominator"].dropna()
        # shares of the FULL total (the protected denominator), never of the shown
        # parts: normalising over the shown parts reveals the hidden remainder (#16)
        shares = shares_of_total(
            counts, totals.iloc[0] if len(totals) else np.nan, min_count=ctx.min_count
        )
        for cat in present:
            share = float(shares.at[cat, "share"])
            rows.append(
                {
                    "stage": label,
                    "category": _stage_label(ctx, prefix, cat),
                    "value": share,
                    "flag": "" if not np.isnan(share) else ".",
                }
            )
    return pd.DataFrame(rows, columns=["stage", "category", "value", "flag"])


def education_chain_chart(ctx: ReportContext) -> Chart | None:
    """Return the Bildungskette chart of the report region, or None without any stage.

    Examples
    --------
    >>> from toolkit.reports.runtime import load_dataset
    >>> codes = ["iabe_anteil_sektor_i", "iabe_anteil_sektor_ii"]
    >>> ctx = prepare_report(load_dataset(), "17051", 2024, indicators=codes)
    >>> education_chain_chart(ctx).alt_text[:40]
    'Balkendiagramme „Bildungskette Beispielk'
    """
    frame = chain_frame(ctx)
    if frame.empty:
        return None
    shown = frame[frame["flag"].isin(["", "-", "p"]) & frame["value"].notna()]
    stages = [
        s
        for s in dict.fromkeys(frame["stage"])
        if shown.loc[shown["stage"] == s, "value"].sum() > 0
    ]
    if not stages:
        return None
    # a cross-section of one year: each stage is another cohort (issue #17), and the
    # shares are the key figures' own (shares of all of the stage, hidden parts left out)
    return chain_chart(
        frame[frame["stage"].isin(stages)],
        title=f"Bildungskette {ctx.region_name} {ctx.period}: Querschnitt verschiedener Jahrgänge",
        normalise=False,
    )


def uebergaenge(
    dataset: Any,
    region: str,
    period: int,
    *,
    comparison: Sequence[str] | None = None,
    min_count: int = 3,
) -> ReportParts:
    """Build the Übergänge report for one region and period.

    Parameters
    ----------
    dataset : toolkit.io.Dataset
        Dataset (``toolkit.reports.runtime.load_dataset``).
    region : str
        Region code (AGS).
    period : int
        Report year (school year starting in it for transitions, ending in it
        for leavers; see the appendix).
    comparison : sequence of str, optional
        Comparison regions.
    min_count : int, default 3
        Minimum count of disclosure control.

    Returns
    -------
    ReportParts
        Header, key figures, sentences, charts (chain, time series, by sex and
        nationality, by Gemeinde or Sozialraum), notes and appendix.

    Examples
    --------
    >>> from toolkit.reports.runtime import load_dataset
    >>> parts = uebergaenge(load_dataset(), "17001000", 2024)
    >>> parts.header.split("</h1>")[0], len(parts.charts)
    ('<h1>Übergänge im Bildungsverlauf: Musterstadt, 2024', 5)
    """
    known = set(catalog()["code"])
    chain_codes = [p + c for _, p, cats in CHAIN_STAGES for c in cats if p + c in known]
    keys = [c for c in UEBERGAENGE_INDICATORS if c in known]
    ohne = "abgaenge_anteil_ohne_hsa"
    gym = "uebergangsquote_gymnasium"
    ctx = prepare_report(
        dataset,
        region,
        period,
        comparison=comparison,
        indicators=list(dict.fromkeys([*keys, *chain_codes])),
        series=list(dict.fromkeys([gym, ohne, *keys])),
        breakdowns={ohne: ["sex", "nationality"]},
        sub_indicators=[gym],
        min_count=min_count,
    )
    charts = [
        education_chain_chart(ctx),
        series_chart(ctx, gym),
        series_chart(ctx, ohne),
        dimension_chart(ctx, ohne, ["sex", "nationality"]),
        # maps (issue 19): the sub-regions as a map with its table; bars where no map can be drawn
        subregion_map(ctx, gym) or subregion_chart(ctx, gym),
    ]
    notes = list(UEBERGAENGE_NOTES)
    return standard_parts(
        ctx,
        title="Übergänge im Bildungsverlauf",
        indicators=keys,
        tables=UEBERGAENGE_TABLES,
        charts=charts,
        notes=notes,
        appendix_codes=list(dict.fromkeys([*keys, *chain_codes])),
        offsets={"population": -1},
    )
