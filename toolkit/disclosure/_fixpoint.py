"""Secondary suppression of all sums at once, iterated to a fixed point (internal).

Every count cell is one variable and every sum one relation
(:mod:`toolkit.disclosure._variables`: integer ids, the relations as
arrays; for ``engine="tau-argus"``'s check the cells of its linked tables,
:meth:`Problem.from_linked`). Then:

1. *Singleton rule*: no relation may contain exactly one hidden cell that
   needs protection (it would equal the published rest of the relation).
   Such a relation gets one more hidden cell: its smallest published,
   non-zero member (a zero partner protects nothing upwards). Repeated
   until no relation has a singleton.
2. *Attack*: for every sensitive hidden cell, the attacker's linear
   programmes over all relations of all tables give its feasible interval.
   Where it is narrower than the required protection, every relation of
   the cell gets one more hidden cell; back to 1, attacking only the cells
   that were too weak (hiding more cells only relaxes the attacker's
   system, so an interval never shrinks).

Hidden cells only grow, so the iteration ends; at the end no sensitive
cell can be narrowed below its protection by any combination of the
relations (the LP check of step 2 passed).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from itertools import chain

import numpy as np
import pandas as pd
from scipy import sparse

from toolkit.disclosure._linked import LinkedTables
from toolkit.disclosure._lp import System
from toolkit.disclosure._relations import SumTable

#: Rounds in which large parts are checked by capped LPs only (:meth:`System.weak`, ``exact``).
_QUICK_ROUNDS = 3

__all__ = ["FixpointResult", "Problem", "narrowed", "sensitive_mask", "suppress"]


@dataclass
class FixpointResult:
    """Outcome: masks of hidden and sensitive variables, rounds, LP attacks, still weak ids.

    ``trace`` has per round (cells attacked, cells too weak, cells hidden);
    ``weak`` should be empty.
    """

    hidden: np.ndarray
    sensitive: np.ndarray
    rounds: int
    attacked: int
    weak: list[int]
    trace: list[tuple[int, int, int]]


class Problem:
    """Variables and relations (``ptr``/``idx`` as in :class:`~toolkit.disclosure._variables.Variables`).

    Examples
    --------
    >>> p = Problem(np.array([9.0, 2.0, 7.0]), np.ones(3, bool), np.ones(3, bool),
    ...     np.array([0, 3]), np.array([0, 1, 2]), np.array([True]))
    >>> p.members(0).tolist(), p.relations_of(2).tolist()
    ([0, 1, 2], [0])
    """

    def __init__(
        self,
        value: np.ndarray,
        published: np.ndarray,
        real: np.ndarray,
        ptr: np.ndarray,
        idx: np.ndarray,
        exact: np.ndarray,
    ) -> None:
        n, m = len(value), len(ptr) - 1
        self.value, self.published, self.real = value.astype(float), published, real
        self.ptr, self.idx, self.exact = ptr, idx, exact
        lengths = np.diff(ptr)
        rows = np.repeat(np.arange(m), lengths)
        # relations of every variable (the transpose)
        order = np.argsort(idx, kind="stable")
        self.vrel = rows[order]
        self.vptr = np.r_[0, np.cumsum(np.bincount(idx, minlength=n))].astype(np.int64)
        # one row per relation: +whole - parts (= 0), or parts - whole (<= 0)
        sign = np.where(exact, 1.0, -1.0)
        data = -np.repeat(sign, lengths)
        data[ptr[:-1]] = sign
        self.matrix = sparse.csc_matrix((data, (rows, idx)), shape=(m, n))

    @classmethod
    def from_linked(cls, linked: LinkedTables, sums: SumTable | None) -> tuple[Problem, list]:
        """Return the problem of linked tables (and sums) and the key of every variable."""
        flat = [k.ravel() for k in linked.keys]
        sizes = [len(k) for k in flat]
        all_keys = np.concatenate(flat) if flat else np.empty(0, dtype=object)
        codes, uniq = pd.factorize(all_keys)  # ids in order of first appearance
        n = len(uniq)
        vals = np.concatenate([t.values.ravel() for t in linked.tables]) if flat else np.zeros(0)
        pub = np.concatenate([t.published.ravel() for t in linked.tables]) if flat else vals > 0
        rl = np.concatenate([t.real.ravel() for t in linked.tables]) if flat else vals > 0
        _, first = np.unique(codes, return_index=True)
        rels: set[tuple[int, ...]] = set()
        start = 0
        for t, size in zip(linked.tables, sizes, strict=True):
            local = codes[start : start + size]
            start += size
            for parent, kids in t.constraints():
                rels.add((int(local[parent]), *sorted(local[kids].tolist())))
        bounds: set[tuple[int, ...]] = set()
        if sums is not None and len(sums.parents):
            for rel, exact in _sum_relations(sums, uniq):
                (rels if exact else bounds).add(rel)
        # equalities first; then parts that do not exceed their whole (parent >= sum)
        ordered = sorted(rels) + sorted(bounds - rels)
        lengths = np.fromiter(map(len, ordered), dtype=np.int64, count=len(ordered))
        idx = np.fromiter(chain.from_iterable(ordered), dtype=np.int64, count=int(lengths.sum()))
        problem = cls(
            vals[first].astype(float),
            np.bincount(codes, weights=pub.astype(float), minlength=n) > 0,
            np.bincount(codes, weights=rl.astype(float), minlength=n) > 0,
            np.r_[0, np.cumsum(lengths)].astype(np.int64),
            idx,
            np.arange(len(ordered)) < len(rels),
        )
        return problem, list(uniq)

    def members(self, r: int) -> np.ndarray:
        """Return the variables of relation ``r``, its whole first."""
        return self.idx[self.ptr[r] : self.ptr[r + 1]]

    def relations_of(self, v: int) -> np.ndarray:
        """Return the relations variable ``v`` is a member of."""
        return self.vrel[self.vptr[v] : self.vptr[v + 1]]

    def system(self, hidden: np.ndarray) -> System:
        """Return the attacker's LP when the cells ``hidden`` are not published."""
        known = np.flatnonzero(~hidden)
        b = -(self.matrix[:, known] @ self.value[known])
        unknown = np.flatnonzero(hidden)
        a = self.matrix[:, unknown]
        unknown = unknown[np.diff(a.indptr) > 0]  # in no relation: nothing bounds it
        a = self.matrix[:, unknown].tocsr()
        used = np.diff(a.indptr) > 0
        eq, ub = used & self.exact, used & ~self.exact
        return System.from_arrays(unknown.tolist(), a[eq], b[eq], a[ub], b[ub])


