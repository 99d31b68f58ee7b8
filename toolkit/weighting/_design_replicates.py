"""Replicate-weight part of :class:`~toolkit.weighting.design.SurveyDesign` (a mixin).

The design stores the replicate analysis weights (``_repw``, rows x
replicates) and a :class:`~toolkit.weighting._repvar.ReplicateInfo`
(``_rep``); both are None for a linearisation design.

Examples
--------
>>> import pandas as pd
>>> from toolkit.weighting import SurveyDesign, as_replicate
>>> as_replicate(SurveyDesign(pd.DataFrame({"c": [1, 2, 3]}), cluster="c")).is_replicate
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from toolkit.errors import ParameterError
from toolkit.weighting._repvar import ReplicateInfo, replicate_df, replicate_variance

if TYPE_CHECKING:
    from toolkit.weighting.design import SurveyDesign

__all__ = ["ReplicateMixin"]


class ReplicateMixin:
    """Replicate-weight properties and copies shared by every :class:`SurveyDesign`.

    Examples
    --------
    >>> from toolkit.weighting import SurveyDesign
    >>> issubclass(SurveyDesign, ReplicateMixin)
    True
    """

    __slots__ = ()
    _rep: ReplicateInfo | None
    _repw: np.ndarray | None
    _w: np.ndarray

    def _with_replicates(self, repweights: np.ndarray, info: ReplicateInfo | None) -> SurveyDesign:
        """Return a copy that estimates variances from ``repweights`` (analysis weights, n x R)."""
        new: SurveyDesign = object.__new__(type(self))  # type: ignore[assignment]
        slots: tuple[str, ...] = type(self).__slots__
        for name in slots:
            object.__setattr__(new, name, getattr(self, name))
        frozen = np.asarray(repweights, dtype=float)  # callers hand over a new array: no copy
        frozen.setflags(write=False)
        object.__setattr__(new, "_repw", frozen)
        object.__setattr__(new, "_rep", info)
        return new

    def _plain(self, weights: np.ndarray | None = None) -> SurveyDesign:
        """Return a linearisation copy (no replicates), optionally with other weights."""
        new = self._with_replicates(np.empty((0, 0)), None)  # type: ignore[arg-type]
        object.__setattr__(new, "_repw", None)
        if weights is not None:
            frozen = np.array(weights, dtype=float)
            frozen.setflags(write=False)
            object.__setattr__(new, "_w", frozen)
        return new

    @property
    def is_replicate(self) -> bool:
        """Whether variances come from replicate weights (R ``svrepdesign``) instead of linearisation.

        Examples
        --------
        >>> import pandas as pd
        >>> from toolkit.weighting import SurveyDesign
        >>> SurveyDesign(pd.DataFrame({"y": [1, 2]})).is_replicate
        False
        """
        return self._rep is not None

    @property
    def replicate_info(self) -> ReplicateInfo:
        """Type, scale, rscales and mse of a replicate design.

        Raises
        ------
        ParameterError
            For a linearisation design.

        Examples
        --------
        >>> import pandas as pd
        >>> from toolkit.weighting import SurveyDesign, as_replicate
        >>> d = SurveyDesign(pd.DataFrame({"c": [1, 1, 2, 3]}), cluster="c")
        >>> as_replicate(d).replicate_info.type
        'JK1'
        """
        if self._rep is None:
            raise ParameterError(
                "Das Design hat keine Replikationsgewichte.",
                hint="as_replicate(design) oder replicate_design(...) verwenden.",
            )
        return self._rep

    @property
    def replicate_weights(self) -> np.ndarray:
        """Replicate analysis weights ``(n, R)`` in the row order of :attr:`data` (read-only).

        Like :attr:`replicate_info`, this raises :class:`ParameterError` on a
        design without replicates.

        Examples
        --------
        >>> import pandas as pd
        >>> from toolkit.weighting import SurveyDesign, as_replicate
        >>> d = SurveyDesign(pd.DataFrame({"c": [1, 2, 3]}), cluster="c")
        >>> as_replicate(d).replicate_weights[:, 0].tolist()
        [0.0, 1.5, 1.5]
        """
        self.replicate_info  # noqa: B018 - raises for linearisation designs
        assert self._repw is not None
        return self._repw

    def replicate_variance(self, theta_reps: np.ndarray, theta_full: np.ndarray) -> np.ndarray:
        """Covariance of estimates from their replicate values (R ``svrVar``).

        Parameters
        ----------
        theta_reps : numpy.ndarray
            ``(R, k)``: the estimates computed with each column of
            :attr:`replicate_weights`.
        theta_full : numpy.ndarray
            ``(k,)``: the estimates with the full-sample weights.

        Returns
        -------
        numpy.ndarray
            ``(k, k)`` covariance applying ``scale``, ``rscales`` and ``mse``.

        Examples
        --------
        >>> import pandas as pd
        >>> from toolkit.weighting import SurveyDesign, as_replicate
        >>> d = as_replicate(SurveyDesign(pd.DataFrame({"c": [1, 2, 3]}), cluster="c"))
        >>> import numpy as np
        >>> d.replicate_variance(np.array([[1.0], [2.0], [3.0]]), np.array([2.0])).round(4).tolist()
        [[1.3333]]
        """
        return replicate_variance(self.replicate_info, theta_reps, theta_full)

    def _replicate_df(self, mask: np.ndarray) -> int:
        """Rank-based df of the domain ``mask`` (R's degf of the subset design)."""
        assert self._rep is not None and self._repw is not None
        if mask.all() and self._rep.full_df is not None:
            return self._rep.full_df
        patterns = self._rep.patterns
        if patterns is not None and self._rep.full_df is not None:
            if np.unique(patterns[0][mask]).size == len(patterns[1]):
                return self._rep.full_df  # the domain has every row pattern: same rank
        return replicate_df(self._repw, None if mask.all() else mask, patterns)
