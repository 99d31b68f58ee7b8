"""Weighted proportions with confidence intervals as R's ``svyciprop``.

Examples
--------
>>> import pandas as pd
>>> from toolkit.weighting import SurveyDesign
>>> d = SurveyDesign(pd.DataFrame({"a": ["x", "y", "x", "x"]}))
>>> proportion(d, "a", "x").value
0.75
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.errors import DataError, ParameterError
from toolkit.weighting._likelihood import likelihood_interval
from toolkit.weighting._machinery import (
    Estimate,
    _as_list,
    _assemble,
    _check_level,
    _check_missing,
    _column,
    _dfs,
    _domains,
    _groups,
    _linearised,
    _quantile,
)
from toolkit.weighting._repvar import RatioSpec

if TYPE_CHECKING:
    from toolkit.weighting.design import SurveyDesign

__all__ = ["proportion"]

CI_METHODS = ("logit", "xlogit", "beta", "mean", "likelihood", "wilson")


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1 - p))


def _prop_ci(
    p: np.ndarray,
    var: np.ndarray,
    df: np.ndarray,
    n: np.ndarray,
    level: float,
    method: str,
    logit_var: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    q = _quantile(df, level)
    se = np.sqrt(var)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method in ("logit", "xlogit"):
            eta = _logit(p)
            if method == "logit" and logit_var is not None:
                half = q * np.sqrt(logit_var)
            else:
                half = q * se / (p * (1 - p))
            return 1 / (1 + np.exp(-(eta - half))), 1 / (1 + np.exp(-(eta + half)))
        if method == "mean":
            return p - q * se, p + q * se
        n_star = p * (1 - p) / var
        if method == "beta":
            alpha = 1 - level
            ratio_q = stats.t.ppf(alpha / 2, np.maximum(n - 1, 1)) / stats.t.ppf(
                alpha / 2, np.where(df > 0, df, np.nan)
            )
            n_star = n_star * ratio_q**2
            low = stats.beta.ppf(alpha / 2, n_star * p, n_star * (1 - p) + 1)
            high = stats.beta.ppf(1 - alpha / 2, n_star * p + 1, n_star * (1 - p))
            return low, high
        centre = (p + q**2 / (2 * n_star)) / (1 + q**2 / n_star)
        half = q / (1 + q**2 / n_star) * np.sqrt(p * (1 - p) / n_star + q**2 / (4 * n_star**2))
        return centre - half, centre + half


def proportion(
    design: SurveyDesign,
    var: str,
    level: Any = None,
    *,
    ci: str = "logit",
    by: str | Sequence[str] | None = None,
    na_rm: bool = False,
    conf_level: float = 0.95,
    degenerate: str = "fail",
    df: str | int = "domain",
) -> Estimate | pd.DataFrame:
    """Weighted proportion with a confidence interval as R's ``svyciprop``.

    Parameters
    ----------
    design : SurveyDesign
        The design.
    var : str
        Categorical or boolean column.
    level : scalar, optional
        Category whose share is estimated. Default: ``True`` for boolean or
        0/1 columns; otherwise every category (returns a DataFrame).
    ci : {"logit", "xlogit", "beta", "mean", "wilson"}
        Interval: ``logit`` and ``xlogit`` (Wald interval on the logit
        scale, identical for a proportion on a linearisation design),
        ``beta`` (Korn & Graubard 1998), ``mean`` (Wald interval ``p -/+ t se``),
        ``likelihood`` (profile likelihood of the design-scaled binomial
        deviance, Rao-Scott; R's ``method = "likelihood"``) or ``wilson`` (score interval with the effective sample size
        ``p(1-p)/Var(p)``; not in R).
    by : str or list of str, optional
        Domain variable(s).
    na_rm : bool
        Missing answers: fail or estimate among those answering.
    conf_level : float
        Confidence level (t quantiles with the design df, as R).
    degenerate : {"fail", "nan"}
        At ``p = 0`` or ``p = 1`` none of the intervals is defined: fail
        (default) or return NaN bounds.
    df : {"domain", "design"} or int, default "domain"
        Degrees of freedom of the interval. ``"domain"``: stage-1 units minus
        strata among the rows used (with ``by`` or ``na_rm``: only those
        rows), as R's ``svyby(..., svyciprop)`` and R on a subset design.
        ``"design"``: the whole design's df, as R's
        ``svyciprop(..., na.rm=TRUE)`` (its ``df = degf(design)`` is taken
        before the missing cases are dropped). Or a fixed number.

    Returns
    -------
    Estimate or pandas.DataFrame
        One estimate, or a DataFrame with a ``category`` column (and domain
        columns) when several categories or domains are estimated.

    Notes
    -----
    The logit interval is ``expit(logit(p) -/+ t_df se / (p (1 - p)))``. On a
    replicate design R fits the logistic model to every replicate, so the
    logit interval there uses the replicate variance of ``logit(p_r)``
    (``xlogit`` keeps the delta method); ``se`` is always that of ``p``.

    References
    ----------
    Korn, E. L. & Graubard, B. I. (1998). Confidence intervals for proportions
    with small expected number of positive counts estimated from survey data.
    *Survey Methodology* 24, 193–201.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.weighting import SurveyDesign
    >>> d = SurveyDesign(pd.DataFrame({"ja": [True, False, True, True, False, True]}))
    >>> e = proportion(d, "ja")
    >>> round(e.value, 4), round(e.ci_low, 4), round(e.ci_high, 4)
    (0.6667, 0.1486, 0.9582)
    """
    _check_level(conf_level)
    if ci not in CI_METHODS:
        raise ParameterError(f"ci muss eines von {CI_METHODS} sein, nicht {ci!r}.")
    if degenerate not in ("fail", "nan"):
        raise ParameterError("degenerate muss 'fail' oder 'nan' sein.")
    col = _column(design, var)
    missing = col.isna().to_numpy()
    usable = _check_missing(design, var, missing, na_rm)
    values_present = pd.unique(col[usable & (design._w > 0)])
    if level is None:
        as_bool = set(map(_scalar, values_present)) <= {True, False}
        cats = [True] if as_bool else sorted(values_present, key=str)
    else:
        cats = [level]
    by_cols = _as_list(by)
    labels, masks = _domains(design, by_cols, usable)
    frames = []
    w = design._w
    group = _groups(masks) if design.is_replicate else None
    for cat in cats:
        y = np.where(usable, (col == cat).fillna(False).to_numpy(dtype=bool), False).astype(float)
        wsums = np.array([w[m].sum() for m in masks])
        values = np.array([np.sum(np.where(m, w, 0.0) * y) for m in masks]) / wsums

        def column(
            j: int, y: np.ndarray = y, values: np.ndarray = values, wsums: np.ndarray = wsums
        ) -> np.ndarray:
            return (y - values[j]) / wsums[j]

        def num(j: int, y: np.ndarray = y) -> np.ndarray:
            return np.where(masks[j], y, 0.0)

        def den(j: int) -> np.ndarray:
            return masks[j].astype(float)

        packed = None if group is None else (group, y, np.ones(len(y)))
        spec = RatioSpec(num, den, values, grouped=packed)
        var_, deff = _linearised(design, masks, column, spec)
        logit_var = None
        if design.is_replicate and ci in ("logit", "likelihood"):
            logit_spec = spec.transformed(_logit)
            logit_var = logit_spec.variance(design.replicate_weights, design.replicate_info)
        degen = (values <= 0) | (values >= 1) | (var_ <= 0)
        if degen.any() and degenerate == "fail":
            raise DataError(
                f"Anteil von '{cat}' in '{var}' ist 0 oder 1 (oder ohne Streuung); "
                f"ein Konfidenzintervall ({ci}) ist dort nicht definiert.",
                column=var,
                hint="degenerate='nan' liefert den Anteil mit leerem Intervall.",
            )
        dfs = _dfs(design, masks, df)
        ns = np.array([int(m.sum()) for m in masks])
        if ci == "likelihood":
            low, high = _likelihood(design, y, masks, values, var_, logit_var, dfs, conf_level)
        else:
            low, high = _prop_ci(values, var_, dfs, ns, conf_level, ci, logit_var)
        low, high = np.where(degen, np.nan, low), np.where(degen, np.nan, high)
        res = _assemble(
            design,
            labels,
            masks,
            values,
            var_,
            deff,
            conf_level,
            f"{var}={cat}",
            by_cols,
            (low, high),
            df,
        )
        if isinstance(res, Estimate) and len(cats) == 1:
            return res
        frame = res.to_frame().reset_index(drop=True) if isinstance(res, Estimate) else res
        frame.insert(len(by_cols), "category", cat)
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values([*by_cols, "category"], key=_sort_key, kind="stable").reset_index(
        drop=True
    )


def _likelihood(
    design: SurveyDesign,
    y: np.ndarray,
    masks: list[np.ndarray],
    values: np.ndarray,
    var_: np.ndarray,
    logit_var: np.ndarray | None,
    dfs: np.ndarray,
    level: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Profile-likelihood bounds per domain, on the rows R's subset design keeps."""
    if logit_var is None:
        with np.errstate(divide="ignore", invalid="ignore"):
            logit_var = var_ / (values * (1 - values)) ** 2
    low, high = np.full(len(masks), np.nan), np.full(len(masks), np.nan)
    w = design._w
    for j, m in enumerate(masks):
        if not (0 < values[j] < 1 and np.isfinite(logit_var[j]) and logit_var[j] > 0):
            continue
        # R drops the rows outside a domain, except for adjusted designs (weights set to 0)
        rows = (w > 0) if design._adjustments else m
        wj = np.where(m, w, 0.0)[rows]
        n_disp = len(wj) if design.is_replicate else int((wj != 0).sum())
        low[j], high[j] = likelihood_interval(
            y[rows], wj, float(logit_var[j]), float(dfs[j]), level, n_disp
        )
    return low, high


def _scalar(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _sort_key(s: pd.Series) -> pd.Series:
    return s.astype(str) if s.name == "category" else s
