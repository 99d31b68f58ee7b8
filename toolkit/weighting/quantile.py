"""Weighted quantiles with Woodruff confidence intervals (R ``svyquantile``).

Examples
--------
>>> import pandas as pd
>>> from toolkit.weighting import SurveyDesign
>>> d = SurveyDesign(pd.DataFrame({"y": [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]}))
>>> quantile(d, "y", 0.5).value
3.0
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from toolkit.errors import ParameterError
from toolkit.weighting._machinery import (
    Estimate,
    _as_list,
    _assemble,
    _check_level,
    _check_missing,
    _dfs,
    _domains,
    _linearised,
    _numeric,
    _quantile,
)
from toolkit.weighting._repvar import RatioSpec, replicate_variance

if TYPE_CHECKING:
    from toolkit.weighting.design import SurveyDesign

__all__ = ["quantile", "weighted_quantile"]


def weighted_quantile(values: np.ndarray, weights: np.ndarray, p: float) -> float:
    """Smallest value whose weighted distribution function reaches ``p`` (R ``qrule_math``).

    Parameters
    ----------
    values, weights : numpy.ndarray
        Values and positive weights.
    p : float
        Probability in [0, 1].

    Returns
    -------
    float
        ``min{x : F(x) >= p}`` with ``F`` the weighted empirical distribution
        function; NaN for ``p`` outside [0, 1].

    Examples
    --------
    >>> weighted_quantile(np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 2.0]), 0.5)
    2.0
    """
    if not 0 <= p <= 1 or math.isnan(p):
        return float("nan")
    order = np.argsort(values, kind="stable")
    x = values[order]
    cumw = np.cumsum(weights[order])
    total = math.fsum(weights)
    target = p * total
    slack = 1e-12 * total  # equality up to rounding of the cumulative sums
    below = np.flatnonzero(cumw <= target + slack)
    pos = below[-1] if len(below) else -1
    if pos >= 0 and abs(cumw[pos] - target) <= slack:
        return float(x[pos])
    return float(x[min(pos + 1, len(x) - 1)])


def _replicate_quantiles(
    design: SurveyDesign, y: np.ndarray, mask: np.ndarray, q: float
) -> np.ndarray:
    """Return the quantile of ``y`` in ``mask`` under every replicate weight (R ``qrule_math``).

    Rows with replicate weight 0 are left out, as R does; the rule is that
    of :func:`weighted_quantile`: the first value whose cumulative weight
    reaches ``q`` times the total (up to rounding).
    """
    rows = np.flatnonzero(mask)
    order = rows[np.argsort(y[rows], kind="stable")]
    cum = np.cumsum(design.replicate_weights[order], axis=0)
    target = q * cum[-1]
    reach = cum >= target - 1e-12 * cum[-1]
    if q == 0:
        reach &= design.replicate_weights[order] > 0
    first = np.argmax(reach, axis=0)
    return y[order][first]


def quantile(
    design: SurveyDesign,
    var: str,
    q: float,
    *,
    by: str | Sequence[str] | None = None,
    na_rm: bool = False,
    level: float = 0.95,
    df: str | int = "domain",
    interval: str = "woodruff",
) -> Estimate | pd.DataFrame:
    """Weighted quantile with a Woodruff confidence interval (R ``svyquantile`` defaults).

    Parameters
    ----------
    design : SurveyDesign
        The design.
    var : str
        Numeric column.
    q : float
        Probability, e.g. 0.5 for the median.
    by : str or list of str, optional
        Domain variable(s).
    na_rm : bool
        Missing values: fail or estimate among cases with a value.
    level : float
        Confidence level.
    df : {"domain", "design"} or int, default "domain"
        Degrees of freedom of the Woodruff interval: ``"domain"`` (stage-1
        units minus strata among the rows with a value, as R's
        ``svyquantile(..., na.rm=TRUE)``, which drops the missing cases
        first), ``"design"`` (whole design) or a number.
    interval : {"woodruff", "replicate"}
        ``"replicate"`` (replicate designs only; R's
        ``interval.type = "quantile"``): the quantile is recomputed with every
        replicate weight, ``se`` is the replicate SE and the interval
        ``q -/+ t se``. R warns that jackknife SEs of quantiles are not
        valid; use it with bootstrap or BRR weights.

    Returns
    -------
    Estimate or pandas.DataFrame
        ``value`` is the quantile (``qrule="math"``); the interval inverts the
        t interval of ``F(value)`` (``interval.type="mean"``); ``se`` is the
        interval width divided by ``2 t``, as R; ``deff`` and ``n_eff`` are NaN.

    Notes
    -----
    Woodruff (1952): estimate ``F(q_hat)`` as the mean of ``y <= q_hat`` with
    its design-based SE, form ``F -/+ t se`` and map both ends back through
    the weighted quantile function. One deliberate difference from R 4.1:
    for a probability below the first cumulative weight share R returns the
    second smallest value; here it is the smallest (the definition above).

    References
    ----------
    Woodruff, R. S. (1952). Confidence intervals for medians and other position
    measures. *JASA* 47, 635–646.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.weighting import SurveyDesign
    >>> d = SurveyDesign(pd.DataFrame({"y": [float(v) for v in range(1, 21)]}))
    >>> e = quantile(d, "y", 0.5)
    >>> e.value, e.ci_low, e.ci_high
    (10.0, 6.0, 15.0)
    """
    _check_level(level)
    if not 0 <= q <= 1:
        raise ParameterError(f"q muss zwischen 0 und 1 liegen, nicht {q}.")
    if interval not in ("woodruff", "replicate"):
        raise ParameterError(f"interval muss 'woodruff' oder 'replicate' sein, nicht {interval!r}.")
    if interval == "replicate" and not design.is_replicate:
        raise ParameterError(
            "interval='replicate' braucht ein Design mit Replikationsgewichten.",
            hint="as_replicate(design, 'bootstrap') oder interval='woodruff'.",
        )
    y = _numeric(design, var)
    usable = _check_missing(design, var, np.isnan(y), na_rm)
    by_cols = _as_list(by)
    labels, masks = _domains(design, by_cols, usable)
    w = design._w
    k = len(masks)
    qhat = np.empty(k)
    pvals = np.empty(k)
    wsums = np.array([w[m].sum() for m in masks])
    for j, m in enumerate(masks):
        qhat[j] = weighted_quantile(y[m], w[m], q)
        pvals[j] = np.sum(np.where(m & (y <= qhat[j]), w, 0.0)) / wsums[j]

    if interval == "replicate":
        reps = np.column_stack([_replicate_quantiles(design, y, m, q) for m in masks])
        var_ = replicate_variance(design.replicate_info, reps, qhat, diagonal=True)
        dfs = _dfs(design, masks, df)
        half = _quantile(dfs, level) * np.sqrt(var_)
        return _assemble(
            design,
            labels,
            masks,
            qhat,
            var_,
            np.full(k, np.nan),
            level,
            f"{var}@{q:g}",
            by_cols,
            (qhat - half, qhat + half),
            df,
        )

    def column(j: int) -> np.ndarray:
        below = np.where(masks[j], y <= qhat[j], False).astype(float)
        return (below - pvals[j]) / wsums[j]

    def num(j: int) -> np.ndarray:
        return np.where(masks[j], y <= qhat[j], False).astype(float)

    def den(j: int) -> np.ndarray:
        return masks[j].astype(float)

    var_, _ = _linearised(design, masks, column, RatioSpec(num, den, pvals))
    dfs = _dfs(design, masks, df)
    t = _quantile(dfs, level)
    half = t * np.sqrt(var_)
    low = np.array(
        [
            weighted_quantile(y[m], w[m], p) if p >= 0 else np.nan
            for m, p in zip(masks, pvals - half, strict=True)
        ]
    )
    high = np.array(
        [
            weighted_quantile(y[m], w[m], p) if p <= 1 else np.nan
            for m, p in zip(masks, pvals + half, strict=True)
        ]
    )
    se = (high - low) / (2 * t)
    nan = np.full(k, np.nan)
    est = _assemble(
        design, labels, masks, qhat, se**2, nan, level, f"{var}@{q:g}", by_cols, (low, high), df
    )
    return est
