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

import numpy as np

from toolkit.disclosure._linked import LinkedTables
from toolkit.disclosure._lp import System
from toolkit.disclosure._relations import Sum

__all__ = ["FixpointResult", "suppress_fixpoint"]


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
    def __init__(self, linked: LinkedTables, sums: list[Sum]) -> None:
        ids: dict[object, int] = {}
        value: list[float] = []
        published: list[bool] = []
        real: list[bool] = []
        rels: set[tuple[int, ...]] = set()
        for t, keys in zip(linked.tables, linked.keys, strict=True):
            flat_keys = keys.ravel().tolist()
            vals = t.values.ravel()
            pub = t.published.ravel()
            rl = t.real.ravel()
            local = np.empty(len(flat_keys), dtype=np.int64)
            for f, k in enumerate(flat_keys):
                i = ids.get(k)
                if i is None:
                    i = ids[k] = len(value)
                    value.append(float(vals[f]))
                    published.append(bool(pub[f]))
                    real.append(bool(rl[f]))
                else:
                    published[i] = published[i] or bool(pub[f])
                    real[i] = real[i] or bool(rl[f])
                local[f] = i
            for parent, kids in t.constraints():
                rels.add((int(local[parent]), *sorted(int(local[k]) for k in kids)))
        bounds: set[tuple[int, ...]] = set()
        for s in sums:
            members = [ids.get(k) for k in (s.parent, *s.kids)]
            if any(m is None for m in members):
                continue  # a count left out of the tables (negative): no relation
            rel = (int(members[0]), *sorted(int(m) for m in members[1:]))  # type: ignore[arg-type]
            (rels if s.exact else bounds).add(rel)
        self.ids = ids
        self.keys = list(ids)
        self.value = np.asarray(value)
        self.published = np.asarray(published, dtype=bool)
        self.real = np.asarray(real, dtype=bool)
        # equalities first; then parts that do not exceed their whole (parent >= sum)
        self.rels = sorted(rels) + sorted(bounds - rels)
        self.exact = np.arange(len(self.rels)) < len(rels)
        self.of_var: list[list[int]] = [[] for _ in value]
        for r, members in enumerate(self.rels):
            for v in members:
                self.of_var[v].append(r)


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
    sums: list[Sum] | None = None,
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
    sums : list of Sum, optional
        Relations an outsider knows besides the tables' own
        (:func:`toolkit.disclosure._relations.structural_sums`): breakdowns
        and hierarchies of tables that could not be built as one grid.
    protection : float, default 1
        Required distance of the feasible interval's ends from the value.
    max_rounds : int, default 50
        Safety limit of attack rounds.

    Returns
    -------
    FixpointResult
    """
    p = _Problem(linked, sums or [])
    seeds = np.zeros(len(p.value), dtype=bool)
    for k in sensitive:
        i = p.ids.get(k)
        if i is not None:
            seeds[i] = True
    sens = (p.real & (p.value > 0) & (p.value < min_count)) | seeds
    hidden = sens | ~p.published
    guard = sens | (hidden & p.published)
    queue: deque[int] = deque(range(len(p.rels)))
    rounds = attacked = 0
    known_vals = dict(enumerate(p.value.tolist()))
    rels = [
        (
            {
                m: (1.0 if j == 0 else -1.0) * (1.0 if exact else -1.0)
                for j, m in enumerate(members)
            },
            "=" if exact else "<=",
            0.0,
        )
        for members, exact in zip(p.rels, p.exact, strict=True)
    ]
    targets = np.flatnonzero(sens)
    tries: dict[int, int] = {}
    trace: list[tuple[int, int, int]] = []
    while True:
        _sweep(p, hidden, guard, queue)
        rounds += 1
        system = System(rels, known_vals, set(np.flatnonzero(~hidden).tolist()), integer=False)
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
