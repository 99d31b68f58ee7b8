import numpy as np
import pandas as pd
import pytest

from toolkit.errors import DataError
from toolkit.indicators import betreuungsquote_3u6, betreuungsquote_u3, tagespflege_anteil_u3

from .conftest import full_tables


def test_betreuungsquote_u3(get):
    t = full_tables()
    f = betreuungsquote_u3(t["kita"], t["population"])
    # 30 + 6 children on 1 March 2024 / 100 children under 3 on 31 Dec 2023
    r = get(f, "17001000", "betreuungsquote_u3", 2024)
    assert (r.value, r.numerator, r.denominator, r.unit) == (36.0, 36.0, 100.0, "%")
    assert get(f, "17001000", "betreuungsquote_u3", 2024, "care_type", "tagespflege").value == 6.0
    # counted at the place of care: more than 100 % is possible
    assert get(f, "17002004", "betreuungsquote_u3", 2024).value == 120.0
    assert np.isclose(get(f, "17", "betreuungsquote_u3", 2024).value, 100 * 48 / 110)
    assert set(f["period"]) == {2024}


def test_betreuungsquote_3u6(get):
    t = full_tables()
    f = betreuungsquote_3u6(t["kita"], t["population"])
    # 3..5-year-olds at 31 Dec 2023: age 4: 20, age 5: 10 + 10
    assert get(f, "17001000", "betreuungsquote_3u6", 2024).value == 45.0
    assert get(f, "17002004", "betreuungsquote_3u6", 2024).value == 60.0
    # Land: 17002008 has 10 children aged 5 but no care rows
    assert np.isclose(get(f, "17", "betreuungsquote_3u6", 2024).value, 100 * 27 / 65)


def test_tagespflege_anteil(get):
    t = full_tables()
    f = tagespflege_anteil_u3(t["kita"])
    assert np.isclose(get(f, "17001000", "tagespflege_anteil_u3", 2024).value, 100 * 6 / 36)
    assert get(f, "17002004", "tagespflege_anteil_u3", 2024).flag == "-"
    assert np.isclose(get(f, "17", "tagespflege_anteil_u3", 2024).value, 100 * 6 / 48)


def test_zero_denominator_gives_nan_with_x(get):
    kita = pd.DataFrame(
        {
            "region_code": "17002008",
            "year": [2024],
            "age_group": "u3",
            "care_type": "kita",
            "children": [3],
        }
    )
    pop = pd.DataFrame(
        {"region_code": "17002008", "year": [2023], "age": [40], "sex": "m", "population": [10]}
    )
    f = betreuungsquote_u3(kita, pop)
    r = get(f, "17002008", "betreuungsquote_u3", 2024)
    assert np.isnan(r.value) and r.flag == "x" and r.denominator == 0.0
    assert not np.isinf(f["value"]).any()


def test_suppressed_children_give_dot(get):
    t = full_tables()
    kita = t["kita"].assign(flag="")
    kita["children"] = kita["children"].astype("float64")
    kita.loc[
        (kita["region_code"] == "17002004") & (kita["age_group"] == "u3"), ["children", "flag"]
    ] = [np.nan, "."]
    f = betreuungsquote_u3(kita, t["population"])
    for code in ("17002004", "17002", "17"):
        r = get(f, code, "betreuungsquote_u3", 2024)
        assert np.isnan(r.value) and r.flag == "."
    assert get(f, "17001000", "betreuungsquote_u3", 2024).value == 36.0


def test_bad_input_names_table_and_column():
    t = full_tables()
    with pytest.raises(DataError) as err:
        betreuungsquote_u3(t["kita"].drop(columns="care_type"), t["population"])
    assert err.value.file == "kita" and err.value.column == "care_type"
    bad = t["kita"].copy()
    bad.loc[0, "children"] = -1
    with pytest.raises(DataError, match="nicht-negative") as err:
        betreuungsquote_u3(bad, t["population"])
    assert err.value.rows == (1,)
    with pytest.raises(DataError, match="mehrfach"):
        betreuungsquote_u3(pd.concat([t["kita"], t["kita"].iloc[:1]]), t["population"])
