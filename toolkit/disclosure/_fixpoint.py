"""Secondary suppression of all linked tables at once, iterated to a fixed point (internal).

Every cell of every linked table is one variable (cells with the same key
are one), every additivity constraint of every table one relation. Then:

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

__all__ = ["FixpointResult", "narrowed", "suppress_fixpoint"]


@dataclass
class FixpointResult:
    """Outcome: hidden and sensitive keys, rounds, LP attacks, cells still weak (should be none).

    ``trace`` has per round (cells attacked, cells too weak, cells hidden).
    """

    hidden: set[object]
    sensitive: set[object]
    rounds: int
    attacked: int
    weak: set[object]
    trace: list[tuple[int, int, int]]


class _Problem:
    def __init__(self, linked: LinkedTables, sums: SumTable | None) -> None:
        flat = [k.ravel() for k in linked.keys]
        sizes = [len(k) for k in flat]
        all_keys = np.concatenate(flat) if flat else np.empty(0, dtype=object)
        codes, uniq = pd.factorize(all_keys)  # ids in order of first appearance
        n = len(uniq)
        vals = np.concatenate([t.values.ravel() for t in linked.tables]) if flat else np.zeros(0)
        pub = np.concatenate([t.published.ravel() for t in linked.tables]) if flat else vals > 0
        rl = np.concatenate([t.real.ravel() for t in linked.tables]) if flat else vals > 0
        _, first = np.unique(codes, return_index=True)
        self.keys = list(uniq)
        self.ids = dict(zip(self.keys, range(n), strict=True))
        self.value = vals[first].astype(float)
        self.published = np.bincount(codes, weights=pub.astype(float), minlength=n) > 0
        self.real = np.bincount(codes, weights=rl.astype(float), minlength=n) > 0
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
        self.rels = sorted(rels) + sorted(bounds - rels)
        self.exact = np.arange(len(self.rels)) < len(rels)
        self.of_var: list[list[int]] = [[] for _ in range(n)]
        for r, members in enumerate(self.rels):
            for v in members:
                self.of_var[v].append(r)
        # one row per relation: +parent - kids (= 0), or kids - parent (<= 0)
        lengths = np.fromiter(map(len, self.rels), dtype=np.int64, count=len(self.rels))
        cols = np.fromiter(chain.from_iterable(self.rels), dtype=np.int64, count=int(lengths.sum()))
        sign = np.where(self.exact, 1.0, -1.0)
        data = -np.repeat(sign, lengths)
        heads = np.r_[0, np.cumsum(lengths)[:-1]] if len(lengths) else lengths
        data[heads] = sign
        rows = np.repeat(np.arange(len(self.rels)), lengths)
        self.matrix = sparse.csc_matrix((data, (rows, cols)), shape=(len(self.rels), n))

    def mask(self, keys: set[object]) -> np.ndarray:
        """Return the variables of ``keys`` (keys not in the problem are left out)."""
        out = np.zeros(len(self.value), dtype=bool)
        ids = [i for k in keys if (i := self.ids.get(k)) is not None]
        out[ids] = True
        return out

    def system(self, hidden: np.ndarray) -> System:
        """Return the attacker's LP when the cells ``hidden`` are not published."""
        known = np.flatnonzero(~hidden)
        b = -(self.matrix[:, known] @ self.value[known])
        unknown = np.flatnonzero(hidden)
        a = self.matrix[:, unknown].tocsr()
        unknown = unknown[np.diff(a.tocsc().indptr) > 0]  # in no relation: nothing bounds it
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


def _partner(p: _Problem, members: tuple[int, ...], hidden: np.ndarray) -> int | None:
    """Smallest published non-zero member not yet hidden; a zero one if there is no other."""
    best, best_v, zero = None, np.inf, None
    for v in members:
        if hidden[v] or not p.published[v]:
            continue
        if 0 < p.value[v] < best_v:
            best, best_v = v, p.value[v]
        elif p.value[v] == 0 and zero is None:
            zero = v
    return best if best is not None else zero


