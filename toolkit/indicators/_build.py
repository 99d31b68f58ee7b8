"""Turn counts into indicator rows with values and flags (private)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit.indicators._counts import FLAG_OF_RANK, MISSING, group_sum
from toolkit.indicators._regions import RegionTable
from toolkit.indicators.frame import COLUMNS, LEVELS, empty_indicator_frame

_PART_COLUMNS = [
    "region_code",
    "period",
    "indicator",
    "dimension",
    "category",
    "value",
    "numerator",
    "denominator",
    "unit",
    "flag",
]


def rate_values(
    num: np.ndarray, num_r: np.ndarray, den: np.ndarray, den_r: np.ndarray, scale: float
) -> tuple[np.ndarray, np.ndarray]:
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
    flag = FLAG_OF_RANK[rank].copy()
    flag[~missing & ~ok] = "x"
    flag[ok & (value == 0) & (rank == 0)] = "-"
    return value, flag


def count_values(n: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return a count as value and its flag (``-`` for an exact zero).

    Examples
    --------
    >>> v, f = count_values(np.array([3.0, 0.0, np.nan]), np.array([0, 0, 4]))
    >>> f.tolist()
    ['', '-', '.']
    """
    n = np.asarray(n, dtype="float64")
    r = np.asarray(r).astype("int64")
    flag = FLAG_OF_RANK[r].copy()
    value = np.where(r >= MISSING, np.nan, n)
    flag[(r == 0) & (value == 0)] = "-"
    return value, flag


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
) -> pd.DataFrame:
    """Assemble indicator rows (without name and level) from aligned arrays.

    ``keys`` must have ``region_code`` and ``year`` columns.

    Examples
    --------
    >>> k = pd.DataFrame({"region_code": ["17"], "year": [2024]})
    >>> part(k, indicator="a", unit="%", value=np.array([1.0]), flag=np.array([""]))["period"].tolist()
    [2024]
    """
    m = len(keys)
    nan = np.full(m, np.nan)
    return pd.DataFrame(
        {
            "region_code": keys["region_code"].to_numpy(),
            "period": keys["year"].to_numpy(dtype="int64"),
            "indicator": indicator,
            "dimension": dimension,
            "category": category
            if isinstance(category, str)
            else np.asarray(category, dtype=object),
            "value": value,
            "numerator": nan if numerator is None else np.asarray(numerator, dtype="float64"),
            "denominator": nan if denominator is None else np.asarray(denominator, dtype="float64"),
            "unit": unit,
            "flag": flag,
        },
        columns=_PART_COLUMNS,
    )


def ratio_parts(
    num: pd.DataFrame,
    den: pd.DataFrame,
    *,
    indicator: str,
    dims: Sequence[str],
    unit: str = "%",
    scale: float = 100.0,
) -> list[pd.DataFrame]:
    """Rates ``scale * sum(num) / sum(den)``, total and by each of ``dims``.

    ``num`` and ``den`` are count frames (``region_code, year, ..., n, r``).
    Rows exist where the denominator exists; a numerator without a row is 0.

    Examples
    --------
    >>> d = pd.DataFrame({"region_code": "17", "year": 2024, "s": ["a", "b"],
    ...                   "n": [4.0, 0.0], "r": 0})
    >>> n = d.iloc[:1].assign(n=1.0)
    >>> [p["flag"].tolist() for p in ratio_parts(n, d, indicator="q", dims=["s"])]
    [[''], ['', 'x']]
    """
    out = []
    for dim in ["", *dims]:
        by = ["region_code", "year"] + ([dim] if dim else [])
        m = group_sum(den, by).merge(group_sum(num, by), on=by, how="left", suffixes=("_d", ""))
        m["n"] = m["n"].where(m["r"].notna(), 0.0)
        m["r"] = m["r"].fillna(0).astype("int8")
        v, f = rate_values(m["n"], m["r"], m["n_d"], m["r_d"], scale)
        out.append(
            part(
                m,
                indicator=indicator,
                unit=unit,
                value=v,
                flag=f,
                numerator=m["n"],
                denominator=m["n_d"],
                dimension=dim,
                category=m[dim].astype("str").to_numpy() if dim else "",
            )
        )
    return out


def share_parts(
    counts: pd.DataFrame, *, key: str, categories: dict[str, str], dims: Sequence[str]
) -> list[pd.DataFrame]:
    """Shares ``count(key == cat) / count(all)`` in %, total and by ``dims``.

    ``categories`` maps the value of ``key`` to the indicator code.

    Examples
    --------
    >>> c = pd.DataFrame({"region_code": "17", "year": 2024, "s": ["a", "b"],
    ...                   "n": [1.0, 3.0], "r": 0})
    >>> share_parts(c, key="s", categories={"a": "anteil_a"}, dims=[])[0]["value"].tolist()
    [25.0]
    """
    keyvals = counts[key].astype("str")
    out = []
    for cat, code in categories.items():
        out += ratio_parts(counts[keyvals == cat], counts, indicator=code, dims=dims)
    return out


def count_parts(counts: pd.DataFrame, *, indicator: str, dims: Sequence[str]) -> list[pd.DataFrame]:
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
                category=g[dim].astype("str").to_numpy() if dim else "",
            )
        )
    return out


def finish(
    parts: Sequence[pd.DataFrame],
    regions: RegionTable,
    *,
    wanted: frozenset[str] | None = None,
    periods: frozenset[int] | None = None,
    levels: frozenset[str] | None = None,
    order: Sequence[str] = (),
    sort: bool = True,
) -> pd.DataFrame:
    """Concatenate parts, filter, add region names and levels, sort.

    Examples
    --------
    >>> k = pd.DataFrame({"region_code": ["17"], "year": [2024]})
    >>> p = part(k, indicator="a", unit="%", value=np.array([1.0]), flag=np.array([""]))
    >>> finish([p], RegionTable(["17"]))[["region_code", "level", "value"]].values.tolist()
    [['17', 'land', 1.0]]
    """
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_indicator_frame()
    df = pd.concat(parts, ignore_index=True)
    if wanted is not None:
        df = df[df["region_code"].isin(list(wanted))]
    if periods is not None:
        df = df[df["period"].isin(list(periods))]
    regions.extend(pd.unique(df["region_code"]))
    codes, uniq = pd.factorize(df["region_code"])
    info = regions.info.reindex(uniq)
    level = info["level"].to_numpy()[codes]
    if levels is not None:
        keep = pd.Index(level).isin(list(levels))
        df, codes, level = df[keep], codes[keep], level[keep]
    names = np.array([regions.name(c) for c in uniq], dtype=object)
    df = df.assign(region_name=names[codes] if len(codes) else [], level=level)
    df = df[list(COLUMNS)]
    if sort and len(df):
        rank = {c: i for i, c in enumerate(order)}
        ind_rank = df["indicator"].map(rank).fillna(len(rank)).to_numpy()
        lvl_rank = pd.Index(LEVELS).get_indexer(df["level"])
        keys = pd.DataFrame(
            {
                "i": ind_rank,
                "ind": df["indicator"].to_numpy(),
                "d": df["dimension"].to_numpy(),
                "c": df["category"].to_numpy(),
                "l": lvl_rank,
                "rc": df["region_code"].to_numpy(),
                "p": df["period"].to_numpy(),
            }
        )
        idx = keys.sort_values(
            ["i", "ind", "d", "c", "l", "rc", "p"], kind="stable"
        ).index.to_numpy()
        df = df.iloc[idx]
    df = df.reset_index(drop=True)
    for c, t in COLUMNS.items():
        if t == "str":
            df[c] = df[c].astype("str")
    return df
