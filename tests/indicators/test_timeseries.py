import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from toolkit.errors import ParameterError
from toolkit.indicators import change, index_to_base, trend


def frame(values, unit="%", indicator="q", code="17", periods=None, flags=None):
    periods = periods or list(range(2020, 2020 + len(values)))
    return pd.DataFrame(
        {
            "region_code": code,
            "region_name": "M",
            "level": "land",
            "period": periods,
            "indicator": indicator,
            "dimension": "",
            "category": "",
            "value": np.asarray(values, dtype=float),
            "numerator": np.nan,
            "denominator": np.nan,
            "unit": unit,
            "flag": flags or [""] * len(values),
        }
    )


def test_change_rates_in_points_counts_in_percent():
    c = change(frame([26.9, 25.1, 26.7]))
    assert np.allclose(c["change"], [-1.8, 1.6])
    assert (c["change_unit"] == "Prozentpunkte").all()
    c = change(frame([200.0, 150.0, 0.0, 10.0], unit="Anzahl"))
    assert np.allclose(c["change"].iloc[:2], [-25.0, -100.0])
    assert np.isnan(c["change"].iloc[2]) and c["change_flag"].iloc[2] == "x"
    c = change(frame([20.0, 30.0], unit="je 100"))
    assert c["change_unit"].item() == "Punkte" and c["change"].item() == 10.0
    c = change(frame([1.0, 2.0, 4.0, 8.0]), lag=2)
    assert c["change"].tolist() == [3.0, 6.0]


def test_change_carries_flags_and_skips_gaps():
    c = change(frame([1.0, np.nan, 3.0], flags=["", ".", "p"]))
    assert c["change_flag"].tolist() == [".", "."]
    assert np.isnan(c["change"]).all()
    c = change(frame([1.0, 3.0], periods=[2020, 2022]))
    assert c.empty
    with pytest.raises(ParameterError):
        change(frame([1.0]), lag=0)


def test_index_to_base():
    i = index_to_base(frame([50.0, 55.0, 40.0], unit="Anzahl"), 2020)
    assert np.allclose(i["index"], [100.0, 110.0, 80.0])
    i = index_to_base(frame([0.0, 5.0], unit="Anzahl"), 2020)
    assert i["index_flag"].tolist() == ["x", "x"]
    i = index_to_base(frame([5.0, 6.0]), 1999)
    assert np.isnan(i["index"]).all()


def test_trend_matches_statsmodels_ols():
    rng = np.random.default_rng(7)
    parts = []
    expected = {}
    for k in range(5):
        years = np.arange(2014, 2024)
        y = 20 + 0.3 * k * (years - 2014) + rng.normal(0, 1.0, len(years))
        parts.append(frame(y, code=f"1700{k}", periods=list(years)))
        fit = sm.OLS(y, sm.add_constant(years.astype(float))).fit()
        lo, hi = fit.conf_int(alpha=0.1)[1]
        expected[f"1700{k}"] = (fit.params[1], fit.bse[1], lo, hi, fit.pvalues[1])
    t = trend(pd.concat(parts, ignore_index=True), alpha=0.1).set_index("region_code")
    for code, (b, se, lo, hi, p) in expected.items():
        row = t.loc[code]
        assert np.isclose(row["slope"], b) and np.isclose(row["se"], se)
        assert np.isclose(row["ci_low"], lo) and np.isclose(row["ci_high"], hi)
        assert np.isclose(row["p_value"], p)
        assert row["exceeds_noise"] == (lo > 0 or hi < 0)
    assert t.loc["17004", "exceeds_noise"]
    assert t.loc["17004", "slope_unit"] == "Prozentpunkte je Jahr"


def test_trend_noise_and_short_series():
    # alternating values: no trend beyond the noise
    t = trend(frame([10.0, 12.0, 10.0, 12.0, 10.0, 12.0]))
    assert not t["exceeds_noise"].item()
    t = trend(frame([10.0, 12.0]))
    assert np.isnan(t["slope"].item()) and not t["exceeds_noise"].item()
    t = trend(frame([10.0, np.nan, 12.0, 13.0], flags=["", ".", "", ""]))
    assert t["n_periods"].item() == 3


def test_line_trend_matches_statsmodels_ols_and_skips_missing_values():
    """One series without an IndicatorFrame: the same figures as statsmodels' OLS."""
    from toolkit.indicators.timeseries import line_trend

    rng = np.random.default_rng(11)
    years = np.arange(2012, 2024)
    y = 30 - 0.4 * (years - 2012) + rng.normal(0, 0.8, len(years))
    fit = sm.OLS(y, sm.add_constant(years.astype(float))).fit()
    lo, hi = fit.conf_int(alpha=0.05)[1]
    with_gap = y.copy()
    with_gap[3] = np.nan  # a hidden value is left out of the fit
    gap_fit = sm.OLS(np.delete(y, 3), sm.add_constant(np.delete(years, 3).astype(float))).fit()
    t = line_trend(years, y)
    assert np.isclose(t["slope"], fit.params[1]) and np.isclose(t["se"], fit.bse[1])
    assert np.isclose(t["ci_low"], lo) and np.isclose(t["ci_high"], hi)
    assert np.isclose(t["p_value"], fit.pvalues[1])
    assert t["exceeds_noise"] is True and t["n_periods"] == 12
    g = line_trend(years, with_gap)
    assert g["n_periods"] == 11 and np.isclose(g["slope"], gap_fit.params[1])
    assert line_trend([2020, 2021, 2022], [10.0, np.nan, 12.0]) is None
    assert line_trend([2020, 2020, 2020], [1.0, 2.0, 3.0]) is None
    assert not line_trend([2018, 2019, 2020, 2021, 2022, 2023], [10, 12, 10, 12, 10, 12])[
        "exceeds_noise"
    ]
