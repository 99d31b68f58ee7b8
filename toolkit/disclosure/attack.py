"""Audit of a whole publication: attack it as an outsider would.

:func:`audit_publication` takes what a publication shows (the protected
IndicatorFrame) and the true figures, and solves for every sensitive count
that is not shown the smallest and largest value an outsider can deduce
from everything shown together. It does not use the protection's tables:
the relations are derived again from the published rows.

Notes
-----
Unknowns are the counts not shown anywhere in the publication (a count
shown in one row and hidden in another is known). The relations an outsider
knows from the definitions are:

- the region hierarchy: a Kreis is the sum of its Gemeinden, a Land of its
  Kreise, a Gemeinde of its Sozialräume (where all parts are listed;
  otherwise the parts do not exceed the whole);
- every breakdown adds up to its total, also across indicators (school
  types to the entrants, Abschlüsse to the leavers, sectors to the iABE
  entrants, care types to the children in care);
- a rate shown with one decimal confines its numerator and denominator to a
  band: ``(v - 0.05) * den <= f * num <= (v + 0.05) * den``;
- a change between two periods is the difference of the two counts (as a
  rounded rate of the earlier count, a band).

Counts are non-negative. The linear programmes are solved with HiGHS
(:func:`scipy.optimize.linprog`) on the connected part of the system only;
with ``integer=True`` the bounds are tightened by integer programming
(:func:`scipy.optimize.milp`). A sensitive count is disclosed when its
interval does not reach ``value - protection`` (at least 0) and
``value + protection``.

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4.3 (the
attacker's problem) and 5.6 (linked tables). Wiley.

Fischetti, M. and Salazar-González, J. J. (2001). Solving the cell
suppression problem on tabular data with linear constraints. *Management
Science* 47(7), 1008–1027.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse.csgraph import connected_components

from toolkit.disclosure._families import DIFFERENCES, TOTAL, count_cells
from toolkit.disclosure._hierarchy import ags_ancestors
from toolkit.errors import DisclosureError

__all__ = ["PUBLICATION_AUDIT_COLUMNS", "audit_publication", "audit_summary", "disclosed"]

#: Columns of :func:`audit_publication`'s result.
PUBLICATION_AUDIT_COLUMNS = (
    "family",
    "period",
    "region",
    "coords",
    "value",
    "feasible_min",
    "feasible_max",
    "protected",
)

_UNIT_FACTOR = {"%": 100.0, "je 100": 100.0, "je 1000": 1000.0}
_TOL = 1e-6
_BOX = 1e9

# one linear relation: ({key: coef}, sense "=" or "<=" , rhs)
_Rel = tuple[dict[object, float], str, float]


def _truth_cells(truth: pd.DataFrame) -> pd.DataFrame:
    cells, _ = count_cells(truth)
    cells = cells[cells["n"] >= 0].reset_index(drop=True)
    cells["key"] = list(
        zip(cells["family"], cells["period"], cells["region"], cells["coords"], strict=True)
    )
    return cells


class _Relations:
    """Collect relations that hold in the true figures (what the definitions state)."""

    def __init__(self, values: dict[object, float]) -> None:
        self.values = values
        self.rels: list[_Rel] = []

    def total(self, parent: object, kids: list[object]) -> None:
        if parent not in self.values or not kids:
            return
        s = sum(self.values[k] for k in kids)
        p = self.values[parent]
        coefs = {parent: 1.0}
        for k in kids:
            coefs[k] = coefs.get(k, 0.0) - 1.0
        if abs(p - s) <= _TOL * max(1.0, p):
            self.rels.append((coefs, "=", 0.0))
        elif s <= p + _TOL * max(1.0, p):
            # listed parts of a larger whole: they do not exceed it
            self.rels.append(({k: -v for k, v in coefs.items()}, "<=", 0.0))


def _structural(cells: pd.DataFrame) -> list[_Rel]:
    """Region hierarchy and breakdown sums within every family and period."""
    uniq = cells.drop_duplicates("key")
    values = dict(zip(uniq["key"], uniq["n"], strict=True))
    rb = _Relations(values)
    for (fam, per), g in uniq.groupby(["family", "period"], sort=False):
        by_coords: dict[tuple[str, ...], list[str]] = {}
        for region, coords in zip(g["region"], g["coords"], strict=True):
            by_coords.setdefault(coords, []).append(region)
        for coords, regions in by_coords.items():
            have = set(regions)
            kids: dict[str, list[str]] = {}
            for r in regions:
                parent = next((a for a in ags_ancestors(r) if a in have), None)
                if parent is not None:
                    kids.setdefault(parent, []).append(r)
            for parent, ks in kids.items():
                rb.total((fam, per, parent, coords), [(fam, per, k, coords) for k in ks])
        # breakdowns: for each axis, the categories add up to the total
        cats: dict[tuple[str, tuple[str, ...], int], list[tuple[str, ...]]] = {}
        for region, coords in zip(g["region"], g["coords"], strict=True):
            for a, c in enumerate(coords):
                if c != TOTAL:
                    base = (*coords[:a], TOTAL, *coords[a + 1 :])
                    cats.setdefault((region, base, a), []).append(coords)
        for (region, base, _a), kids_c in cats.items():
            rb.total((fam, per, region, base), [(fam, per, region, c) for c in kids_c])
    return rb.rels


def _bands(truth: pd.DataFrame, shown: np.ndarray, cells: pd.DataFrame) -> list[_Rel]:
    """Return the rounding bands of shown rates and changes (one decimal)."""
    rels: list[_Rel] = []
    num_key: dict[int, object] = {}
    den_key: dict[int, object] = {}
    for r, q, k in zip(cells["row"], cells["quantity"], cells["key"], strict=True):
        (num_key if q == "numerator" else den_key)[int(r)] = k
    units = truth["unit"].astype(str).to_numpy()
    value = pd.to_numeric(truth["value"], errors="coerce").to_numpy(dtype=float)
    ind = truth["indicator"].astype(str).to_numpy()
    for i in np.flatnonzero(shown):
        f = _UNIT_FACTOR.get(units[i])
        d = den_key.get(int(i))
        if f is None or d is None or np.isnan(value[i]):
            continue
        v = round(float(value[i]), 1)
        if ind[i] in DIFFERENCES:
            fam, per, region, coords = d  # type: ignore[misc]
            now = (fam, per + 1, region, coords)
            num: dict[object, float] = {now: f, d: -f}
        else:
            n = num_key.get(int(i))
            if n is None:
                continue
            num = {n: f}
        lo = dict(num)
        lo[d] = lo.get(d, 0.0) - (v + 0.05)
        hi = {k: -c for k, c in num.items()}
        hi[d] = hi.get(d, 0.0) + (v - 0.05)
        rels += [(lo, "<=", 0.0), (hi, "<=", 0.0)]
    return rels


def _published(source: Any) -> tuple[pd.DataFrame, dict[str, Any]]:
    from toolkit.disclosure.publication import ProtectedPublication, load_publication

    if isinstance(source, ProtectedPublication):
        return source.frame, source.meta
    if isinstance(source, (str, Path)):
        pub = load_publication(source)
        return pub.frame, pub.meta
    if isinstance(source, pd.DataFrame):
        return source, {}
    raise DisclosureError(
        f"audit_publication: unbekannte Quelle {type(source).__name__}",
        hint="ProtectedPublication, Verzeichnis des geschützten Datensatzes oder IndicatorFrame",
    )


def audit_publication(
    source: Any,
    truth: Any,
    *,
    min_count: int | None = None,
    group_min: int | None = None,
    protection: float = 1.0,
    integer: bool = False,
    intervals: bool = False,
) -> pd.DataFrame:
    """Attack a publication: feasible interval of every hidden sensitive count.

    Parameters
    ----------
    source : ProtectedPublication, path or pandas.DataFrame
        What is published: the protected set, its directory, or an
        IndicatorFrame of everything shown (NaN = not shown).
    truth : pandas.DataFrame or Dataset
        The unprotected IndicatorFrame with the same rows (same order), or
        the dataset it was computed from (recomputed for the periods and
        levels recorded in the protected set).
    min_count, group_min : int, optional
        Rules of the protection: counts 1 to ``min_count - 1`` and the
        numerators of 0 %/100 % rates of groups under ``group_min`` are
        sensitive. Default: those recorded in the protected set, else 3
        and 10.
    protection : float, default 1
        Required distance of the interval ends from the true value.
    integer : bool, default False
        Tighten by integer programming (counts are whole numbers).
    intervals : bool, default False
        Compute the exact interval of every hidden sensitive count. By
        default only disclosed counts get theirs; the others are proven
        protected by feasible tables found on the way (interval NaN).

    Returns
    -------
    pandas.DataFrame
        One row per sensitive count, columns :data:`PUBLICATION_AUDIT_COLUMNS`;
        ``protected`` False is a disclosure (shown counts have an interval of
        their value).

    Notes
    -----
    See the module notes for the relations used.

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4.3.
    Wiley.

    Examples
    --------
    >>> t = pd.DataFrame({
    ...     "region_code": ["17", "17001", "17002", "17003"], "region_name": "x",
    ...     "level": ["land", "kreis", "kreis", "kreis"], "period": 2024,
    ...     "indicator": "schulabgaenge", "dimension": "", "category": "",
    ...     "value": [30.0, 2.0, 12.0, 16.0], "numerator": [30.0, 2.0, 12.0, 16.0],
    ...     "denominator": np.nan, "unit": "Anzahl", "flag": ""})
    >>> shown = t.copy(); shown.loc[1, ["value", "numerator"]] = np.nan
    >>> audit_publication(shown, t)[["region", "feasible_min", "feasible_max", "protected"]]
      region  feasible_min  feasible_max  protected
    0  17001           2.0           2.0      False
    >>> shown.loc[2, ["value", "numerator"]] = np.nan
    >>> audit_publication(shown, t, intervals=True)[["feasible_min", "feasible_max", "protected"]]
       feasible_min  feasible_max  protected
    0           0.0          14.0       True
    """
    pub, meta = _published(source)
    min_count = int(meta.get("min_count", 3)) if min_count is None else min_count
    group_min = int(meta.get("group_min", 10)) if group_min is None else group_min
    if not isinstance(truth, pd.DataFrame):
        from toolkit.indicators import compute_all

        # the same rows, in the same order, as protect_publication computed them
        truth = compute_all(truth, periods=meta.get("periods"), levels=meta.get("levels"))
    if len(pub) != len(truth):
        raise DisclosureError(
            f"audit_publication: {len(pub)} veröffentlichte, aber {len(truth)} wahre Zeilen",
            hint="Die wahre IndicatorFrame muss dieselben Zeilen in derselben Reihenfolge haben.",
        )
    truth = truth.reset_index(drop=True)
    cells = _truth_cells(truth)
    shown_row = pub["flag"].astype(str).to_numpy() != "."
    shown_row &= pd.to_numeric(pub["value"], errors="coerce").notna().to_numpy()
    values = dict(zip(cells["key"], cells["n"], strict=True))
    printed = {q: _printed(pub, q) & shown_row for q in ("numerator", "denominator")}
    known = {
        k
        for k, r, q in zip(cells["key"], cells["row"], cells["quantity"], strict=True)
        if printed[q][r]
    }
    rels = _structural(cells) + _bands(truth, shown_row, cells)
    targets = _sensitive(truth, cells, min_count, group_min)
    solver = _System(rels, values, known, integer=integer)
    order = sorted(targets, key=str)
    x = np.asarray([values[k] for k in order], dtype=float)
    lo_req, hi_req = np.maximum(0.0, x - protection), x + protection
    hidden = [k not in known for k in order]
    weak = np.ones(len(order), dtype=bool)  # shown sensitive counts are disclosed
    if integer or intervals:
        weak[:] = False
    else:
        idx = np.flatnonzero(hidden)
        weak[idx] = solver.weak([order[i] for i in idx], lo_req[idx], hi_req[idx])
    out = []
    for i, key in enumerate(order):
        lo, hi = np.nan, np.nan
        if not hidden[i]:
            lo = hi = x[i]
        elif weak[i] or integer or intervals:
            lo, hi = solver.extremes(key)
        ok = bool(np.isnan(lo)) or (lo <= lo_req[i] + _TOL and hi >= hi_req[i] - _TOL)
        out.append((*key, x[i], lo, hi, ok))
    return pd.DataFrame(out, columns=list(PUBLICATION_AUDIT_COLUMNS))


def _printed(pub: pd.DataFrame, quantity: str) -> np.ndarray:
    """Rows whose numerator (or count) or denominator is printed."""
    v = pd.to_numeric(pub[quantity], errors="coerce")
    if quantity == "numerator":
        count = v.isna() & (pub["unit"].astype(str) == "Anzahl")
        v = v.where(~count, pd.to_numeric(pub["value"], errors="coerce"))
    return v.notna().to_numpy()


def _sensitive(
    truth: pd.DataFrame, cells: pd.DataFrame, min_count: int, group_min: int
) -> set[object]:
    small = cells[(cells["n"] > 0) & (cells["n"] < min_count)]
    keys = set(small["key"])
    num = pd.to_numeric(truth["numerator"], errors="coerce").to_numpy(dtype=float)
    den = pd.to_numeric(truth["denominator"], errors="coerce").to_numpy(dtype=float)
    rate = truth["unit"].astype(str).to_numpy() == "%"
    with np.errstate(invalid="ignore"):
        hit = rate & (den > 0) & (den < group_min) & ((num == 0) | (num == den))
    rows = set(np.flatnonzero(hit).tolist())
    isn = cells["quantity"] == "numerator"
    keys |= {
        k for r, k in zip(cells.loc[isn, "row"], cells.loc[isn, "key"], strict=True) if r in rows
    }
    return keys


class _System:
    """The attacker's linear system over the unknown counts, split into connected parts."""

    def __init__(
        self, rels: list[_Rel], values: dict[object, float], known: set[object], *, integer: bool
    ) -> None:
        self.col: dict[object, int] = {}
        rows_eq: list[tuple[dict[int, float], float]] = []
        rows_ub: list[tuple[dict[int, float], float]] = []
        for coefs, sense, rhs in rels:
            b = rhs
            terms: dict[int, float] = {}
            for k, c in coefs.items():
                if k in known:
                    b -= c * values[k]
                else:
                    j = self.col.setdefault(k, len(self.col))
                    terms[j] = terms.get(j, 0.0) + c
            terms = {j: c for j, c in terms.items() if c != 0.0}
            if terms:
                (rows_eq if sense == "=" else rows_ub).append((terms, b))
        n = len(self.col)
        self.a_eq, self.b_eq = _matrix(rows_eq, n)
        self.a_ub, self.b_ub = _matrix(rows_ub, n)
        both = sparse.vstack([self.a_eq, self.a_ub]).tocsr()
        m = both.shape[0]
        graph = (
            sparse.bmat([[None, both.T], [both, None]], format="csr")
            if m
            else sparse.csr_matrix((n, n))
        )
        _, labels = connected_components(abs(graph), directed=False)
        self.labels = labels[:n]
        self.eq_labels = labels[n : n + self.a_eq.shape[0]]
        self.ub_labels = labels[n + self.a_eq.shape[0] :]
        self.integer = integer
        self.cache: dict[int, tuple[np.ndarray, Any, Any, Any, Any]] = {}
        self.models: dict[int, _Model] = {}
        self._groups = [_group_by(lab) for lab in (self.labels, self.eq_labels, self.ub_labels)]

    def _part(self, label: int) -> tuple[np.ndarray, Any, Any, Any, Any]:
        if label not in self.cache:
            empty = np.zeros(0, dtype=np.int64)
            cols, re, ru = (g.get(label, empty) for g in self._groups)
            a_eq = self.a_eq[re][:, cols] if len(re) else None
            a_ub = self.a_ub[ru][:, cols] if len(ru) else None
            b_eq = self.b_eq[re] if len(re) else None
            b_ub = self.b_ub[ru] if len(ru) else None
            self.cache[label] = (cols, a_eq, b_eq, a_ub, b_ub)
        return self.cache[label]

    def weak(self, keys: list[object], lo_req: np.ndarray, hi_req: np.ndarray) -> np.ndarray:
        """Mask of ``keys`` an attacker narrows beyond ``[lo_req, hi_req]`` (LP, not integer)."""
        out = np.zeros(len(keys), dtype=bool)
        by_part: dict[int, list[int]] = {}
        for i, k in enumerate(keys):
            j = self.col.get(k)
            if j is None:
                continue  # in no relation: anything from 0 up is possible
                continue
            by_part.setdefault(int(self.labels[j]), []).append(i)
        for label, idx in by_part.items():
            cols, a_eq, b_eq, a_ub, b_ub = self._part(label)
            model = self.models.get(label)
            if model is None:
                model = self.models[label] = _Model(len(cols), a_eq, b_eq, a_ub, b_ub)
            pos = np.searchsorted(cols, [self.col[keys[i]] for i in idx])
            out[idx] = _weak_in_part(model, pos, lo_req[idx], hi_req[idx])
        return out

    def extremes(self, key: object) -> tuple[float, float]:
        j = self.col.get(key)
        if j is None:
            return 0.0, float("inf")  # in no relation: nothing bounds it
        label = int(self.labels[j])
        cols, a_eq, b_eq, a_ub, b_ub = self._part(label)
        pos = int(np.searchsorted(cols, j))
        if self.integer:
            c = np.zeros(len(cols))
            c[pos] = 1.0
            return _milp(c, a_eq, b_eq, a_ub, b_ub), -_milp(-c, a_eq, b_eq, a_ub, b_ub)
        model = self.models.get(label)
        if model is None:
            model = self.models[label] = _Model(len(cols), a_eq, b_eq, a_ub, b_ub)
        return model.extremes(pos)


