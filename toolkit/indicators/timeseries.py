"""Time series of indicators: change, index to a base year, linear trend.

All functions take an IndicatorFrame and work per *series*, i.e. per
``region_code, indicator, dimension, category``. Rates (unit ``%`` or
``je 100``) change in points (Prozentpunkte), counts in per cent.

Examples
--------
>>> f = pd.DataFrame({"region_code": "17", "region_name": "M", "level": "land",
...                   "period": [2023, 2024], "indicator": "betreuungsquote_u3",
...                   "dimension": "", "category": "", "value": [35.5, 36.4],
...                   "numerator": float("nan"), "denominator": float("nan"),
...                   "unit": "%", "flag": ""})
>>> round(change(f)["change"].item(), 1)
0.9
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.errors import ParameterError
from toolkit.indicators.frame import validate_indicator_frame

__all__ = ["RATE_UNITS", "change", "index_to_base", "line_trend", "trend"]

#: Units whose changes are differences (points), not relative changes.
RATE_UNITS = frozenset({"%", "je 100"})
SERIES = ["region_code", "indicator", "dimension", "category"]
_MISSING_FLAGS = (".", "x", "/")


def _change_unit(unit: pd.Series) -> np.ndarray:
    return np.where(
        unit == "%", "Prozentpunkte", np.where(unit.isin(list(RATE_UNITS)), "Punkte", "%")
    )


def _combine_flags(a: pd.Series, b: pd.Series) -> np.ndarray:
    order = {"": 0, "-": 0, "p": 1, "x": 2, "/": 3, ".": 4}
    ra, rb = a.map(order).fillna(0).to_numpy(), b.map(order).fillna(0).to_numpy()
    names = np.array(["", "p", "x", "/", "."], dtype=object)
    return names[np.maximum(ra, rb).astype(int)]


def change(frame: pd.DataFrame, *, lag: int = 1) -> pd.DataFrame:
    """Change of each value against the value ``lag`` periods earlier.

    Parameters
    ----------
    frame : DataFrame
        IndicatorFrame.
    lag : int, default 1
        Distance in periods (years).

    Returns
    -------
    DataFrame
        The rows that have a value ``lag`` periods earlier, with the
        IndicatorFrame columns plus ``previous_period``, ``previous_value``,
        ``change``, ``change_unit`` (``Prozentpunkte`` for ``%``, ``Punkte``
        for other rates, ``%`` for counts) and ``change_flag`` (the worse flag
        of both values; ``x`` for a relative change from zero).

    Notes
    -----
    Following official practice, the change of a rate (units ``%``, ``je 100``) is the
    difference in Prozentpunkten and the change of a count the relative change in per
    cent; a flag of either period travels to the change.

    References
    ----------
    .. [1] Statistisches Bundesamt (Destatis): Zeichenerklärung in Veröffentlichungen
           der amtlichen Statistik (Veränderung in Prozentpunkten bei Quoten, in Prozent
           bei Anzahlen).
    .. [2] Autorengruppe Bildungsberichterstattung: Bildung in Deutschland (nationaler
           Bildungsbericht), Kapitel A Rahmenbedingungen (Demografie).

    Examples
    --------
    >>> f = pd.DataFrame({"region_code": "17", "region_name": "M", "level": "land",
    ...                   "period": [2023, 2024], "indicator": "bevoelkerung",
    ...                   "dimension": "", "category": "", "value": [200.0, 210.0],
    ...                   "numerator": [200.0, 210.0], "denominator": float("nan"),
    ...                   "unit": "Anzahl", "flag": ""})
    >>> change(f)[["change", "change_unit"]].values.tolist()
    [[5.0, '%']]
    """
    if int(lag) < 1:
        raise ParameterError("lag muss mindestens 1 sein.")
    f = validate_indicator_frame(frame)
    prev = f[[*SERIES, "period", "value", "flag"]].rename(
        columns={"value": "previous_value", "flag": "_pf", "period": "previous_period"}
    )
    prev["period"] = prev["previous_period"] + int(lag)
    m = f.merge(prev, on=[*SERIES, "period"], how="inner")
    cur, old = m["value"].to_numpy(), m["previous_value"].to_numpy()
    rate = m["unit"].isin(list(RATE_UNITS)).to_numpy()
    out = np.full(len(m), np.nan)
    out[rate] = cur[rate] - old[rate]
    ok = ~rate & (old != 0) & np.isfinite(old)
    out[ok] = (cur[ok] / old[ok] - 1.0) * 100.0
    flag = _combine_flags(m["flag"], m["_pf"])
    zero_base = ~rate & (old == 0)
    flag[zero_base & ~np.isin(flag, _MISSING_FLAGS)] = "x"
    m = m.drop(columns="_pf").assign(
        change=out, change_unit=_change_unit(m["unit"]), change_flag=flag
    )
    return m.reset_index(drop=True)


def index_to_base(frame: pd.DataFrame, base_period: int) -> pd.DataFrame:
    """Index each series to its value in ``base_period`` (= 100).

    Parameters
    ----------
    frame : DataFrame
        IndicatorFrame.
    base_period : int
        Period whose value becomes 100.

    Returns
    -------
    DataFrame
        The IndicatorFrame columns plus ``base_period``, ``index`` and
        ``index_flag``. A series without a base value, or with a base of
        zero, gets NaN with flag ``x`` (or the base's missing-value flag).

    Notes
    -----
    Index = 100 × value / value in the base period, per series; a base value of zero or
    a missing one gives NaN with a flag instead of an infinite or made-up index.

    References
    ----------
    .. [1] Statistisches Bundesamt (Destatis): Zeichenerklärung in Veröffentlichungen
           der amtlichen Statistik (Veränderung in Prozentpunkten bei Quoten, in Prozent
           bei Anzahlen).

    Examples
    --------
    >>> f = pd.DataFrame({"region_code": "17", "region_name": "M", "level": "land",
    ...                   "period": [2020, 2024], "indicator": "bevoelkerung",
    ...                   "dimension": "", "category": "", "value": [200.0, 230.0],
    ...                   "numerator": [200.0, 230.0], "denominator": float("nan"),
    ...                   "unit": "Anzahl", "flag": ""})
    >>> index_to_base(f, 2020)["index"].tolist()
    [100.0, 115.0]
    """
    f = validate_indicator_frame(frame)
    base = f.loc[f["period"] == int(base_period), [*SERIES, "value", "flag"]].rename(
        columns={"value": "_bv", "flag": "_bf"}
    )
    m = f.merge(base, on=SERIES, how="left")
    bv = m["_bv"].to_numpy()
    ok = np.isfinite(bv) & (bv != 0)
    idx = np.full(len(m), np.nan)
    idx[ok] = m["value"].to_numpy()[ok] / bv[ok] * 100.0
    flag = _combine_flags(m["flag"], m["_bf"].fillna("x"))
    flag[~ok & ~np.isin(flag, _MISSING_FLAGS)] = "x"
    return m.drop(columns=["_bv", "_bf"]).assign(
        base_period=int(base_period), index=idx, index_flag=flag
    )


def trend(frame: pd.DataFrame, *, alpha: float = 0.05, min_periods: int = 3) -> pd.DataFrame:
    """Linear trend per series: OLS slope per period with confidence interval.

    Parameters
    ----------
    frame : DataFrame
        IndicatorFrame; missing values (NaN) are left out of the fit.
    alpha : float, default 0.05
        1 − confidence level of the interval.
    min_periods : int, default 3
        Fewest periods with a value needed for a slope and interval (at
        least 3: with 2 points there are no residual degrees of freedom).

    Returns
    -------
    DataFrame
        One row per series: ``region_code, region_name, level, indicator,
        dimension, category, unit, n_periods, first_period, last_period,
        slope, slope_unit, se, ci_low, ci_high, p_value, exceeds_noise``.
        ``exceeds_noise`` is True when the interval excludes 0, i.e. the
        change over the years is larger than the year-to-year scatter around
        the line would explain at level ``alpha``.

    Notes
    -----
    Ordinary least squares of value on period: slope b = Sxy / Sxx,
    se = sqrt(s² / Sxx) with s² = residual sum of squares / (n − 2); the
    interval uses Student's t with n − 2 degrees of freedom. This is the
    same estimate as ``statsmodels.api.OLS(y, add_constant(x)).fit()``
    (``params[1]``, ``bse[1]``, ``conf_int(alpha)``), written in closed form
    so that thousands of series are fitted at once; the tests compare the
    two. Years are treated as independent observations; autocorrelation
    makes the interval too narrow, so read ``exceeds_noise`` as a hint.

    References
    ----------
    .. [1] Autorengruppe Bildungsberichterstattung: Bildung in Deutschland (nationaler
           Bildungsbericht), Kapitel A Rahmenbedingungen (Demografie).
    .. [2] Seabold, S.; Perktold, J.: statsmodels – Econometric and statistical modeling
           with Python, Proceedings of the 9th Python in Science Conference (2010).

    Examples
    --------
    >>> f = pd.DataFrame({"region_code": "17", "region_name": "M", "level": "land",
    ...                   "period": [2020, 2021, 2022, 2023], "indicator": "vertragsloesungsquote",
    ...                   "dimension": "", "category": "", "value": [25.0, 26.0, 27.5, 28.5],
    ...                   "numerator": float("nan"), "denominator": float("nan"),
    ...                   "unit": "%", "flag": ""})
    >>> t = trend(f)
    >>> round(t["slope"].item(), 2), bool(t["exceeds_noise"].item())
    (1.2, True)
    """
    if not 0 < alpha < 1:
        raise ParameterError("alpha muss zwischen 0 und 1 liegen.")
    if min_periods < 3:
        raise ParameterError("min_periods muss mindestens 3 sein.")
    f = validate_indicator_frame(frame)
    f = f[np.isfinite(f["value"].to_numpy())]
    head = ["region_code", "region_name", "level", "indicator", "dimension", "category", "unit"]
    if f.empty:
        cols = [
            *head,
            "n_periods",
            "first_period",
            "last_period",
            "slope",
            "slope_unit",
            "se",
            "ci_low",
            "ci_high",
            "p_value",
            "exceeds_noise",
        ]
        return pd.DataFrame(columns=cols)
    g = f.groupby(SERIES, sort=False)
    x = f["period"].astype("float64")
    y = f["value"]
    xm = x.groupby([f[c] for c in SERIES], sort=False).transform("mean")
    ym = y.groupby([f[c] for c in SERIES], sort=False).transform("mean")
    dx, dy = x - xm, y - ym
    work = f[SERIES].assign(sxx=dx * dx, sxy=dx * dy, syy=dy * dy)
    s = work.groupby(SERIES, sort=False)[["sxx", "sxy", "syy"]].sum()
    first = g.first()
    out = first[["region_name", "level", "unit"]].copy()
    out["n_periods"] = g.size()
    out["first_period"] = g["period"].min()
    out["last_period"] = g["period"].max()
    fit = _fit_lines(
        s["sxx"].to_numpy(),
        s["sxy"].to_numpy(),
        s["syy"].to_numpy(),
        out["n_periods"].to_numpy(),
        alpha,
        min_periods,
    )
    out["slope"] = fit["slope"]
    out["slope_unit"] = np.where(
        out["unit"] == "%", "Prozentpunkte je Jahr", out["unit"].astype("str") + " je Jahr"
    )
    for key in ("se", "ci_low", "ci_high", "p_value", "exceeds_noise"):
        out[key] = fit[key]
    out = out.reset_index()
    return out[
        [
            *head,
            "n_periods",
            "first_period",
            "last_period",
            "slope",
            "slope_unit",
            "se",
            "ci_low",
            "ci_high",
            "p_value",
            "exceeds_noise",
        ]
    ]


def _fit_lines(
    sxx: np.ndarray,
    sxy: np.ndarray,
    syy: np.ndarray,
    npts: np.ndarray,
    alpha: float,
    min_periods: int,
) -> dict[str, np.ndarray]:
    """Closed-form OLS of value on period from centred sums, one entry per series."""
    enough = (npts >= min_periods) & (sxx > 0)
    slope = np.full(len(npts), np.nan)
    se = np.full(len(npts), np.nan)
    slope[enough] = sxy[enough] / sxx[enough]
    df = np.maximum(npts - 2, 1)
    rss = np.clip(syy - np.where(enough, slope * sxy, 0.0), 0.0, None)
    se[enough] = np.sqrt(rss[enough] / df[enough] / sxx[enough])
    tq = stats.t.ppf(1 - alpha / 2, df)
    low, high = slope - tq * se, slope + tq * se
    with np.errstate(divide="ignore", invalid="ignore"):
        tstat = np.where(se > 0, slope / se, np.where(slope != 0, np.inf, 0.0))
    p = 2 * stats.t.sf(np.abs(tstat), df)
    return {
        "slope": slope,
        "se": se,
        "ci_low": low,
        "ci_high": high,
        "p_value": np.where(enough, p, np.nan),
        "exceeds_noise": enough & ((low > 0) | (high < 0)),
    }


def line_trend(
    periods: Sequence[float],
    values: Sequence[float],
    *,
    alpha: float = 0.05,
    min_periods: int = 3,
) -> dict[str, float | bool | int] | None:
    """Linear trend of one series given as years and values, as :func:`trend` computes it.

    The same closed-form OLS as :func:`trend` without building an
    IndicatorFrame (a report asks for a dozen single series; ``trend`` on a
    one-series frame costs about 30 ms, this about 0.1 ms).

    Parameters
    ----------
    periods, values : sequence of float
        Years and values of one series; pairs with a missing value (NaN)
        are left out.
    alpha : float, default 0.05
        1 − confidence level of the interval.
    min_periods : int, default 3
        Fewest values needed (at least 3).

    Returns
    -------
    dict or None
        ``n_periods, first_period, last_period, slope, se, ci_low, ci_high,
        p_value, exceeds_noise``; None with fewer than ``min_periods``
        values or when every period is the same.

    Notes
    -----
    Slope b = Sxy / Sxx, se = sqrt(s² / Sxx) with s² = residual sum of
    squares / (n − 2); Student's t interval with n − 2 degrees of freedom,
    as ``statsmodels.api.OLS`` (the tests compare both with it).

    References
    ----------
    .. [1] Seabold, S.; Perktold, J.: statsmodels – Econometric and statistical modeling
           with Python, Proceedings of the 9th Python in Science Conference (2010).

    Examples
    --------
    >>> t = line_trend([2020, 2021, 2022, 2023], [25.0, 26.0, 27.5, 28.5])
    >>> round(t["slope"], 2), t["exceeds_noise"]
    (1.2, True)
    >>> line_trend([2020, 2021], [1.0, 2.0]) is None
    True
    """
    if not 0 < alpha < 1:
        raise ParameterError("alpha muss zwischen 0 und 1 liegen.")
    if min_periods < 3:
        raise ParameterError("min_periods muss mindestens 3 sein.")
    x = np.asarray(periods, dtype="float64")
    y = np.asarray(values, dtype="float64")
    keep = np.isfinite(y)
    x, y = x[keep], y[keep]
    if len(x) < min_periods:
        return None
    dx, dy = x - x.mean(), y - y.mean()
    sums = [np.array([float(np.sum(a * b))]) for a, b in ((dx, dx), (dx, dy), (dy, dy))]
    if sums[0][0] <= 0:  # every value in the same year
        return None
    fit = _fit_lines(*sums, np.array([len(x)]), alpha, min_periods)
    out: dict[str, float | bool | int] = {
        "n_periods": len(x),
        "first_period": int(x.min()),
        "last_period": int(x.max()),
    }
    out.update({k: float(v[0]) for k, v in fit.items() if k != "exceeds_noise"})
    out["exceeds_noise"] = bool(fit["exceeds_noise"][0])
    return out