def _sweep(p: _Problem, hidden: np.ndarray, guard: np.ndarray, queue: deque[int]) -> None:
    """Hide partners until no relation holds exactly one guarded hidden cell."""
    while queue:
        r = queue.popleft()
        if not p.exact[r]:
            continue  # a bound, not a sum: the attack decides whether it narrows
        members = p.rels[r]
        inside = [v for v in members if hidden[v]]
        if len(inside) != 1 or not guard[inside[0]]:
            continue
        v = _partner(p, members, hidden)
        if v is None:
            continue
        hidden[v] = True
        guard[v] = True
        queue.extend(p.of_var[v])


def _relations_near(p: _Problem, v: int, hidden: np.ndarray, hops: int) -> list[int]:
    """Relations of ``v`` and, ``hops`` steps further, of the hidden cells they share."""
    cells, rels = {v}, list(p.of_var[v])
    frontier = {v}
    for _ in range(hops):
        nxt = set()
        for u in frontier:
            for r in p.of_var[u]:
                nxt.update(m for m in p.rels[r] if hidden[m] and m not in cells)
        cells |= nxt
        frontier = nxt
        rels += [r for u in nxt for r in p.of_var[u]]
    return list(dict.fromkeys(rels))


def suppress_fixpoint(
    linked: LinkedTables,
    *,
    min_count: int,
    sensitive: set[object],
    sums: SumTable | None = None,
    protection: float = 1.0,
    max_rounds: int = 50,
) -> FixpointResult:
    """Hide cells until no sensitive cell can be narrowed below ``protection``.

    Parameters
    ----------
    linked : LinkedTables
        Tables of the publication with global keys.
    min_count : int
        Counts 1 to ``min_count - 1`` of real cells are sensitive.
    sensitive : set
        Further sensitive keys (group disclosure).
    sums : SumTable, optional
        Relations an outsider knows besides the tables' own
        (:func:`toolkit.disclosure._relations.sum_table`): breakdowns
        and hierarchies of tables that could not be built as one grid.
    protection : float, default 1
        Required distance of the feasible interval's ends from the value.
    max_rounds : int, default 50
        Safety limit of attack rounds.

    Returns
    -------
    FixpointResult
    """
    p = _Problem(linked, sums)
    seeds = p.mask(sensitive)
    sens = (p.real & (p.value > 0) & (p.value < min_count)) | seeds
    hidden = sens | ~p.published
    guard = sens | (hidden & p.published)
    queue: deque[int] = deque(range(len(p.rels)))
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
        mask = system.weak(targets.tolist(), np.maximum(0.0, x - protection), x + protection)
        weak = targets[mask].tolist()
        trace.append((len(targets), len(weak), int(hidden.sum())))
        if not weak or rounds >= max_rounds:
            break
        count = int(hidden.sum())
        for v in weak:
            tries[v] = tries.get(v, 0) + 1
            for r in _relations_near(p, v, hidden, tries[v] - 1):
                w = _partner(p, p.rels[r], hidden)
                if w is not None:
                    hidden[w] = True
                    guard[w] = True
                    queue.extend(p.of_var[w])
        if int(hidden.sum()) == count and all(t > 4 for t in tries.values()):
            break  # no relation near a weak cell has a cell left to hide
        # hiding more cells only widens intervals: protected cells stay protected
        targets = np.asarray(weak, dtype=np.int64)
    hidden_keys = {p.keys[i] for i in np.flatnonzero(hidden & p.published)}
    sens_keys = {p.keys[i] for i in np.flatnonzero(sens)}
    weak_keys = {p.keys[i] for i in weak}
    return FixpointResult(hidden_keys, sens_keys, rounds, attacked, weak_keys, trace)


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
    counts, as in the last step of :func:`suppress_fixpoint`; used to check
    a pattern made another way (``engine="tau-argus"``).
    """
    p = _Problem(linked, sums)
    mask = p.mask(hidden) | ~p.published
    targets = np.asarray(
        sorted(i for k in sensitive if (i := p.ids.get(k)) is not None and mask[i]), dtype=np.int64
    )
    x = p.value[targets]
    weak = p.system(mask).weak(targets.tolist(), np.maximum(0.0, x - protection), x + protection)
    shown = [p.keys[i] for k in sensitive if (i := p.ids.get(k)) is not None and not mask[i]]
    return {p.keys[i] for i in targets[weak]} | set(shown)