def _weak_in_part(
    model: _Model, pos: np.ndarray, lo_req: np.ndarray, hi_req: np.ndarray
) -> np.ndarray:
    """Mask of targets whose interval misses a requirement, with as few LPs as possible.

    Every solution of an LP is a feasible table: a target with a value at or
    beyond its requirement there is certified on that side. Aggregated
    objectives (the sum of all open targets) certify many at once; targets
    they do not certify get their own LP, which decides exactly.
    """
    need_hi = np.ones(len(pos), dtype=bool)
    need_lo = np.ones(len(pos), dtype=bool)
    weak = np.zeros(len(pos), dtype=bool)

    def harvest(x: np.ndarray | None) -> None:
        if x is None:
            return
        val = x[pos]
        need_hi[val >= hi_req - _TOL] = False
        need_lo[val <= lo_req + _TOL] = False

    for sense, need in (("max", need_hi), ("min", need_lo)):
        while need.any():
            before = int(need.sum())
            harvest(model.solve_sum(pos[need], sense))
            if int(need.sum()) == before:
                break
    for sense, need in (("max", need_hi), ("min", need_lo)):
        for i in np.flatnonzero(need):
            if not need[i]:
                continue  # certified by an earlier solution
            x = model.solve_sum(pos[i : i + 1], sense)
            if x is None:  # not solved to optimality: decide with the exact bounds
                lo, hi = model.extremes(int(pos[i]))
                weak[i] = lo > lo_req[i] + _TOL if sense == "min" else hi < hi_req[i] - _TOL
                need[i] = False
                continue
            harvest(x)
            if need[i]:
                weak[i] = True  # the optimum itself misses the requirement
                need[i] = False
    return weak


