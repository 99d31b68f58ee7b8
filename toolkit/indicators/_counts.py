"""Counts at every region level, with flags carried as ranks (private).

Every canonical table is turned into a *count frame*: ``region_code, year,
<keys>, n, r`` where ``n`` is the count (float, NaN when missing) and ``r`` a
flag rank (0 none, 1 provisional ``p``, 2 ``x``, 3 ``/``, 4 ``.``; ranks from
2 on mean the count is missing). :func:`~toolkit.indicators._rollup.rollup` adds Kreis, Regierungsbezirk,
Land and Bund rows by the aggregate rules described there.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow.compute as pc
from pandas.api.types import union_categoricals

from toolkit.errors import DataError
from toolkit.indicators._regions import RegionTable
from toolkit.indicators.frame import code_dtype

RANK_OF_FLAG = {"": 0, "-": 0, "p": 1, "x": 2, "/": 3, ".": 4, "...": 4}
FLAG_OF_RANK = np.array(["", "p", "x", "/", "."], dtype=object)
MISSING = 2


def prepare(df: pd.DataFrame, table: str, value: str, keys: Sequence[str]) -> pd.DataFrame:
    """Check one canonical table and return its count frame.

    Examples
    --------
    >>> df = pd.DataFrame({"region_code": ["17001000"], "year": [2024], "sex": ["m"],
    ...                    "population": [5]})
    >>> prepare(df, "population", "population", ["sex"]).columns.tolist()
    ['region_code', 'year', 'sex', 'n', 'r']
    """
    if not isinstance(df, pd.DataFrame):
        raise DataError(f"Tabelle '{table}' ist kein DataFrame.", file=table)
    need = ["region_code", "year", *keys, value]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise DataError(
            f"Tabelle '{table}': Spalte(n) {', '.join(missing)} fehlen.",
            file=table,
            column=missing[0],
            hint="Siehe data_samples/README.md für die Spalten jeder Tabelle.",
        )
    year = pd.to_numeric(df["year"], errors="coerce")
    whole = pd.api.types.is_integer_dtype(year.dtype) and not year.hasnans
    bad = [] if whole else np.flatnonzero((year.isna() | (year % 1 != 0)).to_numpy())
    if len(bad):
        raise DataError(
            f"Tabelle '{table}': Jahr ist keine ganze Zahl.",
            file=table,
            column="year",
            rows=bad + 1,
        )
    raw = df[value]
    if isinstance(raw.dtype, np.dtype) and raw.dtype.kind in "iu":
        # whole numbers cannot be missing: only the sign needs a check
        ints = raw.to_numpy()
        n = pd.Series(ints.astype("float64"), index=df.index, copy=False)
        bad = np.flatnonzero(ints < 0)
    else:
        n = pd.to_numeric(raw, errors="coerce").astype("float64")
        # not a number, negative or infinite
        bad = np.flatnonzero(
            (raw.notna() & n.isna()).to_numpy() | (n < 0).to_numpy() | np.isinf(n.to_numpy())
        )
    if len(bad):
        raise DataError(
            f"Tabelle '{table}': Anzahl ist keine nicht-negative Zahl.",
            file=table,
            column=value,
            rows=bad + 1,
            hint="Geheime Werte leer lassen und in einer Spalte 'flag' mit '.' kennzeichnen.",
        )
    r = np.zeros(len(df), dtype="int8")
    if "flag" in df.columns:
        flags = df["flag"].astype("str").where(df["flag"].notna(), "").str.strip()
        unknown = ~flags.isin(list(RANK_OF_FLAG))
        if unknown.any():
            raise DataError(
                f"Tabelle '{table}': unbekanntes Zeichen in 'flag'.",
                file=table,
                column="flag",
                rows=np.flatnonzero(unknown.to_numpy()) + 1,
                hint=f"Erlaubt: {', '.join(repr(f) for f in RANK_OF_FLAG)}",
            )
        r = flags.map(RANK_OF_FLAG).to_numpy(dtype="int8")
        n = n.where(~((flags == "-") & n.isna()), 0.0)
    if n.hasnans or r.any():
        r = np.where(n.isna().to_numpy() & (r < MISSING), 4, r).astype("int8")
        nv = np.where(r >= MISSING, np.nan, n.to_numpy())
    else:
        nv = n.to_numpy()
    # Text keys become Categoricals: grouping, filtering and rolling up then
    # work on small integer codes instead of millions of strings.
    out = pd.DataFrame({"region_code": as_category(df["region_code"], strip=True)})
    out["year"] = year.astype("int64").to_numpy()
    for k in keys:
        col = df[k]
        numeric = pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)
        out[k] = col.to_numpy() if numeric else as_category(col)
    out["n"] = nv
    out["r"] = r
    if count_groups(out, ["region_code", "year", *keys]) < len(out):
        inv, ng = group_codes(out, ["region_code", "year", *keys])
        first = first_rows(inv, ng)
        dup = np.ones(len(out), dtype=bool)
        dup[first] = False
        raise DataError(
            f"Tabelle '{table}': Schlüssel mehrfach vorhanden.",
            file=table,
            rows=np.flatnonzero(dup) + 1,
            hint=f"Schlüsselspalten {', '.join(['region_code', 'year', *keys])} müssen eindeutig sein.",
        )
    return out


def group_sum(
    df: pd.DataFrame, by: Sequence[str], pairs: Sequence[tuple[str, str]] = (("n", "r"),)
) -> pd.DataFrame:
    """Sum counts within groups of ``by``; a sum is missing if any part is.

    Parameters
    ----------
    df : DataFrame
        Count frame.
    by : sequence of str
        Group columns (all other columns are summed away).
    pairs : sequence of (count column, rank column)
        Counts to sum (NaN if the largest rank is 2 or more) and their ranks
        (maximum).

    Examples
    --------
    >>> df = pd.DataFrame({"g": ["a", "a", "b"], "n": [1.0, np.nan, 2.0], "r": [0, 4, 1]})
    >>> group_sum(df, ["g"]).to_dict("list")
    {'g': ['a', 'b'], 'n': [nan, 2.0], 'r': [4, 1]}
    """
    inv, ng = group_codes(df, by)
    out = df[list(by)].iloc[first_rows(inv, ng)].reset_index(drop=True)
    sums_of: dict[str, np.ndarray] = {}
    for v, r in pairs:
        values = df[v].to_numpy(dtype="float64")
        sums = np.bincount(inv, weights=finite(values), minlength=ng).astype("float64")
        ranks = df[r].to_numpy()
        rmax = np.zeros(ng, dtype="int8")
        top = int(ranks.max()) if len(ranks) else 0  # no flags at all: nothing to do
        for k in range(1, min(top, len(FLAG_OF_RANK) - 1) + 1):
            hit = ranks == k
            if hit.any():
                rmax[np.bincount(inv, weights=hit, minlength=ng) > 0] = k
        sums[rmax >= MISSING] = np.nan
        sums_of[v] = sums
        sums_of[r] = rmax
    if len(pairs) == 1:
        for c, a in sums_of.items():
            out[c] = a
        return out
    # many pairs (population: one per age bin): add all columns at once
    return pd.concat([out, pd.DataFrame(sums_of, index=out.index)], axis=1)


def first_rows(inv: np.ndarray, ng: int) -> np.ndarray:
    """Return the first row number of each of ``ng`` groups, given each row's group.

    Examples
    --------
    >>> first_rows(np.array([1, 0, 1, 0]), 2).tolist()
    [1, 0]
    """
    first = np.zeros(ng, dtype="int64")
    first[inv[::-1]] = np.arange(len(inv) - 1, -1, -1)
    return first


def finite(values: np.ndarray) -> np.ndarray:
    """Return ``np.nan_to_num(values)``, without a copy when all values are finite.

    Examples
    --------
    >>> finite(np.array([1.0, np.nan])).tolist()
    [1.0, 0.0]
    """
    return values if np.isfinite(values).all() else np.nan_to_num(values)


def group_codes(df: pd.DataFrame, by: Sequence[str]) -> tuple[np.ndarray, int]:
    """Return a group number per row and the number of groups.

    Groups are numbered in the order of their combined key codes.

    Examples
    --------
    >>> group_codes(pd.DataFrame({"a": ["x", "y", "x"], "b": [1, 1, 1]}), ["a", "b"])
    (array([0, 1, 0]), 2)
    """
    if not by:
        return np.zeros(len(df), dtype="int64"), int(len(df) > 0)
    key, size = _combined_key(df, by)
    if size <= max(4 * len(df), 1_000_000):
        occupied = np.zeros(size, dtype=bool)
        occupied[key] = True
        remap = np.cumsum(occupied, dtype="int64")
        remap -= 1
        return remap[key], int(remap[-1]) + 1
    inv, uniq = pd.factorize(key)
    return inv, len(uniq)


def count_groups(df: pd.DataFrame, by: Sequence[str]) -> int:
    """Return the number of distinct combinations of ``by`` (cheaper than group codes).

    Examples
    --------
    >>> count_groups(pd.DataFrame({"a": ["x", "y", "x"], "b": [1, 1, 1]}), ["a", "b"])
    2
    """
    if not by:
        return int(len(df) > 0)
    key, size = _combined_key(df, by)
    if size <= max(4 * len(df), 1_000_000):
        occupied = np.zeros(size, dtype=bool)
        occupied[key] = True
        return int(np.count_nonzero(occupied))
    return len(pd.unique(key))


def _combined_key(df: pd.DataFrame, by: Sequence[str]) -> tuple[np.ndarray, int]:
    """Return one integer key per row over the columns ``by`` and the size of its range."""
    key = np.zeros(len(df), dtype="int64")
    size = 1
    for col in by:
        values = df[col]
        low = 0
        if isinstance(values.dtype, pd.CategoricalDtype):
            c = values.cat.codes.to_numpy()
            card = len(values.cat.categories)
            if (c < 0).any():
                c = np.where(c < 0, card, c.astype("int64"))
            card += 1
        elif pd.api.types.is_integer_dtype(values.dtype) and len(values):
            raw = values.to_numpy()
            if raw.dtype.kind != "i":
                raw = raw.astype("int64")
            low, high = int(raw.min()), int(raw.max())
            if high - low < 100_000:
                c, card = raw, high - low + 1  # shifted by ``low`` below, in place
            else:
                c, uniq = pd.factorize(raw)
                card, low = len(uniq), 0
        else:
            c, uniq = pd.factorize(values, use_na_sentinel=False)
            card = len(uniq)
        card = max(card, 1)
        if size * card > _DENSE_LIMIT:  # keep the combined key small
            key, uniq = pd.factorize(key)
            size = len(uniq)
        # in place: millions of rows, no new arrays per key column
        key *= card
        key += c
        if low:
            key -= low
        size *= card
    return key, size


_DENSE_LIMIT = 50_000_000


def as_category(values: pd.Series, *, strip: bool = False) -> pd.Categorical:
    """Return text values as a Categorical of ``str`` labels (stripped if asked).

    Examples
    --------
    >>> as_category(pd.Series([" 17", "17", "DG"]), strip=True).categories.tolist()
    ['17', 'DG']
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        cat = values.array
        codes = cat.codes
        labels = np.array([str(c) for c in cat.categories], dtype=object)
    else:
        codes, uniq = _factorize_text(values)
        labels = np.array([str(u) for u in uniq], dtype=object)
    if strip:
        labels = np.array([u.strip() for u in labels], dtype=object)
    return _relabel_codes(codes, labels)


