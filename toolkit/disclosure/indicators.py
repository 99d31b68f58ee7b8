"""Disclosure control of IndicatorFrames.

Notes
-----
The counts of an IndicatorFrame are its numerators and denominators. They
form additive tables per ``indicator``, ``period`` and quantity
(numerator or denominator):

- along the regions: Gemeinden add up to their Kreis, Kreise to the Land,
  Sozialräume to their city (nested by the AGS structure of the codes present);
  listed parts that do not reach their total get an unpublished "rest";
- along a breakdown: the categories of a ``dimension`` add up to the total
  row (``dimension == ""``, ``category == ""``).

Each breakdown forms one two-dimensional table (regions x categories); the
total rows are shared by all of them and by the one-dimensional table of
totals. These linked tables are protected in turn until no table adds a
suppression (cells suppressed in one table are protected in the others).
Counts that are equal for the same region, period, dimension and category
in different indicators (typically a shared denominator) are treated as one
cell: suppressed in one indicator, suppressed in all (zeros excepted).

A rate is suppressed when its numerator or its denominator is: ``value``,
and the suppressed count, become NaN and ``flag`` becomes ``.``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from toolkit.disclosure._hierarchy import flat_dimension
from toolkit.disclosure._tables import CellTable, build_grid
from toolkit.disclosure.protect import ROUNDING_NOTE, _report, apply_primary, make_dimension
from toolkit.disclosure.result import DisclosureReport, Protected
from toolkit.disclosure.rounding import round_counts
from toolkit.disclosure.secondary import EngineRun, suppress_secondary
from toolkit.errors import DataError

__all__ = [
    "INDICATOR_COLUMNS",
    "is_indicator_frame",
    "protect_indicators",
    "protect_indicators_full",
]

#: Columns of an IndicatorFrame (contract item 3), in order.
INDICATOR_COLUMNS = (
    "region_code",
    "region_name",
    "level",
    "period",
    "indicator",
    "dimension",
    "category",
    "value",
    "numerator",
    "denominator",
    "unit",
    "flag",
)

_QUANTITIES = ("numerator", "denominator")


def is_indicator_frame(data: object) -> bool:
    """Whether ``data`` has the columns of an IndicatorFrame.

    Examples
    --------
    >>> is_indicator_frame(pd.DataFrame(columns=list(INDICATOR_COLUMNS)))
    True
    >>> is_indicator_frame(pd.DataFrame({"n": [1]}))
    False
    """
    return isinstance(data, pd.DataFrame) and set(INDICATOR_COLUMNS) <= set(data.columns)


class _Count(NamedTuple):
    """One count of an IndicatorFrame row (its numerator or denominator)."""

    region: str
    period: int
    indicator: str
    dimension: str
    category: str
    quantity: str
    n: float
    key: tuple[object, ...]
    link: tuple[object, ...] | None
    row: int


def _counts(frame: pd.DataFrame) -> list[_Count]:
    """All counts of the frame, numerators first."""
    cols = {
        c: frame[c].astype(str).tolist()
        for c in ("region_code", "indicator", "dimension", "category")
    }
    periods = [int(p) for p in frame["period"].tolist()]
    out: list[_Count] = []
    for q in _QUANTITIES:
        v = pd.to_numeric(frame[q], errors="coerce")
        if q == "numerator":
            as_count = v.isna() & (frame["unit"] == "Anzahl")
            v = v.where(~as_count, pd.to_numeric(frame["value"], errors="coerce"))
        vals = v.to_numpy(dtype=float)
        for i in np.flatnonzero(~np.isnan(vals)):
            r, ind = cols["region_code"][i], cols["indicator"][i]
            d, c, x = cols["dimension"][i], cols["category"][i], float(vals[i])
            key = (ind, periods[i], q, r, d, c)
            link = (periods[i], r, d, c, x) if x else None
            out.append(_Count(r, periods[i], ind, d, c, q, x, key, link, int(i)))
    return out


def _breakdown_is_additive(part: list[_Count], totals: dict[str, _Count]) -> bool:
    """Whether every region has all categories and they do not exceed its total."""
    n_cats = len({c.category for c in part})
    size: dict[str, int] = {}
    sums: dict[str, float] = {}
    for c in part:
        size[c.region] = size.get(c.region, 0) + 1
        sums[c.region] = sums.get(c.region, 0.0) + c.n
    if any(n != n_cats for n in size.values()):
        return False
    return all(sums[r] <= totals[r].n + 1e-6 * max(1.0, totals[r].n) for r in sums if r in totals)


def _table_specs(
    group: list[_Count], alias: dict[object, object]
) -> list[tuple[str, list[_Count], bool]]:
    """Split one (indicator, period, quantity) into its linked tables.

    Returns ``(name, counts, two_dimensional)``. A breakdown whose categories
    are complete and fit into the total is one regions x categories table; any
    other breakdown (a denominator repeated for every category, overlapping or
    incomplete categories) gives one regions table per category, and a count
    equal to its region's total is linked to that total (recorded in ``alias``).
    """
    totals = {c.region: c for c in group if c.dimension == ""}
    specs = [("insgesamt", list(totals.values()), False)] if totals else []
    by_dim: dict[str, list[_Count]] = {}
    for c in group:
        if c.dimension:
            by_dim.setdefault(c.dimension, []).append(c)
    for dim in sorted(by_dim):
        part = by_dim[dim]
        if _breakdown_is_additive(part, totals):
            regions = {c.region for c in part}
            specs.append((dim, part + [t for r, t in totals.items() if r in regions], True))
            continue
        by_cat: dict[str, list[_Count]] = {}
        for c in part:
            tot = totals.get(c.region)
            if tot is not None and tot.n == c.n:
                alias[c.key] = tot.key
                c = c._replace(key=tot.key)
            by_cat.setdefault(c.category, []).append(c)
        specs += [(f"{dim}={cat}", by_cat[cat], False) for cat in sorted(by_cat)]
    return specs


def protect_indicators_full(
    frame: pd.DataFrame,
    *,
    min_count: int = 3,
    method: str = "suppress",
    rounding_base: int = 5,
    zeros: bool = False,
    protection: float = 1.0,
    region_hierarchy: Any = "ags",
    missing: str = "fail",
    incomplete: str = "rest",
    solver: str = "OPT",
    cost: str = "cells",
    max_time: int = 60,
    link_equal: bool = True,
) -> Protected:
    """Protect an IndicatorFrame; return the frame and the report.

    Parameters are those of :func:`toolkit.disclosure.protect`;
    ``region_hierarchy`` is ``"ags"`` or e.g. a RegionHierarchy, and
    ``link_equal`` links equal non-zero counts across indicators.

    Returns
    -------
    Protected

    Examples
    --------
    >>> f = pd.DataFrame({
    ...     "region_code": ["17", "17001", "17002"], "region_name": ["L", "A", "B"],
    ...     "level": ["land", "kreis", "kreis"], "period": 2024, "indicator": "q",
    ...     "dimension": "", "category": "", "value": [25.0, 10.0, 30.0],
    ...     "numerator": [8.0, 2.0, 6.0], "denominator": [32.0, 20.0, 12.0],
    ...     "unit": "%", "flag": ""})
    >>> p = protect_indicators_full(f)
    >>> p.frame[["region_code", "value", "numerator", "flag"]]
      region_code  value  numerator flag
    0          17   25.0        8.0
    1       17001    NaN        NaN    .
    2       17002    NaN        NaN    .
    """
    missing_cols = [c for c in INDICATOR_COLUMNS if c not in frame.columns]
    if missing_cols:
        raise DataError(
            f"Keine IndicatorFrame: Spalten fehlen: {missing_cols}",
            column=missing_cols[0],
            hint="Ergebnis von toolkit.indicators verwenden",
        )
    out = frame.copy()
    counts = _counts(frame)
    if method == "round":
        return _round_frame(out, counts, min_count, rounding_base)

    tables: list[CellTable] = []
    keys: list[np.ndarray] = []
    links: list[np.ndarray] = []
    names: list[str] = []
    skipped: set[str] = set()
    alias: dict[object, object] = {}
    groups: dict[tuple[str, int, str], list[_Count]] = {}
    for c in counts:
        groups.setdefault((c.indicator, c.period, c.quantity), []).append(c)
    for (ind, per, q), group in sorted(groups.items()):
        if any(c.n < 0 for c in group):
            # a difference of counts (e.g. population change) is not a count
            skipped.add(f"{ind} ({'Zähler' if q == 'numerator' else 'Nenner'})")
            continue
        for dim, part, two_dim in _table_specs(group, alias):
            name = f"{ind} {per} {q} {dim}"
            regions = [c.region for c in part]
            dims = [make_dimension("region_code", regions, region_hierarchy, "")]
            key_lists = [regions]
            if two_dim:
                key_lists.append([c.category for c in part])
                dims.append(flat_dimension("category", key_lists[1], total=""))
            table = build_grid(
                key_lists,
                np.array([c.n for c in part], dtype=float),
                ["region_code", "category"][: len(dims)],
                dims,
                missing=missing,
                incomplete=incomplete,
                source=name,
            )
            key = _objects([(len(tables), f) for f in range(table.values.size)])
            key[table.rows] = _objects([c.key for c in part])
            link = np.full(table.values.size, None, dtype=object)
            if link_equal:
                link[table.rows] = _objects([c.link for c in part])
            tables.append(table)
            keys.append(key.reshape(table.shape))
            links.append(link.reshape(table.shape))
            names.append(name)

    rules, runs = _linked_protection(
        tables, keys, links, min_count, zeros, protection, solver, cost, max_time
    )

    hidden_keys = _hidden(tables, keys)
    row_of: dict[int, list[tuple[str, object]]] = {}
    for c in counts:
        row_of.setdefault(c.row, []).append((c.quantity, alias.get(c.key, c.key)))
    value = out["value"].astype(float).to_numpy().copy()
    flag = out["flag"].astype(str).to_numpy().copy()
    quant = {q: out[q].astype(float).to_numpy().copy() for q in _QUANTITIES}
    n_rows = 0
    for row, items in row_of.items():
        hit = False
        for q, k in items:
            if k in hidden_keys:
                hit = True
                quant[q][row] = np.nan
        if hit:
            value[row] = np.nan
            flag[row] = "."
            n_rows += 1
    out["value"] = value
    out["flag"] = flag
    for q in _QUANTITIES:
        out[q] = quant[q]
    notes: tuple[str, ...] = ()
    if skipped:
        notes = (
            "Nicht als Fallzahlen geschützt (negative Werte, z. B. Veränderungen): "
            + ", ".join(sorted(skipped))
            + ".",
        )
    report = _report(tables, rules, runs, min_count, rows=n_rows, keys=keys, notes=notes)
    out.attrs["dkbm_protection"] = {
        "method": "suppression",
        "scope": "rows",
        "min_count": int(min_count),
    }
    return Protected(out, report, tuple(tables), tuple(keys), tuple(names))


def _objects(items: list[object]) -> np.ndarray:
    arr = np.empty(len(items), dtype=object)
    for i, x in enumerate(items):
        arr[i] = x
    return arr


def _hidden(tables: Sequence[CellTable], keys: Sequence[np.ndarray]) -> set[object]:
    out: set[object] = set()
    for t, k in zip(tables, keys, strict=True):
        mask = (t.primary | t.secondary) & t.published
        out.update(k[mask].tolist())
    return out


def _is_hidden(
    keys: np.ndarray, links: np.ndarray, hidden_keys: set[object], hidden_links: set[object]
) -> np.ndarray:
    flags = [
        a in hidden_keys or (b is not None and b in hidden_links)
        for a, b in zip(keys.ravel().tolist(), links.ravel().tolist(), strict=True)
    ]
    return np.asarray(flags, dtype=bool).reshape(keys.shape)


def _linked_protection(
    tables: list[CellTable],
    keys: list[np.ndarray],
    links: list[np.ndarray],
    min_count: int,
    zeros: bool,
    protection: float,
    solver: str,
    cost: str,
    max_time: int,
    sensitive: set[object] | None = None,
) -> tuple[list[np.ndarray], list[EngineRun]]:
    """Protect linked tables in turn until no suppression is added.

    ``sensitive`` keys are protected like primary cells from the start
    (e.g. cells disclosing an attribute of a whole group).
    """
    rules: list[np.ndarray] = [np.zeros(t.shape, dtype=bool) for t in tables]
    runs: dict[int, EngineRun] = {}
    extra_runs: list[EngineRun] = []
    forced_before: list[frozenset[object]] = [frozenset() for _ in tables]
    hidden_keys: set[object] = set(sensitive or ())
    hidden_links: set[object] = set()
    first = True
    while True:
        changed = False
        for i, t in enumerate(tables):
            k, lk = keys[i], links[i]
            forced = _is_hidden(k, lk, hidden_keys, hidden_links) & t.published
            f_set = frozenset(k[forced].tolist())
            already = frozenset(k[(t.primary | t.secondary) & t.published].tolist())
            if not first and (f_set == forced_before[i] or f_set <= already):
                continue
            forced_before[i] = f_set
            rules[i] = apply_primary(
                t, min_count=min_count, zeros=zeros, protection=protection, forced=forced
            )
            run = suppress_secondary(t, method=solver, cost=cost, max_time=max_time)
            if i in runs:
                extra_runs.append(runs[i])
            runs[i] = run
            mask = (t.primary | t.secondary) & t.published
            new_keys = set(k[mask].tolist()) - hidden_keys
            new_links = {x for x in lk[mask].tolist() if x is not None} - hidden_links
            if new_keys or new_links:
                hidden_keys |= new_keys
                hidden_links |= new_links
                changed = True
        first = False
        if not changed:
            break
    return rules, [*runs.values(), *extra_runs]


def _round_frame(out: pd.DataFrame, counts: list[_Count], min_count: int, base: int) -> Protected:
    num = pd.to_numeric(out["numerator"], errors="coerce")
    den = pd.to_numeric(out["denominator"], errors="coerce")
    val = pd.to_numeric(out["value"], errors="coerce")
    ratio = num / den
    factor = (val / ratio).where((num > 0) & (den > 0))
    unit_factor = out["unit"].map({"%": 100.0, "je 100": 100.0, "je 1000": 1000.0}).astype(float)
    factor = factor.round(6).fillna(unit_factor).fillna(1.0)
    rnum, rden = round_counts(num, base), round_counts(den, base)
    is_count = num.isna() & (out["unit"] == "Anzahl")
    new_val = np.where(den.notna(), factor * rnum / np.where(rden > 0, rden, np.nan), val)
    new_val = np.where(is_count, round_counts(val, base), new_val)
    zero_den = den.notna() & (rden == 0)
    out["numerator"] = rnum
    out["denominator"] = rden
    out["value"] = new_val
    out.loc[zero_den.to_numpy(), "flag"] = "x"
    note = ROUNDING_NOTE.format(base=base) + " Quoten sind aus den gerundeten Zahlen berechnet."
    report = DisclosureReport("round", min_count, cells=len(counts), notes=(note,))
    out.attrs["dkbm_protection"] = {
        "method": "rounding",
        "scope": "rows",
        "min_count": int(min_count),
    }
    return Protected(out, report)


def protect_indicators(frame: pd.DataFrame, min_count: int = 3, **options: Any) -> pd.DataFrame:
    """Protect an IndicatorFrame in one call (for templates).

    Parameters
    ----------
    frame : pandas.DataFrame
        IndicatorFrame.
    min_count : int, default 3
        Smallest publishable count.
    **options
        Further options of :func:`toolkit.disclosure.protect`.

    Returns
    -------
    pandas.DataFrame
        The IndicatorFrame with suppressed values NaN and flag ``.``.

    Examples
    --------
    >>> f = pd.DataFrame({
    ...     "region_code": ["17"], "region_name": ["L"], "level": ["land"],
    ...     "period": [2024], "indicator": ["q"], "dimension": [""], "category": [""],
    ...     "value": [50.0], "numerator": [1.0], "denominator": [2.0],
    ...     "unit": ["%"], "flag": [""]})
    >>> protect_indicators(f)[["value", "flag"]]
       value flag
    0    NaN    .
    """
    return protect_indicators_full(frame, min_count=min_count, **options).frame
