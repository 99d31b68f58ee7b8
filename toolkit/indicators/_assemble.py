"""Assemble the parts of all indicators into one IndicatorFrame (private).

:func:`finish` works part by part: every part is filtered, sorted and written
straight into the final column arrays, so that millions of rows need no
full-length temporary arrays; text columns are written as codes of their
final Categoricals. On large results two threads write disjoint slices.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit.indicators._build import Part
from toolkit.indicators._regions import RegionTable
from toolkit.indicators._threads import map_maybe_threaded
from toolkit.indicators.frame import (
    COLUMNS,
    TEXT_COLUMNS,
    categories_for,
    code_dtype,
    empty_indicator_frame,
)

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

    def used(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Labels that occur in ``rows`` (all rows if None); parts are never empty."""
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
    >>> from toolkit.indicators._build import part
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
        np.concatenate([t["region_code"].used() for t in text]),
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
    for t, r, k in zip(text, rows, counts, strict=True):
        if k:
            for c in used:
                used[c].update(t[c].used(r))
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
    if sort and live:
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
