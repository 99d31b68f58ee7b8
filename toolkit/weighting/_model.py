"""Model matrices and IRLS for :func:`toolkit.weighting.regression.glm` (internal).

Examples
--------
>>> import numpy as np
>>> x = np.column_stack([np.ones(4), [1.0, 2.0, 3.0, 4.0]])
>>> beta, iterations, ok = irls(x, np.array([1.0, 2.0, 3.0, 4.0]), np.ones(4), "gaussian", None, 25, 1e-10)
>>> beta.round(6).tolist(), ok
([0.0, 1.0], True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import patsy
from scipy.linalg import cho_factor, cho_solve
from scipy.special import expit

from toolkit.errors import DataError, ParameterError

if TYPE_CHECKING:
    from toolkit.weighting.design import SurveyDesign

__all__ = ["FAMILIES", "formula_from_columns", "irls", "model_frame", "model_matrices"]

Fn = Callable[[np.ndarray], np.ndarray]
# canonical links: name -> (inverse link, dmu/deta = variance function)
FAMILIES: dict[str, tuple[Fn, Fn]] = {
    "gaussian": (lambda eta: eta, lambda mu: np.ones_like(mu)),
    "quasibinomial": (expit, lambda mu: mu * (1 - mu)),
    "quasipoisson": (np.exp, lambda mu: mu),
}


def formula_from_columns(y: str | None, x: Sequence[str] | None, data: pd.DataFrame) -> str:
    """Build ``y ~ x1 + C(x2) + ...``: text/boolean/categorical columns as dummies, numbers linear."""
    if y is None or x is None:
        raise ParameterError("glm: formula oder y und x (Liste von Spalten) angeben.")
    parts = []
    for col in x:
        if col not in data.columns:
            raise DataError(f"Spalte '{col}' fehlt in den Befragungsdaten.", column=col)
        numeric = pd.api.types.is_numeric_dtype(data[col]) and not pd.api.types.is_bool_dtype(
            data[col]
        )
        parts.append(f'Q("{col}")' if numeric else f'C(Q("{col}"))')
    return f'Q("{y}") ~ ' + (" + ".join(parts) if parts else "1")


def model_frame(data: pd.DataFrame, categorical: bool = False) -> pd.DataFrame:
    """Columns patsy understands: nullable numbers/booleans as float (NaN), text as object.

    With ``categorical`` text columns become pandas categoricals (patsy then works on
    their codes instead of looping over every value in Python: 30x faster on 100,000 rows).
    """
    out = {}
    for col in data.columns:
        s = data[col]
        nullable = isinstance(s.dtype, pd.api.extensions.ExtensionDtype)
        if nullable and (
            isinstance(s.dtype, pd.BooleanDtype) or pd.api.types.is_numeric_dtype(s.dtype)
        ):
            out[col] = s.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        elif isinstance(s.dtype, pd.StringDtype) or s.dtype == object:
            text = s.astype(object).where(s.notna(), None)
            out[col] = pd.Categorical(text) if categorical else text.to_numpy()
        else:
            out[col] = s.to_numpy()
    return pd.DataFrame(out, index=data.index)


def _weighted_ls(x: np.ndarray, y: np.ndarray, root_w: np.ndarray) -> np.ndarray:
    """Weighted least squares of ``y`` on ``x`` (weights ``root_w**2``).

    Normal equations with a Cholesky factor (one pass over the rows; QR of a
    100,000 x 11 matrix is ~20 times slower); rank-deficient or badly conditioned
    cases fall back to an SVD least-squares solution.
    """
    xw = x * root_w[:, None]
    gram = xw.T @ xw
    rhs = xw.T @ (y * root_w)
    try:
        factor = cho_factor(gram)
        if np.linalg.cond(gram) < 1e12:
            return cho_solve(factor, rhs)
    except np.linalg.LinAlgError:
        pass
    return np.linalg.lstsq(xw, y * root_w, rcond=None)[0]


def model_matrices(
    design: SurveyDesign, formula: str, na_rm: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, Any]:
    """Response, model matrix (rows used) and the row positions used."""
    data = design._data.reset_index(drop=True)
    active = np.flatnonzero(design._w > 0)
    try:
        yd, xd = patsy.dmatrices(
            formula,
            model_frame(data.iloc[active], categorical=True),
            return_type="dataframe",
            NA_action="drop",
        )
    except patsy.PatsyError as exc:
        raise ParameterError(f"Modellformel '{formula}' ist fehlerhaft: {exc}") from exc
    rows = yd.index.to_numpy()
    if len(rows) < len(active) and not na_rm:
        missing = np.setdiff1d(active, rows)
        raise DataError(
            f"{len(missing)} Befragte mit fehlenden Werten in den Modellvariablen.",
            rows=(missing + 1).tolist(),
            hint="na_rm=True schätzt das Modell über die vollständigen Fälle (als Domäne, wie R).",
        )
    y = yd.to_numpy(dtype=float)
    if y.shape[1] == 2 and str(yd.columns[1]).endswith("[True]"):
        y = y[:, 1:]  # boolean response: patsy codes it as two indicator columns
    if y.shape[1] != 1:
        raise ParameterError(
            f"Die Zielgröße in '{formula}' muss eine Spalte sein (0/1, Zahl oder wahr/falsch)."
        )
    return y[:, 0], xd.to_numpy(dtype=float), rows, xd.design_info


def irls(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    family: str,
    start: np.ndarray | None,
    max_iter: int,
    tol: float,
) -> tuple[np.ndarray, int, bool]:
    """Fit a canonical-link GLM by iteratively reweighted least squares.

    Returns the coefficients, the iterations used and whether the relative
    coefficient change fell below ``tol`` (R ``glm.fit`` with weights ``w``).
    """
    linkinv, mu_eta = FAMILIES[family]
    if start is not None:
        beta = start.copy()
    else:
        if family == "quasibinomial":
            mu0 = (y + 0.5) / 2
            eta0 = np.log(mu0 / (1 - mu0))
        elif family == "quasipoisson":
            eta0 = np.log(y + 0.1)
        else:
            eta0 = y
        beta = _weighted_ls(x, eta0, np.sqrt(w))
    for it in range(1, max_iter + 1):
        eta = x @ beta
        mu = linkinv(eta)
        d = mu_eta(mu)
        work = eta + (y - mu) / np.where(d > 0, d, 1.0)
        sw = np.sqrt(w * d)
        new = _weighted_ls(x, work, sw)
        if not np.all(np.isfinite(new)):
            return beta, it, False
        change = np.max(np.abs(new - beta) / (np.abs(new) + 0.1))
        beta = new
        if change < tol:
            return beta, it, True
    return beta, max_iter, False
