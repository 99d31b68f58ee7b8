"""The Fakten-Check Familienbefragung design (Musterland sample data) against R.

R (tests/reference/r_survey_analysis.R) builds it as the stratified sample of the respondents
(nonresponse classes = strata, equal design weights per stratum) post-stratified by
Sozialraum x age group; the toolkit as the report does: nonresponse adjustment (two-phase
variance) and then post-stratification.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.weighting._analysis import REF, RTOL
from toolkit.reports.content._befragung import survey_design
from toolkit.weighting import chisq_test, domain_means, glm, pairwise

SAMPLE = Path(__file__).resolve().parents[2] / "data_samples" / "musterland"


@pytest.fixture(scope="module")
def design():
    data = pd.read_csv(SAMPLE / "survey_families.csv", dtype={"bedarf_ganztag": "boolean"})
    margins = pd.read_csv(SAMPLE / "survey_families_margins.csv")
    return survey_design(data, margins)


def test_cross_table_test_equals_r(design):
    t = chisq_test(design, "child_age_group", "bedarf_ganztag")
    assert t.statistic == pytest.approx(REF["fam.chisq.F"], rel=RTOL)
    assert t.df == pytest.approx(REF["fam.chisq.ndf"], rel=RTOL)
    assert t.p_value == pytest.approx(REF["fam.chisq.p"], rel=RTOL)


def test_regression_equals_r(design):
    fit = glm(
        design, "bedarf_ganztag ~ child_age_group + sozialraum", family="quasibinomial", na_rm=True
    )
    names = [
        "(Intercept)" if n == "Intercept" else n.replace("[T.", "").replace("]", "")
        for n in fit.coef.index
    ]
    tab = fit.table()
    tab.index = names
    tab = tab.loc[REF["fam.glm.names"]]
    np.testing.assert_allclose(tab["estimate"], REF["fam.glm.coef"], rtol=RTOL)
    np.testing.assert_allclose(tab["se"], REF["fam.glm.se"], rtol=RTOL)
    assert fit.df == REF["fam.glm.df"]
    w = fit.wald_test("sozialraum")
    assert w.statistic == pytest.approx(REF["fam.glm.wald.sozialraum.F"], rel=RTOL)
    assert w.p_value == pytest.approx(REF["fam.glm.wald.sozialraum.p"], rel=RTOL)


def test_sozialraum_pairs_equal_r(design):
    dm = domain_means(design, "bedarf_ganztag", "sozialraum", na_rm=True)
    k = len(dm.values)
    np.testing.assert_allclose(dm.values, REF["fam.contrast.bedarf.values"], rtol=RTOL)
    np.testing.assert_allclose(
        dm.cov, np.reshape(REF["fam.contrast.bedarf.cov"], (k, k), order="F"), rtol=RTOL, atol=1e-15
    )
    assert dm.df == REF["fam.contrast.bedarf.df"]
    pairs = pairwise(dm)
    np.testing.assert_allclose(pairs["p"], REF["fam.contrast.bedarf.pair.p"], rtol=RTOL)
    np.testing.assert_allclose(pairs["p_holm"], REF["fam.contrast.bedarf.pair.p_holm"], rtol=RTOL)
