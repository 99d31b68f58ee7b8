"""Secondary suppression with tau-Argus (pytauargus, HiGHS solver).

The grid of a :class:`~toolkit.disclosure._tables.CellTable` is handed to the
tau-Argus engine as a *tabular* input: every cell with its value, a cost, a
status (``U`` for primary cells, ``S`` otherwise) and the required lower and
upper protection. Hierarchical dimensions (Land > Kreis > Gemeinde >
Sozialraum) are passed as a hierarchy file, flat ones with their total code.
The engine then chooses the secondary suppressions: ``OPT`` (optimal, the
Fischetti-Salazar model) first and ``MOD`` (modular HiTaS) as fallback when
``OPT`` fails or runs out of time.

Cells that the input does not contain (an artificial total, the "rest" of a
parent) cost almost nothing, so the engine may treat them as suppressed for
free: they are never shown anyway.

The engine reads and writes files; they live in a temporary directory that
is removed after each run. Nothing is printed.
"""

from __future__ import annotations

import csv
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from toolkit.disclosure._tables import CellTable, iter_cells
from toolkit.errors import DisclosureError, ParameterError

__all__ = ["COSTS", "METHODS", "EngineRun", "suppress_secondary"]

#: Secondary suppression methods of tau-Argus used here.
METHODS = ("OPT", "MOD")
#: Cost functions: fewest cells (ties: smallest values), smallest total value, unit cost.
COSTS = ("cells", "value", "unit")

_TOTAL = "Total"
_PRIMARY = range(3, 10)
_SECONDARY = (11, 12)


@dataclass(frozen=True)
class EngineRun:
    """What the tau-Argus engine did for one table.

    Attributes
    ----------
    method : str
        ``OPT``, ``MOD`` or ``none`` (no primary cell, engine not called).
    seconds : float
        Time inside the engine (reading the table and suppressing).
    fallback : str
        Why ``MOD`` was used instead of ``OPT`` (empty if it was not).

    Examples
    --------
    >>> EngineRun("none", 0.0).method
    'none'
    """

    method: str
    seconds: float
    fallback: str = ""


def _cost(table: CellTable, cost: str) -> np.ndarray:
    v = table.values
    if cost == "value":
        c = v.copy()
    elif cost == "unit":
        c = np.ones_like(v)
    else:
        c = 1.0 + v / (1.0 + float(v.max(initial=0.0)))
    return np.where(table.published, c, 0.0)


def _write_input(table: CellTable, tmp: Path, cost: str, dummy: bool) -> list[dict[str, str]]:
    """Write ``t.tab``, ``t.rda`` and hierarchy files; return code maps."""
    maps: list[dict[str, str]] = []
    rda: list[str] = []
    for axis, dim in enumerate(table.dims):
        width = len(str(len(table.codes[axis])))
        names = {c: f"n{i:0{width}d}" for i, c in enumerate(table.codes[axis])}
        names[dim.root] = _TOTAL
        maps.append(names)
        rda += [f'v{axis} "" ""', "  <RECODEABLE>", f'  <TOTCODE> "{_TOTAL}"']
        depth = dim.depth()
        if max(depth.values()) > 1:
            lines = ["@" * (depth[c] - 1) + names[c] for c in dim.nodes() if c != dim.root]
            hrc = tmp / f"v{axis}.hrc"
            hrc.write_text("\n".join(lines) + "\n", encoding="utf-8")
            rda += ["  <HIERARCHICAL>", f'  <HIERCODELIST> "{hrc}"', '  <HIERLEADSTRING> "@"']
    if dummy:
        rda += ['vd "" ""', "  <RECODEABLE>", f'  <TOTCODE> "{_TOTAL}"']
    rda += [
        'val "" ""',
        "  <NUMERIC>",
        'cost "" ""',
        "  <NUMERIC> <COSTVAR>",
        'st "" ""',
        "  <STATUS>",
        'lpl "" ""',
        "  <NUMERIC> <LOWERPL>",
        'upl "" ""',
        "  <NUMERIC> <UPPERPL>",
    ]
    (tmp / "t.rda").write_text("\n".join(rda) + "\n", encoding="utf-8")
    costs = _cost(table, cost)
    out = []
    for pos in iter_cells(table):
        key = ";".join(maps[a][table.codes[a][i]] for a, i in enumerate(pos))
        prim = bool(table.primary[pos])
        tail = (
            f"{table.values[pos]:.6f};{costs[pos]:.6f};{'U' if prim else 'S'};"
            f"{table.lower[pos]:.6f};{table.upper[pos]:.6f}"
        )
        if dummy:
            # HiTaS needs two dimensions: a copy of the table and an empty twin
            out.append(f"{key};n0;{tail}")
            out.append(f"{key};n1;0;1;P;0;0")
            out.append(f"{key};{_TOTAL};{tail}")
        else:
            out.append(f"{key};{tail}")
    (tmp / "t.tab").write_text("\n".join(out) + "\n", encoding="utf-8")
    return maps


