"""Trimming weights to bounds, with the trimmed amount given to the other weights.

Examples
--------
>>> import pandas as pd
>>> from toolkit.weighting import SurveyDesign
>>> d = SurveyDesign(pd.DataFrame({"w": [1.0, 1.0, 10.0]}), weights="w")
>>> trim_weights(d, upper=5.0).weights.round(6).tolist()  # 10 capped at 5, 5 shared 1:1
[3.5, 3.5, 5.0]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from toolkit.errors import ConvergenceError, DataError, ParameterError
from toolkit.weighting._inputs import de
from toolkit.weighting._residuals import Residualizer
from toolkit.weighting.design import AdjustmentReport
from toolkit.weighting.replicate import replicate_aware

if TYPE_CHECKING:
    from toolkit.weighting.design import SurveyDesign

__all__ = ["trim_weights"]


@replicate_aware
def trim_weights(
    design: SurveyDesign,
    lower: float | None = None,
    upper: float | None = None,
    *,
    redistribute: str = "proportional",
    strict: bool = True,
    max_iter: int = 200,
) -> SurveyDesign:
    """Trim weights to ``[lower, upper]`` and give the trimmed amount to the other weights.

    Parameters
    ----------
    design : SurveyDesign
        Design to adjust.
    lower, upper : float, optional
        Bounds for the weights (absolute values).
    redistribute : {"proportional", "equal"}
        Spread the trimmed amount over the untrimmed weights in proportion
        to their size, or in equal parts (R's ``trimWeights``).
    strict : bool
        Solve for the final weights ``clip(c d_i, lower, upper)``
        (proportional) or ``clip(d_i + c, lower, upper)`` (equal) with the
        constant ``c`` that keeps the total, so that no weight ends outside
        the bounds. With ``False`` one pass of clipping and redistribution,
        as R's ``trimWeights`` default (weights may then cross a bound again).
    max_iter : int
        Bisection steps for ``c`` with ``strict``.

    Returns
    -------
    SurveyDesign
        Design with trimmed weights; the weight total is unchanged. Later
        standard errors treat the trimmed weights as fixed (as R), but keep
        the residuals of earlier adjustments.

    Raises
    ------
    DataError
        Bounds that cannot hold the weight total (``n * upper < total`` or
        ``n * lower > total``), or all weights outside the bounds.
    ConvergenceError
        ``strict`` and no constant ``c`` found that keeps the total within the bounds.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.weighting import SurveyDesign
    >>> d = SurveyDesign(pd.DataFrame({"w": [1.0, 1.0, 2.0, 8.0]}), weights="w")
    >>> trim_weights(d, upper=5.0, redistribute="equal").weights.tolist()
    [2.0, 2.0, 3.0, 5.0]
    """
    if redistribute not in ("proportional", "equal"):
        raise ParameterError("redistribute muss 'proportional' oder 'equal' sein.")
    lo = -np.inf if lower is None else float(lower)
    hi = np.inf if upper is None else float(upper)
    if lo > hi:
        raise ParameterError(f"trim_weights: lower ({lo}) > upper ({hi}).")
    w = design._w.copy()
    active = w > 0
    total = w[active].sum()
    n = int(active.sum())
    if n * hi < total * (1 - 1e-12) or n * lo > total * (1 + 1e-12):
        raise DataError(
            f"Grenzen [{lo:g}, {hi:g}] können die Gewichtssumme {de(total)} bei {n} Befragten nicht tragen.",
            hint=f"Das mittlere Gewicht ist {de(total / n, 4)}; die Grenzen müssen es einschließen.",
        )
    orig = w[active]
    if strict:
        cur, iterations = _trim_solve(orig, lo, hi, redistribute, max_iter)
    else:
        cur, iterations = _trim_one_pass(orig, lo, hi, redistribute), 1
    w[active] = cur
    cur = w[active]
    over = max(float(np.max(cur - hi, initial=0.0)), float(np.max(lo - cur, initial=0.0)), 0.0)
    report = AdjustmentReport("trim", iterations, over / (total / n), over == 0.0, 0.0)
    return design._replace(w, Residualizer(), report)


def _redistribute(orig: np.ndarray, free: np.ndarray, amount: float, how: str) -> np.ndarray:
    """Give ``amount`` (the weight total the free units must carry) to the free units."""
    out = orig[free].copy()
    if how == "equal":
        return out + (amount - out.sum()) / len(out)
    return out * (amount / out.sum())


def _trim_one_pass(orig: np.ndarray, lo: float, hi: float, how: str) -> np.ndarray:
    """Clip once and redistribute to the units that were inside (R's ``trimWeights``)."""
    outside = (orig < lo) | (orig > hi)
    if outside.all():
        raise DataError(
            "Alle Gewichte liegen außerhalb der Grenzen.", hint="Grenzen weiter fassen."
        )
    cur = np.clip(orig, lo, hi)
    cur[~outside] = _redistribute(orig, ~outside, orig.sum() - cur[outside].sum(), how)
    return cur


def _trim_solve(
    orig: np.ndarray, lo: float, hi: float, how: str, max_iter: int
) -> tuple[np.ndarray, int]:
    """Find ``c`` with ``sum(clip(orig * c or orig + c, lo, hi)) == sum(orig)`` (bisection, then exact)."""
    total = orig.sum()

    def fit(c: float) -> np.ndarray:
        return np.clip(orig * c if how == "proportional" else orig + c, lo, hi)

    if how == "proportional":
        low = lo / orig.max() if lo > 0 else 0.0
        high = hi / orig.min() if np.isfinite(hi) else total / orig.min()
    else:
        low = (lo if np.isfinite(lo) else -total) - orig.max()
        high = (hi if np.isfinite(hi) else total) - orig.min()
    iteration = 0
    for iteration in range(1, max_iter + 1):  # noqa: B007
        mid = 0.5 * (low + high)
        if fit(mid).sum() < total:
            low = mid
        else:
            high = mid
        if high - low <= 1e-15 * max(abs(high), 1.0):
            break
    cur = fit(0.5 * (low + high))
    free = (cur > lo) & (cur < hi)
    if free.any():
        fixed = cur[~free].sum()
        if how == "proportional":
            cur[free] = orig[free] * ((total - fixed) / orig[free].sum())
        else:
            cur[free] = orig[free] + (total - fixed - orig[free].sum()) / free.sum()
    if (
        abs(cur.sum() - total) > 1e-9 * total
        or cur.max() > hi * (1 + 1e-12)
        or cur.min() < lo * (1 - 1e-12)
    ):
        raise ConvergenceError(
            f"Trimmen nach {iteration} Schritten nicht gelungen; Summe {de(cur.sum(), 6)} statt {de(total, 6)}.",
            hint="Grenzen weiter fassen.",
        )
    return np.clip(cur, lo, hi), iteration
