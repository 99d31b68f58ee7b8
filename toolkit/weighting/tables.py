"""Weighted tables and Rao-Scott tests of independence (R ``svytable``, ``svychisq``).

Examples
--------
>>> import pandas as pd
>>> from toolkit.weighting import SurveyDesign
>>> df = pd.DataFrame({"a": list("xxyyxy"), "b": list("uvuvuu"), "w": [1.0, 2, 1, 2, 1, 3]})
>>> weighted_table(SurveyDesign(df, weights="w"), "a", "b")
b    u    v
a
x  2.0  2.0
y  4.0  2.0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.errors import DataError, ParameterError
from toolkit.weighting._machinery import _column
from toolkit.weighting.linearization import design_covariance

if TYPE_CHECKING:
    from toolkit.weighting.design import SurveyDesign

__all__ = ["ChisqTest", "chisq_test", "weighted_table"]

STATISTICS = ("F", "Chisq")


def _codes(design: SurveyDesign, var: str) -> tuple[np.ndarray, list]:
    """Category codes (-1 = missing or weight 0) and the sorted levels among weighted rows."""
    col = _column(design, var).where(design._w > 0)
    codes, levels = pd.factorize(col, sort=True)
    return codes.astype(np.int64), list(levels)


def weighted_table(
    design: SurveyDesign, row: str, col: str | None = None, *, ntotal: float | None = None
) -> pd.DataFrame | pd.Series:
    """Weighted counts of one item or of the cross-classification of two (R ``svytable``).

    Parameters
    ----------
    design : SurveyDesign
        The design (current weights).
    row : str
        Row variable.
    col : str, optional
        Column variable; without it a Series of weighted counts.
    ntotal : float, optional
        Rescale the table to this total (R ``Ntotal``), e.g. the number of
        respondents for a table of "effective" counts.

    Returns
    -------
    pandas.DataFrame or pandas.Series
        Levels sorted; cases with a missing value in ``row`` or ``col`` are
        left out (as R).

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.weighting import SurveyDesign
    >>> d = SurveyDesign(pd.DataFrame({"a": ["x", "y", "y"], "w": [2.0, 1.0, 1.0]}), weights="w")
    >>> weighted_table(d, "a").tolist()
    [2.0, 2.0]
    """
    w = design._w
    rc, rlev = _codes(design, row)
    if col is None:
        ok = rc >= 0
        counts = np.bincount(rc[ok], weights=w[ok], minlength=len(rlev))
        if ntotal is not None:
            counts = counts * ntotal / counts.sum()
        return pd.Series(counts, index=pd.Index(rlev, name=row), name="n")
    cc, clev = _codes(design, col)
    ok = (rc >= 0) & (cc >= 0)
    cells = np.bincount(rc[ok] + len(rlev) * cc[ok], weights=w[ok], minlength=len(rlev) * len(clev))
    tab = cells.reshape(len(clev), len(rlev)).T
    if ntotal is not None:
        tab = tab * ntotal / tab.sum()
    return pd.DataFrame(tab, index=pd.Index(rlev, name=row), columns=pd.Index(clev, name=col))


@dataclass(frozen=True)
class ChisqTest:
    """Result of a design-based test of independence.

    Attributes
    ----------
    statistic : float
        ``F`` (``statistic="F"``) or the corrected chi-square (``"Chisq"``).
    df : float
        Numerator df (``d0`` for F, ``(r-1)(c-1)`` for Chisq).
    ddf : float
        Denominator df (``d0`` times the design df; ``inf`` for Chisq).
    p_value : float
        p-value.
    pearson : float
        Pearson's X² of the weighted table rescaled to the sample size.
    design_effect : float
        Mean generalised design effect ``trace(Delta) / ((r-1)(c-1))``.
    method : str
        German description of the test, for reports.
    table : pandas.DataFrame
        The weighted table.

    Examples
    --------
    >>> ChisqTest(3.2, 1.5, 21.0, 0.07, 5.1, 1.6, "Rao-Scott", pd.DataFrame()).p_value
    0.07
    """

    statistic: float
    df: float
    ddf: float
    p_value: float
    pearson: float
    design_effect: float
    method: str
    table: pd.DataFrame


def chisq_test(design: SurveyDesign, row: str, col: str, *, statistic: str = "F") -> ChisqTest:
    """Rao-Scott test of independence in a two-way table (R ``svychisq``).

    Parameters
    ----------
    design : SurveyDesign
        The design.
    row, col : str
        Categorical items; cases with a missing value in either are left
        out as a domain (R ``na.rm=TRUE``).
    statistic : {"F", "Chisq"}
        ``"F"``: second-order correction, X² / trace(Delta) referred to
        ``F(d0, d0 * df)`` with ``d0 = trace(Delta)^2 / trace(Delta^2)``
        (R's default). ``"Chisq"``: first-order correction, X² (r-1)(c-1) /
        trace(Delta) referred to chi-square with (r-1)(c-1) df (R prints
        the uncorrected X² as statistic here; it is :attr:`ChisqTest.pearson`).

    Returns
    -------
    ChisqTest

    Raises
    ------
    ParameterError
        Unknown statistic, fewer than two levels in a variable.

    Notes
    -----
    ``Delta`` is the matrix of generalised design effects of the
    interaction contrasts: with cell shares ``p`` (design covariance ``V``)
    and ``C`` the interaction columns of the saturated model made
    orthogonal to the main effects, ``Delta = (C' D^-1 C / N)^-1 C' D^-1 V D^-1 C``
    with ``D = diag(p)`` and ``N`` the number of sampled rows (Rao & Scott
    1984; R ``survey:::svychisq.survey.design``).

    References
    ----------
    Rao & Scott (1984), *Annals of Statistics* 12, 46–60: chi-squared tests
    for multiway contingency tables with cell proportions estimated from
    survey data. Lumley (2010), *Complex Surveys*, sec. 6.1.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.weighting import SurveyDesign
    >>> df = pd.DataFrame({"a": list("xxxxyyyyxy") * 3, "b": list("uuuvvvvuvu") * 3})
    >>> round(chisq_test(SurveyDesign(df), "a", "b").p_value, 4)
    0.2903
    """
    if statistic not in STATISTICS:
        raise ParameterError(f"statistic muss eines von {STATISTICS} sein, nicht {statistic!r}.")
    active = design._w > 0
    rc, rlev = _codes(design, row)
    cc, clev = _codes(design, col)
    nr, nc = len(rlev), len(clev)
    if nr < 2 or nc < 2:
        raise ParameterError(
            f"Für den Test braucht '{row}' und '{col}' je mindestens zwei Kategorien ({nr} bzw. {nc}).",
        )
    usable = active & (rc >= 0) & (cc >= 0)
    if not usable.any():
        raise DataError(f"Keine Befragten mit Angaben zu '{row}' und '{col}'.", column=row)
    n_rows = int(active.sum())
    w = np.where(usable, design._w, 0.0)
    k = nr * nc
    cell = np.where(usable, rc + nr * cc, 0)
    ind = np.zeros((len(w), k))
    ind[np.flatnonzero(usable), cell[usable]] = 1.0
    wsum = w.sum()
    p = (w @ ind) / wsum
    if design.is_replicate:
        reps = design.replicate_weights * usable[:, None]
        v = design.replicate_variance((reps.T @ ind) / reps.sum(axis=0)[:, None], p)
    else:
        v = design_covariance(design, w[:, None] * (ind - p[None, :]) / wsum)
    # main-effect and interaction columns of the saturated model on the cells (rows fastest)
    r_of = np.tile(np.arange(nr), nc)
    c_of = np.repeat(np.arange(nc), nr)
    x1 = np.column_stack(
        [np.ones(k)]
        + [(r_of == i).astype(float) for i in range(1, nr)]
        + [(c_of == j).astype(float) for j in range(1, nc)]
    )
    x12 = np.column_stack(
        [((r_of == i) & (c_of == j)).astype(float) for j in range(1, nc) for i in range(1, nr)]
    )
    q, _ = np.linalg.qr(x1)
    cmat = x12 - q @ (q.T @ x12)
    inv_p = np.where(p > 0, 1.0 / np.where(p > 0, p, 1.0), 0.0)
    denom = (cmat * (inv_p / n_rows)[:, None]).T @ cmat
    numr = (cmat * inv_p[:, None]).T @ v @ (cmat * inv_p[:, None])
    delta = np.linalg.solve(denom, numr)
    tr = float(np.trace(delta))
    d0 = tr**2 / float(np.trace(delta @ delta))
    table = weighted_table(design, row, col)
    scaled = table.to_numpy() * (n_rows / table.to_numpy().sum())
    expected = np.outer(scaled.sum(axis=1), scaled.sum(axis=0)) / scaled.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        pearson = float(np.sum((scaled - expected) ** 2 / expected))
    dof = (nr - 1) * (nc - 1)
    if statistic == "F":
        f = pearson / tr
        nu = design.df
        pval = float(stats.f.sf(f, d0, d0 * nu))
        return ChisqTest(
            f,
            d0,
            d0 * nu,
            pval,
            pearson,
            tr / dof,
            "Rao-Scott-korrigierter Chi-Quadrat-Test (F)",
            table,
        )
    chisq = pearson * dof / tr
    return ChisqTest(
        chisq,
        float(dof),
        np.inf,
        float(stats.chi2.sf(chisq, dof)),
        pearson,
        tr / dof,
        "Rao-Scott-korrigierter Chi-Quadrat-Test (1. Ordnung)",
        table,
    )