def _run_engine(
    table: CellTable, method: str, cost: str, max_time: int
) -> tuple[np.ndarray, float]:
    from pytauargus.engine import run_batch

    dummy = method == "MOD" and len(table.dims) == 1
    with tempfile.TemporaryDirectory(prefix="dkbm_tau_") as name:
        tmp = Path(name)
        maps = _write_input(table, tmp, cost, dummy)
        exp = [f"v{a}" for a in range(len(table.dims))] + (["vd"] if dummy else [])
        spec = "".join(f'"{v}"' for v in exp)
        options = f"{max_time}" if method == "OPT" else f"{max_time},0,0,0"
        (tmp / "b.arb").write_text(
            f'<OPENTABLEDATA> "{tmp / "t.tab"}"\n'
            f'<OPENMETADATA> "{tmp / "t.rda"}"\n'
            f'<SPECIFYTABLE> {spec}|"val"||"cost"\n'
            "<SAFETYRULE>\n"
            "<READTABLE> 0\n"
            f"<SUPPRESS> {method}(1,{options})\n"
            f'<WRITETABLE> (1, 3, AS+, "{tmp / "out.csv"}")\n',
            encoding="utf-8",
        )
        start = time.perf_counter()
        # The engine's native solvers write their logs (HiTaS.log, sdc.lp, ...)
        # into the working directory: run them inside the temporary folder so
        # nothing lands in the user's notebook or report folder and parallel
        # workers never share those files.
        here = os.getcwd()
        os.chdir(tmp)
        try:
            run_batch(tmp / "b.arb")
        finally:
            os.chdir(here)
        seconds = time.perf_counter() - start
        found: dict[tuple[str, ...], int] = {}
        with open(tmp / "out.csv", encoding="utf-8", newline="") as fh:
            for rec in csv.reader(fh):
                found[tuple(c.strip() for c in rec[: len(exp)])] = int(rec[-1])
    status = np.zeros(table.shape, dtype=np.int64)
    tail = ("n0",) if dummy else ()
    for pos in iter_cells(table):
        key = tuple(maps[a][table.codes[a][i]] for a, i in enumerate(pos)) + tail
        status[pos] = found[key]
    return status, seconds


def _squeeze(table: CellTable, keep: list[int], drop: tuple[int, ...]) -> CellTable:
    sub = CellTable(
        [table.dims[a] for a in keep],
        table.values.squeeze(drop),
        table.published.squeeze(drop),
        table.real.squeeze(drop),
        table.rows,
        [table.codes[a] for a in keep],
    )
    sub.primary[...] = table.primary.squeeze(drop)
    sub.lower[...] = table.lower.squeeze(drop)
    sub.upper[...] = table.upper.squeeze(drop)
    return sub


def suppress_secondary(
    table: CellTable, *, method: str = "OPT", cost: str = "cells", max_time: int = 60
) -> EngineRun:
    """Choose secondary suppressions for a table whose primary cells are set.

    Parameters
    ----------
    table : CellTable
        Grid with ``primary``, ``lower`` and ``upper`` filled; ``secondary``
        is set in place.
    method : {"OPT", "MOD"}
        First method to try; ``OPT`` falls back to ``MOD``.
    cost : {"cells", "value", "unit"}
        What to minimise: the number of suppressed cells (ties broken by
        smaller values), their total value, or plain cell count.
    max_time : int
        Time limit of one engine run in seconds.

    Returns
    -------
    EngineRun

    Raises
    ------
    DisclosureError
        If no method protects the table.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.disclosure._hierarchy import flat_dimension
    >>> from toolkit.disclosure._tables import build_table
    >>> df = pd.DataFrame({"c": ["a", "b", "c", "T"], "n": [1, 5, 9, 15]})
    >>> t = build_table(df, ["c"], "n", [flat_dimension("c", df["c"], total="T")])
    >>> t.primary[1] = True; t.lower[1] = t.upper[1] = 1
    >>> suppress_secondary(t).method
    'OPT'
    >>> t.secondary.tolist()
    [False, False, True, False]
    """
    if method not in METHODS:
        raise ParameterError(f"method={method!r} ist unbekannt", hint=f"eine von {METHODS}")
    if cost not in COSTS:
        raise ParameterError(f"cost={cost!r} ist unbekannt", hint=f"eine von {COSTS}")
    table.secondary[...] = False
    if not table.primary.any():
        return EngineRun("none", 0.0)
    keep = [a for a, codes in enumerate(table.codes) if len(codes) > 1]
    if not keep:
        return EngineRun("none", 0.0)
    if len(keep) < len(table.dims):
        # a dimension with a single code adds no constraint: solve without it
        drop = tuple(a for a in range(len(table.dims)) if a not in keep)
        sub = _squeeze(table, keep, drop)
        run = suppress_secondary(sub, method=method, cost=cost, max_time=max_time)
        table.secondary[...] = np.expand_dims(sub.secondary, drop)
        return run
    order = [method] + [m for m in METHODS if m != method]
    reasons = []
    for m in order:
        try:
            status, seconds = _run_engine(table, m, cost, max_time)
        except Exception as exc:  # the engine raises its own BatchError and RuntimeErrors
            reasons.append(f"{m}: {exc}")
            continue
        lost = table.primary & ~np.isin(status, list(_PRIMARY))
        if lost.any():
            reasons.append(f"{m}: Primärzellen nicht übernommen")
            continue
        table.secondary[...] = np.isin(status, _SECONDARY) & ~table.primary
        return EngineRun(m, seconds, "; ".join(reasons))
    raise DisclosureError(
        "tau-Argus konnte die Tabelle nicht schützen",
        hint="; ".join(reasons) or "Tabelle verkleinern oder max_time erhöhen.",
    )
