"""The numbers a publication could explain, built period by period (internal).

The report side of the audit (:mod:`toolkit.disclosure.report_audit`)
compares every number a report prints with the *candidates* of its regions:
values, numerators, denominators, changes from the year before and shares of
the parts of every sum. A 400-Kreise Land has 12.5 million rows, 10.9
million count cells and 5 million sums; as one table of Python objects
(tuple keys, one object per sum) they took more than 12 GB. Here they are
built one period at a time as arrays, and only the candidates kept whose
region and printed form some report prints (:class:`Wanted`). A share names
its part and whole by ``period << 32 | id`` (the id of the cell among the
period's cells); the tuple keys ``(family, period, region, coords)`` are made
at the end, only for the cells of revealing numbers (:func:`cell_keys`).

Notes
-----
The result equals the full list restricted to the wanted (region, printed
form) pairs, in the same order: values, numerators, denominators, changes
(by row), then the shares in the order of the sums of
:func:`toolkit.disclosure._relations.sum_table` over the whole frame
(region hierarchy before breakdowns, by the first cell of the whole, then
the part). Counts and rates are rounded as before (``numpy.round``), shares
with Python's ``round`` to one decimal.

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4.3.
Wiley.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.disclosure._families import (
    as_strings,
    count_cells,
    count_periods,
    count_values,
    factor,
    family_axes,
)
from toolkit.disclosure._relations import sum_table
from toolkit.disclosure._variables import _keys

__all__ = ["CANDIDATE_COLUMNS", "Wanted", "candidates", "cell_keys", "printed_code", "printed_rows"]

#: Columns of :func:`candidates`.
CANDIDATE_COLUMNS = tuple(
    "what row other value decimals shown region period indicator key parent".split()
)
_WHAT = np.array(["count", "rate", "numerator", "denominator", "change", "share"], dtype=object)
_RATE_KIND = np.array([False, True, False, False, True, True])
_CHANGE_KEY = ["region_code", "indicator", "dimension", "category", "period"]
_SHIFT = 32  # a share's key: period << _SHIFT | id of its cell among the period's cells


def printed_code(
    value: np.ndarray, decimals: np.ndarray | int, rate: np.ndarray | bool
) -> np.ndarray:
    """One integer per printed form: value in units of its last decimal, decimals, count/rate.

    A count and a rate of the same printed form are neighbours (count first), so
    one bisection range covers both.

    Examples
    --------
    >>> printed_code(np.array([2.0, 2.0, 0.5]), np.array([0, 0, 1]), np.array([False, True, True]))
    array([16, 17, 43])
    """
    decimals, rate = np.asarray(decimals, dtype=np.int64), np.asarray(rate, dtype=np.int64)
    scaled = np.round(value * 10.0 ** decimals.astype(float)).astype(np.int64)
    return (scaled * 4 + decimals) * 2 + rate


@dataclass
class Wanted:
    """The (region, printed form) pairs the reports print: which candidates can match.

    Attributes
    ----------
    regions : pandas.Index
        Region codes (sorted); a pair names a region by its position.
    codes : numpy.ndarray
        Printed forms (:func:`printed_code`), sorted, unique.
    pairs : numpy.ndarray
        ``position of the code * len(regions) + position of the region``,
        sorted, unique.

    Examples
    --------
    >>> w = Wanted.of(["17", "17001"], [(["17001"], np.array([16, 17]))])
    >>> w.keep(np.array(["17001", "17", "17001"], dtype=object), np.array([16, 16, 18]))[0].tolist()
    [True, False, False]
    """

    regions: pd.Index
    codes: np.ndarray
    pairs: np.ndarray

    @classmethod
    def of(cls, regions: list[str], wants: list[tuple[list[str], np.ndarray]]) -> Wanted:
        """Pairs of every (regions of a report, printed forms of its numbers)."""
        index = pd.Index(sorted(regions))
        none = np.zeros(0, dtype=np.int64)
        codes = np.unique(np.concatenate([c for _, c in wants] or [none]).astype(np.int64))
        pairs = [none]
        for regs, c in wants:
            r = index.get_indexer(regs)
            pos = np.searchsorted(codes, np.unique(c))
            pairs.append((pos[:, None] * len(index) + r[r >= 0][None, :]).ravel())
        return cls(index, codes, np.unique(np.concatenate(pairs)).astype(np.int64))

    def keep(self, region: np.ndarray, code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Whether candidates of ``region`` (codes) with printed form ``code`` are wanted; region positions."""
        reg = self.regions.get_indexer(region)
        if len(self.pairs) == 0:
            return np.zeros(len(code), dtype=bool), reg
        pos = np.minimum(np.searchsorted(self.codes, code), len(self.codes) - 1)
        comb = pos.astype(np.int64) * len(self.regions) + reg
        at = np.minimum(np.searchsorted(self.pairs, comb), len(self.pairs) - 1)
        return (reg >= 0) & (self.codes[pos] == code) & (self.pairs[at] == comb), reg