def _factorize_text(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct values in order of appearance, as ``pd.factorize`` gives them.

    Arrow-backed strings without missing values are encoded by Arrow itself,
    which is several times faster on millions of rows.
    """
    dtype = values.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        chunks = values.array.__arrow_array__()
        if chunks.num_chunks and chunks.null_count == 0:
            encoded = pc.dictionary_encode(chunks).unify_dictionaries()
            parts = [c.indices.to_numpy() for c in encoded.chunks]
            codes = parts[0] if len(parts) == 1 else np.concatenate(parts)
            uniq = encoded.chunk(0).dictionary.to_numpy(zero_copy_only=False)
            return codes, uniq
    return pd.factorize(values, use_na_sentinel=False)


def used_categories(cat: pd.Categorical) -> pd.Index:
    """Return the categories that occur.

    Examples
    --------
    >>> used_categories(pd.Categorical(["a"], categories=["a", "b"])).tolist()
    ['a']
    """
    codes = cat.codes[cat.codes >= 0]
    present = np.bincount(codes, minlength=len(cat.categories)) > 0
    return cat.categories[present]


def relabel(cat: pd.Categorical, labels: np.ndarray) -> pd.Categorical:
    """Replace each category by ``labels[i]``, merging categories that become equal.

    Examples
    --------
    >>> relabel(pd.Categorical(["a", "b", "a"]), np.array(["x", "x"], dtype=object)).tolist()
    ['x', 'x', 'x']
    """
    return _relabel_codes(cat.codes, labels)


def _relabel_codes(codes: np.ndarray, labels: np.ndarray) -> pd.Categorical:
    """Categorical with ``labels[codes]`` (``-1`` = missing), built in the smallest code type.

    The lookup is cast to the final integer type before it is applied, so
    millions of rows cost one small array and no wide temporary.
    """
    new_codes, new_cats = pd.factorize(np.asarray(labels, dtype=object))
    small = code_dtype(len(new_cats))
    lookup = new_codes.astype(small)
    if len(codes) and codes.min() < 0:
        mapped = np.where(codes >= 0, lookup[np.maximum(codes, 0)], -1).astype(small)
    else:
        mapped = np.take(lookup, codes)
    categories = pd.Index(new_cats, dtype=object)
    return pd.Categorical.from_codes(mapped, categories=categories, validate=False)


def concat_counts(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate count frames, keeping Categorical columns categorical.

    Examples
    --------
    >>> a = pd.DataFrame({"k": pd.Categorical(["x"]), "n": [1.0]})
    >>> b = pd.DataFrame({"k": pd.Categorical(["y"]), "n": [2.0]})
    >>> concat_counts([a, b])["k"].dtype.name
    'category'
    """
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame()
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    out = {}
    for col in frames[0].columns:
        series = [f[col] for f in frames]
        if all(isinstance(x.dtype, pd.CategoricalDtype) for x in series):
            arrays = [x.array for x in series]
            if len({a.categories.dtype for a in arrays}) > 1:
                # e.g. an empty part whose categories are not text: union on plain objects
                arrays = [a.set_categories(a.categories.astype(object)) for a in arrays]
            out[col] = union_categoricals(arrays, ignore_order=True)
        else:
            out[col] = np.concatenate(
                [
                    np.asarray(x.astype(object) if isinstance(x.dtype, pd.CategoricalDtype) else x)
                    for x in series
                ]
            )
    return pd.DataFrame(out)


def restrict(
    counts: pd.DataFrame, regions: RegionTable, wanted: frozenset[str] | None
) -> pd.DataFrame:
    """Keep rows needed to compute the regions in ``wanted`` (all if None).

    Examples
    --------
    >>> rt = RegionTable(["17001000", "17002000", "DG"])
    >>> df = pd.DataFrame({"region_code": ["17001000", "17002000", "DG"], "n": [1.0, 2, 3]})
    >>> restrict(df, rt, frozenset({"17001"}))["region_code"].tolist()
    ['17001000']
    """
    if wanted is None:
        return counts
    codes, uniq = pd.factorize(counts["region_code"])
    info = regions.info.reindex(uniq)
    keep_code = np.zeros(len(uniq), dtype=bool)
    for col in (None, "gemeinde", "kreis", "regbez", "land"):
        vals = uniq if col is None else info[col].to_numpy()
        keep_code |= pd.Index(vals).isin(list(wanted))
    return counts[keep_code[codes]]
