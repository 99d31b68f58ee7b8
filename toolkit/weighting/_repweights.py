"""Replicate-weight factors per stage-1 unit (PSU): jackknife, BRR/Fay, bootstrap (as R's ``survey``).

Each builder returns a :class:`Factors`: a ``(PSUs, R)`` matrix of weight
multipliers (rows in order of first appearance of the PSU, like R's
compressed replicate weights) with the ``scale`` and ``rscales`` that R's
``as.svrepdesign`` attaches.

Examples
--------
>>> f = jk1_factors(3, np.inf)
>>> f.factors.tolist(), round(f.scale, 4)
([[0.0, 1.5, 1.5], [1.5, 0.0, 1.5], [1.5, 1.5, 0.0]], 0.6667)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from toolkit.errors import DataError, ParameterError
from toolkit.weighting._hadamard import hadamard

__all__ = ["Factors", "PsuLayout", "boot_factors", "brr_factors", "jk1_factors", "jkn_factors"]


@dataclass(frozen=True)
class PsuLayout:
    """Stage-1 strata and units of a design, in R's order of first appearance.

    Attributes
    ----------
    stratum : numpy.ndarray
        Stratum number of each PSU (0, 1, ... in order of first appearance).
    label : list of str
        Stratum label (text) of each PSU; BRR sorts strata by it, as R.
    popsize : numpy.ndarray
        Stage-1 population size of the PSU's stratum (``inf`` without fpc).
    """

    stratum: np.ndarray
    label: list[str]
    popsize: np.ndarray

    @property
    def n_psu(self) -> int:
        """Number of PSUs.

        Examples
        --------
        >>> PsuLayout(np.array([0, 0]), ["a", "a"], np.full(2, np.inf)).n_psu
        2
        """
        return len(self.stratum)


@dataclass(frozen=True)
class Factors:
    """Replicate multipliers per PSU and the variance constants.

    Attributes
    ----------
    factors : numpy.ndarray
        ``(PSUs, R)`` multipliers of the sampling weights.
    scale : float
        R's ``scale``.
    rscales : numpy.ndarray
        R's ``rscales`` (length R).
    type : str
        R's design type.
    """

    factors: np.ndarray
    scale: float
    rscales: np.ndarray
    type: str


def _fpc_factor(popsize: float, n: int) -> float:
    return 1.0 if np.isinf(popsize) else (popsize - n) / popsize


def jk1_factors(n_psu: int, popsize: float) -> Factors:
    """Delete-one jackknife for an unstratified design (R ``jk1weights``).

    Parameters
    ----------
    n_psu : int
        Number of PSUs.
    popsize : float
        Population number of PSUs (``inf`` without fpc).

    Returns
    -------
    Factors
        ``n/(n-1)`` off the diagonal, 0 on it; ``scale = f (n-1)/n`` with
        ``f = (N - n)/N``.

    Examples
    --------
    >>> jk1_factors(4, 8.0).scale
    0.375
    """
    if n_psu < 2:
        raise DataError(
            "Jackknife braucht mindestens zwei Stichprobeneinheiten (PSU).",
            hint="Mehr Cluster ziehen oder Bootstrap verwenden.",
        )
    f = np.full((n_psu, n_psu), n_psu / (n_psu - 1))
    np.fill_diagonal(f, 0.0)
    scale = _fpc_factor(popsize, n_psu) * (n_psu - 1) / n_psu
    return Factors(f, scale, np.ones(n_psu), "JK1")


def jkn_factors(layout: PsuLayout, lonely_psu: str) -> Factors:
    """Stratified delete-one jackknife (R ``jknweights``).

    Parameters
    ----------
    layout : PsuLayout
        Strata of the PSUs.
    lonely_psu : str
        Treatment of strata with one PSU, as R's ``survey.lonely.psu``:
        ``"adjust"`` adds a replicate that drops the stratum and scales the
        others by ``H/(H-1)``; ``"remove"``, ``"certainty"`` and
        ``"average"`` add none (``"average"`` multiplies ``scale`` by the
        number of PSUs over the number of replicates).

    Returns
    -------
    Factors
        One replicate per PSU of each stratum with more than one PSU;
        ``rscales_h = f_h (n_h - 1)/n_h``; fully sampled strata
        (``N_h = n_h``) give no replicates.

    Examples
    --------
    >>> lay = PsuLayout(np.array([0, 0, 1, 1]), ["a", "a", "b", "b"], np.full(4, np.inf))
    >>> jkn_factors(lay, "fail").rscales.tolist()
    [0.5, 0.5, 0.5, 0.5]
    """
    n_strata = int(layout.stratum.max()) + 1
    columns: list[np.ndarray] = []
    rscales: list[float] = []
    for h in range(n_strata):
        members = np.flatnonzero(layout.stratum == h)
        n_h = len(members)
        f_h = _fpc_factor(float(layout.popsize[members[0]]), n_h)
        if f_h == 0:
            continue
        if n_h == 1:
            if lonely_psu == "fail":
                raise DataError(
                    f"Schicht {layout.label[members[0]]} hat nur eine PSU.",
                    hint="lonely_psu='adjust', 'remove', 'certainty' oder 'average' wählen.",
                )
            if lonely_psu == "adjust":
                col = np.full(layout.n_psu, n_strata / (n_strata - 1))
                col[members] = 0.0
                columns.append(col)
                rscales.append((n_strata - 1) / n_strata)
            continue
        for m in members:
            col = np.ones(layout.n_psu)
            col[members] = n_h / (n_h - 1)
            col[m] = 0.0
            columns.append(col)
            rscales.append(f_h * (n_h - 1) / n_h)
    if not columns:
        raise DataError(
            "Alle Schichten sind vollständig erhoben; es gibt keine Stichprobenvarianz.",
            hint="fpc prüfen (Grundgesamtheit > Stichprobe).",
        )
    scale = 1.0
    if len(columns) < layout.n_psu and lonely_psu == "average":
        scale = layout.n_psu / len(columns)
    return Factors(np.column_stack(columns), scale, np.array(rscales), "JKn")


def _brr_halves(layout: PsuLayout, small: str, large: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Half-sample membership (PSUs x 2) and pair number per PSU, as R's ``brrweights``."""
    labels = np.array(layout.label, dtype=object)
    names, counts = np.unique(labels, return_counts=True)
    size = dict(zip(names.tolist(), counts.tolist(), strict=True))
    if any(c < 2 for c in counts) and small == "fail":
        raise DataError(
            "BRR: Schichten mit weniger als zwei PSU.",
            hint="brr_small='split' oder 'merge' wählen oder Schichten zusammenlegen.",
        )
    if any(c > 2 for c in counts) and large == "fail":
        raise DataError("BRR: Schichten mit mehr als zwei PSU.", hint="brr_large='split' wählen.")
    order = np.lexsort((np.arange(layout.n_psu), labels.astype(str)))
    halves = np.zeros((layout.n_psu, 2))
    pair = np.zeros(layout.n_psu, dtype=np.int64)
    upto = 0
    sorted_labels = labels[order]

    def members(group: list[str]) -> np.ndarray:
        return order[np.isin(sorted_labels, group)]

    small_strata = [s for s in names if size[s] == 1]
    if small_strata:
        rows = members(small_strata)
        if small == "split":
            in_order = np.flatnonzero(np.isin(labels, small_strata))  # R: order of appearance
            halves[in_order] = 0.5
            pair[in_order] = np.arange(1, len(in_order) + 1)
            upto = len(small_strata)
        else:
            if len(small_strata) < 2:
                raise DataError(
                    "BRR: eine einzelne kleine Schicht kann nicht zusammengelegt werden."
                )
            halves[rows, 0] = np.resize([0, 1], len(rows))
            halves[rows, 1] = np.resize([1, 0], len(rows))
            half = len(small_strata) // 2
            numbers = np.tile(np.arange(1, half + 1), 2)
            if len(small_strata) % 2:
                numbers = np.concatenate([[1], numbers])
            pair[rows] = numbers
            upto = half
    large_strata = [s for s in names if size[s] > 2]
    if large_strata:
        if large == "split":
            for s in large_strata:
                if size[s] % 2:
                    raise DataError(
                        f"BRR: Schicht {s} hat eine ungerade Zahl von PSU ({size[s]}); "
                        "Aufteilen in Paare geht nicht.",
                        hint="brr_large='merge' wählen.",
                    )
                rows = members([s])
                halves[rows, 0] = np.resize([0, 1], len(rows))
                halves[rows, 1] = np.resize([1, 0], len(rows))
                pair[rows] = upto + np.repeat(np.arange(1, size[s] // 2 + 1), 2)
                upto += size[s] // 2
        else:
            rows = members(large_strata)
            first = np.concatenate(
                [np.repeat([0, 1], [size[s] // 2, size[s] - size[s] // 2]) for s in large_strata]
            )
            halves[rows, 0] = first
            halves[rows, 1] = 1 - first
            pair[rows] = upto + np.repeat(
                np.arange(1, len(large_strata) + 1), [size[s] for s in large_strata]
            )
            upto += len(large_strata)
    good = [s for s in names if size[s] == 2]
    if good:
        rows = members(good)
        halves[rows, 0] = np.tile([0, 1], len(good))
        halves[rows, 1] = np.tile([1, 0], len(good))
        pair[rows] = upto + np.repeat(np.arange(1, len(good) + 1), 2)
        upto += len(good)
    return halves, pair, upto


def brr_factors(
    layout: PsuLayout, small: str = "fail", large: str = "split", fay_rho: float = 0.0
) -> Factors:
    """Balanced repeated replication, optionally Fay's variant (R ``brrweights``).

    Parameters
    ----------
    layout : PsuLayout
        Strata of the PSUs.
    small : {"fail", "split", "merge"}
        Strata with one PSU: fail, split the PSU into two half-weight halves,
        or pair such strata with each other (R's ``small=``).
    large : {"split", "merge", "fail"}
        Strata with more than two PSUs: split into pairs (even numbers only)
        or form two half-groups (R's ``large=``).
    fay_rho : float
        Fay's rho in ``[0, 1)``; 0 is plain BRR.

    Returns
    -------
    Factors
        Half-samples from the rows of :func:`hadamard`; factors ``2 - rho``
        and ``rho``; ``scale = 1 / (R (1 - rho)^2)``.

    Examples
    --------
    >>> lay = PsuLayout(np.array([0, 0, 1, 1]), ["a", "a", "b", "b"], np.full(4, np.inf))
    >>> brr_factors(lay).factors.shape
    (4, 4)
    """
    if not 0 <= fay_rho < 1:
        raise ParameterError(f"fay_rho muss in [0, 1) liegen, nicht {fay_rho}.")
    halves, pair, upto = _brr_halves(layout, small, large)
    h = hadamard(upto)
    signs = h[1 : upto + 1, :][pair - 1, :]  # (PSUs, R): 0 -> first column of halves, 1 -> second
    use_first = signs == 0
    wa = np.where(use_first, halves[:, [0]], halves[:, [1]])
    wb = np.where(use_first, halves[:, [1]], halves[:, [0]])
    factors = wa * (2 - fay_rho) + wb * fay_rho
    n_rep = h.shape[1]
    kind = "BRR" if fay_rho == 0 else "Fay"
    return Factors(factors, 1.0 / (n_rep * (1 - fay_rho) ** 2), np.ones(n_rep), kind)


def boot_factors(layout: PsuLayout, replicates: int, rng: np.random.Generator) -> Factors:
    """Rescaled bootstrap of PSUs within strata (R ``bootweights``, Canty & Davison 1999).

    Parameters
    ----------
    layout : PsuLayout
        Strata and fpc of the PSUs.
    replicates : int
        Number of bootstrap replicates.
    rng : numpy.random.Generator
        Random generator (seeded by the caller for reproducibility).

    Returns
    -------
    Factors
        Per stratum, ``n_h`` PSUs drawn with replacement (with fpc: without
        replacement from the PSUs repeated to ``N_h``); the factor is how
        often a PSU was drawn. ``scale = n~ / ((n~ - 1)(R - 1))`` with ``n~``
        the harmonic mean of the PSUs per stratum, as R.

    Examples
    --------
    >>> lay = PsuLayout(np.array([0, 0, 0]), ["a"] * 3, np.full(3, np.inf))
    >>> f = boot_factors(lay, 5, np.random.default_rng(1))
    >>> f.factors.sum(axis=0).tolist()
    [3.0, 3.0, 3.0, 3.0, 3.0]
    """
    if replicates < 2:
        raise ParameterError("Bootstrap: mindestens zwei Replikate.")
    factors = np.zeros((layout.n_psu, replicates))
    n_strata = int(layout.stratum.max()) + 1
    sizes = np.bincount(layout.stratum, minlength=n_strata)
    for h in range(n_strata):
        members = np.flatnonzero(layout.stratum == h)
        n_h = len(members)
        popsize = float(layout.popsize[members[0]])
        if (
            popsize >= 1e9
        ):  # no fpc, or a fraction so small that drawing with replacement is exact enough
            draws = rng.multinomial(n_h, np.full(n_h, 1.0 / n_h), size=replicates)
        else:
            copies = np.full(n_h, int(popsize) // n_h)
            copies[rng.permutation(n_h)[: int(popsize) % n_h]] += 1
            draws = rng.multivariate_hypergeometric(copies, n_h, size=replicates)
        factors[members] = draws.T
    harmonic = 1.0 / np.mean(1.0 / sizes)
    if harmonic <= 1:
        raise DataError(
            "Bootstrap: jede Schicht hat nur eine PSU; die Varianz ist nicht schätzbar.",
            hint="Schichten zusammenlegen.",
        )
    scale = float(harmonic / ((harmonic - 1) * (replicates - 1)))
    return Factors(factors, scale, np.ones(replicates), "bootstrap")