def printed_rows(pub: pd.DataFrame, quantity: str) -> np.ndarray:
    """Rows whose numerator (or count) or denominator is printed.

    Examples
    --------
    >>> f = pd.DataFrame({"value": [2.0, 50.0], "numerator": [np.nan, np.nan],
    ...     "denominator": [np.nan, 4.0], "unit": ["Anzahl", "%"]})
    >>> printed_rows(f, "numerator").tolist(), printed_rows(f, "denominator").tolist()
    ([True, False], [False, True])
    """
    return ~np.isnan(count_values(pub, quantity))


def _block(what, rows, other, value, decimals, shown, order, region, wanted, **ids) -> dict:
    """One kind of candidates as arrays, only the wanted ones.

    ``order`` are the sort keys after the kind (its place in the full list).
    """
    n = len(value)
    what = np.broadcast_to(np.asarray(what, dtype=np.int8), (n,))
    dec = np.broadcast_to(np.asarray(decimals, dtype=np.int8), (n,))
    value = np.asarray(value, dtype=float)
    keep, reg = wanted.keep(region, printed_code(value, dec, _RATE_KIND[what]))
    # values of counts and rates are one part of the list
    keys = [np.where(what <= 1, 0, what), *order] + [np.zeros(n)] * (4 - len(order))
    cols = {
        "what": what,
        "row": np.broadcast_to(np.asarray(rows, dtype=np.int64), (n,)),
        "other": np.broadcast_to(np.asarray(other, dtype=np.int64), (n,)),
        "value": value,
        "decimals": dec,
        "shown": np.asarray(shown, dtype=bool),
        "region": reg.astype(np.int32),
        **{f"o{i}": np.asarray(k, dtype=np.int64) for i, k in enumerate(keys)},
        **{c: np.broadcast_to(np.asarray(v, dtype=np.int64), (n,)) for c, v in ids.items()},
    }
    return {c: v[keep] for c, v in cols.items()}


def _row_candidates(
    pub: pd.DataFrame, truth: pd.DataFrame, rows: np.ndarray, before: np.ndarray, wanted: Wanted
) -> list[dict[str, np.ndarray]]:
    """Values, numerators, denominators and changes of the rows of one period, those wanted."""
    t = truth.iloc[rows]
    value = pd.to_numeric(t["value"], errors="coerce").to_numpy(dtype=float)
    shown = pd.to_numeric(pub["value"].iloc[rows], errors="coerce").notna().to_numpy()
    region = as_strings(t["region_code"])
    count = as_strings(t["unit"]) == "Anzahl"
    r = np.flatnonzero(~np.isnan(value))
    c = count[r]
    v = np.where(c, np.round(value[r]), np.round(value[r], 1))
    kind = np.where(c, 0, 1)
    out = [_block(kind, rows[r], -1, v, kind, shown[r], [rows[r]], region[r], wanted)]
    for what, q in ((2, "numerator"), (3, "denominator")):
        v = pd.to_numeric(t[q], errors="coerce").to_numpy(dtype=float)
        printed = pd.to_numeric(pub[q].iloc[rows], errors="coerce").notna().to_numpy()
        r = np.flatnonzero(~np.isnan(v) & ~count)
        b = _block(what, rows[r], -1, np.round(v[r]), 0, printed[r], [rows[r]], region[r], wanted)
        out.append(b)
    # change from the year before: per cent of a count, percentage points of a rate
    then = truth.iloc[before]
    now_keys = t[_CHANGE_KEY].assign(row=np.arange(len(rows)))
    then_keys = then[_CHANGE_KEY].assign(row=np.arange(len(before)))
    pairs = now_keys.assign(period=now_keys["period"] - 1).merge(then_keys, on=_CHANGE_KEY)
    now, prev = pairs["row_x"].to_numpy(), pairs["row_y"].to_numpy()
    value_then = pd.to_numeric(then["value"], errors="coerce").to_numpy(dtype=float)
    shown_then = pd.to_numeric(pub["value"].iloc[before], errors="coerce").notna().to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(
            count[now], (value[now] / value_then[prev] - 1) * 100, value[now] - value_then[prev]
        )
    ok = np.isfinite(change)
    now, prev = now[ok], prev[ok]
    shown_both = shown[now] & shown_then[prev]
    order = [rows[now], before[prev]]
    v = np.round(np.abs(change[ok]), 1)
    out.append(_block(4, rows[now], before[prev], v, 1, shown_both, order, region[now], wanted))
    return out


