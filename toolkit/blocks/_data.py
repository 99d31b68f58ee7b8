"""Loaded data of the building blocks: tables and protected set, held privately (private)."""

from __future__ import annotations

import os
from typing import Any

import pandas as pd

from toolkit.errors import ParameterError
from toolkit.reports.content import report_publication, warm

__all__ = ["ReportData", "load_data"]


class _WithShared:
    """A dataset seen together with the state every report of it shares (hierarchy, protected set)."""

    def __init__(self, dataset: Any, shared: Any) -> None:
        self._base = dataset
        self.shared = shared

    def __getattr__(self, name: str) -> Any:
        return getattr(self._base, name)


class ReportData:
    """Data of a data directory, readable only through report contexts.

    Made by :func:`load_data`. Holds the validated tables and the protected
    publication set privately; a template passes it to
    :func:`report_context` and never reads tables itself.

    Examples
    --------
    >>> data = load_data()
    >>> data.synthetic, data.min_count
    (True, 3)
    >>> data.regions("kreis")["code"].tolist()[:2]
    ['17001', '17002']
    """

    __slots__ = ("_dataset", "min_count")

    def __init__(self, dataset: Any, min_count: int) -> None:
        self._dataset = dataset
        self.min_count = int(min_count)

    @property
    def synthetic(self) -> bool:
        """True for the invented sample data (reports say so)."""
        return bool(getattr(self._dataset, "synthetic", False))

    def regions(self, level: str | None = None) -> pd.DataFrame:
        """Return region codes, names and levels (all, or of one ``level`` such as ``kreis``).

        Examples
        --------
        >>> load_data().regions("land").values.tolist()
        [['17', 'Musterland (fiktiv)', 'land']]
        """
        h = self._dataset.shared.hierarchy
        codes = h.codes(level)
        return pd.DataFrame(
            {
                "code": codes,
                "name": [h.name(c) for c in codes],
                "level": [h.level(c) for c in codes],
            }
        )

    def __repr__(self) -> str:
        return f"ReportData(min_count={self.min_count}, synthetic={self.synthetic})"


def load_data(data_dir: str | os.PathLike[str] | None = None, *, min_count: int = 3) -> ReportData:
    """Read a data directory once, with its protected publication set.

    In a batch the runner has read the data already and this returns at
    once; in JupyterLab run it once and make contexts for many regions.

    Parameters
    ----------
    data_dir : str or path-like, optional
        Directory of canonical tables; ``None`` means the batch's data or
        the sample data Musterland.
    min_count : int, default 3
        Smallest publishable count of the protected set.

    Returns
    -------
    ReportData
        Data for :func:`report_context`.

    Raises
    ------
    toolkit.errors.DataError
        When the directory is missing or a table is invalid.

    Examples
    --------
    >>> load_data(min_count=3).min_count
    3
    """
    from toolkit.reports.runtime import load_dataset

    if not isinstance(min_count, int) or isinstance(min_count, bool) or min_count < 1:
        raise ParameterError(
            f"min_count muss eine ganze Zahl ab 1 sein, nicht {min_count!r}",
            hint="Kleinste veröffentlichte Fallzahl angeben, z. B. 3",
        )
    dataset = load_dataset(data_dir)
    shared = getattr(dataset, "shared", None)
    if shared is None or shared.publication is None:
        pub = report_publication(dataset, min_count=min_count)
        dataset = _WithShared(dataset, warm(dataset, publication=pub))
    return ReportData(dataset, min_count)
