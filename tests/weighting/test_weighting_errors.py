"""Every failure mode of the issue ends in a clear DataError / ConvergenceError / ParameterError."""

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import ConvergenceError, DataError, ParameterError
from toolkit.weighting import (
    SurveyDesign,
    adjust_nonresponse,
    calibrate,
    poststratify,
    rake,
    trim_weights,
)


@pytest.fixture
def small():
    return pd.DataFrame(
        {
            "a": list("xxyyxy"),
            "b": list("uvuvvu"),
            "y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            "w": [1.0, 2.0, 1.0, 2.0, 1.0, 2.0],
        }
    )


def test_margins_with_different_totals(small):
    d = SurveyDesign(small, weights="w")
    with pytest.raises(DataError, match="verschiedene Summen") as info:
        rake(d, {"a": {"x": 50, "y": 50}, "b": {"u": 60, "v": 50}})
    assert "a=100" in str(info.value) and "b=110" in str(info.value)
    assert info.value.hint


def test_margin_category_without_respondents(small):
    d = SurveyDesign(small, weights="w")
    with pytest.raises(DataError, match="ohne Befragte: z") as info:
        rake(d, {"a": {"x": 40, "y": 40, "z": 20}})
    assert "zusammenlegen" in info.value.hint
    with pytest.raises(DataError, match="ohne Befragte"):
        poststratify(d, "a", {"x": 40, "y": 40, "z": 20})
    with pytest.raises(DataError, match="ohne Befragte"):
        calibrate(d, {"a": {"x": 40, "y": 40, "z": 20}})


def test_respondent_category_missing_from_margins(small):
    d = SurveyDesign(small, weights="w")
    with pytest.raises(DataError, match="ohne Populationswert: y") as info:
        rake(d, {"a": {"x": 100}})
    assert info.value.column == "a"
    assert info.value.rows == (3, 4, 6)


def test_missing_category_value(small):
    df = small.copy()
    df.loc[2, "a"] = None
    with pytest.raises(DataError, match="fehlende Werte") as info:
        rake(SurveyDesign(df, weights="w"), {"a": {"x": 50, "y": 50}})
    assert info.value.rows == (3,)


@pytest.mark.parametrize("bad", [0.0, -1.0, np.inf])
def test_zero_negative_infinite_weights(small, bad):
    df = small.copy()
    df.loc[4, "w"] = bad
    with pytest.raises(DataError, match="null, negativ oder unendlich") as info:
        SurveyDesign(df, weights="w")
    assert info.value.rows == (5,)


def test_missing_weights_fail_or_drop(small):
    df = small.copy()
    df.loc[1, "w"] = np.nan
    with pytest.raises(DataError, match="ohne Gewicht") as info:
        SurveyDesign(df, weights="w")
    assert info.value.rows == (2,) and "na_weights" in info.value.hint
    assert SurveyDesign(df, weights="w", na_weights="drop").n == 5


def test_lonely_psu_fails_by_default():
    df = pd.DataFrame({"h": [1, 1, 2], "y": [1.0, 2.0, 3.0]})
    with pytest.raises(DataError, match="lonely PSU") as info:
        SurveyDesign(df, strata="h")
    assert info.value.rows == (3,) and "lonely_psu" in info.value.hint
    # the policies are explicit opt-ins
    assert SurveyDesign(df, strata="h", lonely_psu="certainty").mean("y").se > 0


def test_lonely_psu_in_second_stage():
    df = pd.DataFrame(
        {
            "psu": [1, 1, 2, 2],
            "ssu": [1, 2, 3, 3],
            "N1": [10] * 4,
            "N2": [5, 5, 5, 5],
            "y": [1.0, 2, 3, 4],
        }
    )
    with pytest.raises(DataError, match="Stufe 2"):
        SurveyDesign(df, cluster=["psu", "ssu"], fpc=["N1", "N2"])


def test_rake_not_converging_reports_precision():
    # x only with u, y only with v: margins a and b cannot both be met
    df = pd.DataFrame({"a": list("xxyy"), "b": list("uuvv")})
    with pytest.raises(ConvergenceError, match="nicht konvergiert") as info:
        rake(SurveyDesign(df), {"a": {"x": 30, "y": 70}, "b": {"u": 50, "v": 50}}, max_iter=50)
    assert "Randabweichung" in str(info.value) and info.value.hint


