"""Turning count arrays into tidy tables, and writing them deterministically.

Examples
--------
>>> import numpy as np
>>> f = long_frame(np.array([[1, 2], [3, 4]]), [("region_code", ["a", "b"]), ("sex", ["m", "w"])], "n")
>>> to_pandas(f).to_dict("list")
{'region_code': ['a', 'a', 'b', 'b'], 'sex': ['m', 'w', 'm', 'w'], 'n': [1, 2, 3, 4]}
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pacompute
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from scipy import sparse

from toolkit.samples._geography import Geography

__all__ = ["Axis", "gemeinde_level", "long_frame", "sum_by", "to_pandas", "write_table"]

Axis = tuple[str, "Sequence[object] | np.ndarray"]


def long_frame(
    counts: np.ndarray, axes: Sequence[Axis], value: str, *, drop_zeros: bool = False
) -> pa.Table:
    """Return a tidy Arrow table with one row per cell of ``counts`` (C order).

    Arrow instead of pandas because the large tables (22 million rows for 400
    Kreise) are only written, and Arrow builds and writes them without copies.

    Parameters
    ----------
    counts : numpy.ndarray
        Counts with one dimension per axis.
    axes : sequence of (name, labels)
        Column name and labels of each dimension; string labels become
        dictionary-encoded columns.
    value : str
        Name of the count column.
    drop_zeros : bool, default False
        Leave out cells with count 0 (sparse tables).

    Returns
    -------
    pyarrow.Table

    Examples
    --------
    >>> import numpy as np
    >>> long_frame(np.array([0, 5]), [("year", [2020, 2021])], "n", drop_zeros=True).to_pylist()
    [{'year': 2021, 'n': 5}]
    """
    shape = counts.shape
    flat = counts.reshape(-1)
    keep = np.flatnonzero(flat) if drop_zeros else None
    columns: dict[str, pa.Array] = {}
    inner = int(np.prod(shape))
    for dim, (name, labels) in enumerate(axes):
        inner //= shape[dim]
        outer = int(np.prod(shape[:dim]))
        idx = np.tile(np.repeat(np.arange(shape[dim], dtype=np.int32), inner), outer)
        if keep is not None:
            idx = idx[keep]
        labels = list(labels)
        if isinstance(labels[0], str):
            columns[name] = pa.DictionaryArray.from_arrays(pa.array(idx), pa.array(labels))
        else:
            columns[name] = pa.array(np.asarray(labels)[idx])
    columns[value] = pa.array((flat if keep is None else flat[keep]).astype(np.int64))
    return pa.table(columns)


def to_pandas(table: pa.Table | pd.DataFrame) -> pd.DataFrame:
    """Return a pandas frame with plain ``str`` columns instead of categoricals.

    Examples
    --------
    >>> import numpy as np
    >>> to_pandas(long_frame(np.array([1]), [("sex", ["w"])], "n")).dtypes.tolist()
    [<StringDtype(na_value=nan)>, dtype('int64')]
    """
    frame = table.to_pandas() if isinstance(table, pa.Table) else table.copy()
    for col in frame.columns:
        if isinstance(frame[col].dtype, pd.CategoricalDtype):
            frame[col] = frame[col].astype("str")
    return frame


def sum_by(index: np.ndarray, counts: np.ndarray, n: int) -> np.ndarray:
    """Sum the rows of ``counts`` into ``n`` groups given by ``index`` (first axis).

    Examples
    --------
    >>> import numpy as np
    >>> sum_by(np.array([1, 0, 1]), np.array([[1, 2], [3, 4], [5, 6]]), 2).tolist()
    [[3, 4], [6, 8]]
    """
    rows = counts.shape[0]
    matrix = sparse.csr_matrix(
        (np.ones(rows, dtype=np.int64), (np.asarray(index), np.arange(rows))), shape=(n, rows)
    )
    flat = matrix @ counts.reshape(rows, -1)
    return np.asarray(flat, dtype=counts.dtype).reshape(n, *counts.shape[1:])


def gemeinde_level(
    geo: Geography, units: np.ndarray, bund: np.ndarray
) -> tuple[list[str], np.ndarray]:
    """Stack Gemeinde rows (city = sum of its Sozialräume), Sozialraum rows and ``DG``.

    Parameters
    ----------
    geo : Geography
        The regions.
    units : numpy.ndarray
        Counts per unit (first dimension = units).
    bund : numpy.ndarray
        Bund counts with the remaining dimensions.

    Returns
    -------
    (list of str, numpy.ndarray)
        Region codes in sorted order and the counts in the same order.

    Examples
    --------
    >>> import numpy as np
    >>> from toolkit.samples._geography import build_geography
    >>> geo = build_geography(np.random.default_rng(0), kreise=2)
    >>> codes, arr = gemeinde_level(geo, np.ones((geo.n_units, 1)), np.zeros(1))
    >>> int(arr[codes.index(geo.city_code), 0]) == len(geo.sozialraum_codes)
    True
    """
    gem = sum_by(geo.unit_gemeinde, units, len(geo.gemeinde_codes))
    is_sr = np.array(["-" in c for c in geo.unit_codes])
    codes = [*geo.gemeinde_codes, *np.asarray(geo.unit_codes)[is_sr].tolist(), "DG"]
    stacked = np.concatenate([gem, units[is_sr], bund[None, ...]], axis=0)
    order = np.argsort(np.array(codes), kind="stable")
    return [codes[i] for i in order], stacked[order]


def _needs_quotes(table: pa.Table) -> bool:
    for column in table.columns:
        parts = column.chunks
        if pa.types.is_dictionary(column.type):
            parts = [chunk.dictionary for chunk in parts]
        for part in parts:
            if pa.types.is_string(part.type) or pa.types.is_large_string(part.type):
                text = pacompute.fill_null(part, "")
                if pacompute.any(pacompute.match_substring_regex(text, '[,"\n\r]')).as_py():
                    return True
    return False


def write_table(frame: pd.DataFrame | pa.Table, path: Path, fmt: str) -> Path:
    r"""Write one table as CSV (``,``, UTF-8, ``true``/``false``) or Parquet.

    Output depends only on the data, so equal frames give byte-identical files.

    Parameters
    ----------
    frame : pandas.DataFrame or pyarrow.Table
        The table.
    path : pathlib.Path
        Target without suffix.
    fmt : str
        ``csv`` or ``parquet``.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> p = write_table(pd.DataFrame({"a": ["x,y"], "b": [True]}), d / "t", "csv")
    >>> p.read_text()
    'a,b\n"x,y",true\n'
    """
    if isinstance(frame, pd.DataFrame):
        table = pa.Table.from_pandas(frame, preserve_index=False)
    else:
        table = frame
    # Frames keep their pandas metadata, so that nullable columns (``boolean``,
    # ``Int64``) come back with their dtype from Parquet.
    quote = fmt == "csv" and _needs_quotes(table)
    for i, field in enumerate(table.schema):
        if pa.types.is_dictionary(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(field.type.value_type))
    target = path.with_suffix(f".{fmt}")
    if fmt == "parquet":
        pq.write_table(table, target, compression="zstd")
        return target
    style = "needed" if quote else "none"
    with open(target, "wb") as fh:
        fh.write((",".join(table.column_names) + "\n").encode("utf-8"))
        options = pacsv.WriteOptions(
            include_header=False, quoting_style=style, delimiter=",", batch_size=1 << 20
        )
        pacsv.write_csv(table, fh, options)
    return target
