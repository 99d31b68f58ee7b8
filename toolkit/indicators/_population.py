"""The population table, checked and reduced to age bins in one pass (private).

Population is by far the largest table (a Land with 11,000 Gemeinden has
some 20 million rows of single years of age), yet every indicator needs it
only in 27 age bins: single years 0..24, ``25`` = 25 to under 65 and ``26``
= 65 and older. :func:`binned_population` checks the table and sums it into
those bins block by block, so that no full-length temporary array is made.
The result is *wide*: one row per region, year and sex with a count and a
flag rank per bin (:data:`PAIRS`), 27 times fewer rows to roll up. Whenever a block holds anything unusual (a bad
value, a duplicate key, missing codes, float years), the general path
(:func:`~toolkit.indicators._counts.prepare`, then binning) is taken
instead; it gives the exact error with row numbers, or the same result.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from toolkit.errors import DataError
from toolkit.indicators._counts import (
    MISSING,
    RANK_OF_FLAG,
    first_rows,
    group_codes,
    group_sum,
    prepare,
)
from toolkit.indicators.frame import code_dtype
from toolkit.regions import normalize_code

#: Population age bins: single years 0..24, then 25 = "25 to under 65" and
#: 26 = "65 and older".
AGE_BIN_25U65 = 25
AGE_BIN_65PLUS = 26
N_BINS = AGE_BIN_65PLUS + 1

#: Count and flag-rank column of each age bin in the wide population frame.
PAIRS: tuple[tuple[str, str], ...] = tuple((f"n{b}", f"r{b}") for b in range(N_BINS))


def pairs_for(n_bins: int) -> tuple[tuple[str, str], ...]:
    """Return the (count, rank) column names of a wide frame with ``n_bins`` bins.

    Examples
    --------
    >>> pairs_for(2)
    (('n0', 'r0'), ('n1', 'r1'))
    """
    return tuple((f"n{b}", f"r{b}") for b in range(n_bins))


#: Rows handled at a time: temporaries of a block stay a few megabytes.
BLOCK = 1 << 20
#: Largest year span and age the one-pass path takes (otherwise the general path).
_MAX_YEARS = 200
_MAX_AGE = 150


class _Fallback(Exception):
    """The table needs the general path (which then reports the exact problem)."""


def binned_population(df: pd.DataFrame, value: str = "population") -> pd.DataFrame:
    """Check the population table and sum it into age bins.

    Parameters
    ----------
    df : DataFrame
        Canonical population table: ``region_code, year, age, sex,
        population`` and optionally ``flag``.
    value : str, default "population"
        Name of the count column.

    Returns
    -------
    DataFrame
        Wide count frame ``region_code, year, sex, n0..n26, r0..r26``: one
        row per region, year and sex, a count ``n<b>`` and flag rank
        ``r<b>`` per age bin ``b`` (see the module notes). ``region_code``
        is normalised. A bin's count is missing (NaN) when any of its rows
        is; its rank is the largest of its rows; a bin without rows is 0.

    Raises
    ------
    DataError
        Missing columns, bad years, ages, counts or flags, duplicate keys,
        bad region codes; with the rows concerned.

    Examples
    --------
    >>> pop = pd.DataFrame({"region_code": "17001000", "year": 2024, "sex": "w",
    ...                     "age": [3, 30, 31, 70], "population": [5, 10, 20, 7]})
    >>> wide = binned_population(pop)
    >>> wide[["n3", "n4", "n25", "n26"]].values.tolist()
    [[5.0, 0.0, 30.0, 7.0]]
    """
    try:
        return _one_pass(df, value)
    except _Fallback:
        return _general(df, value)


def _general(df: pd.DataFrame, value: str) -> pd.DataFrame:
    from toolkit.indicators._regions import normalize_codes

    out = prepare(df, "population", value, ("age", "sex"))
    out["region_code"] = normalize_codes(out["region_code"], "population")  # rows as in df
    return widen(bin_ages(out))


def widen(binned: pd.DataFrame, n_bins: int = N_BINS) -> pd.DataFrame:
    """Turn a long binned count frame (``age`` = bin, ``n``, ``r``) into the wide frame.

    Examples
    --------
    >>> c = pd.DataFrame({"region_code": "17", "year": 2024, "sex": "m",
    ...                   "age": [0, 26], "n": [1.0, 2.0], "r": [0, 1]})
    >>> w = widen(c)
    >>> w[["n0", "n1", "n26", "r26"]].values.tolist()
    [[1.0, 0.0, 2.0, 1.0]]
    """
    by = ["region_code", "year", "sex"]
    inv, ng = group_codes(binned, by)
    cell = inv * n_bins + binned["age"].to_numpy(dtype="int64")
    n = np.zeros(ng * n_bins)
    r = np.zeros(ng * n_bins, dtype="int8")
    n[cell] = binned["n"].to_numpy(dtype="float64")
    r[cell] = binned["r"].to_numpy(dtype="int8")
    keys = binned[by].iloc[first_rows(inv, ng)].reset_index(drop=True)
    return _wide_frame(keys, n.reshape(ng, n_bins), r.reshape(ng, n_bins))


def _wide_frame(keys: pd.DataFrame, n: np.ndarray, r: np.ndarray) -> pd.DataFrame:
    """Keys, then the count of every bin, then the rank of every bin."""
    pairs = pairs_for(n.shape[1])
    cols: dict[str, object] = {c: keys[c] for c in keys.columns}
    cols.update({nc: n[:, b] for b, (nc, _) in enumerate(pairs)})
    cols.update({rc: r[:, b] for b, (_, rc) in enumerate(pairs)})
    return pd.DataFrame(cols)


def bin_ages(df: pd.DataFrame) -> pd.DataFrame:
    """Sum a population count frame (single years of age) into the 27 age bins.

    Examples
    --------
    >>> c = pd.DataFrame({"region_code": "17", "year": 2024, "sex": "m",
    ...                   "age": [30, 70, 80], "n": [1.0, 2.0, 3.0], "r": 0})
    >>> bin_ages(c)[["age", "n"]].values.tolist()
    [[25.0, 1.0], [26.0, 5.0]]
    """
    age = pd.to_numeric(df["age"], errors="coerce")
    if pd.api.types.is_integer_dtype(age.dtype):
        bad = np.flatnonzero((age < 0).to_numpy())
    else:
        bad = np.flatnonzero((age.isna() | (age < 0) | (age % 1 != 0)).to_numpy())
    if len(bad):
        raise DataError(
            "Tabelle 'population': Alter ist keine ganze Zahl ≥ 0.",
            file="population",
            column="age",
            rows=bad + 1,
        )
    binned = age_bins(age.to_numpy(dtype="int64")).astype("int8")
    return group_sum(df.assign(age=binned), ["region_code", "year", "sex", "age"])


def age_bins(ages: np.ndarray) -> np.ndarray:
    """Return the bin of each age: itself up to 24, then 25 (25 to under 65) or 26 (65+).

    Examples
    --------
    >>> age_bins(np.array([0, 24, 25, 64, 65, 99])).tolist()
    [0, 24, 25, 25, 26, 26]
    """
    return np.where(ages >= 65, AGE_BIN_65PLUS, np.minimum(ages, AGE_BIN_25U65))


#: Age → bin, for every age the one-pass path accepts.
_BIN_OF_AGE = age_bins(np.arange(_MAX_AGE + 1)).astype("int64")


class _Coder:
    """Give text values one code per distinct (stripped, optionally normalised) label."""

    def __init__(self, *, strip: bool, normalise: bool = False) -> None:
        self.strip = strip
        self.normalise = normalise
        self.code_of: dict[str, int] = {}
        self.labels: list[str] = []

    def block(self, values: pd.api.extensions.ExtensionArray | np.ndarray) -> np.ndarray:
        """Return the codes of one block of values (new labels get new codes)."""
        arrow = _arrow_strings(values)
        if arrow is not None:
            fast = _single_bytes(arrow)
            if fast is not None:
                local, uniq = fast
                return self._lookup(uniq)[local]
            # exports are sorted by region: encode runs, not every row
            runs = pc.run_end_encode(arrow)
            run_values = runs.values.to_numpy(zero_copy_only=False)
            if len(run_values) * 8 <= len(arrow):
                local, uniq = pd.factorize(run_values)
                lengths = np.diff(runs.run_ends.to_numpy(), prepend=0)
                return np.repeat(self._lookup(uniq)[local], lengths)
        local, uniq = pd.factorize(values)
        if len(local) and local.min() < 0:
            raise _Fallback  # missing codes: the general path says where
        return self._lookup(uniq)[local]

    def _lookup(self, uniq: object) -> np.ndarray:
        lookup = np.empty(len(uniq), dtype="int64")  # type: ignore[arg-type]
        for i, u in enumerate(uniq):  # type: ignore[arg-type]
            label = str(u).strip() if self.strip else str(u)
            if self.normalise:
                try:
                    label = normalize_code(label)
                except DataError:
                    raise _Fallback from None
            code = self.code_of.get(label)
            if code is None:
                code = self.code_of[label] = len(self.labels)
                self.labels.append(label)
            lookup[i] = code
        return lookup


def _arrow_strings(values: object) -> pa.Array | None:
    """Return the values as one Arrow string array if they are Arrow strings without gaps."""
    if not hasattr(values, "__arrow_array__") or not isinstance(
        getattr(values, "dtype", None), pd.StringDtype
    ):
        return None
    arr = values.__arrow_array__()  # type: ignore[attr-defined]
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.null_count or not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return None
    return arr


def _single_bytes(arr: pa.Array) -> tuple[np.ndarray, list[str]] | None:
    """Codes and labels when every value is one ASCII character (``m``/``w``), else None.

    Such values are read straight from Arrow's byte buffer, without hashing.
    """
    width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    offsets = np.frombuffer(arr.buffers()[1], dtype=width)[arr.offset : arr.offset + len(arr) + 1]
    if len(offsets) < 2 or offsets[-1] - offsets[0] != len(arr):
        return None  # cheap test first: the total length is not one byte per value
    if not (np.diff(offsets) == 1).all():
        return None
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    present = np.flatnonzero(np.bincount(data, minlength=256))
    if len(present) and present.max() >= 128:
        return None  # a byte of a longer UTF-8 character
    local = np.full(256, -1, dtype=np.int64)
    local[present] = np.arange(len(present))
    return local[data], [chr(b) for b in present]


def _int_column(df: pd.DataFrame, name: str) -> np.ndarray:
    col = df[name]
    if not (isinstance(col.dtype, np.dtype) and col.dtype.kind in "iu"):
        raise _Fallback
    return col.to_numpy().astype(np.int64, copy=False)


def _one_pass(df: pd.DataFrame, value: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame) or len(df) == 0:
        raise _Fallback
    if any(c not in df.columns for c in ("region_code", "year", "age", "sex", value)):
        raise _Fallback
    year, age = _int_column(df, "year"), _int_column(df, "age")
    raw = df[value]
    if not (isinstance(raw.dtype, np.dtype) and raw.dtype.kind in "iuf"):
        raise _Fallback
    counts = raw.to_numpy()
    y0, y1 = int(year.min()), int(year.max())
    n_years = y1 - y0 + 1
    if n_years > _MAX_YEARS or int(age.min()) < 0 or int(age.max()) > _MAX_AGE:
        raise _Fallback
    n_ages = int(age.max()) + 1
    flags = df["flag"].array if "flag" in df.columns else None
    sex_column = df["sex"]
    if pd.api.types.is_numeric_dtype(sex_column) or pd.api.types.is_bool_dtype(sex_column):
        raise _Fallback  # numeric keys stay numbers on the general path
    regions, sexes = _Coder(strip=True, normalise=True), _Coder(strip=False)
    flag_codes = _Coder(strip=True)
    region_array, sex_array = df["region_code"].array, sex_column.array
    for start in range(0, len(df), BLOCK):
        stop = min(start + BLOCK, len(df))
        rc = regions.block(region_array[start:stop])
        sx = sexes.block(sex_array[start:stop])
        if start == 0:
            # per region: (year, sex, bin) cells; the region axis grows as codes
            # appear. The sexes of the first block (all of them in any real
            # table) fix the sex axis; a later new one takes the general path.
            n_sex = len(sexes.labels)
            inner = n_years * n_sex * N_BINS
            # a complete table has every (year, sex, age) once per region: start
            # with that many regions (untouched zero pages cost nothing)
            cap = int(1.25 * len(df) / (n_years * n_sex * n_ages)) + 64
            sums = np.zeros(cap * inner)
            ranks = np.zeros(cap * inner, dtype="int8")
            filled = np.zeros(cap * inner, dtype=bool)
            seen = np.zeros(cap * n_years * n_sex * n_ages, dtype=bool)
        elif len(sexes.labels) > n_sex:
            raise _Fallback
        if len(regions.labels) > cap:
            grow = max(2 * cap, len(regions.labels)) - cap
            sums = np.concatenate([sums, np.zeros(grow * inner)])
            ranks = np.concatenate([ranks, np.zeros(grow * inner, dtype="int8")])
            filled = np.concatenate([filled, np.zeros(grow * inner, dtype=bool)])
            seen = np.concatenate([seen, np.zeros(grow * n_years * n_sex * n_ages, dtype=bool)])
            cap += grow
        a = age[start:stop]
        # (region, year, sex, age): every key once
        key = rc * n_years
        key += year[start:stop]
        key -= y0
        key *= n_sex
        key += sx
        cell = key * N_BINS
        cell += _BIN_OF_AGE[a]
        key *= n_ages
        key += a
        if seen[key].any():
            raise _Fallback
        seen[key] = True
        n = counts[start:stop]
        if n.dtype.kind == "f":
            n = n.astype("float64", copy=False)
            if np.isinf(n).any():
                raise _Fallback
        if (n < 0).any():
            raise _Fallback
        r = None
        if flags is not None:
            r, dash = _ranks(flags, start, stop, flag_codes)
            if dash is not None and n.dtype.kind == "f":
                n = np.where(dash & np.isnan(n), 0.0, n)  # "-" means exactly zero
        if n.dtype.kind == "f" and np.isnan(n).any():
            if r is None:
                r = np.zeros(len(n), dtype="int8")
            r = np.where(np.isnan(n) & (r < MISSING), 4, r).astype("int8")
            n = np.nan_to_num(n)
        filled[cell] = True
        lo, hi = int(cell.min()), int(cell.max()) + 1
        # data sorted by region (as exports are) keep this window small
        sums[lo:hi] += np.bincount(cell - lo, weights=n, minlength=hi - lo)
        if r is not None:
            for k in range(1, int(r.max(initial=0)) + 1):
                hit = cell[r == k]
                ranks[hit] = np.maximum(ranks[hit], k)
    if np.count_nonzero(seen) != len(df):
        raise _Fallback  # a key twice within one block
    return _frame(filled, sums, ranks, (n_years, n_sex), y0, regions.labels, sexes.labels)


def _frame(
    filled: np.ndarray,
    sums: np.ndarray,
    ranks: np.ndarray,
    shape: tuple[int, int],
    y0: int,
    region_labels: list[str],
    sex_labels: list[str],
) -> pd.DataFrame:
    """Wide frame of the (region, year, sex) rows that have any filled bin."""
    n_years, n_sex = shape
    rows = np.flatnonzero(filled.reshape(-1, N_BINS).any(axis=1))
    n = sums.reshape(-1, N_BINS)[rows]
    r = ranks.reshape(-1, N_BINS)[rows]
    n[r >= MISSING] = np.nan
    rest, sex = np.divmod(rows, n_sex)
    region, year = np.divmod(rest, n_years)
    region_cat, region_remap = _sorted_labels(region_labels)
    sex_cat, sex_remap = _sorted_labels(sex_labels)
    keys = pd.DataFrame(
        {
            "region_code": pd.Categorical.from_codes(
                region_remap[region], categories=region_cat, validate=False
            ),
            "year": year + y0,
            "sex": pd.Categorical.from_codes(sex_remap[sex], categories=sex_cat, validate=False),
        }
    )
    return _wide_frame(keys, n, r)


def _ranks(
    flags: object, start: int, stop: int, coder: _Coder
) -> tuple[np.ndarray, np.ndarray | None]:
    """Flag ranks of one block and where the flag is ``-`` (None if nowhere)."""
    block = pd.Series(flags[start:stop])  # type: ignore[index]
    block = block.astype("str").where(block.notna(), "")
    codes = coder.block(block.to_numpy(dtype=object))
    if any(label not in RANK_OF_FLAG for label in coder.labels):
        raise _Fallback  # the general path names the rows
    lookup = np.array([RANK_OF_FLAG[label] for label in coder.labels], dtype="int8")
    dash = coder.code_of.get("-")
    return lookup[codes], (None if dash is None else codes == dash)


def _sorted_labels(labels: list[str]) -> tuple[pd.Index, np.ndarray]:
    """Sorted categories and the map from a label's first-seen code to its sorted code."""
    cats = pd.Index(labels, dtype=object)
    order = cats.argsort()
    remap = np.empty(len(cats), dtype=code_dtype(len(cats)))
    remap[order] = np.arange(len(cats))
    return cats[order], remap
