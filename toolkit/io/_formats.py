r"""Raw cells out of CSV, Excel and Parquet files, as strings with row numbers.

Every format is turned into the same :class:`RawTable`: the header and a
DataFrame of *strings* whose index is the row number the user sees (CSV and
Excel: header = row 1, first data row = row 2; Parquet: record number,
first record = 1). Parsing into numbers and checking happens afterwards, in
one place, for all formats alike.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> _ = p.write_text("a;b\n1;x\n", encoding="utf-8")
>>> raw = read_raw(p)
>>> raw.header, raw.cells.index.tolist(), raw.cells.loc[2, "b"]
(['a', 'b'], [2], 'x')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from toolkit.errors import DataError, Problem
from toolkit.io._csv import cells_frame, read_cells
from toolkit.io._guards import check_regular_file
from toolkit.io._source import read_text

__all__ = ["CSV_CONVENTION", "PARQUET_CONVENTION", "RawTable", "read_raw"]

CSV_CONVENTION = "Zeilennummern wie in der Datei: Kopfzeile = Zeile 1, erste Datenzeile = Zeile 2."
PARQUET_CONVENTION = "Zeilennummern = Nummer des Datensatzes in der Parquet-Datei (erster = 1)."
_EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_PARQUET_SUFFIXES = (".parquet", ".pq")


@dataclass
class RawTable:
    """Cells of a file as strings, indexed by the row numbers the user sees.

    Examples
    --------
    >>> RawTable("f.csv", ["a"], pd.DataFrame({"a": ["1"]}, index=[2])).convention[:14]
    'Zeilennummern '
    """

    file: str
    header: list[str]
    cells: pd.DataFrame
    convention: str = CSV_CONVENTION
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _read_csv(path: Path, expected: list[str] | None) -> RawTable:
    text, name, note = read_text(path)
    header, cells = read_cells(text, name, expected=expected)
    return RawTable(name, header, cells, notes=[note] if note else [])


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _read_excel(path: Path, table: str | None, sheet: str | None) -> RawTable:
    import openpyxl

    name = str(path)
    if not path.exists():
        raise DataError("Datei nicht gefunden.", file=name, hint="Pfad und Dateinamen prüfen.")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise DataError(
            f"Keine lesbare Excel-Datei (.xlsx): {type(exc).__name__}.",
            file=name,
            hint="Datei in Excel öffnen und erneut als 'Excel-Arbeitsmappe (.xlsx)' speichern.",
        ) from None
    try:
        names = list(book.sheetnames)
        if sheet is not None:
            chosen = sheet if sheet in names else None
        else:
            by_table = [n for n in names if table is not None and n.strip().lower() == table]
            chosen = by_table[0] if by_table else (names[0] if len(names) == 1 else None)
        if chosen is None:
            wanted = sheet if sheet is not None else table
            raise DataError(
                f"Tabellenblatt {wanted!r} nicht gefunden; die Arbeitsmappe enthält: "
                + ", ".join(repr(n) for n in names)
                + ".",
                file=name,
                hint=f"Das Blatt mit den Daten {wanted!r} nennen oder sheet=... angeben.",
            )
        rows: list[list[str]] = []
        index: list[int] = []
        header: list[str] | None = None
        for number, values in enumerate(book[chosen].iter_rows(values_only=True), start=1):
            cells = [_cell_text(v).strip() for v in values]
            if not any(cells):
                continue
            if header is None:
                while cells and not cells[-1]:
                    cells.pop()
                header = cells
                continue
            rows.append(cells)
            index.append(number)
    finally:
        book.close()
    display = f"{name}[{chosen}]"
    if header is None:
        raise DataError("Das Tabellenblatt ist leer.", file=display)
    if not rows:
        raise DataError(
            "Das Tabellenblatt enthält nur die Kopfzeile und keine Daten.", file=display, rows=[1]
        )
    overfull = [i for i, r in zip(index, rows, strict=True) if any(r[len(header) :])]
    if overfull:
        raise DataError(
            "Werte rechts neben der letzten Spalte mit Überschrift.",
            file=display,
            rows=overfull,
            hint="Jede Spalte braucht eine Überschrift in Zeile 1; überzählige Zellen löschen.",
        )
    return RawTable(display, header, cells_frame(header, rows, index))


def _parquet_type_problem(series: pd.Series, kind: str) -> str | None:
    dtype = series.dtype
    is_bool = pd.api.types.is_bool_dtype(dtype)
    is_int = pd.api.types.is_integer_dtype(dtype) and not is_bool
    is_float = pd.api.types.is_float_dtype(dtype)
    is_text = pd.api.types.is_string_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype)
    if kind in ("code", "sozialraum", "text", "category"):
        if is_text:
            return None
        extra = " (führende Nullen gehen dabei verloren)" if kind == "code" else ""
        return f"Spaltentyp {dtype}; erwartet Text (string){extra}"
    if kind in ("year", "int", "count"):
        if is_float:  # pandas writes nullable whole numbers as float with NaN
            values = series.dropna().to_numpy(dtype=float)
            if (values == values.round()).all():
                return None
        return None if is_int else f"Spaltentyp {dtype}; erwartet ganze Zahl (int)"
    if kind == "float":
        return None if (is_int or is_float) else f"Spaltentyp {dtype}; erwartet Zahl (double)"
    if kind == "bool":
        return None if is_bool else f"Spaltentyp {dtype}; erwartet Wahrheitswert (bool)"
    return None


def _whole_floats(series: pd.Series, mask: np.ndarray) -> np.ndarray | None:
    """Return the column as int64 when every value is a whole number, else None."""
    values = series.to_numpy(dtype=float, na_value=np.nan)[~mask]
    if not np.array_equal(values, np.round(values)) or np.abs(values).max(initial=0.0) >= 2**62:
        return None
    out = np.zeros(len(series), dtype=np.int64)
    out[~mask] = values.astype(np.int64)
    return out


def _is_text(series: pd.Series) -> bool:
    if isinstance(series.dtype, pd.CategoricalDtype):
        return pd.api.types.infer_dtype(series.dtype.categories, skipna=True) in ("string", "empty")
    return pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty")


def _column_text(series: pd.Series) -> object:
    """Whole column as text exactly like :func:`_cell_text` per cell, but vectorised.

    Integer, whole-number float, boolean and text columns are converted in
    bulk into an Arrow-backed ``str`` array (a 22-million-row population
    table in about a second); other columns (dates, mixed objects,
    fractional floats) go cell by cell.
    """
    dtype = series.dtype
    mask = series.isna().to_numpy()
    whole = None
    if pd.api.types.is_bool_dtype(dtype):
        flags = series.fillna(False).to_numpy(dtype=bool)
        return _dictionary_text(flags.astype("int64"), ["false", "true"], mask)
    if pd.api.types.is_integer_dtype(dtype):
        whole = (series.fillna(0) if mask.any() else series).to_numpy(dtype=np.int64)
    elif pd.api.types.is_float_dtype(dtype):
        whole = _whole_floats(series, mask)
    if whole is not None:
        # Few distinct values even in huge tables (ages, years, counts):
        # format each distinct number once and let Arrow gather.
        codes, uniques = pd.factorize(whole)
        return _dictionary_text(codes, [str(u) for u in np.asarray(uniques)], mask)
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return series.fillna("").array if mask.any() else series.array
    if _is_text(series):
        out = np.array(series.astype(object).to_numpy(), dtype=object)
        out[mask] = ""
        return out
    values = series.astype(object).to_numpy()
    return np.where(mask, "", [_cell_text(v) for v in values])


def _dictionary_text(codes: np.ndarray, labels: list[str], mask: np.ndarray) -> object:
    """Arrow ``str`` array of ``labels[codes]``, ``""`` where ``mask``."""
    codes = np.asarray(codes, dtype="int32")
    if mask.any():
        codes = np.where(mask, len(labels), codes).astype("int32")
        labels = [*labels, ""]
    dictionary = pa.array(labels, type=pa.large_string())
    decoded = pa.DictionaryArray.from_arrays(pa.array(codes), dictionary)
    return pd.array(decoded.cast(pa.large_string()), dtype="str")


def _read_parquet(path: Path, kinds: dict[str, str]) -> RawTable:
    name = str(path)
    if not path.exists():
        raise DataError("Datei nicht gefunden.", file=name, hint="Pfad und Dateinamen prüfen.")
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
        raise DataError(
            f"Keine lesbare Parquet-Datei: {type(exc).__name__}.",
            file=name,
            hint="Datei erneut schreiben, z. B. mit pandas DataFrame.to_parquet().",
        ) from None
    if frame.empty:
        raise DataError("Die Parquet-Datei enthält keine Datensätze.", file=name)
    header = [str(c) for c in frame.columns]
    problems = []
    cells = {}
    for col, label in zip(frame.columns, header, strict=True):
        series = frame[col]
        kind = kinds.get(label)
        if kind is not None:
            why = _parquet_type_problem(series, kind)
            if why is not None:
                problems.append(Problem(why, column=label))
        cells[label] = _column_text(series)
    raw = pd.DataFrame(cells, index=pd.RangeIndex(1, len(frame) + 1), dtype="str")
    raw.columns = header
    return RawTable(name, header, raw, convention=PARQUET_CONVENTION, problems=problems)


def read_raw(
    path: str | Path,
    *,
    table: str | None = None,
    kinds: dict[str, str] | None = None,
    sheet: str | None = None,
) -> RawTable:
    """Read any supported file into a :class:`RawTable` of strings.

    Parameters
    ----------
    path : str or pathlib.Path
        ``.csv`` (``;`` or ``,``; also ``.csv.gz`` or a ``.zip`` with one
        CSV), ``.xlsx``/``.xlsm`` or ``.parquet``.
    table : str, optional
        Table name: chooses the Excel sheet of that name and the expected
        column names for delimiter detection.
    kinds : dict, optional
        Column name -> kind (see :mod:`toolkit.io.schemas`), used to check
        Parquet column types.
    sheet : str, optional
        Excel sheet to read (default: the sheet named like the table, or the
        only sheet).

    Returns
    -------
    RawTable

    Examples
    --------
    >>> read_raw("does-not-exist.csv")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: Datei nicht gefunden.
    ...
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if path.exists():  # a FIFO named kita.xlsx/.parquet would block the reader
        check_regular_file(path)
    if suffix in _EXCEL_SUFFIXES:
        return _read_excel(path, table, sheet)
    if suffix == ".xls":
        raise DataError(
            "Das alte Excel-Format .xls wird nicht gelesen.",
            file=str(path),
            hint="In Excel als 'Excel-Arbeitsmappe (.xlsx)' oder als 'CSV UTF-8' speichern.",
        )
    if suffix in _PARQUET_SUFFIXES:
        return _read_parquet(path, kinds or {})
    return _read_csv(path, list(kinds) if kinds else None)
