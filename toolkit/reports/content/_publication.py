"""The protected publication set as reports read it (issue #16).

Every number a report shows comes from the one protected set of the
publication: a batch protects it once and hands it over
(``dataset.shared.publication``); a report made on its own reads the same set,
protected once per input and kept on disk (:func:`report_publication`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from toolkit.disclosure import protect_publication, publication_rows
from toolkit.disclosure.publication import input_hash
from toolkit.errors import ParameterError
from toolkit.indicators._plausible import without_example

__all__ = ["RegionRows", "read_rows", "region_rows", "report_publication", "shared_publication"]

_SORT = ["indicator", "dimension", "category", "region_code", "period"]


def _cache_dir() -> Path:
    return Path(os.environ.get("DKBM_CACHE_DIR") or Path.home() / ".cache" / "dkbm")


def report_publication(
    dataset: Any,
    *,
    min_count: int = 3,
    out_dir: str | os.PathLike[str] | None = None,
) -> Any:
    """Return the protected publication set every report of ``dataset`` reads from.

    Protects every indicator of ``dataset`` for all regions, levels and
    periods together, once (:func:`toolkit.disclosure.protect_publication`):
    one set for every report period, template, ``dkbm run`` and the
    explorer, so a cell hidden anywhere is hidden everywhere. The set is
    kept in ``out_dir`` (default: a folder per input in ``$DKBM_CACHE_DIR``
    or ``~/.cache/dkbm``) and read back while the inputs are the same (cache by input hash).
    ``dkbm batch`` and ``dkbm run`` keep it in ``<out>/publication``.

    Parameters
    ----------
    dataset : toolkit.io.Dataset
        The loaded dataset.
    min_count : int, default 3
        Smallest publishable count.
    out_dir : str or path-like, optional
        Folder of the protected set.

    Returns
    -------
    toolkit.disclosure.ProtectedPublication

    Examples
    --------
    >>> from toolkit.reports.runtime import load_dataset
    >>> pub = report_publication(load_dataset())
    >>> pub.meta["periods"], pub.meta["min_count"]
    (None, 3)
    """
    if out_dir is None:  # one folder per input, so other data do not replace the set
        key = input_hash(dataset, min_count=int(min_count))[:16]
        out_dir = _cache_dir() / f"publication-{key}"
    return protect_publication(dataset, min_count=int(min_count), out_dir=out_dir)


def shared_publication(dataset: Any, min_count: int) -> Any:
    """Return the protected set of ``dataset.shared`` (a batch), else the one on disk.

    Raises
    ------
    ParameterError
        When ``min_count`` differs from the batch's protected set.

    Examples
    --------
    >>> from toolkit.reports.runtime import load_dataset
    >>> shared_publication(load_dataset(), 3).meta["min_count"]
    3
    """
    shared = getattr(dataset, "shared", None)
    pub = getattr(shared, "publication", None)
    if pub is None:
        return report_publication(dataset, min_count=min_count)
    if int(pub.meta.get("min_count", min_count)) != int(min_count):
        raise ParameterError(
            f"min_count={min_count} weicht vom geschützten Datensatz ab "
            f"(min_count={pub.meta.get('min_count')})",
            hint="Alle Berichte einer Veröffentlichung mit derselben Mindestfallzahl erstellen",
        )
    return pub


@dataclass(frozen=True)
class RegionRows:
    """Row positions of a protected set grouped by region (made once per batch).

    A report reads the rows of a few regions; finding them by comparing the
    region code of every row of a large set (12.5 million rows for 400 Kreise)
    costs a quarter second per report. :func:`region_rows` sorts the row
    positions by region once (in the batch's parent, :func:`warm`); a report
    then takes its regions' positions directly.

    Attributes
    ----------
    slots : dict of str to int
        Region code -> its slot in ``bounds``.
    order : numpy.ndarray
        Row positions, grouped by region, ascending within a region.
    bounds : numpy.ndarray
        ``order[bounds[i]:bounds[i + 1]]`` are the rows of slot ``i``.
    periods : tuple of int
        Periods present in the set, ascending.
    rows : int
        Number of rows of the set (to check the index belongs to it).
    """

    slots: dict[str, int]
    order: np.ndarray
    bounds: np.ndarray
    periods: tuple[int, ...]
    rows: int

    def positions(self, codes: list[str]) -> np.ndarray:
        """Return the ascending row positions of the regions ``codes`` (unknown codes: none).

        Examples
        --------
        >>> f = pd.DataFrame({"region_code": ["17", "DG", "17", "17001"], "period": 2024})
        >>> region_rows(f).positions(["17", "17999"]).tolist()
        [0, 2]
        """
        parts = [
            self.order[self.bounds[i] : self.bounds[i + 1]]
            for i in (self.slots.get(c) for c in dict.fromkeys(codes))
            if i is not None
        ]
        return np.sort(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64)


def region_rows(frame: pd.DataFrame) -> RegionRows:
    """Index the rows of a protected set by region (see :class:`RegionRows`).

    Examples
    --------
    >>> f = pd.DataFrame({"region_code": ["17", "DG", "17"], "period": [2024, 2024, 2023]})
    >>> rr = region_rows(f)
    >>> rr.positions(["DG"]).tolist(), rr.periods
    ([1], (2023, 2024))
    """
    codes, uniques = pd.factorize(frame["region_code"], sort=False)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1), side="left")
    periods = tuple(sorted(int(y) for y in pd.unique(frame["period"])))
    slots = {str(code): i for i, code in enumerate(uniques)}
    return RegionRows(slots, order, bounds, periods, len(frame))


def read_rows(
    pub: Any,
    codes: list[str],
    periods: list[int],
    indicators: list[str],
    rows: RegionRows | None = None,
) -> pd.DataFrame:
    """Return rows of the protected set for ``codes``, ``periods`` and ``indicators`` (sorted).

    ``rows`` (:func:`region_rows` of ``pub.frame``, made once for a batch)
    finds the regions' rows without scanning the whole set; the result is
    the same.

    Raises
    ------
    ParameterError
        For periods outside the data or not in the protected set.

    Examples
    --------
    >>> from toolkit.reports.runtime import load_dataset
    >>> pub = report_publication(load_dataset())
    >>> rows = read_rows(pub, ["17"], [2024], ["altenquotient"])
    >>> rows[["dimension", "category"]].values.tolist()[0], len(rows)
    (['', ''], 3)
    >>> indexed = read_rows(pub, ["17"], [2024], ["altenquotient"], region_rows(pub.frame))
    >>> indexed.equals(rows)
    True
    """
    protected = pub.meta.get("periods")
    missing = sorted(set(periods) - set(protected)) if protected is not None else []
    if missing:
        raise ParameterError(
            f"Zeiträume {missing} sind nicht im geschützten Veröffentlichungsdatensatz "
            f"({protected[0]}–{protected[-1]})",
            hint="Den Datensatz für die Zeiträume des Berichts schützen (report_publication)",
        )
    if rows is not None and rows.rows != len(pub.frame):
        rows = None  # an index of another set: read the set itself
    have = (
        list(rows.periods)
        if rows is not None
        else sorted(int(y) for y in pd.unique(pub.frame["period"]))
    )
    if have and not any(have[0] <= p <= have[-1] for p in periods):
        span = f"{have[0]}–{have[-1]}" if len(have) > 1 else str(have[0])
        raise ParameterError(
            f"Keine Daten für Jahr {periods[-1]} (außerhalb der Daten); vorhanden: {span}.",
            hint="Ein vorhandenes Jahr wählen (periods=... bzw. -p YEAR).",
        )
    source = pub.frame if rows is None else pub.frame.iloc[rows.positions(codes)]
    frame = publication_rows(source, regions=codes, indicators=indicators)
    attrs = dict(frame.attrs)
    frame = frame[frame["period"].isin(periods)]
    frame = frame.sort_values(_SORT, kind="stable").reset_index(drop=True)
    # notes on aggregates left out, only for the regions and years of this report
    aggregate = pub.frame.attrs.get("aggregate_notes", ())
    notes = tuple(text for region, year, text in aggregate if region in codes and year in periods)
    agg = {text for _, _, text in aggregate}
    # a plausibility note's example is a raw value of any region: published without it
    notes += tuple(without_example(n) for n in pub.frame.attrs.get("notes", ()) if n not in agg)
    frame.attrs = {**attrs, "notes": tuple(dict.fromkeys(notes))}
    return frame
