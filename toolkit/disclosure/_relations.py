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

__all__ = ["Sum", "as_relations", "structural_sums"]

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
    keys: np.ndarray, n: np.ndarray, kid: np.ndarray, parent: np.ndarray, group: np.ndarray
) -> list[Sum]:
    """Return the sums of kids per group (the kids of one parent along one hierarchy or axis)."""
    if len(kid) == 0:
        return []
    order = np.lexsort((kid, group))
    kid, parent, group = kid[order], parent[order], group[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    total = np.add.reduceat(n[kid], starts)
    p = n[parent[starts]]
    tol = _TOL * np.maximum(1.0, p)
    exact = np.abs(p - total) <= tol
    keep = exact | (total <= p + tol)  # listed parts of a larger whole: an inequality
    bounds = np.r_[starts, len(kid)]
    out = []
    for i in np.flatnonzero(keep):
        kids = tuple(keys[kid[bounds[i] : bounds[i + 1]]].tolist())
        out.append(Sum(keys[parent[starts[i]]], kids, bool(exact[i])))
    return out


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
    uniq = cells.drop_duplicates("key")
    m = len(uniq)
    if m == 0:
        return []
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
    out = _sums(keys, n, kid, parent[kid], parent[kid])
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
        out += _sums(keys, n, k, p, g)
    return out


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
