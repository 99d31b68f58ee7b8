"""Everything one report needs, read once: regions, protected indicators, catalogue.

Every number a report shows comes from the one protected publication set
(:func:`toolkit.disclosure.protect_publication`): a batch protects it once and
hands it to every report (``dataset.shared.publication``); a report made on its
own uses the same set, protected once for the data and periods and kept on disk
(:func:`report_publication`). Nothing is protected per report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from toolkit.disclosure import PROTECTION_ATTR
from toolkit.errors import ParameterError
from toolkit.indicators import catalog, coverage
from toolkit.indicators.coverage import table_years
from toolkit.regions import RegionHierarchy
from toolkit.reports.content._comparison import (
    _SUB_LEVELS,
    LEVEL_LABELS,
    _ancestors,
    _hierarchy,
    default_comparison,
)
from toolkit.reports.content._publication import (
    read_rows,
    region_rows,
    report_publication,
    shared_publication,
)

__all__ = [
    "LEVEL_LABELS",
    "ReportContext",
    "Shared",
    "default_comparison",
    "prepare_report",
    "report_publication",
    "warm",
]


@dataclass(frozen=True)
class ReportContext:
    """Data of one report: the region, its comparisons and protected indicators.

    Attributes
    ----------
    dataset : toolkit.io.Dataset
        The dataset the report reads.
    hierarchy : toolkit.regions.RegionHierarchy
        Region hierarchy.
    region, region_name, level : str
        The report region.
    period : int
        Report period.
    comparison : tuple of str
        Comparison region codes.
    labels : dict
        Short label of each comparison region ("Land", "Bund", or its name).
    frame : pandas.DataFrame
        IndicatorFrame of the region, its ancestors, comparisons and (if
        asked) sub-regions, **after** disclosure control.
    catalogue : pandas.DataFrame
        Indicator catalogue.
    min_count : int
        Minimum count used for disclosure control.
    """

    dataset: Any
    hierarchy: Any
    region: str
    region_name: str
    level: str
    period: int
    comparison: tuple[str, ...]
    labels: dict[str, str]
    frame: pd.DataFrame
    catalogue: pd.DataFrame
    min_count: int
    sub_regions: tuple[str, ...] = field(default_factory=tuple)
    #: (indicator code, German reason) of indicators the data cannot give.
    omitted: tuple[tuple[str, str], ...] = ()
    #: Notes on values left out (e.g. "Landeswert: nicht berechenbar, …").
    notes: tuple[str, ...] = ()

    def data_region(self, indicator: str) -> str | None:
        """Return the nearest of region and its ancestors with data for ``indicator``.

        Kreis-level statistics (e.g. training contracts) have no Gemeinde
        rows; a Gemeinde report then shows its Kreis and says so.

        Examples
        --------
        >>> import pandas as pd
        >>> from toolkit.regions import RegionHierarchy
        >>> h = RegionHierarchy.from_codes(["DG", "17", "17051", "17051001"])
        >>> f = pd.DataFrame({"region_code": ["17051"], "indicator": ["q"]})
        >>> ctx = ReportContext(None, h, "17051001", "G", "gemeinde", 2024, (), {}, f, f, 3)
        >>> ctx.data_region("q"), ctx.data_region("z")
        ('17051', None)
        """
        have = set(self.frame.loc[self.frame["indicator"] == indicator, "region_code"])
        if self.region in have:
            return self.region
        for code in _ancestors(self.hierarchy, self.region):
            if self.hierarchy.level(code) in ("land", "bund"):
                return None
            if code in have:
                return code
        return None

    def label(self, code: str) -> str:
        """Return the short label of a region (comparison label or name).

        Examples
        --------
        >>> from toolkit.regions import RegionHierarchy
        >>> h = RegionHierarchy.from_codes(["DG", "17"], names={"17": "Musterland"})
        >>> ReportContext(None, h, "17", "Musterland", "land", 2024, ("DG",), {"DG": "Bund"},
        ...               None, None, 3).label("DG")
        'Bund'
        """
        return self.labels.get(code) or self.hierarchy.name(code)


@dataclass(frozen=True)
class Shared:
    """What every report of a batch shares, made once by :func:`warm`.

    Attributes
    ----------
    hierarchy : toolkit.regions.RegionHierarchy
        Region hierarchy of the dataset.
    publication : toolkit.disclosure.ProtectedPublication or None
        The protected publication set every report reads from.
    rows : RegionRows or None
        Its rows indexed by region (:func:`region_rows`), so a report finds
        its regions' rows without scanning the whole set.
    """

    hierarchy: Any
    publication: Any = None
    rows: Any = None


def warm(dataset: Any, *, publication: Any = None) -> Shared:
    """Prepare what every report of a batch shares: hierarchy and protected set.

    The batch runner calls this once in its parent process and hands the
    result to every report as ``dataset.shared`` (state is passed, never kept
    here), so no report protects or computes the whole publication itself.
    What every report would otherwise compute again is done here once: the
    protected rows indexed by region (:func:`region_rows`) and the years of
    every table (kept in ``dataset.derived`` for
    :func:`toolkit.indicators.coverage`). Forked report processes share it.

    Parameters
    ----------
    dataset : toolkit.io.Dataset
        The loaded dataset.
    publication : toolkit.disclosure.ProtectedPublication, optional
        The batch's protected set (:func:`report_publication`).

    Returns
    -------
    Shared
        The shared state.

    Examples
    --------
    >>> from toolkit.reports.runtime import load_dataset
    >>> warm(load_dataset()).hierarchy.level("17051")
    'kreis'
    """
    for name, table in dataset.tables.items():  # what coverage() asks of every report
        if table is not None and "year" in table.columns:
            table_years(dataset, name)
    rows = None if publication is None else region_rows(publication.frame)
    return Shared(RegionHierarchy.from_frame(dataset.tables["regions"]), publication, rows)


def _selection(
    frame: pd.DataFrame,
    *,
    period: int,
    main: Sequence[str],
    local: Sequence[str],
    subs: Sequence[str],
    indicators: Sequence[str],
    series: Sequence[str],
    breakdowns: Mapping[str, Sequence[str]],
    sub_indicators: Sequence[str],
) -> pd.Series:
    """Mask of the rows a report shows (and therefore protects)."""
    total = frame["dimension"] == ""
    in_main = frame["region_code"].isin(list(main))
    recent = frame["period"].isin([period - 1, period])
    keep = total & in_main & frame["indicator"].isin(list(indicators)) & recent
    keep |= total & in_main & frame["indicator"].isin(list(series))
    now = frame["period"] == period
    for code, dims in breakdowns.items():
        keep |= (
            (frame["indicator"] == code)
            & frame["dimension"].isin(list(dims))
            & frame["region_code"].isin(list(local))
            & now
        )
    keep |= (
        total
        & now
        & frame["region_code"].isin(list(subs))
        & frame["indicator"].isin(list(sub_indicators))
    )
    return keep


def prepare_report(
    dataset: Any,
    region: str,
    period: int,
    *,
    indicators: Sequence[str],
    comparison: Sequence[str] | None = None,
    series: Sequence[str] = (),
    breakdowns: Mapping[str, Sequence[str]] | None = None,
    sub_indicators: Sequence[str] = (),
    min_count: int = 3,
    years: int = 6,
) -> ReportContext:
    """Read everything a report shows from the protected publication set, once.

    The rows of the report region, its ancestors and the comparison regions
    (and its sub-regions where asked) are taken from the one protected set of
    the publication (:func:`toolkit.disclosure.publication_rows`): the
    batch's (``dataset.shared.publication``) or :func:`report_publication`.
    A cell suppressed in any report is suppressed in every report, and
    nothing is protected per report.

    Parameters
    ----------
    dataset : toolkit.io.Dataset
        Dataset (``toolkit.reports.runtime.load_dataset``).
    region : str
        Region code (AGS).
    period : int
        Report period.
    indicators : sequence of str
        Key indicators: totals in ``period`` and the period before.
    comparison : sequence of str, optional
        Comparison regions; ``None`` or empty means :func:`default_comparison`.
    series : sequence of str, optional
        Indicators shown as time series: totals for ``years`` periods.
    breakdowns : mapping of str to sequence of str, optional
        Indicator code to breakdown dimensions shown in ``period`` for the
        region (or the Kreis above it when the data exist only there).
    sub_indicators : sequence of str, optional
        Indicators shown for the sub-regions in ``period``: the Kreise of a
        Land, the Gemeinden and Sozialräume of a Kreis, the Sozialräume of a
        Gemeinde.
    min_count : int, default 3
        Minimum count for disclosure control (must be the protected set's).
    years : int, default 6
        Length of the time series.

    Returns
    -------
    ReportContext
        The report's data.

    Raises
    ------
    ParameterError
        Unknown region or comparison code, or no data for the region in
        ``period``.

    Examples
    --------
    >>> from toolkit.reports.runtime import load_dataset
    >>> ctx = prepare_report(load_dataset(), "17051005", 2024, indicators=["betreuungsquote_u3"])
    >>> ctx.comparison, ctx.labels["17051"]
    (('17051', '17', 'DG'), 'Kreis')
    >>> ctx.frame.loc[ctx.frame["period"] == 2024, ["region_code", "value"]].round(1).values.tolist()
    [['17', 37.8], ['17051', 36.6], ['17051005', 38.0], ['DG', 37.4]]
    """
    hierarchy = _hierarchy(dataset)
    region = str(region).strip()
    if region not in hierarchy:
        examples = ", ".join(hierarchy.codes("kreis")[:5])
        raise ParameterError(
            f"Region {region!r} kommt in den Daten nicht vor",
            hint=f"Einen Regionalschlüssel aus regions.csv angeben, z. B. {examples}",
        )
    if years < 2:
        raise ParameterError(f"years muss mindestens 2 sein, nicht {years}")
    given = [str(c).strip() for c in (comparison or [])]
    bad = [c for c in given if c not in hierarchy]
    if bad:
        raise ParameterError(
            f"Vergleichsregionen kommen in den Daten nicht vor: {', '.join(bad)}",
            hint="Regionalschlüssel aus regions.csv angeben oder die Liste leer lassen",
        )
    comp = [c for c in given if c != region] or default_comparison(hierarchy, region)
    subs: list[str] = []
    if sub_indicators:
        below = _SUB_LEVELS.get(hierarchy.level(region), ())
        subs = [c for c in hierarchy.descendants(region) if hierarchy.level(c) in below]
    ancestors = _ancestors(hierarchy, region)
    local = [region, *(a for a in ancestors if hierarchy.level(a) not in ("land", "bund"))]
    main = list(dict.fromkeys([*local, *comp]))
    breakdowns = dict(breakdowns or {})
    wanted = list(dict.fromkeys([*indicators, *series, *breakdowns, *sub_indicators]))
    period = int(period)
    # indicators whose tables, columns or age groups are missing are left out with a reason
    cov = coverage(dataset, wanted)
    gone = ~cov["available"]
    omitted = tuple(zip(cov.loc[gone, "indicator"], cov.loc[gone, "reason"], strict=True))
    wanted = cov.loc[~gone, "indicator"].tolist()
    if wanted:
        # computable, but the report year is not in the data: computed (for the series) and
        # listed under "Nicht enthalten" with the missing year
        late = coverage(dataset, wanted, period=period)
        late = late[~late["available"]]
        omitted += tuple(zip(late["indicator"], late["reason"], strict=True))
    if not wanted:
        missing = sorted({t for ts in cov["missing_tables"] for t in ts})
        raise ParameterError(
            "Keines der Indikatoren des Berichts lässt sich aus den Daten berechnen: "
            + "; ".join(f"{c}: {r}" for c, r in omitted),
            hint="Fehlende Tabellen ergänzen: " + (", ".join(missing) or "keine"),
        )
    pub = shared_publication(dataset, min_count)  # the batch's set (indexed by warm) or on disk
    frame = read_rows(
        pub,
        list(dict.fromkeys([*main, *subs])),
        [p for p in range(period - years + 1, period + 1) if p in (pub.meta.get("periods") or [p])],
        wanted,
        getattr(getattr(dataset, "shared", None), "rows", None),
    )
    notes = frame.attrs.get("notes", ())
    # the notes live on the context; pandas copies attrs deeply with every operation on
    # the frame (thousands per report), so the frame keeps only the protection mark
    frame.attrs = {k: v for k, v in frame.attrs.items() if k == PROTECTION_ATTR}
    mask = _selection(
        frame,
        period=period,
        main=main,
        local=local,
        subs=subs,
        indicators=indicators,
        series=series,
        breakdowns=breakdowns,
        sub_indicators=sub_indicators,
    )
    frame = frame[mask].reset_index(drop=True)
    own = frame[frame["region_code"].isin(local) & (frame["period"] == period)]
    if own.empty:
        have = sorted(set(frame.loc[frame["region_code"].isin(local), "period"]))
        raise ParameterError(
            f"Keine Daten für Region {region} im Zeitraum {period}",
            hint=f"Verfügbare Zeiträume: {', '.join(map(str, have)) or 'keine'}",
        )
    # read from the publication-wide protected set: no protection per report (issue #16)
    protected = frame
    labels = {
        c: hierarchy.name(c) if given else LEVEL_LABELS.get(hierarchy.level(c), hierarchy.name(c))
        for c in comp
    }
    return ReportContext(
        dataset=dataset,
        hierarchy=hierarchy,
        region=region,
        region_name=hierarchy.name(region),
        level=hierarchy.level(region),
        period=period,
        comparison=tuple(comp),
        labels=labels,
        frame=protected,
        catalogue=catalog(),
        min_count=int(min_count),
        sub_regions=tuple(subs),
        omitted=omitted,
        notes=tuple(notes),
    )
