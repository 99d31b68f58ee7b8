"""Delivered replicate weights (R's ``svrepdesign``): read the weight matrix, fill R's defaults.

Used by :func:`toolkit.weighting.replicate_design`; the scale factors follow
``survey:::svrepdesign.default`` (Lumley 2010, ch. 2.3).
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np
import pandas as pd

from toolkit.errors import DataError, ParameterError

__all__ = ["rep_defaults", "repweight_matrix"]


def repweight_matrix(data: pd.DataFrame, repweights: Any) -> tuple[np.ndarray, list[str]]:
    """Return delivered replicate weights as a matrix (row per respondent) and their column names.

    ``repweights`` is a regular expression over column names (as R's ``grep``),
    a list of columns, or a matrix/data frame with one row per respondent.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"w": [1.0, 2.0], "repw1": [2.0, 0.0], "repw2": [0.0, 4.0]})
    >>> repweight_matrix(df, "^repw")[1]
    ['repw1', 'repw2']
    """
    if isinstance(repweights, str):
        cols = [c for c in data.columns if re.search(repweights, str(c))]
        if not cols:
            raise DataError(
                f"Keine Spalte passt zum Muster {repweights!r} der Replikationsgewichte.",
                hint="Muster wie R (grep), z. B. '^repw' für repw1, repw2, ...",
            )
    elif isinstance(repweights, np.ndarray | pd.DataFrame):
        mat = np.asarray(repweights, dtype=float)
        if mat.ndim != 2 or mat.shape[0] != len(data):
            raise DataError(
                f"Replikationsgewichte haben die Form {mat.shape}; erwartet ({len(data)}, R).",
                hint="Eine Zeile je Befragtem, eine Spalte je Replikat.",
            )
        return mat, [str(c) for c in range(mat.shape[1])]
    else:
        cols = [str(c) for c in repweights]
        missing = [c for c in cols if c not in data.columns]
        if missing:
            raise DataError(
                f"Spalte(n) {missing[:5]} der Replikationsgewichte fehlen.", column=missing[0]
            )
    sub = data[cols]
    try:
        if all(pd.api.types.is_numeric_dtype(t) for t in sub.dtypes):
            mat = sub.to_numpy(dtype=float, na_value=np.nan)
        else:
            mat = sub.apply(pd.to_numeric, errors="raise").to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataError(
            "Replikationsgewichte sind nicht numerisch.", column=cols[0], hint="Zahlen verwenden."
        ) from exc
    return mat, cols


def rep_defaults(
    type: str,
    mat: np.ndarray,
    combined: bool,
    rho: float | None,
    scale: float | None,
    rscales: np.ndarray | None,
    bootstrap_average: float | None,
) -> tuple[float, np.ndarray]:
    """Return ``scale`` and ``rscales`` as R's ``svrepdesign`` fills them in for ``type``.

    Examples
    --------
    >>> import numpy as np
    >>> scale, rscales = rep_defaults("BRR", np.ones((4, 8)), True, None, None, None, None)
    >>> scale, rscales.tolist() == [1.0] * 8
    (0.125, True)
    """
    n_rep = mat.shape[1]
    if type == "BRR":
        if scale is not None:
            warnings.warn("type='BRR' verwendet scale nicht (wie R).", UserWarning, stacklevel=3)
        scale = 1.0 / n_rep
    elif type == "Fay":
        if rho is None:
            raise ParameterError("type='Fay' braucht rho (z. B. 0.5).")
        scale = 1.0 / (n_rep * (1 - rho) ** 2)
    elif type == "bootstrap":
        scale = (
            (1.0 if bootstrap_average is None else bootstrap_average) / (n_rep - 1)
            if scale is None
            else scale
        )
    elif type == "JK1" and scale is None:
        if combined:
            scale = (n_rep - 1) / n_rep
            msg = f"scale nicht angegeben: (R-1)/R mit R = {n_rep} Replikaten angenommen (wie R)."
        else:
            scale = 1.0 / mat[:, 0].max()
            msg = "scale nicht angegeben: aus den Gewichten geschätzt (wie R)."
        warnings.warn(msg, UserWarning, stacklevel=3)
    elif type == "JKn" and rscales is None:
        if combined:
            raise ParameterError(
                "type='JKn' mit kombinierten Gewichten braucht rscales ((n_h - 1)/n_h je Replikat).",
                hint="Vom Institut dokumentierte Faktoren übernehmen.",
            )
        rscales = 1.0 / mat.max(axis=0)
        warnings.warn("rscales aus den Gewichten geschätzt (wie R).", UserWarning, stacklevel=3)
    elif type in ("ACS", "successive-difference"):
        scale, rscales = 4.0 / n_rep, np.ones(n_rep)
    elif type == "JK2":
        scale, rscales = 1.0, np.ones(n_rep)
    elif type == "other" and (scale is None or rscales is None):
        warnings.warn(
            "scale oder rscales nicht angegeben; 1 angenommen (wie R).", UserWarning, stacklevel=3
        )
    rs = (
        np.ones(n_rep) if rscales is None else np.broadcast_to(np.asarray(rscales, float), (n_rep,))
    )
    return (1.0 if scale is None else float(scale)), np.array(rs, dtype=float)
