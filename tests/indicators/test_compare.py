import numpy as np
import pandas as pd
import pytest

from toolkit.errors import ParameterError
from toolkit.indicators import compare


def rows():
    data = [
        ("17001", "kreis", 30.0, 30, 100, ""),
        ("17002", "kreis", 50.0, 50, 100, ""),
        ("17003", "kreis", 10.0, 20, 200, ""),
        ("17004", "kreis", np.nan, np.nan, 50, "."),
        ("17", "land", 25.0, 100, 400, ""),
        ("DG", "bund", 27.0, 2700, 10000, ""),
    ]
    return pd.DataFrame(
        {
            "region_code": [d[0] for d in data],
            "region_name": [d[0] for d in data],
            "level": [d[1] for d in data],
            "period": 2024,
            "indicator": "vertragsloesungsquote_test",
            "dimension": "",
            "category": "",
            "value": [d[2] for d in data],
            "numerator": [d[3] for d in data],
            "denominator": [d[4] for d in data],
            "unit": "%",
            "flag": [d[5] for d in data],
        }
    )


def test_compare_region_land_bund_and_set():
    c = compare(rows(), "17001", ["17002", "17003"])
    assert c["role"].tolist() == [
        "region",
        "land",
        "bund",
        "vergleich",
        "vergleich",
        "vergleichsgruppe",
    ]
    # order as given by the caller, not by value: no ranking
    assert c["region_code"].tolist()[3:5] == ["17002", "17003"]
    assert np.allclose(c["difference"].iloc[:5], [0.0, -5.0, -3.0, 20.0, -20.0])
    pooled = c.iloc[-1]
    assert np.isclose(pooled["value"], 100 * 70 / 300)
    assert (pooled["numerator"], pooled["denominator"]) == (70.0, 300.0)
    assert (c["difference_unit"] == "Prozentpunkte").all()


def test_pooled_group_with_suppressed_member():
    c = compare(rows(), "17001", ["17002", "17004"])
    pooled = c[c["role"] == "vergleichsgruppe"].iloc[0]
    assert np.isnan(pooled["value"]) and pooled["flag"] == "."


def test_unknown_region():
    with pytest.raises(ParameterError):
        compare(rows(), "17009")
