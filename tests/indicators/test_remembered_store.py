"""The remembered-table store never gives results of an edited table (issue #12, item 5).

Reference: hand computation. Two Gemeinden with 10 and 30 people; after one
row is recoded in place, each Kreis holds what its Gemeinden now hold.
"""

from __future__ import annotations

import pandas as pd

from toolkit.indicators import compute_all


def _kreise(frame: pd.DataFrame) -> dict[str, float]:
    rows = frame[(frame["dimension"] == "") & (frame["indicator"] == "bevoelkerung")]
    return dict(zip(rows["region_code"], rows["value"], strict=True))


def _population() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region_code": ["17001000", "17002000"],
            "year": 2024,
            "sex": "m",
            "age": [70, 71],
            "population": [10, 30],
        }
    )


def test_recoding_a_region_in_place_changes_the_result():
    pop = _population()
    tables = {"population": pop}
    assert _kreise(compute_all(tables, levels="kreis", indicators="bevoelkerung")) == {
        "17001": 10.0,
        "17002": 30.0,
    }
    # same object, same length, same columns, same count total: only the region differs
    pop.loc[0, "region_code"] = "17002000"
    assert _kreise(compute_all(tables, levels="kreis", indicators="bevoelkerung")) == {
        "17002": 40.0
    }
    pop.loc[0, "region_code"] = "17001000"
    pop.loc[1, "population"] = 20  # total changes too
    assert _kreise(compute_all(tables, levels="kreis", indicators="bevoelkerung")) == {
        "17001": 10.0,
        "17002": 20.0,
    }


def test_editing_a_table_of_a_dataset_in_place_changes_the_result():
    from toolkit.io import Dataset

    ds = Dataset({"population": _population()})
    before = _kreise(compute_all(ds, regions=["17001", "17002"], indicators="bevoelkerung"))
    assert before == {"17001": 10.0, "17002": 30.0}
    ds.tables["population"].loc[1, "region_code"] = "17001000"
    after = _kreise(compute_all(ds, regions=["17001", "17002"], indicators="bevoelkerung"))
    assert after == {"17001": 40.0}


def test_unchanged_table_reuses_its_prepared_form():
    pop = _population()
    from toolkit._derived import DerivedTables
    from toolkit.indicators._context import Context

    store = DerivedTables()
    Context({"population": pop}, derived=store).counts("population")
    assert Context({"population": pop}, derived=store).remembered("population")
    pop.loc[0, "population"] = 11
    assert not Context({"population": pop}, derived=store).remembered("population")


def test_the_store_belongs_to_the_data_set_not_to_the_module():
    """Two data sets sharing one table object keep their own stores; a plain dict keeps none."""
    import pickle

    from toolkit.indicators._context import Context
    from toolkit.io import Dataset

    pop = _population()
    first, second = Dataset({"population": pop}), Dataset({"population": pop})
    compute_all(first, indicators="bevoelkerung")
    assert Context(first.tables, derived=first.derived).remembered("population")
    assert not Context(second.tables, derived=second.derived).remembered("population")
    compute_all({"population": pop}, indicators="bevoelkerung")
    assert not Context({"population": pop}).remembered("population")
    # a copy sent to another process (fork, Dask) starts with an empty store
    copy = pickle.loads(pickle.dumps(first))
    assert not Context(copy.tables, derived=copy.derived).remembered("population")


def test_coverage_years_follow_an_edited_table():
    # reference: the years written into the table by hand; the data set keeps them (a batch
    # asks once per report) but an edit in place must show at once
    from toolkit.indicators import coverage
    from toolkit.indicators.coverage import table_years
    from toolkit.io import Dataset

    kita = pd.DataFrame(
        {"region_code": "17001000", "year": [2024], "age_group": "u3", "children": [5]}
    )
    ds = Dataset({"population": _population().assign(year=2023), "kita": kita})
    assert table_years(ds, "kita") == frozenset({2024})
    assert coverage(ds, "betreuungsquote_u3", period=2024).loc[0, "available"]
    ds.tables["kita"].loc[0, "year"] = 2025
    assert table_years(ds, "kita") == frozenset({2025})
    late = coverage(ds, "betreuungsquote_u3", period=2024).iloc[0]
    assert not late["available"]
    assert late["missing_years"] == (2024,)
