import numpy as np
import pandas as pd
import pytest

from toolkit.errors import DataError, ParameterError
from toolkit.indicators import COLUMNS, catalog, compute_all, validate_indicator_frame

from .conftest import full_tables


@pytest.fixture(scope="module")
def full():
    return compute_all(full_tables())


def test_shape_and_contract(full):
    assert list(full.columns) == list(COLUMNS)
    validate_indicator_frame(full)
    assert set(full["indicator"]) == set(catalog()["code"])
    assert not np.isinf(full["value"]).any()
    assert set(full["level"]) == {"bund", "land", "kreis", "gemeinde", "sozialraum"}
    names = full.drop_duplicates("region_code").set_index("region_code")["region_name"]
    assert names["17002"] == "Kreis Beispiel" and names["DG"] == "Deutschland"


def test_restriction_gives_the_same_rows(full):
    wanted = ["17001000", "17001", "17", "DG"]
    part = compute_all(full_tables(), regions=wanted, periods=[2024])
    expected = full[full["region_code"].isin(wanted) & (full["period"] == 2024)].reset_index(
        drop=True
    )
    pd.testing.assert_frame_equal(part, validate_indicator_frame(expected))
    kreis = compute_all(full_tables(), levels=["kreis"])
    pd.testing.assert_frame_equal(kreis, validate_indicator_frame(full[full["level"] == "kreis"]))


def test_deterministic_and_pure():
    t = full_tables()
    copies = {k: v.copy() for k, v in t.items()}
    a = compute_all(t)
    b = compute_all(t)
    pd.testing.assert_frame_equal(a, b)
    for k in t:
        pd.testing.assert_frame_equal(t[k], copies[k])


def test_missing_tables_are_skipped_unless_asked():
    t = full_tables()
    f = compute_all({"population": t["population"]})
    assert set(f["indicator"]) == {
        "bevoelkerung",
        "bevoelkerung_veraenderung",
        "jugendquotient",
        "altenquotient",
        "anteil_unter_18",
        "anteil_65plus",
    }
    with pytest.raises(DataError, match="kita"):
        compute_all({"population": t["population"]}, indicators=["betreuungsquote_u3"])


def test_bad_arguments():
    t = full_tables()
    with pytest.raises(ParameterError):
        compute_all(t, indicators=["gibt_es_nicht"])
    with pytest.raises(ParameterError):
        compute_all(t, levels=["stadtteil"])
    with pytest.raises(DataError):
        compute_all(t, regions=["8111"])
    with pytest.raises(ParameterError):
        compute_all([1, 2, 3])


def test_stored_total_rows_conflict():
    t = full_tables()
    kita = pd.concat([t["kita"], t["kita"].iloc[:1].assign(region_code="17002")], ignore_index=True)
    with pytest.raises(DataError, match="17002"):
        compute_all({"kita": kita}, indicators=["tagespflege_anteil_u3"])


def test_unknown_flag_is_rejected():
    t = full_tables()
    with pytest.raises(DataError, match="flag"):
        compute_all({"population": t["population"].assign(flag="?")})


def test_regionalschluessel_is_normalised():
    t = full_tables()
    pop = t["population"].copy()
    pop.loc[pop["region_code"] == "17002004", "region_code"] = "170020000004"
    f = compute_all({"population": pop}, regions=["17002004"], indicators=["bevoelkerung"])
    assert (f["region_code"] == "17002004").all() and len(f) > 0


def test_periods_within_the_data_give_partial_frames():
    f = compute_all(full_tables(), periods=[2020])
    assert list(f.columns) == list(COLUMNS)
    assert (f["period"] == 2020).all()
    assert compute_all(full_tables(), regions=["17009"]).empty


@pytest.mark.parametrize("period", [2019, 2030, 1925])
def test_periods_outside_the_data_name_the_available_years(period):
    # issue #15: a ParameterError naming the years, not an empty frame or a raw ValueError
    with pytest.raises(ParameterError, match=f"Jahr {period} .*vorhanden: 2020–2024"):
        compute_all(full_tables(), periods=[period])


def test_repeated_calls_on_one_dataset_agree_with_the_full_run(full):
    t = full_tables()
    for wanted in (
        ["17001000", "17"],
        ["17002004", "17002", "17", "DG"],
        ["17001000-SR01"],
        ["17002"],
    ):
        got = compute_all(t, regions=wanted)
        expected = full[full["region_code"].isin(wanted)]
        pd.testing.assert_frame_equal(got, validate_indicator_frame(expected))
    # a changed table is not served from what was remembered
    t["population"].loc[0, "population"] += 1
    again = compute_all(t, regions=["17"], indicators=["bevoelkerung"])
    before = full[(full["region_code"] == "17") & (full["indicator"] == "bevoelkerung")]
    assert again["value"].sum() != before["value"].sum()
