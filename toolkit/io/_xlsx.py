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
import re
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


_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]+\d+:[A-Z]+\d+)"')
_SHEET = re.compile(rb'<sheet\b[^>]*\br:id="([^"]+)"')
_TARGET = re.compile(rb"<Relationship\b[^>]*>")


def _merged_ranges(data: bytes) -> list[tuple[int, int, int, int]]:
    """Return the merged cell ranges of the first sheet, read from its XML part.

    openpyxl gives merged ranges only when it loads the whole workbook into
    memory (slow); its fast read-only mode does not, so they are taken from
    the ``<mergeCell ref="E3:L3"/>`` elements directly.
    """
    from openpyxl.utils.cell import range_boundaries

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
        first = _SHEET.search(workbook)
        target = None
        for rel in _TARGET.findall(rels):
            if first and f'Id="{first.group(1).decode()}"'.encode() in rel:
                target = re.search(rb'Target="([^"]+)"', rel)
        part = target.group(1).decode().lstrip("/") if target else "worksheets/sheet1.xml"
        part = part if part.startswith("xl/") else f"xl/{part}"
        xml = archive.read(part)
    return [range_boundaries(m.decode()) for m in _MERGE.findall(xml)]


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
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = book.worksheets[0]
            rows = [[_number(v) for v in r] for r in sheet.iter_rows(values_only=True)]
            merges = _merged_ranges(data)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError, IndexError):
        raise DataError(
            "Die XLSX-Datei kann nicht gelesen werden (beschädigt oder keine Excel-Arbeitsmappe).",
            file=name,
            hint="Datei erneut herunterladen.",
        ) from None
    notes = []
    if len(book.worksheets) > 1:
        notes.append(
            f"Die Arbeitsmappe hat {len(book.worksheets)} Blätter; gelesen wurde das erste "
            f"({sheet.title!r})."
        )
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    for min_col, min_row, max_col, _ in merges:
        if min_col <= 1 or min_row > len(rows):
            continue
        row = rows[min_row - 1]
        for col in range(min_col, min(max_col, len(row))):
            row[col] = row[min_col - 1]
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
