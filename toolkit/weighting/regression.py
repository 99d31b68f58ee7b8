"""Design-based generalised linear models (R ``svyglm``).

:func:`glm` fits a linear, logistic (quasibinomial) or Poisson
(quasipoisson) model by weighted maximum (pseudo-)likelihood and estimates
the covariance of the coefficients with the sandwich (linearisation) of the
design, including weight adjustments; on a replicate design the model is
refitted with every replicate weight. Models are given as a formula
(patsy / R style: ``"bedarf ~ C(alter) + C(sozialraum)"``) or as a response
and a list of predictors.

Examples
--------
>>> import pandas as pd
>>> from toolkit.weighting import SurveyDesign
>>> df = pd.DataFrame({"y": [1.0, 2.1, 2.9, 4.2, 4.8, 6.1], "x": [1, 2, 3, 4, 5, 6]})
>>> fit = glm(SurveyDesign(df), "y ~ x")
>>> fit.coef.round(3).tolist()
[0.027, 0.997]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import patsy
from scipy import stats

from toolkit.errors import ConvergenceError, DataError, ParameterError
from toolkit.weighting._machinery import _check_level, _quantile
from toolkit.weighting._model import (
    FAMILIES,
    formula_from_columns,
    irls,
    model_frame,
    model_matrices,
)
from toolkit.weighting.contrast import WaldTest, wald_test
from toolkit.weighting.linearization import design_covariance

if TYPE_CHECKING:
    from toolkit.weighting.design import SurveyDesign

__all__ = ["FAMILIES", "SurveyGLM", "glm"]


@dataclass(frozen=True)
class SurveyGLM:
    """A fitted design-based GLM.

    Attributes
    ----------
    coef : pandas.Series
        Coefficients, named as the model matrix columns.
    cov : pandas.DataFrame
        Design-based covariance of the coefficients.
    df : int
        Residual degrees of freedom: design df + 1 - number of coefficients (R).
    family : str
        ``"gaussian"``, ``"quasibinomial"`` or ``"quasipoisson"``.
    formula : str
        The model.
    n : int
        Respondents used.
    iterations : int
        IRLS iterations of the full-sample fit.
    design_info : patsy.DesignInfo
        Model matrix description (for term tests and predictions).

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.weighting import SurveyDesign
    >>> df = pd.DataFrame({"y": [0, 1, 0, 1, 1, 1], "x": [1.0, 2, 3, 4, 5, 6]})
    >>> fit = glm(SurveyDesign(df), "y ~ x", family="quasibinomial")
    >>> fit.table().columns.tolist()
    ['estimate', 'se', 't', 'p', 'ci_low', 'ci_high']
    """

    coef: pd.Series
    cov: pd.DataFrame
    df: int
    family: str
    formula: str
    n: int
    iterations: int
    design_info: Any

    def table(self, level: float = 0.95) -> pd.DataFrame:
        """Coefficient table: estimate, SE, t, p (t with :attr:`df`) and Wald interval.

        Examples
        --------
        >>> import pandas as pd
        >>> from toolkit.weighting import SurveyDesign
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 2.5, 4.5], "x": [1.0, 2.0, 3.0, 4.0]})
        >>> glm(SurveyDesign(df), "y ~ x").table().index.tolist()
        ['Intercept', 'x']
        """
        _check_level(level)
        se = np.sqrt(np.maximum(np.diag(self.cov.to_numpy()), 0.0))
        t = self.coef.to_numpy() / se
        df = max(self.df, 0)
        p = 2 * stats.t.sf(np.abs(t), df) if df > 0 else np.full(len(t), np.nan)
        q = _quantile(np.array(df), level)
        est = self.coef.to_numpy()
        return pd.DataFrame(
            {
                "estimate": est,
                "se": se,
                "t": t,
                "p": p,
                "ci_low": est - q * se,
                "ci_high": est + q * se,
            },
            index=self.coef.index,
        )

    def wald_test(self, terms: str | Sequence[str]) -> WaldTest:
        """Wald F test that all coefficients of the given term(s) are 0 (R ``regTermTest``).

        Parameters
        ----------
        terms : str or list of str
            Term names as in the formula (``"C(sozialraum)"``, ``"x"``), or
            a formula right-hand side ``"~ x + C(g)"``.

        Returns
        -------
        WaldTest
            ``F`` with ``df`` = number of coefficients and ``ddf`` = :attr:`df`.

        Examples
        --------
        >>> import pandas as pd
        >>> from toolkit.weighting import SurveyDesign
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 2.5, 4.5, 5.0], "x": [1.0, 2.0, 3.0, 4.0, 5.0]})
        >>> glm(SurveyDesign(df), "y ~ x").wald_test("x").df
        1.0
        """
        names = _term_names(terms)
        slices = self.design_info.term_name_slices
        unknown = [t for t in names if t not in slices]
        if unknown:
            raise ParameterError(
                f"Term(e) {unknown} kommen im Modell nicht vor.",
                hint=f"Terme des Modells: {', '.join(slices)}",
            )
        idx = np.concatenate([np.arange(len(self.coef))[slices[t]] for t in names])
        cov = self.cov.to_numpy()[np.ix_(idx, idx)]
        return wald_test(self.coef.to_numpy()[idx], cov, self.df, " + ".join(names))

    def predict(
        self, newdata: pd.DataFrame, type: str = "response", level: float = 0.95
    ) -> pd.DataFrame:
        """Predicted values with SEs for new covariate values (R ``predict.svyglm``).

        Parameters
        ----------
        newdata : pandas.DataFrame
            Covariate values (columns used by the formula).
        type : {"response", "link"}
            Scale of the prediction.
        level : float
            Confidence level; intervals on the link scale transformed back.

        Returns
        -------
        pandas.DataFrame
            ``value, se, ci_low, ci_high`` per row of ``newdata``.

        Examples
        --------
        >>> import pandas as pd
        >>> from toolkit.weighting import SurveyDesign
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 2.5, 4.5, 5.0], "x": [1.0, 2.0, 3.0, 4.0, 5.0]})
        >>> glm(SurveyDesign(df), "y ~ x").predict(pd.DataFrame({"x": [3.0]}))["value"].round(2).tolist()
        [3.0]
        """
        if type not in ("response", "link"):
            raise ParameterError(f"type muss 'response' oder 'link' sein, nicht {type!r}.")
        _check_level(level)
        (x,) = patsy.build_design_matrices(
            [self.design_info], model_frame(newdata), return_type="matrix"
        )
        x = np.asarray(x)
        eta = x @ self.coef.to_numpy()
        se_eta = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", x, self.cov.to_numpy(), x), 0.0))
        q = float(_quantile(np.array(max(self.df, 0)), level))
        linkinv, mu_eta = FAMILIES[self.family]
        if type == "link":
            return pd.DataFrame(
                {
                    "value": eta,
                    "se": se_eta,
                    "ci_low": eta - q * se_eta,
                    "ci_high": eta + q * se_eta,
                }
            )
        mu = linkinv(eta)
        return pd.DataFrame(
            {
                "value": mu,
                "se": mu_eta(mu) * se_eta,  # delta method (canonical link: dmu/deta = V(mu))
                "ci_low": linkinv(eta - q * se_eta),
                "ci_high": linkinv(eta + q * se_eta),
            }
        )


def _term_names(terms: str | Sequence[str]) -> list[str]:
    if isinstance(terms, str):
        if "~" in terms:
            desc = patsy.ModelDesc.from_formula(terms)
            return [t.name() for t in desc.rhs_termlist if t.factors]
        return [terms]
    return list(terms)


def glm(
    design: SurveyDesign,
    formula: str | None = None,
    *,
    y: str | None = None,
    x: Sequence[str] | None = None,
    family: str = "gaussian",
    na_rm: bool = False,
    max_iter: int = 100,
    tol: float = 1e-10,
) -> SurveyGLM:
    """Fit a design-based GLM (R ``svyglm``).

    Parameters
    ----------
    design : SurveyDesign
        Linearisation or replicate design.
    formula : str, optional
        patsy formula, e.g. ``"bedarf_ganztag ~ C(altersgruppe) + C(sozialraum)"``;
        ``C(...)`` makes a column categorical (first level = reference).
    y, x : str and list of str, optional
        Alternative to ``formula``: response and predictor columns
        (text/boolean/categorical columns become dummies, numbers enter linearly).
    family : {"gaussian", "quasibinomial", "quasipoisson"}
        Linear, logistic or log-linear model (canonical links).
    na_rm : bool
        Missing values in model variables: fail (False) or use the complete
        cases as a domain (True; their PSUs still count, as R).
    max_iter, tol : int, float
        IRLS iterations and relative coefficient change for convergence.

    Returns
    -------
    SurveyGLM

    Raises
    ------
    ParameterError
        Unknown family, bad formula.
    DataError
        Missing values without ``na_rm``, response outside the family's range.
    ConvergenceError
        IRLS did not converge (e.g. complete separation).

    Notes
    -----
    Coefficients solve the weighted score equations ``sum w_i x_i (y_i - mu_i) = 0``.
    Covariance: ``A^-1 V(sum U_i) A^-1`` with ``A = sum w_i mu'_i x_i x_i'`` and the
    design variance of the scores ``U_i = w_i x_i (y_i - mu_i)`` (Binder 1983),
    computed on the whole design (weight adjustments as residuals); on a
    replicate design the variance of the replicate refits. Residual df =
    design df + 1 - p, used for t tests, intervals and Wald tests, as R.

    References
    ----------
    Binder, D. A. (1983). On the variances of asymptotically normal estimators
    from complex surveys. *International Statistical Review* 51, 279–292.
    Lumley, T. & Scott, A. (2017). Fitting regression models to survey data.
    *Statistical Science* 32, 265–278.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.weighting import SurveyDesign
    >>> df = pd.DataFrame({"n": [1, 3, 2, 6, 4, 9], "g": list("ababab")})
    >>> fit = glm(SurveyDesign(df), y="n", x=["g"], family="quasipoisson")
    >>> round(float(np.exp(fit.coef.iloc[1])), 3)  # rate ratio b : a
    2.571
    """
    if family not in FAMILIES:
        raise ParameterError(f"family muss eines von {tuple(FAMILIES)} sein, nicht {family!r}.")
    formula = formula or formula_from_columns(y, x, design._data)
    yv, xm, rows, info = model_matrices(design, formula, na_rm)
    if family == "quasibinomial" and ((yv < 0) | (yv > 1)).any():
        raise DataError(
            f"Logistische Regression: Zielgröße in '{formula}' muss zwischen 0 und 1 liegen."
        )
    if family == "quasipoisson" and (yv < 0).any():
        raise DataError(f"Poisson-Regression: Zielgröße in '{formula}' darf nicht negativ sein.")
    w = design._w[rows]
    beta, iterations, ok = irls(xm, yv, w, family, None, max_iter, tol)
    if not ok:
        raise ConvergenceError(
            f"Modell '{formula}' konvergiert nicht nach {iterations} Iterationen.",
            hint="Vollständige Trennung oder leere Kategorien? Kategorien zusammenlegen.",
        )
    p = xm.shape[1]
    if getattr(design, "is_replicate", False):
        reps = design.replicate_weights[rows]
        fits = [
            irls(xm, yv, reps[:, r], family, beta, max_iter, tol)[0] for r in range(reps.shape[1])
        ]
        cov = design.replicate_variance(np.vstack(fits), beta)
    else:
        linkinv, mu_eta = FAMILIES[family]
        mu = linkinv(xm @ beta)
        a_inv = np.linalg.pinv((xm * (w * mu_eta(mu))[:, None]).T @ xm)
        z = np.zeros((len(design._w), p))
        z[rows] = (xm * (w * (yv - mu))[:, None]) @ a_inv
        cov = design_covariance(design, z)
    names = list(info.column_names)
    used = np.zeros(len(design._w), dtype=bool)
    used[rows] = True
    return SurveyGLM(
        coef=pd.Series(beta, index=names, name="coef"),
        cov=pd.DataFrame(cov, index=names, columns=names),
        df=int(design.domain_df(used)) + 1 - p,
        family=family,
        formula=formula,
        n=len(rows),
        iterations=iterations,
        design_info=info,
    )