def _sum_relations(sums: SumTable, var_keys: np.ndarray) -> list[tuple[tuple[int, ...], bool]]:
    """Return the sums as relations over variable ids (parent first, kids sorted).

    Sums with a count left out of the tables (a negative one) are dropped.
    """
    index = pd.Index(var_keys, dtype=object, tupleize_cols=False)
    ids = index.get_indexer(pd.Index(sums.keys, dtype=object, tupleize_cols=False))
    lengths = np.diff(sums.offsets)
    group = np.repeat(np.arange(len(lengths)), lengths)
    kid_ids = ids[sums.kids]
    order = np.lexsort((kid_ids, group))
    kid_ids = kid_ids[order]
    par_ids = ids[sums.parents]
    ok = par_ids >= 0
    if len(kid_ids):
        ok &= np.minimum.reduceat(kid_ids, sums.offsets[:-1]) >= 0
    flat, off, par = kid_ids.tolist(), sums.offsets.tolist(), par_ids.tolist()
    exact = sums.exact.tolist()
    return [((par[i], *flat[off[i] : off[i + 1]]), exact[i]) for i in np.flatnonzero(ok).tolist()]


def _partner(p: Problem, members: np.ndarray, hidden: np.ndarray) -> int | None:
    """Smallest published non-zero member not yet hidden; a zero one if there is no other."""
    free = members[~hidden[members] & p.published[members]]
    if len(free) == 0:
        return None
    vals = p.value[free]
    pos = vals > 0
    if pos.any():
        return int(free[pos][np.argmin(vals[pos])])
    zero = free[vals == 0]
    return int(zero[0]) if len(zero) else None


def _singletons(p: Problem, hidden: np.ndarray, guard: np.ndarray) -> np.ndarray:
    """Exact relations with exactly one hidden member, which is guarded (in order)."""
    if len(p.exact) == 0:
        return np.zeros(0, dtype=np.int64)
    h = hidden[p.idx]
    count = np.add.reduceat(h.astype(np.int64), p.ptr[:-1])
    which = np.maximum.reduceat(np.where(h, p.idx, -1), p.ptr[:-1])
    one = p.exact & (count == 1)
    return np.flatnonzero(one & guard[np.where(one, which, 0)])


def _sweep(p: Problem, hidden: np.ndarray, guard: np.ndarray, queue: deque[int]) -> None:
    """Hide partners until no relation holds exactly one guarded hidden cell."""
    while queue:
        r = queue.popleft()
        if not p.exact[r]:
            continue  # a bound, not a sum: the attack decides whether it narrows
        members = p.members(r)
        inside = members[hidden[members]]
        if len(inside) != 1 or not guard[inside[0]]:
            continue
        v = _partner(p, members, hidden)
        if v is None:
            continue
        hidden[v] = True
        guard[v] = True
        queue.extend(p.relations_of(v).tolist())


