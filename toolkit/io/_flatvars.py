"""Region and variable columns of a flat GENESIS export.

Private helper of :func:`toolkit.io.read_genesis`. Every numbered variable
``{n}_variable_code`` of a flat export is either the region (``KREISE``,
``GEMEIN`` …, or ``GEO…`` in the Zensus database) or a breakdown that becomes
a code/label column pair named by its code. In nearly every export each
numbered variable is the same in all rows; then whole columns are taken over
(fast path). Exports that mix levels (Deutschland, Länder and Kreise in one
file under different variables) go the row-by-row way.

Examples
--------
>>> raw = pd.DataFrame({"1_variable_code": ["KREISE", "KREISE"],
...     "1_variable_label": "Kreise", "1_variable_attribute_code": ["03251", "03241"],
...     "1_variable_attribute_label": ["Diepholz", "Hannover"],
...     "2_variable_code": "GES", "2_variable_label": "Geschlecht",
...     "2_variable_attribute_code": ["GESW", ""],
...     "2_variable_attribute_label": ["weiblich", "Insgesamt"]}, dtype="str")
>>> split = split_variables(raw, [1, 2], ())
>>> split.region_code.tolist(), split.region_level.tolist(), split.columns["GES"].tolist()
(['03251', '03241'], ['kreis', 'kreis'], ['GESW', ''])
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.io._codes import code_level

__all__ = ["REGION_VARIABLES", "Split", "column_name", "is_regional", "split_variables"]

#: Variable codes that carry the region, with the level they stand for.
#: Variables whose code starts with ``GEO`` (Zensus 2022 database) count too.
REGION_VARIABLES = {
    "DINSG": "bund",
    "DLAND": "land",
    "REGBEZ": "regbez",
    "KREISE": "kreis",
    "GEMEIN": "gemeinde",
}


@dataclass
class Split:
    """Region columns, breakdown column pairs and variable labels.

    Examples
    --------
    >>> Split(pd.Series(dtype="str"), pd.Series(dtype="str"), pd.Series(dtype="str"), {}, {}).variables
    {}
    """

    region_code: pd.Series
    region_name: pd.Series
    region_level: pd.Series
    columns: dict[str, pd.Series]
    variables: dict[str, str]


def is_regional(code: object) -> bool:
    """Whether a variable code names the region (``KREISE`` …, ``GEO…``).

    Examples
    --------
    >>> is_regional("KREISE"), is_regional("GEOGM4"), is_regional("GES")
    (True, True, False)
    """
    return code in REGION_VARIABLES or str(code).startswith("GEO")


def column_name(code: str, fixed: Collection[str]) -> str:
    """Return the result column of a variable: its code, ``var_<code>`` if taken.

    Examples
    --------
    >>> column_name("GES", ("time",)), column_name("time", ("time",))
    ('GES', 'var_time')
    """
    return code if code not in fixed and f"{code}_label" not in fixed else f"var_{code}"


def _levels(codes: pd.Series, region_var: pd.Series) -> pd.Series:
    level = codes.map({c: code_level(c) for c in codes.dropna().unique()})
    level = level.where(level.notna(), region_var.map(REGION_VARIABLES))
    return level.astype("str")


def _constant(raw: pd.DataFrame, numbers: Sequence[int], fixed: Collection[str]) -> Split:
    """Every numbered variable is the same in all rows: take whole columns."""
    region_n = next((n for n in numbers if is_regional(raw[f"{n}_variable_code"].iloc[0])), None)
    empty = pd.Series(pd.NA, index=raw.index, dtype="str")
    if region_n is None:
        codes, names, region_var = empty, empty, pd.Series(pd.NA, index=raw.index, dtype="str")
    else:
        codes = raw[f"{region_n}_variable_attribute_code"].str.strip()
        names = raw[f"{region_n}_variable_attribute_label"]
        region_var = raw[f"{region_n}_variable_code"]
    columns: dict[str, pd.Series] = {}
    variables: dict[str, str] = {}
    for n in numbers:
        code = raw[f"{n}_variable_code"].iloc[0]
        if n == region_n or code == "":
            continue
        column = column_name(code, fixed)
        variables[column] = str(raw[f"{n}_variable_label"].iloc[0])
        columns[column] = raw[f"{n}_variable_attribute_code"].str.strip()
        columns[f"{column}_label"] = raw[f"{n}_variable_attribute_label"]
    return Split(codes, names, _levels(codes, region_var), columns, variables)


def _mixed(raw: pd.DataFrame, numbers: Sequence[int], fixed: Collection[str]) -> Split:
    """Row by row: the region variable and the breakdowns differ between rows."""
    n_rows = len(raw)
    cells: dict[str, np.ndarray] = {}

    def cell(column: str) -> np.ndarray:
        if column not in cells:
            cells[column] = raw[column].to_numpy(dtype=object)
        return cells[column]

    region_code = np.full(n_rows, None, dtype=object)
    region_name = np.full(n_rows, None, dtype=object)
    region_var = np.full(n_rows, None, dtype=object)
    used: dict[int, np.ndarray] = {}
    for n in numbers:
        var = cell(f"{n}_variable_code")
        regional = [u for u in pd.unique(var) if is_regional(u)]
        # pandas compares the text exactly; numpy would drop a trailing NUL of the code
        take = raw[f"{n}_variable_code"].isin(regional).to_numpy() & np.equal(region_code, None)
        region_code[take] = cell(f"{n}_variable_attribute_code")[take]
        region_name[take] = cell(f"{n}_variable_attribute_label")[take]
        region_var[take] = var[take]
        used[n] = take
    codes = pd.Series(region_code, dtype="str").str.strip()
    variables: dict[str, str] = {}
    out: dict[str, np.ndarray] = {}
    for n in numbers:
        var = cell(f"{n}_variable_code")
        free = ~used[n]
        for code in pd.unique(var[free]):
            if code == "":
                continue
            column = column_name(code, fixed)
            mask = (raw[f"{n}_variable_code"] == code).to_numpy(dtype=bool) & free
            labels = cell(f"{n}_variable_label")
            variables[column] = str(labels[np.flatnonzero(mask)[0]])
            if column not in out:
                out[column] = np.full(n_rows, None, dtype=object)
                out[f"{column}_label"] = np.full(n_rows, None, dtype=object)
            out[column][mask] = cell(f"{n}_variable_attribute_code")[mask]
            out[f"{column}_label"][mask] = cell(f"{n}_variable_attribute_label")[mask]
    columns = {
        k: pd.Series(v, dtype="str")
        if k.endswith("_label")
        else pd.Series(v, dtype="str").str.strip()
        for k, v in out.items()
    }
    return Split(
        codes,
        pd.Series(region_name, dtype="str"),
        _levels(codes, pd.Series(region_var)),
        columns,
        variables,
    )


def split_variables(raw: pd.DataFrame, numbers: Sequence[int], fixed: Collection[str]) -> Split:
    """Split the numbered variables of a flat export into region and breakdown columns.

    Parameters
    ----------
    raw : pandas.DataFrame
        Cells of the export (text), columns as in the file.
    numbers : sequence of int
        The ``n`` of every ``{n}_variable_code`` column.
    fixed : collection of str
        Column names of the result that a variable column must not take
        (it is then named ``var_<code>``).

    Returns
    -------
    Split

    Examples
    --------
    >>> raw = pd.DataFrame({"1_variable_code": ["DLAND", "KREISE"],
    ...     "1_variable_label": "", "1_variable_attribute_code": ["03", "03251"],
    ...     "1_variable_attribute_label": ["Niedersachsen", "Diepholz"]}, dtype="str")
    >>> split_variables(raw, [1], ()).region_level.tolist()
    ['land', 'kreis']
    """
    constant = all(raw[f"{n}_variable_code"].nunique(dropna=False) <= 1 for n in numbers)
    if constant and len(raw):
        return _constant(raw, numbers, fixed)
    return _mixed(raw, numbers, fixed)
