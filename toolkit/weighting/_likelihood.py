"""Profile-likelihood interval of a proportion, as R's ``svyciprop(method = "likelihood")``.

R fits the intercept-only quasi-binomial model, profiles the weighted
deviance on a grid of at most 19 points, interpolates the signed root
deviance with an FMM cubic spline and inverts it at the design-adjusted
cut-offs (Rao & Scott's working likelihood). The same steps are taken here so
that the bounds equal R's.

Examples
--------
>>> x = np.array([0.0, 1.0, 2.0, 3.0])
>>> c = fmm_spline(x, x**3)
>>> float(spline_eval(x, x**3, c, np.array([1.5]))[0])
3.375
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["fmm_spline", "likelihood_interval", "spline_eval"]


def fmm_spline(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coefficients of the Forsythe–Malcolm–Moler cubic spline (R ``spline(method = "fmm")``).

    Parameters
    ----------
    x, y : numpy.ndarray
        Knots (increasing) and values.

    Returns
    -------
    tuple of numpy.ndarray
        ``(b, c, d)``: ``s(u) = y_i + b_i t + c_i t^2 + d_i t^3`` with ``t = u - x_i``.

    Notes
    -----
    End conditions match the third derivatives of the cubics through the
    first and last four points (Forsythe, Malcolm & Moler 1977, sec. 4.4),
    transcribed from the algorithm R uses.

    References
    ----------
    Forsythe, G. E., Malcolm, M. A. & Moler, C. B. (1977). *Computer Methods
    for Mathematical Computations*. Prentice-Hall.

    Examples
    --------
    >>> b, c, d = fmm_spline(np.array([0.0, 1.0]), np.array([0.0, 2.0]))
    >>> b.tolist(), c.tolist()
    ([2.0, 2.0], [0.0, 0.0])
    """
    n = len(x)
    b, c, d = np.zeros(n), np.zeros(n), np.zeros(n)
    if n < 2:
        return b, c, d
    if n < 3:
        b[:] = (y[1] - y[0]) / (x[1] - x[0])
        return b, c, d
    m = n - 1
    d[0] = x[1] - x[0]
    c[1] = (y[1] - y[0]) / d[0]
    for i in range(1, m):
        d[i] = x[i + 1] - x[i]
        b[i] = 2.0 * (d[i - 1] + d[i])
        c[i + 1] = (y[i + 1] - y[i]) / d[i]
        c[i] = c[i + 1] - c[i]
    b[0], b[m] = -d[0], -d[n - 2]
    c[0] = c[m] = 0.0
    if n > 3:
        c[0] = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0])
        c[m] = c[n - 2] / (x[m] - x[n - 3]) - c[n - 3] / (x[n - 2] - x[n - 4])
        c[0] = c[0] * d[0] * d[0] / (x[3] - x[0])
        c[m] = -c[m] * d[n - 2] * d[n - 2] / (x[m] - x[n - 4])
    for i in range(1, n):
        t = d[i - 1] / b[i - 1]
        b[i] = b[i] - t * d[i - 1]
        c[i] = c[i] - t * c[i - 1]
    c[m] = c[m] / b[m]
    for i in range(n - 2, -1, -1):
        c[i] = (c[i] - d[i] * c[i + 1]) / b[i]
    b[m] = (y[n - 1] - y[n - 2]) / d[n - 2] + d[n - 2] * (c[n - 2] + 2.0 * c[m])
    for i in range(m):
        b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i])
        d[i] = (c[i + 1] - c[i]) / d[i]
        c[i] = 3.0 * c[i]
    c[m] = 3.0 * c[m]
    d[m] = d[n - 2]
    return b, c, d


def spline_eval(
    x: np.ndarray, y: np.ndarray, coef: tuple[np.ndarray, np.ndarray, np.ndarray], u: np.ndarray
) -> np.ndarray:
    """Evaluate a spline from :func:`fmm_spline` at ``u``.

    Examples
    --------
    >>> x = np.array([0.0, 1.0])
    >>> spline_eval(x, 2 * x, fmm_spline(x, 2 * x), np.array([0.25])).tolist()
    [0.5]
    """
    b, c, d = coef
    i = np.clip(np.searchsorted(x, u, side="right") - 1, 0, len(x) - 1)
    dx = u - x[i]
    return y[i] + dx * (b[i] + dx * (c[i] + dx * d[i]))


def _irls_intercept(y: np.ndarray, pw: np.ndarray) -> tuple[float, float]:
    """Intercept of the weighted logistic fit and its information, as R's ``glm.fit`` leaves them.

    R stops iterating when the deviance changes by less than ``1e-8``
    relative; the information (``1 / naive.cov``) is that of the weights of
    the last iteration, computed before its update. Both are reproduced so
    that the design effect ``lambda`` equals R's.
    """
    mu = (pw * y + 0.5) / (pw + 1)
    eta = np.log(mu / (1 - mu))
    dev_old = _deviance_rows(y, pw, mu)
    beta, info = float("nan"), float("nan")
    for _ in range(25):
        var = mu * (1 - mu)
        z = eta + (y - mu) / var
        ww = pw * var
        info = float(np.sum(ww))
        beta = float(np.sum(ww * z) / info)
        eta = np.full(len(y), beta)
        mu = 1 / (1 + np.exp(-eta))
        dev = _deviance_rows(y, pw, mu)
        if abs(dev - dev_old) / (abs(dev) + 0.1) < 1e-8:
            break
        dev_old = dev
    return beta, info


