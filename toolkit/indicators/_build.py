"""Turn counts into indicator rows with values and flags (private).

The rows of one indicator and breakdown form a :data:`Part`; the parts of
all indicators become one IndicatorFrame in :mod:`toolkit.indicators._assemble`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit.indicators._counts import MISSING, group_sum

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
