"""The vectorised engine against a plain pandas implementation on a generated Land.

The reference below is written the straightforward way (``groupby`` sums per
level, one indicator at a time, ``sort_values`` for the order) and shares no
code with the engine, so it checks the optimised count handling, roll-up,
row gathering and sorting of ``compute_all`` on realistic data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.indicators import (
    LEVELS,
    TEXT_COLUMNS,
    catalog,
    compute_all,
    validate_indicator_frame,
)
from toolkit.samples import build_tables


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return build_tables(kreise=3, seed=1, years=(2020, 2024))


@pytest.fixture(scope="module")
def frame(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return compute_all(tables)


def with_levels(df: pd.DataFrame, keys: list[str], value: str) -> pd.DataFrame:
    """Sum ``value`` by ``keys`` for each region as given, each Kreis and each Land.

    Gemeinden (8 digits) are summed into their Kreis (first 5 digits) and
    Land (first 2); Sozialraum and Bund rows stay as they are.
    """
    code = df["region_code"].astype(str)
    own = df.groupby(["region_code", *keys], as_index=False)[value].sum()
    gem = df[code.str.len() == 8]
    kreis = gem.assign(region_code=gem["region_code"].str[:5])
    land = gem.assign(region_code=gem["region_code"].str[:2])
    up = [x.groupby(["region_code", *keys], as_index=False)[value].sum() for x in (kreis, land)]
    own = own[~own["region_code"].isin(set(up[1]["region_code"]))]
    return pd.concat([own, *up], ignore_index=True)


def engine_values(frame: pd.DataFrame, indicator: str, dimension: str = "") -> pd.Series:
    f = frame[(frame["indicator"] == indicator) & (frame["dimension"] == dimension)]
    return f.set_index(["region_code", "period", "category"])["value"]


def check(expected: pd.Series, got: pd.Series) -> None:
    assert len(got) == len(expected) > 20
    assert set(got.index) == set(expected.index)
    # a zero denominator is NaN in both (the engine adds flag "x")
    np.testing.assert_allclose(got.to_numpy(), expected.reindex(got.index).to_numpy(), rtol=1e-12)


def test_jugend_and_altenquotient_like_groupby(tables, frame):
    pop = tables["population"]
    band = np.select([pop["age"] < 20, pop["age"] < 65], ["young", "work"], "old")
    s = with_levels(pop.assign(band=band), ["year", "band"], "population")
    wide = s.pivot_table(index=["region_code", "year"], columns="band", values="population")
    wide = wide.fillna(0)
    for code, top in (("jugendquotient", "young"), ("altenquotient", "old")):
        ref = (100 * wide[top] / wide["work"]).rename_axis(["region_code", "period"])
        ref = ref.to_frame("v").assign(category="").set_index("category", append=True)["v"]
        check(ref, engine_values(frame, code))


def test_betreuungsquote_u3_like_groupby(tables, frame):
    kita = tables["kita"]
    kids = with_levels(kita[kita["age_group"] == "u3"], ["year"], "children")
    pop = tables["population"]
    young = with_levels(pop[pop["age"] < 3], ["year"], "population")
    young = young.assign(year=young["year"] + 1)  # population of 31 Dec of the year before
    m = kids.merge(young, on=["region_code", "year"])
    ref = m.assign(category="", v=100 * m["children"] / m["population"])
    ref = ref.rename(columns={"year": "period"}).set_index(["region_code", "period", "category"])
    check(ref["v"], engine_values(frame, "betreuungsquote_u3"))


def test_share_without_hsa_by_sex_like_groupby(tables, frame):
    sl = tables["school_leavers"]
    allx = with_levels(sl, ["year", "sex"], "leavers")
    ohne = with_levels(sl[sl["abschluss"] == "ohne_hsa"], ["year", "sex"], "leavers")
    m = allx.merge(ohne, on=["region_code", "year", "sex"], how="left", suffixes=("", "_o"))
    m = m.fillna({"leavers_o": 0})
    ref = m.assign(v=100 * m["leavers_o"] / m["leavers"]).rename(
        columns={"year": "period", "sex": "category"}
    )
    ref = ref.set_index(["region_code", "period", "category"])["v"]
    check(ref, engine_values(frame, "abgaenge_anteil_ohne_hsa", "sex"))


def test_row_order_and_dtypes_like_sort_values(frame):
    order = {c: i for i, c in enumerate(catalog()["code"])}
    level = {v: i for i, v in enumerate(LEVELS)}
    shuffled = frame.sample(frac=1.0, random_state=3)
    # sort plain strings, independent of the Categoricals' own category order
    text = shuffled.astype({c: "str" for c in TEXT_COLUMNS})
    ordered = text.sort_values(
        ["indicator", "dimension", "category", "level", "region_code", "period"],
        key=lambda s: (
            s.map(order) if s.name == "indicator" else s.map(level) if s.name == "level" else s
        ),
    ).index
    ref = shuffled.loc[ordered]
    pd.testing.assert_frame_equal(frame, ref.reset_index(drop=True), check_exact=True)
    assert all(isinstance(frame[c].dtype, pd.CategoricalDtype) for c in TEXT_COLUMNS)
    for c in TEXT_COLUMNS:
        labels = list(frame[c].cat.categories)
        assert all(isinstance(x, str) for x in labels)
        if c not in ("level", "flag"):
            assert labels == sorted(set(frame[c].astype("str")))


def test_unsorted_and_restricted_calls_hold_the_same_rows(tables, frame):
    cols = list(frame.columns)
    loose = compute_all(tables, sort=False).sort_values(cols[:7]).reset_index(drop=True)
    pd.testing.assert_frame_equal(loose, frame.sort_values(cols[:7]).reset_index(drop=True))
    part = compute_all(tables, regions=["17001", "17", "DG"], periods=[2023, 2024])
    want = frame[frame["region_code"].isin(["17001", "17", "DG"]) & frame["period"].ge(2023)]
    # a filtered frame keeps the full run's categories; validating makes them canonical
    pd.testing.assert_frame_equal(part, validate_indicator_frame(want), check_exact=True)
