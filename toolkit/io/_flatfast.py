"""Fast path of the flat GENESIS reader: every check on the distinct cells.

Private helper of :func:`toolkit.io.read_genesis`. A large flat export repeats
few distinct values per column (the 217,056 rows of an eight-year Gemeinde
export hold 661 distinct values, 8 times and 13,566 region codes). This path
parses the file with Arrow's CSV reader, dictionary-encodes every column and
runs the reader's checks (symbols and numbers, language, region codes, time,
one statistic, duplicate cells, odd characters, cells with blanks at the
edge) on the distinct values and integer codes only.

It answers only for files it can vouch for. Whenever a check finds anything,
or the file needs the careful parser (quotes, blank lines, a row with a wrong
number of fields, a lone carriage return, a file cut off), it returns
``None``: then the exact path of :func:`~toolkit.io.read_genesis` reads the
file row by row and words the error with its line numbers. Both paths give
the same frame (``tests/io/test_flat_fast.py`` compares them on real and on
spoilt files).

Examples
--------
>>> from toolkit.io.genesis import GENESIS_SAMPLE_DIR
>>> text = (GENESIS_SAMPLE_DIR / "12411-01-01-4_de_flat.csv").read_text("utf-8-sig")
>>> df = read_flat_fast(text, None, "12411-01-01-4_de_flat.csv")
>>> df.loc[(df.region_code == "09162") & (df.GES == ""), "value"].item()
1505005.0
>>> read_flat_fast(text.replace(";-;", ';"-";', 1), None, "q_de_flat.csv") is None
True
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from toolkit.errors import DataError
from toolkit.io._codes import code_level
from toolkit.io._csv import choose_delimiter
from toolkit.io._flathead import FIXED, REQUIRED, check_header
from toolkit.io._flatvars import REGION_VARIABLES, column_name, is_regional
from toolkit.io._genesis_checks import flat_language, region_problems, time_problems
from toolkit.io._values import parse_values

__all__ = ["read_flat_fast"]

# characters the exact path treats with the careful csv-module parser
_ODD = re.compile("[\v\f\x1c\x1d\x1e\x85\u2028\u2029\x00]")
# well-formed codes of real Länder whose level follows from their length alone
_PLAIN_CODE = re.compile(r"DG|(?:0[1-9]|1[0-6])(?:[0-9]{3}|[0-9]{6})?")
_LEVEL_BY_LENGTH = {2: "land", 5: "kreis", 8: "gemeinde"}


@dataclass(frozen=True)
class _Column:
    """One parsed column: the Arrow cells, their distinct values and a code per row."""

    array: pa.Array
    uniques: np.ndarray
    codes: np.ndarray
    cells: np.ndarray  # the distinct values as the exact path sees them (edge blanks stripped)

    def series(self, values: np.ndarray | None = None) -> pd.Series:
        """Per-row text column of ``values`` (one per distinct cell; default: the cells)."""
        values = self.cells if values is None else values
        if values is self.uniques or np.array_equal(values, self.uniques):
            return pd.Series(pd.array(self.array, dtype="str"))
        return _take(values, self.codes)

    def first(self) -> str:
        """Return the cell of the first row."""
        return str(self.cells[self.codes[0]])


def _take(values: np.ndarray, codes: np.ndarray) -> pd.Series:
    """Text column ``values[codes]`` (None stays missing), taken in Arrow."""
    table = pa.array(values, type=pa.large_string(), from_pandas=True)
    return pd.Series(pd.array(table.take(codes), dtype="str"))


def _strip(values: np.ndarray) -> np.ndarray:
    """Strip like ``Series.str.strip`` (the exact path's operation)."""
    return pd.Series(values, dtype="str").str.strip().to_numpy(dtype=object)


def _encode(chunked: pa.ChunkedArray) -> _Column | None:
    array = chunked.combine_chunks()
    encoded = pc.dictionary_encode(array)
    uniques = encoded.dictionary.to_numpy(zero_copy_only=False)
    if _ODD.search("\n".join(uniques)):
        return None
    edge = any(u[:1] in (" ", "\t") or u[-1:] in (" ", "\t") for u in uniques)
    cells = _strip(uniques) if edge else uniques
    return _Column(array, uniques, encoded.indices.to_numpy(), cells)


def _parse(raw: bytes, header: list[str]) -> dict[str, _Column] | None:
    """Arrow's CSV reader on the body; None where the careful parser must decide."""
    names = [str(i) for i in range(len(header))]
    try:
        table = pacsv.read_csv(
            io.BytesIO(memoryview(raw)[raw.find(b"\n") + 1 :]),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=False),
            parse_options=pacsv.ParseOptions(
                delimiter=";", quote_char=False, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, ValueError):  # wrong field counts, blank lines: careful path
        return None
    if table.num_rows == 0:
        return None
    columns = {}
    for i, name in enumerate(header):
        column = _encode(table.column(i))
        if column is None:
            return None
        columns[name] = column
    return columns


def _levels(codes: np.ndarray) -> np.ndarray:
    """Level of every distinct region code; None where the code alone does not tell."""
    out = np.empty(len(codes), dtype=object)
    for i, code in enumerate(codes):
        if _PLAIN_CODE.fullmatch(code):
            out[i] = "bund" if code == "DG" else _LEVEL_BY_LENGTH[len(code)]
        else:
            out[i] = code_level(code)
    return out


def _level_column(region: _Column, region_u: np.ndarray, var: _Column) -> pd.Series:
    """``region_level`` per row: from the code, else from the region variable (``LL0``)."""
    levels = _levels(region_u)
    unknown = np.equal(levels, None)
    if not unknown.any():
        return region.series(levels)
    # as ``_flatvars._levels``: the variable of the row (REGBEZ for 'LL0') gives the level
    pairs = region.codes.astype(np.int64) * len(var.cells) + var.codes
    _, first, index = np.unique(pairs, return_index=True, return_inverse=True)
    per = np.array(
        [
            levels[region.codes[i]]
            if levels[region.codes[i]] is not None
            else REGION_VARIABLES.get(var.cells[var.codes[i]])
            for i in first
        ],
        dtype=object,
    )
    return _take(per, index.ravel())


def _region_variable(variable_codes: dict[int, _Column]) -> int | None:
    """Return the numbered variable holding the region; None: rows must be split one by one.

    Every other variable must be the same in all rows. The region variable may name
    different levels in different rows (``DINSG``, ``DLAND``, ``REGBEZ``, ``KREISE`` in an
    export of several levels); then it must be the only regional variable.
    """
    distinct = {n: set(c.cells) for n, c in variable_codes.items()}
    varying = [n for n, d in distinct.items() if len(d) > 1]
    if not varying:
        return next((n for n in distinct if is_regional(variable_codes[n].first())), None)
    regional = [n for n, d in distinct.items() if any(is_regional(v) for v in d)]
    if varying != regional or len(varying) > 1:
        return None
    return varying[0] if all(is_regional(v) for v in distinct[varying[0]]) else None


def _values(
    value: _Column, quality: _Column | None, name: str, language: str | None
) -> tuple[np.ndarray, pd.Series] | None:
    """Numbers and flags per row, parsed once per distinct (value, quality mark) pair."""
    if quality is None:
        codes, texts, marks = value.codes, value.cells, None
    else:
        pairs = value.codes.astype(np.int64) * len(quality.cells) + quality.codes
        _, first, codes = np.unique(pairs, return_index=True, return_inverse=True)
        codes = codes.ravel()
        texts = value.cells[value.codes[first]]
        marks = pd.Series(quality.cells[quality.codes[first]], dtype="str")
    try:
        values, flags = parse_values(
            pd.Series(texts, dtype="str"), marks, np.arange(len(texts)), name, language
        )
    except DataError:
        return None
    if np.isinf(values).any():
        return None
    return values[codes], _take(flags, codes)


def _first_year(times: np.ndarray) -> np.ndarray:
    years = pd.Series(times, dtype="str").str.extract(r"^\s*(\d{4})")[0]
    return pd.to_numeric(years, errors="coerce").to_numpy(dtype=float)


def _unique_rows(parts: list[tuple[np.ndarray, np.ndarray]], n: int) -> bool:
    """Whether the key (per part: values per distinct cell, codes per row) has no repeat."""
    key = np.zeros(n, dtype=np.int64)
    size = 1
    for values, codes in parts:
        canon, distinct = pd.factorize(pd.Series(values, dtype="object"), use_na_sentinel=False)
        width = max(len(distinct), 1)
        if size * width >= 2**62:
            return False
        key = key * width + canon[codes]
        size *= width
    return len(pd.unique(key)) == n


def read_flat_fast(text: str, encoded: bytes | None, name: str) -> pd.DataFrame | None:
    """Read a clean flat export quickly; None if the exact path must read it.

    Parameters
    ----------
    text : str
        Decoded file content.
    encoded : bytes or None
        ``text`` encoded as UTF-8 if the caller has it.
    name : str
        File name (language hint, ``attrs["source"]``).

    Returns
    -------
    pandas.DataFrame or None
        The frame :func:`~toolkit.io.read_genesis` returns (``attrs`` without
        ``notes``), or None.
    """
    if not text.endswith("\n"):
        return None
    raw = text.encode("utf-8") if encoded is None else encoded
    if b'"' in raw or (b"\r" in raw and raw.count(b"\r") != raw.count(b"\r\n")):
        return None
    head = raw[: raw.find(b"\n")].decode("utf-8").rstrip("\r")
    if choose_delimiter(head, REQUIRED) != ";":
        return None
    header = [h.strip() for h in head.split(";")]
    try:
        numbers = check_header(header, name)
    except DataError:
        return None
    if "value_variable_label" not in header or "" in header:
        return None
    columns = _parse(raw, header)
    if columns is None:
        return None
    return _frame(columns, numbers, name)


def _frame(columns: dict[str, _Column], numbers: list[int], name: str) -> pd.DataFrame | None:
    """Check the distinct cells, then build the result frame; None at the first problem."""
    variable_codes = {n: columns[f"{n}_variable_code"] for n in numbers}
    region_n = _region_variable(variable_codes)
    if region_n is None:
        return None
    stat, time, value = columns["statistics_code"], columns["time"], columns["value"]
    unit, variable = columns["value_unit"], columns["value_variable_code"]
    stat_u, time_u, variable_u = _strip(stat.cells), _strip(time.cells), _strip(variable.cells)
    if len(set(stat_u)) > 1 or time_problems(pd.Series(time_u), np.arange(len(time_u))):
        return None
    language = flat_language(
        pd.Series(unit.cells), pd.Series(columns["value_variable_label"].cells)
    )
    parsed = _values(value, columns.get("value_q"), name, language)
    if parsed is None:
        return None
    region = columns[f"{region_n}_variable_attribute_code"]
    region_u = _strip(region.cells)
    split: dict[str, pd.Series] = {}
    variables: dict[str, str] = {}
    key_parts = []
    for n in numbers:
        code = variable_codes[n].first()
        if n == region_n or code == "":
            continue
        column = column_name(code, FIXED)
        attr = columns[f"{n}_variable_attribute_code"]
        attr_u = _strip(attr.cells)
        variables[column] = columns[f"{n}_variable_label"].first()
        split[column] = attr.series(attr_u)
        split[f"{column}_label"] = columns[f"{n}_variable_attribute_label"].series()
        key_parts.append((attr_u, attr.codes))
    others = {k: np.asarray([], dtype=object) for k in split if not k.endswith("_label")}
    regional = np.ones(len(region_u), dtype=bool)
    known = set(REGION_VARIABLES)
    if region_problems(
        pd.Series(region_u, dtype="str"), regional, others, known, np.arange(len(region_u))
    ):
        return None
    key = [(stat_u, stat.codes), (time_u, time.codes), (region_u, region.codes)]
    key += [*key_parts, (variable_u, variable.codes)]
    if not _unique_rows(key, len(value.codes)):
        return None
    year = _first_year(time.cells)[time.codes]
    frame = pd.DataFrame(
        {
            "statistic": stat.series(stat_u),
            "time": time.series(time_u),
            "year": pd.Series(year).astype("Int64"),
            "region_code": region.series(region_u),
            "region_name": columns[f"{region_n}_variable_attribute_label"].series(),
            "region_level": _level_column(region, region_u, variable_codes[region_n]),
            **split,
            "variable": variable.series(variable_u),
            "variable_label": columns["value_variable_label"].series(),
            "unit": unit.series(_strip(unit.cells)),
            "value": parsed[0],
            "flag": parsed[1],
        }
    )
    frame.attrs = {
        "statistic_label": columns["statistics_label"].first()
        if "statistics_label" in columns
        else "",
        "variables": variables,
        "source": name,
    }
    return frame
