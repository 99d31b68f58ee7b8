"""The survey design object: data, weights, strata, clusters and fpc.

A :class:`SurveyDesign` is immutable. Weight adjustments (``poststratify``,
``rake``, ``calibrate``, ``trim_weights``, ``adjust_nonresponse``) return a
new design that remembers how its weights were estimated, so that later
standard errors account for the adjustment (as R's ``survey`` package does).

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": [1.0, 1.0, 2.0, 2.0]})
>>> d = SurveyDesign(df, weights="w")
>>> d.n, d.df
(4, 3)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from toolkit.errors import DataError, ParameterError
from toolkit.weighting._design_estimators import EstimatorMixin
from toolkit.weighting._design_replicates import ReplicateMixin
from toolkit.weighting._inputs import (
    as_list,
    check_columns,
    codes,
    numeric,
    raw_weights,
    rows,
    weights_from_fpc,
)
from toolkit.weighting._repvar import ReplicateInfo
from toolkit.weighting._residuals import Residualizer
from toolkit.weighting.variance import Stage, build_stages, check_average, check_lonely

__all__ = ["AdjustmentReport", "SurveyDesign"]

LONELY_PSU = ("fail", "adjust", "certainty", "remove", "average")
NA_WEIGHTS = ("fail", "drop")


@dataclass(frozen=True)
class AdjustmentReport:
    """What a weight adjustment did and how precisely it met its targets.

    Attributes
    ----------
    method : str
        ``"poststratify"``, ``"rake"``, ``"calibrate:linear"``, ``"trim"`` ...
    iterations : int
        Iterations used (1 for closed-form adjustments).
    max_error : float
        Largest relative deviation of the weighted totals from the targets
        after the adjustment (0 where there are no targets).
    converged : bool
        Whether the tolerance was met.
    tolerance : float
        Tolerance asked for.

    Examples
    --------
    >>> AdjustmentReport("rake", 7, 1e-9, True, 1e-7).converged
    True
    """

    method: str
    iterations: int
    max_error: float
    converged: bool
    tolerance: float


class SurveyDesign(EstimatorMixin, ReplicateMixin):
    """A complex survey design (strata, clusters, weights, fpc), immutable.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per sampled unit (respondent).
    weights : str, optional
        Column with sampling weights (> 0).
    probs : str or list of str, optional
        Column(s) with inclusion probabilities (one per stage; multiplied).
        Give ``weights`` or ``probs``, not both. Without either, weights
        follow from ``fpc`` (``N_h/n_h`` per stage) or are 1.
    strata : str, optional
        Stratum column (stage 1).
    cluster : str or list of str, optional
        Cluster column, or one column per stage for multi-stage designs
        (``["dnum", "snum"]``). Clusters are nested in strata. Without
        ``cluster`` every row is its own sampling unit.
    fpc : str or list of str, optional
        Finite population correction per stage, as population size (number
        of units in the stratum) or as sampling fraction (all values <= 1),
        like R. Without fpc: sampling with replacement; with fpc for every
        stage the variance of each stage is added (full multistage).
    lonely_psu : {"fail", "adjust", "certainty", "remove", "average"}
        Strata with a single sampled unit: fail (default), centre it at the
        overall mean (``adjust``), let it contribute no variance
        (``certainty``, ``remove``), or give it the average variance of the
        other strata (``average``, stage 1 only), as R's
        ``options(survey.lonely.psu = ...)``.
    na_weights : {"fail", "drop"}
        Rows with missing weight or probability: fail (default) or drop them.

    Raises
    ------
    DataError
        Missing columns, missing/zero/negative/infinite weights, missing
        strata or cluster codes, fpc smaller than the sample, lonely PSUs
        with ``lonely_psu="fail"``.
    ParameterError
        Contradictory arguments.

    Notes
    -----
    Variances are Taylor linearisations (Wolter 2007, ch. 6) computed as in
    R's ``survey`` (Lumley 2004, 2010). Degrees of freedom: number of
    stage-1 units minus number of strata.

    References
    ----------
    Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"h": ["a", "a", "b", "b"], "y": [1.0, 3.0, 5.0, 9.0],
    ...                    "N": [10, 10, 20, 20]})
    >>> d = SurveyDesign(df, strata="h", fpc="N")
    >>> d.weights.tolist()
    [5.0, 5.0, 10.0, 10.0]
    >>> round(d.mean("y").value, 4)
    5.3333
    """

    __slots__ = (
        "_adjustments",
        "_data",
        "_history",
        "_psu1",
        "_rep",
        "_repw",
        "_stages",
        "_strata1",
        "_w",
        "cluster",
        "fpc",
        "lonely_psu",
        "strata",
    )
    _adjustments: tuple[Residualizer, ...]
    _data: pd.DataFrame
    _history: tuple[AdjustmentReport, ...]
    _psu1: np.ndarray
    _rep: ReplicateInfo | None
    _repw: np.ndarray | None
    _stages: tuple[Stage, ...]
    _strata1: np.ndarray
    _w: np.ndarray
    cluster: tuple[str, ...]
    fpc: tuple[str, ...]
    lonely_psu: str
    strata: str | None

    def __init__(
        self,
        data: pd.DataFrame,
        weights: str | None = None,
        probs: str | Sequence[str] | None = None,
        strata: str | None = None,
        cluster: str | Sequence[str] | None = None,
        fpc: str | Sequence[str] | None = None,
        lonely_psu: str = "fail",
        na_weights: str = "fail",
    ) -> None:
        if not isinstance(data, pd.DataFrame):
            raise ParameterError("data muss ein pandas.DataFrame sein.", hint="pd.DataFrame(...)")
        if weights is not None and probs is not None:
            raise ParameterError(
                "Entweder weights oder probs angeben, nicht beides.",
                hint="Gewichte = 1 / Auswahlwahrscheinlichkeit; eine Angabe genügt.",
            )
        if lonely_psu not in LONELY_PSU:
            raise ParameterError(
                f"lonely_psu muss eines von {LONELY_PSU} sein, nicht {lonely_psu!r}."
            )
        if na_weights not in NA_WEIGHTS:
            raise ParameterError(
                f"na_weights muss eines von {NA_WEIGHTS} sein, nicht {na_weights!r}."
            )
        clusters = as_list(cluster)
        fpcs = as_list(fpc)
        prob_cols = as_list(probs)
        if strata is not None and not isinstance(strata, str):
            raise ParameterError("strata: eine Spalte angeben (Schichten der ersten Stufe).")
        if fpcs and len(fpcs) > max(1, len(clusters)):
            raise ParameterError(
                f"{len(fpcs)} fpc-Spalten, aber nur {max(1, len(clusters))} Auswahlstufe(n).",
                hint="Je Stufe (Cluster-Spalte) höchstens eine fpc-Spalte.",
            )
        for names, role in (
            ([weights] if weights else [], "Gewichte"),
            (prob_cols, "Auswahlwahrscheinlichkeiten"),
            ([strata] if strata else [], "Schichten"),
            (clusters, "Cluster"),
            (fpcs, "fpc"),
        ):
            check_columns(data, names, role)

        raw = raw_weights(data, weights, prob_cols)
        if raw is not None:
            missing = np.isnan(raw)
            if missing.any():
                if na_weights == "fail":
                    col = weights or prob_cols[0]
                    raise DataError(
                        f"{int(missing.sum())} Zeile(n) ohne Gewicht.",
                        column=col,
                        rows=rows(missing),
                        hint="Gewichte ergänzen oder na_weights='drop' (Zeilen entfernen).",
                    )
                data = data.loc[~missing]
                raw = raw[~missing]
        data = data.copy()
        n = len(data)
        if n == 0:
            raise DataError(
                "Die Stichprobe ist leer.", hint="Daten mit mindestens einer Zeile übergeben."
            )
        strata_codes = codes(data, strata, "Schicht") if strata else np.zeros(n, dtype=np.int64)
        cluster_codes = [codes(data, c, "Cluster") for c in clusters]
        fpc_values = []
        for c in fpcs:
            v = numeric(data, c, "fpc")
            bad = ~np.isfinite(v) | (v <= 0)
            if bad.any():
                raise DataError(
                    f"Spalte '{c}' (fpc) hat fehlende oder nicht positive Werte.",
                    column=c,
                    rows=rows(bad),
                    hint="fpc = Anzahl Einheiten in der Grundgesamtheit der Schicht oder Auswahlsatz.",
                )
            fpc_values.append(v)
        stages = build_stages(strata_codes, cluster_codes, fpc_values or None, fpcs or ["fpc"])
        if raw is None:
            raw = weights_from_fpc(stages, fpc_values, n)
        object.__setattr__(self, "_data", data)
        object.__setattr__(self, "_w", self._freeze(raw))
        object.__setattr__(self, "_stages", tuple(stages))
        object.__setattr__(self, "_strata1", strata_codes)
        object.__setattr__(self, "_psu1", stages[0].unit)
        object.__setattr__(self, "_adjustments", ())
        object.__setattr__(self, "_history", ())
        object.__setattr__(self, "_rep", None)
        object.__setattr__(self, "_repw", None)
        object.__setattr__(self, "strata", strata)
        object.__setattr__(self, "cluster", tuple(clusters))
        object.__setattr__(self, "fpc", tuple(fpcs))
        object.__setattr__(self, "lonely_psu", lonely_psu)
        if lonely_psu == "fail":
            check_lonely(self._stages, data, strata, clusters)
        elif lonely_psu == "average":
            check_average(self._stages, strata, clusters)

    # ------------------------------------------------------------------ build
    @staticmethod
    def _freeze(w: np.ndarray) -> np.ndarray:
        w = np.array(w, dtype=float)
        w.setflags(write=False)
        return w

    def _replace(
        self,
        weights: np.ndarray,
        residualizer: Residualizer | None,
        report: AdjustmentReport,
    ) -> SurveyDesign:
        if self._rep is not None:
            raise ParameterError(
                f"Die Anpassung {report.method!r} unterstützt keine Replikationsgewichte.",
                hint="Vor as_replicate() anpassen oder die Funktion mit replicate_aware umhüllen.",
            )
        new = object.__new__(SurveyDesign)
        for name in self.__slots__:
            object.__setattr__(new, name, getattr(self, name))
        object.__setattr__(new, "_w", self._freeze(weights))
        adj = self._adjustments + ((residualizer,) if residualizer is not None else ())
        object.__setattr__(new, "_adjustments", adj)
        object.__setattr__(new, "_history", (*self._history, report))
        return new

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(
            "SurveyDesign ist unveränderlich; Anpassungen liefern ein neues Design."
        )

    def __repr__(self) -> str:
        parts = [f"n={self.n}", f"psu={self.n_psu}", f"strata={self.n_strata}"]
        if self._rep is not None:
            parts.append(f"replicates={self._rep.n_replicates} ({self._rep.type})")
        if self._history:
            parts.append("adjusted=" + "+".join(h.method for h in self._history))
        return f"SurveyDesign({', '.join(parts)})"

    # ------------------------------------------------------------ properties
    @property
    def data(self) -> pd.DataFrame:
        """The sample data (a copy-on-write view; changing it does not change the design).

        Examples
        --------
        >>> SurveyDesign(pd.DataFrame({"y": [1, 2]})).data.shape
        (2, 1)
        """
        return self._data.copy(deep=False)

    @property
    def weights(self) -> pd.Series:
        """Current weights, indexed like :attr:`data`.

        Examples
        --------
        >>> SurveyDesign(pd.DataFrame({"w": [2.0, 3.0]}), weights="w").weights.sum()
        np.float64(5.0)
        """
        return pd.Series(self._w.copy(), index=self._data.index, name="weight")

    @property
    def n(self) -> int:
        """Number of rows with positive weight.

        Examples
        --------
        >>> SurveyDesign(pd.DataFrame({"y": [1, 2, 3]})).n
        3
        """
        return int((self._w > 0).sum())

    @property
    def n_psu(self) -> int:
        """Number of stage-1 sampling units.

        Examples
        --------
        >>> SurveyDesign(pd.DataFrame({"c": [1, 1, 2]}), cluster="c").n_psu
        2
        """
        return self._stages[0].n_units

    @property
    def n_strata(self) -> int:
        """Number of stage-1 strata.

        Examples
        --------
        >>> SurveyDesign(pd.DataFrame({"h": [1, 1, 2, 2]}), strata="h").n_strata
        2
        """
        return len(self._stages[0].n_per_stratum)

    @property
    def df(self) -> int:
        """Design degrees of freedom: stage-1 units minus strata (rows with weight > 0).

        Examples
        --------
        >>> SurveyDesign(pd.DataFrame({"h": [1, 1, 2, 2]}), strata="h").df
        2
        """
        return self.domain_df(self._w > 0)

    @property
    def history(self) -> tuple[AdjustmentReport, ...]:
        """Reports of the weight adjustments applied so far, oldest first.

        Examples
        --------
        >>> SurveyDesign(pd.DataFrame({"y": [1, 2]})).history
        ()
        """
        return self._history

    def domain_df(self, mask: np.ndarray) -> int:
        """Degrees of freedom of a domain: its stage-1 units minus its strata.

        Parameters
        ----------
        mask : numpy.ndarray
            Boolean row mask of the domain.

        Returns
        -------
        int
            As R's ``degf`` of the subset design.

        Examples
        --------
        >>> d = SurveyDesign(pd.DataFrame({"h": [1, 1, 2, 2]}), strata="h")
        >>> d.domain_df(np.array([True, True, False, False]))
        1
        """
        mask = np.asarray(mask, dtype=bool) & (self._w > 0)
        if self._rep is not None:
            if self._rep.df is not None:
                return self._rep.df
            return self._replicate_df(mask)
        psus = np.count_nonzero(np.bincount(self._psu1[mask], minlength=self.n_psu))
        strata = np.count_nonzero(np.bincount(self._strata1[mask], minlength=self.n_strata))
        return int(psus - strata)
