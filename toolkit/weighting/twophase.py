"""Variance of a weighting-class nonresponse adjustment as a two-phase design.

The sample drawn (phase 1, the design) is followed by response (phase 2),
modelled as simple random sampling without replacement of ``m_c`` of the
``n_c`` sampled units within each weighting class ``c`` (response
homogeneity groups). The variance estimator is the unbiased two-phase
estimator (Särndal, Swensson & Wretman 1992, Result 9.3.1 and sec. 15.6.2)

``V = sum_r sum_r a_kl x_k x_l pi2_k pi2_l / pi2_kl + sum_c (1 - m_c/n_c) m_c/(m_c - 1) sum_{r,c} (x_k - xbar_c)^2``

where ``a_kl`` is the phase-1 quadratic form of the design (the one R's
``svyrecvar`` uses), ``x`` the influence contributions of the respondents
and ``pi2`` the conditional response probabilities. The first term is the
phase-1 variance estimated from the respondents, the second the phase-2
variance. When the classes are the strata of a stratified design with equal
weights per stratum, this is exactly the variance of a stratified random
sample of the respondents (Cochran 1977, sec. 13.3).

Examples
--------
>>> import pandas as pd
>>> from toolkit.weighting import SurveyDesign, adjust_nonresponse
>>> df = pd.DataFrame({"r": [True, True, False, True, True, True],
...                    "y": [1.0, 2.0, 0.0, 4.0, 6.0, 5.0], "k": list("aaabbb")})
>>> d = adjust_nonresponse(SurveyDesign(df), "r", "k")
>>> round(d.total("y").se, 4)
5.1235
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from toolkit.weighting._residuals import Residualizer
from toolkit.weighting.linearization import stage_covariance, stage_diagonal
from toolkit.weighting.variance import Stage, group_sum, stage_variance

__all__ = ["TwoPhaseNonresponse"]


class TwoPhaseNonresponse(Residualizer):
    """Two-phase (response homogeneity group) variance of a nonresponse adjustment.

    Parameters
    ----------
    codes : numpy.ndarray
        Weighting class of each row.
    sampled, responded : numpy.ndarray
        Boolean masks: units of the phase-1 sample (weight > 0) and respondents.
    stages : sequence of Stage
        Phase-1 design stages.
    lonely_psu : str
        Phase-1 treatment of lonely units.

    Notes
    -----
    :meth:`apply` leaves the respondents' contributions unchanged (the
    phase-1 variance is taken over them with nonrespondents at 0);
    :meth:`extra_covariance` adds the correction of the phase-1 term for the
    joint response probabilities and the phase-2 term. A class with a single
    respondent has no estimable phase-2 variance and contributes none.

    References
    ----------
    Särndal, Swensson & Wretman (1992), *Model Assisted Survey Sampling*,
    Result 9.3.1 (two-phase variance) and sec. 15.6.2 (response groups).

    Examples
    --------
    >>> from toolkit.weighting.variance import build_stages
    >>> st = build_stages(np.zeros(4, dtype=np.int64), [], None, ["s"])
    >>> r = TwoPhaseNonresponse(np.zeros(4, dtype=np.int64), np.ones(4, bool),
    ...                         np.array([True, True, True, False]), st, "fail")
    >>> r.extra_variance(np.array([[1.0], [2.0], [3.0], [0.0]])).round(4).tolist()
    [-3.6667]
    """

    def __init__(
        self,
        codes: np.ndarray,
        sampled: np.ndarray,
        responded: np.ndarray,
        stages: Sequence[Stage],
        lonely_psu: str,
    ) -> None:
        self.codes = codes
        self.n_groups = int(codes.max()) + 1 if len(codes) else 0
        self.responded = responded
        self.stages = tuple(stages)
        self.lonely_psu = lonely_psu
        n_c = np.bincount(codes[sampled], minlength=self.n_groups).astype(float)
        m_c = np.bincount(codes[responded], minlength=self.n_groups).astype(float)
        safe_n = np.maximum(n_c, 1.0)
        self.pi2 = m_c / safe_n
        several = (m_c > 1) & (n_c > 1)
        # pi2_k pi2_l / pi2_kl for two respondents of one class (SRSWOR m_c of n_c)
        self.rho = np.where(several, m_c * (n_c - 1) / (safe_n * np.maximum(m_c - 1, 1.0)), 1.0)
        self.phase2 = np.where(several, (1 - self.pi2) * m_c / np.maximum(m_c - 1, 1.0), 0.0)
        self.m_c = m_c
        self.diag = stage_diagonal(self.stages, lonely_psu)

    def _classes(self) -> list[int]:
        return [c for c in range(self.n_groups) if self.m_c[c] > 0]

    def extra_covariance(self, z: np.ndarray) -> np.ndarray:  # noqa: D102
        z = np.where(self.responded[:, None], z, 0.0)
        out = np.zeros((z.shape[1], z.shape[1]))
        means = group_sum(self.codes, self.n_groups, z) / np.maximum(self.m_c, 1.0)[:, None]
        for c in self._classes():
            inc = self.codes == c
            zc = np.where(inc[:, None], z, 0.0)
            diag = (zc * self.diag[:, None]).T @ zc
            out += (self.pi2[c] - 1.0) * diag
            if self.rho[c] != 1.0:
                out += (self.rho[c] - 1.0) * (
                    stage_covariance(zc, self.stages, self.lonely_psu) - diag
                )
            dev = z[inc & self.responded] - means[c]
            out += self.phase2[c] * dev.T @ dev
        return out

    def extra_variance(self, z: np.ndarray) -> np.ndarray:  # noqa: D102
        z = np.where(self.responded[:, None], z, 0.0)
        out = np.zeros(z.shape[1])
        means = group_sum(self.codes, self.n_groups, z) / np.maximum(self.m_c, 1.0)[:, None]
        for c in self._classes():
            inc = self.codes == c
            zc = np.where(inc[:, None], z, 0.0)
            diag = (zc**2 * self.diag[:, None]).sum(axis=0)
            out += (self.pi2[c] - 1.0) * diag
            if self.rho[c] != 1.0:
                out += (self.rho[c] - 1.0) * (
                    stage_variance(zc, self.stages, self.lonely_psu) - diag
                )
            dev = z[inc & self.responded] - means[c]
            out += self.phase2[c] * (dev**2).sum(axis=0)
        return out
