"""Replicate-weight designs: build them from a design (jackknife, BRR, bootstrap) or accept delivered ones.

A replicate design is a :class:`~toolkit.weighting.SurveyDesign` whose
variances come from recomputing each estimate with every column of replicate
weights (R's ``svrepdesign``); every estimator (mean, total, ratio,
proportion, quantile, by domain) works on it unchanged. Weight adjustments
(post-stratification, raking, calibration, trimming) applied to a replicate
design adjust every replicate the same way, as R does.

Examples
--------
>>> import pandas as pd
>>> from toolkit.weighting import SurveyDesign
>>> df = pd.DataFrame({"psu": [1, 1, 2, 2, 3, 3], "y": [1.0, 2.0, 3.0, 4.0, 5.0, 9.0]})
>>> rep = as_replicate(SurveyDesign(df, cluster="psu"), "JK1")
>>> e = rep.mean("y")
>>> e.value, round(e.se, 4)
(4.0, 1.6073)
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd

from toolkit.errors import DataError, DkbmError, ParameterError
from toolkit.weighting._delivered import rep_defaults, repweight_matrix
from toolkit.weighting._repvar import ReplicateInfo, replicate_df, row_patterns
from toolkit.weighting._repweights import (
    PsuLayout,
    boot_factors,
    brr_factors,
    jk1_factors,
    jkn_factors,
)

if TYPE_CHECKING:
    from toolkit.weighting.design import SurveyDesign

__all__ = ["as_replicate", "replicate_aware", "replicate_design"]

TYPES = ("BRR", "Fay", "JK1", "JKn", "bootstrap", "ACS", "successive-difference", "JK2", "other")
CREATE = ("auto", "JK1", "JKn", "BRR", "Fay", "bootstrap")


def _layout(design: SurveyDesign) -> tuple[PsuLayout, np.ndarray]:
    """PSUs in order of first appearance, and the PSU of each row in that order."""
    stage = design._stages[0]
    unit = stage.unit
    first = np.full(stage.n_units, len(unit), dtype=np.int64)
    np.minimum.at(first, unit, np.arange(len(unit)))
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    strata_rows = design._strata1[first[order]]
    _, stratum = np.unique(strata_rows, return_inverse=True)
    appearance = np.full(stratum.max() + 1, len(stratum))
    np.minimum.at(appearance, stratum, np.arange(len(stratum)))
    stratum = np.argsort(np.argsort(appearance, kind="stable"), kind="stable")[stratum]
    if design.strata is not None:
        labels = [str(v) for v in design._data[design.strata].to_numpy()[first[order]]]
    else:
        labels = ["1"] * len(order)
    popsize = (
        stage.popsize if stage.popsize is not None else np.full(len(stage.n_per_stratum), np.inf)
    )
    pop = popsize[stage.unit_stratum[order]]
    return PsuLayout(stratum.astype(np.int64), labels, pop), rank[unit]


def as_replicate(
    design: SurveyDesign,
    type: str = "auto",
    *,
    replicates: int = 50,
    seed: int | None = None,
    fay_rho: float = 0.0,
    brr_small: str = "fail",
    brr_large: str = "split",
    mse: bool = False,
) -> SurveyDesign:
    """Create replicate weights for a design (R ``as.svrepdesign``).

    Parameters
    ----------
    design : SurveyDesign
        Design with stage-1 strata and clusters; its current weights are the
        full-sample weights. Convert before post-stratifying or calibrating,
        so that every replicate is adjusted too.
    type : {"auto", "JK1", "JKn", "BRR", "Fay", "bootstrap"}
        ``auto``: JK1 without strata, JKn with strata (as R). ``Fay`` is BRR
        with ``fay_rho``.
    replicates : int
        Number of bootstrap replicates.
    seed : int, optional
        Seed of the bootstrap draws; the same seed gives the same weights.
    fay_rho : float
        Fay's rho for ``type="Fay"`` (e.g. 0.5).
    brr_small, brr_large : str
        R's ``small=`` and ``large=`` of ``brrweights`` for strata with one
        or more than two PSUs.
    mse : bool
        Centre the replicate deviations at the full-sample estimate.

    Returns
    -------
    SurveyDesign
        A replicate design (:attr:`~SurveyDesign.is_replicate`).

    Raises
    ------
    ParameterError
        Unknown type; JK1 with strata; JKn/BRR without strata.
    DataError
        Lonely PSUs with ``lonely_psu="fail"``, BRR strata that cannot be
        paired.

    Notes
    -----
    As R: the stage-1 fpc enters JK1's ``scale`` and JKn's ``rscales``
    (``(N_h - n_h)/N_h``; fully sampled strata give no replicates) and the
    bootstrap draws (without replacement from the PSUs repeated to
    ``N_h``); fpcs of later stages are dropped; BRR ignores fpc. The
    jackknife and BRR weights equal R's exactly (BRR uses R's choice of
    Hadamard matrix). The bootstrap follows R's ``bootweights`` (all
    ``n_h`` PSUs resampled, variance rescaled with the harmonic mean of
    ``n_h``); its random draws come from NumPy, not R's generator.

    References
    ----------
    Canty, A. J. & Davison, A. C. (1999). Resampling-based variance
    estimation for labour force surveys. *The Statistician* 48, 379–391.
    Wolter, K. M. (2007). *Introduction to Variance Estimation*, 2nd ed.
    Springer.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.weighting import SurveyDesign
    >>> df = pd.DataFrame({"h": [1, 1, 2, 2], "y": [1.0, 2.0, 4.0, 6.0]})
    >>> rep = as_replicate(SurveyDesign(df, strata="h"), "BRR")
    >>> rep.replicate_info.type, rep.replicate_weights.shape
    ('BRR', (4, 4))
    """
    if design.is_replicate:
        raise ParameterError("Das Design hat bereits Replikationsgewichte.")
    if type not in CREATE:
        raise ParameterError(f"type muss eines von {CREATE} sein, nicht {type!r}.")
    stratified = design.strata is not None
    if type == "auto":
        type = "JKn" if stratified else "JK1"
    if type == "JK1" and stratified:
        raise ParameterError(
            "JK1 ist für geschichtete Designs nicht möglich.", hint="type='JKn' wählen."
        )
    if type in ("JKn", "BRR", "Fay") and not stratified:
        raise ParameterError(
            f"{type} braucht Schichten; für ungeschichtete Designs JK1 oder bootstrap wählen."
        )
    layout, psu = _layout(design)
    if type == "JK1":
        pop = layout.popsize[0]
        f = jk1_factors(layout.n_psu, float(pop))
    elif type == "JKn":
        f = jkn_factors(layout, design.lonely_psu)
    elif type in ("BRR", "Fay"):
        rho = fay_rho if type == "Fay" else 0.0
        if type == "Fay" and not 0 < fay_rho < 1:
            raise ParameterError("type='Fay' braucht 0 < fay_rho < 1 (z. B. 0.5).")
        f = brr_factors(layout, brr_small, brr_large, rho)
    else:
        f = boot_factors(layout, replicates, np.random.default_rng(seed))
    repw = f.factors[psu]  # a new (n, R) array: scaled in place, no second copy
    repw *= design._w[:, None]
    info = ReplicateInfo(
        f.type, float(f.scale), np.asarray(f.rscales, float), bool(mse), fay_rho or None
    )
    # every row is its PSU's factor row times a positive weight: the PSUs are the row patterns
    top = f.factors.max(axis=1)
    patterns = (psu, f.factors / np.where(top > 0, top, 1.0)[:, None])
    return design._with_replicates(repw, _with_df(info, repw, patterns))


def _with_df(
    info: ReplicateInfo,
    repw: np.ndarray,
    patterns: tuple[np.ndarray, np.ndarray] | None = None,
) -> ReplicateInfo:
    """Attach the row patterns and the rank-based df of ``repw`` (computed once per design)."""
    patterns = row_patterns(repw) if patterns is None else patterns
    full_df = replicate_df(repw, None, patterns)
    return ReplicateInfo(**{**info.__dict__, "full_df": full_df, "patterns": patterns})


def replicate_design(
    data: pd.DataFrame,
    repweights: str | Sequence[str] | np.ndarray | pd.DataFrame,
    weights: str | None = None,
    *,
    type: str,
    combined_weights: bool = True,
    rho: float | None = None,
    bootstrap_average: float | None = None,
    scale: float | None = None,
    rscales: float | Sequence[float] | np.ndarray | None = None,
    fpc: Sequence[float] | np.ndarray | None = None,
    fpctype: str = "fraction",
    mse: bool = False,
    df: int | None = None,
) -> SurveyDesign:
    """Build a design from delivered replicate weights (R ``svrepdesign``).

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents.
    repweights : str, list of str or array
        Replicate weight columns: a regular expression matched against the
        column names (as R), a list of names, or an ``(n, R)`` array.
    weights : str, optional
        Full-sample weight column (without: 1, with a warning as R).
    type : str
        ``"BRR"``, ``"Fay"``, ``"JK1"``, ``"JKn"``, ``"bootstrap"``, ``"ACS"``,
        ``"successive-difference"``, ``"JK2"`` or ``"other"``.
    combined_weights : bool
        True: the replicate columns are final weights; False: they are
        multipliers of ``weights``.
    rho : float, optional
        Fay's rho (``type="Fay"``).
    bootstrap_average : float, optional
        Bootstrap: number of draws averaged per replicate (``scale =
        bootstrap_average / (R - 1)``).
    scale, rscales : optional
        Variance constants; defaults per type as R (BRR ``1/R``; Fay
        ``1/(R (1-rho)^2)``; JK1 ``(R-1)/R``; JKn needs ``rscales``).
    fpc, fpctype : optional
        Per-replicate fpc (``"fraction"`` sampled or ``"correction"``
        ``1 - f``), multiplied into ``rscales``.
    mse : bool
        Centre at the full-sample estimate instead of the replicate mean.
    df : int, optional
        Degrees of freedom; default rank of the replicate weights minus 1.

    Returns
    -------
    SurveyDesign
        Replicate design.

    Raises
    ------
    DataError
        Missing or non-finite replicate weights, unmatched columns.
    ParameterError
        Unknown type, Fay without rho, combined JKn without rscales, fpc
        with a type that does not allow it.

    Notes
    -----
    ``Var = scale * sum_r rscales_r (theta_r - c)^2`` (R ``svrVar``).

    References
    ----------
    Lumley, T. (2010). *Complex Surveys*, ch. 2.8. Wiley.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 6.0], "w": [1.0, 1.0, 1.0],
    ...                    "r1": [0.0, 1.5, 1.5], "r2": [1.5, 0.0, 1.5], "r3": [1.5, 1.5, 0.0]})
    >>> d = replicate_design(df, "^r", "w", type="JK1", scale=2 / 3)
    >>> round(d.mean("y").se, 4)
    1.5275
    """
    from toolkit.weighting.design import SurveyDesign

    if type not in TYPES:
        raise ParameterError(f"type muss eines von {TYPES} sein, nicht {type!r}.")
    mat, cols = repweight_matrix(data, repweights)
    bad = ~np.isfinite(mat)
    if bad.any():
        _row, col = np.argwhere(bad)[0]
        raise DataError(
            f"{int(bad.sum())} fehlende oder unendliche Replikationsgewichte.",
            column=cols[col],
            rows=(np.flatnonzero(bad.any(axis=1)) + 1).tolist(),
            hint="Replikationsgewichte vollständig liefern lassen.",
        )
    if weights is None:
        warnings.warn(
            "Keine Designgewichte: gleiche Gewichte angenommen (wie R).", UserWarning, stacklevel=2
        )
        design = SurveyDesign(data)  # weights 1
    else:
        design = SurveyDesign(data, weights=weights)
    if len(design._w) != len(mat):
        raise DataError("Zeilen ohne Designgewicht; Replikationsgewichte passen nicht mehr.")
    rep_mean, w_mean = mat.mean(), design._w.mean()
    if combined_weights and rep_mean < 5 and w_mean / rep_mean > 5:
        warnings.warn(
            "Die Replikationsgewichte sehen nicht wie kombinierte Gewichte aus.",
            UserWarning,
            stacklevel=2,
        )
    if not combined_weights and rep_mean > 5 and w_mean / rep_mean < 5:
        warnings.warn(
            "Die Replikationsgewichte sehen wie kombinierte Gewichte aus.",
            UserWarning,
            stacklevel=2,
        )
    rs_in = None if rscales is None else np.asarray(rscales, float)
    if rs_in is not None and rs_in.size not in (1, mat.shape[1]):
        raise ParameterError(f"rscales hat die Länge {rs_in.size}; erwartet {mat.shape[1]}.")
    sc, rs = rep_defaults(type, mat, combined_weights, rho, scale, rs_in, bootstrap_average)
    if fpc is not None:
        if type in ("BRR", "Fay", "JK2", "ACS", "successive-difference", "bootstrap"):
            raise ParameterError(f"fpc ist für type={type!r} nicht vorgesehen (wie R).")
        f = np.asarray(fpc, float)
        if f.size != len(rs) or (f > 1).any() or (f < 0).any():
            raise ParameterError("fpc: ein Wert in [0, 1] je Replikat.")
        rs = rs * (1 - f if fpctype == "fraction" else f)
    # a private copy: the design freezes its replicate weights, the caller's array stays writable
    analysis = np.array(mat, dtype=float) if combined_weights else mat * design._w[:, None]
    info = ReplicateInfo(type, sc, rs, bool(mse), rho, df)
    return design._with_replicates(analysis, _with_df(info, analysis))


F = TypeVar("F", bound=Callable[..., Any])


def replicate_aware(adjust: F) -> F:
    """Make a weight adjustment also adjust every replicate of a replicate design.

    Parameters
    ----------
    adjust : callable
        ``adjust(design, *args, **kwargs) -> SurveyDesign`` (poststratify,
        rake, calibrate, trim_weights, ...).

    Returns
    -------
    callable
        Same signature; on a replicate design the adjustment runs on the
        full-sample weights and on each replicate's weights (R recalibrates
        each replicate), and the result keeps the replicate information.

    Notes
    -----
    Post-stratification, raking and calibration of replicate designs equal
    R's. For trimming and weighting-class nonresponse adjustment R offers
    nothing usable on replicate designs (its ``trimWeights`` method for them
    leaves the full-sample weights untouched and garbles the replicates; no
    ``twophase`` with replicates); re-running the adjustment per replicate is
    the standard replication approach (Wolter 2007, sec. 4.6). Warnings that
    only some replicates raise are collected into one warning.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.weighting import SurveyDesign, poststratify
    >>> df = pd.DataFrame({"c": [1, 2, 3, 4], "g": list("abab"), "y": [1.0, 2.0, 3.0, 5.0]})
    >>> rep = poststratify(as_replicate(SurveyDesign(df, cluster="c")), "g", {"a": 10, "b": 10})
    >>> rep.replicate_weights.sum(axis=0).tolist()
    [20.0, 20.0, 20.0, 20.0]
    """

    @functools.wraps(adjust)
    def wrapper(design: SurveyDesign, *args: Any, **kwargs: Any) -> SurveyDesign:
        if not design.is_replicate:
            return adjust(design, *args, **kwargs)
        base = design._plain()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            full = adjust(base, *args, **kwargs)
        for w in caught:
            warnings.warn(w.message, w.category, stacklevel=2)
        known = {str(w.message) for w in caught}
        reps = design.replicate_weights
        out = np.empty_like(reps)
        extra: dict[str, list[int]] = {}
        for r in range(reps.shape[1]):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    out[:, r] = adjust(base._plain(reps[:, r]), *args, **kwargs)._w
                except DkbmError as exc:
                    raise exc.__class__(
                        f"Replikat {r + 1} von {reps.shape[1]}: {exc.message}",
                        column=exc.column,
                        rows=exc.rows,
                        hint=exc.hint,
                    ) from exc
            for w in caught:
                if str(w.message) not in known:
                    extra.setdefault(str(w.message), []).append(r + 1)
        for message, where in extra.items():
            warnings.warn(f"Replikat(e) {where[:10]}: {message}", UserWarning, stacklevel=2)
        return full._with_replicates(out, _with_df(design.replicate_info, out))

    return wrapper  # type: ignore[return-value]
