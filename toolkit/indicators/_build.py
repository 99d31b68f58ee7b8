"""Turn counts into indicator rows with values and flags (private)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit.indicators._counts import MISSING, group_sum
from toolkit.indicators._regions import RegionTable
from toolkit.indicators.frame import (
    COLUMNS,
    FIXED_CATEGORIES,
    LEVELS,
    TEXT_COLUMNS,
    categories_for,
    code_dtype,
    empty_indicator_frame,
)

#: Flag labels by code: the ranks 0..4 of ``_counts`` plus 5 = ``-`` (exact zero).
FLAG_LABELS = pd.Index(["", "p", "x", "/", ".", "-"], dtype=object)
_ZERO = 5


def _flags(code: np.ndarray) -> pd.Categorical:
    return pd.Categorical.from_codes(code.astype("int8"), categories=FLAG_LABELS, validate=False)


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
    rank = np.maximum(np.asarray(num_r), np.asarray(den_r)).astype("int64")
    missing = rank >= MISSING
    ok = ~missing & (den > 0)
    value = np.full(len(num), np.nan)
    np.divide(num, den, out=value, where=ok)
    value[ok] *= scale
    code = rank.copy()
    code[~missing & ~ok] = 2
    code[ok & (value == 0) & (rank == 0)] = _ZERO
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
    r = np.asarray(r).astype("int64")
    value = np.where(r >= MISSING, np.nan, n)
    code = r.copy()
    code[(r == 0) & (value == 0)] = _ZERO
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


_TEXT = ("region_code", "indicator", "dimension", "category", "unit", "flag")


def _encode(values: list[object], sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Dictionary-encode one text column given per part (scalar, Categorical or array).

    Returns int32 codes for all rows (filled in place, part by part, so that
    no temporary array of the full length is made) and the distinct labels.
    """
    local: list[tuple[np.ndarray | None, np.ndarray]] = []
    for v in values:
        if isinstance(v, str):
            local.append((None, np.array([v], dtype=object)))
        elif isinstance(v, pd.Categorical):
            local.append((v.codes, np.asarray(v.categories, dtype=object)))
        else:
            c, lab = pd.factorize(np.asarray(v, dtype=object))
            local.append((c, np.asarray(lab, dtype=object)))
    all_labels = np.concatenate([lab for _, lab in local]) if local else np.array([], dtype=object)
    gid, uniq = pd.factorize(all_labels)
    gid = gid.astype("int32")
    out = np.empty(sum(sizes), dtype="int32")
    pos = offset = 0
    for (codes, lab), m in zip(local, sizes, strict=True):
        if codes is None:
            out[pos : pos + m] = gid[offset]
        else:
            np.take(gid[offset : offset + len(lab)], codes, out=out[pos : pos + m])
        pos += m
        offset += len(lab)
    return out, np.asarray(uniq, dtype=object)


def _rank_of_labels(labels: np.ndarray) -> np.ndarray:
    order = np.argsort(labels.astype("str"), kind="stable")
    rank = np.empty(len(labels), dtype="int64")
    rank[order] = np.arange(len(labels))
    return rank


def _category_column(
    codes: np.ndarray, labels: np.ndarray, column: str, idx: np.ndarray | None
) -> pd.Categorical:
    """Build the final Categorical of one text column from row codes and their labels.

    Categories are the labels that occur in the kept rows ``idx``, sorted
    (fixed ones for ``level`` and ``flag``), so that equal inputs always give
    equal categories. Codes are mapped to the smallest integer type first and
    only then gathered, so that each column costs one small array.
    """
    strings = pd.Index([str(x) for x in labels], dtype=object)
    categories = categories_for(strings, column)
    n = len(categories)
    small = code_dtype(n)
    mapping = categories.get_indexer(strings).astype(small)
    final = np.take(mapping, codes)
    if idx is not None:
        final = np.take(final, idx)
    # keep the fixed categories and the labels of rows that were kept
    keep = np.bincount(final, minlength=n) > 0 if len(final) else np.zeros(n, dtype=bool)
    keep[: len(FIXED_CATEGORIES.get(column, ()))] = True
    if not keep.all():
        remap = (np.cumsum(keep) - 1).astype(small)
        final = np.take(remap, final)
        categories = categories[keep]
    return pd.Categorical.from_codes(final, categories=categories, validate=False)


