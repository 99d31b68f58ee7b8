r"""CSV text to records: delimiter, field counts, line numbers.

Private helpers of the readers. A file whose rows do not all have the
header's number of fields (a file cut off mid-line, a stray delimiter) is an
error naming the lines, never silently padded. The byte-level scans of the
fast path of :func:`read_cells` are in :mod:`toolkit.io._csvfast`.

Examples
--------
>>> header, cells = read_cells("a;b\n1;2\n", "f.csv")
>>> header, cells.loc[2].tolist()
(['a', 'b'], ['1', '2'])
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from toolkit.errors import DataError
from toolkit.io._csvfast import ODD_BYTES, arrow_cells, edge_blank_columns, has_blank_line

__all__ = ["Records", "cells_frame", "choose_delimiter", "parse_records", "read_cells"]


@dataclass(frozen=True)
class Records:
    r"""Parsed CSV: header, data rows and their line numbers in the file.

    Examples
    --------
    >>> r = parse_records("a;b\n1;2\n", "f.csv")
    >>> r.header, r.rows, r.lines, r.delimiter
    (['a', 'b'], [['1', '2']], [2], ';')
    """

    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    delimiter: str


def choose_delimiter(first_line: str, expected: Iterable[str] | None) -> str | None:
    """Delimiter of a header line: the one that yields most expected names, then most fields.

    Examples
    --------
    >>> choose_delimiter("a;b,c", ["a", "b"]), choose_delimiter("abc", None)
    (';', None)
    """
    wanted = {e.lower() for e in expected} if expected is not None else set()
    best: tuple[int, int, str] | None = None
    for delim in (";", ",", "\t", "|"):
        fields = [f.strip().strip('"').lower() for f in first_line.split(delim)]
        if len(fields) < 2:
            continue
        score = (len(wanted.intersection(fields)), len(fields), delim)
        if best is None or score[:2] > best[:2]:
            best = score
    return None if best is None else best[2]


def _delimiter(
    first: str, file: str, expected: Sequence[str] | None, delimiters: Sequence[str]
) -> str:
    delim = choose_delimiter(first, expected)
    if delim is None:
        raise DataError(
            f"Kein Trennzeichen erkannt: die Kopfzeile enthält nur eine Spalte ({first[:80]!r}).",
            file=file,
            rows=[1],
            hint="Die Datei als CSV mit ';' oder ',' als Trennzeichen speichern.",
        )
    if delim not in delimiters:
        shown = "Tabulator" if delim == "\t" else repr(delim)
        raise DataError(
            f"Nicht unterstütztes Trennzeichen {shown}; erwartet wird "
            + " oder ".join(repr(d) for d in delimiters)
            + ".",
            file=file,
            rows=[1],
            hint="Datei als CSV mit "
            + " oder ".join(repr(d) for d in delimiters)
            + " als Trennzeichen speichern"
            + (" (bei GENESIS: die Datei unverändert verwenden)." if delimiters == (";",) else "."),
        )
    return delim


def parse_records(
    text: str,
    file: str,
    *,
    expected: Sequence[str] | None = None,
    delimiters: Sequence[str] = (";", ","),
) -> Records:
    r"""Split CSV text into records, checking every row has the header's length.

    Blank lines are skipped. Line numbers count the header as line 1.

    Parameters
    ----------
    text : str
        Decoded file content.
    file : str
        Name used in messages.
    expected : sequence of str, optional
        Column names expected; used to choose between delimiters.
    delimiters : sequence of str
        Delimiters accepted; any other detected delimiter is an error.

    Returns
    -------
    Records

    Raises
    ------
    DataError
        Unsupported delimiter, header only, rows with a wrong number of
        fields (e.g. a file cut off mid-line) or unbalanced quotes.

    Examples
    --------
    >>> parse_records("a,b\n1,2\n\n3,4\n", "f.csv").lines
    [2, 4]
    """
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    delim = _delimiter(first, file, expected, delimiters)
    # a quoted cell may be long (a note, a description): the csv module's default
    # limit of 128 KiB per field is not a property of the file
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    short: list[int] = []
    long: list[int] = []
    start = 1
    last_start = 1
    try:
        for record in reader:
            if not record or (len(record) == 1 and not record[0].strip()):
                start = reader.line_num + 1
                continue
            last_start = start
            if header is None:
                header = [h.strip().lstrip("\ufeff") for h in record]
            elif len(record) != len(header):
                (short if len(record) < len(header) else long).append(start)
            else:
                rows.append(record)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(
            f"Die CSV-Struktur ist ab Zeile {start} defekt ({exc}); vermutlich fehlt ein "
            "schließendes Anführungszeichen oder die Datei ist abgeschnitten.",
            file=file,
            rows=[start],
            hint="Datei erneut exportieren oder herunterladen.",
        ) from None
    if header is None:
        raise DataError("Die Datei ist leer.", file=file, hint="Export wiederholen.")
    _structure_error(short, long, len(header), last_start, text, file)
    if not rows:
        _header_only(file)
    return Records(header=header, rows=rows, lines=lines, delimiter=delim)


def _header_only(file: str) -> None:
    raise DataError(
        "Die Datei enthält nur die Kopfzeile und keine Daten.",
        file=file,
        rows=[1],
        hint="Export mit Daten wiederholen.",
    )


def _structure_error(
    short: list[int], long: list[int], width: int, last_start: int, text: str, file: str
) -> None:
    """Raise for rows whose number of fields differs from the header's."""
    if not short and not long:
        return
    parts = []
    if short:
        parts.append(f"zu wenige Felder in Zeile(n) {', '.join(map(str, short[:20]))}")
    if long:
        parts.append(f"zu viele Felder in Zeile(n) {', '.join(map(str, long[:20]))}")
    truncated = bool(short) and short[-1] == last_start and not text.endswith("\n")
    hint = (
        "Die letzte Zeile ist unvollständig: die Datei wurde offenbar abgeschnitten; "
        "vollständig neu herunterladen oder exportieren."
        if truncated
        else f"Jede Zeile muss {width} Felder haben (wie die Kopfzeile); "
        "Trennzeichen in Werten in Anführungszeichen setzen."
    )
    raise DataError(
        "Zeilen mit falscher Feldzahl: " + "; ".join(parts) + ".",
        file=file,
        rows=sorted(short + long),
        hint=hint,
    )


