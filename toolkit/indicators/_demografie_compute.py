"""Computing the demografie indicators from the population's age bins (private).

:func:`compute` is the computation of the family :mod:`toolkit.indicators.demografie`
(which holds the catalogue entries and the public functions, and re-exports
:func:`compute`, :func:`band` and :data:`AGE_GROUPS`). It sums the wide
population arrays of :meth:`~toolkit.indicators._context.Context.population_wide`
over age bands (:func:`band`) into the population, the rates between two
bands (ages from :data:`~toolkit.indicators._agegroups.RATE_AGES`), the change
against the year before and the breakdown by :data:`AGE_GROUPS`.

Examples
--------
>>> pop = pd.DataFrame({"region_code": "17001000", "year": 2024, "sex": "w",
...                     "age": [10, 30, 70], "population": [20, 50, 30]})
>>> parts = compute(Context({"population": pop}))
>>> sorted({p["indicator"] for p in parts})[:2]
['altenquotient', 'anteil_65plus']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.indicators._agegroups import RATE_AGES as _RATES
from toolkit.indicators._agegroups import missing_ages
from toolkit.indicators._build import Part, count_values, part, rate_values
from toolkit.indicators._context import Context

__all__ = ["AGE_GROUPS", "band", "compute"]

#: Age groups of the ``age_group`` breakdown of ``bevoelkerung`` → ages [from, to).
AGE_GROUPS: dict[str, tuple[int, int | None]] = {
    "u3": (0, 3),
    "3u6": (3, 6),
    "6u10": (6, 10),
    "10u16": (10, 16),
    "16u25": (16, 25),
    "25u65": (25, 65),
    "65plus": (65, None),
}


def band(n: np.ndarray, r: np.ndarray, bins: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Sum the age bins ``bins`` of wide population arrays (counts, ranks).

    Examples
    --------
    >>> band(np.array([[1.0, 2.0, 4.0]]), np.array([[0, 1, 0]]), [0, 1])
    (array([3.]), array([1]))
    """
    return n[:, bins].sum(axis=1), r[:, bins].max(axis=1)


def compute(ctx: Context) -> list[Part]:
    """Compute all demografie indicators (total and breakdowns).

    Examples
    --------
    >>> pop = pd.DataFrame({"region_code": "17001000", "year": 2024, "sex": "m",
    ...                     "age": [1], "population": [5]})
    >>> len(compute(Context({"population": pop}))) > 0
    True
    """
    parts: list[Part] = []
    rates = {}
    for code in _RATES:
        why = missing_ages(ctx, code)
        if why:
            ctx.omit([code], why)
        else:
            rates[code] = _RATES[code]
    everyone = ctx.age_bins(0, None) or []
    for by_sex in (False, True):
        keys, n, r = ctx.population_wide(by_sex)
        dim = "sex" if by_sex else ""
        cat = keys["sex"] if by_sex else ""
        total, total_r = band(n, r, everyone)
        parts.append(_population(keys, total, total_r, dim, cat))
        for code, (ages_num, ages_den) in rates.items():
            num, num_r = band(n, r, ctx.age_bins(*ages_num) or [])
            if ages_den is None:
                den, den_r = total, total_r
            else:
                den, den_r = band(n, r, ctx.age_bins(*ages_den) or [])
            v, f = rate_values(num, num_r, den, den_r, 100.0)
            unit = "je 100" if code.endswith("quotient") else "%"
            parts.append(
                part(
                    keys,
                    indicator=code,
                    unit=unit,
                    value=v,
                    flag=f,
                    numerator=num,
                    denominator=den,
                    dimension=dim,
                    category=cat,
                )
            )
        parts.append(_change(keys, total, total_r, dim))
    keys, n, r = ctx.population_wide(False)
    for group, ages in AGE_GROUPS.items():
        bins = ctx.age_bins(*ages)
        if bins is None:
            continue  # this breakdown category is not in the data's age groups
        num, num_r = band(n, r, bins)
        parts.append(_population(keys, num, num_r, "age_group", group))
    return parts


def _population(
    keys: pd.DataFrame, num: np.ndarray, num_r: np.ndarray, dim: object, cat: object
) -> Part:
    """Return the population count (``bevoelkerung``) of one breakdown cell."""
    v, f = count_values(num, num_r)
    return part(
        keys,
        indicator="bevoelkerung",
        unit="Anzahl",
        value=v,
        flag=f,
        numerator=num,
        dimension=dim,
        category=cat,
    )


def _change(keys: pd.DataFrame, total: np.ndarray, total_r: np.ndarray, dim: str) -> Part:
    by = ["region_code"] + (["sex"] if dim else [])
    cur = keys.assign(n=total, r=total_r)
    prev = cur.assign(year=cur["year"] + 1)
    m = cur.merge(prev, on=[*by, "year"], how="inner", suffixes=("", "_prev"))
    diff = m["n"] - m["n_prev"]
    v, f = rate_values(
        diff.to_numpy(), m["r"].to_numpy(), m["n_prev"].to_numpy(), m["r_prev"].to_numpy(), 100.0
    )
    cat = m["sex"] if dim else ""
    return part(
        m,
        indicator="bevoelkerung_veraenderung",
        unit="%",
        value=v,
        flag=f,
        numerator=diff,
        denominator=m["n_prev"],
        dimension=dim,
        category=cat,
    )
