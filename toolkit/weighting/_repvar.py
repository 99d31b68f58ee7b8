"""Variance from replicate weights (R ``survey::svrVar``) and the replicate degrees of freedom.

The degrees of freedom are computed in :mod:`toolkit.weighting._repdf`
(:func:`replicate_df`, :func:`row_patterns`, importable from here as well).

Examples
--------
>>> import numpy as np
>>> info = ReplicateInfo("JK1", 2 / 3, np.ones(3), False)
>>> reps = np.array([[1.0], [2.0], [3.0]])
>>> float(replicate_variance(info, reps, np.array([2.0]))[0, 0])  # 2/3 * (1 + 0 + 1)
1.3333333333333333
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from toolkit.errors import ParameterError
from toolkit.weighting._repdf import replicate_df, row_patterns

__all__ = [
    "RatioSpec",
    "ReplicateInfo",
    "grouped_ratios",
    "replicate_df",
    "replicate_ratios",
    "replicate_variance",
    "row_patterns",
]


@dataclass(frozen=True)
class ReplicateInfo:
    """How the replicate estimates of a replicate-weight design are combined.

    Attributes
    ----------
    type : str
        ``"JK1"``, ``"JKn"``, ``"BRR"``, ``"Fay"``, ``"bootstrap"``,
        ``"successive-difference"``, ``"ACS"``, ``"JK2"`` or ``"other"``.
    scale : float
        Overall multiplier of the sum of squares.
    rscales : numpy.ndarray
        Multiplier per replicate (length R).
    mse : bool
        Deviations from the full-sample estimate (True) or from the mean of
        the replicate estimates (False).
    rho : float, optional
        Fay's rho (documentation only; already part of ``scale``).
    df : int, optional
        Degrees of freedom fixed by the user; otherwise the rank of the
        replicate weights minus one, as R.
    full_df : int, optional
        Rank-based degrees of freedom of the whole design (computed once).
    patterns : tuple, optional
        :func:`row_patterns` of the replicate weights (computed once).
    """

    type: str
    scale: float
    rscales: np.ndarray
    mse: bool
    rho: float | None = None
    df: int | None = None
    full_df: int | None = None
    patterns: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    @property
    def n_replicates(self) -> int:
        """Number of replicates.

        Examples
        --------
        >>> ReplicateInfo("BRR", 0.25, np.ones(4), False).n_replicates
        4
        """
        return len(self.rscales)


def replicate_variance(
    info: ReplicateInfo,
    theta_reps: np.ndarray,
    theta_full: np.ndarray,
    diagonal: bool = False,
) -> np.ndarray:
    """Covariance matrix of ``k`` estimates from their ``R`` replicate values.

    Parameters
    ----------
    info : ReplicateInfo
        Scale, rscales and mse of the design.
    theta_reps : numpy.ndarray
        Replicate estimates ``(R, k)``.
    theta_full : numpy.ndarray
        Full-sample estimates ``(k,)`` (the centre with ``mse=True``).
    diagonal : bool
        Return only the ``k`` variances (for many domains).

    Returns
    -------
    numpy.ndarray
        ``(k, k)`` covariance (or its diagonal) ``scale * sum_r rscales_r (theta_r - c)(theta_r - c)'``
        with ``c`` the full-sample estimate (mse) or the mean of the replicates
        with ``rscales > 0``.

    Notes
    -----
    As R's ``svrVar``: replicates with a missing (NaN) estimate are dropped
    with a warning; if all are missing the variance is NaN.

    References
    ----------
    Wolter, K. M. (2007). *Introduction to Variance Estimation*, 2nd ed.,
    chapters 3–5. Springer.

    Examples
    --------
    >>> info = ReplicateInfo("other", 1.0, np.ones(2), True)
    >>> replicate_variance(info, np.array([[1.0], [3.0]]), np.array([1.0])).tolist()
    [[4.0]]
    """
    reps = np.asarray(theta_reps, dtype=float)
    if reps.ndim == 1:
        reps = reps[:, None]
    full = np.atleast_1d(np.asarray(theta_full, dtype=float))
    if reps.shape[0] != info.n_replicates or reps.shape[1] != len(full):
        raise ParameterError(
            f"theta_reps hat die Form {reps.shape}; erwartet ({info.n_replicates}, {len(full)}).",
            hint="Eine Zeile je Replikat, eine Spalte je Schätzwert.",
        )
    rscales = info.rscales
    ok = ~np.isnan(reps).any(axis=1)
    if not ok.all():
        if not ok.any():
            return np.full(len(full) if diagonal else (len(full), len(full)), np.nan)
        warnings.warn(
            f"{int((~ok).sum())} Replikat(e) ohne Schätzwert (NaN) werden ausgelassen (wie R).",
            RuntimeWarning,
            stacklevel=3,
        )
        reps, rscales = reps[ok], rscales[ok]
    if info.mse:
        centre = full
    else:
        centre = reps[rscales > 0].mean(axis=0)
    dev = (reps - centre) * np.sqrt(rscales)[:, None]
    if diagonal:
        return info.scale * np.einsum("rk,rk->k", dev, dev)
    return info.scale * (dev.T @ dev)


def replicate_ratios(
    repweights: np.ndarray,
    k: int,
    num: Callable[[int], np.ndarray],
    den: Callable[[int], np.ndarray] | None,
) -> np.ndarray:
    """Replicate values ``(R, k)`` of ``k`` ratio-type estimators ``sum(w a_j) / sum(w b_j)``.

    Parameters
    ----------
    repweights : numpy.ndarray
        Replicate analysis weights ``(n, R)``.
    k : int
        Number of estimates.
    num, den : callable
        ``num(j)`` and ``den(j)`` return the row values ``a_j`` and ``b_j``
        (zero outside the domain); without ``den`` the estimator is the
        total ``sum(w a_j)``.

    Returns
    -------
    numpy.ndarray
        ``(R, k)``; NaN where a replicate's denominator is 0.

    Notes
    -----
    Computed as matrix products ``W' A`` in chunks of estimates, so a mean
    by 20 domains with 200 replicates is one pass over the weights.

    Examples
    --------
    >>> w = np.array([[0.0, 2.0], [2.0, 0.0]])
    >>> replicate_ratios(w, 1, lambda j: np.array([1.0, 3.0]), lambda j: np.ones(2)).ravel().tolist()
    [3.0, 1.0]
    """
    n, n_rep = repweights.shape
    out = np.empty((n_rep, k))
    per = 1 if den is None else 2
    chunk = max(1, int(2e7 // max(n * per, 1)))
    wt = repweights.T
    for start in range(0, k, chunk):
        cols = range(start, min(k, start + chunk))
        a = np.column_stack([num(j) for j in cols])
        if den is None:
            out[:, start : start + len(cols)] = wt @ a
            continue
        b = np.column_stack([den(j) for j in cols])
        both = wt @ np.hstack([a, b])
        top, bottom = both[:, : len(cols)], both[:, len(cols) :]
        with np.errstate(divide="ignore", invalid="ignore"):
            out[:, start : start + len(cols)] = np.where(bottom != 0, top / bottom, np.nan)
    return out


def grouped_ratios(
    repweights: np.ndarray, k: int, group: np.ndarray, a: np.ndarray, b: np.ndarray | None
) -> np.ndarray:
    """Replicate values ``(R, k)`` of ratios over ``k`` disjoint domains in one pass.

    Parameters
    ----------
    repweights : numpy.ndarray
        Replicate weights ``(n, R)``.
    k : int
        Number of domains.
    group : numpy.ndarray
        Domain number ``0 .. k-1`` of each row, -1 outside all domains.
    a, b : numpy.ndarray
        Numerator and denominator row values (``b`` None: totals).

    Returns
    -------
    numpy.ndarray
        ``(R, k)``, NaN where a replicate's denominator is 0.

    Notes
    -----
    ``sum_i w_ir a_i`` over the rows of each domain is a sparse ``(k, n)``
    matrix times the weights: ``O(n R)`` operations whatever ``k``.

    Examples
    --------
    >>> w = np.array([[0.0, 2.0], [2.0, 0.0], [1.0, 1.0]])
    >>> grouped_ratios(w, 2, np.array([0, 0, 1]), np.array([1.0, 3.0, 5.0]), None).tolist()
    [[6.0, 5.0], [2.0, 5.0]]
    """
    n = len(group)
    inside = np.flatnonzero(group >= 0)

    def sums(values: np.ndarray) -> np.ndarray:
        mat = sparse.csr_matrix((values[inside], (group[inside], inside)), shape=(k, n))
        return np.asarray(mat @ repweights).T

    top = sums(a)
    if b is None:
        return top
    bottom = sums(b)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(bottom != 0, top / bottom, np.nan)


@dataclass(frozen=True)
class RatioSpec:
    """A set of ``k`` ratio-type estimators ``sum(w a_j) / sum(w b_j)`` for replicate variances.

    Attributes
    ----------
    num : callable
        ``num(j)``: row values ``a_j`` (zero outside the domain).
    den : callable or None
        ``den(j)``: row values ``b_j``; None for totals.
    values : numpy.ndarray
        Full-sample estimates ``(k,)``.
    computed : dict
        Replicate values already computed (shared by :meth:`transformed`).
    grouped : tuple, optional
        ``(group, a, b)`` for disjoint domains: the domain number of each
        row (-1 outside all), and the row values ``a`` and ``b`` (None for
        totals); then one sparse pass over the weights gives all domains.
    transform : callable, optional
        Applied to full-sample and replicate estimates before the variance
        is taken (e.g. the logit for R's ``svyciprop`` on replicate designs).
        If a replicate's transformed value is infinite (a domain proportion
        of 0 or 1 in that replicate) the variance is NaN: R's logistic fit
        returns an arbitrary large number there.

    Examples
    --------
    >>> spec = RatioSpec(lambda j: np.ones(2), None, np.array([2.0]))
    >>> spec.variance(np.ones((2, 2)), ReplicateInfo("other", 1.0, np.ones(2), True)).tolist()
    [0.0]
    """

    num: Callable[[int], np.ndarray]
    den: Callable[[int], np.ndarray] | None
    values: np.ndarray
    transform: Callable[[np.ndarray], np.ndarray] | None = None
    computed: dict[int, np.ndarray] = field(default_factory=dict, repr=False, compare=False)
    grouped: tuple[np.ndarray, np.ndarray, np.ndarray | None] | None = None

    def transformed(self, transform: Callable[[np.ndarray], np.ndarray]) -> RatioSpec:
        """Return the same estimators on another scale, sharing the replicate values computed so far.

        Examples
        --------
        >>> spec = RatioSpec(lambda j: np.ones(2), None, np.array([2.0]))
        >>> spec.transformed(np.log).computed is spec.computed
        True
        """
        return RatioSpec(self.num, self.den, self.values, transform, self.computed, self.grouped)

    def variance(self, repweights: np.ndarray, info: ReplicateInfo) -> np.ndarray:
        """Replicate variance of each estimate (length ``k``).

        Examples
        --------
        >>> spec = RatioSpec(lambda j: np.array([1.0, 3.0]), None, np.array([4.0]))
        >>> spec.variance(np.eye(2), ReplicateInfo("other", 1.0, np.ones(2), True)).tolist()
        [10.0]
        """
        key = id(repweights)
        if key not in self.computed and self.grouped is not None:
            self.computed[key] = grouped_ratios(repweights, len(self.values), *self.grouped)
        elif key not in self.computed:
            self.computed[key] = replicate_ratios(repweights, len(self.values), self.num, self.den)
        reps = self.computed[key]
        full = np.asarray(self.values, dtype=float)
        lost = np.zeros(len(full), dtype=bool)
        if self.transform is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                moved = self.transform(reps)
                full = self.transform(full)
            # a replicate at the boundary (e.g. p_r = 1 on the logit scale) has no finite value
            lost = (~np.isfinite(moved) & np.isfinite(reps)).any(axis=0)
            reps = np.where(np.isfinite(moved), moved, reps)
        var = replicate_variance(info, reps, full, diagonal=True)
        return np.where(lost, np.nan, var)
