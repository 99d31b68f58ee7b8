"""The protected publication set as reports read it (issue #16).

Every number a report shows comes from the one protected set of the
publication: a batch protects it once and hands it over
(``dataset.shared.publication``); a report made on its own reads the same set,
protected once per input and kept on disk (:func:`report_publication`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.disclosure import protect_publication, publication_rows
from toolkit.disclosure.publication import input_hash
from toolkit.errors import ParameterError

__all__ = ["read_rows", "report_publication", "shared_publication"]

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


def read_rows(
    pub: Any, codes: list[str], periods: list[int], indicators: list[str]
) -> pd.DataFrame:
    """Return rows of the protected set for ``codes``, ``periods`` and ``indicators`` (sorted).

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
    """
    protected = pub.meta.get("periods")
    missing = sorted(set(periods) - set(protected)) if protected is not None else []
    if missing:
        raise ParameterError(
            f"Zeiträume {missing} sind nicht im geschützten Veröffentlichungsdatensatz "
            f"({protected[0]}–{protected[-1]})",
            hint="Den Datensatz für die Zeiträume des Berichts schützen (report_publication)",
        )
    have = sorted(int(y) for y in pd.unique(pub.frame["period"]))
    if have and not any(have[0] <= p <= have[-1] for p in periods):
        span = f"{have[0]}–{have[-1]}" if len(have) > 1 else str(have[0])
        raise ParameterError(
            f"Keine Daten für Jahr {periods[-1]} (außerhalb der Daten); vorhanden: {span}.",
            hint="Ein vorhandenes Jahr wählen (periods=... bzw. -p YEAR).",
        )
    frame = publication_rows(pub, regions=codes, indicators=indicators)
    attrs = dict(frame.attrs)
    frame = frame[frame["period"].isin(periods)]
    frame = frame.sort_values(_SORT, kind="stable").reset_index(drop=True)
    # notes on aggregates left out, only for the regions and years of this report
    aggregate = pub.frame.attrs.get("aggregate_notes", ())
    notes = tuple(text for region, year, text in aggregate if region in codes and year in periods)
    agg = {text for _, _, text in aggregate}
    notes += tuple(n for n in pub.frame.attrs.get("notes", ()) if n not in agg)
    frame.attrs = {**attrs, "notes": tuple(dict.fromkeys(notes))}
    return frame
