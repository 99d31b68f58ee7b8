"""The fast paths of the indicator engine give what the plain paths give.

* ``binned_population`` (one block-wise pass over the population table) against
  the general path (check every row with ``prepare``, then sum into age bins
  with a group-by), on random tables with flags, gaps, unsorted rows, odd codes
  and several blocks; and bad tables give the general path's error.
* Steps and ``finish`` in two threads against one thread: the same frame and,
  when steps fail, the error of the first failing step.
"""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.errors import DataError
from toolkit.indicators import _population, _threads, compute_all
from toolkit.indicators._assemble import finish
from toolkit.indicators._build import part
from toolkit.indicators._context import Context
from toolkit.indicators._regions import RegionTable
from toolkit.io import read_dataset
from toolkit.samples import generate

from .conftest import population_table, regions_table

FLAGS = ["", "", "", "p", "x", ".", "-", "/"]


@st.composite
def population_tables(draw: st.DrawFn) -> pd.DataFrame:
    """Random canonical population tables (valid ones)."""
    n_regions = draw(st.integers(1, 6))
    pool = ["17001000", "17002004", "17002008", "17001000-SR01", "170020120000", " 17003016", "DG"]
    codes = draw(
        st.lists(st.sampled_from(pool), min_size=n_regions, max_size=n_regions, unique=True)
    )
    years = draw(st.lists(st.integers(2015, 2024), min_size=1, max_size=3, unique=True))
    sexes = draw(st.sampled_from([["m", "w"], ["w"], ["w", "m"]]))
    ages = draw(st.lists(st.integers(0, 95), min_size=1, max_size=12, unique=True))
    keys = [(c, y, s, a) for c in codes for y in years for s in sexes for a in ages]
    # leave some keys out, keep at least one
    keep = draw(st.lists(st.booleans(), min_size=len(keys), max_size=len(keys)))
    keys = [k for k, on in zip(keys, keep, strict=True) if on] or keys[:1]
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    df = pd.DataFrame(keys, columns=["region_code", "year", "sex", "age"])
    df["population"] = rng.integers(0, 500, len(df))
    if draw(st.booleans()):
        df["flag"] = rng.choice(FLAGS, len(df))
        # secret and unknown values are empty, "-" means an empty zero
        empty = df["flag"].isin([".", "x", "/", "-"]) & (rng.random(len(df)) < 0.7)
        df["population"] = df["population"].astype("float64").mask(empty)
    if draw(st.booleans()):
        df = df.sample(frac=1.0, random_state=int(rng.integers(0, 1000))).reset_index(drop=True)
    # text as Arrow strings (Parquet, pandas 3), Python objects or Categoricals
    kind = draw(st.sampled_from(["str", "object", "category"]))
    return df.astype({"region_code": kind, "sex": kind})


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.astype({"region_code": "str", "sex": "str"})
    return out.sort_values(["region_code", "year", "sex"]).reset_index(drop=True)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(df=population_tables(), block=st.sampled_from([3, 7, 64, 1 << 20]))
def test_binned_population_equals_the_general_path(df, block, monkeypatch_block):
    monkeypatch_block(block)
    general = _population._general(df, "population")
    if set(df["sex"].iloc[:block]) == set(df["sex"]):
        # the one-pass path takes every valid table whose first block has all sexes
        fast = _population._one_pass(df, "population")
    else:
        fast = _population.binned_population(df)
    pd.testing.assert_frame_equal(_sorted(fast), _sorted(general), check_dtype=False)


@pytest.fixture
def monkeypatch_block():
    """Set the block size for one example (hypothesis runs many in one test)."""
    old = _population.BLOCK

    def set_block(size: int) -> None:
        _population.BLOCK = size

    yield set_block
    _population.BLOCK = old


def test_binned_population_by_hand():
    pop = pd.DataFrame(
        {
            "region_code": "17001000",
            "year": 2024,
            "sex": "w",
            "age": [2, 30, 64, 65, 90, 3],
            "population": [4.0, 10.0, np.nan, 7.0, 1.0, np.nan],
            "flag": ["p", "", ".", "", "", "-"],
        }
    )
    wide = _population.binned_population(pop).iloc[0]
    # 25 to under 65: 10 plus a secret count -> missing, flag rank 4 (".")
    assert np.isnan(wide["n25"]) and wide["r25"] == 4
    # 65 and older: 7 + 1
    assert wide["n26"] == 8.0 and wide["r26"] == 0
    # provisional count keeps its rank; "-" with an empty count is an exact zero
    assert wide["n2"] == 4.0 and wide["r2"] == 1
    assert wide["n3"] == 0.0 and wide["r3"] == 0
    # a bin without rows is zero
    assert wide["n10"] == 0.0


