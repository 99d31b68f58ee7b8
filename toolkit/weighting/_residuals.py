"""Residuals of influence contributions after a weight adjustment (private).

Post-stratification, raking and calibration estimate the weights from the
sample; the linearised variance then uses the residuals of the influence
contributions ``z`` instead of ``z`` itself (the ``survey`` package's
``postStratify``, ``rake`` and ``calibrate`` do the same), so that estimated
weights are not treated as fixed. Used by :mod:`toolkit.weighting.variance`.

References
----------
.. [1] Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley, ch. 7.
"""

from __future__ import annotations

import numpy as np

from toolkit.weighting.variance import group_sum

__all__ = ["CalibrationResidual", "PostStratResidual", "RakingResidual", "Residualizer"]


class Residualizer:
    """Replace influence contributions by residuals after a weight adjustment.

    Subclasses implement :meth:`apply`; the base class leaves ``z`` unchanged
    (weights treated as fixed, e.g. after trimming).

    Examples
    --------
    >>> Residualizer().apply(np.ones((2, 1))).ravel()
    array([1., 1.])
    """

    def apply(self, z: np.ndarray) -> np.ndarray:
        """Return the residualised contributions (a new array).

        Examples
        --------
        >>> Residualizer().apply(np.zeros((1, 1))).shape
        (1, 1)
        """
        return z.copy()

    def extra_variance(self, z: np.ndarray) -> np.ndarray:
        """Variance added by the adjustment beyond the residuals (per column; here 0).

        ``z`` are the contributions *before* :meth:`apply`; a two-phase
        nonresponse adjustment adds its phase-2 term here.

        Examples
        --------
        >>> Residualizer().extra_variance(np.ones((3, 2))).tolist()
        [0.0, 0.0]
        """
        return np.zeros(z.shape[1])

    def extra_covariance(self, z: np.ndarray) -> np.ndarray:
        """Covariance added beyond the residuals, ``(k, k)``; here 0.

        Examples
        --------
        >>> Residualizer().extra_covariance(np.ones((3, 2))).shape
        (2, 2)
        """
        return np.zeros((z.shape[1], z.shape[1]))


class PostStratResidual(Residualizer):
    """Residuals after post-stratification: subtract the post-stratum mean.

    Parameters
    ----------
    codes : numpy.ndarray
        Post-stratum of each row.
    old_weights, new_weights : numpy.ndarray
        Weights before and after post-stratification.

    Examples
    --------
    >>> r = PostStratResidual(np.array([0, 0]), np.ones(2), np.ones(2))
    >>> r.apply(np.array([[1.0], [3.0]])).ravel()
    array([-1.,  1.])
    """

    def __init__(self, codes: np.ndarray, old_weights: np.ndarray, new_weights: np.ndarray):
        self.codes = codes
        self.n_groups = int(codes.max()) + 1 if len(codes) else 0
        self.old = old_weights
        self.new = new_weights
        self.ratio = np.where(
            new_weights > 0, old_weights / np.where(new_weights > 0, new_weights, 1.0), 0.0
        )

    def apply(self, z: np.ndarray) -> np.ndarray:
        num = group_sum(self.codes, self.n_groups, z * self.ratio[:, None])
        den = np.bincount(self.codes, weights=self.old, minlength=self.n_groups)
        means = num / np.where(den > 0, den, 1.0)[:, None]
        return z - means[self.codes] * self.new[:, None]


class RakingResidual(Residualizer):
    """Residuals after raking: ten sweeps of post-stratum centring, as R.

    Computed on the cells of the cross-classification of all margins, which
    gives the same result as sweeping over rows.

    Parameters
    ----------
    cells : numpy.ndarray
        Cell code (cross-classification of the margins) of each row.
    cell_margins : list of numpy.ndarray
        For each margin, the category code of each cell.
    weights : numpy.ndarray
        Raked weights.

    Examples
    --------
    >>> r = RakingResidual(np.array([0, 1]), [np.array([0, 0])], np.ones(2))
    >>> r.apply(np.array([[1.0], [3.0]])).ravel()
    array([-1.,  1.])
    """

    def __init__(self, cells: np.ndarray, cell_margins: list[np.ndarray], weights: np.ndarray):
        self.cells = cells
        self.cell_margins = cell_margins
        self.weights = weights
        self.inverse = np.where(weights > 0, 1.0 / np.where(weights > 0, weights, 1.0), 0.0)
        self.n_cells = len(cell_margins[0])
        self.counts = np.bincount(
            cells, weights=(weights > 0).astype(float), minlength=self.n_cells
        )

    def apply(self, z: np.ndarray) -> np.ndarray:
        w = self.weights[:, None]
        sums = group_sum(self.cells, self.n_cells, z * self.inverse[:, None])
        offset = np.zeros_like(sums)
        for _ in range(10):
            for cat in self.cell_margins:
                n_cat = int(cat.max()) + 1
                cnt = np.bincount(cat, weights=self.counts, minlength=n_cat)
                resid = group_sum(cat, n_cat, sums - self.counts[:, None] * offset)
                offset += (resid / np.where(cnt > 0, cnt, 1.0)[:, None])[cat]
        return z - w * offset[self.cells]


class CalibrationResidual(Residualizer):
    """Residuals of the weighted regression on the calibration variables.

    Parameters
    ----------
    x : numpy.ndarray
        Calibration variables ``(rows, p)``.
    base_weights, weights : numpy.ndarray
        Weights before and after calibration.

    Notes
    -----
    ``z_i`` is replaced by ``w_i e_i`` where ``e`` are residuals of the
    regression of ``z/w`` on ``x`` weighted by the base weights (Deville &
    Särndal 1992; R ``survey::calibrate``).

    Examples
    --------
    >>> r = CalibrationResidual(np.ones((2, 1)), np.ones(2), np.ones(2))
    >>> r.apply(np.array([[1.0], [3.0]])).ravel()
    array([-1.,  1.])
    """

    def __init__(self, x: np.ndarray, base_weights: np.ndarray, weights: np.ndarray):
        root = np.sqrt(base_weights)
        u, s, _ = np.linalg.svd(x * root[:, None], full_matrices=False)
        rank = int((s > s.max() * max(x.shape) * np.finfo(float).eps).sum()) if len(s) else 0
        self.basis = u[:, :rank]
        self.root = root
        self.factor = np.where(root > 0, weights / np.where(root > 0, root, 1.0), 0.0)

    def apply(self, z: np.ndarray) -> np.ndarray:
        scale = np.where(self.factor > 0, 1.0 / np.where(self.factor > 0, self.factor, 1.0), 0.0)
        e = z * scale[:, None]
        e = e - self.basis @ (self.basis.T @ e)
        return e * self.factor[:, None]