def _careful(
    text: str, file: str, expected: Sequence[str] | None, delimiters: Sequence[str]
) -> tuple[list[str], pd.DataFrame]:
    records = parse_records(text, file, expected=expected, delimiters=delimiters)
    return _drop_trailing(
        header=records.header, frame=cells_frame(records.header, records.rows, records.lines)
    )


_SEP_LINE = re.compile(r'^(?:\ufeff)?"?sep=(.)"?[ \t]*\r?(?:\n|$)', re.IGNORECASE)
_LAST_NUMBER = re.compile(r"(?:^|[;,\t|])[-+]?[0-9][0-9.,]*$")


def _drop_trailing(header: list[str], frame: pd.DataFrame) -> tuple[list[str], pd.DataFrame]:
    """Drop the unnamed empty last column a ';' at the end of every line makes."""
    if len(header) > 1 and header[-1] == "" and header.count("") == 1:
        last = frame.iloc[:, -1]
        if not last.astype(bool).any():
            frame = frame.iloc[:, :-1]
            header = header[:-1]
    return header, frame


def _sep_line(text: str, delimiters: Sequence[str]) -> tuple[str, Sequence[str]]:
    """Blank out Excel's ``sep=;`` first line (line numbers stay) and use its delimiter."""
    match = _SEP_LINE.match(text)
    if match is None:
        return text, delimiters
    delim = match.group(1)
    wanted = tuple(d for d in delimiters if d == delim) or delimiters
    return "\n" + text[match.end() :], wanted


def _check_cut(text: str, file: str) -> None:
    """Refuse a file that ends in the middle of a number (no line break after it)."""
    if not text or text.endswith(("\n", "\r")):
        return
    last = text[text.rfind("\n") + 1 :]
    if not _LAST_NUMBER.search(last.rstrip(" \t")):
        return
    line = text.count("\n") + 1
    raise DataError(
        "Die Datei endet mitten in einer Zeile ohne Zeilenumbruch, und ihr letzter Wert ist "
        "eine Zahl: die Datei ist vermutlich abgeschnitten, und die Zahl wäre dann falsch "
        f"(Zeile {line} endet mit {last[-20:]!r}).",
        file=file,
        rows=[line],
        hint="Die Datei vollständig neu herunterladen oder exportieren; ist die letzte Zeile "
        "wirklich vollständig, am Ende einen Zeilenumbruch ergänzen.",
    )