@pytest.mark.parametrize(
    ("change", "column"),
    [
        (lambda d: d.assign(age=d["age"].where(d.index != 3, -1)), "age"),
        (lambda d: d.assign(population=d["population"].where(d.index != 2, -5)), "population"),
        (lambda d: d.assign(flag=np.where(d.index == 1, "?", "")), "flag"),
        (lambda d: d.assign(population=d["population"].where(d.index != 5, np.inf)), "population"),
        (lambda d: pd.concat([d, d.iloc[[4]]], ignore_index=True), None),
        (
            lambda d: d.assign(region_code=d["region_code"].where(d.index != 0, "1X001000")),
            "region_code",
        ),
    ],
)
def test_bad_population_gives_the_general_error(change, column):
    bad = change(population_table())
    with pytest.raises(DataError) as fast:
        _population.binned_population(bad)
    with pytest.raises(DataError) as general:
        _population._general(bad, "population")
    assert str(fast.value) == str(general.value)
    assert fast.value.file == "population"
    if column is not None:
        assert fast.value.column == column
        assert fast.value.rows  # the rows concerned are named


def test_unsigned_columns_take_the_one_pass_path():
    pop = population_table()
    pop = pop[pop["region_code"] != "DG"].astype(
        {"year": "uint16", "age": "uint8", "population": "uint32"}
    )
    fast = _population._one_pass(pop, "population")
    pd.testing.assert_frame_equal(
        _sorted(fast), _sorted(_population._general(pop, "population")), check_dtype=False
    )


def test_a_bad_region_code_names_its_row():
    bad = population_table()
    bad.loc[7, "region_code"] = "1X001000"
    with pytest.raises(DataError) as err:
        _population.binned_population(bad)
    assert err.value.rows == (8,)


def test_a_sex_first_seen_in_a_later_block_is_counted(monkeypatch):
    pop = population_table()
    pop.loc[len(pop)] = {
        "region_code": "17002008",
        "year": 2024,
        "age": 30,
        "sex": "d",
        "population": 3,
    }
    monkeypatch.setattr(_population, "BLOCK", 8)
    wide = _sorted(_population.binned_population(pop))
    row = wide[(wide["region_code"] == "17002008") & (wide["year"] == 2024) & (wide["sex"] == "d")]
    assert row["n25"].tolist() == [3.0]
    pd.testing.assert_frame_equal(
        wide, _sorted(_population._general(pop, "population")), check_dtype=False
    )


@pytest.fixture(scope="module")
def musterland(tmp_path_factory):
    out = tmp_path_factory.mktemp("ml")
    generate(out, kreise=6, seed=7, years="2019-2024", fmt="parquet")
    return read_dataset(out)


def test_two_threads_give_the_same_frame(musterland, monkeypatch):
    one = compute_all(musterland)
    monkeypatch.setattr(_threads, "PARALLEL_ROWS", 0)
    before = threading.active_count()
    two = compute_all(musterland)
    unsorted = compute_all(musterland, sort=False)
    pd.testing.assert_frame_equal(one, two)
    pd.testing.assert_frame_equal(_by_key(one), _by_key(unsorted), check_categorical=False)
    assert threading.active_count() == before  # no thread outlives the call


def _by_key(frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["indicator", "dimension", "category", "region_code", "period"]
    out = frame.astype({k: "str" for k in keys if k != "period"})
    return out.sort_values(keys).reset_index(drop=True)


@pytest.mark.parametrize("threads", [False, True])
def test_the_first_failing_step_is_reported(threads, monkeypatch):
    if threads:
        monkeypatch.setattr(_threads, "PARALLEL_ROWS", 0)
    bad = {
        # kita comes first in the step order, contracts later: both are broken
        "kita": pd.DataFrame(
            {
                "region_code": ["17001000"],
                "year": [2024],
                "age_group": ["u3"],
                "care_type": ["kita"],
                "children": [-1],
            }
        ),
        "contracts_new": pd.DataFrame({"region_code": ["17001000"], "year": [2024]}),
        "population": population_table(),
        "regions": regions_table(),
    }
    with pytest.raises(DataError, match="kita"):
        compute_all(bad)


def test_once_makes_a_value_once_for_two_threads():
    ctx = Context({})
    calls: list[int] = []
    started = threading.Event()

    def make() -> int:
        calls.append(1)
        started.set()
        threading.Event().wait(0.2)
        return 42

    results: list[int] = []
    t = threading.Thread(target=lambda: results.append(ctx.once("k", make)))
    t.start()
    started.wait()
    results.append(ctx.once("k", make))
    t.join()
    assert results == [42, 42] and len(calls) == 1


def test_region_table_loses_no_code_when_extended_from_two_threads():
    rt = RegionTable([])
    batches = [[f"17{k:03d}{i:03d}" for i in range(200)] for k in range(1, 9)]
    threads = [threading.Thread(target=rt.extend, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(rt.info) == 8 * 200


def test_finish_splits_parts_with_several_indicators_and_fills_missing_text():
    keys = pd.DataFrame({"region_code": ["17", "17", "17"], "year": [2024, 2024, 2023]})
    p = part(
        keys,
        indicator="a",
        unit="%",
        value=np.array([1.0, 2.0, 3.0]),
        flag=np.array(["", None, "p"], dtype=object),
    )
    p["indicator"] = np.array(["b", "a", "b"], dtype=object)
    f = finish([p], RegionTable(["17"]), order=["b", "a"])
    assert f[["indicator", "period", "value", "flag"]].values.tolist() == [
        ["b", 2023, 3.0, "p"],
        ["b", 2024, 1.0, ""],
        ["a", 2024, 2.0, ""],
    ]
