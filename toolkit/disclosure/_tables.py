"""Additive cell tables (internal).

A :class:`CellTable` is the full grid of a table: every combination of the
codes of its dimensions, with the value of each cell computed from the
finest cells and checked against every value the input gives. It knows which
cells are published (rows of the input) and yields the additivity
constraints ``parent = sum(children)`` along every dimension. Secondary
suppression and the audit both work on this grid.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit.disclosure._hierarchy import Dimension
from toolkit.errors import DataError, ParameterError, Problem

__all__ = ["CellTable", "build_grid", "build_table"]

_TOL = 1e-6


@dataclass
class CellTable:
    """Full grid of an additive table.

    Attributes
    ----------
    dims : list of Dimension
        Dimensions in axis order.
    values : numpy.ndarray
        Value of every cell (shape = number of codes per dimension).
    published : numpy.ndarray of bool
        Cells that the input contains (shown to readers unless suppressed).
    real : numpy.ndarray of bool
        Cells the safety rules apply to: published cells and "rest" cells.
    rows : numpy.ndarray of int
        Flat grid index of every input row, in input order.
    primary, secondary : numpy.ndarray of bool
        Filled by protection.
    lower, upper : numpy.ndarray of float
        Required protection below and above the value of primary cells.

    Examples
    --------
    >>> from toolkit.disclosure._hierarchy import flat_dimension
    >>> df = pd.DataFrame({"c": ["a", "b", "T"], "n": [1, 4, 5]})
    >>> t = build_table(df, ["c"], "n", [flat_dimension("c", df["c"], total="T")])
    >>> t.values.tolist()
    [5.0, 1.0, 4.0]
    """

    dims: list[Dimension]
    values: np.ndarray
    published: np.ndarray
    real: np.ndarray
    rows: np.ndarray
    codes: list[list[str]]
    primary: np.ndarray = field(init=False)
    secondary: np.ndarray = field(init=False)
    lower: np.ndarray = field(init=False)
    upper: np.ndarray = field(init=False)
    cost: np.ndarray | None = None

    def __post_init__(self) -> None:
        shape = self.values.shape
        self.primary = np.zeros(shape, dtype=bool)
        self.secondary = np.zeros(shape, dtype=bool)
        self.lower = np.zeros(shape)
        self.upper = np.zeros(shape)

    @property
    def shape(self) -> tuple[int, ...]:
        """Grid shape (number of codes per dimension).

        Examples
        --------
        >>> from toolkit.disclosure._hierarchy import flat_dimension
        >>> df = pd.DataFrame({"c": ["a", "T"], "n": [2, 2]})
        >>> build_table(df, ["c"], "n", [flat_dimension("c", df["c"], total="T")]).shape
        (2,)
        """
        return self.values.shape

    @property
    def suppressed(self) -> np.ndarray:
        """Cells not shown: primary, secondary or never published.

        Examples
        --------
        >>> from toolkit.disclosure._hierarchy import flat_dimension
        >>> df = pd.DataFrame({"c": ["a", "b"], "n": [2, 3]})
        >>> build_table(df, ["c"], "n", [flat_dimension("c", df["c"], total="T")]).suppressed.tolist()
        [True, False, False]
        """
        return self.primary | self.secondary | ~self.published

    def cell_label(self, flat: int) -> str:
        """Describe one cell by its codes, e.g. ``region_code=17001, sex=w``.

        Examples
        --------
        >>> from toolkit.disclosure._hierarchy import flat_dimension
        >>> df = pd.DataFrame({"c": ["a", "T"], "n": [2, 2]})
        >>> t = build_table(df, ["c"], "n", [flat_dimension("c", df["c"], total="T")])
        >>> t.cell_label(1)
        'c=a'
        """
        idx = np.unravel_index(flat, self.shape)
        return ", ".join(
            f"{d.name}={self.codes[a][i]}"
            for a, (d, i) in enumerate(zip(self.dims, idx, strict=True))
        )

    def constraints(self) -> list[tuple[int, np.ndarray]]:
        """Additivity constraints as ``(parent cell, child cells)`` flat indices.

        Examples
        --------
        >>> from toolkit.disclosure._hierarchy import flat_dimension
        >>> df = pd.DataFrame({"c": ["a", "b", "T"], "n": [1, 4, 5]})
        >>> t = build_table(df, ["c"], "n", [flat_dimension("c", df["c"], total="T")])
        >>> [(p, c.tolist()) for p, c in t.constraints()]
        [(0, [1, 2])]
        """
        out: list[tuple[int, np.ndarray]] = []
        flat_index = np.arange(self.values.size).reshape(self.shape)
        for axis, dim in enumerate(self.dims):
            pos = {c: i for i, c in enumerate(self.codes[axis])}
            for par, kids in dim.children().items():
                p_slice = np.take(flat_index, pos[par], axis=axis).ravel()
                k_slices = np.stack(
                    [np.take(flat_index, pos[k], axis=axis).ravel() for k in kids], axis=1
                )
                out.extend(zip(p_slice.tolist(), k_slices, strict=True))
        return out


def _index_rows(key_lists: Sequence[Sequence[str]], codes: list[list[str]]) -> np.ndarray:
    pos = [{c: i for i, c in enumerate(cs)} for cs in codes]
    idx = [
        np.fromiter((p[k] for k in keys), dtype=np.int64, count=len(keys))
        for keys, p in zip(key_lists, pos, strict=True)
    ]
    return np.ravel_multi_index(tuple(idx), [len(c) for c in codes])


def _aggregate(leaf: np.ndarray, dims: list[Dimension], codes: list[list[str]]) -> np.ndarray:
    full = leaf.copy()
    for axis, dim in enumerate(dims):
        pos = {c: i for i, c in enumerate(codes[axis])}
        kids = dim.children()
        # deepest parents first, so that a parent's children are complete
        depth = dim.depth()
        for par in sorted(kids, key=lambda c: -depth[c]):
            total = sum(np.take(full, pos[k], axis=axis) for k in kids[par])
            sl: list[slice | int] = [slice(None)] * full.ndim
            sl[axis] = pos[par]
            full[tuple(sl)] = total
    return full


def _add_rests(given: np.ndarray, dims: list[Dimension], codes: list[list[str]]) -> np.ndarray:
    for axis, dim in enumerate(dims):
        pos = {c: i for i, c in enumerate(codes[axis])}
        additions: list[tuple[str, np.ndarray]] = []
        for par, kids in dim.children().items():
            pv = np.take(given, pos[par], axis=axis)
            cv = sum(np.take(given, pos[k], axis=axis) for k in kids)
            # negative differences stay visible to the additivity check below
            deficit = np.where(pv - cv < 0, 0.0, pv - cv)
            if np.any(deficit > _TOL):
                additions.append((dim.add_rest(par), deficit))
        for code, deficit in additions:
            codes[axis].append(code)
            given = np.concatenate([given, np.expand_dims(deficit, axis)], axis=axis)
    return given


def _problem_cells(
    mask: np.ndarray, codes: list[list[str]], dims: list[Dimension], limit: int = 10
) -> list[str]:
    out = []
    for flat in np.flatnonzero(mask)[:limit]:
        idx = np.unravel_index(flat, mask.shape)
        out.append(
            ", ".join(
                f"{d.name}={codes[a][i]}" for a, (d, i) in enumerate(zip(dims, idx, strict=True))
            )
        )
    return out


def build_table(
    df: pd.DataFrame,
    columns: Sequence[str],
    value: str,
    dims: Sequence[Dimension],
    *,
    missing: str = "fail",
    incomplete: str = "fail",
    source: str = "Tabelle",
) -> CellTable:
    """Build the full, checked grid of a count table.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per published cell: the key ``columns`` and ``value``.
    columns : sequence of str
        Key columns, one per dimension.
    value : str
        Count column (non-negative, finite).
    dims : sequence of Dimension
        Hierarchy of every key column.
    missing : {"fail", "zero"}
        Finest cells absent from ``df``: error, or true zeros.
    incomplete : {"fail", "rest"}
        A parent larger than the sum of its listed children: error, or add an
        unpublished "rest" child holding the difference.
    source : str
        Name of the table in error messages.

    Returns
    -------
    CellTable

    Raises
    ------
    DataError
        Duplicate keys, negative or missing counts, absent finest cells, or
        totals that do not equal the sum of their parts.

    Examples
    --------
    >>> from toolkit.disclosure._hierarchy import flat_dimension
    >>> df = pd.DataFrame({"c": ["a", "b", "T"], "n": [1, 4, 6]})
    >>> build_table(df, ["c"], "n", [flat_dimension("c", df["c"], total="T")])
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: Tabelle ist nicht additiv: 1 Summe(n) ungleich der Summe ihrer Teile
    ...
    """
    key_lists = [df[c].astype(str).tolist() for c in columns]
    vals = pd.to_numeric(df[value], errors="coerce").to_numpy(dtype=float)
    return build_grid(
        key_lists,
        vals,
        list(columns),
        dims,
        missing=missing,
        incomplete=incomplete,
        source=source,
        value=value,
    )


def build_grid(
    key_lists: Sequence[Sequence[str]],
    vals: np.ndarray,
    columns: Sequence[str],
    dims: Sequence[Dimension],
    *,
    missing: str = "fail",
    incomplete: str = "fail",
    source: str = "Tabelle",
    value: str = "Wert",
) -> CellTable:
    """Build the grid from plain code lists and values (see :func:`build_table`).

    Examples
    --------
    >>> from toolkit.disclosure._hierarchy import flat_dimension
    >>> t = build_grid([["a", "b"]], np.array([1.0, 2.0]), ["c"], [flat_dimension("c", ["a", "b"], total="T")])
    >>> t.values.tolist(), t.published.tolist()
    ([3.0, 1.0, 2.0], [False, True, True])
    """
    if missing not in ("fail", "zero"):
        raise ParameterError(f"missing={missing!r} ist unbekannt", hint="'fail' oder 'zero'")
    if incomplete not in ("fail", "rest"):
        raise ParameterError(f"incomplete={incomplete!r} ist unbekannt", hint="'fail' oder 'rest'")
    dims = list(dims)
    codes = [d.nodes() for d in dims]
    tuples = list(zip(*key_lists, strict=True))
    if len(set(tuples)) < len(tuples):
        seen: dict[tuple[str, ...], int] = {}
        dup_rows = []
        for i, t in enumerate(tuples):
            if t in seen:
                dup_rows += [seen[t] + 1, i + 1]
            seen.setdefault(t, i)
        raise DataError(
            f"{source}: Schlüssel {list(columns)} sind nicht eindeutig",
            rows=sorted(set(dup_rows)),
            hint="Jede Zelle darf nur einmal vorkommen; vorher aggregieren.",
        )
    bad = ~np.isfinite(vals) | (vals < 0)
    if bad.any():
        raise DataError(
            f"{source}: Spalte {value!r} enthält fehlende, negative oder nicht numerische Werte",
            column=value,
            rows=[int(i) + 1 for i in np.flatnonzero(bad)],
            hint="Fallzahlen müssen nicht-negative Zahlen sein.",
        )
    shape = tuple(len(c) for c in codes)
    rows = _index_rows(key_lists, codes)
    given = np.full(shape, np.nan)
    given.flat[rows] = vals
    published = ~np.isnan(given)
    if incomplete == "rest":
        given = _add_rests(given, dims, codes)
        shape = given.shape
        grow = [(0, n - p) for n, p in zip(shape, published.shape, strict=True)]
        published = np.pad(published, grow, constant_values=False)
        rows = _index_rows(key_lists, codes)
    leaf = np.ones(shape, dtype=bool)
    for axis, dim in enumerate(dims):
        kids = dim.children()
        is_leaf = np.array([c not in kids for c in codes[axis]])
        leaf &= is_leaf.reshape([-1 if a == axis else 1 for a in range(len(dims))])
    absent = leaf & np.isnan(given)
    if absent.any():
        if missing == "fail":
            cells = _problem_cells(absent, codes, dims)
            raise DataError(
                f"{source}: {int(absent.sum())} Zelle(n) der feinsten Ebene fehlen",
                problems=[Problem(c) for c in cells],
                hint="Fehlende Zeilen ergänzen oder missing='zero' angeben, wenn sie echte Nullen sind.",
            )
        given[absent] = 0.0
        published |= absent & ~_artificial_mask(dims, codes)
    full = _aggregate(np.where(leaf, given, 0.0), dims, codes)
    wrong = ~np.isnan(given) & (np.abs(full - given) > _TOL * np.maximum(1.0, np.abs(given)))
    if wrong.any():
        cells = _problem_cells(wrong, codes, dims)
        detail = [
            Problem(f"{c}: angegeben {given.flat[f]:g}, Summe der Teile {full.flat[f]:g}")
            for c, f in zip(cells, np.flatnonzero(wrong)[:10], strict=True)
        ]
        raise DataError(
            f"{source} ist nicht additiv: {int(wrong.sum())} Summe(n) ungleich der Summe ihrer Teile",
            problems=detail,
            hint="Summenzeilen prüfen oder incomplete='rest' angeben, wenn Teile fehlen.",
        )
    art = _artificial_mask(dims, codes)
    rest = _rest_mask(dims, codes)
    real = (published & ~art) | rest
    return CellTable(list(dims), full, published & ~art, real, rows, codes)


def _mask_for(dims: list[Dimension], codes: list[list[str]], which: str) -> np.ndarray:
    shape = tuple(len(c) for c in codes)
    mask = np.zeros(shape, dtype=bool)
    for axis, dim in enumerate(dims):
        members = dim.artificial if which == "artificial" else dim.rest
        flags = np.array([c in members for c in codes[axis]])
        mask |= flags.reshape([-1 if a == axis else 1 for a in range(len(dims))])
    return mask


def _artificial_mask(dims: list[Dimension], codes: list[list[str]]) -> np.ndarray:
    return _mask_for(dims, codes, "artificial")


def _rest_mask(dims: list[Dimension], codes: list[list[str]]) -> np.ndarray:
    # a rest cell is real when none of its codes is an artificial *total*
    rest_any = _mask_for(dims, codes, "rest")
    shape = rest_any.shape
    art_total = np.zeros(shape, dtype=bool)
    for axis, dim in enumerate(dims):
        flags = np.array([c in dim.artificial and c not in dim.rest for c in codes[axis]])
        art_total |= flags.reshape([-1 if a == axis else 1 for a in range(len(dims))])
    return rest_any & ~art_total


def iter_cells(table: CellTable) -> itertools.product:
    """Iterate over grid positions (tuples of code indices).

    Examples
    --------
    >>> from toolkit.disclosure._hierarchy import flat_dimension
    >>> df = pd.DataFrame({"c": ["a", "T"], "n": [2, 2]})
    >>> t = build_table(df, ["c"], "n", [flat_dimension("c", df["c"], total="T")])
    >>> list(iter_cells(t))
    [(0,), (1,)]
    """
    return itertools.product(*(range(n) for n in table.shape))
