"""The estimators as methods of :class:`~toolkit.weighting.SurveyDesign` (private).

``design.mean("y")`` is :func:`toolkit.weighting.estimate.mean` applied to the
design, and so on for ``total``, ``ratio``, ``quantile`` and ``proportion``.

Examples
--------
>>> from toolkit.weighting import SurveyDesign
>>> issubclass(SurveyDesign, EstimatorMixin)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from toolkit.weighting._machinery import Estimate

__all__ = ["EstimatorMixin"]


class EstimatorMixin:
    """Estimator methods shared by every :class:`~toolkit.weighting.SurveyDesign`."""

    __slots__ = ()

    def mean(
        self,
        var: str,
        *,
        by: str | Sequence[str] | None = None,
        na_rm: bool = False,
        level: float = 0.95,
        df: str | int = "domain",
    ) -> Estimate | pd.DataFrame:
        """Weighted mean with design-based SE; see :func:`toolkit.weighting.estimate.mean`.

        Examples
        --------
        >>> from toolkit.weighting import SurveyDesign
        >>> SurveyDesign(pd.DataFrame({"y": [1.0, 3.0]})).mean("y").value
        2.0
        """
        from toolkit.weighting.estimate import mean

        return mean(self, var, by=by, na_rm=na_rm, level=level, df=df)

    def total(
        self,
        var: str,
        *,
        by: str | Sequence[str] | None = None,
        na_rm: bool = False,
        level: float = 0.95,
        df: str | int = "domain",
    ) -> Estimate | pd.DataFrame:
        """Weighted total with design-based SE; see :func:`toolkit.weighting.estimate.total`.

        Examples
        --------
        >>> from toolkit.weighting import SurveyDesign
        >>> SurveyDesign(pd.DataFrame({"y": [1.0, 3.0], "w": [2.0, 2.0]}), weights="w").total("y").value
        8.0
        """
        from toolkit.weighting.estimate import total

        return total(self, var, by=by, na_rm=na_rm, level=level, df=df)

    def ratio(
        self,
        numerator: str,
        denominator: str,
        *,
        by: str | Sequence[str] | None = None,
        na_rm: bool = False,
        level: float = 0.95,
        df: str | int = "domain",
    ) -> Estimate | pd.DataFrame:
        """Ratio of two weighted totals; see :func:`toolkit.weighting.estimate.ratio`.

        Examples
        --------
        >>> from toolkit.weighting import SurveyDesign
        >>> SurveyDesign(pd.DataFrame({"y": [1.0, 3.0], "x": [2.0, 2.0]})).ratio("y", "x").value
        1.0
        """
        from toolkit.weighting.estimate import ratio

        return ratio(self, numerator, denominator, by=by, na_rm=na_rm, level=level, df=df)

    def quantile(
        self,
        var: str,
        q: float,
        *,
        by: str | Sequence[str] | None = None,
        na_rm: bool = False,
        level: float = 0.95,
        df: str | int = "domain",
        interval: str = "woodruff",
    ) -> Estimate | pd.DataFrame:
        """Weighted quantile with a Woodruff interval; see :func:`toolkit.weighting.quantile.quantile`.

        Examples
        --------
        >>> from toolkit.weighting import SurveyDesign
        >>> SurveyDesign(pd.DataFrame({"y": [1.0, 2.0, 3.0]})).quantile("y", 0.5).value
        2.0
        """
        from toolkit.weighting.quantile import quantile

        return quantile(self, var, q, by=by, na_rm=na_rm, level=level, df=df, interval=interval)

    def proportion(
        self,
        var: str,
        level: Any = None,
        *,
        ci: str = "logit",
        by: str | Sequence[str] | None = None,
        na_rm: bool = False,
        conf_level: float = 0.95,
        degenerate: str = "fail",
        df: str | int = "domain",
    ) -> Estimate | pd.DataFrame:
        """Weighted proportion with a CI as R's ``svyciprop``; see :func:`toolkit.weighting.estimate.proportion`.

        Examples
        --------
        >>> from toolkit.weighting import SurveyDesign
        >>> d = SurveyDesign(pd.DataFrame({"a": ["x", "y", "x", "x"]}))
        >>> d.proportion("a", "x").value
        0.75
        """
        from toolkit.weighting.proportion import proportion

        return proportion(
            self,
            var,
            level,
            ci=ci,
            by=by,
            na_rm=na_rm,
            conf_level=conf_level,
            degenerate=degenerate,
            df=df,
        )
