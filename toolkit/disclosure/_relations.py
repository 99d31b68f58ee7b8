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


def _sum(values: dict[object, float], parent: object, kids: list[object]) -> Sum | None:
    if parent not in values or not kids:
        return None
    s = sum(values[k] for k in kids)
    p = values[parent]
    if abs(p - s) <= _TOL * max(1.0, p):
        return Sum(parent, tuple(kids), True)
    if s <= p + _TOL * max(1.0, p):
        return Sum(parent, tuple(kids), False)  # listed parts of a larger whole
    return None


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

    Examples
    --------
    >>> c = pd.DataFrame({"family": "f", "period": 2023, "region": ["06411"] * 3,
    ...     "coords": [("fhr", ""), ("fhr", "m"), ("fhr", "w")], "n": [8.0, 6.0, 2.0]})
    >>> c["key"] = list(zip(c["family"], c["period"], c["region"], c["coords"]))
    >>> [(s.parent[3], [k[3] for k in s.kids], s.exact) for s in structural_sums(c)]
    [(('fhr', ''), [('fhr', 'm'), ('fhr', 'w')], True)]
    """
    uniq = cells.drop_duplicates("key")
    values = dict(zip(uniq["key"], uniq["n"], strict=True))
    out: list[Sum] = []
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
                s = _sum(values, (fam, per, parent, coords), [(fam, per, k, coords) for k in ks])
                if s is not None:
                    out.append(s)
        cats: dict[tuple[str, tuple[str, ...], int], list[tuple[str, ...]]] = {}
        for region, coords in zip(g["region"], g["coords"], strict=True):
            for a, c in enumerate(coords):
                if c != TOTAL:
                    base = (*coords[:a], TOTAL, *coords[a + 1 :])
                    cats.setdefault((region, base, a), []).append(coords)
        for (region, base, _a), kids_c in cats.items():
            s = _sum(values, (fam, per, region, base), [(fam, per, region, c) for c in kids_c])
            if s is not None:
                out.append(s)
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
