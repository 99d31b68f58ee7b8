"""A publication protected period by period, optionally in worker processes (internal).

Every relation the protection knows lies inside one count family and one
period (:mod:`toolkit.disclosure._linked`, :mod:`toolkit.disclosure._relations`):
region hierarchies and breakdowns never mix periods, and a change between
two periods is published only when both counts are. The attacker's system
therefore falls apart into one independent system per period, and each
period's protection is checked by the attacker's LP over all its relations,
with the memory of one period. The result is the same as one joint run of
all periods (the variables are numbered in the order of their sorted keys
and visited in that order; with ids by first appearance and a set's hash
order the greedy choice of partners differed by a few cells) and does not
depend on the number of workers.

A row belongs to the period of each of its count cells (a count family may
shift a member's period: the population change of year t divides by the
population of year t - 1); a row with cells in two periods is protected in
both and hidden when either hides it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from toolkit.disclosure._families import DIFFERENCES, count_periods
from toolkit.disclosure._fixpoint import Problem, narrowed, sensitive_mask, suppress
from toolkit.disclosure._linked import LinkedTables, build_linked_tables
from toolkit.disclosure._relations import sum_table
from toolkit.disclosure._variables import Variables, build_variables
from toolkit.disclosure._workers import run_in_workers
from toolkit.errors import DisclosureError

__all__ = [
    "PartResult",
    "difference_hidden",
    "group_cells",
    "period_parts",
    "protect_part",
    "protect_parts",
]

#: Frames with fewer rows are protected in this process (starting workers costs seconds).
PARALLEL_ROWS = 300_000


@dataclass
class PartResult:
    """Protection of one period: hidden and sensitive rows of the part and what it did."""

    period: int
    rows: np.ndarray
    row_hidden: np.ndarray
    row_sensitive: np.ndarray
    cells: int
    cells_sensitive: int
    cells_suppressed: int
    tables: int
    info: dict[str, Any]
    notes: list[str]
    #: keys of the counts that changes between periods are made of (family in DIFFERENCES)
    base_hidden: set[object] = field(default_factory=set)
    base_keys: dict[int, object] = field(default_factory=dict)
    linked: LinkedTables | Variables | None = None


def period_parts(frame: pd.DataFrame) -> list[tuple[int, np.ndarray]]:
    """Return ``(period, rows)`` per period of the count cells, largest first.

    Examples
    --------
    >>> f = pd.DataFrame({"indicator": ["bevoelkerung", "bevoelkerung_veraenderung"],
    ...     "period": [2023, 2024], "numerator": [5.0, 1.0], "denominator": [None, 5.0],
    ...     "unit": ["Anzahl", "%"], "value": [5.0, 20.0]})
    >>> [(p, r.tolist()) for p, r in period_parts(f)]
    [(2023, [0, 1])]
    """
    num, den = count_periods(frame)
    out = []
    for p in np.unique(np.r_[num[num >= 0], den[den >= 0]]):
        rows = np.flatnonzero((num == p) | (den == p))
        out.append((int(p), rows))
    return sorted(out, key=lambda pr: (-len(pr[1]), pr[0]))


def group_cells(frame: pd.DataFrame, cells: pd.DataFrame, group_min: int) -> np.ndarray:
    """Cells (positions in ``cells``) that are numerators of rates of 0 % or 100 % of a group smaller than ``group_min``."""
    num = pd.to_numeric(frame["numerator"], errors="coerce").to_numpy(dtype=float)
    den = pd.to_numeric(frame["denominator"], errors="coerce").to_numpy(dtype=float)
    rate = frame["unit"].astype(str).to_numpy() == "%"
    with np.errstate(invalid="ignore"):
        hit = rate & (den > 0) & (den < group_min) & ((num == 0) | (num == den))
    is_num = (cells["quantity"] == "numerator").to_numpy()
    return np.flatnonzero(is_num & hit[cells["row"].to_numpy()])


def _group_sensitive(frame: pd.DataFrame, cells: pd.DataFrame, group_min: int) -> set[object]:
    """Numerator keys of rates of 0 % or 100 % of a group smaller than ``group_min``."""
    keys = cells["key"].to_numpy()
    return set(keys[group_cells(frame, cells, group_min)].tolist())


def protect_part(
    frame: pd.DataFrame,
    period: int,
    rows: np.ndarray,
    *,
    min_count: int,
    group_min: int,
    engine: str,
    solver: str,
    max_time: int,
    keep_tables: bool = False,
) -> PartResult:
    """Protect the count cells of one period of ``frame.iloc[rows]``."""
    from toolkit.disclosure.indicators import _hidden, _linked_protection

    sub = frame.iloc[rows].reset_index(drop=True)
    if engine == "fixpoint":
        return _protect_fixpoint(sub, period, rows, min_count, group_min, keep_tables)
    linked = build_linked_tables(sub, period=period)
    seeds = _group_sensitive(sub, linked.cells, group_min)
    no_links = [np.full(k.shape, None, dtype=object) for k in linked.keys]
    rules, runs = _linked_protection(
        linked.tables,
        linked.keys,
        no_links,
        min_count,
        False,
        1.0,
        solver,
        "cells",
        max_time,
        sensitive=seeds,
    )
    hidden = _hidden(linked.tables, linked.keys)
    sensitive = set(seeds)
    for t, k, rule in zip(linked.tables, linked.keys, rules, strict=True):
        sensitive.update(k[rule & t.published].tolist())
    info = {
        "engine": sorted({r.method for r in runs if r.method != "none"}),
        "engine_seconds": float(sum(r.seconds for r in runs)),
    }
    # tau-Argus protects table by table; the sums of the true counts link more
    weak = narrowed(linked, sum_table(linked.cells), hidden, sensitive)
    if weak:
        raise DisclosureError(
            f"engine='tau-argus' schützt die verknüpften Tabellen einzeln; über alle "
            f"Summen der Veröffentlichung sind {len(weak)} schutzbedürftige Zellen "
            f"({period}) enger als ±1 eingrenzbar, z. B. {sorted(weak, key=str)[0]}",
            hint="engine='fixpoint' (Standard) verwenden: es prüft alle Beziehungen "
            "der Veröffentlichung gemeinsam.",
        )
    cells = linked.cells
    keys = cells["key"].to_numpy()
    is_hidden = np.fromiter((k in hidden for k in keys), dtype=bool, count=len(keys))
    is_sens = np.fromiter((k in sensitive for k in keys), dtype=bool, count=len(keys))
    unique = set(keys.tolist())
    return _result(
        sub,
        period,
        rows,
        cells,
        is_hidden,
        is_sens,
        counts=(len(unique), len(sensitive), len(hidden & unique), len(linked.tables)),
        info=info,
        notes=linked.notes,
        kept=linked if keep_tables else None,
    )


def _protect_fixpoint(
    sub: pd.DataFrame,
    period: int,
    rows: np.ndarray,
    min_count: int,
    group_min: int,
    keep_tables: bool,
) -> PartResult:
    """Protect one period with the fixpoint engine on integer variables."""
    v = build_variables(sub, period=period)
    p = Problem(v.value, v.published, v.real, v.ptr, v.idx, v.exact)
    seeds = np.zeros(len(v.value), dtype=bool)
    seeds[v.cell_var[group_cells(sub, v.cells, group_min)]] = True
    fix = suppress(p, sensitive_mask(p, min_count, seeds))
    info: dict[str, Any] = {
        "rounds": fix.rounds,
        "attacks": fix.attacked,
        "weak_cells": len(fix.weak),
        "trace": fix.trace,
    }
    is_hidden = fix.hidden[v.cell_var]
    is_sens = fix.sensitive[v.cell_var]
    shown = np.zeros(len(v.value), dtype=bool)
    shown[v.cell_var] = True
    counts = (
        int(shown.sum()),
        int(fix.sensitive.sum()),
        int((fix.hidden & shown).sum()),
        len(v.ptr) - 1,
    )
    return _result(
        sub,
        period,
        rows,
        v.cells,
        is_hidden,
        is_sens,
        counts=counts,
        info=info,
        notes=[],
        kept=v if keep_tables else None,
    )


def _result(
    sub: pd.DataFrame,
    period: int,
    rows: np.ndarray,
    cells: pd.DataFrame,
    is_hidden: np.ndarray,
    is_sens: np.ndarray,
    *,
    counts: tuple[int, int, int, int],
    info: dict[str, Any],
    notes: list[str],
    kept: Any,
) -> PartResult:
    """Hidden and sensitive rows, and the keys of the counts changes are made of."""
    cell_rows = cells["row"].to_numpy()
    row_hidden = np.zeros(len(sub), dtype=bool)
    row_sensitive = np.zeros(len(sub), dtype=bool)
    row_hidden[cell_rows[is_hidden]] = True
    row_sensitive[cell_rows[is_sens]] = True
    fam = cells["family"].to_numpy()
    base = np.isin(fam, list(set(DIFFERENCES.values())))
    ind = sub["indicator"].astype(str).to_numpy()
    change = np.isin(ind, list(DIFFERENCES))
    is_den = (cells["quantity"] == "denominator").to_numpy()
    pick = np.flatnonzero(is_den & change[cell_rows])
    hid = np.flatnonzero(base & is_hidden)

    per, reg, crd = (cells[c].to_numpy() for c in ("period", "region", "coords"))

    def key(i: int) -> tuple[object, ...]:
        return (fam[i], int(per[i]), reg[i], crd[i])

    base_hidden = {key(i) for i in hid.tolist()}
    base_keys = {int(rows[cell_rows[i]]): key(i) for i in pick.tolist()}
    cells_n, sensitive_n, suppressed_n, tables = counts
    return PartResult(
        period=period,
        rows=rows,
        row_hidden=row_hidden,
        row_sensitive=row_sensitive,
        cells=cells_n,
        cells_sensitive=sensitive_n,
        cells_suppressed=suppressed_n,
        tables=tables,
        info=info,
        notes=notes,
        base_hidden=base_hidden,
        base_keys=base_keys,
        linked=kept,
    )


def _workers(jobs: int | None, frame: pd.DataFrame, parts: int) -> int:
    if jobs is None:
        jobs = 2 if len(frame) >= PARALLEL_ROWS else 1
    return max(1, min(int(jobs), parts, os.cpu_count() or 1))


def protect_parts(
    frame: pd.DataFrame, *, jobs: int | None = None, **options: Any
) -> list[PartResult]:
    """Protect every period of ``frame``; in ``jobs`` worker processes for large frames.

    ``jobs=None``: two workers from :data:`PARALLEL_ROWS` rows on (the
    periods are independent), else this process. Workers are fresh
    interpreters (:mod:`toolkit.disclosure._workers`) that get one period's
    rows each, largest first.
    """
    parts = period_parts(frame)
    n = _workers(jobs, frame, len(parts))
    if n == 1:
        return [protect_part(frame, p, rows, keep_tables=True, **options) for p, rows in parts]
    calls = [
        ((frame.iloc[rows].reset_index(drop=True), p, np.arange(len(rows))), options)
        for p, rows in parts
    ]
    results = run_in_workers(protect_part, calls, n)
    for r, (_, rows) in zip(results, parts, strict=True):
        r.base_keys = {int(rows[i]): k for i, k in r.base_keys.items()}
        r.rows = rows
    return results


def difference_hidden(frame: pd.DataFrame, parts: list[PartResult]) -> np.ndarray:
    """Rows of change indicators whose count of either period is hidden."""
    out = np.zeros(len(frame), dtype=bool)
    ind = frame["indicator"].astype(str).to_numpy()
    hidden: set[object] = set().union(*(r.base_hidden for r in parts)) if parts else set()
    base: dict[int, object] = {}
    for r in parts:
        base.update(r.base_keys)
    for i in np.flatnonzero(np.isin(ind, list(DIFFERENCES))).tolist():
        k = base.get(i)
        if k is None:
            out[i] = True  # the base count is unknown: no change without it
            continue
        fam, per, region, coords = k
        out[i] = (fam, per + 1, region, coords) in hidden or k in hidden
    return out
