"""Content of the Fakten-Check template: short quarterly facts on one topic."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from toolkit.errors import ParameterError
from toolkit.indicators import catalog
from toolkit.reports.content._befragung import survey_report
from toolkit.reports.content._context import prepare_report
from toolkit.reports.content._maps import subregion_map
from toolkit.reports.content._parts import ReportParts
from toolkit.reports.content._sections import dimension_chart, series_chart, subregion_chart
from toolkit.reports.content._standard import standard_parts

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
