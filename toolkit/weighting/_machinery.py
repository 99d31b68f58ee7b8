"""Shared machinery of the estimators: the Estimate record, domains, linearised variance (private).

:mod:`toolkit.weighting.estimate` (mean, total, ratio), ``proportion``,
``quantile``, ``contrast``, ``tables`` and ``regression`` build on these
helpers: checked columns, domain masks (estimated on the full design, as R's
``svyby``), the linearised variance with R's design effect, degrees of
freedom and the assembly of one :class:`Estimate` or a tidy frame.

References
----------
.. [1] Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.errors import DataError, ParameterError
from toolkit.weighting._repvar import RatioSpec
from toolkit.weighting.variance import stage_variance

if TYPE_CHECKING:
    from toolkit.weighting.design import SurveyDesign

__all__ = ["Estimate"]

FIELDS = ("value", "se", "ci_low", "ci_high", "df", "n", "n_eff", "deff")


@dataclass(frozen=True)
class Estimate:
    """One survey estimate with its design-based uncertainty.

    Attributes
    ----------
    value : float
        Point estimate.
    se : float
        Linearised standard error.
    ci_low, ci_high : float
        Confidence interval (t distribution with ``df``; for proportions the
        method chosen).
    df : int
        Design degrees of freedom (stage-1 units minus strata in the domain).
    n : int
        Respondents used.
    n_eff : float
        Effective sample size ``n / deff``: the simple random sample size
        that would give the same variance.
    deff : float
        R's design effect ``Var_design / Var_SRS`` (SRS without
        replacement, as ``svymean(..., deff=TRUE)``); NaN when the weights
        sum to less than ``n``.
    level : float
        Confidence level.
    name : str
        Label (variable or ``numerator/denominator``).

    Examples
    --------
    >>> e = Estimate(1.0, 0.1, 0.8, 1.2, 10, 11, 9.0, 1.2, 0.95, "y")
    >>> e.to_frame().loc["y", "se"]
    np.float64(0.1)
    """

    value: float
    se: float
    ci_low: float
    ci_high: float
    df: int
    n: int
    n_eff: float
    deff: float
    level: float = 0.95
    name: str = ""

    def to_frame(self) -> pd.DataFrame:
        """Return a one-row DataFrame indexed by :attr:`name`.

        Examples
        --------
        >>> list(Estimate(1.0, 0.1, 0.8, 1.2, 10, 11, 9.0, 1.2).to_frame().columns)
        ['value', 'se', 'ci_low', 'ci_high', 'df', 'n', 'n_eff', 'deff']
        """
        row = {k: v for k, v in asdict(self).items() if k in FIELDS}
        return pd.DataFrame([row], index=pd.Index([self.name], name="estimate"))


# --------------------------------------------------------------------- helpers
def _as_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def _column(design: SurveyDesign, var: str) -> pd.Series:
    data = design._data
    if var not in data.columns:
        raise DataError(
            f"Spalte '{var}' fehlt in den Befragungsdaten.",
            column=var,
            hint=f"Vorhandene Spalten: {', '.join(map(str, data.columns[:30]))}",
        )
    return data[var]


def _numeric(design: SurveyDesign, var: str) -> np.ndarray:
    col = _column(design, var)
    if col.dtype == bool or str(col.dtype) == "boolean":
        return col.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    try:
        return pd.to_numeric(col, errors="raise").to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise DataError(
            f"Spalte '{var}' ist nicht numerisch; Mittelwert/Summe sind nicht definiert.",
            column=var,
            hint="Für Kategorien proportion() verwenden.",
        ) from exc


def _check_missing(design: SurveyDesign, var: str, missing: np.ndarray, na_rm: bool) -> np.ndarray:
    """Return the mask of usable rows; fail on missing values unless ``na_rm``."""
    active = design._w > 0
    bad = missing & active
    if bad.any() and not na_rm:
        raise DataError(
            f"Spalte '{var}' hat {int(bad.sum())} fehlende Werte.",
            column=var,
            rows=(np.flatnonzero(bad) + 1).tolist(),
            hint="na_rm=True schätzt über die Fälle mit Angabe (als Domäne, wie R).",
        )
    return active & ~missing


def _domains(
    design: SurveyDesign, by: list[str], usable: np.ndarray
) -> tuple[pd.DataFrame, list[np.ndarray]]:
    """Domain labels and row masks (only domains with respondents)."""
    if not by:
        return pd.DataFrame(index=[0]), [usable]
    for col in by:
        _column(design, col)
    keys = design._data[by]
    miss = keys.isna().any(axis=1).to_numpy() & (design._w > 0)
    if miss.any():
        raise DataError(
            f"Domänenvariable(n) {by} haben fehlende Werte.",
            column=by[0],
            rows=(np.flatnonzero(miss) + 1).tolist(),
            hint="Fehlende Werte als eigene Kategorie kodieren oder die Zeilen vorher entfernen.",
        )
    codes, uniques = pd.MultiIndex.from_frame(keys).factorize(sort=True)
    masks, labels = [], []
    for k, label in enumerate(uniques):
        m = (codes == k) & usable
        if m.any():
            masks.append(m)
            labels.append(label)
    frame = pd.DataFrame(list(labels), columns=by)
    return frame, masks


def _groups(masks: list[np.ndarray]) -> np.ndarray | None:
    """Domain number per row (-1 outside) if the domains are disjoint, else None."""
    group = np.full(len(masks[0]), -1, dtype=np.int64)
    for j, m in enumerate(masks):
        if (group[m] >= 0).any():
            return None
        group[m] = j
    return group


def _quantile(df: np.ndarray, level: float) -> np.ndarray:
    df = np.asarray(df, dtype=float)
    return np.where(df > 0, stats.t.ppf(1 - (1 - level) / 2, np.where(df > 0, df, 1)), np.nan)


def _linearised(
    design: SurveyDesign,
    masks: list[np.ndarray],
    column: Callable[[int], np.ndarray],
    replicated: RatioSpec | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Variance and R's deff of ``k = len(masks)`` estimates.

    ``column(j)`` returns the unit-level linearised values of estimate ``j``
    (``z = w * column(j)`` inside domain ``masks[j]``); columns are built on
    demand so that many domains never need a rows x domains matrix. On a
    replicate design the variance comes from ``replicated`` instead (the
    estimator recomputed with every replicate weight).
    """
    w = design._w
    n = len(w)
    k = len(masks)
    var = np.empty(k)
    deff = np.empty(k)
    if design.is_replicate:
        if replicated is None:
            raise ParameterError(
                "Dieser Schätzer unterstützt (noch) keine Replikationsgewichte.",
                hint="Ein Design mit Linearisierung (SurveyDesign) verwenden.",
            )
        var = replicated.variance(design.replicate_weights, design.replicate_info)
    else:
        chunk = max(1, int(2e7 // max(n, 1)))
        for start in range(0, k, chunk):
            cols = range(start, min(k, start + chunk))
            z = np.column_stack([np.where(masks[j], w * column(j), 0.0) for j in cols])
            extra = np.zeros(z.shape[1])
            for adj in reversed(design._adjustments):
                extra += adj.extra_variance(z)  # phase-2 term of a nonresponse adjustment
                z = adj.apply(z)
            present = None
            if design.lonely_psu == "average" and not design._adjustments:
                present = np.column_stack([masks[j] for j in cols]).astype(float)
            var[start : start + len(cols)] = (
                stage_variance(z, design._stages, design.lonely_psu, present) + extra
            )
    for j in range(k):
        m = masks[j]
        wj, vj = w[m], column(j)[m]
        nobs, wsum = len(wj), wj.sum()
        if nobs < 2 or wsum <= nobs:
            deff[j] = np.nan
            continue
        vbar = np.sum(wj * vj) / wsum
        s2 = np.sum(wj * (vj - vbar) ** 2) / wsum * nobs / (nobs - 1)
        vsrs = s2 * wsum * (wsum - nobs) / nobs
        deff[j] = var[j] / vsrs if vsrs > 0 else np.nan
    return var, deff


DF_RULES = ("domain", "design")


def _dfs(design: SurveyDesign, masks: list[np.ndarray], df: str | int) -> np.ndarray:
    """Degrees of freedom per estimate under the rule ``df`` (see ``DF_DOC``)."""
    if isinstance(df, int | np.integer) and not isinstance(df, bool):
        return np.full(len(masks), int(df))
    if df == "domain":
        return np.array([design.domain_df(m) for m in masks])
    if df == "design":
        return np.full(len(masks), int(design.df))
    raise ParameterError(
        f"df muss 'domain', 'design' oder eine Zahl sein, nicht {df!r}.",
        hint="'design' = Freiheitsgrade des ganzen Designs (wie R svyciprop mit na.rm=TRUE).",
    )


def _assemble(
    design: SurveyDesign,
    labels: pd.DataFrame,
    masks: list[np.ndarray],
    values: np.ndarray,
    var: np.ndarray,
    deff: np.ndarray,
    level: float,
    name: str,
    by: list[str],
    ci: tuple[np.ndarray, np.ndarray] | None = None,
    df: str | int = "domain",
) -> Estimate | pd.DataFrame:
    se = np.sqrt(np.maximum(var, 0.0))
    dfs = _dfs(design, masks, df)
    if ci is None:
        q = _quantile(dfs, level)
        ci = (values - q * se, values + q * se)
    ns = np.array([int(m.sum()) for m in masks])
    with np.errstate(divide="ignore", invalid="ignore"):
        n_eff = np.where(deff > 0, ns / deff, np.nan)
    out = pd.DataFrame(
        {
            "value": values,
            "se": se,
            "ci_low": ci[0],
            "ci_high": ci[1],
            "df": dfs,
            "n": ns,
            "n_eff": n_eff,
            "deff": deff,
        }
    )
    if by:
        return pd.concat([labels.reset_index(drop=True), out], axis=1)
    row = out.iloc[0]
    return Estimate(
        float(row["value"]),
        float(row["se"]),
        float(row["ci_low"]),
        float(row["ci_high"]),
        int(row["df"]),
        int(row["n"]),
        float(row["n_eff"]),
        float(row["deff"]),
        level,
        name,
    )


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise ParameterError(f"Konfidenzniveau muss zwischen 0 und 1 liegen, nicht {level}.")
