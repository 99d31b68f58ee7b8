"""Higher levels are sum(numerator) / sum(denominator), never a mean of rates."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.indicators import compute_all

GEMEINDEN = ["17001000", "17002004", "17002008", "17002012", "17003001", "17003002"]


@st.composite
def leavers(draw):
    rows = []
    for code in GEMEINDEN:
        for sex in ("m", "w"):
            for abschluss in ("ohne_hsa", "msa", "ahr"):
                n = draw(st.integers(min_value=0, max_value=60))
                rows.append(
                    {
                        "region_code": code,
                        "year": 2024,
                        "abschluss": abschluss,
                        "sex": sex,
                        "nationality": "deutsch",
                        "leavers": n,
                    }
                )
    # a Sozialraum row must never be added to its Gemeinde
    rows.append(
        {
            "region_code": "17001000-SR1",
            "year": 2024,
            "abschluss": "ohne_hsa",
            "sex": "m",
            "nationality": "deutsch",
            "leavers": draw(st.integers(0, 50)),
        }
    )
    return pd.DataFrame(rows)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(leavers())
def test_kreis_and_land_rates_are_ratios_of_sums(df):
    f = compute_all({"school_leavers": df}, indicators=["abgaenge_anteil_ohne_hsa"])
    f = f[f["dimension"] == ""].set_index("region_code")
    base = df[df["region_code"].str.len() == 8]
    num = (
        base[base["abschluss"] == "ohne_hsa"].groupby(base["region_code"].str[:5])["leavers"].sum()
    )
    den = base.groupby(base["region_code"].str[:5])["leavers"].sum()
    for kreis in den.index:
        row = f.loc[kreis]
        assert row["numerator"] == num[kreis] and row["denominator"] == den[kreis]
        if den[kreis] == 0:
            assert np.isnan(row["value"]) and row["flag"] == "x"
        else:
            assert np.isclose(row["value"], 100 * num[kreis] / den[kreis])
    land = f.loc["17"]
    assert land["numerator"] == num.sum() and land["denominator"] == den.sum()
    if den.sum() > 0:
        assert np.isclose(land["value"], 100 * num.sum() / den.sum())
