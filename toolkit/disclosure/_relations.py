"""Sum relations an outsider knows from the definitions of the counts (internal).

The protection (:mod:`toolkit.disclosure._fixpoint`) and the outsider's
audit (:mod:`toolkit.disclosure.attack`) use the same relations, taken from
the true counts of a publication, not from the protection's tables:

- the region hierarchy within every family, period and breakdown cell: a
  region is the sum of the listed regions directly below it (nearest listed
  AGS ancestor); where the listed parts do not add up to the whole, they do
  not exceed it;
- every breakdown adds up to its total, axis by axis, within every region
  (also where the categories come from different indicators or are derived
  in the data, e.g. ``m = insgesamt - w`` of the official tables).

A relation is only stated where it holds in the true figures (rounded
official tables do not always add up); otherwise it is an inequality or
nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.disclosure._families import TOTAL
from toolkit.disclosure._hierarchy import ags_ancestors

__all__ = ["Sum", "SumTable", "as_relations", "structural_sums", "sum_table"]

_TOL = 1e-6


@dataclass(frozen=True)
class Sum:
    """``parent = sum(kids)`` (``exact``) or ``parent >= sum(kids)``.

    Examples
    --------
    >>> Sum("a", ("b", "c"), True).kids
    ('b', 'c')
    """

    parent: object
    kids: tuple[object, ...]
    exact: bool


def _sums(
    n: np.ndarray, kid: np.ndarray, parent: np.ndarray, group: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Group kids per parent (one hierarchy or axis): parents, kids, lengths, exactness."""
    if len(kid) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, np.zeros(0, dtype=bool)
    order = np.lexsort((kid, group))
    kid, parent, group = kid[order], parent[order], group[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    lengths = np.diff(np.r_[starts, len(kid)])
    total = np.add.reduceat(n[kid], starts)
    p = n[parent[starts]]
    tol = _TOL * np.maximum(1.0, p)
    exact = np.abs(p - total) <= tol
    keep = exact | (total <= p + tol)  # listed parts of a larger whole: an inequality
    kid_keep = np.repeat(keep, lengths)
    return parent[starts][keep], kid[kid_keep], lengths[keep], exact[keep]


@dataclass
class SumTable:
    """All sums at once: ``parents[i] (=|>=) sum(kids[offsets[i]:offsets[i+1]])``, as cell rows.

    Examples
    --------
    >>> t = SumTable(np.array(["a", "b", "c"], dtype=object), np.array([0]), np.array([1, 2]),
    ...     np.array([0, 2]), np.array([True]))
    >>> t.sums()
    [Sum(parent='a', kids=('b', 'c'), exact=True)]
    """

    keys: np.ndarray
    parents: np.ndarray
    kids: np.ndarray
    offsets: np.ndarray
    exact: np.ndarray

    def sums(self) -> list[Sum]:
        """Return the sums with their cell keys."""
        keys, kids, off = self.keys, self.kids, self.offsets
        return [
            Sum(keys[p], tuple(keys[kids[off[i] : off[i + 1]]].tolist()), bool(e))
            for i, (p, e) in enumerate(zip(self.parents, self.exact, strict=True))
        ]


def structural_sums(cells: pd.DataFrame) -> list[Sum]:
    """Region hierarchy and breakdown sums within every family and period.

    Parameters
    ----------
    cells : pandas.DataFrame
        Count cells with columns ``family, period, region, coords, n, key``
        (:func:`toolkit.disclosure._families.count_cells` plus the key).

    Returns
    -------
    list of Sum
        Each region with the listed regions directly below it (nearest listed
        AGS ancestor, same family, period and breakdown cell), and each
        breakdown cell's categories of one axis with their total.

    Examples
    --------
    >>> c = pd.DataFrame({"family": "f", "period": 2023, "region": ["06411"] * 3,
    ...     "coords": [("fhr", ""), ("fhr", "m"), ("fhr", "w")], "n": [8.0, 6.0, 2.0]})
    >>> c["key"] = list(zip(c["family"], c["period"], c["region"], c["coords"]))
    >>> [(s.parent[3], [k[3] for k in s.kids], s.exact) for s in structural_sums(c)]
    [(('fhr', ''), [('fhr', 'm'), ('fhr', 'w')], True)]
    """
    return sum_table(cells).sums()


def sum_table(cells: pd.DataFrame) -> SumTable:
    """Return the sums of :func:`structural_sums` as arrays of cell rows (large publications).

    Examples
    --------
    >>> c = pd.DataFrame({"family": "f", "period": 2023, "region": ["17", "17001", "17002"],
    ...     "coords": [()] * 3, "n": [9.0, 2.0, 7.0]})
    >>> c["key"] = list(zip(c["family"], c["period"], c["region"], c["coords"]))
    >>> t = sum_table(c)
    >>> t.parents.tolist(), t.kids.tolist(), t.exact.tolist()
    ([0], [1, 2], [True])
    """
    uniq = cells.drop_duplicates("key")
    m = len(uniq)
    keys = np.empty(m, dtype=object)
    keys[:] = uniq["key"].tolist()
    n = uniq["n"].to_numpy(dtype=float)
    fp, _ = pd.factorize(pd.MultiIndex.from_arrays([uniq["family"], uniq["period"]]))
    coords_of = uniq["coords"].tolist()
    pos: dict[tuple[str, ...], int] = {}
    cid = np.asarray([pos.setdefault(c, len(pos)) for c in coords_of], dtype=np.int64)
    coords = list(pos)
    rid, regions = pd.factorize(uniq["region"].astype(str))
    row_of = pd.Series(np.arange(m), index=pd.MultiIndex.from_arrays([fp, cid, rid]))
    # region hierarchy: the nearest ancestor listed in the same family, period and cell
    region_id = {r: i for i, r in enumerate(regions)}
    ancestors = [[region_id.get(a, -1) for a in ags_ancestors(r)] for r in regions]
    depth = max((len(a) for a in ancestors), default=0)
    parent = np.full(m, -1, dtype=np.int64)
    for level in range(depth):
        up = np.asarray([a[level] if level < len(a) else -1 for a in ancestors])[rid]
        todo = np.flatnonzero((parent < 0) & (up >= 0))
        if len(todo) == 0:
            continue
        look = row_of.reindex(pd.MultiIndex.from_arrays([fp[todo], cid[todo], up[todo]]))
        hit = look.notna().to_numpy()
        parent[todo[hit]] = look.to_numpy()[hit].astype(np.int64)
    kid = np.flatnonzero(parent >= 0)
    parts = [_sums(n, kid, parent[kid], parent[kid])]
    # breakdowns: the categories of one axis add up to the cell with that axis at its total
    kids, parents, groups = [], [], []
    width = max((len(c) for c in coords), default=0)
    for a in range(width):
        base = [
            (*c[:a], TOTAL, *c[a + 1 :]) if len(c) > a and c[a] != TOTAL else None for c in coords
        ]
        base_id = np.asarray([pos.get(b, -1) if b is not None else -1 for b in base])[cid]
        rows = np.flatnonzero(base_id >= 0)
        if len(rows) == 0:
            continue
        look = row_of.reindex(pd.MultiIndex.from_arrays([fp[rows], base_id[rows], rid[rows]]))
        hit = look.notna().to_numpy()
        kids.append(rows[hit])
        parents.append(look.to_numpy()[hit].astype(np.int64))
        groups.append(parents[-1] * width + a)
    if kids:
        k, p, g = (np.concatenate(x) for x in (kids, parents, groups))
        parts.append(_sums(n, k, p, g))
    par, kid_rows, lengths, exact = (np.concatenate(x) for x in zip(*parts, strict=True))
    return SumTable(keys, par, kid_rows, np.r_[0, np.cumsum(lengths)].astype(np.int64), exact)


def as_relations(sums: list[Sum]) -> list[tuple[dict[object, float], str, float]]:
    """Write sums as linear relations ``({key: coefficient}, sense, rhs)``.

    Examples
    --------
    >>> as_relations([Sum("a", ("b",), False)])
    [({'a': -1.0, 'b': 1.0}, '<=', 0.0)]
    """
    rels = []
    for s in sums:
        coefs = {s.parent: 1.0}
        for k in s.kids:
            coefs[k] = coefs.get(k, 0.0) - 1.0
        if s.exact:
            rels.append((coefs, "=", 0.0))
        else:
            rels.append(({k: -v for k, v in coefs.items()}, "<=", 0.0))
    return rels
