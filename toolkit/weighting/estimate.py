"""Estimators on a :class:`SurveyDesign`: mean, total, ratio (and the shared machinery).

Every estimator returns an immutable :class:`Estimate`, or with ``by=`` a
tidy DataFrame with one row per domain. Domains are estimated on the full
design (rows outside the domain contribute zero but keep their PSU), as R's
``svyby`` does.

Examples
--------
>>> import pandas as pd
>>> from toolkit.weighting import SurveyDesign
>>> d = SurveyDesign(pd.DataFrame({"y": [2.0, 4.0, 6.0, 8.0]}))
>>> est = d.mean("y")
>>> est.value, round(est.se, 4)
(5.0, 1.291)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from toolkit.errors import DataError
from toolkit.weighting._machinery import (
    Estimate,
    _as_list,
    _assemble,
    _check_level,
    _check_missing,
    _domains,
    _groups,
    _linearised,
    _numeric,
)
from toolkit.weighting._repvar import RatioSpec

if TYPE_CHECKING:
    from toolkit.weighting.design import SurveyDesign

__all__ = ["Estimate", "mean", "ratio", "total"]


# ------------------------------------------------------------------ estimators
def _mean_or_total(
    design: SurveyDesign, var: str, by: Any, na_rm: bool, level: float, kind: str, df: str | int
) -> Any:
    _check_level(level)
    y = _numeric(design, var)
    usable = _check_missing(design, var, np.isnan(y), na_rm)
    by_cols = _as_list(by)
    labels, masks = _domains(design, by_cols, usable)
    y0 = np.where(usable, y, 0.0)
    w = design._w
    k = len(masks)
    values = np.empty(k)
    wsums = np.empty(k)
    for j, m in enumerate(masks):
        wm = np.where(m, w, 0.0)
        wsums[j] = wm.sum()
        values[j] = np.sum(wm * y0) / (wsums[j] if kind == "mean" else 1.0)

    def column(j: int) -> np.ndarray:
        return (y0 - values[j]) / wsums[j] if kind == "mean" else y0

    def num(j: int) -> np.ndarray:
        return np.where(masks[j], y0, 0.0)

    def den(j: int) -> np.ndarray:
        return masks[j].astype(float)

    group = _groups(masks) if design.is_replicate else None
    packed = None if group is None else (group, y0, np.ones(len(y0)) if kind == "mean" else None)
    spec = RatioSpec(num, den if kind == "mean" else None, values, grouped=packed)
    var_, deff = _linearised(design, masks, column, spec)
    return _assemble(design, labels, masks, values, var_, deff, level, var, by_cols, df=df)


def mean(
    design: SurveyDesign,
    var: str,
    *,
    by: str | Sequence[str] | None = None,
    na_rm: bool = False,
    level: float = 0.95,
    df: str | int = "domain",
) -> Estimate | pd.DataFrame:
    """Weighted mean with linearised standard error (R ``svymean``).

    Parameters
    ----------
    design : SurveyDesign
        The design.
    var : str
        Numeric (or boolean) column.
    by : str or list of str, optional
        Domain variable(s); returns a DataFrame with one row per domain.
    na_rm : bool
        If False (default) missing values raise :class:`DataError`; if True
        the cases with a value form a domain.
    level : float
        Confidence level of the t interval.
    df : {"domain", "design"} or int, default "domain"
        Degrees of freedom of the t interval: ``"domain"`` = stage-1 units
        minus strata among the rows used (R's ``svyby``; with ``na_rm`` the
        cases with a value), ``"design"`` = the whole design's df, or a number.

    Returns
    -------
    Estimate or pandas.DataFrame
        The estimate, or domain rows with the :class:`Estimate` fields.

    Notes
    -----
    ``ybar = sum(w y) / sum(w)``; influence ``z_i = w_i (y_i - ybar) / sum(w)``
    (Wolter 2007, sec. 6.5); variance as in :mod:`toolkit.weighting.variance`.

    References
    ----------
    Lumley, T. (2004). Analysis of complex survey samples. *Journal of
    Statistical Software* 9(8).

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.weighting import SurveyDesign
    >>> d = SurveyDesign(pd.DataFrame({"y": [1.0, 2.0, 3.0, 6.0], "g": list("aabb")}))
    >>> mean(d, "y", by="g")[["g", "value"]]
       g  value
    0  a    1.5
    1  b    4.5
    """
    return _mean_or_total(design, var, by, na_rm, level, "mean", df)


def total(
    design: SurveyDesign,
    var: str,
    *,
    by: str | Sequence[str] | None = None,
    na_rm: bool = False,
    level: float = 0.95,
    df: str | int = "domain",
) -> Estimate | pd.DataFrame:
    """Weighted total with linearised standard error (R ``svytotal``).

    Parameters
    ----------
    design : SurveyDesign
        The design.
    var : str
        Numeric (or boolean) column.
    by : str or list of str, optional
        Domain variable(s).
    na_rm : bool
        Missing values: fail (False) or treat cases with a value as domain.
    level : float
        Confidence level.
    df : {"domain", "design"} or int, default "domain"
        Degrees of freedom of the interval, as in :func:`mean`.

    Returns
    -------
    Estimate or pandas.DataFrame
        The estimate or one row per domain.

    Notes
    -----
    Horvitz–Thompson total ``sum(w y)`` with ``z_i = w_i y_i``.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.weighting import SurveyDesign
    >>> d = SurveyDesign(pd.DataFrame({"y": [1.0, 3.0], "w": [10.0, 10.0]}), weights="w")
    >>> total(d, "y").value
    40.0
    """
    return _mean_or_total(design, var, by, na_rm, level, "total", df)


def ratio(
    design: SurveyDesign,
    numerator: str,
    denominator: str,
    *,
    by: str | Sequence[str] | None = None,
    na_rm: bool = False,
    level: float = 0.95,
    df: str | int = "domain",
) -> Estimate | pd.DataFrame:
    """Ratio of two weighted totals (R ``svyratio``).

    Parameters
    ----------
    design : SurveyDesign
        The design.
    numerator, denominator : str
        Numeric columns.
    by : str or list of str, optional
        Domain variable(s).
    na_rm : bool
        Missing values in either column: fail or drop as domain.
    level : float
        Confidence level.
    df : {"domain", "design"} or int, default "domain"
        Degrees of freedom of the interval, as in :func:`mean`.

    Returns
    -------
    Estimate or pandas.DataFrame
        The ratio estimate; ``deff`` as R's ``svyratio(..., deff=TRUE)``.

    Notes
    -----
    ``R = sum(w y) / sum(w x)``, ``z_i = w_i (y_i - R x_i) / sum(w x)``.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.weighting import SurveyDesign
    >>> d = SurveyDesign(pd.DataFrame({"y": [1.0, 3.0], "x": [4.0, 4.0]}))
    >>> ratio(d, "y", "x").value
    0.5
    """
    _check_level(level)
    y = _numeric(design, numerator)
    x = _numeric(design, denominator)
    usable = _check_missing(design, numerator, np.isnan(y), na_rm)
    usable &= _check_missing(design, denominator, np.isnan(x), na_rm)
    by_cols = _as_list(by)
    labels, masks = _domains(design, by_cols, usable)
    y0, x0 = np.where(usable, y, 0.0), np.where(usable, x, 0.0)
    w = design._w
    values = np.empty(len(masks))
    xts = np.empty(len(masks))
    for j, m in enumerate(masks):
        wm = np.where(m, w, 0.0)
        xt = np.sum(wm * x0)
        if xt == 0:
            raise DataError(
                f"Die gewichtete Summe von '{denominator}' ist 0; das Verhältnis ist nicht definiert.",
                column=denominator,
                hint="Nenner prüfen oder Domänen ohne Nenner weglassen.",
            )
        values[j] = np.sum(wm * y0) / xt
        xts[j] = xt

    def column(j: int) -> np.ndarray:
        return (y0 - values[j] * x0) / xts[j]

    def num(j: int) -> np.ndarray:
        return np.where(masks[j], y0, 0.0)

    def den(j: int) -> np.ndarray:
        return np.where(masks[j], x0, 0.0)

    group = _groups(masks) if design.is_replicate else None
    packed = None if group is None else (group, y0, x0)
    var_, deff = _linearised(design, masks, column, RatioSpec(num, den, values, grouped=packed))
    name = f"{numerator}/{denominator}"
    return _assemble(design, labels, masks, values, var_, deff, level, name, by_cols, df=df)
