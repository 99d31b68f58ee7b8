"""Calibration estimators (Deville & Särndal 1992): linear (GREG), raking, logit.

The calibrated weights are ``w_k = d_k F(x_k' lambda)`` with ``lambda``
found by Newton's method so that ``sum_k w_k x_k`` equals the population
totals. Bounds ``L <= w_k / d_k <= U`` truncate the linear and raking
distances; the logit distance keeps the ratio strictly inside them.

Examples
--------
>>> import pandas as pd
>>> from toolkit.weighting import SurveyDesign
>>> df = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]})
>>> cal = calibrate(SurveyDesign(df), {"x": 20.0}, population_size=8.0)
>>> round(float(cal.weights.sum()), 6), round(float((cal.weights * df["x"]).sum()), 6)
(8.0, 20.0)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy.special import expit

from toolkit.errors import ConvergenceError, DataError, ParameterError
from toolkit.weighting._inputs import de
from toolkit.weighting._residuals import CalibrationResidual
from toolkit.weighting.design import AdjustmentReport
from toolkit.weighting.margins import check_totals_agree, match_margin
from toolkit.weighting.replicate import replicate_aware

if TYPE_CHECKING:
    from toolkit.weighting.design import SurveyDesign

__all__ = ["calibrate", "calibration_function"]

Fun = Callable[[np.ndarray], np.ndarray]


def calibration_function(
    method: str, lower: float = -np.inf, upper: float = np.inf
) -> tuple[Fun, Fun]:
    """Return ``F(u) - 1`` and ``F'(u)`` of a calibration distance.

    Parameters
    ----------
    method : {"linear", "raking", "logit"}
        Distance function.
    lower, upper : float
        Bounds of ``g = w / d``; logit needs finite bounds with
        ``lower < 1 < upper``.

    Returns
    -------
    tuple of callables
        ``(Fm1, dF)`` as in R's ``cal.linear``, ``cal.raking``, ``cal.logit``.

    Examples
    --------
    >>> fm1, df = calibration_function("raking")
    >>> float(fm1(np.array([0.0]))[0]), float(df(np.array([0.0]))[0])
    (0.0, 1.0)
    """
    lo, hi = float(lower), float(upper)
    if method == "linear":

        def fm1(u: np.ndarray) -> np.ndarray:
            return np.clip(u + 1, lo, hi) - 1

        def df(u: np.ndarray) -> np.ndarray:
            return ((u < hi - 1) & (u > lo - 1)).astype(float)

    elif method == "raking":

        def fm1(u: np.ndarray) -> np.ndarray:
            with np.errstate(over="ignore"):
                return np.clip(np.exp(u), lo, hi) - 1

        def df(u: np.ndarray) -> np.ndarray:
            with np.errstate(over="ignore"):
                return np.where((u < hi - 1) & (u > lo - 1), np.exp(u), 0.0)

    elif method == "logit":
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < 1 < hi):
            raise ParameterError(
                "Logit-Kalibrierung braucht endliche Grenzen mit lower < 1 < upper.",
                hint="z. B. bounds=(0.5, 2.0)",
            )
        a = (hi - lo) / ((hi - 1) * (1 - lo))
        shift = np.log((1 - lo) / (hi - 1))

        # F(u) = (L (U-1) + U (1-L) e^{au}) / (U - 1 + (1-L) e^{au}) = L + (U - L) s with
        # s = expit(a u + log((1-L)/(U-1))); F'(u) = a (U - L) s (1 - s). Written with the
        # logistic function so that neither overflows for large |u| (R's form does).
        def fm1(u: np.ndarray) -> np.ndarray:
            return lo + (hi - lo) * expit(a * u + shift) - 1

        def df(u: np.ndarray) -> np.ndarray:
            s = expit(a * u + shift)
            return a * (hi - lo) * s * (1 - s)

    else:
        raise ParameterError(f"method muss 'linear', 'raking' oder 'logit' sein, nicht {method!r}.")
    return fm1, df


def _model_matrix(
    design: SurveyDesign, totals: Mapping[str | tuple[str, ...], Any], population_size: float | None
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    cols: list[np.ndarray] = []
    targets: list[float] = []
    names: list[str] = []
    active = design._w > 0
    margins = []
    for var, spec in totals.items():
        if isinstance(spec, Mapping | pd.Series | pd.DataFrame):
            keys = list(var) if isinstance(var, tuple) else [var]
            m = match_margin(design, keys, spec)
            margins.append(m)
            for j, label in enumerate(m.labels):
                cols.append((m.codes == j) & active)
                targets.append(float(m.targets[j]))
                names.append(f"{m.name}={'/'.join(label)}")
            continue
        if isinstance(var, tuple):
            raise ParameterError(
                f"Für gekreuzte Spalten {var} eine Randverteilung (dict) angeben, keine Zahl."
            )
        if var not in design._data.columns:
            raise DataError(f"Kalibrierungsvariable '{var}' fehlt in den Daten.", column=var)
        x = pd.to_numeric(design._data[var], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = ~np.isfinite(x) & active
        if bad.any():
            raise DataError(
                f"Kalibrierungsvariable '{var}' hat fehlende oder nicht numerische Werte.",
                column=var,
                rows=(np.flatnonzero(bad) + 1).tolist(),
                hint="Werte ergänzen (Imputation) oder die Fälle vor der Kalibrierung ausschließen.",
            )
        try:
            target = float(spec)
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"Summe für '{var}' muss eine Zahl sein, nicht {spec!r}.") from exc
        cols.append(np.where(active, x, 0.0))
        targets.append(target)
        names.append(var)
    if margins:
        size = check_totals_agree(margins)
        if population_size is not None and abs(size - population_size) > 1e-6 * max(size, 1.0):
            raise DataError(
                f"population_size ({de(population_size)}) weicht von der Summe der Randverteilungen ({de(size)}) ab.",
                hint="Eine der beiden Angaben korrigieren.",
            )
    elif population_size is not None:
        cols.append(active.astype(float))
        targets.append(float(population_size))
        names.append("(N)")
    if not cols:
        raise ParameterError("calibrate: keine Kalibrierungsgrößen angegeben.")
    return np.column_stack(cols).astype(float), np.array(targets), names


def _newton_step(x: np.ndarray, curvature: np.ndarray, misfit: np.ndarray) -> np.ndarray | None:
    """Return the Newton step ``T^+ misfit`` or None when ``T`` is not finite or not usable."""
    if not (np.all(np.isfinite(curvature)) and np.all(np.isfinite(misfit))):
        return None
    tmat = (x * curvature[:, None]).T @ x
    try:
        step = np.linalg.pinv(tmat, rcond=256 * np.finfo(float).eps) @ misfit
    except np.linalg.LinAlgError:
        return None
    return step if np.all(np.isfinite(step)) else None


@replicate_aware
def calibrate(
    design: SurveyDesign,
    totals: Mapping[str | tuple[str, ...], Any],
    *,
    method: str = "linear",
    bounds: tuple[float, float] | None = None,
    population_size: float | None = None,
    max_iter: int = 50,
    tol: float = 1e-7,
    allow_negative: bool = False,
) -> SurveyDesign:
    """Calibrate the weights to known population totals.

    Parameters
    ----------
    design : SurveyDesign
        Design whose weights are the base weights ``d``.
    totals : mapping
        ``column -> total`` for numeric columns, or ``column -> counts per
        category`` (dict/Series/DataFrame) for categorical ones; a tuple of
        columns as key crosses them.
    method : {"linear", "raking", "logit"}
        Distance function (GREG, multiplicative, bounded logit).
    bounds : (float, float), optional
        Bounds ``(L, U)`` for ``g = w / d``; required for ``logit``.
    population_size : float, optional
        Population size, when no categorical margin implies it.
    max_iter : int
        Newton iterations.
    tol : float
        Convergence: ``max |misfit| / (1 + |total|) < tol`` (as R).
    allow_negative : bool
        Linear calibration can produce negative weights; by default this
        fails (use bounds or ``method="raking"``).

    Returns
    -------
    SurveyDesign
        Calibrated design; later standard errors use the residuals of the
        base-weighted regression on the calibration variables.

    Raises
    ------
    ConvergenceError
        Totals not met (e.g. bounds too tight); the message gives the
        precision reached, as R's "Calibration failed".
    DataError
        Missing values, categories without respondents, inconsistent totals,
        negative weights.

    Notes
    -----
    Newton's method as R's ``grake``: ``T = X' diag(d F'(X eta)) X``,
    ``eta += T^+ (t_x - sum d F(X eta) x)``, halving steps that give
    non-finite weights. Bounds always refer to the base weights ``d``; R
    first rescales the base weights when every population total exceeds its
    sample total more than 20-fold and then applies the bounds to the
    rescaled weights, so bounded results differ from R in that case only.

    References
    ----------
    Deville, J.-C. & Särndal, C.-E. (1992). Calibration estimators in survey
    sampling. *JASA* 87, 376–382.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.weighting import SurveyDesign
    >>> df = pd.DataFrame({"g": list("aabb"), "x": [1.0, 2.0, 3.0, 4.0]})
    >>> cal = calibrate(SurveyDesign(df), {"g": {"a": 4, "b": 6}, "x": 25.0}, method="raking")
    >>> [round(v, 4) for v in cal.weights]
    [2.8, 1.2, 4.2, 1.8]
    """
    lo, hi = (-np.inf, np.inf) if bounds is None else (float(bounds[0]), float(bounds[1]))
    if lo >= hi or lo >= 1 or hi <= 1:
        raise ParameterError(f"bounds müssen lower < 1 < upper erfüllen, nicht {bounds}.")
    fm1, dfun = calibration_function(method, lo, hi)
    x, target, names = _model_matrix(design, totals, population_size)
    d = design._w
    sample_total = x.T @ d
    empty = (np.abs(sample_total) == 0) & (target != 0)
    if empty.any():
        raise DataError(
            f"Kalibrierungsgröße(n) ohne Befragte mit Wert ungleich 0: {[names[i] for i in np.flatnonzero(empty)]}.",
            hint="Kategorien zusammenlegen oder die Größe weglassen.",
        )
    eta = np.zeros(x.shape[1])
    xeta = np.zeros(len(d))
    misfit = target - sample_total
    achieved = np.inf
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007
        step = _newton_step(x, d * dfun(xeta), misfit)
        if step is None:  # derivative vanished or was not finite: no further progress possible
            break
        eta = eta + step
        xeta = x @ eta
        g = 1 + fm1(xeta)
        halvings = 0
        while not np.all(np.isfinite(g)) and halvings < 50:
            step = step / 2
            eta = eta - step
            xeta = x @ eta
            g = 1 + fm1(xeta)
            halvings += 1
        if not np.all(np.isfinite(g)):
            break
        misfit = target - x.T @ (d * g)
        achieved = float(np.max(np.abs(misfit) / (1 + np.abs(target))))
        if achieved < tol:
            break
    if not achieved < tol:
        rel = np.abs(misfit) / (1 + np.abs(target))
        worst = names[int(np.nanargmax(rel))] if np.isfinite(rel).any() else names[0]
        raise ConvergenceError(
            f"Kalibrierung fehlgeschlagen ({method}, Grenzen {bounds}): nach {iterations} Iterationen "
            f"relative Abweichung {achieved:.3g} (Ziel {tol:g}), größte bei '{worst}'.",
            hint="Grenzen weiter fassen, Kategorien zusammenlegen, Summen prüfen oder max_iter erhöhen.",
        )
    g = 1 + fm1(xeta)
    new_w = np.where(d > 0, d * g, 0.0)
    if (new_w < 0).any() and not allow_negative:
        raise DataError(
            f"Die lineare Kalibrierung ergibt {int((new_w < 0).sum())} negative Gewichte.",
            rows=(np.flatnonzero(new_w < 0) + 1).tolist(),
            hint="bounds=(L, U) setzen, method='raking' oder 'logit' wählen, oder allow_negative=True.",
        )
    report = AdjustmentReport(f"calibrate:{method}", iterations, achieved, True, tol)
    return design._replace(new_w, CalibrationResidual(x, d, new_w), report)
