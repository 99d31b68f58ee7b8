"""The unknowns and sums of one period, built straight from its count cells (internal).

Every distinct count cell ``(family, period, region, coords)`` is one
variable with an integer id; every sum an outsider knows from the
definitions of the counts (:func:`toolkit.disclosure._relations.sum_table`:
the region hierarchy and every breakdown, taken from the true counts) is
one relation ``parent = sum(kids)``. Where the listed parts fall short of
their whole, the difference is an unpublished *rest* variable of the
relation (the other Länder below ``DG``, an unlisted category): the
frequency rule applies to it like to any count, so a rest of 1 or 2 is
protected as well. A category count of a breakdown that does not add up
and that equals its region's total is the same variable as that total (a
repeated denominator).

No grid of every code combination is built, as the linked tables of
``engine="tau-argus"`` do (:mod:`toolkit.disclosure._linked`): a cell
absent from the frame is no variable, which for an outsider is the same as a
known zero. Everything is arrays of integers and floats, so one period of
the 400-Kreise Land (2 million count cells) takes seconds and a few
hundred megabytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.disclosure._families import TOTAL, count_cells
from toolkit.disclosure._relations import sum_table

__all__ = ["Variables", "build_variables", "csr_relations"]


@dataclass
class Variables:
    """Variables and relations of a protection problem, as arrays.

    Attributes
    ----------
    value, published, real : numpy.ndarray
        Per variable: the true count, whether it is printed (rests are not)
        and whether the safety rules apply to it.
    ptr, idx : numpy.ndarray
        Relation ``r`` has the members ``idx[ptr[r]:ptr[r + 1]]``, its
        whole first.
    exact : numpy.ndarray of bool
        Per relation: ``whole = sum(parts)``, else ``whole >= sum(parts)``.
    cell_var : numpy.ndarray
        Variable of every row of ``cells`` (-1: none).
    cells : pandas.DataFrame
        The count cells (:func:`toolkit.disclosure._families.count_cells`).
    """

    value: np.ndarray
    published: np.ndarray
    real: np.ndarray
    ptr: np.ndarray
    idx: np.ndarray
    exact: np.ndarray
    cell_var: np.ndarray
    cells: pd.DataFrame


def csr_relations(
    parents: np.ndarray, kids: np.ndarray, offsets: np.ndarray, extra: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``ptr, idx`` of relations ``[parent, kids..., extra]`` (extra -1: none).

    Examples
    --------
    >>> ptr, idx = csr_relations(np.array([0, 3]), np.array([1, 2, 4]), np.array([0, 2, 3]),
    ...     np.array([-1, 5]))
    >>> ptr.tolist(), idx.tolist()
    ([0, 3, 6], [0, 1, 2, 3, 4, 5])
    """
    n_kids = np.diff(offsets)
    has_extra = np.zeros(len(parents), dtype=bool) if extra is None else extra >= 0
    lengths = 1 + n_kids + has_extra
    ptr = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    idx = np.empty(int(ptr[-1]), dtype=np.int64)
    idx[ptr[:-1]] = parents
    # kid j of relation i sits after the parent: start of i + 1 + (j - offsets[i])
    owner = np.repeat(np.arange(len(parents)), n_kids)
    idx[ptr[:-1][owner] + 1 + np.arange(len(kids)) - offsets[:-1][owner]] = kids
    if extra is not None:
        idx[ptr[1:][has_extra] - 1] = extra[has_extra]
    return ptr, idx


def _keys(cells: pd.DataFrame) -> np.ndarray:
    """Integer id of every cell's ``(family, period, region, coords)``, in sorted order."""
    # sorted codes: a cell's id does not depend on which other cells (periods) are built
    codes = [pd.factorize(cells[c], sort=True)[0] for c in ("family", "period", "region", "coords")]
    sizes = [int(c.max()) + 1 if len(c) else 1 for c in codes]
    if np.prod([float(s) for s in sizes]) < 2.0**62:
        combined = np.zeros(len(cells), dtype=np.int64)
        for c, s in zip(codes, sizes, strict=True):
            combined = combined * s + c
        return np.unique(combined, return_inverse=True)[1].astype(np.int64)
    stacked = np.stack(codes, axis=1)
    return np.unique(stacked, axis=0, return_inverse=True)[1].ravel().astype(np.int64)


def _split_conflicts(cells: pd.DataFrame, frame: pd.DataFrame, key: np.ndarray) -> np.ndarray:
    """Cells a declared family maps to one key but with different values get their own family."""
    n = cells["n"].to_numpy(dtype=float)
    by_key = pd.Series(n).groupby(key)
    bad = (by_key.transform("max") - by_key.transform("min")).to_numpy() > 1e-9
    if not bad.any():
        return key
    ind = frame["indicator"].astype(str).to_numpy()[cells["row"].to_numpy()[bad]]
    fam = cells["family"].to_numpy(dtype=object).copy()
    fam[bad] = [f"{i}:{q}" for i, q in zip(ind, cells["quantity"].to_numpy()[bad], strict=True)]
    cells["family"] = fam
    return _keys(cells)


