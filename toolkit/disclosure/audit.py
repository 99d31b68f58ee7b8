"""Independent audit of a suppression pattern with linear programming.

For every sensitive suppressed cell the audit solves two linear programs
with :func:`scipy.optimize.linprog` (HiGHS): the smallest and the largest
value the cell can take, given every published value, the additivity of
the table (each total equals the sum of its parts, along every dimension and
every level of a hierarchy) and non-negativity. This is what an attacker
with the published table can compute. A cell is protected when this
feasible interval reaches at least ``value - lower`` and ``value + upper``
(the required protection).

The audit does not use tau-Argus; it only shares the table grid with it.

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4.3
(the attacker's problem). Wiley.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

from toolkit.disclosure._tables import CellTable
from toolkit.disclosure.result import Protected
from toolkit.errors import DisclosureError

__all__ = ["AUDIT_COLUMNS", "audit", "audit_tables"]

#: Columns of an audit result.
AUDIT_COLUMNS = (
    "table",
    "cell",
    "value",
    "required_min",
    "required_max",
    "feasible_min",
    "feasible_max",
    "protected",
)

_TOL = 1e-6


def audit_tables(
    tables: Sequence[CellTable],
    keys: Sequence[np.ndarray] | None = None,
    *,
    names: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Compute the feasible interval of every primary suppressed cell.

    Parameters
    ----------
    tables : sequence of CellTable
        Protected grids (``primary``/``secondary`` set).
    keys : sequence of numpy.ndarray, optional
        Per table, a global key per cell (object array of the grid's shape).
        Cells with the same key in different tables are the same unknown
        (linked tables sharing totals). Without keys the tables are separate.
    names : sequence of str, optional
        Table names for the result.

    Returns
    -------
    pandas.DataFrame
        One row per primary cell, columns :data:`AUDIT_COLUMNS`;
        ``protected`` is False where an attacker can narrow the cell more
        than the required protection allows.

    Examples
    --------
    >>> from toolkit.disclosure._hierarchy import flat_dimension
    >>> from toolkit.disclosure._tables import build_table
    >>> df = pd.DataFrame({"c": ["a", "b", "c", "T"], "n": [1, 5, 9, 15]})
    >>> t = build_table(df, ["c"], "n", [flat_dimension("c", df["c"], total="T")])
    >>> t.primary[1] = True; t.lower[1] = t.upper[1] = 1
    >>> audit_tables([t])[["cell", "feasible_min", "feasible_max", "protected"]]
        cell  feasible_min  feasible_max  protected
    0    c=a           1.0           1.0      False
    >>> t.secondary[2] = True
    >>> audit_tables([t])[["feasible_min", "feasible_max", "protected"]]
       feasible_min  feasible_max  protected
    0           0.0           6.0       True
    """
    names = list(names) if names is not None else [str(i) for i in range(len(tables))]
    var_of: dict[object, int] = {}
    values: list[float] = []
    known: list[bool] = []
    cell_vars: list[np.ndarray] = []
    for t_i, table in enumerate(tables):
        if keys is None:
            tkeys = [(t_i, f) for f in range(table.values.size)]
        else:
            tkeys = list(np.asarray(keys[t_i], dtype=object).ravel())
        hidden = table.suppressed.ravel()
        vals = table.values.ravel()
        ids = np.empty(len(tkeys), dtype=np.int64)
        for f, key in enumerate(tkeys):
            var = var_of.get(key)
            if var is None:
                var = var_of[key] = len(values)
                values.append(float(vals[f]))
                known.append(not hidden[f])
            elif known[var] and hidden[f]:
                known[var] = False
            ids[f] = var
        cell_vars.append(ids)
    val = np.asarray(values)
    is_known = np.asarray(known)
    unknown = np.flatnonzero(~is_known)
    col_of = np.full(len(val), -1)
    col_of[unknown] = np.arange(len(unknown))

    rows, cols, data, rhs = [], [], [], []
    r = 0
    for t_i, table in enumerate(tables):
        ids = cell_vars[t_i]
        for parent, kids in table.constraints():
            terms = [(int(ids[parent]), 1.0)] + [(int(ids[k]), -1.0) for k in kids]
            b = 0.0
            entries = []
            for term_var, coef in terms:
                if is_known[term_var]:
                    b -= coef * val[term_var]
                else:
                    entries.append((col_of[term_var], coef))
            if not entries:
                continue
            for c, coef in entries:
                rows.append(r)
                cols.append(c)
                data.append(coef)
            rhs.append(b)
            r += 1
    n = len(unknown)
    a_eq = sparse.csr_matrix((data, (rows, cols)), shape=(r, n))
    b_eq = np.asarray(rhs, dtype=float)
    solve = _Components(a_eq, b_eq)

    out = []
    for t_i, table in enumerate(tables):
        for flat in np.flatnonzero(table.primary.ravel()):
            var = int(cell_vars[t_i][flat])
            v = float(table.values.flat[flat])
            lo_req = v - float(table.lower.flat[flat])
            hi_req = v + float(table.upper.flat[flat])
            if is_known[var]:
                lo = hi = v
            else:
                lo, hi = solve.extremes(int(col_of[var]))
            ok = lo <= lo_req + _TOL and hi >= hi_req - _TOL
            out.append((names[t_i], table.cell_label(int(flat)), v, lo_req, hi_req, lo, hi, ok))
    return pd.DataFrame(out, columns=list(AUDIT_COLUMNS)).astype(
        {"table": "str", "cell": "str", "protected": "bool"}
    )