def cells_frame(header: list[str], rows: list[list[str]], index: list[int]) -> pd.DataFrame:
    """Build a frame of stripped strings (short rows padded with ``""``).

    Examples
    --------
    >>> cells_frame(["a", "b"], [[" 1"]], [2]).loc[2].tolist()
    ['1', '']
    """
    data = {i: [r[i].strip() if i < len(r) else "" for r in rows] for i in range(len(header))}
    frame = pd.DataFrame(data, index=pd.Index(index, dtype="int64"), dtype="str")
    frame.columns = header
    return frame


def read_cells(
    text: str,
    file: str,
    *,
    expected: Sequence[str] | None = None,
    delimiters: Sequence[str] = (";", ","),
    encoded: bytes | None = None,
) -> tuple[list[str], pd.DataFrame]:
    r"""Parse CSV text into a frame of stripped strings indexed by line number.

    Same checks as :func:`parse_records`; files without quotes take a fast
    path through pandas' C parser after the field counts were checked line by
    line.

    Parameters
    ----------
    text : str
        Decoded file content.
    file : str
        Name used in messages.
    expected : sequence of str, optional
        Column names expected; used to choose between delimiters.
    delimiters : sequence of str
        Delimiters accepted.
    encoded : bytes, optional
        ``text`` encoded as UTF-8, if the caller has it (saves encoding again).

    Returns
    -------
    tuple of (list of str, pandas.DataFrame)
        Header and cells (index = line number, header = line 1).

    Examples
    --------
    >>> header, cells = read_cells("a;b\n 1;x\n\n2;y\n", "f.csv")
    >>> header, cells.index.tolist(), cells["a"].tolist()
    (['a', 'b'], [2, 4], ['1', '2'])
    """
    sep_text, delimiters = _sep_line(text, delimiters)
    if sep_text is not text:
        text, encoded = sep_text, None
    _check_cut(text, file)
    raw = text.encode("utf-8") if encoded is None else encoded
    if any(c in raw for c in ODD_BYTES):  # quotes, odd line breaks, NUL: the csv module
        return _careful(text, file, expected, delimiters)
    data = np.frombuffer(raw, dtype=np.uint8)
    newlines = np.flatnonzero(data == 10)
    returns = np.flatnonzero(data == 13)
    lone_cr = len(returns) > 0 and (
        returns[-1] + 1 >= len(data) or bool((data[returns + 1] != 10).any())
    )
    if lone_cr or has_blank_line(data, newlines, text):
        return _careful(text, file, expected, delimiters)
    first = int(newlines[0]) if len(newlines) else len(data)
    head = raw[:first].decode("utf-8").rstrip("\r")
    delim = _delimiter(head, file, expected, delimiters)
    header = [h.strip() for h in head.split(delim)]
    start = first + 1
    if start >= len(data):
        _header_only(file)
    # fields per line, vectorised: delimiters between consecutive line ends
    body = data[start:]
    ends = newlines[1:] - start
    if body[-1] != 10:
        ends = np.append(ends, len(body))
    delims = np.flatnonzero(body == ord(delim))
    counts = np.diff(np.searchsorted(delims, ends), prepend=0) + 1
    numbers = np.arange(2, len(ends) + 2, dtype=np.int64)
    width = len(header)
    short = numbers[counts < width].tolist()
    long = numbers[counts > width].tolist()
    _structure_error(short, long, width, int(numbers[-1]), text, file)
    try:
        frame = arrow_cells(raw, start, width, delim)
    except (pa.ArrowInvalid, ValueError):  # anything Arrow's parser dislikes goes the careful way
        return _careful(text, file, expected, delimiters)
    if frame.shape != (len(numbers), width):
        return _careful(text, file, expected, delimiters)
    for col in edge_blank_columns(body, ends, delims, ord(delim)):
        frame[col] = frame[col].str.strip()
    frame.index = pd.Index(numbers, dtype="int64")
    frame.columns = header
    return _drop_trailing(header, frame)
