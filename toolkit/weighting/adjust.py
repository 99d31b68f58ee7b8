"""Weight adjustments: post-stratification, raking, nonresponse classes.

Trimming is in :mod:`toolkit.weighting.trim`.

Each function takes a :class:`SurveyDesign` and returns a new one. The new
design remembers the adjustment so that standard errors use residuals (the
weights are estimated, not fixed), as R's ``survey`` package does.

Examples
--------
>>> import pandas as pd
>>> from toolkit.weighting import SurveyDesign
>>> d = SurveyDesign(pd.DataFrame({"g": ["a", "a", "b"], "y": [1.0, 2.0, 3.0]}))
>>> ps = poststratify(d, "g", {"a": 20, "b": 10})
>>> ps.weights.tolist()
[10.0, 10.0, 10.0]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from toolkit.errors import ConvergenceError, DataError, ParameterError
from toolkit.weighting._residuals import PostStratResidual, RakingResidual
from toolkit.weighting.design import AdjustmentReport
from toolkit.weighting.margins import Margin, check_totals_agree, match_margin, row_categories
from toolkit.weighting.replicate import replicate_aware
from toolkit.weighting.twophase import TwoPhaseNonresponse

if TYPE_CHECKING:
    from toolkit.weighting.design import SurveyDesign

__all__ = ["adjust_nonresponse", "poststratify", "rake"]


def _cols(var: str | Sequence[str]) -> list[str]:
    return [var] if isinstance(var, str) else list(var)


@replicate_aware
def poststratify(
    design: SurveyDesign, var: str | Sequence[str], population: Any, *, partial: bool = False
) -> SurveyDesign:
    """Post-stratify: scale the weights so that each post-stratum meets its population count.

    Parameters
    ----------
    design : SurveyDesign
        Design to adjust.
    var : str or list of str
        Post-stratification variable(s); several columns are crossed.
    population : dict, pandas.Series or pandas.DataFrame
        Population count per post-stratum (a DataFrame: the ``var`` columns
        and one count column).
    partial : bool
        Ignore post-strata of ``population`` that have no respondents (with
        a warning), as R's ``postStratify(partial = TRUE)``; otherwise they
        raise :class:`DataError`.

    Returns
    -------
    SurveyDesign
        Design with ``w_i = d_i N_g / sum_{j in g} d_j``.

    Raises
    ------
    DataError
        Post-strata with population but no respondents, respondents in a
        post-stratum missing from ``population``, missing values.

    Notes
    -----
    Standard errors subtract the post-stratum mean of the influence
    contributions (Holt & Smith 1979; R ``postStratify``).

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.weighting import SurveyDesign
    >>> d = SurveyDesign(pd.DataFrame({"g": ["a", "b", "b"], "y": [1.0, 2.0, 4.0]}))
    >>> poststratify(d, "g", {"a": 50, "b": 50}).mean("y").value
    2.0
    """
    margin = match_margin(design, _cols(var), population, partial=partial)
    w = design._w
    active = w > 0
    sums = np.bincount(margin.codes[active], weights=w[active], minlength=len(margin.targets))
    factor = np.divide(margin.targets, sums, out=np.zeros_like(sums), where=sums > 0)
    new_w = np.where(active, w * factor[margin.codes], 0.0)
    resid = PostStratResidual(margin.codes, w, new_w)
    return design._replace(new_w, resid, AdjustmentReport("poststratify", 1, 0.0, True, 0.0))


def _rake_cells(margins: list[Margin], active: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Compact cell codes of the cross-classification and each cell's category per margin."""
    sizes = [len(m.targets) for m in margins]
    full = int(np.prod(np.array(sizes, dtype=float)))
    codes = [m.codes for m in margins]  # rows with weight 0 carry code 0 (see match_margin)
    if full <= 100_000:
        dense = np.ravel_multi_index(codes, sizes)
        return dense, [
            np.asarray(c, dtype=np.int64) for c in np.unravel_index(np.arange(full), sizes)
        ]
    if full <= 20_000_000:
        dense = np.ravel_multi_index(codes, sizes)
        present = np.flatnonzero(np.bincount(dense, minlength=full))
        remap = np.full(full, -1, dtype=np.int64)
        remap[present] = np.arange(len(present))
        cells = remap[dense]
        cell_cats = list(np.unravel_index(present, sizes))
    else:
        stacked = np.column_stack(codes)
        uniq, cells = np.unique(stacked, axis=0, return_inverse=True)
        cells = cells.ravel()
        cell_cats = [uniq[:, j] for j in range(len(margins))]
    return cells.astype(np.int64), [np.asarray(c, dtype=np.int64) for c in cell_cats]


