"""Weight diagnostics: Kish effective sample size, weight summary, convergence report.

Kish's design effect describes the *weights* only (``1 + CV^2``); R's
``deff`` on an :class:`~toolkit.weighting.estimate.Estimate` describes one
estimate (``Var_design / Var_SRS``) and also reflects clustering and
stratification.

Examples
--------
>>> kish_n_eff([1.0, 1.0, 2.0, 2.0])
3.6
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from toolkit.errors import DataError

if TYPE_CHECKING:
    from toolkit.weighting.design import SurveyDesign

__all__ = ["convergence_report", "kish_deff", "kish_n_eff", "weight_summary"]


def _weights(weights: SurveyDesign | Sequence[float] | np.ndarray | pd.Series) -> np.ndarray:
    w = weights._w if hasattr(weights, "_w") else np.asarray(weights, dtype=float)
    w = w[w > 0] if np.all(np.isfinite(w)) else w
    if len(w) == 0 or not np.all(np.isfinite(w)):
        raise DataError(
            "Gewichte leer oder nicht endlich.", hint="Nur positive, endliche Gewichte übergeben."
        )
    return w


def kish_n_eff(weights: SurveyDesign | Sequence[float] | np.ndarray | pd.Series) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2``.

    Parameters
    ----------
    weights : SurveyDesign or array-like
        Weights (rows with weight 0 are ignored).

    Returns
    -------
    float
        Effective sample size; equals ``n`` for equal weights.

    References
    ----------
    Kish, L. (1965). *Survey Sampling*. Wiley, sec. 11.7.

    Examples
    --------
    >>> kish_n_eff([2.0, 2.0, 2.0])
    3.0
    """
    w = _weights(weights)
    return float(w.sum() ** 2 / np.sum(w**2))


def kish_deff(weights: SurveyDesign | Sequence[float] | np.ndarray | pd.Series) -> float:
    """Kish's design effect due to unequal weights, ``1 + CV(w)^2`` (CV with divisor n).

    Parameters
    ----------
    weights : SurveyDesign or array-like
        Weights.

    Returns
    -------
    float
        ``n / n_eff``.

    Examples
    --------
    >>> kish_deff([1.0, 3.0])
    1.25
    """
    w = _weights(weights)
    return float(1 + (w.std() / w.mean()) ** 2)


def weight_summary(weights: SurveyDesign | Sequence[float] | np.ndarray | pd.Series) -> pd.Series:
    """Summary of the weights: n, sum, min, max, mean, CV, max/min ratio, n_eff, deff_kish.

    Parameters
    ----------
    weights : SurveyDesign or array-like
        Weights.

    Returns
    -------
    pandas.Series
        One value per statistic.

    Examples
    --------
    >>> weight_summary([1.0, 1.0, 4.0])["ratio"]
    np.float64(4.0)
    """
    w = _weights(weights)
    return pd.Series(
        {
            "n": float(len(w)),
            "sum": float(w.sum()),
            "min": float(w.min()),
            "max": float(w.max()),
            "mean": float(w.mean()),
            "cv": float(w.std() / w.mean()),
            "ratio": float(w.max() / w.min()),
            "n_eff": kish_n_eff(w),
            "deff_kish": kish_deff(w),
        },
        name="weights",
    )


def convergence_report(design: SurveyDesign) -> pd.DataFrame:
    """Table of the weight adjustments applied to a design.

    Parameters
    ----------
    design : SurveyDesign
        An adjusted design.

    Returns
    -------
    pandas.DataFrame
        Columns ``method, iterations, max_error, converged, tolerance``, oldest first.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.weighting import SurveyDesign, rake
    >>> d = rake(SurveyDesign(pd.DataFrame({"g": ["a", "b"]})), {"g": {"a": 5, "b": 5}})
    >>> convergence_report(d)[["method", "converged"]]
      method  converged
    0   rake       True
    """
    rows = [
        {
            "method": h.method,
            "iterations": h.iterations,
            "max_error": h.max_error,
            "converged": h.converged,
            "tolerance": h.tolerance,
        }
        for h in design.history
    ]
    return pd.DataFrame(
        rows, columns=["method", "iterations", "max_error", "converged", "tolerance"]
    )
