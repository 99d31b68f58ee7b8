"""``protect``: disclosure control of count tables and IndicatorFrames.

Notes
-----
Procedure for ``method="suppress"``:

1. The table is completed to its full grid (every combination of codes of
   all dimensions, totals included) and checked for additivity.
2. Primary suppression: the frequency rule (counts below ``min_count``;
   zeros only with ``zeros=True``) and, for magnitude tables, the optional
   dominance rule ``(n, k)``.
3. Secondary suppression with tau-Argus (``OPT``, fallback ``MOD``) over the
   real structure, including the region hierarchy, so that no sensitive cell
   can be recomputed from totals; each sensitive cell keeps an interval of
   at least ``protection`` on both sides.
4. Suppressed values become NaN with flag ``.``.

``method="round"`` rounds every count independently (see
:mod:`toolkit.disclosure.rounding`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from toolkit.disclosure._hierarchy import (
    Dimension,
    flat_dimension,
    mapping_dimension,
    region_dimension,
)
from toolkit.disclosure._tables import CellTable, build_table
from toolkit.disclosure.primary import dominance_rule, frequency_rule, protection_levels
from toolkit.disclosure.result import DisclosureReport, Protected
from toolkit.disclosure.rounding import round_counts
from toolkit.disclosure.secondary import EngineRun, suppress_secondary
from toolkit.errors import DataError, ParameterError

__all__ = ["ROUNDING_NOTE", "make_dimension", "protect"]

#: Note added to every rounded result.
ROUNDING_NOTE = (
    "Alle Fallzahlen einschließlich der Summen sind unabhängig voneinander auf ein "
    "Vielfaches von {base} gerundet; Summen können daher von der Summe der gerundeten "
    "Einzelwerte abweichen."
)

HierarchySpec = str | Mapping[str, str | None] | Callable[[str], str | None] | Any


def make_dimension(column: str, codes: Sequence[str], spec: HierarchySpec, total: str) -> Dimension:
    """Build the hierarchy of one key column.

    Parameters
    ----------
    column : str
        Column name.
    codes : sequence of str
        Codes present in the table.
    spec : str, mapping, callable or object with ``parent``
        ``"flat"`` (categories below ``total``), ``"ags"`` (region codes
        nested by their structure), a child-to-parent mapping, a function, or
        e.g. a :class:`toolkit.regions.RegionHierarchy`.
    total : str
        Code of the total of a flat dimension.

    Returns
    -------
    Dimension

    Examples
    --------
    >>> make_dimension("sex", ["m", "w", ""], "flat", "").children()
    {'': ['m', 'w']}
    """
    if isinstance(spec, str):
        if spec == "flat":
            return flat_dimension(column, codes, total=total)
        if spec == "ags":
            return region_dimension(column, codes)
        raise ParameterError(
            f"hierarchy[{column!r}]={spec!r} ist unbekannt",
            hint="'flat', 'ags', eine Zuordnung Kind -> Eltern oder eine RegionHierarchy",
        )
    parent = getattr(spec, "parent", spec)
    if not (callable(parent) or isinstance(parent, Mapping)):
        raise ParameterError(f"hierarchy[{column!r}] ist weder Zuordnung noch Funktion")
    return mapping_dimension(column, codes, parent)


def apply_primary(
    table: CellTable,
    *,
    min_count: int,
    zeros: bool,
    protection: float,
    forced: np.ndarray | None = None,
    magnitude: Mapping[str, np.ndarray] | None = None,
    dominance: tuple[int, float] | None = None,
) -> np.ndarray:
    """Set primary cells and their protection; return the rule-based mask.

    ``forced`` cells (suppressed in a linked table) are protected like
    primary cells but not counted as such. ``magnitude`` holds grid arrays
    ``freq`` and ``top`` for magnitude tables.

    Examples
    --------
    >>> from toolkit.disclosure._hierarchy import flat_dimension
    >>> df = pd.DataFrame({"c": ["a", "b"], "n": [2, 3]})
    >>> t = build_table(df, ["c"], "n", [flat_dimension("c", df["c"], total="T")])
    >>> apply_primary(t, min_count=3, zeros=False, protection=1).tolist()
    [False, True, False]
    """
    counts = table.values if magnitude is None else magnitude["freq"]
    rule = frequency_rule(counts, min_count=min_count, zeros=zeros)
    top = None
    if magnitude is not None:
        rule &= table.published
        if dominance is not None:
            top = magnitude["top"].reshape(table.values.size, -1)
            dom = dominance_rule(table.values.ravel(), top, n=dominance[0], k=dominance[1])
            rule |= dom.reshape(table.shape) & table.published
    rule &= table.real
    prim = rule | (forced if forced is not None else False)
    lo, up = protection_levels(
        table.values.ravel(), prim.ravel(), protection=protection, top=top, dominance=dominance
    )
    table.primary[...] = prim
    table.lower[...] = lo.reshape(table.shape)
    table.upper[...] = up.reshape(table.shape)
    return rule


def _grid_columns(df: pd.DataFrame, table: CellTable, cols: Sequence[str]) -> np.ndarray:
    out = np.zeros((table.values.size, len(cols)))
    out[table.rows] = df[list(cols)].apply(pd.to_numeric, errors="coerce").fillna(0).to_numpy()
    return out.reshape((*table.shape, len(cols)))


def protect(
    data: pd.DataFrame,
    *,
    keys: Sequence[str] | None = None,
    count: str | None = None,
    min_count: int = 3,
    method: str = "suppress",
    rounding_base: int = 5,
    dominance: tuple[int, float] | None = None,
    top: Sequence[str] | None = None,
    freq: str | None = None,
    hierarchy: Mapping[str, HierarchySpec] | None = None,
    total: str = "",
    zeros: bool = False,
    protection: float = 1.0,
    missing: str = "fail",
    incomplete: str | None = None,
    solver: str = "OPT",
    cost: str = "cells",
    max_time: int = 60,
) -> Protected:
    """Protect a count table or an IndicatorFrame against disclosure.

    Parameters
    ----------
    data : pandas.DataFrame
        A count table (one row per published cell: ``keys`` and ``count``),
        or an IndicatorFrame (then ``keys``/``count`` are not used and
        :func:`toolkit.disclosure.protect_indicators` does the work).
    keys : sequence of str
        Key columns of a count table, one per dimension.
    count : str
        Count column (the published number). For a magnitude table the
        magnitude, with ``freq`` holding the number of contributors.
    min_count : int, default 3
        Smallest publishable count (frequency rule).
    method : {"suppress", "round"}
        Cell suppression, or independent rounding to ``rounding_base``.
    rounding_base : {3, 5}
        Base of ``method="round"``.
    dominance : (n, k), optional
        Dominance rule for magnitude tables; needs ``top``.
    top : sequence of str, optional
        Columns with the largest contributions of each cell.
    freq : str, optional
        Column with the number of contributors (magnitude tables).
    hierarchy : mapping, optional
        Per key column ``"flat"``, ``"ags"``, a child-to-parent mapping or a
        :class:`toolkit.regions.RegionHierarchy`. Default: ``"ags"`` for
        ``region_code``, ``"flat"`` otherwise.
    total : str, default ""
        Code of the total in flat key columns (added, unpublished, if absent).
    zeros : bool, default False
        Treat zero counts as sensitive.
    protection : float, default 1
        Required protection of every sensitive cell on both sides.
    missing : {"fail", "zero"}
        Absent finest cells: error, or true zeros.
    incomplete : {"fail", "rest"}, optional
        Totals larger than their listed parts: error, or an unpublished rest.
        Default ``"fail"`` for count tables and ``"rest"`` for IndicatorFrames,
        which usually hold a selection of regions (a Kreis, its Land, the Bund).
    solver : {"OPT", "MOD"}
        tau-Argus method tried first.
    cost : {"cells", "value", "unit"}
        Information loss that secondary suppression minimises.
    max_time : int
        Time limit of one tau-Argus run in seconds.

    Returns
    -------
    Protected
        ``frame`` (count NaN and ``flag`` ``.`` where suppressed, or rounded
        counts) and ``report``.

    Raises
    ------
    DataError
        Missing columns, duplicate keys, negative counts, non-additive totals
        or an inconsistent hierarchy.
    ParameterError
        Unknown options.

    Examples
    --------
    >>> df = pd.DataFrame({"sex": ["m", "w", "d", ""], "n": [10, 12, 2, 24]})
    >>> p = protect(df, keys=["sex"], count="n")
    >>> p.frame
      sex     n flag
    0   m   NaN    .
    1   w  12.0
    2   d   NaN    .
    3      24.0
    >>> p.report.primary, p.report.secondary
    (1, 1)
    >>> protect(df, keys=["sex"], count="n", method="round").frame["n"].tolist()
    [10.0, 10.0, 0.0, 25.0]
    """
    from toolkit.disclosure.indicators import is_indicator_frame, protect_indicators_full

    if method not in ("suppress", "round"):
        raise ParameterError(f"method={method!r} ist unbekannt", hint="'suppress' oder 'round'")
    if is_indicator_frame(data):
        return protect_indicators_full(
            data,
            min_count=min_count,
            method=method,
            rounding_base=rounding_base,
            zeros=zeros,
            protection=protection,
            region_hierarchy=(hierarchy or {}).get("region_code", "ags"),
            missing=missing,
            incomplete=incomplete or "rest",
            solver=solver,
            cost=cost,
            max_time=max_time,
        )
    if keys is None or count is None:
        raise ParameterError(
            "keys und count fehlen",
            hint="z. B. protect(df, keys=['region_code', 'sex'], count='pupils')",
        )
    keys = list(keys)
    needed = [*keys, count, *(top or []), *([freq] if freq else [])]
    absent = [c for c in needed if c not in data.columns]
    if absent:
        raise DataError(f"Spalten fehlen: {absent}", column=absent[0], hint="Spaltennamen prüfen")
    if dominance is not None and not top:
        raise ParameterError("Die Dominanzregel braucht top=[Spalten der größten Beiträge]")
    out = data.copy()
    if "flag" not in out.columns:
        out["flag"] = ""
    if method == "round":
        out[count] = round_counts(pd.to_numeric(out[count], errors="coerce"), rounding_base)
        note = ROUNDING_NOTE.format(base=rounding_base)
        return Protected(out, DisclosureReport("round", min_count, cells=len(out), notes=(note,)))
    spec = dict(hierarchy or {})
    dims = []
    for col in keys:
        col_spec = spec.get(col, "ags" if col == "region_code" else "flat")
        dims.append(make_dimension(col, data[col].astype(str).tolist(), col_spec, total))
    table = build_table(data, keys, count, dims, missing=missing, incomplete=incomplete or "fail")
    magnitude = None
    if freq or top:
        magnitude = {
            "freq": _grid_columns(data, table, [freq])[..., 0] if freq else table.values,
            "top": _grid_columns(data, table, top) if top else np.zeros((*table.shape, 1)),
        }
    rule = apply_primary(
        table,
        min_count=min_count,
        zeros=zeros,
        protection=protection,
        magnitude=magnitude,
        dominance=dominance,
    )
    run = suppress_secondary(table, method=solver, cost=cost, max_time=max_time)
    hidden = table.suppressed.ravel()[table.rows]
    out[count] = pd.to_numeric(out[count], errors="coerce").astype(float).mask(hidden)
    out.loc[hidden, "flag"] = "."
    report = _report([table], [rule], [run], min_count, rows=int(hidden.sum()))
    return Protected(out, report, (table,), None, ("Tabelle",))


def _report(
    tables: Sequence[CellTable],
    rules: Sequence[np.ndarray],
    runs: Sequence[EngineRun],
    min_count: int,
    *,
    rows: int,
    notes: tuple[str, ...] = (),
    keys: Sequence[np.ndarray] | None = None,
) -> DisclosureReport:
    """Count suppressed cells, once per distinct cell when tables are linked."""
    seen: dict[object, tuple[bool, bool, float]] = {}
    for i, (t, rule) in enumerate(zip(tables, rules, strict=True)):
        pub = np.flatnonzero(t.published.ravel())
        kk = keys[i].ravel() if keys is not None else None
        for f in pub:
            key = kk[f] if kk is not None else (i, f)
            prim = bool(rule.flat[f])
            hid = bool(t.primary.flat[f] or t.secondary.flat[f])
            old = seen.get(key)
            if old is not None:
                prim, hid = prim or old[0], hid or old[1]
            seen[key] = (prim, hid, float(t.values.flat[f]))
    primary = sum(p for p, _, _ in seen.values())
    hidden = sum(h for _, h, _ in seen.values())
    used = tuple(sorted({r.method for r in runs if r.method != "none"}))
    notes = notes + tuple(sorted({f"Ersatzverfahren: {r.fallback}" for r in runs if r.fallback}))
    return DisclosureReport(
        "suppress",
        min_count,
        cells=len(seen),
        primary=primary,
        secondary=hidden - primary,
        suppressed_value=float(sum(v for _, h, v in seen.values() if h)),
        total_value=float(sum(v for _, _, v in seen.values())),
        rows_suppressed=rows,
        engine=used,
        engine_seconds=float(sum(r.seconds for r in runs)),
        notes=notes,
    )
