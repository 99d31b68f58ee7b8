"""Degrees of freedom with na_rm / domains, next to R's conventions (issue #13, defect 3)."""

import numpy as np
import pytest

from tests.weighting._analysis import REF, read_api
from toolkit.errors import ParameterError
from toolkit.weighting import SurveyDesign, mean, proportion, quantile


@pytest.fixture(scope="module")
def dclus2():
    df = read_api("apiclus2")
    df["big"] = (df["acs.k3"] > 20).where(df["acs.k3"].notna())
    df["api00_k3"] = df["api00"].where(df["acs.k3"].notna())
    return SurveyDesign(df, cluster=["dnum", "snum"], fpc=["fpc1", "fpc2"])


def test_default_is_the_df_of_the_rows_used_as_r_on_a_subset(dclus2):
    e = proportion(dclus2, "big", 1.0, na_rm=True)
    assert e.df == REF["df.nonmissing"] == 34
    np.testing.assert_allclose([e.ci_low, e.ci_high], REF["df.ciprop.subset.ci"], rtol=1e-6)


def test_design_df_option_reproduces_svyciprop_with_na_rm(dclus2):
    e = proportion(dclus2, "big", 1.0, na_rm=True, df="design")
    assert e.df == REF["df.full"] == 39
    np.testing.assert_allclose([e.ci_low, e.ci_high], REF["df.ciprop.narm.ci"], rtol=1e-6)


def test_quantile_uses_the_non_missing_cases_as_svyquantile(dclus2):
    q = quantile(dclus2, "api00_k3", 0.5, na_rm=True)
    assert q.df == 34
    assert [q.ci_low, q.ci_high] == REF["df.quantile.subset.ci"]
    assert quantile(dclus2, "api00_k3", 0.5, na_rm=True, df="design").df == 39


def test_fixed_and_bad_df(dclus2):
    e = mean(dclus2, "acs.k3", na_rm=True, df=10)
    assert e.df == 10
    wider = mean(dclus2, "acs.k3", na_rm=True, df=5)
    assert wider.ci_high - wider.ci_low > e.ci_high - e.ci_low
    with pytest.raises(ParameterError, match="df muss"):
        mean(dclus2, "acs.k3", na_rm=True, df="R")
