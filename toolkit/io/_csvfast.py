r"""Byte-level scans of the fast path of :func:`toolkit.io._csv.read_cells` (private).

A file without quotes, odd line breaks, NUL bytes, blank lines or lone
carriage returns is read as bytes: numpy finds line ends and delimiters,
Arrow's CSV reader parses the cells. These helpers decide whether a text may
take that path (:data:`ODD_BYTES`, :func:`has_blank_line`), parse its body
(:func:`arrow_cells`) and find the columns whose cells need stripping
(:func:`edge_blank_columns`). Everything else is read by the csv module in
:func:`toolkit.io._csv.parse_records`.

Examples
--------
>>> any(c in b'a;"b"\n' for c in ODD_BYTES)
True
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

__all__ = ["ODD_BYTES", "arrow_cells", "edge_blank_columns", "has_blank_line"]


# Characters that send a file down the careful (csv module) path: line breaks
# that str.splitlines() knows but the C parser does not, and NUL.
_ODD_BREAKS = ("\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\x00")
ODD_BYTES = tuple(c.encode("utf-8") for c in (*_ODD_BREAKS, '"'))
# A whitespace-only line (empty lines are found with plain substring tests).
_BLANK_LINE = re.compile(r"\n[ \t]+(?:\r?\n|$)|^[ \t]+(?:\r?\n|$)")


def has_blank_line(data: np.ndarray, newlines: np.ndarray, text: str) -> bool:
    r"""Whether the text (``data``: its UTF-8 bytes) has an empty or blank-only line.

    Examples
    --------
    >>> raw = b"a;b\n1;2\n\n3;4\n"
    >>> data = np.frombuffer(raw, dtype=np.uint8)
    >>> has_blank_line(data, np.flatnonzero(data == 10), raw.decode())
    True
    """
    if len(data) and data[0] in (10, 13):
        return True
    if len(newlines) > 1:
        gaps = np.diff(newlines)
        if bool((gaps == 1).any()):
            return True
        crlf = newlines[1:][gaps == 2]
        if len(crlf) and bool((data[crlf - 1] == 13).any()):
            return True
    after = newlines[newlines + 1 < len(data)] + 1
    if (len(data) and data[0] in (32, 9)) or bool(np.isin(data[after], (32, 9)).any()):
        return _BLANK_LINE.search(text) is not None
    return False


def arrow_cells(raw: bytes, start: int, width: int, delim: str) -> pd.DataFrame:
    r"""Parse the body (from byte ``start``) with Arrow's CSV reader, every cell as text.

    Examples
    --------
    >>> arrow_cells(b"a;b\n1;x\n2;y\n", 4, 2, ";").values.tolist()
    [['1', 'x'], ['2', 'y']]
    """
    names = [str(i) for i in range(width)]
    table = pacsv.read_csv(
        io.BytesIO(memoryview(raw)[start:]),
        read_options=pacsv.ReadOptions(column_names=names, use_threads=False),
        parse_options=pacsv.ParseOptions(delimiter=delim, quote_char=False),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return pd.DataFrame(
        {i: pd.array(table.column(i).combine_chunks(), dtype="str") for i in range(width)}
    )


def edge_blank_columns(
    body: np.ndarray, ends: np.ndarray, delims: np.ndarray, delim: int
) -> list[int]:
    r"""Return the columns with a blank or tab at the edge of some cell (to be stripped).

    ``ends`` are the positions of the line ends in ``body``, ``delims`` those
    of the delimiter byte ``delim``.

    Examples
    --------
    >>> body = np.frombuffer(b"1; x\n2;y\n", dtype=np.uint8)
    >>> ends, delims = np.flatnonzero(body == 10), np.flatnonzero(body == ord(";"))
    >>> edge_blank_columns(body, ends, delims, ord(";"))
    [1]
    """
    blank = (body == 32) | (body == 9)
    if not blank.any():
        return []
    border = (body == delim) | (body == 10) | (body == 13)
    at_edge = np.zeros(len(body), dtype=bool)
    at_edge[0] = True
    at_edge[1:] = border[:-1]  # the byte before is a border
    at_edge[:-1] |= border[1:]  # the byte after is a border
    at_edge[-1] = True
    edge = np.flatnonzero(blank & at_edge)
    if len(edge) == 0:
        return []
    starts = np.concatenate(([0], ends[:-1] + 1))
    line_start = starts[np.searchsorted(starts, edge, side="right") - 1]
    column = np.searchsorted(delims, edge) - np.searchsorted(delims, line_start)
    return sorted(int(c) for c in np.unique(column))
