"""Domain estimates with their full covariance, linear contrasts and Wald tests.

:func:`domain_means` estimates a mean (or share) per domain together with
the covariance matrix of all domain estimates (R ``svyby(..., covmat=TRUE)``);
:func:`contrast` gives a linear combination with its SE (R
``svycontrast``); :func:`pairwise` compares every pair of domains with
Holm-adjusted p-values (R ``p.adjust(..., "holm")``); :func:`wald_test`
tests several coefficients at once (R ``regTermTest``, Wald F).

Examples
--------
>>> import pandas as pd
>>> from toolkit.weighting import SurveyDesign
>>> df = pd.DataFrame({"g": list("aaabbbccc"), "y": [1.0, 2, 3, 5, 6, 7, 2, 3, 4]})
>>> dm = domain_means(SurveyDesign(df), "y", "g")
>>> dm.values.round(2).tolist()
[2.0, 6.0, 3.0]
>>> round(contrast(dm, {"b": 1, "a": -1}).value, 2)
4.0
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.errors import ParameterError
from toolkit.weighting._machinery import (
    Estimate,
    _as_list,
    _check_level,
    _check_missing,
    _domains,
    _numeric,
    _quantile,
)
from toolkit.weighting.linearization import design_covariance

if TYPE_CHECKING:
    from toolkit.weighting.design import SurveyDesign

__all__ = ["DomainEstimates", "WaldTest", "contrast", "domain_means", "pairwise", "wald_test"]


@dataclass(frozen=True)
class WaldTest:
    """Result of a Wald F test of ``k`` linear hypotheses (R ``regTermTest``).

    Attributes
    ----------
    statistic : float
        ``F = chisq / df``.
    df, ddf : float
        Numerator and denominator degrees of freedom.
    p_value : float
        ``P(F(df, ddf) > statistic)``.
    chisq : float
        Wald statistic ``b' V^-1 b``.
    name : str
        What was tested.

    Examples
    --------
    >>> WaldTest(2.0, 2, 30, 0.15, 4.0, "x").p_value
    0.15
    """

    statistic: float
    df: float
    ddf: float
    p_value: float
    chisq: float
    name: str = ""


def wald_test(
    beta: np.ndarray, cov: np.ndarray, ddf: float, name: str = "", null: Any = 0.0
) -> WaldTest:
    """Wald F test of ``beta = null`` with covariance ``cov`` and ``ddf`` denominator df.

    Parameters
    ----------
    beta : numpy.ndarray
        Estimates (``k``).
    cov : numpy.ndarray
        Their ``k x k`` covariance.
    ddf : float
        Denominator degrees of freedom (design df; ``inf`` for a chi-square test).
    name : str
        Label.
    null : float or array
        Hypothesised values.

    Returns
    -------
    WaldTest

    Notes
    -----
    ``F = (b - b0)' V^-1 (b - b0) / k`` referred to ``F(k, ddf)`` as in R's
    ``regTermTest(..., method="Wald")`` (Korn & Graubard 1990).

    References
    ----------
    Korn, E. L. & Graubard, B. I. (1990). Simultaneous testing of regression
    coefficients with complex survey data. *The American Statistician* 44, 270–276.

    Examples
    --------
    >>> t = wald_test(np.array([1.0, 2.0]), np.eye(2), ddf=np.inf)
    >>> round(t.statistic, 2), round(t.p_value, 4)
    (2.5, 0.0821)
    """
    b = np.atleast_1d(np.asarray(beta, dtype=float)) - np.asarray(null, dtype=float)
    v = np.atleast_2d(np.asarray(cov, dtype=float))
    k = len(b)
    chisq = float(b @ np.linalg.solve(v, b))
    f = chisq / k
    p = float(stats.f.sf(f, k, ddf)) if np.isfinite(ddf) else float(stats.chi2.sf(chisq, k))
    return WaldTest(f, float(k), float(ddf), p, chisq, name)


@dataclass(frozen=True)
class DomainEstimates:
    """Estimates by domain with their full covariance matrix.

    Attributes
    ----------
    labels : pandas.DataFrame
        One row per domain (the ``by`` columns).
    values : numpy.ndarray
        Estimates.
    cov : numpy.ndarray
        ``k x k`` covariance of the estimates.
    df : int
        Design degrees of freedom used for tests and intervals.
    n : numpy.ndarray
        Respondents per domain.
    name : str
        Estimated variable.

    Examples
    --------
    >>> de = DomainEstimates(pd.DataFrame({"g": ["a"]}), np.array([1.0]), np.eye(1), 5, np.array([9]), "y")
    >>> de.to_frame()["se"].tolist()
    [1.0]
    """

    labels: pd.DataFrame
    values: np.ndarray
    cov: np.ndarray
    df: int
    n: np.ndarray
    name: str

    @property
    def keys(self) -> list[str]:
        """Domain labels as strings (several ``by`` columns joined by ``/``).

        Examples
        --------
        >>> DomainEstimates(pd.DataFrame({"g": ["a", "b"]}), np.zeros(2), np.eye(2), 1,
        ...                 np.ones(2), "y").keys
        ['a', 'b']
        """
        return ["/".join(map(str, row)) for row in self.labels.itertuples(index=False)]

    def subset(self, keys: Sequence[str]) -> DomainEstimates:
        """Return the estimates of the given domain keys only (e.g. those a report may show).

        Examples
        --------
        >>> de = DomainEstimates(pd.DataFrame({"g": ["a", "b"]}), np.array([1.0, 2.0]),
        ...                      np.eye(2), 5, np.array([9, 8]), "y")
        >>> de.subset(["b"]).values.tolist()
        [2.0]
        """
        wanted = {str(k) for k in keys}
        idx = [i for i, k in enumerate(self.keys) if k in wanted]
        return DomainEstimates(
            self.labels.iloc[idx].reset_index(drop=True),
            self.values[idx],
            self.cov[np.ix_(idx, idx)],
            self.df,
            self.n[idx],
            self.name,
        )

    def to_frame(self, level: float = 0.95) -> pd.DataFrame:
        """Return one row per domain with value, SE and t interval.

        Examples
        --------
        >>> DomainEstimates(pd.DataFrame({"g": ["a"]}), np.array([1.0]), np.eye(1), 5,
        ...                 np.array([9]), "y").to_frame().columns.tolist()
        ['g', 'value', 'se', 'ci_low', 'ci_high', 'n']
        """
        se = np.sqrt(np.maximum(np.diag(self.cov), 0.0))
        q = _quantile(np.array(self.df), level)
        out = self.labels.reset_index(drop=True).copy()
        out["value"] = self.values
        out["se"] = se
        out["ci_low"] = self.values - q * se
        out["ci_high"] = self.values + q * se
        out["n"] = self.n
        return out


def domain_means(
    design: SurveyDesign, var: str, by: str | Sequence[str], *, na_rm: bool = False
) -> DomainEstimates:
    """Weighted mean (share for 0/1 or boolean items) per domain with full covariance.

    Parameters
    ----------
    design : SurveyDesign
        Linearisation or replicate design.
    var : str
        Numeric or boolean column.
    by : str or list of str
        Domain column(s).
    na_rm : bool
        Missing values: fail (False) or leave the cases out (domain, as R).

    Returns
    -------
    DomainEstimates

    Notes
    -----
    Influence of domain ``d``: ``z_id = w_i 1[i in d] (y_i - ybar_d) / W_d``;
    the covariance of all domain means is that of the columns of ``z``
    (R ``svyby(~y, ~g, design, svymean, covmat=TRUE)``). On a replicate
    design the domain means are recomputed with every replicate weight.

    References
    ----------
    Lumley, T. (2010). *Complex Surveys*, sec. 2.3 and 3.3. Wiley.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.weighting import SurveyDesign
    >>> d = SurveyDesign(pd.DataFrame({"g": list("aabb"), "y": [1.0, 3.0, 2.0, 2.0]}))
    >>> domain_means(d, "y", "g").cov.round(3).tolist()
    [[0.667, 0.0], [0.0, 0.0]]
    """
    y = _numeric(design, var)
    usable = _check_missing(design, var, np.isnan(y), na_rm)
    labels, masks = _domains(design, _as_list(by), usable)
    y0 = np.where(usable, y, 0.0)
    ind = np.column_stack(masks).astype(float)
    w = design._w
    wsum = w @ ind
    values = (w * y0) @ ind / wsum
    if getattr(design, "is_replicate", False):
        reps = design.replicate_weights
        rep_values = (reps * y0[:, None]).T @ ind / (reps.T @ ind)
        cov = design.replicate_variance(rep_values, values)
    else:
        z = ind * (w * y0)[:, None] - ind * w[:, None] * values[None, :]
        cov = design_covariance(design, z / wsum[None, :])
    n = ind.sum(axis=0).astype(int)
    return DomainEstimates(labels, values, cov, int(design.domain_df(usable)), n, var)


def _weights_vector(
    est: DomainEstimates, weights: Mapping[str, float] | Sequence[float]
) -> np.ndarray:
    keys = est.keys
    if isinstance(weights, Mapping):
        unknown = [k for k in weights if str(k) not in keys]
        if unknown:
            raise ParameterError(
                f"Unbekannte Domäne(n) im Kontrast: {unknown}.",
                hint=f"Vorhandene Domänen: {', '.join(keys[:20])}",
            )
        lookup = {str(k): float(v) for k, v in weights.items()}
        return np.array([lookup.get(k, 0.0) for k in keys])
    vec = np.asarray(list(weights), dtype=float)
    if len(vec) != len(keys):
        raise ParameterError(f"Kontrast mit {len(vec)} Koeffizienten für {len(keys)} Domänen.")
    return vec


def contrast(
    est: DomainEstimates,
    weights: Mapping[str, float] | Sequence[float],
    *,
    level: float = 0.95,
    name: str = "",
) -> Estimate:
    """Linear combination ``sum_d c_d theta_d`` of domain estimates with its SE (R ``svycontrast``).

    Parameters
    ----------
    est : DomainEstimates
        From :func:`domain_means`.
    weights : mapping or sequence
        Coefficient per domain key (others 0), or one per domain in order.
    level : float
        Confidence level (t with the design df).
    name : str
        Label of the result.

    Returns
    -------
    Estimate
        ``se = sqrt(c' V c)``; ``n`` respondents of the domains used;
        ``n_eff``/``deff`` are NaN.

    Examples
    --------
    >>> de = DomainEstimates(pd.DataFrame({"g": ["a", "b"]}), np.array([0.2, 0.5]),
    ...                      np.array([[0.01, 0.002], [0.002, 0.02]]), 30, np.array([50, 60]), "y")
    >>> round(contrast(de, {"b": 1, "a": -1}).se, 4)  # sqrt(0.01 + 0.02 - 2 * 0.002)
    0.1612
    """
    _check_level(level)
    c = _weights_vector(est, weights)
    value = float(c @ est.values)
    se = float(np.sqrt(max(c @ est.cov @ c, 0.0)))
    q = float(_quantile(np.array(est.df), level))
    n = int(est.n[c != 0].sum())
    label = name or " ".join(f"{v:+g}*{k}" for k, v in zip(est.keys, c, strict=True) if v != 0)
    return Estimate(
        value, se, value - q * se, value + q * se, est.df, n, np.nan, np.nan, level, label
    )


def holm(p_values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (R ``p.adjust(p, "holm")``).

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03]).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    order = np.argsort(p, kind="stable")
    adjusted = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return out


def pairwise(est: DomainEstimates, *, level: float = 0.95, alpha: float = 0.05) -> pd.DataFrame:
    """All pairwise differences between domains with t tests and Holm adjustment.

    Parameters
    ----------
    est : DomainEstimates
        From :func:`domain_means`.
    level : float
        Confidence level of the (unadjusted) intervals of the differences.
    alpha : float
        Level at which ``significant`` is decided on the Holm-adjusted p-value.

    Returns
    -------
    pandas.DataFrame
        ``a, b, diff (a - b), se, ci_low, ci_high, t, df, p, p_holm, significant``.

    Notes
    -----
    ``t = (theta_a - theta_b) / sqrt(V_aa + V_bb - 2 V_ab)`` with the design
    df (as a t test on R's ``svycontrast``); Holm (1979) controls the
    family-wise error rate over all ``k (k - 1) / 2`` pairs.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    *Scandinavian Journal of Statistics* 6, 65–70.

    Examples
    --------
    >>> de = DomainEstimates(pd.DataFrame({"g": ["a", "b", "c"]}), np.array([0.2, 0.5, 0.25]),
    ...                      np.diag([0.001, 0.002, 0.001]), 40, np.array([50, 60, 55]), "y")
    >>> pairwise(de)[["a", "b", "significant"]].values.tolist()
    [['a', 'b', True], ['a', 'c', False], ['b', 'c', True]]
    """
    keys = est.keys
    rows = []
    q = float(_quantile(np.array(est.df), level))
    for i in range(len(keys)):
        for j in range(i + 1, len(keys)):
            diff = est.values[i] - est.values[j]
            var = est.cov[i, i] + est.cov[j, j] - 2 * est.cov[i, j]
            se = float(np.sqrt(max(var, 0.0)))
            t = diff / se if se > 0 else np.nan
            p = float(2 * stats.t.sf(abs(t), est.df)) if est.df > 0 and se > 0 else np.nan
            rows.append((keys[i], keys[j], diff, se, diff - q * se, diff + q * se, t, est.df, p))
    cols = ["a", "b", "diff", "se", "ci_low", "ci_high", "t", "df", "p"]
    out = pd.DataFrame(rows, columns=cols)
    ok = out["p"].notna().to_numpy()
    adj = np.full(len(out), np.nan)
    adj[ok] = holm(out.loc[ok, "p"].to_numpy())
    out["p_holm"] = adj
    out["significant"] = out["p_holm"] < alpha
    return out