def _period_cells(truth: pd.DataFrame, period: int, num: np.ndarray, den: np.ndarray, axes: dict):
    """Count cells of ``period`` (rows in ``truth``), their key ids and each key's first and last cell.

    Cells are ordered by (numerator first, row) as in the whole frame.
    """
    rows = np.flatnonzero((num == period) | (den == period))
    cells, _ = count_cells(truth.iloc[rows].reset_index(drop=True), axes=axes)
    keep = (cells["n"].to_numpy(dtype=float) >= 0) & (cells["period"].to_numpy() == period)
    cells = cells[keep].reset_index(drop=True)
    cells["row"] = rows[cells["row"].to_numpy(dtype=np.int64)]
    key = _keys(cells)
    m = int(key.max()) + 1 if len(key) else 0
    first, last = np.full(m, len(key)), np.full(m, -1)
    np.minimum.at(first, key, np.arange(len(key)))
    np.maximum.at(last, key, np.arange(len(key)))
    return cells, key, first, last


def _share_candidates(
    truth: pd.DataFrame, period: int, periods: tuple, printed: dict, wanted: Wanted
) -> list[dict[str, np.ndarray]]:
    """Shares of the parts of every exact sum of the count cells of one period, those wanted."""
    cells, key, first, last = _period_cells(truth, period, *periods)
    if cells.empty:
        return []
    row = cells["row"].to_numpy()
    is_den = (cells["quantity"] == "denominator").to_numpy()
    # a key's place in the list of all cells; its count is its last cell's (as a dict of them)
    place = is_den.astype(np.int64) * len(truth) + row
    n = cells["n"].to_numpy(dtype=float)[last]
    key_shown = np.zeros(len(first), dtype=bool)
    flag = np.where(is_den, printed["denominator"][row], printed["numerator"][row])
    np.logical_or.at(key_shown, key, flag)
    sums = sum_table(cells.assign(key=key))
    region = cells["region"].to_numpy(dtype=object)[first]
    del cells
    ids = sums.keys.astype(np.int64)
    parent, kids, off = ids[sums.parents], ids[sums.kids], sums.offsets
    p = n[parent]
    s = np.repeat(np.arange(len(parent)), np.diff(off))
    j = np.arange(len(kids)) - off[:-1][s]
    pick = (sums.exact & (p > 0))[s]
    s, j, kid = s[pick], j[pick], kids[pick]
    x = 100.0 * n[kid] / p[s]
    # Python's round (of the full list) and numpy's differ by at most one in the last decimal:
    # keep what either neighbour makes wanted, then round those as Python does
    near = np.zeros(len(x), dtype=bool)
    for step in (-0.1, 0.0, 0.1):
        near |= wanted.keep(region[kid], printed_code(np.round(x, 1) + step, 1, True))[0]
    s, j, kid = s[near], j[near], kid[near]
    share = np.asarray([round(v, 1) for v in x[near].tolist()], dtype=float)
    # the region hierarchy's sums come before the breakdowns', each by its whole's first cell
    first_kid = kids[off[:-1]] if len(kids) else np.zeros(0, dtype=np.int64)
    breakdown = region[parent] == region[first_kid]
    order = [breakdown[s], place[first[parent[s]]], s, j]
    shown = key_shown[kid] & key_shown[parent[s]]
    tag = np.int64(period) << _SHIFT
    return [
        _block(
            5,
            -1,
            -1,
            share,
            1,
            shown,
            order,
            region[kid],
            wanted,
            key=tag | kid,
            parent=tag | parent[s],
        )
    ]


