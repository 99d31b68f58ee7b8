"""The outsider's attack period by period, on integer variables (internal).

The relations of :func:`toolkit.disclosure.audit_publication` lie inside one
period (sums of counts, rates as rounding bands), except a change between
two periods: its band links a count of period ``t`` with one of ``t - 1``.
A change is published only when both its counts are, so its band is a
relation of period ``t - 1`` alone, with the known count of ``t`` as a
constant. The attack therefore falls apart into one problem per period,
built and solved on its own (large ones in worker processes). Where a
shown change does hold an unknown count of the later period, or a number
of a report links periods, those periods are attacked as one problem: the
split never drops a relation.
"""

from __future__ import annotations

import os
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from toolkit.disclosure._families import DIFFERENCES, FAMILIES
from toolkit.disclosure._lp import Relation, System
from toolkit.disclosure._parts import PARALLEL_ROWS, group_cells, period_parts
from toolkit.disclosure._variables import build_variables
from toolkit.disclosure._workers import run_in_workers

__all__ = ["attack_periods"]

_UNIT_FACTOR = {"%": 100.0, "je 100": 100.0, "je 1000": 1000.0}
_TOL = 1e-6
#: indicators printing a count of a family that changes are made of
_BASE_MEMBERS = sorted(
    {ind for fam in FAMILIES if fam.name in DIFFERENCES.values() for ind, _, _ in fam.members}
)


class _Periods:
    """Union-find over periods."""

    def __init__(self, periods: list[int]) -> None:
        self.up = {p: p for p in periods}

    def find(self, p: int) -> int:
        while self.up.get(p, p) != p:
            p = self.up[p]
        return p

    def join(self, a: int, b: int) -> None:
        if a in self.up and b in self.up:
            self.up[self.find(a)] = self.find(b)

    def groups(self) -> list[list[int]]:
        out: dict[int, list[int]] = {}
        for p in sorted(self.up):
            out.setdefault(self.find(p), []).append(p)
        return sorted(out.values())


