"""Derived forms of a data set's tables, kept while a table is unchanged (private).

Checking, encoding and rolling up a large table costs seconds; analysts and
reports call :func:`toolkit.indicators.compute_all` many times on one loaded
:class:`toolkit.io.Dataset`. The data set owns one :class:`DerivedTables`
(``Dataset.derived``), and the indicator engine keeps what it derived from a
table there, next to the table, instead of in a module-level cache. A plain
dict of tables gets a fresh store per call (nothing is kept).

An entry belongs to the very same DataFrame object *and* its very same column
data. The store keeps a shallow copy of the table, which shares the data:
under pandas' copy-on-write any later write into the table gives the written
column new data first, so the entry no longer matches and is made again.
Results therefore never depend on the store.
"""

from __future__ import annotations

import threading
import weakref

import pandas as pd

__all__ = ["DerivedTables"]


def _columns_key(frame: pd.DataFrame) -> tuple:
    """Identity of every column's data: the same as long as nothing was written."""
    out: list[object] = [tuple(map(str, frame.columns)), tuple(map(str, frame.dtypes))]
    for i in range(frame.shape[1]):
        data = frame.iloc[:, i].array
        if isinstance(data, pd.arrays.NumpyExtensionArray):
            values = data.to_numpy()
            out.append((values.__array_interface__["data"][0], values.strides, len(values)))
        else:
            out.append(id(data))
    return tuple(out)


class DerivedTables:
    """What was derived from each table of one data set (checked table, roll-ups).

    One store per data set, passed explicitly: ``Dataset.derived`` holds it,
    :func:`toolkit.indicators.compute_all` uses it. It is never pickled with
    its contents (a forked or remote copy of the data set starts empty).

    Examples
    --------
    >>> t = pd.DataFrame({"region_code": ["17001000", "17002000"], "n": [10, 30]})
    >>> store = DerivedTables()
    >>> kept = store.of(t, "kita", "n")
    >>> store.of(t, "kita", "n") is kept
    True
    >>> t.loc[0, "region_code"] = "17002000"  # edited in place
    >>> store.of(t, "kita", "n") is kept
    False
    """

    def __init__(self) -> None:
        self._entries: dict[str, tuple[weakref.ref, tuple, pd.DataFrame, dict]] = {}
        self._lock = threading.RLock()  # compute_all may run steps in two threads

    def __reduce__(self) -> tuple:
        return (DerivedTables, ())

    def __repr__(self) -> str:
        return f"DerivedTables({sorted(self._entries)})"

    def of(self, source: pd.DataFrame, table: str, value: str) -> dict:
        """Return the dict of derived frames of ``source`` (empty when new or changed).

        Parameters
        ----------
        source : pandas.DataFrame
            The table as the data set holds it.
        table, value : str
            Canonical table name and its count column.

        Returns
        -------
        dict
            Filled by the caller; stored frames are never modified.
        """
        finger = (value, _columns_key(source))
        with self._lock:
            hit = self._entries.get(table)
            if hit is not None and hit[0]() is source and hit[1] == finger:
                return hit[3]
            store: dict = {}
            # the shallow copy shares the data, so a write into ``source`` copies first
            self._entries[table] = (weakref.ref(source), finger, source.copy(deep=False), store)
            return store
