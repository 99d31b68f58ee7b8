"""Linearised (Taylor series) variance of survey estimators.

An estimator is described by its *influence contributions* ``z`` (one row per
sampled unit, one column per estimate): the value each unit adds to the
linearised estimator. The variance is the with-replacement or
without-replacement variance of the PSU totals of ``z`` within strata, summed
over strata and, when every stage has a finite population correction, over
later sampling stages (as R's ``survey::svyrecvar``).

Weight adjustments (post-stratification, raking, calibration, nonresponse
classes) replace ``z`` by residuals before the variance is taken, so that
estimated weights are not treated as fixed (:mod:`toolkit.weighting._residuals`).

Examples
--------
>>> import numpy as np
>>> stage = build_stages(np.zeros(4, dtype=np.int64), [], None, ["s"])[0]
>>> z = np.array([[1.0], [-1.0], [2.0], [-2.0]])
>>> round(float(stage_variance(z, [stage])[0]), 6)  # 4/3 * (1 + 1 + 4 + 4)
13.333333
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.errors import DataError
from toolkit.weighting._inputs import rows

__all__ = [
    "Stage",
    "build_stages",
    "centred_unit_totals",
    "check_average",
    "check_lonely",
    "group_sum",
    "stage_variance",
]

_CERTAINTY = 1e-7  # R: a stratum with f < 1e-7 is self-representing


def group_sum(codes: np.ndarray, n_groups: int, z: np.ndarray) -> np.ndarray:
    """Sum the rows of ``z`` within groups.

    Parameters
    ----------
    codes : numpy.ndarray
        Integer group code of each row, ``0 <= code < n_groups``.
    n_groups : int
        Number of groups.
    z : numpy.ndarray
        Two-dimensional array ``(rows, columns)``.

    Returns
    -------
    numpy.ndarray
        Array ``(n_groups, columns)`` of group sums.

    Examples
    --------
    >>> group_sum(np.array([0, 1, 0]), 2, np.array([[1.0], [2.0], [3.0]])).ravel()
    array([4., 2.])
    """
    out = np.empty((n_groups, z.shape[1]))
    for j in range(z.shape[1]):
        out[:, j] = np.bincount(codes, weights=z[:, j], minlength=n_groups)
    return out


@dataclass(frozen=True)
class Stage:
    """Sampling units and strata of one sampling stage.

    Attributes
    ----------
    unit : numpy.ndarray
        Code of the sampling unit of each row (unique across strata).
    unit_stratum : numpy.ndarray
        Stratum code of each unit.
    n_per_stratum : numpy.ndarray
        Number of sampled units per stratum.
    coef : numpy.ndarray
        Variance coefficient per stratum: ``f n / (n - 1)`` (``f`` for a lonely
        unit) times the sampling fractions of earlier stages; 0 for
        self-representing strata.
    lonely : numpy.ndarray
        Strata with a single sampled unit that contribute variance.
    number : int
        Stage number, starting at 1.
    popsize : numpy.ndarray, optional
        Population size per stratum (``inf`` without fpc).
    """

    unit: np.ndarray
    unit_stratum: np.ndarray
    n_per_stratum: np.ndarray
    coef: np.ndarray
    lonely: np.ndarray
    number: int
    popsize: np.ndarray | None = None

    @property
    def n_units(self) -> int:
        """Number of sampled units at this stage.

        Examples
        --------
        >>> build_stages(np.zeros(3, dtype=np.int64), [], None, ["s"])[0].n_units
        3
        """
        return len(self.unit_stratum)


def _factorize(values: np.ndarray) -> tuple[np.ndarray, int]:
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.int64), len(uniques)


def _combine(parent: np.ndarray, child: np.ndarray) -> np.ndarray:
    width = int(child.max()) + 1 if len(child) else 1
    return parent * width + child


def _popsize(
    fpc: np.ndarray, stratum: np.ndarray, n_strata: int, n_per: np.ndarray, label: str
) -> np.ndarray:
    """Return the population size per stratum from an fpc column (sizes or fractions)."""
    first = np.full(n_strata, np.nan)
    first[stratum[::-1]] = fpc[::-1]
    varies = np.flatnonzero(~np.isclose(fpc, first[stratum], rtol=1e-12, atol=0))
    if len(varies):
        raise DataError(
            f"Die Endlichkeitskorrektur (fpc) ist innerhalb einer Schicht nicht konstant "
            f"({label}).",
            column=label,
            rows=(varies + 1).tolist(),
            hint="fpc muss je Schicht (bzw. je Einheit der vorigen Stufe) gleich sein.",
        )
    if np.all(fpc <= 1):
        popsize = n_per / first
    else:
        popsize = first
    too_small = np.flatnonzero(popsize < n_per - 1e-9)
    if len(too_small):
        raise DataError(
            f"Die fpc-Angabe ergibt mehr Stichprobeneinheiten als Grundgesamtheit "
            f"({len(too_small)} Schicht(en)).",
            column=label,
            hint="fpc als Grundgesamtheitsgröße (>= Stichprobe) oder als Auswahlsatz (<= 1) angeben.",
        )
    return popsize


def build_stages(
    strata: np.ndarray,
    clusters: Sequence[np.ndarray],
    fpcs: Sequence[np.ndarray] | None,
    labels: Sequence[str],
) -> list[Stage]:
    """Build the stage structures of a (multi-stage) stratified design.

    Parameters
    ----------
    strata : numpy.ndarray
        Stage-1 stratum code per row (all zero when unstratified).
    clusters : sequence of numpy.ndarray
        Cluster code per row for each stage; empty for element sampling.
        Clusters are nested in strata (and in the units of earlier stages).
    fpcs : sequence of numpy.ndarray, optional
        Population size or sampling fraction per row for each stage.
        Without fpc, stage 1 is sampled with replacement and later stages are
        not needed (ultimate cluster variance).
    labels : sequence of str
        Column names used in error messages, one per stage.

    Returns
    -------
    list of Stage
        One entry per stage whose variance is included.

    Examples
    --------
    >>> st = build_stages(np.array([0, 0, 1, 1]), [np.array([0, 1, 0, 1])], None, ["psu"])
    >>> st[0].n_per_stratum.tolist()
    [2.0, 2.0]
    """
    n = len(strata)
    n_stages = max(1, len(clusters))
    stages: list[Stage] = []
    parent, _ = _factorize(strata)
    multiplier_rows = np.ones(n)
    for s in range(n_stages):
        child = clusters[s] if clusters else np.arange(n, dtype=np.int64)
        unit, n_units = _factorize(_combine(parent, child))
        unit_first = np.zeros(n_units, dtype=np.int64)
        unit_first[unit[::-1]] = np.arange(n)[::-1]
        stratum_rows, n_strata = _factorize(parent)
        unit_stratum = stratum_rows[unit_first]
        n_per = np.bincount(unit_stratum, minlength=n_strata).astype(float)
        fpc = None if fpcs is None or s >= len(fpcs) else fpcs[s]
        if fpc is None:
            f = np.ones(n_strata)
            popsize = np.full(n_strata, np.inf)
        else:
            popsize = _popsize(fpc, stratum_rows, n_strata, n_per, labels[s])
            f = np.where(np.isinf(popsize), 1.0, (popsize - n_per) / popsize)
        scale = np.where(n_per > 1, f * n_per / np.maximum(n_per - 1, 1), f)
        mult = np.zeros(n_strata)
        mult[stratum_rows] = multiplier_rows
        certain = f < _CERTAINTY
        coef = np.where(certain, 0.0, scale * mult)
        lonely = (n_per == 1) & ~certain & (mult > 0)
        stages.append(Stage(unit, unit_stratum, n_per, coef, lonely, s + 1, popsize))
        if fpc is None or len(clusters) <= s + 1:
            break
        multiplier_rows = multiplier_rows * (n_per / popsize)[stratum_rows]
        parent = unit
    return stages


def stage_variance(
    z: np.ndarray,
    stages: Sequence[Stage],
    lonely_psu: str = "fail",
    present: np.ndarray | None = None,
) -> np.ndarray:
    """Variance of the estimated totals of the columns of ``z``.

    Parameters
    ----------
    z : numpy.ndarray
        Influence contributions ``(rows, estimates)``.
    stages : sequence of Stage
        From :func:`build_stages`.
    lonely_psu : {"fail", "adjust", "certainty", "remove", "average"}
        Treatment of strata with one sampled unit. ``"adjust"`` centres the
        lonely unit at zero (the overall mean of the linearised estimator)
        instead of its stratum mean; ``"certainty"`` and ``"remove"`` let it
        contribute nothing, as in R; ``"average"`` gives lonely strata the
        average variance of the other strata of the stage (the sum over the
        other strata times ``H / H_ok``, R's ``survey.lonely.psu =
        "average"``). ``"fail"`` is checked when the design is built.
    present : numpy.ndarray, optional
        Boolean ``(rows, estimates)``: the rows of each estimate's domain;
        with ``"average"`` only strata with domain rows are counted, as R
        does for a subset. Without it every stratum counts.

    Returns
    -------
    numpy.ndarray
        Variance per column.

    Notes
    -----
    Per stage: ``v = sum_h c_h sum_i (t_hi - mean_h t)^2`` with ``t_hi`` the
    unit totals of ``z`` and ``c_h = (1 - n_h/N_h) n_h/(n_h - 1)`` times the
    sampling fractions of the earlier stages (Särndal, Swensson & Wretman
    1992, ch. 4; R ``survey:::multistage``).

    Examples
    --------
    >>> st = build_stages(np.array([0, 0, 0]), [], [np.array([6.0, 6.0, 6.0])], ["fpc"])
    >>> float(stage_variance(np.array([[1.0], [2.0], [3.0]]), st)[0])  # 0.5 * 1.5 * 2
    1.5
    """
    total = np.zeros(z.shape[1])
    for st in stages:
        dev = centred_unit_totals(z, st, lonely_psu)
        contrib = st.coef[st.unit_stratum][:, None] * dev**2
        if lonely_psu == "average" and st.lonely.any():
            total += _average_lonely(st, contrib, present)
            continue
        total += contrib.sum(axis=0)
    return total


def centred_unit_totals(z: np.ndarray, st: Stage, lonely_psu: str = "fail") -> np.ndarray:
    """Return the unit totals of ``z`` minus their stratum mean (lonely units per ``lonely_psu``).

    Examples
    --------
    >>> st = build_stages(np.zeros(3, dtype=np.int64), [], None, ["s"])[0]
    >>> centred_unit_totals(np.array([[1.0], [2.0], [3.0]]), st).ravel()
    array([-1.,  0.,  1.])
    """
    t = group_sum(st.unit, st.n_units, z)
    sums = group_sum(st.unit_stratum, len(st.n_per_stratum), t)
    dev = t - (sums / st.n_per_stratum[:, None])[st.unit_stratum]
    if lonely_psu == "adjust" and st.lonely.any():
        lonely_units = st.lonely[st.unit_stratum]
        dev[lonely_units] = t[lonely_units]
    return dev


def _average_lonely(st: Stage, contrib: np.ndarray, present: np.ndarray | None) -> np.ndarray:
    """Stage variance with lonely strata given the mean of the other strata (R ``average``).

    R counts the strata that have rows in the (domain) subset: ``H`` of them,
    ``H_ok`` without a lonely unit; the sum over the others is scaled by
    ``H / H_ok``.
    """
    n_strata = len(st.n_per_stratum)
    ok = ~st.lonely
    per_stratum = group_sum(st.unit_stratum, n_strata, contrib)
    if present is None:
        counts = np.ones((n_strata, contrib.shape[1]))
    else:
        counts = group_sum(st.unit_stratum, n_strata, group_sum(st.unit, st.n_units, present))
    seen = counts > 0
    n_seen = seen.sum(axis=0)
    n_ok = (seen & ok[:, None]).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (per_stratum * ok[:, None]).sum(axis=0) * n_seen / n_ok


def check_lonely(
    stages: Sequence[Stage], data: pd.DataFrame, strata: str | None, clusters: list[str]
) -> None:
    """Refuse a stratum with a single sampling unit (R's ``options(survey.lonely.psu = "fail")``).

    Examples
    --------
    >>> df = pd.DataFrame({"s": [1, 1, 2]})
    >>> stages = build_stages(np.array([0, 0, 1]), [], None, ["s"])
    >>> check_lonely(stages, df, "s", [])
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: Stufe 1: 1 Schicht(en) mit nur einer Stichprobeneinheit (lonely PSU): 2. ...
    """
    for st in stages:
        if not st.lonely.any():
            continue
        units = st.lonely[st.unit_stratum]
        lonely_rows = units[st.unit]
        col = strata if st.number == 1 else clusters[st.number - 2]
        labels = sorted({str(v) for v in data[col].to_numpy()[lonely_rows]}) if col else []
        raise DataError(
            f"Stufe {st.number}: {int(st.lonely.sum())} Schicht(en) mit nur einer "
            f"Stichprobeneinheit (lonely PSU): {', '.join(labels[:10])}.",
            column=col,
            rows=rows(lonely_rows),
            hint="Schichten zusammenlegen oder lonely_psu='adjust' (konservativ), "
            "'certainty' bzw. 'remove' wählen.",
        )


def check_average(stages: Sequence[Stage], strata: str | None, clusters: list[str]) -> None:
    """Refuse ``lonely_psu='average'`` where no other stratum's variance can be averaged.

    Examples
    --------
    >>> stages = build_stages(np.array([0, 0, 1]), [], None, ["s"])
    >>> check_average(stages, "s", [])  # stratum 0 has two units: its variance is averaged
    """
    for st in stages:
        if not st.lonely.any():
            continue
        col = strata if st.number == 1 else clusters[st.number - 2]
        if st.number > 1 or st.lonely.all():
            raise DataError(
                f"lonely_psu='average': Stufe {st.number} hat Schichten mit nur einer Einheit, "
                "aber keine anderen Schichten, deren Varianz gemittelt werden könnte "
                "(R liefert hier NaN).",
                column=col,
                hint="lonely_psu='adjust' oder 'certainty' wählen oder Schichten zusammenlegen.",
            )