def _margin_errors(cell_w: np.ndarray, cell_cats: list[np.ndarray], margins: list[Margin]) -> float:
    worst = 0.0
    for cats, m in zip(cell_cats, margins, strict=True):
        got = np.bincount(cats, weights=cell_w, minlength=len(m.targets))
        err = np.abs(got - m.targets) / np.maximum(m.targets, 1e-300)
        worst = max(worst, float(err[m.targets > 0].max(initial=0.0)))
    return worst


@replicate_aware
def rake(
    design: SurveyDesign,
    margins: Mapping[str | tuple[str, ...], Any],
    *,
    max_iter: int = 100,
    tol: float = 1e-7,
) -> SurveyDesign:
    """Rake (iterative proportional fitting) to any number of population margins.

    Parameters
    ----------
    design : SurveyDesign
        Design to adjust; its weights are the starting weights.
    margins : mapping
        ``column -> population counts`` (dict/Series/DataFrame as in
        :func:`poststratify`); a tuple of columns as key gives a
        cross-classified margin (e.g. Sozialraum × age group).
    max_iter : int
        Maximum number of full sweeps over the margins.
    tol : float
        Convergence: largest relative deviation of any weighted margin count
        from its target.

    Returns
    -------
    SurveyDesign
        Raked design; :attr:`SurveyDesign.history` holds the convergence
        report.

    Raises
    ------
    DataError
        Margins with different totals, categories without respondents,
        respondents in categories missing from a margin.
    ConvergenceError
        Targets not met within ``max_iter`` (reports the precision reached).

    Notes
    -----
    The sweeps run on the cells of the cross-classification of all margins
    (the raking factor is constant within a cell), so the cost is one pass
    over the rows. Standard errors use ten sweeps of post-stratum centring of
    the influence contributions, as R's ``rake``.

    References
    ----------
    Deming, W. E. & Stephan, F. F. (1940). On a least squares adjustment of a
    sampled frequency table when the expected marginal totals are known.
    *Annals of Mathematical Statistics* 11, 427–444.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.weighting import SurveyDesign
    >>> df = pd.DataFrame({"a": list("xxyy"), "b": list("uvuv")})
    >>> r = rake(SurveyDesign(df), {"a": {"x": 30, "y": 70}, "b": {"u": 40, "v": 60}})
    >>> [round(v, 2) for v in r.weights]
    [12.0, 18.0, 28.0, 42.0]
    """
    if not margins:
        raise ParameterError("rake: mindestens eine Randverteilung angeben.")
    if max_iter < 1 or not tol > 0:
        raise ParameterError("rake: max_iter >= 1 und tol > 0 angeben.")
    matched = [
        match_margin(design, _cols(k) if not isinstance(k, tuple) else list(k), v)
        for k, v in margins.items()
    ]
    check_totals_agree(matched, rtol=max(tol, 1e-9))
    w = design._w
    active = w > 0
    cells, cell_cats = _rake_cells(matched, active)
    n_cells = len(cell_cats[0])
    cell_w = np.bincount(cells, weights=np.where(active, w, 0.0), minlength=n_cells)
    factor = np.ones(n_cells)
    err = np.inf
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007
        for cats, m in zip(cell_cats, matched, strict=True):
            got = np.bincount(cats, weights=cell_w * factor, minlength=len(m.targets))
            ratio = np.divide(m.targets, got, out=np.ones_like(got), where=got > 0)
            factor *= ratio[cats]
        err = _margin_errors(cell_w * factor, cell_cats, matched)
        if err < tol:
            break
    if not err < tol:
        raise ConvergenceError(
            f"Raking nach {iterations} Iterationen nicht konvergiert: größte relative "
            f"Randabweichung {err:.3g} (Ziel {tol:g}).",
            hint="Ränder mit Nullzellen in der Kreuzklassifikation prüfen, Kategorien zusammenlegen "
            "oder max_iter erhöhen.",
        )
    new_w = np.where(active, w * factor[cells], 0.0)
    resid = RakingResidual(cells, cell_cats, new_w)
    report = AdjustmentReport("rake", iterations, err, True, tol)
    return design._replace(new_w, resid, report)