def _row_order(
    text: dict[str, tuple[np.ndarray, np.ndarray]],
    period: np.ndarray,
    lvl_labels: np.ndarray,
    keep: np.ndarray | None,
    order: Sequence[str],
) -> np.ndarray:
    """Return the row numbers to keep, sorted by the output order.

    Indicator (catalogue order, then code), dimension, category, level,
    region and period form one integer key per row; the key is built in
    place, so that millions of rows need only two scratch arrays.
    """
    rows = np.flatnonzero(keep) if keep is not None else None

    def pick(a: np.ndarray) -> np.ndarray:
        return a if rows is None else a[rows]

    rank = {c: i for i, c in enumerate(order)}
    ic, il = text["indicator"]
    ind_rank = np.array([rank.get(c, len(rank)) for c in il], dtype="int64")
    lvl_rank = pd.Index(LEVELS).get_indexer(lvl_labels).astype("int64") + 1
    rc_codes, rc_labels = text["region_code"]
    lookups = [
        (ic, ind_rank * len(il) + _rank_of_labels(il)),
        (text["dimension"][0], _rank_of_labels(text["dimension"][1])),
        (text["category"][0], _rank_of_labels(text["category"][1])),
        (rc_codes, lvl_rank),
        (rc_codes, _rank_of_labels(rc_labels)),
    ]
    per = pick(period)
    low = int(per.min())
    key = np.zeros(len(per), dtype="int64")
    tmp = np.empty(len(per), dtype="int64")
    for codes, lookup in lookups:
        np.take(lookup, pick(codes), out=tmp)
        key *= int(lookup.max()) + 1
        key += tmp
    np.subtract(per, low, out=tmp)
    key *= int(per.max()) - low + 1
    key += tmp
    del tmp
    idx = np.argsort(key)  # keys are unique per row: no stable sort needed
    return idx if rows is None else rows[idx]


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

    Text columns stay dictionary codes until the very end, when each becomes
    one Categorical, so that millions of rows are cheap. The rows to
    keep and their order are found first from the codes alone; every column
    is then gathered once into its final array.

    Examples
    --------
    >>> k = pd.DataFrame({"region_code": ["17"], "year": [2024]})
    >>> p = part(k, indicator="a", unit="%", value=np.array([1.0]), flag=np.array([""]))
    >>> finish([p], RegionTable(["17"]))[["region_code", "level", "value"]].values.tolist()
    [['17', 'land', 1.0]]
    """
    parts = [p for p in parts if len(p["value"])]
    if not parts:
        return empty_indicator_frame()
    sizes = [len(p["value"]) for p in parts]
    total = sum(sizes)
    text = {c: _encode([p[c] for p in parts], sizes) for c in _TEXT}
    # scratch buffer for one concatenated numeric column at a time
    scratch = np.empty(total, dtype="float64")
    period = np.concatenate([p["period"] for p in parts])
    rc_codes, rc_labels = text["region_code"]
    regions.extend(rc_labels[np.bincount(rc_codes, minlength=len(rc_labels)) > 0])
    info = regions.info.reindex(pd.Index(rc_labels))
    lvl_labels = info["level"].to_numpy(dtype=object)
    keep = np.ones(total, dtype=bool)
    if wanted is not None:
        keep &= pd.Index(rc_labels).isin(list(wanted))[rc_codes]
    if periods is not None:
        keep &= np.isin(period, list(periods))
    if indicators is not None:
        ic, il = text["indicator"]
        keep &= pd.Index(il).isin(list(indicators))[ic]
    if levels is not None:
        keep &= pd.Index(lvl_labels).isin(list(levels))[rc_codes]
    all_rows = bool(keep.all())
    idx: np.ndarray | None = None
    if sort and keep.any():
        idx = _row_order(text, period, lvl_labels, None if all_rows else keep, order)
    elif not all_rows:
        idx = np.flatnonzero(keep)
    del keep
    n_out = total if idx is None else len(idx)

    def gather(source: np.ndarray, dtype: str) -> np.ndarray:
        if idx is None:
            return source.astype(dtype, copy=True)
        return np.take(source, idx, out=np.empty(n_out, dtype=source.dtype)).astype(
            dtype, copy=False
        )

    data: dict[str, object] = {}
    data["period"] = gather(period, "int64")
    del period
    for c in ("value", "numerator", "denominator"):
        np.concatenate([p[c] for p in parts], out=scratch)
        data[c] = gather(scratch, "float64")
    del scratch
    names = np.array([regions.name(c) for c in rc_labels], dtype=object)
    text["region_name"] = (rc_codes, names)
    text["level"] = (rc_codes, lvl_labels)

    for column in TEXT_COLUMNS:
        codes, labels = text[column]
        data[column] = _category_column(codes, labels, column, idx)
    columns = {c: data[c] for c in COLUMNS}
    # the arrays are new and owned here: no copy, no consolidation into blocks
    return pd.DataFrame(columns, columns=list(COLUMNS), copy=False)