def _deviance_rows(y: np.ndarray, pw: np.ndarray, mu: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        ll = np.where(y > 0, np.log(mu), np.log1p(-mu))
    return float(-2.0 * np.sum(pw * ll))


def _deviance(y: np.ndarray, pw: np.ndarray, mu: float) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        ll = np.where(y > 0, np.log(mu), np.log1p(-mu))
    return float(-2.0 * np.sum(pw * ll))


def likelihood_interval(
    y: np.ndarray,
    w: np.ndarray,
    var_logit: float,
    df: float,
    level: float,
    n_disp: int,
) -> tuple[float, float]:
    """Profile-likelihood interval of a weighted proportion (R ``svyciprop(method = "likelihood")``).

    Parameters
    ----------
    y : numpy.ndarray
        0/1 answers of the rows of the (domain) design.
    w : numpy.ndarray
        Their sampling weights.
    var_logit : float
        Design variance of ``logit(p)`` (linearised or from replicates).
    df : float
        Design degrees of freedom (``inf`` for the normal quantile).
    level : float
        Confidence level.
    n_disp : int
        ``n`` of the ``n/(n-1)`` factor of the dispersion estimate.

    Returns
    -------
    tuple of float
        Lower and upper bound; NaN where the profile does not reach a cut-off.

    Notes
    -----
    With ``pw = w / mean(w)``, ``p`` the weighted share and ``lambda`` the
    ratio of the design variance to the model variance
    ``1 / (sum(pw) p (1 - p))`` of the logit (both at R's last IRLS
    iterate), the cut-offs are
    ``-/+ |t_df| sqrt(lambda)`` on the scale of the signed root of the
    deviance difference divided by the dispersion (the design-weighted
    variance of the unweighted Pearson residuals, as R's
    ``residuals.svyglm``). The profile grid has steps
    ``zmax/5`` standard errors, ``zmax = sqrt(F_{1, n-1}^{-1}(1 - alpha))``
    (Venables & Ripley's ``profile.glm``, as used by R's survey).

    On replicate designs R's ``svyciprop`` returns NA for this method (its
    Pearson residuals need sampling probabilities that replicate designs do
    not store); here the same profile is computed with the replicate
    variance of the logit.

    References
    ----------
    Rao, J. N. K. & Scott, A. J. (1984). On chi-squared tests for multiway
    contingency tables with cell proportions estimated from survey data.
    *Annals of Statistics* 12, 46–60.

    Examples
    --------
    >>> y = np.array([1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0])
    >>> lo, hi = likelihood_interval(y, np.ones(8), 0.6, 7, 0.95, 8)
    >>> bool(lo < 0.625 < hi)
    True
    """
    n = len(y)
    pw = w / w.mean()
    b0, info = _irls_intercept(y, pw)
    p = 1 / (1 + np.exp(-b0))
    se = float(np.sqrt(var_logit))
    lam = var_logit * info
    q = stats.norm.ppf((1 - level) / 2) if np.isinf(df) else stats.t.ppf((1 - level) / 2, df)
    alpha = stats.norm.cdf(q * np.sqrt(lam)) / 2
    keep = w > 0  # R: unweighted Pearson residuals, NA (dropped) where the weight is 0
    resid = (y[keep] - p) / np.sqrt(p * (1 - p))
    wk = w[keep]
    rbar = np.sum(wk * resid) / np.sum(wk)
    dispersion = np.sum(wk * (resid - rbar) ** 2) / np.sum(wk) * n_disp / (n_disp - 1)
    zmax = float(np.sqrt(stats.f.isf(alpha, 1, n - 1)))
    step_size = zmax / 5
    dev0 = _deviance(y, pw, p)
    pars, zs = [b0], [0.0]
    for sign in (-1.0, 1.0):
        step, z = 0, 0.0
        while (step := step + 1) < 10 and abs(z) < zmax:
            bi = b0 + sign * step * step_size * se
            zz = (_deviance(y, pw, 1 / (1 + np.exp(-bi))) - dev0) / dispersion
            z = sign * np.sqrt(max(zz, 0.0))
            pars.append(bi)
            zs.append(z)
    order = np.argsort(zs, kind="stable")
    x = np.asarray(pars)[order]
    zv = np.asarray(zs)[order]
    grid = np.linspace(x[0], x[-1], 3 * len(x))
    sz = spline_eval(x, zv, fmm_spline(x, zv), grid)
    keys, inverse = np.unique(sz, return_inverse=True)
    xs = np.bincount(inverse, weights=grid) / np.bincount(inverse)
    cut = stats.norm.ppf(2 * alpha)
    bounds = []
    for c in (cut, -cut):
        inside = keys[0] <= c <= keys[-1]
        eta = float(np.interp(c, keys, xs)) if inside else np.nan
        bounds.append(1 / (1 + np.exp(-eta)))
    return bounds[0], bounds[1]
