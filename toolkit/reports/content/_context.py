"""Everything one report needs, computed once: regions, protected indicators, catalogue."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from toolkit.disclosure import protect_indicators
from toolkit.errors import ParameterError
from toolkit.indicators import catalog, compute_all
from toolkit.regions import RegionHierarchy

__all__ = [
    "LEVEL_LABELS",
    "ReportContext",
    "Shared",
    "default_comparison",
    "prepare_report",
    "warm",
]

#: Short labels of comparison regions by level (as in "Land: 31,0 %").
LEVEL_LABELS: dict[str, str] = {
    "bund": "Bund",
    "land": "Land",
    "regbez": "Regierungsbezirk",
    "kreis": "Kreis",
    "gemeinde": "Gemeinde",
    "sozialraum": "Sozialraum",
}


#: Levels shown as sub-regions of a report region (Land: Kreise; Kreis: Gemeinden, Sozialräume).
_SUB_LEVELS: dict[str, tuple[str, ...]] = {
    "land": ("kreis",),
    "regbez": ("kreis",),
    "kreis": ("gemeinde", "sozialraum"),
    "gemeinde": ("sozialraum",),
}


def _hierarchy(dataset: Any) -> Any:
    """Region hierarchy of a dataset: the one it carries (``dataset.shared``) or a new one."""
    shared = getattr(dataset, "shared", None)
    if shared is not None:
        return shared.hierarchy
    return RegionHierarchy.from_frame(dataset.tables["regions"])


def _ancestors(hierarchy: Any, region: str) -> list[str]:
    out = []
    code = hierarchy.parent(region)
    while code is not None:
        out.append(code)
        code = hierarchy.parent(code)
    return out


def default_comparison(hierarchy: Any, region: str) -> list[str]:
    """Return the default comparison regions of a report region.

    A Kreis is compared with its Land and the Bund; a Gemeinde (or Sozialraum)
    also with the Kreis it belongs to, unless the Kreis is the same area (a
    kreisfreie Stadt: the Kreis has only this one Gemeinde). Regierungsbezirke
    are skipped.

    Parameters
    ----------
    hierarchy : toolkit.regions.RegionHierarchy
        Region hierarchy of the dataset.
    region : str
        Report region code.

    Returns
    -------
    list of str
        Comparison codes from the nearest to ``DG``.

    Examples
    --------
    >>> from toolkit.regions import RegionHierarchy
    >>> h = RegionHierarchy.from_codes(["DG", "17", "17001", "17001000", "17051", "17051001", "17051002"])
    >>> default_comparison(h, "17051001"), default_comparison(h, "17001000")
    (['17051', '17', 'DG'], ['17', 'DG'])
    """
    out = []
    for code in _ancestors(hierarchy, region):
        level = hierarchy.level(code)
        if level == "regbez":
            continue
        if level == "kreis" and len(hierarchy.children(code)) <= 1:
            continue
        if level == "gemeinde" and hierarchy.level(region) == "sozialraum":
            out.append(code)
            continue
        if level in ("kreis", "land", "bund"):
            out.append(code)
    return out


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


_SORT = ["indicator", "dimension", "category", "region_code", "period"]


@dataclass(frozen=True)
class Shared:
    """Region hierarchy and Land/Bund IndicatorFrame of a dataset, made once by :func:`warm`."""

    hierarchy: Any
    land_bund: pd.DataFrame


def warm(dataset: Any) -> Shared:
    """Compute the hierarchy and the Land and Bund values of every indicator once.

    Every report compares with its Land and the Bund, whose values need all
    rows of the dataset. The batch runner calls this once in its parent
    process and hands the result to every report as ``dataset.shared``
    (state is passed, never kept here), so each report only computes its
    own region. Results are the same with and without it.

    Parameters
    ----------
    dataset : toolkit.io.Dataset
        The loaded dataset.

    Returns
    -------
    Shared
        The shared computations.

    Examples
    --------
    >>> from toolkit.reports.runtime import load_dataset
    >>> sorted(set(warm(load_dataset()).land_bund["region_code"]))
    ['17', 'DG']
    """
    hierarchy = RegionHierarchy.from_frame(dataset.tables["regions"])
    codes = hierarchy.codes("land") + hierarchy.codes("bund")
    return Shared(hierarchy, compute_all(dataset, regions=codes))


def _compute(
    dataset: Any, hierarchy: Any, codes: list[str], periods: list[int], indicators: list[str]
) -> pd.DataFrame:
    """compute_all for ``codes``, taking Land and Bund rows from ``dataset.shared``."""
    cached = getattr(dataset, "shared", None)
    shared = [c for c in codes if hierarchy.level(c) in ("land", "bund")] if cached else []
    rest = [c for c in codes if c not in shared]
    parts = []
    if rest:
        parts.append(compute_all(dataset, regions=rest, periods=periods, indicators=indicators))
    if shared and cached is not None:
        f = cached.land_bund
        parts.append(
            f[
                f["region_code"].isin(shared)
                & f["period"].isin(periods)
                & f["indicator"].isin(indicators)
            ]
        )
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    return frame.sort_values(_SORT, kind="stable").reset_index(drop=True)


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
    """Compute and protect everything a report shows, once.

    Indicators are computed for the report region, its ancestors and the
    comparison regions (and its sub-regions where asked); only the rows the
    report shows are kept, and disclosure control
    (:func:`toolkit.disclosure.protect_indicators`) is applied to exactly
    those rows together, so every number a template shows is protected and
    no time is spent protecting what is never shown.

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
        Minimum count for disclosure control.
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
    frame = _compute(
        dataset,
        hierarchy,
        list(dict.fromkeys([*main, *subs])),
        list(range(period - years + 1, period + 1)),
        wanted,
    )
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
    protected = protect_indicators(frame, min_count=min_count)
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
    )
