"""Checks of municipal tables that the schema alone cannot do well (issue #14).

Private helper of :func:`toolkit.io.read_table` and
:func:`toolkit.io.read_dataset`:

- the documented ``flag`` column (``.`` ``-`` ``x`` ``/`` ``p`` as in official
  tables) is accepted next to a count; a count cell may be empty where the
  flag says the value is missing (``.``, ``x``, ``/``, ``...``) or zero (``-``);
- counts above :data:`~toolkit.io._guards.MAX_COUNT` are refused (no region
  has more people than Germany; such counts would give rates of 10^17 %);
- duplicate keys are found in memory proportional to the table, and the error
  lists the first :data:`~toolkit.io._guards.ROWS_SHOWN` rows and the count
  (a table of millions of identical rows must not need gigabytes to report).

Examples
--------
>>> import pandas as pd
>>> s = pd.Series([5, 10**9], index=[2, 3], dtype="Int64")
>>> count_problem(s, "children").rows
(3,)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.errors import Problem
from toolkit.io._guards import MAX_COUNT, ROWS_SHOWN, shorten
from toolkit.io._specs import TableSpec

__all__ = ["FLAGS", "GAP_FLAGS", "count_problem", "duplicate_rows", "flag_problems"]

#: Symbols a ``flag`` column may hold (as the indicator engine knows them).
FLAGS = ("", "-", "p", "x", "/", ".", "...")
#: Flags under which a count cell may be empty: the value is secret or missing.
GAP_FLAGS = (".", "x", "/", "...")


def flag_problems(
    flags: pd.Series, counts: pd.Series, count_column: str
) -> tuple[pd.Series, list[Problem]]:
    """Check a ``flag`` column; return the rows whose empty count it explains.

    Parameters
    ----------
    flags : pandas.Series
        Cells of the ``flag`` column (stripped strings, index = row numbers).
    counts : pandas.Series
        Cells of the count column.
    count_column : str
        Name of the count column (for messages).

    Returns
    -------
    tuple of (pandas.Series of bool, list of Problem)
        ``gap``: count empty and the flag says missing (``-`` with an empty
        count means 0 and is filled by the caller); and the problems.

    Examples
    --------
    >>> f = pd.Series([".", "p", "?"], index=[2, 3, 4])
    >>> c = pd.Series(["", "5", "1"], index=[2, 3, 4])
    >>> gap, problems = flag_problems(f, c, "children")
    >>> gap.tolist(), problems[0].rows
    ([True, False, False], (4,))
    """
    problems = []
    unknown = ~flags.isin(FLAGS)
    if unknown.any():
        found = ", ".join(shorten(v) for v in pd.unique(flags[unknown])[:5])
        problems.append(
            Problem(
                f"unbekanntes Zeichen in 'flag': {found}",
                column="flag",
                rows=tuple(int(i) for i in flags.index[unknown][:ROWS_SHOWN]),
                hint="erlaubt: leer, '-', 'p', 'x', '/', '.', '...'",
            )
        )
    empty = counts == ""
    gap = empty & flags.isin(GAP_FLAGS)
    return gap, problems


def count_problem(values: pd.Series, column: str) -> Problem | None:
    """Return a problem for counts above :data:`MAX_COUNT`, or None.

    Examples
    --------
    >>> count_problem(pd.Series([1, 2], dtype="Int64"), "children") is None
    True
    """
    big = (values > MAX_COUNT).fillna(False).to_numpy(dtype=bool)
    if not big.any():
        return None
    rows = values.index[big]
    more = f" (insgesamt {len(rows)} Zeilen)" if len(rows) > ROWS_SHOWN else ""
    return Problem(
        f"unplausibel große Anzahl (mehr als {MAX_COUNT:,} — mehr als Deutschland Einwohner "
        f"hat); gefunden: {shorten(values[big].iloc[0])}{more}".replace(",", "."),
        column=column,
        rows=tuple(int(i) for i in rows[:ROWS_SHOWN]),
        hint="Wert prüfen (Tippfehler, Einheit, Exponentialschreibweise aus Excel)",
    )


def duplicate_rows(typed: pd.DataFrame, spec: TableSpec) -> tuple[list[int], int]:
    """Return the first duplicate rows (both partners) and the number of rows involved.

    Examples
    --------
    >>> from toolkit.io._specs import TABLES
    >>> df = pd.DataFrame({"beruf": ["1", "1", "2"]}, index=[2, 3, 4])
    >>> duplicate_rows(df, TABLES["berufe"])
    ([2, 3], 2)
    """
    from toolkit.io.schemas import _key_unique

    key = list(spec.present_key(typed.columns))
    if not key or len(typed) == 0:
        return [], 0
    dup = ~_key_unique(typed, key).to_numpy()
    count = int(dup.sum())
    return [int(i) for i in typed.index[np.flatnonzero(dup)[:ROWS_SHOWN]]], count