def candidates(pub: pd.DataFrame, truth: pd.DataFrame, wanted: Wanted) -> pd.DataFrame:
    """Every candidate of ``truth`` whose (region, printed form) is wanted, in list order.

    Parameters
    ----------
    pub, truth : pandas.DataFrame
        Protected and true IndicatorFrame (same rows, default index).
    wanted : Wanted
        The (region, printed form) pairs of the reports.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CANDIDATE_COLUMNS`; ``key`` and ``parent`` name a
        share's part and whole (:func:`cell_keys`; -1 for the other kinds).

    Notes
    -----
    See the module notes: the same candidates, in the same order, as the
    full list restricted to ``wanted``.

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4.3.
    Wiley.

    Examples
    --------
    >>> t = pd.DataFrame({"region_code": ["17", "17001", "17002"], "period": 2024,
    ...     "indicator": "schulabgaenge", "dimension": "", "category": "",
    ...     "value": [9.0, 2.0, 7.0], "numerator": [9.0, 2.0, 7.0], "denominator": np.nan,
    ...     "unit": "Anzahl"})
    >>> w = Wanted.of(["17", "17001", "17002"], [(["17001"], printed_code(
    ...     np.array([2.0, 22.2]), np.array([0, 1]), np.array([False, True])))])
    >>> c = candidates(t, t, w)
    >>> c[["what", "region", "value", "indicator"]].values.tolist()
    [['count', '17001', 2.0, 'schulabgaenge'], ['share', '17001', 22.2, '']]
    >>> keys = cell_keys(t, set(), set(c["key"]) | set(c["parent"]))
    >>> keys[c["key"].iloc[1]][2], keys[c["parent"].iloc[1]][2]
    ('17001', '17')
    """
    period = truth["period"].astype(int).to_numpy()
    blocks: list[dict[str, np.ndarray]] = []
    for p in np.unique(period):
        rows, before = np.flatnonzero(period == p), np.flatnonzero(period == p - 1)
        blocks += _row_candidates(pub, truth, rows, before, wanted)
    printed = {q: printed_rows(pub, q) for q in ("numerator", "denominator")}
    num, den = count_periods(truth)
    periods = (num, den, family_axes(truth))
    for p in np.unique(np.r_[num[num >= 0], den[den >= 0]]):
        blocks += _share_candidates(truth, int(p), periods, printed, wanted)
    # the place of every candidate in the full list; then each column in that order
    sizes = [len(b["row"]) for b in blocks]
    keys = [np.concatenate([b.pop(f"o{i}") for b in blocks] or [np.zeros(0)]) for i in range(5)]
    order = np.lexsort(keys[::-1])
    del keys
    cols = {}
    for c in ("what", "row", "other", "value", "decimals", "shown", "region", "key", "parent"):
        parts = [b.pop(c) if c in b else np.full(k, -1) for b, k in zip(blocks, sizes, strict=True)]
        cols[c] = np.concatenate(parts or [np.zeros(0, dtype=np.int64)])[order]
    share = cols["what"] == 5
    at = np.maximum(cols["row"], 0)
    ind, inds = factor(truth["indicator"])
    inds = list(inds) + ([""] if "" not in set(inds) else [])
    # a share of a sum's part: no indicator of the catalogue
    ind = np.where(share, inds.index(""), ind[at])
    out = pd.DataFrame({c: cols[c] for c in ("row", "other", "value", "decimals", "shown")})
    out.insert(0, "what", pd.Categorical.from_codes(cols["what"].astype(np.int64), _WHAT))
    return out.assign(
        region=pd.Categorical.from_codes(cols["region"], wanted.regions),
        period=np.where(share, cols["key"] >> _SHIFT, period[at]),
        indicator=pd.Categorical.from_codes(ind, inds),
        key=cols["key"],
        parent=cols["parent"],
    )


def cell_keys(truth: pd.DataFrame, cells: set[tuple[int, str]], shares: set[int]) -> dict:
    """Cell keys ``(family, period, region, coords)`` of revealing numbers.

    Returns, for every ``(row, quantity)`` of ``cells`` that has a count cell,
    its key and count, and for every share key of ``shares`` its cell key.

    Examples
    --------
    >>> t = pd.DataFrame({"region_code": ["17"], "period": 2024, "indicator": "schulabgaenge",
    ...     "dimension": "", "category": "", "value": [9.0], "numerator": [9.0],
    ...     "denominator": np.nan, "unit": "Anzahl"})
    >>> [(rq, k[0], k[2], n) for rq, (k, n) in cell_keys(t, {(0, "numerator")}, set()).items()]
    [((0, 'numerator'), 'schulabgaenge', '17', 9.0)]
    """
    shares = {int(k) for k in shares if k >= 0}  # -1: no share
    if not cells and not shares:
        return {}
    num, den = count_periods(truth)
    per = {(r, q): int((num if q == "numerator" else den)[r]) for r, q in cells}
    axes = family_axes(truth)
    out: dict = {}
    for p in sorted({p for p in per.values() if p >= 0} | {k >> _SHIFT for k in shares}):
        c, key, first, last = _period_cells(truth, p, num, den, axes)
        cols = [c[x].to_numpy() for x in ("family", "period", "region", "coords")]
        row, quantity, n = c["row"].to_numpy(), c["quantity"].to_numpy(), c["n"].to_numpy()
        for i in np.flatnonzero(np.isin(row, [r for (r, _), q in per.items() if q == p])):
            if per.get((int(row[i]), str(quantity[i]))) == p:
                k = tuple(x[first[key[i]]] for x in cols)
                out[(int(row[i]), str(quantity[i]))] = (k, float(n[last[key[i]]]))
        for k in (k for k in shares if k >> _SHIFT == p):
            out[k] = tuple(x[first[k & ((1 << _SHIFT) - 1)]] for x in cols)
    return out
