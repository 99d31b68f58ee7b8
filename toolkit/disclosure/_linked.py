"""Linked tables of a whole publication, built from its count families (internal)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.disclosure._families import TOTAL, count_cells
from toolkit.disclosure._hierarchy import Dimension, flat_dimension
from toolkit.disclosure._tables import CellTable, build_grid
from toolkit.disclosure.protect import make_dimension
from toolkit.errors import DataError

__all__ = ["LinkedTables", "build_linked_tables"]


@dataclass
class LinkedTables:
    """The tables of a publication and the global key of every cell.

    Attributes
    ----------
    tables : list of CellTable
    keys : list of numpy.ndarray
        Per table, an object array of the grid's shape: ``(family, period,
        region, coords)`` for published cells, a table-local key otherwise.
    names : list of str
    cells : pandas.DataFrame
        Every numerator/denominator of the frame with its ``key``.
    notes : list of str
        Tables that had to be protected without their region hierarchy.
    """

    tables: list[CellTable]
    keys: list[np.ndarray]
    names: list[str]
    cells: pd.DataFrame
    notes: list[str]


def _objects(items: list[object]) -> np.ndarray:
    arr = np.empty(len(items), dtype=object)
    for i, x in enumerate(items):
        arr[i] = x
    return arr


def _split_conflicts(cells: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Cells that a declared family maps to one key but with different values get their own family."""
    codes, _ = pd.factorize(cells["key"])
    by_key = cells["n"].groupby(codes)
    bad = (by_key.transform("max") - by_key.transform("min")).to_numpy() > 1e-9
    if bad.any():
        ind = frame["indicator"].astype(str).to_numpy()
        cells = cells.copy()
        cells.loc[bad, "family"] = [
            f"{ind[r]}:{q}"
            for r, q in zip(cells.loc[bad, "row"], cells.loc[bad, "quantity"], strict=True)
        ]
        cells["key"] = list(
            zip(cells["family"], cells["period"], cells["region"], cells["coords"], strict=True)
        )
    return cells


def _views(coords: list[tuple[str, ...]]) -> list[tuple[int, ...]]:
    """Maximal sets of axes broken down together."""
    sets = {tuple(i for i, c in enumerate(t) if c != TOTAL) for t in set(coords)}
    return sorted(s for s in sets if not any(set(s) < set(o) for o in sets))


def _grid(
    part: pd.DataFrame, view: tuple[int, ...], axes: tuple[str, ...], name: str
) -> tuple[CellTable, list[object]] | None:
    regions = part["region"].tolist()
    key_lists = [regions] + [[c[a] for c in part["coords"]] for a in view]
    dims = [make_dimension("region_code", regions, "ags", "")]
    dims += [flat_dimension(axes[a], key_lists[k + 1], total=TOTAL) for k, a in enumerate(view)]
    try:
        table = build_grid(
            key_lists,
            part["n"].to_numpy(dtype=float),
            ["region_code", *(axes[a] for a in view)],
            dims,
            missing="zero",
            incomplete="rest",
            source=name,
        )
    except DataError:
        return None
    return table, part["key"].tolist()


def _single_cells(sub: pd.DataFrame, name: str) -> list[tuple[str, float, object]]:
    """Region, count and key of every cell of ``sub``, one per region (sorted)."""
    sub = sub.drop_duplicates("region").sort_values("region", kind="stable")
    n = sub["n"].to_numpy(dtype=float)
    if not np.isfinite(n).all() or (n < 0).any():
        raise DataError(f"{name}: Zelle nicht lesbar", hint="Daten prüfen")
    return list(zip(sub["region"].astype(str), n.tolist(), sub["key"], strict=True))


def _one_cell(region: str, n: float) -> CellTable:
    """Return a table of one published cell and no relation (as build_grid makes it)."""
    dim = Dimension("region_code", region, {})
    one = np.ones(1, dtype=bool)
    return CellTable([dim], np.array([n]), one, one.copy(), np.zeros(1, dtype=np.int64), [[region]])


def _totals(group: pd.DataFrame, at_total: np.ndarray) -> dict[str, tuple[object, float]]:
    """Key and count of every region's total cell (all axes at their total)."""
    total = group[at_total.all(axis=1)]
    return dict(zip(total["region"], zip(total["key"], total["n"], strict=True), strict=True))