@replicate_aware
def adjust_nonresponse(
    design: SurveyDesign,
    responded: str,
    classes: str | Sequence[str] | None = None,
) -> SurveyDesign:
    """Weighting-class nonresponse adjustment.

    Within each class the respondents' weights are multiplied by
    ``sum(d, sampled) / sum(d, respondents)``; nonrespondents get weight 0
    but stay in the design (their PSUs keep counting for the variance).

    Parameters
    ----------
    design : SurveyDesign
        Design of the *whole* sample (respondents and nonrespondents) with
        design weights.
    responded : str
        Boolean (or 0/1) column: True for respondents.
    classes : str or list of str, optional
        Weighting-class column(s); without classes one class (the overall
        response rate).

    Returns
    -------
    SurveyDesign
        Design with adjusted weights; its standard errors include the
        estimation of the class response rates (two-phase linearisation).

    Raises
    ------
    DataError
        Missing response indicator or class, a class without respondents.

    Notes
    -----
    The estimator is ``sum_c N_c ybar_c`` (Kalton & Flores-Cervantes 2003,
    sec. 2). Its variance treats response as a second sampling phase:
    simple random sampling of the respondents within each class (response
    homogeneity groups), with the unbiased two-phase variance estimator of
    Särndal, Swensson & Wretman (1992, Result 9.3.1), see
    :mod:`toolkit.weighting.twophase`. This is the formula of R's
    ``twophase(..., method="full")`` and agrees with it to rounding on
    unstratified phase-1 designs (tested: SRS, one-stage cluster, classes
    crossing school types). When the classes are the strata of a stratified
    design it equals the SE of a stratified sample of the respondents, the
    standard result. For stratified phase-1 designs R's joint inclusion
    probabilities (``Dcheck``) are inconsistent within some strata (survey
    4.1.1, apistrat: its variance of a total of positive values is negative
    and its mean's SE depends on the row order), so there the phase-2 term
    is tested against R and the whole against the stratified result.

    References
    ----------
    Särndal, C.-E., Swensson, B. & Wretman, J. (1992). *Model Assisted
    Survey Sampling*. Springer, ch. 9 and 15.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.weighting import SurveyDesign
    >>> df = pd.DataFrame({"r": [True, False, True, True], "k": list("aabb"), "d": [5.0, 5.0, 2.0, 2.0]})
    >>> adjust_nonresponse(SurveyDesign(df, weights="d"), "r", "k").weights.tolist()
    [10.0, 0.0, 2.0, 2.0]
    """
    data = design._data
    if responded not in data.columns:
        raise DataError(f"Spalte '{responded}' (Teilnahme) fehlt.", column=responded)
    col = data[responded]
    active = design._w > 0
    miss = col.isna().to_numpy() & active
    if miss.any():
        raise DataError(
            f"Spalte '{responded}' hat fehlende Werte; Teilnahme muss für jede Stichprobeneinheit bekannt sein.",
            column=responded,
            rows=(np.flatnonzero(miss) + 1).tolist(),
        )
    values = set(col.dropna().unique().tolist())
    if not values <= {True, False}:
        raise DataError(
            f"Spalte '{responded}' muss wahr/falsch (oder 1/0) sein, gefunden: {sorted(map(str, values))[:5]}.",
            column=responded,
        )
    resp = col.fillna(False).astype(bool).to_numpy() & active
    cols = [] if classes is None else ([classes] if isinstance(classes, str) else list(classes))
    if cols:
        codes, keys = row_categories(design, cols)
    else:
        codes, keys = np.zeros(len(data), dtype=np.int64), [("alle",)]
    n_cls = len(keys)
    w = design._w
    sampled = np.bincount(codes[active], weights=w[active], minlength=n_cls)
    responding = np.bincount(codes[resp], weights=w[resp], minlength=n_cls)
    empty = (responding <= 0) & (sampled > 0)
    if empty.any():
        cats = ["/".join(keys[i]) for i in np.flatnonzero(empty)]
        raise DataError(
            f"Gewichtungsklasse(n) ohne Antwortende: {', '.join(cats[:10])}.",
            column=cols[0] if cols else responded,
            hint="Klassen zusammenlegen, damit jede Klasse Antwortende hat.",
        )
    factor = np.divide(sampled, responding, out=np.zeros_like(sampled), where=responding > 0)
    new_w = np.where(resp, w * factor[codes], 0.0)
    resid = TwoPhaseNonresponse(codes, active, resp, design._stages, design.lonely_psu)
    return design._replace(new_w, resid, AdjustmentReport("nonresponse", 1, 0.0, True, 0.0))