def _var_rows(v: Any, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Variable of every row's numerator and denominator (-1: none)."""
    rows = v.cells["row"].to_numpy()
    is_num = (v.cells["quantity"] == "numerator").to_numpy()
    num = np.full(n_rows, -1, dtype=np.int64)
    den = np.full(n_rows, -1, dtype=np.int64)
    num[rows[is_num]] = v.cell_var[is_num]
    den[rows[~is_num]] = v.cell_var[~is_num]
    return num, den


def _next_count(v: Any, rows: np.ndarray) -> np.ndarray:
    """Variable of the same count one period later, for denominator cells ``rows`` (-1: none)."""
    c = v.cells
    base = np.isin(c["family"].to_numpy(), list(DIFFERENCES.values()))
    lookup = {
        (f, int(p), r, k): int(x)
        for f, p, r, k, x in zip(
            c["family"].to_numpy()[base],
            c["period"].to_numpy()[base],
            c["region"].to_numpy()[base],
            c["coords"].to_numpy()[base],
            v.cell_var[base],
            strict=True,
        )
    }
    fam, per, reg, crd = (c[k].to_numpy() for k in ("family", "period", "region", "coords"))
    return np.asarray(
        [lookup.get((fam[i], int(per[i]) + 1, reg[i], crd[i]), -1) for i in rows], dtype=np.int64
    )


def _bands(
    sub: pd.DataFrame, shown: np.ndarray, v: Any, known: np.ndarray, periods: list[int]
) -> tuple[sparse.csr_matrix, np.ndarray, list[int]]:
    """Return the rounding bands of shown rates and changes (one decimal) as rows ``A x <= 0``.

    Also returns the later periods ``t`` of shown changes whose count of ``t``
    is unknown and outside ``periods``: ``t - 1`` and ``t`` must be attacked
    together.
    """
    num, den = _var_rows(v, len(sub))
    f = sub["unit"].astype(str).map(_UNIT_FACTOR).to_numpy(dtype=float)
    value = pd.to_numeric(sub["value"], errors="coerce").to_numpy(dtype=float)
    change = sub["indicator"].astype(str).isin(list(DIFFERENCES)).to_numpy()
    ok = shown & ~np.isnan(f) & (den >= 0) & ~np.isnan(value)
    rate = np.flatnonzero(ok & ~change & (num >= 0))
    moves = np.flatnonzero(ok & change)
    # the count one period later: the later period's cell of the denominator's count
    is_den = (v.cells["quantity"] == "denominator").to_numpy()
    cell_of_den = np.full(len(sub), -1, dtype=np.int64)
    cell_of_den[v.cells["row"].to_numpy()[is_den]] = np.flatnonzero(is_den)
    now = _next_count(v, cell_of_den[moves])
    # a shown change with an unknown later count links its period to the one before
    t = sub["period"].to_numpy()[moves]
    unknown_now = (now >= 0) & ~known[np.maximum(now, 0)] & ~np.isin(t, periods)
    linked = sorted({int(p) for p in t[unknown_now]})
    moves, now = moves[now >= 0], now[now >= 0]
    v1 = np.round(value, 1)
    # rate: f num - (v + .05) den <= 0 and -f num + (v - .05) den <= 0
    # change: f now - f d - (v + .05) d <= 0 and -f now + f d + (v - .05) d <= 0
    k, m = len(rate), len(moves)
    rows = np.r_[np.arange(k), np.arange(k), k + np.arange(k), k + np.arange(k)]
    cols = np.r_[num[rate], den[rate], num[rate], den[rate]]
    data = np.r_[f[rate], -(v1[rate] + 0.05), -f[rate], v1[rate] - 0.05]
    r0 = 2 * k
    rows = np.r_[rows, r0 + np.arange(m), r0 + np.arange(m), r0 + m + np.arange(m)]
    rows = np.r_[rows, r0 + m + np.arange(m)]
    cols = np.r_[cols, now, den[moves], now, den[moves]]
    data = np.r_[data, f[moves], -f[moves] - (v1[moves] + 0.05), -f[moves]]
    data = np.r_[data, f[moves] + v1[moves] - 0.05]
    a = sparse.csr_matrix((data, (rows, cols)), shape=(2 * k + 2 * m, len(v.value)))
    return a, np.zeros(a.shape[0]), linked


def _extra(
    rels: list[Relation], v: Any
) -> tuple[sparse.csr_matrix, np.ndarray, sparse.csr_matrix, np.ndarray]:
    """Relations of report numbers (keyed by cell keys) as rows over the variables."""
    c = v.cells
    want = {k for coefs, _, _ in rels for k in coefs}
    var_of: dict[object, int] = {}
    fam, per, reg, crd = (c[k].to_numpy() for k in ("family", "period", "region", "coords"))
    for i in range(len(c)):
        k = (fam[i], int(per[i]), reg[i], crd[i])
        if k in want:
            var_of[k] = int(v.cell_var[i])
    out: dict[str, tuple[list[int], list[int], list[float], list[float]]] = {
        "=": ([], [], [], []),
        "<=": ([], [], [], []),
    }
    for coefs, sense, rhs in rels:
        if any(k not in var_of for k in coefs):
            continue  # a count of another part: joined before, else not in the data
        rows, cols, data, b = out["=" if sense == "=" else "<="]
        r = len(b)
        for k, x in coefs.items():
            rows.append(r)
            cols.append(var_of[k])
            data.append(x)
        b.append(rhs)
    n = len(v.value)
    mats = []
    for sense in ("=", "<="):
        rows, cols, data, b = out[sense]
        mats += [sparse.csr_matrix((data, (rows, cols)), shape=(len(b), n)), np.asarray(b)]
    return mats[0], mats[1], mats[2], mats[3]


def _targets(sub: pd.DataFrame, v: Any, periods: list[int], min_count: int, group_min: int):
    """Sensitive variables of ``periods``: counts 1 .. min_count - 1, group-rule numerators."""
    c = v.cells
    n = c["n"].to_numpy(dtype=float)
    sens = (n > 0) & (n < min_count)
    sens[group_cells(sub, c, group_min)] = True
    sens &= np.isin(c["period"].to_numpy(), periods)
    cells = np.flatnonzero(sens)
    var, first = np.unique(v.cell_var[cells], return_index=True)
    return var, cells[first]


def attack_group(
    sub: pd.DataFrame,
    printed: dict[str, np.ndarray],
    shown: np.ndarray,
    periods: list[int],
    rels: list[Relation],
    *,
    min_count: int,
    group_min: int,
    protection: float,
    integer: bool,
    intervals: bool,
) -> tuple[pd.DataFrame, list[int]]:
    """Attack the count cells of ``periods`` in the rows ``sub``; periods to join, if any."""
    later = {p + 1 for p in periods}
    v = build_variables(sub, periods=set(periods) | later, alias=False)
    c = v.cells
    rows = c["row"].to_numpy()
    is_num = (c["quantity"] == "numerator").to_numpy()
    seen = np.where(is_num, printed["numerator"][rows], printed["denominator"][rows])
    known = np.zeros(len(v.value), dtype=bool)
    known[v.cell_var[seen]] = True
    a_band, b_band, linked = _bands(sub, shown, v, known, periods)
    if linked:
        return pd.DataFrame(), linked
    p_eq = np.repeat(np.arange(len(v.ptr) - 1), np.diff(v.ptr))
    sign = -np.ones(len(v.idx))
    sign[v.ptr[:-1]] = 1.0
    a_eq = sparse.csr_matrix((sign, (p_eq, v.idx)), shape=(len(v.ptr) - 1, len(v.value)))
    b_eq = np.zeros(a_eq.shape[0])
    a_ub, b_ub = a_band, b_band
    if rels:
        x_eq, y_eq, x_ub, y_ub = _extra(rels, v)
        a_eq, b_eq = sparse.vstack([a_eq, x_eq]).tocsc(), np.r_[b_eq, y_eq]
        a_ub, b_ub = sparse.vstack([a_ub, x_ub]).tocsc(), np.r_[b_ub, y_ub]
    a_eq, a_ub = a_eq.tocsc(), a_ub.tocsc()
    b_eq = b_eq - a_eq[:, known] @ v.value[known]
    b_ub = b_ub - a_ub[:, known] @ v.value[known]
    free = np.flatnonzero(~known)
    e, u = a_eq[:, free].tocsr(), a_ub[:, free].tocsr()
    used_eq, used_ub = np.diff(e.indptr) > 0, np.diff(u.indptr) > 0
    system = System.from_arrays(
        free.tolist(), e[used_eq], b_eq[used_eq], u[used_ub], b_ub[used_ub], integer=integer
    )
    var, cell = _targets(sub, v, periods, min_count, group_min)
    x = v.value[var]
    lo_req, hi_req = np.maximum(0.0, x - protection), x + protection
    hidden = ~known[var]
    weak = ~hidden  # shown sensitive counts are disclosed
    exact = integer or intervals
    if not exact:
        idx = np.flatnonzero(hidden)
        weak[idx] = system.weak(var[idx].tolist(), lo_req[idx], hi_req[idx])
    lo, hi = np.full(len(var), np.nan), np.full(len(var), np.nan)
    lo[~hidden] = hi[~hidden] = x[~hidden]
    for i in np.flatnonzero(hidden & (weak | exact)).tolist():
        lo[i], hi[i] = system.extremes(int(var[i]))
    ok = np.isnan(lo) | ((lo <= lo_req + _TOL) & (hi >= hi_req - _TOL))
    out = pd.DataFrame(
        {
            "family": c["family"].to_numpy()[cell],
            "period": c["period"].to_numpy()[cell],
            "region": c["region"].to_numpy()[cell],
            "coords": c["coords"].to_numpy()[cell],
            "value": x,
            "feasible_min": lo,
            "feasible_max": hi,
            "protected": ok,
        }
    )
    return out, []


def _group_rows(
    truth: pd.DataFrame, parts: dict[int, np.ndarray], periods: list[int]
) -> np.ndarray:
    """Rows of ``periods`` and the rows printing their counts one period later."""
    rows = [parts[p] for p in periods]
    base = truth["indicator"].astype(str).isin(_BASE_MEMBERS).to_numpy()
    for p in {p + 1 for p in periods} - set(periods):
        if p in parts:
            rows.append(parts[p][base[parts[p]]])
    return np.unique(np.concatenate(rows)) if rows else np.zeros(0, dtype=np.int64)


def attack_periods(
    truth: pd.DataFrame,
    printed: dict[str, np.ndarray],
    shown: np.ndarray,
    rels: list[Relation],
    *,
    jobs: int | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Attack every period of ``truth`` on its own (joined where a relation links periods).

    Returns one row per sensitive count (the columns of
    :data:`toolkit.disclosure.PUBLICATION_AUDIT_COLUMNS`), sorted by key.
    """
    parts = dict(period_parts(truth))
    uf = _Periods(sorted(parts))
    for coefs, _, _ in rels:
        ps = sorted({int(k[1]) for k in coefs})  # type: ignore[index]
        for a, b in pairwise(ps):
            uf.join(a, b)
    while True:
        groups = uf.groups()
        calls = []
        for g in groups:
            rows = _group_rows(truth, parts, g)
            mine = [r for r in rels if int(next(iter(r[0]))[1]) in g]  # type: ignore[index]
            sub = truth.iloc[rows].reset_index(drop=True)
            pr = {q: m[rows] for q, m in printed.items()}
            calls.append(((sub, pr, shown[rows], g, mine), options))
        workers = jobs if jobs is not None else (2 if len(truth) >= PARALLEL_ROWS else 1)
        workers = max(1, min(int(workers), len(calls), os.cpu_count() or 1))
        if workers == 1:
            results = [attack_group(*args, **kw) for args, kw in calls]
        else:
            results = run_in_workers(attack_group, calls, workers)
        joins = [(g, p) for g, (_, linked) in zip(groups, results, strict=True) for p in linked]
        if not joins:
            break
        for _, t in joins:
            uf.join(t - 1, t)
    frames = [r for r, _ in results if len(r)]
    if not frames:
        from toolkit.disclosure.attack import PUBLICATION_AUDIT_COLUMNS

        return pd.DataFrame(columns=list(PUBLICATION_AUDIT_COLUMNS))
    out = pd.concat(frames, ignore_index=True)
    key = [
        str((f, int(p), r, c))
        for f, p, r, c in zip(
            out["family"], out["period"], out["region"], out["coords"], strict=True
        )
    ]
    out["period"] = out["period"].astype(int)
    return out.iloc[np.argsort(np.asarray(key, dtype=object), kind="stable")].reset_index(drop=True)
