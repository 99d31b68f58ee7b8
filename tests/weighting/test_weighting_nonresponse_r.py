"""Defects of issue #13: nonresponse SEs equal R's two-phase variance; logit calibration fails cleanly."""

import numpy as np
import pandas as pd
import pytest

from tests.weighting._analysis import DATA, REF, read_api
from toolkit.errors import ConvergenceError
from toolkit.weighting import SurveyDesign, adjust_nonresponse, calibrate
from toolkit.weighting.calibrate import calibration_function

# R's twophase(method="full") agrees with the SSW two-phase estimator on these designs
CASES = {
    "srs": ("apisrs", {"fpc": "fpc"}, "stype"),
    "clus1": ("apiclus1", {"cluster": "dnum", "fpc": "fpc"}, "stype"),
    "clus1wide": ("apiclus1", {"cluster": "dnum", "fpc": "fpc"}, ["stype", "sch.wide"]),
    "clus2psu": ("apiclus2", {"cluster": "dnum", "fpc": "fpc1"}, "stype"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_nonresponse_variance_equals_r_twophase_full(case):
    name, kw, classes = CASES[case]
    d = adjust_nonresponse(SurveyDesign(read_api(name), **kw), "resp", classes)
    m, t = d.mean("api00"), d.total("api99")
    assert m.value == pytest.approx(REF[f"nr.{case}.mean.api00.value"], rel=1e-9)
    assert t.value == pytest.approx(REF[f"nr.{case}.total.api99.value"], rel=1e-9)
    assert m.se**2 == pytest.approx(REF[f"nr.{case}.mean.api00.full"], rel=1e-6)
    assert t.se**2 == pytest.approx(REF[f"nr.{case}.total.api99.full"], rel=1e-6)


def test_nonresponse_in_strata_equals_stratified_sample_of_respondents():
    """Classes = strata: the standard result (R svydesign on the respondents)."""
    d = adjust_nonresponse(
        SurveyDesign(read_api("apistrat"), strata="stype", fpc="fpc"), "resp", "stype"
    )
    assert d.mean("api00").se == pytest.approx(REF["nr.stratresp.mean.api00.se"], rel=1e-6)
    assert d.total("api99").se == pytest.approx(REF["nr.stratresp.total.api99.se"], rel=1e-6)


@pytest.mark.parametrize("case", ["strat", "stratstype"])
def test_nonresponse_phase2_term_equals_r_on_stratified_designs(case):
    """R's full phase-1 term is wrong for stratified phase 1 (negative variance of a total
    of positive values); its phase-2 term is right and equals ours."""
    classes = ["stype", "sch.wide"] if case == "strat" else "stype"
    design = SurveyDesign(read_api("apistrat"), strata="stype", fpc="fpc")
    d = adjust_nonresponse(design, "resp", classes)
    resid = d._adjustments[-1]
    w = d._w
    y = d.data["api00"].to_numpy()
    z = (w * (y - np.sum(w * y) / w.sum()) / w.sum())[:, None]
    phase1_correction = resid.extra_variance(z)[0] - _phase2(resid, z)
    assert _phase2(resid, z) == pytest.approx(REF[f"nr.{case}.mean.api00.phase2"], rel=1e-6)
    assert REF[f"nr.{case}.total.api99.full"] < 0  # R's defect this test documents
    assert d.total("api99").se > 0
    assert np.isfinite(phase1_correction)


def _phase2(resid, z):
    r = resid.responded
    out = 0.0
    for c in range(resid.n_groups):
        x = z[(resid.codes == c) & r, 0]
        if len(x) > 1:
            out += resid.phase2[c] * np.sum((x - x.mean()) ** 2)
    return out


@pytest.mark.parametrize("bounds", [(0.9, 1.1), (0.8, 1.2)])
def test_logit_calibration_with_unreachable_bounds_raises_convergence_error(bounds):
    """Two-stage cluster design, school type and a numeric total: bounds cannot be met."""
    df = pd.read_csv(DATA / "apiclus2.csv")
    d = SurveyDesign(df, cluster=["dnum", "snum"], fpc=["fpc1", "fpc2"])
    totals = {"stype": {"E": 4421, "H": 755, "M": 1018}, "api99": 3914069}
    with pytest.raises(ConvergenceError, match="Kalibrierung fehlgeschlagen"):
        calibrate(d, totals, method="logit", bounds=bounds)


def test_logit_distance_is_finite_far_out():
    fm1, dfun = calibration_function("logit", 0.9, 1.1)
    u = np.array([-1e6, -800.0, 0.0, 800.0, 1e6])
    assert np.all(np.isfinite(fm1(u))) and np.all(np.isfinite(dfun(u)))
    assert fm1(u)[0] == pytest.approx(-0.1) and fm1(u)[-1] == pytest.approx(0.1)
    assert dfun(u)[2] == pytest.approx(1.0)  # F'(0) = 1 for every distance
