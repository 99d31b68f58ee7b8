"""Reader for GENESIS / Regionalstatistik flat CSV exports ("ffcsv").

The flat CSV format of GENESIS-Online and the Regionalstatistik has one row
per value and the same English column names in German and English exports:
``statistics_code; statistics_label; time_code; time_label; time;``
``{n}_variable_code; {n}_variable_label; {n}_variable_attribute_code;``
``{n}_variable_attribute_label; ...; value; value_unit; value_variable_code;``
``value_variable_label`` and optionally ``value_q``. German exports write a
decimal comma and German labels, English exports a decimal point and English
labels (Destatis, "Das neue Flatfile CSV-Format (ffcsv) der Datenbank
GENESIS-Online", 2024).

Examples
--------
>>> df = read_genesis(GENESIS_SAMPLE_DIR / "12411-01-01-4_de_flat.csv")
>>> df.loc[(df.region_code == "09162") & (df.GES == ""), "value"].item()
1505005.0
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.errors import DataError
from toolkit.io._container import open_official
from toolkit.io._csv import read_cells
from toolkit.io._flatfast import read_flat_fast
from toolkit.io._flathead import FIXED, REQUIRED, check_header
from toolkit.io._flatvars import REGION_VARIABLES, split_variables
from toolkit.io._genesis_checks import (
    duplicate_problems,
    flat_language,
    region_problems,
    statistic_problems,
    time_problems,
    value_problems,
)
from toolkit.io._layout import csv_grid, is_layout, read_layout
from toolkit.io._source import DataWarning, text_from_bytes
from toolkit.io._values import MISSING_SYMBOLS, QUALITY_FLAGS, parse_values

# parse_values, MISSING_SYMBOLS and QUALITY_FLAGS live in _values (also used by _layout)

__all__ = [
    "GENESIS_SAMPLE_DIR",
    "MISSING_SYMBOLS",
    "QUALITY_FLAGS",
    "REGION_VARIABLES",
    "read_genesis",
]

#: Directory of the real exports shipped with the project.
GENESIS_SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data_samples" / "genesis"


def _check_cells(frame: pd.DataFrame, columns: dict, lines: np.ndarray, name: str) -> None:
    """Raise one DataError for cells whose meaning is wrong (see _genesis_checks)."""
    others = {k: v.to_numpy(dtype=object) for k, v in columns.items() if not k.endswith("_label")}
    key = ["statistic", "time", "region_code", *others, "variable"]
    regional = frame["region_code"].notna().to_numpy()
    problems = [
        *statistic_problems(frame["statistic"], lines),
        *time_problems(frame["time"], lines),
        *value_problems(frame["value"].to_numpy(), lines),
        *region_problems(frame["region_code"], regional, others, set(REGION_VARIABLES), lines),
    ]
    if not problems:
        problems = duplicate_problems(frame, key, lines)
    if problems:
        raise DataError(
            f"Die GENESIS-Datei enthält {len(problems)} Problem(e); sie wird nicht gelesen, "
            "weil Werte sonst falsch zugeordnet oder doppelt gezählt würden. Zeilennummern wie "
            "in der Datei (Kopfzeile = Zeile 1).",
            file=name,
            problems=problems,
        )


def _read_flat_exactly(text: str, encoded: bytes | None, name: str) -> pd.DataFrame:
    """Read a flat export row by row: every check names the lines it concerns."""
    header, raw = read_cells(text, name, expected=REQUIRED, delimiters=(";",), encoded=encoded)
    numbers = check_header(header, name)
    lines = raw.index.to_numpy(dtype=np.int64)
    raw = raw.reset_index(drop=True)
    quality = raw["value_q"] if "value_q" in raw.columns else None
    language = flat_language(raw["value_unit"], raw.get("value_variable_label"))
    values, flags = parse_values(raw["value"], quality, lines, name, language)

    split = split_variables(raw, numbers, FIXED)
    times = pd.Series(pd.unique(raw["time"]), dtype="str")
    first_year = pd.to_numeric(times.str.extract(r"^\s*(\d{4})")[0], errors="coerce")
    year = raw["time"].map(dict(zip(times, first_year, strict=True)))
    frame = pd.DataFrame(
        {
            "statistic": raw["statistics_code"].str.strip(),
            "time": raw["time"].str.strip(),
            "year": year.astype("Int64"),
            "region_code": split.region_code,
            "region_name": split.region_name,
            "region_level": split.region_level,
            **split.columns,
            "variable": raw["value_variable_code"].str.strip(),
            "variable_label": raw.get("value_variable_label", pd.Series("", index=raw.index)),
            "unit": raw["value_unit"].str.strip(),
            "value": values,
            "flag": pd.Series(flags, index=raw.index, dtype="str"),
        }
    )
    _check_cells(frame, split.columns, lines, name)
    frame.attrs = {
        "statistic_label": str(raw["statistics_label"].iloc[0])
        if "statistics_label" in raw
        else "",
        "variables": split.variables,
        "source": name,
    }
    return frame


def read_genesis(path: str | Path) -> pd.DataFrame:
    """Read a GENESIS / Regionalstatistik flat CSV export into a tidy table.

    Parameters
    ----------
    path : str or pathlib.Path
        The export as downloaded: ``*_flat.csv``, the ``*_flat.zip`` that
        GENESIS-Online delivers, or a gzip-compressed CSV. German (decimal
        comma) and English (decimal point) exports are both read.

    Returns
    -------
    pandas.DataFrame
        One row per value, with the columns

        - ``statistic`` (str): statistics code, e.g. ``12411``;
        - ``time`` (str): as in the file (``2024-12-31``, ``2024``,
          ``2023-10P6M``); ``year`` (Int64): the calendar year it starts in;
        - ``region_code`` (str, leading zeros kept), ``region_name``,
          ``region_level`` (``bund``, ``land``, ``regbez``, ``kreis``,
          ``gemeinde``; from the code's structure, so the 8-digit cities
          that GENESIS lists among the Kreise count as ``gemeinde``);
        - for every further variable with code ``CODE`` a pair ``CODE`` (the
          attribute code; ``""`` for a total, which GENESIS writes with an
          empty code and the label ``Insgesamt``/``Total``; ``<NA>`` where the
          variable does not occur in that row) and ``CODE_label``;
        - ``variable`` and ``variable_label`` (the value variable, e.g.
          ``BEVSTD`` Bevölkerungsstand), ``unit``;
        - ``value`` (float): ``-`` becomes 0; ``.``, ``x``, ``/``, ``...``
          become NaN;
        - ``flag`` (str): the symbol (``-``, ``.``, ``x``, ``/``, ``...``,
          ``()`` for a value in brackets) or quality mark (``p``, ``r``,
          ``s``, also from a ``value_q`` column), ``""`` where none.

        ``df.attrs`` holds ``statistic_label``, ``variables`` (code -> label),
        ``source`` and ``notes``.

    Raises
    ------
    DataError
        For anything that is not a readable flat CSV export: old-format
        exports, missing columns, unknown symbols, HTML pages, broken
        archives. All problems of the value column are listed at once.

    Examples
    --------
    >>> df = read_genesis(GENESIS_SAMPLE_DIR / "13111-01-03-4_de_flat.csv")
    >>> sorted(df.region_level.unique())
    ['bund', 'gemeinde', 'kreis', 'land', 'regbez']
    >>> dict(sorted(df.flag.value_counts().items()))
    {'': 330, '-': 2898, '.': 72}
    """
    opened = open_official(path)
    name = opened.name
    if opened.kind == "xlsx":
        from toolkit.io._xlsx import read_xlsx

        return read_xlsx(opened.data, name)
    text, note = text_from_bytes(opened.data, name)
    if is_layout(text):
        # official table-layout CSV is Windows-1252 by design: no encoding warning
        return read_layout(csv_grid(text, name), name)
    encoded = None
    if note is None:  # UTF-8: the file's bytes (without BOM) are the text's encoding
        encoded = opened.data[3:] if opened.data.startswith(b"\xef\xbb\xbf") else opened.data
    frame = read_flat_fast(text, encoded, name)
    if frame is None:  # anything unusual: row by row, with line numbers in every message
        frame = _read_flat_exactly(text, encoded, name)
    frame.attrs["notes"] = [note] if note else []
    if note:
        warnings.warn(f"{name}: {note}", DataWarning, stacklevel=2)
    return frame