def _alias_to_total(sub: pd.DataFrame, by_region: dict[str, tuple[object, float]]) -> pd.DataFrame:
    """Link a category count equal to its region's total to that total (a repeated denominator)."""
    keys = []
    for region, key, n in zip(sub["region"], sub["key"], sub["n"], strict=True):
        hit = by_region.get(region)
        keys.append(hit[0] if hit is not None and abs(hit[1] - n) < 1e-9 else key)
    sub = sub.copy()
    sub["key"] = keys
    return sub


def build_linked_tables(frame: pd.DataFrame, *, period: int | None = None) -> LinkedTables:
    """Build one table per family, period and maximal set of axes shown together.

    A breakdown that does not add up (categories missing or overlapping)
    becomes one region table per category instead. Counts that are negative
    are no counts and are left out. With ``period``, only the count cells of
    that period (after a family's period shift) are taken.

    Examples
    --------
    >>> f = pd.DataFrame({"region_code": ["17", "17001", "17002"], "period": 2024,
    ...     "indicator": "schulabgaenge", "dimension": "", "category": "",
    ...     "value": [9.0, 2.0, 7.0], "numerator": [9.0, 2.0, 7.0], "denominator": None,
    ...     "unit": "Anzahl"})
    >>> lt = build_linked_tables(f)
    >>> lt.names, lt.tables[0].values.tolist()
    (['schulabgaenge 2024 region_code'], [9.0, 2.0, 7.0])
    """
    cells, axes = count_cells(frame)
    keep = cells["n"] >= 0
    if period is not None:
        keep &= cells["period"] == period
    cells = cells[keep].reset_index(drop=True)
    cells["key"] = list(
        zip(cells["family"], cells["period"], cells["region"], cells["coords"], strict=True)
    )
    cells = _split_conflicts(cells, frame)
    unique = cells.drop_duplicates("key")
    tables: list[CellTable] = []
    keys: list[np.ndarray] = []
    names: list[str] = []
    notes: list[str] = []

    def add(table: CellTable, cell_keys: list[object], name: str) -> None:
        key = _objects([(len(tables), f) for f in range(table.values.size)])
        key[table.rows] = _objects(cell_keys)
        tables.append(table)
        keys.append(key.reshape(table.shape))
        names.append(name)

    for (fam, per), group in unique.groupby(["family", "period"], sort=True):
        fam_axes = axes.get(str(fam)) or axes[str(fam).split("!")[0]]
        coords = group["coords"].tolist()
        width = len(fam_axes)
        at_total = np.array([[c == TOTAL for c in t] for t in coords], dtype=bool).reshape(
            len(coords), width
        )
        todo = _views(coords)
        seen: set[tuple[int, ...]] = set()
        covered: set[object] = set()
        while todo:
            view = todo.pop(0)
            if view in seen:
                continue
            seen.add(view)
            others = [a for a in range(width) if a not in view]
            part = group[at_total[:, others].all(axis=1)]
            name = f"{fam} {per} " + " x ".join(["region_code", *(fam_axes[a] for a in view)])
            built = _grid(part, view, fam_axes, name)
            if built is not None:
                add(built[0], built[1], name)
                covered.update(built[1])
            elif len(view) > 1:
                # the cross table is incomplete: try its single breakdowns
                todo += [(a,) for a in view]
        rest = group[[k not in covered for k in group["key"]]]
        totals = _totals(group, at_total) if len(rest) else {}
        for combo, sub in rest.groupby("coords", sort=True):
            # not additive along the categories: one region table per category
            sub_name = f"{fam} {per} {combo}"
            sub = _alias_to_total(sub, totals)
            one = _grid(sub, (), fam_axes, sub_name)
            if one is None:
                # regions do not add up (e.g. parts larger than their whole): each region alone
                notes.append(f"{sub_name}: Regionen nicht additiv, ohne Hierarchie geschützt")
                for region, n, key in _single_cells(sub, sub_name):
                    add(_one_cell(region, n), [key], sub_name)
                continue
            add(one[0], one[1], sub_name)
    return LinkedTables(tables, keys, names, cells, notes)