class _Components:
    """Solve the attacker's LPs on the connected part of the system only."""

    def __init__(self, a_eq: sparse.csr_matrix, b_eq: np.ndarray) -> None:
        r, n = a_eq.shape
        graph = sparse.bmat([[None, a_eq.T], [a_eq, None]], format="csr") if r else None
        if graph is None:
            self.labels = np.arange(n)
        else:
            _, labels = connected_components(abs(graph), directed=False)
            self.labels = labels[:n]
            self.row_labels = labels[n:]
        self.a_eq, self.b_eq = a_eq, b_eq
        self.cache: dict[int, tuple[np.ndarray, sparse.csr_matrix | None, np.ndarray | None]] = {}

    def _system(self, label: int) -> tuple[np.ndarray, sparse.csr_matrix | None, np.ndarray | None]:
        if label not in self.cache:
            cols = np.flatnonzero(self.labels == label)
            if self.a_eq.shape[0]:
                rows = np.flatnonzero(self.row_labels == label)
                sub = self.a_eq[rows][:, cols] if len(rows) else None
                rhs = self.b_eq[rows] if len(rows) else None
            else:
                sub, rhs = None, None
            self.cache[label] = (cols, sub, rhs)
        return self.cache[label]

    def extremes(self, col: int) -> tuple[float, float]:
        cols, a_eq, b_eq = self._system(int(self.labels[col]))
        c = np.zeros(len(cols))
        c[np.searchsorted(cols, col)] = 1.0
        res = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if res.status != 0:
            raise DisclosureError(
                f"Audit: das lineare Programm ist nicht lösbar ({res.message})",
                hint="Die Tabelle ist vermutlich nicht additiv; build_table prüft das.",
            )
        lo = float(res.fun)
        res = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if res.status == 3:
            return lo, float("inf")
        if res.status != 0:
            raise DisclosureError(f"Audit: das lineare Programm ist nicht lösbar ({res.message})")
        return lo, float(-res.fun)


def audit(protected: Protected) -> pd.DataFrame:
    """Check whether any sensitive cell of a protected result can be narrowed down.

    Parameters
    ----------
    protected : Protected
        Result of :func:`toolkit.disclosure.protect` with ``method="suppress"``.
        Linked tables of an IndicatorFrame are audited jointly.

    Returns
    -------
    pandas.DataFrame
        One row per sensitive cell with its feasible interval (columns
        :data:`AUDIT_COLUMNS`); ``protected`` False marks a disclosure.

    Examples
    --------
    >>> from toolkit.disclosure.protect import protect
    >>> df = pd.DataFrame({"c": ["a", "b", "c", ""], "n": [1, 5, 9, 15]})
    >>> audit(protect(df, keys=["c"], count="n"))[["cell", "feasible_min", "feasible_max"]]
      cell  feasible_min  feasible_max
    0  c=a           0.0           6.0
    """
    if not protected.tables:
        raise DisclosureError(
            "Nichts zu prüfen: das Ergebnis enthält keine gesperrten Tabellen",
            hint="audit() prüft Ergebnisse von protect(..., method='suppress').",
        )
    return audit_tables(protected.tables, protected.keys, names=protected.names)