def _relations_near(p: Problem, v: int, hidden: np.ndarray, hops: int) -> list[int]:
    """Relations of ``v`` and, ``hops`` steps further, of the hidden cells they share.

    Visited in the order of the variable ids (not of a set's hashes), so the
    result does not depend on which other periods are in the problem.
    """
    cells, rels = {v}, p.relations_of(v).tolist()
    frontier = [v]
    for _ in range(hops):
        nxt: set[int] = set()
        for u in frontier:
            for r in p.relations_of(u).tolist():
                nxt.update(m for m in p.members(r).tolist() if hidden[m] and m not in cells)
        cells |= nxt
        frontier = sorted(nxt)
        rels += [r for u in frontier for r in p.relations_of(u).tolist()]
    return list(dict.fromkeys(rels))


def suppress(
    p: Problem,
    sensitive: np.ndarray,
    *,
    protection: float = 1.0,
    max_rounds: int = 50,
) -> FixpointResult:
    """Hide cells until no sensitive cell can be narrowed below ``protection``.

    Parameters
    ----------
    p : Problem
        Variables and relations of the publication (or of one period).
    sensitive : numpy.ndarray of bool
        Sensitive variables (frequency rule, group disclosure).
    protection : float, default 1
        Required distance of the feasible interval's ends from the value.
    max_rounds : int, default 50
        Safety limit of attack rounds.

    Returns
    -------
    FixpointResult

    Examples
    --------
    >>> p = Problem(np.array([30.0, 2.0, 12.0, 16.0]), np.ones(4, bool), np.ones(4, bool),
    ...     np.array([0, 4]), np.array([0, 1, 2, 3]), np.array([True]))
    >>> np.flatnonzero(suppress(p, p.value < 3).hidden).tolist()
    [1, 2]
    """
    sens = sensitive.copy()
    hidden = sens | ~p.published
    guard = sens | (hidden & p.published)
    queue: deque[int] = deque(_singletons(p, hidden, guard).tolist())
    rounds = attacked = 0
    targets = np.flatnonzero(sens)
    tries: dict[int, int] = {}
    trace: list[tuple[int, int, int]] = []
    while True:
        _sweep(p, hidden, guard, queue)
        rounds += 1
        system = p.system(hidden)
        attacked += len(targets)
        x = p.value[targets]
        # first rounds: large parts only by capped LPs (a target they leave open gets
        # partners at once, without its own slow LP); later rounds decide exactly
        mask = system.weak(
            targets.tolist(),
            np.maximum(0.0, x - protection),
            x + protection,
            exact=rounds > _QUICK_ROUNDS,
        )
        weak = targets[mask].tolist()
        trace.append((len(targets), len(weak), int(hidden.sum())))
        if not weak or rounds >= max_rounds:
            break
        count = int(hidden.sum())
        for v in weak:
            tries[v] = tries.get(v, 0) + 1
            for r in _relations_near(p, v, hidden, tries[v] - 1):
                w = _partner(p, p.members(r), hidden)
                if w is not None:
                    hidden[w] = True
                    guard[w] = True
                    queue.extend(p.relations_of(w).tolist())
        if int(hidden.sum()) == count and all(t > 4 for t in tries.values()):
            break  # no relation near a weak cell has a cell left to hide
        # hiding more cells only widens intervals: protected cells stay protected
        targets = np.asarray(weak, dtype=np.int64)
    return FixpointResult(hidden & p.published, sens, rounds, attacked, weak, trace)


def sensitive_mask(p: Problem, min_count: int, seeds: np.ndarray | None = None) -> np.ndarray:
    """Real counts from 1 to ``min_count - 1``, and the ``seeds`` (group disclosure).

    Examples
    --------
    >>> p = Problem(np.array([5.0, 2.0, 3.0]), np.ones(3, bool), np.ones(3, bool),
    ...     np.array([0, 3]), np.array([0, 1, 2]), np.array([True]))
    >>> sensitive_mask(p, 3).tolist()
    [False, True, False]
    """
    sens = p.real & (p.value > 0) & (p.value < min_count)
    return sens | seeds if seeds is not None else sens


def narrowed(
    linked: LinkedTables,
    sums: SumTable | None,
    hidden: set[object],
    sensitive: set[object],
    *,
    protection: float = 1.0,
) -> set[object]:
    """Sensitive keys an outsider narrows below ``protection`` when ``hidden`` is not shown.

    The attacker's LP over every table relation and every sum of the true
    counts, as in the last step of :func:`suppress`; used to check a pattern
    made another way (``engine="tau-argus"``).
    """
    p, keys = Problem.from_linked(linked, sums)
    ids = {k: i for i, k in enumerate(keys)}
    mask = ~p.published
    mask[[i for k in hidden if (i := ids.get(k)) is not None]] = True
    targets = np.asarray(
        sorted(i for k in sensitive if (i := ids.get(k)) is not None and mask[i]), dtype=np.int64
    )
    x = p.value[targets]
    weak = p.system(mask).weak(targets.tolist(), np.maximum(0.0, x - protection), x + protection)
    shown = [keys[i] for k in sensitive if (i := ids.get(k)) is not None and not mask[i]]
    return {keys[i] for i in targets[weak]} | set(shown)