class _Model:
    """One connected part as a HiGHS model; each bound is a warm-started re-solve."""

    def __init__(self, n: int, a_eq: Any, b_eq: Any, a_ub: Any, b_ub: Any) -> None:
        import highspy

        parts = [m for m in (a_eq, a_ub) if m is not None]
        a = sparse.vstack(parts).tocsc() if parts else sparse.csc_matrix((0, n))
        lower = [b_eq] if a_eq is not None else []
        upper = [b_eq] if a_eq is not None else []
        if a_ub is not None:
            lower.append(np.full(a_ub.shape[0], -highspy.kHighsInf))
            upper.append(b_ub)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n, a.shape[0]
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.zeros(n)
        lp.col_upper_ = np.full(n, highspy.kHighsInf)
        lp.row_lower_ = np.concatenate(lower) if lower else np.zeros(0)
        lp.row_upper_ = np.concatenate(upper) if upper else np.zeros(0)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr
        lp.a_matrix_.index_ = a.indices
        lp.a_matrix_.value_ = a.data
        self.h = highspy.Highs()
        self.h.setOptionValue("output_flag", False)
        self.h.setOptionValue("presolve", "off")  # small parts, warm-started re-solves
        self.h.passModel(lp)
        self.hs = highspy
        self.last: int | None = None

    def _run(self, sense: Any) -> float:
        self.h.changeObjectiveSense(sense)
        self.h.run()
        status = self.h.getModelStatus()
        if status == self.hs.HighsModelStatus.kUnbounded:
            return float("inf") if sense == self.hs.ObjSense.kMaximize else float("-inf")
        if status != self.hs.HighsModelStatus.kOptimal:
            raise DisclosureError(
                f"Audit: das lineare Programm ist nicht lösbar ({self.h.modelStatusToString(status)})",
                hint="Die veröffentlichten Zahlen widersprechen den Summenbeziehungen.",
            )
        return float(self.h.getInfo().objective_function_value)

    def solve_sum(self, cols: np.ndarray, sense: str) -> np.ndarray | None:
        """Optimise the sum of ``cols``; return the solution (None if unbounded)."""
        n = self.h.getNumCol()
        cost = np.zeros(n)
        cost[cols] = 1.0
        self.h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
        self.last = None
        obj = self.hs.ObjSense.kMaximize if sense == "max" else self.hs.ObjSense.kMinimize
        self.h.changeObjectiveSense(obj)
        idx = np.arange(n, dtype=np.int32)
        # a box keeps the sum bounded; its solutions are still feasible tables
        self.h.changeColsBounds(n, idx, np.zeros(n), np.full(n, _BOX))
        self.h.run()
        ok = self.h.getModelStatus() == self.hs.HighsModelStatus.kOptimal
        x = np.asarray(self.h.getSolution().col_value) if ok else None
        self.h.changeColsBounds(n, idx, np.zeros(n), np.full(n, self.hs.kHighsInf))
        cost[cols] = 0.0
        self.h.changeColsCost(n, idx, cost)
        return x

    def extremes(self, pos: int) -> tuple[float, float]:
        if self.last is not None:
            self.h.changeColCost(self.last, 0.0)
        self.h.changeColCost(pos, 1.0)
        self.last = pos
        return self._run(self.hs.ObjSense.kMinimize), self._run(self.hs.ObjSense.kMaximize)


