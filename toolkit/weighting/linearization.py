"""Full covariance matrices of linearised survey estimators.

:func:`toolkit.weighting.variance.stage_variance` gives the variance of each
column of the influence contributions ``z``; regression, contrasts and
tests of tables need the whole covariance matrix. :func:`design_covariance`
applies the design's weight adjustments to ``z`` (residuals, as for the
variances) and returns the ``k x k`` matrix, including the phase-2 term of a
nonresponse adjustment.

Examples
--------
>>> import numpy as np
>>> import pandas as pd
>>> from toolkit.weighting import SurveyDesign
>>> d = SurveyDesign(pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0]}))
>>> z = np.array([[1.0, 0.0], [-1.0, 1.0], [2.0, 0.0], [-2.0, -1.0]])
>>> design_covariance(d, z).round(4).tolist()
[[13.3333, 1.3333], [1.3333, 2.6667]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from toolkit.weighting.variance import Stage, centred_unit_totals

if TYPE_CHECKING:
    from toolkit.weighting.design import SurveyDesign

__all__ = ["design_covariance", "stage_covariance", "stage_diagonal"]


def stage_covariance(
    z: np.ndarray, stages: Sequence[Stage], lonely_psu: str = "fail"
) -> np.ndarray:
    """Covariance of the estimated totals of the columns of ``z`` (multistage, as R).

    Parameters
    ----------
    z : numpy.ndarray
        Influence contributions ``(rows, k)``.
    stages : sequence of Stage
        From :func:`toolkit.weighting.variance.build_stages`.
    lonely_psu : str
        As :func:`toolkit.weighting.variance.stage_variance`; ``"average"``
        scales with the strata of the whole design (R counts those of a
        domain subset, so by-domain covariances can differ there).

    Returns
    -------
    numpy.ndarray
        ``(k, k)`` matrix; its diagonal equals ``stage_variance``.

    Notes
    -----
    Per stage ``sum_h c_h sum_i d_hi d_hi'`` with ``d_hi`` the deviations of
    the unit totals from their stratum mean (R ``survey:::onestage``).

    Examples
    --------
    >>> from toolkit.weighting.variance import build_stages
    >>> st = build_stages(np.zeros(3, dtype=np.int64), [], None, ["s"])
    >>> stage_covariance(np.array([[1.0, 1.0], [2.0, 0.0], [3.0, 2.0]]), st).tolist()
    [[3.0, 1.5], [1.5, 3.0]]
    """
    k = z.shape[1]
    total = np.zeros((k, k))
    for st in stages:
        dev = centred_unit_totals(z, st, lonely_psu)
        coef = st.coef[st.unit_stratum]
        if lonely_psu == "average" and st.lonely.any():
            # R: strata with a lonely unit get the mean of the others (all strata of the design)
            ok = ~st.lonely
            coef = coef * ok[st.unit_stratum] * len(ok) / max(int(ok.sum()), 1)
        total += (dev * coef[:, None]).T @ dev
    return total


def stage_diagonal(stages: Sequence[Stage], lonely_psu: str = "fail") -> np.ndarray:
    """Diagonal ``a_kk`` of the quadratic form ``z' A z`` of :func:`stage_covariance`.

    Parameters
    ----------
    stages : sequence of Stage
        Stages of the design.
    lonely_psu : str
        Treatment of lonely units (``"adjust"`` does not centre them).

    Returns
    -------
    numpy.ndarray
        One value per row: ``sum over stages of c_h (1 - 1/n_h)`` for the
        stratum ``h`` of the row's unit.

    Examples
    --------
    >>> from toolkit.weighting.variance import build_stages
    >>> st = build_stages(np.zeros(3, dtype=np.int64), [], None, ["s"])
    >>> stage_diagonal(st).tolist()  # 3/2 * (1 - 1/3)
    [1.0, 1.0, 1.0]
    """
    n = len(stages[0].unit)
    out = np.zeros(n)
    for st in stages:
        h = st.unit_stratum[st.unit]
        centre = 1.0 / st.n_per_stratum[h]
        if lonely_psu == "adjust":
            centre = np.where(st.lonely[h], 0.0, centre)
        out += st.coef[h] * (1.0 - centre)
    return out


def design_covariance(design: SurveyDesign, z: np.ndarray) -> np.ndarray:
    """Covariance matrix of estimates with influence contributions ``z`` on a design.

    Parameters
    ----------
    design : SurveyDesign
        Linearisation design (with its weight adjustments).
    z : numpy.ndarray
        ``(rows, k)`` contributions under the design's current weights.

    Returns
    -------
    numpy.ndarray
        ``(k, k)`` covariance; weight adjustments enter as residuals (and the
        phase-2 term of a nonresponse adjustment), as for the variances of
        :func:`toolkit.weighting.mean`.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.weighting import SurveyDesign
    >>> d = SurveyDesign(pd.DataFrame({"y": [1.0, 3.0]}))
    >>> design_covariance(d, np.array([[1.0], [-1.0]])).tolist()
    [[4.0]]
    """
    z = np.asarray(z, dtype=float)
    if z.ndim == 1:
        z = z[:, None]
    extra = np.zeros((z.shape[1], z.shape[1]))
    for adj in reversed(design._adjustments):
        extra += adj.extra_covariance(z)
        z = adj.apply(z)
    return stage_covariance(z, design._stages, design.lonely_psu) + extra
