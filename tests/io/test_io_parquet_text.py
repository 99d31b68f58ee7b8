"""Bulk text conversion of Parquet columns equals the cell-by-cell rule, and Parquet = CSV."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.io import read_table
from toolkit.io._formats import _cell_text, _column_text


def _reference(series: pd.Series) -> list[str]:
    values = series.astype(object).to_numpy()
    return ["" if pd.isna(v) else _cell_text(v) for v in values]


@pytest.mark.parametrize(
    "series",
    [
        pd.Series([1, 2, -3]),
        pd.Series([1.0, np.nan, 3.0]),
        pd.Series([1.5, 2.0]),
        pd.Series([1e20, 2.0]),
        pd.Series(["a", None, "08111"], dtype="str"),
        pd.Series(["x", "y", None], dtype="category"),
        pd.Series([3, 4], dtype="category"),
        pd.Series([True, False]),
        pd.Series([True, None], dtype="boolean"),
        pd.Series([1, None], dtype="Int64"),
        pd.Series([dt.date(2024, 1, 1), None]),
        pd.Series([" a ", "b"], dtype=object),
        pd.Series([None, None], dtype=object),
        pd.Series(["a", 1], dtype=object),
        pd.Series([np.nan, np.nan]),
    ],
)
def test_bulk_conversion_equals_cell_rule(series):
    assert list(_column_text(series)) == _reference(series)


@given(st.lists(st.one_of(st.none(), st.integers(-(2**40), 2**40)), max_size=50))
def test_bulk_conversion_of_nullable_integers(values):
    series = pd.Series(values, dtype="Int64")
    assert list(_column_text(series)) == _reference(series)


def test_parquet_table_reads_like_the_same_csv(tmp_path):
    frame = pd.DataFrame(
        {
            "region_code": ["17001000", "17051004", "17051004"],
            "year": [2024, 2024, 2023],
            "age": [0, 90, 5],
            "sex": ["w", "m", "w"],
            "population": [120, 3, 0],
        }
    )
    frame.to_parquet(tmp_path / "population.parquet")
    frame.to_csv(tmp_path / "population.csv", index=False, sep=";")
    from_parquet = read_table(tmp_path / "population.parquet", table="population")
    from_csv = read_table(tmp_path / "population.csv", table="population")
    pd.testing.assert_frame_equal(
        from_parquet.reset_index(drop=True), from_csv.reset_index(drop=True)
    )
