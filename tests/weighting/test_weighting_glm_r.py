"""svyglm, regTermTest and predict.svyglm against R (tests/reference/r_survey_analysis.R)."""

import numpy as np
import pandas as pd
import pytest

from tests.weighting._analysis import REF, RTOL, r_name, read_api
from toolkit.errors import ConvergenceError, DataError, ParameterError
from toolkit.weighting import SurveyDesign, glm


@pytest.fixture(scope="module")
def fits():
    strat = SurveyDesign(read_api("apistrat"), weights="pw", strata="stype", fpc="fpc")
    clus1 = SurveyDesign(read_api("apiclus1"), weights="pw", cluster="dnum", fpc="fpc")
    c2 = read_api("apiclus2")
    clus2 = SurveyDesign(c2, cluster=["dnum", "snum"], fpc=["fpc1", "fpc2"])
    return {
        "glm.linear.strat": (
            glm(strat, "api00 ~ ell + meals + mobility"),
            {"ell_meals": "~ ell + meals"},
            pd.DataFrame({"ell": [10, 30], "meals": [20, 60], "mobility": [5, 25]}),
        ),
        "glm.logit.clus2": (
            glm(clus2, "yes ~ ell + meals + stype", family="quasibinomial"),
            {"stype": "stype", "meals": "meals"},
            pd.DataFrame({"ell": [10, 30, 5], "meals": [20, 60, 40], "stype": ["E", "H", "M"]}),
        ),
        "glm.poisson.clus1": (
            glm(clus1, y="enroll", x=["stype", "meals"], family="quasipoisson"),
            {"stype": 'C(Q("stype"))'},
            pd.DataFrame({"meals": [20, 60], "stype": ["E", "M"]}),
        ),
        "glm.linear.clus2.narm": (
            glm(clus2, "api00 ~ Q('acs.k3') + meals", na_rm=True),
            {"acs": "Q('acs.k3')"},
            pd.DataFrame({"acs.k3": [18, 22], "meals": [30, 70]}),
        ),
    }


CASES = ["glm.linear.strat", "glm.logit.clus2", "glm.poisson.clus1", "glm.linear.clus2.narm"]


@pytest.mark.parametrize("case", CASES)
def test_coefficients_ses_tests_and_intervals_equal_r(fits, case):
    fit = fits[case][0]
    tab = fit.table()
    tab.index = [r_name(n) for n in tab.index]
    tab = tab.loc[REF[f"{case}.names"]]
    assert fit.df == REF[f"{case}.df"]
    for col, key in [("estimate", "coef"), ("se", "se"), ("t", "t"), ("p", "p")]:
        np.testing.assert_allclose(tab[col], REF[f"{case}.{key}"], rtol=RTOL, err_msg=col)
    np.testing.assert_allclose(tab["ci_low"], REF[f"{case}.ci_low"], rtol=RTOL)
    np.testing.assert_allclose(tab["ci_high"], REF[f"{case}.ci_high"], rtol=RTOL)


@pytest.mark.parametrize("case", CASES)
def test_wald_term_tests_equal_regtermtest(fits, case):
    fit, terms, _ = fits[case]
    for label, term in terms.items():
        t = fit.wald_test(term)
        key = f"{case}.wald.{label}"
        assert t.statistic == pytest.approx(REF[f"{key}.F"], rel=RTOL)
        assert t.df == REF[f"{key}.df"] and t.ddf == REF[f"{key}.ddf"]
        assert t.p_value == pytest.approx(REF[f"{key}.p"], rel=RTOL)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("kind", ["link", "response"])
def test_predictions_equal_predict_svyglm(fits, case, kind):
    fit, _, newdata = fits[case]
    pred = fit.predict(newdata, type=kind)
    np.testing.assert_allclose(pred["value"], REF[f"{case}.predict.{kind}.value"], rtol=RTOL)
    np.testing.assert_allclose(pred["se"], REF[f"{case}.predict.{kind}.se"], rtol=RTOL)


def test_missing_values_need_na_rm():
    d = SurveyDesign(read_api("apiclus2"), cluster=["dnum", "snum"], fpc=["fpc1", "fpc2"])
    with pytest.raises(DataError, match="fehlenden Werten"):
        glm(d, "api00 ~ Q('acs.k3')")


def test_bad_family_formula_and_separation():
    df = pd.DataFrame({"y": [0, 0, 0, 1, 1, 1], "x": [1.0, 2, 3, 4, 5, 6]})
    d = SurveyDesign(df)
    with pytest.raises(ParameterError, match="family"):
        glm(d, "y ~ x", family="probit")
    with pytest.raises(ParameterError, match="Modellformel"):
        glm(d, "y ~ nicht_da")
    with pytest.raises(ConvergenceError):
        glm(d, "y ~ x", family="quasibinomial")
    with pytest.raises(ParameterError, match="kommen im Modell nicht vor"):
        glm(d, "y ~ x").wald_test("z")
