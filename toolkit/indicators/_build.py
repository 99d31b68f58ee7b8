"""Turn counts into indicator rows with values and flags (private)."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit.indicators._counts import MISSING, group_sum
from toolkit.indicators._regions import RegionTable
from toolkit.indicators._threads import map_maybe_threaded
from toolkit.indicators.frame import (
    COLUMNS,
    TEXT_COLUMNS,
    categories_for,
    code_dtype,
    empty_indicator_frame,
)

#: Flag labels by code: the ranks 0..4 of ``_counts`` plus 5 = ``-`` (exact zero).
FLAG_LABELS = pd.Index(["", "p", "x", "/", ".", "-"], dtype=object)
_ZERO = 5


def _flags(code: np.ndarray) -> pd.Categorical:
    return pd.Categorical.from_codes(
        code.astype("int8", copy=False), categories=FLAG_LABELS, validate=False
    )


def rate_values(
    num: np.ndarray, num_r: np.ndarray, den: np.ndarray, den_r: np.ndarray, scale: float
) -> tuple[np.ndarray, pd.Categorical]:
    """Return ``scale * num / den`` and flags.

    A missing count gives NaN with the count's flag; a zero denominator gives
    NaN with ``x``; an exact zero gets ``-``; provisional inputs give ``p``.

    Examples
    --------
    >>> v, f = rate_values(np.array([1.0, 0, 1, np.nan]), np.array([0, 0, 0, 4]),
    ...                    np.array([4.0, 5, 0, 3]), np.array([1, 0, 0, 0]), 100.0)
    >>> v.tolist(), f.tolist()
    ([25.0, 0.0, nan, nan], ['p', '-', 'x', '.'])
    """
    num = np.asarray(num, dtype="float64")
    den = np.asarray(den, dtype="float64")
    # flag ranks are 0..4: int8 keeps millions of rows small
    code = np.maximum(np.asarray(num_r), np.asarray(den_r)).astype("int8")
    missing = code >= MISSING
    ok = ~missing & (den > 0)
    value = np.full(len(num), np.nan)
    np.divide(num, den, out=value, where=ok)
    value *= scale
    code[~missing & ~ok] = 2
    code[ok & (value == 0) & (code == 0)] = _ZERO
    return value, _flags(code)


def count_values(n: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, pd.Categorical]:
    """Return a count as value and its flag (``-`` for an exact zero).

    Examples
    --------
    >>> v, f = count_values(np.array([3.0, 0.0, np.nan]), np.array([0, 0, 4]))
    >>> f.tolist()
    ['', '-', '.']
    """
    n = np.asarray(n, dtype="float64")
    code = np.asarray(r).astype("int8")
    value = np.where(code >= MISSING, np.nan, n)
    code[(code == 0) & (value == 0)] = _ZERO
    return value, _flags(code)


#: One block of indicator rows: column name → aligned numpy array.
Part = dict[str, np.ndarray]


def part(
    keys: pd.DataFrame,
    *,
    indicator: str,
    unit: str,
    value: np.ndarray,
    flag: np.ndarray,
    numerator: np.ndarray | None = None,
    denominator: np.ndarray | None = None,
    dimension: str = "",
    category: Sequence[str] | np.ndarray | str = "",
) -> Part:
    """Assemble indicator rows (without name and level) from aligned arrays.

    ``keys`` must have ``region_code`` and ``year`` columns. Parts are plain
    arrays so that many small blocks are cheap; :func:`finish` makes the
    one DataFrame.

    Examples
    --------
    >>> k = pd.DataFrame({"region_code": ["17"], "year": [2024]})
    >>> part(k, indicator="a", unit="%", value=np.array([1.0]), flag=np.array([""]))["period"].tolist()
    [2024]
    """
    m = len(keys)

    def text(x: object) -> object:
        if isinstance(x, str):
            return x
        if isinstance(x, pd.Series):
            x = x.array
        return x if isinstance(x, pd.Categorical) else np.asarray(x, dtype=object)

    def num(x: object) -> np.ndarray:
        return np.full(m, np.nan) if x is None else np.asarray(x, dtype="float64")

    return {
        "region_code": text(keys["region_code"]),
        "period": keys["year"].to_numpy(dtype="int64"),
        "indicator": indicator,
        "dimension": dimension,
        "category": text(category),
        "value": np.asarray(value, dtype="float64"),
        "numerator": num(numerator),
        "denominator": num(denominator),
        "unit": unit,
        "flag": text(flag),
    }


def ratio_parts(
    counts: pd.DataFrame,
    *,
    numerators: dict[str, np.ndarray],
    dims: Sequence[str],
    denominator: np.ndarray | None = None,
    unit: str = "%",
    scale: float = 100.0,
) -> list[Part]:
    """Rates ``scale * sum(numerator rows) / sum(denominator rows)``, total and by ``dims``.

    Parameters
    ----------
    counts : DataFrame
        Count frame (``region_code, year, ..., n, r``).
    numerators : dict of str to bool array
        Indicator code → rows of ``counts`` that form its numerator.
    dims : sequence of str
        Breakdown columns (one breakdown at a time).
    denominator : bool array, optional
        Rows that form the denominator; all rows by default (shares).
    unit, scale : str, float
        Unit of the result and factor (100 for per cent).

    Returns
    -------
    list of DataFrame
        Indicator parts; a group whose denominator is 0 gets NaN with ``x``.

    Examples
    --------
    >>> c = pd.DataFrame({"region_code": "17", "year": 2024, "s": ["a", "b"],
    ...                   "n": [1.0, 3.0], "r": 0})
    >>> parts = ratio_parts(c, numerators={"q": np.array([True, False])}, dims=["s"])
    >>> [p["value"].tolist() for p in parts]
    [[25.0], [100.0, 0.0]]
    """
    n = counts["n"].to_numpy()
    r = counts["r"].to_numpy()
    cols = {"_d": n if denominator is None else np.where(denominator, n, 0.0)}
    ranks = {"_dr": r if denominator is None else np.where(denominator, r, 0)}
    for i, mask in enumerate(numerators.values()):
        cols[f"_n{i}"] = np.where(mask, n, 0.0)
        ranks[f"_r{i}"] = np.where(mask, r, 0)
    keys = ["region_code", "year", *dims]
    work = counts[keys].assign(**cols, **ranks)
    pairs = [("_d", "_dr")] + [(f"_n{i}", f"_r{i}") for i in range(len(numerators))]
    out = []
    for dim in ["", *dims]:
        by = ["region_code", "year"] + ([dim] if dim else [])
        g = group_sum(work, by, pairs)
        cat = g[dim] if dim else ""
        for i, code in enumerate(numerators):
            v, f = rate_values(g[f"_n{i}"], g[f"_r{i}"], g["_d"], g["_dr"], scale)
            out.append(
                part(
                    g,
                    indicator=code,
                    unit=unit,
                    value=v,
                    flag=f,
                    numerator=g[f"_n{i}"],
                    denominator=g["_d"],
                    dimension=dim,
                    category=cat,
                )
            )
    return out


def share_parts(
    counts: pd.DataFrame, *, key: str, categories: dict[str, str], dims: Sequence[str]
) -> list[Part]:
    """Shares ``count(key == cat) / count(all)`` in %, total and by ``dims``.

    ``categories`` maps the value of ``key`` to the indicator code.

    Examples
    --------
    >>> c = pd.DataFrame({"region_code": "17", "year": 2024, "s": ["a", "b"],
    ...                   "n": [1.0, 3.0], "r": 0})
    >>> share_parts(c, key="s", categories={"a": "anteil_a"}, dims=[])[0]["value"].tolist()
    [25.0]
    """
    masks = {code: (counts[key] == cat).to_numpy() for cat, code in categories.items()}
    return ratio_parts(counts, numerators=masks, dims=dims)


def count_parts(counts: pd.DataFrame, *, indicator: str, dims: Sequence[str]) -> list[Part]:
    """Count indicator rows, total and by each of ``dims``.

    Examples
    --------
    >>> c = pd.DataFrame({"region_code": "17", "year": 2024, "s": ["a", "b"],
    ...                   "n": [1.0, 3.0], "r": 0})
    >>> [p["value"].tolist() for p in count_parts(c, indicator="n", dims=["s"])]
    [[4.0], [1.0, 3.0]]
    """
    out = []
    for dim in ["", *dims]:
        by = ["region_code", "year"] + ([dim] if dim else [])
        g = group_sum(counts, by)
        v, f = count_values(g["n"], g["r"])
        out.append(
            part(
                g,
                indicator=indicator,
                unit="Anzahl",
                value=v,
                flag=f,
                numerator=g["n"],
                dimension=dim,
                category=g[dim] if dim else "",
            )
        )
    return out


#: Text columns a part carries (region name and level follow from the region code).
_TEXT = ("region_code", "indicator", "dimension", "category", "unit", "flag")


class _Text:
    """One text column of one part: ``labels`` and per-row ``codes`` (None: one label)."""

    __slots__ = ("codes", "labels", "memo", "present")

    def __init__(self, value: object, memo: dict) -> None:
        # ``memo`` is shared by all parts of one call: parts cut from one count
        # frame share its categories, which are converted and looked up once
        self.memo = memo
        codes: np.ndarray | None
        if isinstance(value, str):
            codes, labels = None, np.array([value], dtype=object)
        elif isinstance(value, pd.Categorical):
            cats = value.categories
            hit = memo.get(id(cats))
            if hit is None or hit[0] is not cats:
                hit = memo[id(cats)] = (cats, _as_text(cats))
            codes, labels = value.codes, hit[1]
        else:
            codes, uniq = pd.factorize(np.asarray(value, dtype=object))
            labels = _as_text(pd.Index(uniq))
        if codes is not None and len(codes) and codes.min() < 0:
            # a missing text value becomes "" (as validate_indicator_frame makes it)
            codes = np.where(codes < 0, len(labels), codes)
            labels = np.append(labels, np.array([""], dtype=object))
        self.codes = codes
        self.labels = labels
        # labels that occur (a part's Categorical often has all regions as categories)
        self.present = (
            np.ones(1, dtype=bool)
            if codes is None
            else np.bincount(codes, minlength=len(labels)) > 0
        )

    def used(self, rows: np.ndarray | None, n: int) -> np.ndarray:
        """Labels that occur in ``rows`` (all rows if None) of a part of ``n`` rows."""
        if n == 0:
            return self.labels[:0]
        if self.codes is None or rows is None:
            return self.labels[self.present]
        return self.labels[np.bincount(self.codes[rows], minlength=len(self.labels)) > 0]

    def lookup(self, index: pd.Index, dtype: type = np.int64) -> np.ndarray:
        """Position in ``index`` of each label (-1 for labels not in it)."""
        if self.codes is None:  # one label: many parts share it (e.g. the unit "%")
            key: tuple = ("label", self.labels[0], id(index), dtype)
        else:
            key = (id(self.labels), id(index), dtype)
        hit = self.memo.get(key)
        if (
            hit is None
            or hit[1] is not index
            or (self.codes is not None and hit[0] is not self.labels)
        ):
            out = index.get_indexer(self.labels).astype(dtype)
            hit = self.memo[key] = (self.labels, index, out)
        return hit[2]


def _as_text(labels: pd.Index) -> np.ndarray:
    """Labels as an object array of ``str``."""
    arr = np.asarray(labels, dtype=object)
    if labels.inferred_type == "string":
        return arr
    return np.array([str(x) for x in arr], dtype=object)


def _scalar_parts(p: Part) -> list[Part]:
    """Split a part so that each piece has one indicator and one dimension."""
    if isinstance(p["indicator"], str) and isinstance(p["dimension"], str):
        return [p]
    ind, dim = _Text(p["indicator"], {}), _Text(p["dimension"], {})
    m = len(p["value"])
    ic = np.zeros(m, dtype="int64") if ind.codes is None else ind.codes.astype("int64")
    dc = np.zeros(m, dtype="int64") if dim.codes is None else dim.codes.astype("int64")
    combo = ic * len(dim.labels) + dc
    out = []
    for c in pd.unique(combo):
        mask = combo == c
        piece = {k: (v if isinstance(v, str) else v[mask]) for k, v in p.items()}
        piece["indicator"] = str(ind.labels[c // len(dim.labels)])
        piece["dimension"] = str(dim.labels[c % len(dim.labels)])
        out.append(piece)
    return out


def finish(
    parts: Sequence[Part],
    regions: RegionTable,
    *,
    wanted: frozenset[str] | None = None,
    periods: frozenset[int] | None = None,
    levels: frozenset[str] | None = None,
    indicators: Sequence[str] | None = None,
    order: Sequence[str] = (),
    sort: bool = True,
) -> pd.DataFrame:
    """Concatenate parts, filter, add region names and levels, sort.

    Works part by part: every part is filtered, sorted and written straight
    into the final column arrays, so that millions of rows need no
    full-length temporary arrays. Text columns are written as codes of
    their final Categoricals.

    Examples
    --------
    >>> k = pd.DataFrame({"region_code": ["17"], "year": [2024]})
    >>> p = part(k, indicator="a", unit="%", value=np.array([1.0]), flag=np.array([""]))
    >>> finish([p], RegionTable(["17"]))[["region_code", "level", "value"]].values.tolist()
    [['17', 'land', 1.0]]
    """
    pieces = [q for p in parts if len(p["value"]) for q in _scalar_parts(p)]
    if not pieces:
        return empty_indicator_frame()
    memo: dict = {}
    text = [{c: _Text(p[c], memo) for c in _TEXT} for p in pieces]
    sizes = [len(p["value"]) for p in pieces]

    # every region code that occurs gets one number
    region_labels = pd.Index(
        np.concatenate([t["region_code"].used(None, m) for t, m in zip(text, sizes, strict=True)]),
        dtype=object,
    ).unique()
    regions.extend(region_labels)
    level_labels = regions.info.reindex(region_labels)["level"].to_numpy(dtype=object)
    region_ok = np.ones(len(region_labels), dtype=bool)
    if wanted is not None:
        region_ok &= region_labels.isin(list(wanted))
    if levels is not None:
        region_ok &= pd.Index(level_labels).isin(list(levels))
    wanted_ind = None if indicators is None else set(indicators)
    region_of: list[np.ndarray] = []
    rows: list[np.ndarray | None] = []
    counts: list[int] = []
    used_regions = np.zeros(len(region_labels), dtype=bool)
    for p, t, m in zip(pieces, text, sizes, strict=True):
        rc = t["region_code"]
        lookup = rc.lookup(region_labels)
        g = np.full(m, lookup[0]) if rc.codes is None else np.take(lookup, rc.codes)
        keep = region_ok[g]
        if periods is not None:
            keep &= np.isin(p["period"], list(periods))
        if wanted_ind is not None and p["indicator"] not in wanted_ind:
            keep[:] = False
        r = None if keep.all() else np.flatnonzero(keep)
        region_of.append(g)
        rows.append(r)
        counts.append(m if r is None else len(r))
        if counts[-1]:
            used_regions[g if r is None else g[r]] = True

    # final categories: the labels of kept rows (plus the fixed ones)
    n_out = sum(counts)
    data: dict[str, np.ndarray] = {"period": np.empty(n_out, dtype="int64")}
    for c in ("value", "numerator", "denominator"):
        data[c] = np.empty(n_out, dtype="float64")

    used: dict[str, set[str]] = {c: set() for c in _TEXT if c != "region_code"}
    for t, r, m, k in zip(text, rows, sizes, counts, strict=True):
        if k:
            for c in used:
                used[c].update(t[c].used(r, m))
    names = np.array([regions.name(c) for c in region_labels], dtype=object)
    cats = {c: categories_for(labels, c) for c, labels in used.items()}
    cats["region_code"] = categories_for(region_labels[used_regions], "region_code")
    cats["region_name"] = categories_for(names[used_regions], "region_name")
    cats["level"] = categories_for(level_labels[used_regions], "level")
    dtypes = {c: code_dtype(len(cats[c])) for c in TEXT_COLUMNS}
    # region number → final code of region_code, region_name and level
    by_region = {
        c: cats[c].get_indexer(labels).astype(dtypes[c])
        for c, labels in (
            ("region_code", region_labels),
            ("region_name", names),
            ("level", level_labels),
        )
    }

    @functools.cache
    def sources(i: int) -> dict[str, tuple[np.ndarray | None, np.ndarray]]:
        """Text columns of piece ``i`` as (row codes or None, code lookup)."""
        out = {c: (region_of[i], by_region[c]) for c in by_region}
        for c in used:
            t = text[i][c]
            out[c] = (t.codes, t.lookup(cats[c], dtypes[c]))
        return out

    # groups of pieces written together, in output order
    live = [i for i in range(len(pieces)) if counts[i]]
    if sort:
        rank = {c: j for j, c in enumerate(order)}
        ind_cats = cats["indicator"]
        ind_order = sorted(
            range(len(ind_cats)), key=lambda j: (rank.get(ind_cats[j], len(rank)), j)
        )
        ind_rank = np.empty(len(ind_cats), dtype="int64")
        ind_rank[ind_order] = np.arange(len(ind_cats))
        groups: dict[tuple[int, int], list[int]] = {}
        for i in live:
            key = (
                int(ind_rank[ind_cats.get_loc(pieces[i]["indicator"])]),
                int(cats["dimension"].get_loc(pieces[i]["dimension"])),
            )
            groups.setdefault(key, []).append(i)
        ordered = [groups[k] for k in sorted(groups)]
        spans = [
            (int(x.min()), int(x.max()))
            for x in (
                pieces[i]["period"] if rows[i] is None else pieces[i]["period"][rows[i]]
                for i in live
            )
        ]
        low = min(a for a, _ in spans)
        n_periods = max(b for _, b in spans) - low + 1
    else:
        ordered = [[i] for i in live]

    def sort_key(i: int) -> np.ndarray:
        """(category, level, region, period) of piece ``i``'s kept rows as one integer."""
        src = sources(i)
        r = rows[i]
        key = np.zeros(counts[i], dtype="int64")
        for c in ("category", "level", "region_code"):
            codes, lookup = src[c]
            key *= len(cats[c])
            if codes is None:
                key += int(lookup[0])
            else:
                key += np.take(lookup, codes if r is None else codes[r])
        key *= n_periods
        key += pieces[i]["period"] if r is None else pieces[i]["period"][r]
        key -= low
        return key

    for c in TEXT_COLUMNS:
        data[c] = np.empty(n_out, dtype=dtypes[c])
    starts = np.cumsum([0] + [sum(counts[i] for i in members) for members in ordered])

    def write(g: int) -> None:
        members, pos, end = ordered[g], int(starts[g]), int(starts[g + 1])
        if len(members) == 1:
            i = members[0]
            sel = rows[i]
            if sort:
                o = np.argsort(sort_key(i), kind="stable")
                sel = o if sel is None else sel[o]
            _write_piece(data, pos, end, pieces[i], sources(i), sel)
            return
        # several pieces of one indicator and dimension: sort their rows together
        o = np.argsort(np.concatenate([sort_key(i) for i in members]), kind="stable")
        block = {c: np.empty(end - pos, dtype=a.dtype) for c, a in data.items()}
        at = 0
        for i in members:
            _write_piece(block, at, at + counts[i], pieces[i], sources(i), rows[i])
            at += counts[i]
        for c, a in block.items():
            np.take(a, o, out=data[c][pos:end])

    # groups write to disjoint slices: on large results, two threads share them
    map_maybe_threaded(write, range(len(ordered)), n_out)
    columns: dict[str, object] = {}
    for c in COLUMNS:
        if c in cats:
            columns[c] = pd.Categorical.from_codes(data[c], categories=cats[c], validate=False)
        else:
            columns[c] = data[c]
    # the arrays are new and owned here: no copy, no consolidation into blocks
    return pd.DataFrame(columns, columns=list(COLUMNS), copy=False)


def _write_piece(
    data: dict[str, np.ndarray],
    pos: int,
    end: int,
    piece: Part,
    text: dict[str, tuple[np.ndarray | None, np.ndarray]],
    sel: np.ndarray | None,
) -> None:
    """Write the rows ``sel`` (all if None) of one piece into ``data[...][pos:end]``."""
    for c in ("period", "value", "numerator", "denominator"):
        src = np.asarray(piece[c], dtype=data[c].dtype)
        if sel is None:
            data[c][pos:end] = src
        else:
            np.take(src, sel, out=data[c][pos:end])
    for c, (codes, lookup) in text.items():
        if codes is None:
            data[c][pos:end] = lookup[0]
        else:
            np.take(lookup, codes if sel is None else codes[sel], out=data[c][pos:end])
