"""Disclosure control once per publication: one protected data set for every output.

A publication is everything released from one data set for some periods:
every report of a batch, ``dkbm run``, the explorer and the templates'
building blocks. :func:`protect_publication` computes all indicators for all
regions and levels once, protects all their counts together and writes the
protected IndicatorFrame with a JSON description. Every output reads only
from it (:func:`load_publication`, :func:`publication_rows`), so a cell
suppressed anywhere is suppressed everywhere.

Notes
-----
Every numerator and denominator is mapped to a *count family*
(:mod:`toolkit.disclosure._families`): the same count printed by several
indicators is one cell, and the declared sums of the catalogue (school
types to the entrants into Jahrgangsstufe 5, Abschlüsse to the leavers,
sectors to the iABE entrants, care types to the children in care) are
breakdowns of one table. Each family, period and set of axes shown together
becomes one table region × axes, the regions nested by the AGS (Land >
Kreis > Gemeinde > Sozialraum, unlisted remainders as unpublished "rest"
cells). These linked tables are protected with tau-Argus (``OPT``,
``MOD`` as fallback) in turn until no table adds a suppression, the
iteration of linked-table protection (de Wolf and Giessing 2009; rtauargus'
``tab_multi_manager``). Cells that are suppressed in one table are
protected like primary cells in every other table they occur in.

Besides the frequency rule (1 to ``min_count - 1``), the numerator of a
rate of 0 % or 100 % of a group smaller than ``group_min`` is sensitive: it
states something about every member of the group (group disclosure).

A rate, share or change is published only when every count it is made of
is published; the change of a count between two periods only when both
periods are published. No other relation crosses periods, so the attacker's
system falls apart into one system per period (of the count cells: the
population change of year t belongs to year t - 1, whose population it
divides by); each period is built and solved on its own
(:mod:`toolkit.disclosure._parts`), large publications in two worker
processes.

The linked-table iteration protects each table against an attacker who uses
that table. Relations across tables are checked by
:func:`toolkit.disclosure.audit_publication`, which solves the attacker's
linear programmes over all published relations together.

References
----------
de Wolf, P.-P. and Giessing, S. (2009). Adjusting the τ-ARGUS modular
approach to deal with linked tables. *Data & Knowledge Engineering* 68(11),
1160–1174.

Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4 and
5.6 (linked tables). Wiley.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from toolkit.disclosure._parts import PartResult, difference_hidden, protect_parts
from toolkit.disclosure._store import (
    _META,
    FORMAT_VERSION,
    ProtectedPublication,
    input_hash,
    load_publication,
    mark,
)
from toolkit.disclosure.indicators import INDICATOR_COLUMNS
from toolkit.errors import DataError, ParameterError

__all__ = ["protect_publication", "publication_rows"]


def _engine_info(engine: str, parts: list[PartResult]) -> dict[str, Any]:
    """How the periods were protected, summed over the periods (trace per period)."""
    if engine == "tau-argus":
        methods = sorted({m for p in parts for m in p.info.get("engine", [])})
        seconds = sum(p.info.get("engine_seconds", 0.0) for p in parts)
        return {"engine": methods, "engine_seconds": round(float(seconds), 2)}
    return {
        "engine": ["fixpoint"],
        "rounds": max((p.info["rounds"] for p in parts), default=0),
        "attacks": sum(p.info["attacks"] for p in parts),
        "weak_cells": sum(p.info["weak_cells"] for p in parts),
        "trace": {str(p.period): p.info["trace"] for p in sorted(parts, key=lambda p: p.period)},
    }


def _frame_of(
    data: Any, periods: Sequence[int] | None, levels: Iterable[str] | None
) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        frame = data
    elif isinstance(data, (list, tuple)):
        frame = pd.concat(list(data), ignore_index=True)
    else:
        from toolkit.indicators import compute_all

        frame = compute_all(data, periods=periods, levels=levels)
        return frame.reset_index(drop=True)
    missing = [c for c in INDICATOR_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"Keine IndicatorFrame: Spalten fehlen: {missing}", column=missing[0])
    if periods is not None:
        frame = frame[frame["period"].isin(list(periods))]
    if levels is not None:
        frame = frame[frame["level"].isin(list(levels))]
    return frame.reset_index(drop=True)


def protect_publication(
    data: Any,
    *,
    periods: Sequence[int] | None = None,
    levels: Iterable[str] | None = None,
    min_count: int = 3,
    group_min: int = 10,
    out_dir: str | Path | None = None,
    engine: str = "fixpoint",
    solver: str = "OPT",
    max_time: int = 60,
    jobs: int | None = None,
) -> ProtectedPublication:
    """Protect every count of a publication together, once.

    Parameters
    ----------
    data : Dataset, IndicatorFrame or sequence of IndicatorFrames
        A dataset (all indicators are computed for ``periods`` and
        ``levels``) or already computed frames.
    periods : sequence of int, optional
        Periods published (all of the data when omitted). Time series shown
        in reports must be inside them.
    levels : iterable of str, optional
        Levels published (``land``, ``kreis``, ``gemeinde``, ``sozialraum``,
        ``bund``); all by default.
    min_count : int, default 3
        Smallest publishable count (frequency rule).
    group_min : int, default 10
        Rates of 0 % or 100 % of groups smaller than this are sensitive.
    out_dir : str or Path, optional
        Directory of the protected set. When it holds a set with the same
        input hash, that set is returned without protecting again.
    engine : {"fixpoint", "tau-argus"}
        ``fixpoint`` (default): all tables at once, singleton rule and the
        attacker's linear programmes iterated until every sensitive cell
        holds its protection (seconds). ``tau-argus``: each linked table
        with the tau-Argus engine in turn until no table adds a
        suppression (minutes for three-dimensional tables); the pattern is
        then checked with the attacker's LP over all sums of the true counts
        and refused (``DisclosureError``) where a sensitive cell can be
        narrowed: only ``fixpoint`` guarantees the publication-wide result.
    solver : {"OPT", "MOD"}
        tau-Argus method for ``engine="tau-argus"``.
    max_time : int, default 60
        Time limit per table for the engine, in minutes.
    jobs : int, optional
        Worker processes for the periods (independent problems, see Notes);
        default two for frames from 300,000 rows on, else none. The result
        does not depend on it.

    Returns
    -------
    ProtectedPublication

    Raises
    ------
    ParameterError
        For invalid rules or an unknown engine.
    DisclosureError
        When ``engine="tau-argus"`` leaves a sensitive cell that the sums of
        the publication narrow below ±1.

    Notes
    -----
    See the module notes: count families, linked tables iterated to a fixed
    point, group disclosure, and rates published only with all their
    counts. Every relation lies inside one period, so each period is
    protected on its own (in ``jobs`` worker processes for large frames),
    with the memory of one period; the result does not depend on ``jobs``.

    References
    ----------
    de Wolf, P.-P. and Giessing, S. (2009). Adjusting the τ-ARGUS modular
    approach to deal with linked tables. *Data & Knowledge Engineering*
    68(11), 1160–1174.

    Examples
    --------
    >>> f = pd.DataFrame({
    ...     "region_code": ["17", "17001", "17002", "17003"], "region_name": "x",
    ...     "level": ["land", "kreis", "kreis", "kreis"], "period": 2024,
    ...     "indicator": "schulabgaenge", "dimension": "", "category": "",
    ...     "value": [30.0, 2.0, 12.0, 16.0], "numerator": [30.0, 2.0, 12.0, 16.0],
    ...     "denominator": np.nan, "unit": "Anzahl", "flag": ""})
    >>> pub = protect_publication(f)
    >>> pub.frame[["region_code", "value", "flag"]].values.tolist()
    [['17', 30.0, ''], ['17001', nan, '.'], ['17002', nan, '.'], ['17003', 16.0, '']]
    """
    if min_count < 1 or group_min < 0:
        raise ParameterError(
            f"min_count={min_count}, group_min={group_min} sind ungültig",
            hint="min_count mindestens 1, group_min nicht negativ",
        )
    params = {
        "periods": sorted(int(p) for p in periods) if periods is not None else None,
        "levels": sorted(levels) if levels is not None else None,
        "min_count": int(min_count),
        "group_min": int(group_min),
        "engine": engine,
        "solver": solver if engine == "tau-argus" else None,
    }
    digest = input_hash(data, **params)
    if out_dir is not None and (Path(out_dir) / _META).is_file():
        old = load_publication(out_dir)
        if old.meta.get("input_hash") == digest:
            return old
    start = time.perf_counter()
    frame = _frame_of(data, periods, levels)
    if engine not in ("fixpoint", "tau-argus"):
        raise ParameterError(f"engine={engine!r} ist unbekannt", hint="'fixpoint' oder 'tau-argus'")
    parts = protect_parts(
        frame,
        jobs=jobs,
        min_count=min_count,
        group_min=group_min,
        engine=engine,
        solver=solver,
        max_time=max_time,
    )
    out = frame.copy()
    row_hidden = np.zeros(len(out), dtype=bool)
    row_sensitive = np.zeros(len(out), dtype=bool)
    for part in parts:
        row_hidden[part.rows[part.row_hidden]] = True
        row_sensitive[part.rows[part.row_sensitive]] = True
    # a change between periods is shown only when both of its counts are
    row_hidden |= difference_hidden(frame, parts)
    out.loc[row_hidden, ["value", "numerator", "denominator"]] = np.nan
    out.loc[row_hidden, "flag"] = "."
    out["sensitive"] = row_sensitive
    meta = {
        "input_hash": digest,
        "format": FORMAT_VERSION,
        **params,
        "rows": len(out),
        "rows_suppressed": int(row_hidden.sum()),
        "cells": sum(p.cells for p in parts),
        "cells_sensitive": sum(p.cells_sensitive for p in parts),
        "cells_suppressed": sum(p.cells_suppressed for p in parts),
        "tables": sum(p.tables for p in parts),
        **_engine_info(engine, parts),
        "notes": [n for p in sorted(parts, key=lambda p: p.period) for n in p.notes],
        "seconds": round(time.perf_counter() - start, 2),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    linked = parts[0].linked if len(parts) == 1 else [p.linked for p in parts]
    pub = ProtectedPublication(mark(out, meta), meta, linked)
    if out_dir is not None:
        pub.save(out_dir)
    return pub


def publication_rows(
    publication: ProtectedPublication | pd.DataFrame,
    *,
    regions: Iterable[str] | None = None,
    periods: Iterable[int] | None = None,
    indicators: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Select rows of the protected set for one report or view (an IndicatorFrame).

    Raises
    ------
    ParameterError
        When a requested period is not in the protected set: it was not
        protected, so it must not be shown.

    Examples
    --------
    >>> f = pd.DataFrame({c: ["x"] for c in INDICATOR_COLUMNS}).assign(period=2024)
    >>> len(publication_rows(f, periods=[2024])), list(publication_rows(f).columns) == list(INDICATOR_COLUMNS)
    (1, True)
    """
    frame = publication.frame if isinstance(publication, ProtectedPublication) else publication
    keep = np.ones(len(frame), dtype=bool)
    if periods is not None:
        want = [int(p) for p in periods]
        missing = sorted(set(want) - set(frame["period"].astype(int)))
        if missing:
            raise ParameterError(
                f"Zeiträume {missing} sind nicht im geschützten Datensatz",
                hint="Den Veröffentlichungsdatensatz für diese Zeiträume neu schützen.",
            )
        keep &= frame["period"].isin(want).to_numpy()
    if regions is not None:
        keep &= frame["region_code"].isin(list(regions)).to_numpy()
    if indicators is not None:
        keep &= frame["indicator"].isin(list(indicators)).to_numpy()
    out = frame.loc[keep, list(INDICATOR_COLUMNS)].reset_index(drop=True)
    out.attrs = dict(frame.attrs)
    return out