def _canonical(
    parents: np.ndarray, kids: np.ndarray, offsets: np.ndarray, exact: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sort the parts of every sum, and the sums by whole and first part.

    The order of the sums is the order in which the protection visits them;
    sorted by variable ids it is the same whether one period or several are
    built together.
    """
    lengths = np.diff(offsets)
    owner = np.repeat(np.arange(len(parents)), lengths)
    kids = kids[np.lexsort((kids, owner))]
    first = kids[offsets[:-1]] if len(kids) else np.zeros(0, dtype=np.int64)
    order = np.lexsort((first, parents))
    starts = offsets[:-1][order]
    take = np.repeat(starts, lengths[order]) + (
        np.arange(int(lengths.sum()))
        - np.repeat(np.cumsum(np.r_[0, lengths[order]])[:-1], lengths[order])
    )
    new_offsets = np.r_[0, np.cumsum(lengths[order])].astype(np.int64)
    return parents[order], kids[take], new_offsets, exact[order]


def _aliases(
    cells: pd.DataFrame, key: np.ndarray, n: np.ndarray, kid_of_breakdown: np.ndarray
) -> np.ndarray:
    """Map every variable to itself, or a category equal to its region's total to that total.

    Only categories that are part of no breakdown sum (their breakdown does not
    add up) are mapped; the total is the cell with every axis at its total.
    """
    out = np.arange(len(n), dtype=np.int64)
    codes, first = pd.factorize(cells["coords"])
    at_total = np.array([all(c == TOTAL for c in t) for t in first], dtype=bool)[codes]
    fam_reg = pd.MultiIndex.from_arrays([cells["family"], cells["period"], cells["region"]])
    group, _ = pd.factorize(fam_reg)
    total_of = np.full(int(group.max()) + 1 if len(group) else 0, -1, dtype=np.int64)
    total_of[group[at_total]] = key[at_total]
    cand = ~at_total & ~kid_of_breakdown[key] & (total_of[group] >= 0)
    same = cand.copy()
    same[cand] = np.abs(n[total_of[group[cand]]] - n[key[cand]]) < 1e-9
    out[key[same]] = total_of[group[same]]
    return out


def build_variables(
    frame: pd.DataFrame,
    *,
    period: int | None = None,
    periods: Iterable[int] | None = None,
    alias: bool = True,
) -> Variables:
    """Build the variables and relations of the count cells of ``frame`` (one period).

    Parameters
    ----------
    frame : pandas.DataFrame
        IndicatorFrame rows.
    period : int, optional
        Only the count cells of this period (after a family's period shift).
    periods : iterable of int, optional
        Only the count cells of these periods.
    alias : bool, default True
        Make a category count that equals its region's total, in a breakdown
        that does not add up, the same variable (the protection does; an
        outsider does not know that they are equal).

    Returns
    -------
    Variables

    Examples
    --------
    >>> f = pd.DataFrame({"region_code": ["DG", "17", "17001", "17002"], "period": 2024,
    ...     "indicator": "schulabgaenge", "dimension": "", "category": "",
    ...     "value": [20.0, 9.0, 2.0, 7.0], "numerator": [20.0, 9.0, 2.0, 7.0],
    ...     "denominator": None, "unit": "Anzahl"})
    >>> v = build_variables(f)
    >>> v.value.tolist(), v.published.tolist()
    ([9.0, 2.0, 7.0, 20.0, 11.0], [True, True, True, True, False])
    >>> [v.idx[a:b].tolist() for a, b in zip(v.ptr[:-1], v.ptr[1:])]
    [[0, 1, 2], [3, 0, 4]]
    """
    cells, _ = count_cells(frame)
    keep = cells["n"].to_numpy(dtype=float) >= 0
    if period is not None:
        keep &= cells["period"].to_numpy() == period
    if periods is not None:
        keep &= np.isin(cells["period"].to_numpy(), list(periods))
    cells = cells[keep].reset_index(drop=True)
    key = _split_conflicts(cells, frame, _keys(cells))
    m = int(key.max()) + 1 if len(key) else 0
    n = np.zeros(m)
    n[key] = cells["n"].to_numpy(dtype=float)
    sums = sum_table(cells.assign(key=key))
    var_of = sums.keys.astype(np.int64)
    parents, kids = var_of[sums.parents], var_of[sums.kids]
    offsets, exact = sums.offsets, sums.exact
    region = pd.factorize(cells["region"])[0]
    reg_of = np.zeros(m, dtype=np.int64)
    reg_of[key] = region
    first_kid = kids[offsets[:-1]] if len(kids) else np.zeros(0, dtype=np.int64)
    breakdown = reg_of[parents] == reg_of[first_kid]
    kid_of_breakdown = np.zeros(m, dtype=bool)
    kid_of_breakdown[kids[np.repeat(breakdown, np.diff(offsets))]] = True
    alias = _aliases(cells, key, n, kid_of_breakdown) if alias else np.arange(m, dtype=np.int64)
    parents, kids, offsets, exact = _canonical(alias[parents], alias[kids], offsets, exact)
    # a whole larger than its listed parts: the difference is an unpublished rest
    short = np.flatnonzero(~exact)
    rest = np.full(len(parents), -1, dtype=np.int64)
    rest[short] = m + np.arange(len(short))
    rest_value = (
        n[parents[short]] - np.add.reduceat(n[kids], offsets[:-1])[short]
        if len(short)
        else np.zeros(0)
    )
    ptr, idx = csr_relations(parents, kids, offsets, rest)
    # drop variables no cell maps to any more (aliased categories); ids stay sorted
    used = np.zeros(m + len(short), dtype=bool)
    used[alias[key]] = True
    used[m:] = True
    new_id = np.cumsum(used) - 1
    value = np.r_[n, np.maximum(rest_value, 0.0)][used]
    published = np.r_[np.ones(m, dtype=bool), np.zeros(len(short), dtype=bool)][used]
    return Variables(
        value=value,
        published=published,
        real=np.ones(len(value), dtype=bool),
        ptr=ptr,
        idx=new_id[idx],
        exact=np.ones(len(parents), dtype=bool),
        cell_var=new_id[alias[key]],
        cells=cells,
    )