def _milp(c: np.ndarray, a_eq: Any, b_eq: Any, a_ub: Any, b_ub: Any) -> float:
    cons = []
    if a_eq is not None:
        cons.append(LinearConstraint(a_eq, b_eq, b_eq))
    if a_ub is not None:
        cons.append(LinearConstraint(a_ub, -np.inf, b_ub))
    res = milp(c, constraints=cons, integrality=np.ones(len(c)), bounds=Bounds(0, np.inf))
    if res.status == 0:
        return float(res.fun)
    if res.x is None and "unbounded" in str(res.message).lower():
        return float("-inf")
    raise DisclosureError(f"Audit: das ganzzahlige Programm ist nicht lösbar ({res.message})")


def _group_by(labels: np.ndarray) -> dict[int, np.ndarray]:
    """Return the sorted indices of each label (one pass instead of one scan per label)."""
    if len(labels) == 0:
        return {}
    order = np.argsort(labels, kind="stable")
    uniq, starts = np.unique(labels[order], return_index=True)
    return {
        int(u): np.sort(part) for u, part in zip(uniq, np.split(order, starts[1:]), strict=True)
    }


def _matrix(
    rows: list[tuple[dict[int, float], float]], n: int
) -> tuple[sparse.csr_matrix, np.ndarray]:
    r, c, d = [], [], []
    for i, (terms, _) in enumerate(rows):
        for j, v in terms.items():
            r.append(i)
            c.append(j)
            d.append(v)
    a = sparse.csr_matrix((d, (r, c)), shape=(len(rows), n))
    return a, np.asarray([b for _, b in rows], dtype=float)