def test_calibration_bounds_too_tight(small):
    d = SurveyDesign(small, weights="w")
    with pytest.raises(ConvergenceError, match="Kalibrierung fehlgeschlagen") as info:
        calibrate(d, {"a": {"x": 5, "y": 13}}, bounds=(0.9, 1.1))
    assert "relative Abweichung" in str(info.value)


def test_calibration_parameters(small):
    d = SurveyDesign(small, weights="w")
    with pytest.raises(ParameterError, match="Logit"):
        calibrate(d, {"y": 40.0}, method="logit")
    with pytest.raises(ParameterError, match="bounds"):
        calibrate(d, {"y": 40.0}, bounds=(1.2, 2.0))
    with pytest.raises(DataError, match="negative Gewichte"):
        calibrate(d, {"y": 1.0}, population_size=9.0)


def test_missing_values_in_analysis_variable(small):
    df = small.copy()
    df.loc[0, "y"] = np.nan
    d = SurveyDesign(df, weights="w")
    with pytest.raises(DataError, match="fehlende Werte") as info:
        d.mean("y")
    assert info.value.rows == (1,) and "na_rm" in info.value.hint
    assert d.mean("y", na_rm=True).n == 5


def test_unknown_column_is_data_error(small):
    d = SurveyDesign(small, weights="w")
    with pytest.raises(DataError, match="fehlt"):
        d.mean("nope")
    with pytest.raises(DataError, match="fehlen"):
        SurveyDesign(small, weights="gewicht")


def test_degenerate_proportion(small):
    d = SurveyDesign(small.assign(all_yes=True), weights="w")
    with pytest.raises(DataError, match="0 oder 1"):
        d.proportion("all_yes")
    est = d.proportion("all_yes", degenerate="nan")
    assert est.value == 1.0 and np.isnan(est.ci_low)


def test_fpc_smaller_than_sample(small):
    with pytest.raises(DataError, match="mehr Stichprobeneinheiten"):
        SurveyDesign(small.assign(N=3), fpc="N")
    with pytest.raises(DataError, match="nicht konstant"):
        SurveyDesign(small.assign(N=[10, 10, 10, 10, 10, 11]), fpc="N")


def test_ratio_zero_denominator(small):
    with pytest.raises(DataError, match="Verhältnis"):
        SurveyDesign(small.assign(z=0.0)).ratio("y", "z")


def test_trim_bounds_cannot_hold_total(small):
    d = SurveyDesign(small, weights="w")
    with pytest.raises(DataError, match="nicht tragen"):
        trim_weights(d, upper=1.2)


def test_nonresponse_class_without_respondents(small):
    df = small.assign(r=[True, False, True, True, False, True], k=list("ppqqpq"))
    with pytest.raises(DataError, match="ohne Antwortende: p") as info:
        adjust_nonresponse(
            SurveyDesign(df.assign(r=[False, False, True, True, False, True]), weights="w"),
            "r",
            "k",
        )
    assert "zusammenlegen" in info.value.hint
    with pytest.raises(DataError, match="wahr/falsch"):
        adjust_nonresponse(SurveyDesign(df.assign(r="ja"), weights="w"), "r", "k")


def test_bad_arguments(small):
    with pytest.raises(ParameterError):
        SurveyDesign(small, weights="w", probs="w")
    with pytest.raises(ParameterError):
        SurveyDesign(small, lonely_psu="ignore")
    with pytest.raises(ParameterError):
        SurveyDesign(small, na_weights="zero")
    with pytest.raises(ParameterError):
        SurveyDesign(small).proportion("a", "x", ci="exact")
    with pytest.raises(DataError, match="Auswahlwahrscheinlichkeiten"):
        SurveyDesign(small.assign(p=2.0), probs="p")


def test_design_is_immutable_and_inputs_untouched(small):
    before = small.copy()
    d = SurveyDesign(small, weights="w")
    with pytest.raises(AttributeError):
        d.strata = "a"
    with pytest.raises(ValueError):
        d._w[0] = 5.0
    r = rake(d, {"a": {"x": 50, "y": 50}})
    trim_weights(r, upper=20.0)
    data = d.data
    data.loc[0, "y"] = 99.0
    pd.testing.assert_frame_equal(small, before)
    assert d.weights.tolist() == before["w"].tolist()
    assert d.mean("y").value == np.average(before["y"], weights=before["w"])
