"""glm, contrasts and Rao-Scott tests on replicate designs against R's svrepdesign results."""

import numpy as np
import pandas as pd
import pytest

from tests.weighting._analysis import REF, RTOL, r_name, read_api
from toolkit.weighting import SurveyDesign, as_replicate, chisq_test, domain_means, glm, pairwise


@pytest.fixture(scope="module")
def reps():
    clus1 = SurveyDesign(read_api("apiclus1"), weights="pw", cluster="dnum", fpc="fpc")
    strat = SurveyDesign(read_api("apistrat"), weights="pw", strata="stype", fpc="fpc")
    return {"clus1": as_replicate(clus1, type="JK1"), "strat": as_replicate(strat, type="JKn")}


@pytest.mark.parametrize(
    ("key", "design", "formula", "family", "term", "newdata"),
    [
        (
            "rep.glm.logit.clus1",
            "clus1",
            "yes ~ meals + stype",
            "quasibinomial",
            ("stype", "stype"),
            {"meals": [20, 60, 40], "stype": ["E", "H", "M"]},
        ),
        (
            "rep.glm.linear.strat",
            "strat",
            "api00 ~ ell + meals",
            "gaussian",
            ("ell_meals", "~ ell + meals"),
            {"ell": [10, 30], "meals": [20, 60]},
        ),
    ],
)
def test_glm_on_replicates_equals_svyglm_svrep(reps, key, design, formula, family, term, newdata):
    fit = glm(reps[design], formula, family=family)
    tab = fit.table()
    tab.index = [r_name(n) for n in tab.index]
    tab = tab.loc[REF[f"{key}.names"]]
    assert fit.df == REF[f"{key}.df"]
    for col, ref in [("estimate", "coef"), ("se", "se"), ("p", "p"), ("ci_low", "ci_low")]:
        np.testing.assert_allclose(tab[col], REF[f"{key}.{ref}"], rtol=RTOL, err_msg=col)
    t = fit.wald_test(term[1])
    assert t.statistic == pytest.approx(REF[f"{key}.wald.{term[0]}.F"], rel=RTOL)
    assert t.p_value == pytest.approx(REF[f"{key}.wald.{term[0]}.p"], rel=RTOL)
    pred = fit.predict(pd.DataFrame(newdata))
    np.testing.assert_allclose(pred["se"], REF[f"{key}.predict.response.se"], rtol=RTOL)


@pytest.mark.parametrize(
    ("key", "design", "var", "by"),
    [
        ("rep.contrast.clus1.api00", "clus1", "api00", "stype"),
        ("rep.contrast.strat.yes", "strat", "yes", "awards"),
    ],
)
def test_domain_covariance_on_replicates(reps, key, design, var, by):
    dm = domain_means(reps[design], var, by)
    k = len(dm.values)
    np.testing.assert_allclose(dm.cov, np.reshape(REF[f"{key}.cov"], (k, k), order="F"), rtol=RTOL)
    np.testing.assert_allclose(
        pairwise(dm)["p_holm"], np.atleast_1d(REF[f"{key}.pair.p_holm"]), rtol=RTOL
    )


@pytest.mark.parametrize(
    ("key", "design", "row", "col"),
    [
        ("rep.chisq.clus1.stype_wide", "clus1", "stype", "sch.wide"),
        ("rep.chisq.strat.wide_awards", "strat", "sch.wide", "awards"),
    ],
)
def test_rao_scott_on_replicates(reps, key, design, row, col):
    t = chisq_test(reps[design], row, col)
    assert t.statistic == pytest.approx(REF[f"{key}.F.statistic"], rel=RTOL)
    assert t.ddf == pytest.approx(REF[f"{key}.F.parameter"][1], rel=RTOL)
    assert t.p_value == pytest.approx(REF[f"{key}.F.p"], rel=RTOL)
