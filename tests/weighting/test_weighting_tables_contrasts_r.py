"""svytable/svychisq and svyby(covmat=TRUE)/svycontrast/Holm against R (r_survey_analysis.R)."""

import numpy as np
import pytest

from tests.weighting._analysis import REF, RTOL, read_api
from toolkit.errors import ParameterError
from toolkit.weighting import (
    SurveyDesign,
    adjust_nonresponse,
    chisq_test,
    contrast,
    domain_means,
    holm,
    pairwise,
    poststratify,
    weighted_table,
)
from toolkit.weighting.linearization import design_covariance
from toolkit.weighting.variance import stage_variance


@pytest.fixture(scope="module")
def designs():
    clus1 = SurveyDesign(read_api("apiclus1"), weights="pw", cluster="dnum", fpc="fpc")
    return {
        "strat": SurveyDesign(read_api("apistrat"), weights="pw", strata="stype", fpc="fpc"),
        "clus1": clus1,
        "clus2": SurveyDesign(read_api("apiclus2"), cluster=["dnum", "snum"], fpc=["fpc1", "fpc2"]),
        "clus1ps": poststratify(clus1, "stype", {"E": 4421, "H": 755, "M": 1018}),
    }


TABLES = {
    "chisq.strat.wide_awards": ("strat", "sch.wide", "awards"),
    "chisq.clus1.stype_wide": ("clus1", "stype", "sch.wide"),
    "chisq.clus2.stype_awards": ("clus2", "stype", "awards"),
    "chisq.clus1ps.stype_both": ("clus1ps", "stype", "both"),
}


@pytest.mark.parametrize("key", sorted(TABLES))
def test_weighted_table_equals_svytable(designs, key):
    name, row, col = TABLES[key]
    tab = weighted_table(designs[name], row, col)
    np.testing.assert_allclose(tab.to_numpy().ravel(order="F"), REF[f"{key}.table"], rtol=RTOL)


@pytest.mark.parametrize("key", sorted(TABLES))
@pytest.mark.parametrize("statistic", ["F", "Chisq"])
def test_rao_scott_equals_svychisq(designs, key, statistic):
    name, row, col = TABLES[key]
    t = chisq_test(designs[name], row, col, statistic=statistic)
    ref = f"{key}.{statistic}"
    # R reports the F statistic for "F", but Pearson's uncorrected X^2 for "Chisq"
    # (its p-value uses X^2 / mean(diag(Delta))); we report the corrected value.
    got = t.statistic if statistic == "F" else t.pearson
    assert got == pytest.approx(REF[f"{ref}.statistic"], rel=RTOL)
    if statistic == "Chisq":
        assert t.statistic == pytest.approx(t.pearson / t.design_effect, rel=1e-12)
    assert t.p_value == pytest.approx(REF[f"{ref}.p"], rel=RTOL)
    params = REF[f"{ref}.parameter"]
    params = params if isinstance(params, list) else [params]
    assert t.df == pytest.approx(params[0], rel=RTOL)
    if statistic == "F":
        assert t.ddf == pytest.approx(params[1], rel=RTOL)


CONTRASTS = {
    "contrast.strat.api00": ("strat", "api00", "awards"),
    "contrast.clus1.yes": ("clus1", "yes", "stype"),
    "contrast.clus2.api00": ("clus2", "api00", "stype"),
    "contrast.clus1ps.api00": ("clus1ps", "api00", "stype"),
    "contrast.clus1.api00.ratio": ("clus1", "api00", "stype"),
}


@pytest.mark.parametrize("key", sorted(CONTRASTS))
def test_domain_covariance_and_pairs_equal_r(designs, key):
    name, var, by = CONTRASTS[key]
    dm = domain_means(designs[name], var, by)
    k = len(dm.values)
    np.testing.assert_allclose(dm.values, REF[f"{key}.values"], rtol=RTOL)
    np.testing.assert_allclose(dm.cov, np.reshape(REF[f"{key}.cov"], (k, k), order="F"), rtol=RTOL)
    assert dm.df == REF[f"{key}.df"]
    pairs = pairwise(dm)
    for col, ref in [("diff", "diff"), ("se", "se"), ("p", "p"), ("p_holm", "p_holm")]:
        want = np.atleast_1d(REF[f"{key}.pair.{ref}"])
        np.testing.assert_allclose(pairs[col], want, rtol=RTOL, err_msg=col)
    first = contrast(dm, {dm.keys[0]: 1, dm.keys[1]: -1})
    assert first.value == pytest.approx(np.atleast_1d(REF[f"{key}.pair.diff"])[0], rel=RTOL)
    assert first.se == pytest.approx(np.atleast_1d(REF[f"{key}.pair.se"])[0], rel=RTOL)


def test_holm_equals_p_adjust_by_hand():
    # p.adjust(c(0.01, 0.02, 0.03, 0.5), "holm") = 0.04 0.06 0.06 0.5
    np.testing.assert_allclose(holm([0.01, 0.02, 0.03, 0.5]), [0.04, 0.06, 0.06, 0.5])


def test_bad_inputs(designs):
    with pytest.raises(ParameterError, match="statistic"):
        chisq_test(designs["strat"], "stype", "awards", statistic="Wald")
    dm = domain_means(designs["strat"], "api00", "stype")
    with pytest.raises(ParameterError, match="Unbekannte Domäne"):
        contrast(dm, {"X": 1})


def test_levels_only_among_nonrespondents_do_not_enter_the_table():
    df = read_api("apiclus1")
    df["resp"] = df["resp"] | (df["stype"] == "H")
    df.loc[~df["resp"], "stype"] = "X"  # a level only nonrespondents have
    d = SurveyDesign(df, weights="pw", cluster="dnum", fpc="fpc")
    adjusted = adjust_nonresponse(d, "resp")
    assert "X" not in weighted_table(adjusted, "stype", "sch.wide").index
    assert np.isfinite(chisq_test(adjusted, "stype", "sch.wide").p_value)


@pytest.mark.parametrize("lonely", ["adjust", "average", "certainty"])
def test_covariance_diagonal_equals_stage_variance_with_lonely_psus(lonely):
    """design_covariance and the estimators' variances agree for every lonely-PSU rule."""
    df = read_api("apistrat")
    df = df[~((df["stype"] == "H") & (df.groupby("stype").cumcount() > 0))]  # one H school: lonely
    d = SurveyDesign(df, weights="pw", strata="stype", lonely_psu=lonely)
    w = d._w
    y = d.data["api00"].to_numpy()
    z = np.column_stack([w * y, w * (y - y.mean())])
    cov = design_covariance(d, z)
    np.testing.assert_allclose(np.diag(cov), stage_variance(z, d._stages, lonely), rtol=1e-12)
    assert d.total("api00").se ** 2 == pytest.approx(cov[0, 0], rel=1e-12)


def test_weighted_table_rescaled_like_ntotal(designs):
    tab = weighted_table(designs["clus1"], "stype", "sch.wide", ntotal=100)
    np.testing.assert_allclose(
        tab.to_numpy().ravel(order="F"), REF["table.clus1.ntotal100"], rtol=RTOL
    )
