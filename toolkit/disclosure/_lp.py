"""The attacker's linear system: connected parts, warm-started HiGHS models (internal).

Every LP solution is a feasible table, so one solution can prove several
cells protected at once (:func:`_weak_in_part`); exact bounds come from
single objectives re-solved on the same model.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse.csgraph import connected_components

from toolkit.errors import DisclosureError

__all__ = ["Relation", "System", "quiet_highs"]

_TOL = 1e-6
_PRIMAL = 4  # HiGHS option simplex_strategy: primal simplex
_FEW = 32  # fewer open targets: their own warm-started LPs are cheaper than one more capped LP
#: From this many unknowns a part's single LPs are slow (25 ms each on 12,000 columns): a
#: quick check (``exact=False``) calls what one capped LP after another does not certify weak.
_LARGE = 2000

#: One linear relation: ({key: coefficient}, "=" or "<=", right-hand side).
Relation = tuple[dict[object, float], str, float]


class System:
    """The attacker's linear system over the unknown counts, split into connected parts."""

    def __init__(
        self,
        rels: list[Relation],
        values: dict[object, float],
        known: set[object],
        *,
        integer: bool,
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
        a_eq, b_eq = _matrix(rows_eq, n)
        a_ub, b_ub = _matrix(rows_ub, n)
        self._setup(a_eq, b_eq, a_ub, b_ub, integer)

    @classmethod
    def from_arrays(
        cls,
        keys: list[object],
        a_eq: Any,
        b_eq: np.ndarray,
        a_ub: Any,
        b_ub: np.ndarray,
        *,
        integer: bool = False,
    ) -> System:
        """Build the system from matrices over the unknowns ``keys`` (columns).

        Examples
        --------
        >>> s = System.from_arrays(["x", "y"], sparse.csr_matrix([[1.0, 1.0]]), np.array([3.0]),
        ...     sparse.csr_matrix((0, 2)), np.zeros(0))
        >>> s.extremes("x")
        (0.0, 3.0)
        """
        self = cls.__new__(cls)
        self.col = {k: j for j, k in enumerate(keys)}
        self._setup(sparse.csr_matrix(a_eq), b_eq, sparse.csr_matrix(a_ub), b_ub, integer)
        return self

    def _setup(
        self, a_eq: Any, b_eq: np.ndarray, a_ub: Any, b_ub: np.ndarray, integer: bool
    ) -> None:
        n = len(self.col)
        self.a_eq, self.b_eq, self.a_ub, self.b_ub = a_eq, b_eq, a_ub, b_ub
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

    def weak(
        self, keys: list[object], lo_req: np.ndarray, hi_req: np.ndarray, *, exact: bool = True
    ) -> np.ndarray:
        """Mask of ``keys`` an attacker narrows beyond ``[lo_req, hi_req]`` (LP, not integer).

        With ``exact=False``, targets of large parts that no capped LP certifies
        are returned as weak without their own LPs: never a weak cell missed,
        possibly a protected one flagged (the caller hides more and checks
        again, exactly).
        """
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
            large = len(cols) >= _LARGE
            out[idx] = _weak_in_part(
                model, pos, lo_req[idx], hi_req[idx], quick=large and not exact, large=large
            )
            if not out[idx].any():  # nothing to look at again: free the solver's memory
                del self.models[label], self.cache[label]
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
    model: _Model,
    pos: np.ndarray,
    lo_req: np.ndarray,
    hi_req: np.ndarray,
    *,
    quick: bool = False,
    large: bool = False,
) -> np.ndarray:
    """Mask of targets whose interval misses a requirement, with as few LPs as possible.

    Every solution of an LP is a feasible table: a target with a value at or
    beyond its requirement there is certified on that side. One LP that
    rewards every open target up to its requirement (:meth:`_Model.certify`)
    certifies many at once; targets it does not certify get their own LP,
    which decides exactly (``quick``: they are returned as weak instead).
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
        req = hi_req if sense == "max" else lo_req
        # in a large part one more capped LP is cheaper than a few single LPs
        while need.sum() > (0 if quick or large else _FEW):
            before = int(need.sum())
            harvest(model.certify(pos[need], req[need], sense))
            if int(need.sum()) == before:
                break
    if quick:
        return need_hi | need_lo  # not certified: weak, or protected only by a target's own LP
    for sense, need in (("max", need_hi), ("min", need_lo)):
        for i in np.flatnonzero(need):
            if not need[i]:
                continue  # certified by an earlier solution
            x = model.solve_one(int(pos[i]), sense)
            if x is None:  # unbounded above: protected upwards
                need[i] = False
                continue
            harvest(x)
            if need[i]:
                weak[i] = True  # the optimum itself misses the requirement
                need[i] = False
    return weak


def quiet_highs() -> Any:
    """Return a silent ``highspy.Highs`` without its licence banner on the terminal.

    HiGHS writes "Running HiGHS ..." to the C-level standard output when the
    first instance of a process is created, before any option can be set
    (ERGO-Code/HiGHS#1702, #2749). The creation therefore runs with file
    descriptor 1 pointed to the null device; every later message is off by
    ``output_flag``.

    Examples
    --------
    >>> quiet_highs().getOptionValue("output_flag")[1]
    False
    """
    import highspy

    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no standard output to silence
        saved = None
    try:
        if saved is not None:
            with open(os.devnull, "wb") as null:
                os.dup2(null.fileno(), 1)
                h = highspy.Highs()
        else:
            h = highspy.Highs()
    finally:
        if saved is not None:
            os.dup2(saved, 1)
            os.close(saved)
    h.setOptionValue("output_flag", False)
    return h


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
        self.a, self.row_lower, self.row_upper = a, lp.row_lower_, lp.row_upper_
        self.h = quiet_highs()
        self.h.setOptionValue("presolve", "off")  # small parts, warm-started re-solves
        # only the objective changes between solves: the basis stays primal feasible, so the
        # primal simplex continues from it (4x faster than the dual default on large parts)
        self.h.setOptionValue("simplex_strategy", _PRIMAL)
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

    def certify(self, cols: np.ndarray, req: np.ndarray, sense: str) -> np.ndarray | None:
        """Return a feasible table that takes as many ``cols`` as possible to ``req``.

        Maximises ``sum(y)`` with ``y_t <= 1`` and ``y_t <= x_t - req_t + 1``
        (``sense="max"``) or ``y_t <= req_t + 1 - x_t`` (``"min"``): ``y_t``
        reaches 1 exactly when ``x_t`` is at its requirement, and the
        original rows keep ``x`` a feasible table (``y`` is free below).
        Unlike the sum of the targets, whose optimum runs along one
        unbounded direction, the capped reward spreads over all targets,
        so one solve certifies most of them. None if not solved.
        """
        import highspy

        n, k = self.a.shape[1], len(cols)
        sign = -1.0 if sense == "max" else 1.0
        link = sparse.csc_matrix(
            (
                np.r_[np.full(k, sign), np.ones(k)],
                (np.r_[np.arange(k), np.arange(k)], np.r_[cols, n + np.arange(k)]),
            ),
            shape=(k, n + k),
        )
        top = sparse.hstack([self.a, sparse.csc_matrix((self.a.shape[0], k))])
        a = sparse.vstack([top, link]).tocsc()
        inf = highspy.kHighsInf
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n + k, a.shape[0]
        lp.col_cost_ = np.r_[np.zeros(n), np.ones(k)]
        lp.col_lower_ = np.r_[np.zeros(n), np.full(k, -inf)]
        lp.col_upper_ = np.r_[np.full(n, inf), np.ones(k)]
        bound = (1.0 - req) if sense == "max" else (req + 1.0)
        lp.row_lower_ = np.r_[self.row_lower, np.full(k, -inf)]
        lp.row_upper_ = np.r_[self.row_upper, bound]
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr
        lp.a_matrix_.index_ = a.indices
        lp.a_matrix_.value_ = a.data
        h = quiet_highs()
        h.passModel(lp)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return np.asarray(h.getSolution().col_value)[:n]

    def solve_one(self, col: int, sense: str) -> np.ndarray | None:
        """Optimise one column (warm start: only its cost changes); the solution, None if unbounded."""
        if self.last != col:
            if self.last is not None:
                self.h.changeColCost(self.last, 0.0)
            self.h.changeColCost(col, 1.0)
            self.last = col
        obj = self.hs.ObjSense.kMaximize if sense == "max" else self.hs.ObjSense.kMinimize
        if not np.isfinite(self._run(obj)):
            return None
        return np.asarray(self.h.getSolution().col_value)

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
