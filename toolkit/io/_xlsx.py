r"""XLSX downloads of the Regionalstatistik / GENESIS table layout.

Private helper of :func:`toolkit.io.read_genesis`. The "XLSX" button gives the
same table as the "CSV" button, with three differences this module evens out
before :func:`toolkit.io._layout.read_layout` reads the cells: merged header
cells are real merges (their text is repeated across the merged columns, as
the CSV repeats it), numbers are numbers (written back as text with a decimal
comma), and the table code is the sheet's name instead of a first line.
The year stands on its own row above each block of regions; the layout reader
understands that form.

Examples
--------
>>> _number(1234.0), _number(12.5), _number("x")
('1234', '12,5', 'x')
"""

from __future__ import annotations

import io
import warnings
import zipfile
from datetime import date, datetime

import numpy as np
import pandas as pd

from toolkit.errors import DataError
from toolkit.io._layout import Grid, read_layout

__all__ = ["read_xlsx", "xlsx_grid"]


def _number(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not np.isfinite(value):
            return str(value)
        return np.format_float_positional(value, trim="-").replace(".", ",")
    if isinstance(value, datetime | date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def xlsx_grid(data: bytes, name: str) -> Grid:
    r"""Read the first sheet of a workbook into a grid of cell texts.

    Merged ranges that start right of the first column repeat their text
    across their first row (as the CSV download does); merges in the first
    column (label header, year rows, footer lines) are left as they are.

    Parameters
    ----------
    data : bytes
        The workbook.
    name : str
        File name for messages.

    Returns
    -------
    Grid

    Raises
    ------
    DataError
        If the bytes are no readable workbook.

    Examples
    --------
    >>> xlsx_grid(b"PK\\x03\\x04broken", "t.xlsx")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: Die XLSX-Datei kann nicht gelesen werden (beschädigt oder keine Excel-Arbeitsmappe).
    ...
    """
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "no default style" of official files
            book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError):
        raise DataError(
            "Die XLSX-Datei kann nicht gelesen werden (beschädigt oder keine Excel-Arbeitsmappe).",
            file=name,
            hint="Datei erneut herunterladen.",
        ) from None
    sheet = book.worksheets[0]
    notes = []
    if len(book.worksheets) > 1:
        notes.append(
            f"Die Arbeitsmappe hat {len(book.worksheets)} Blätter; gelesen wurde das erste "
            f"({sheet.title!r})."
        )
    rows = [[_number(v) for v in r] for r in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:
        if merged.min_col <= 1 or merged.min_row > len(rows):
            continue
        row = rows[merged.min_row - 1]
        text = row[merged.min_col - 1]
        for col in range(merged.min_col, min(merged.max_col, len(row))):
            row[col] = text
    return Grid(rows, list(range(1, len(rows) + 1)), table=sheet.title, origin="xlsx", notes=notes)


def read_xlsx(data: bytes, name: str) -> pd.DataFrame:
    """Read an XLSX table-layout download into the frame of ``read_genesis``.

    Parameters
    ----------
    data, name : bytes, str
        Workbook content and the file name used in messages.

    Returns
    -------
    pandas.DataFrame
        As :func:`toolkit.io._layout.read_layout`.

    Examples
    --------
    >>> read_xlsx(b"", "t.xlsx")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: Die XLSX-Datei kann nicht gelesen werden (beschädigt oder keine Excel-Arbeitsmappe).
    ...
    """
    return read_layout(xlsx_grid(data, name), name)