def disclosed(result: pd.DataFrame) -> pd.DataFrame:
    """Rows of an audit result whose count an outsider narrows below the protection.

    Examples
    --------
    >>> disclosed(pd.DataFrame({"protected": [True, False]})).index.tolist()
    [1]
    """
    return result[~result["protected"].astype(bool)]


def audit_summary(result: pd.DataFrame, *, limit: int = 50) -> dict[str, Any]:
    """Summarise an audit for a batch manifest (JSON-ready); ``ok`` False fails the batch.

    Examples
    --------
    >>> r = pd.DataFrame({"family": ["f", "f"], "period": 2024, "region": ["1", "2"],
    ...     "coords": [(), ()], "value": [1.0, 2.0], "feasible_min": [0.0, 2.0],
    ...     "feasible_max": [5.0, 2.0], "protected": [True, False]})
    >>> s = audit_summary(r)
    >>> s["ok"], s["sensitive"], s["disclosed"], s["cells"][0]["region"]
    (False, 2, 1, '2')
    """
    bad = disclosed(result)
    cells = [
        {
            "family": str(r.family),
            "period": int(r.period),
            "region": str(r.region),
            "coords": list(r.coords),
            "feasible_min": float(r.feasible_min),
            "feasible_max": float(r.feasible_max),
        }
        for r in bad.head(limit).itertuples(index=False)
    ]
    return {"ok": bad.empty, "sensitive": len(result), "disclosed": len(bad), "cells": cells}
