"""Invariants (hypothesis) and independent checks of the linearisation."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.weighting import (
    SurveyDesign,
    adjust_nonresponse,
    calibrate,
    kish_deff,
    kish_n_eff,
    poststratify,
    rake,
    trim_weights,
    weight_summary,
)

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def samples(draw, n_vars=2):
    """Respondents covering every cell of the crossed categories, with random base weights."""
    levels = [draw(st.integers(2, 4)) for _ in range(n_vars)]
    extra = draw(st.integers(0, 60))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    grids = (
        np.array(np.meshgrid(*[np.arange(k) for k in levels], indexing="ij")).reshape(n_vars, -1).T
    )
    more = (
        np.column_stack([rng.integers(0, k, extra) for k in levels])
        if extra
        else np.empty((0, n_vars), int)
    )
    cats = np.vstack([grids, more])
    df = pd.DataFrame({f"v{j}": [f"c{c}" for c in cats[:, j]] for j in range(n_vars)})
    df["w"] = rng.uniform(0.5, 5.0, len(df))
    df["y"] = rng.normal(10, 3, len(df))
    df["x"] = rng.uniform(1, 4, len(df))
    total = float(rng.uniform(500, 5000))
    margins = {}
    for j, k in enumerate(levels):
        share = rng.dirichlet(np.ones(k) * 2) * 0.8 + 0.2 / k
        margins[f"v{j}"] = {f"c{c}": total * share[c] for c in range(k)}
    return df, margins, rng


@SETTINGS
@given(samples(n_vars=3))
def test_raked_weights_meet_every_margin(sample):
    df, margins, _ = sample
    raked = rake(SurveyDesign(df, weights="w"), margins, tol=1e-9, max_iter=2000)
    w = raked.weights
    for var, targets in margins.items():
        got = w.groupby(df[var]).sum()
        for cat, target in targets.items():
            assert abs(got[cat] - target) <= 1e-8 * target
    assert raked.history[-1].max_error < 1e-9


@SETTINGS
@given(
    samples(n_vars=2),
    st.floats(0.2, 0.9),
    st.floats(1.1, 3.0),
    st.sampled_from(["equal", "proportional"]),
)
def test_trimming_keeps_total_and_bounds(sample, lo, hi, how):
    df, _, _ = sample
    d = SurveyDesign(df, weights="w")
    mean_w = df["w"].mean()
    t = trim_weights(d, lower=lo * mean_w, upper=hi * mean_w, redistribute=how)
    assert np.isclose(t.weights.sum(), df["w"].sum(), rtol=1e-12)
    assert t.weights.min() >= lo * mean_w * (1 - 1e-12)
    assert t.weights.max() <= hi * mean_w * (1 + 1e-12)


@SETTINGS
@given(samples(n_vars=2))
def test_calibration_meets_totals(sample):
    df, margins, rng = sample
    total_x = float(sum(margins["v0"].values()) * df["x"].mean() * rng.uniform(0.95, 1.05))
    totals = {"v0": margins["v0"], "v1": margins["v1"], "x": total_x}
    cal = calibrate(SurveyDesign(df, weights="w"), totals, allow_negative=True)
    w = cal.weights
    assert np.isclose((w * df["x"]).sum(), total_x, rtol=1e-7)
    for var in ("v0", "v1"):
        got = w.groupby(df[var]).sum()
        for cat, target in margins[var].items():
            assert np.isclose(got[cat], target, rtol=1e-7)


@SETTINGS
@given(samples(n_vars=2), st.integers(0, 2**32 - 1))
def test_shuffling_rows_changes_nothing(sample, seed):
    df, margins, _ = sample
    df = df.assign(psu=np.arange(len(df)) // 2, stratum=df["v0"])
    order = np.random.default_rng(seed).permutation(len(df))

    def estimates(frame):
        d = SurveyDesign(frame, weights="w", strata="stratum", cluster="psu", lonely_psu="adjust")
        r = rake(d, margins, tol=1e-10, max_iter=2000)
        m = r.mean("y")
        by = r.total("y", by="v1").set_index("v1").sort_index()
        return np.array([m.value, m.se, m.deff, *by["value"], *by["se"]])

    assert np.allclose(estimates(df), estimates(df.iloc[order]), rtol=1e-9)


def test_domain_total_equals_total_of_indicator_product(dclus1, apiclus1):
    by = dclus1.total("enroll", by="stype").set_index("stype")
    for s in ["E", "H", "M"]:
        product = apiclus1.assign(z=apiclus1["enroll"] * (apiclus1["stype"] == s))
        est = SurveyDesign(product, weights="pw", cluster="dnum", fpc="fpc").total("z")
        assert np.isclose(by.loc[s, "value"], est.value, rtol=1e-12)
        assert np.isclose(by.loc[s, "se"], est.se, rtol=1e-12)


def _fd_influence(estimator, d, h=1e-6):
    """Numerical influence z_i = d_i * d(theta)/d(d_i) by central differences."""
    z = np.empty(len(d))
    for i in range(len(d)):
        up, down = d.copy(), d.copy()
        up[i] *= 1 + h
        down[i] *= 1 - h
        z[i] = (estimator(up) - estimator(down)) / (2 * h)
    return z


def _srswr_var(z):
    n = len(z)
    return n / (n - 1) * np.sum((z - z.mean()) ** 2)


@pytest.fixture(scope="module")
def nr_sample():
    rng = np.random.default_rng(7)
    n = 60
    return pd.DataFrame(
        {
            "d": rng.uniform(1, 3, n),
            "k": rng.choice(["p", "q", "r"], n),
            "resp": rng.uniform(size=n) < 0.7,
            "y": rng.normal(5, 2, n),
        }
    )


def test_nonresponse_se_equals_two_phase_variance_from_its_definition(nr_sample):
    """Dense Särndal-Swensson-Wretman (1992) two-phase estimator, written from the definition.

    Phase 1: the sample (with replacement, a_kl = n/(n-1) (delta_kl - 1/n)); phase 2:
    respondents as SRSWOR of m_c of n_c within each class (pi2_kl from the counts).
    V = sum_r sum_r a_kl xc_k xc_l / pi2_kl + sum_r sum_r (pi2_kl - pi2_k pi2_l)/pi2_kl x_k x_l,
    xc = phase-1 expanded contribution = x * pi2.
    """
    df = nr_sample
    adjusted = adjust_nonresponse(SurveyDesign(df, weights="d"), "resp", "k")
    w = adjusted.weights.to_numpy()
    r = df["resp"].to_numpy()
    y = df["y"].to_numpy()
    ybar = np.sum(w * y) / w.sum()
    x = (w * (y - ybar) / w.sum())[r]
    cls = df["k"].to_numpy()
    n_c = pd.Series(cls).value_counts()
    m_c = pd.Series(cls[r]).value_counts()
    c = cls[r]
    pi2 = np.array([m_c[v] / n_c[v] for v in c])
    same = c[:, None] == c[None, :]
    m_k = np.array([m_c[v] for v in c], dtype=float)
    n_k = np.array([n_c[v] for v in c], dtype=float)
    joint = np.where(
        same, pi2[:, None] * (m_k[:, None] - 1) / (n_k[:, None] - 1), np.outer(pi2, pi2)
    )
    np.fill_diagonal(joint, pi2)
    n = len(df)
    a = n / (n - 1) * (np.eye(len(x)) - 1.0 / n)
    xc = x * pi2
    v1 = xc @ (a / joint) @ xc
    v2 = x @ ((joint - np.outer(pi2, pi2)) / joint) @ x
    assert np.isclose(adjusted.mean("y").se, np.sqrt(v1 + v2), rtol=1e-10)
    # ignoring the adjustment (weights as fixed) would give a different SE
    fixed = SurveyDesign(df[df["resp"]].assign(w=adjusted.weights[df["resp"]]), weights="w")
    assert not np.isclose(fixed.mean("y").se, adjusted.mean("y").se, rtol=1e-3)


def test_poststratified_total_se_matches_numerical_linearisation(nr_sample):
    df = nr_sample
    pop = {"p": 40.0, "q": 55.0, "r": 35.0}

    def theta(weights):
        return (
            poststratify(SurveyDesign(df.assign(d=weights), weights="d"), "k", pop).total("y").value
        )

    z = _fd_influence(theta, df["d"].to_numpy())
    ps = poststratify(SurveyDesign(df, weights="d"), "k", pop)
    assert np.isclose(ps.total("y").se, np.sqrt(_srswr_var(z)), rtol=1e-5)


def test_kish_diagnostics_by_hand():
    w = np.array([1.0, 2.0, 3.0, 6.0])
    assert np.isclose(kish_n_eff(w), 144 / 50)
    cv2 = np.var(w) / np.mean(w) ** 2
    assert np.isclose(kish_deff(w), 1 + cv2)
    assert np.isclose(kish_deff(w), len(w) / kish_n_eff(w))
    s = weight_summary(w)
    assert s["ratio"] == 6.0 and s["sum"] == 12.0


def test_estimate_to_frame_and_n_eff(dstrat):
    est = dstrat.mean("api00")
    frame = est.to_frame()
    assert list(frame.columns) == ["value", "se", "ci_low", "ci_high", "df", "n", "n_eff", "deff"]
    assert np.isclose(est.n_eff, est.n / est.deff)


def test_wilson_interval_by_hand():
    # SRS of 10 with 3 "yes": p = 0.3, Var = 10/9 * sum(((y - p)/10)^2) = 0.0233...,
    # effective n = p(1-p)/Var = 9, t quantile with 9 df
    d = SurveyDesign(pd.DataFrame({"ja": [True] * 3 + [False] * 7}))
    est = d.proportion("ja", ci="wilson")
    assert np.isclose(est.se**2, 10 / 9 * (3 * 0.49 + 7 * 0.09) / 100)
    z = 2.2621571627409915  # t(0.975, 9)
    n = 9.0
    centre = (0.3 + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(0.21 / n + z**2 / (4 * n**2))
    assert np.isclose(est.ci_low, centre - half, rtol=1e-9)
    assert np.isclose(est.ci_high, centre + half, rtol=1e-9)
    assert np.isclose(est.ci_low, 0.08723, atol=5e-5) and np.isclose(
        est.ci_high, 0.65777, atol=5e-5
    )


def test_cross_classified_margin_equals_poststratification(dclus1):
    pop = {("E", "No"): 600.0, ("E", "Yes"): 3821.0, ("H", "No"): 300.0, ("H", "Yes"): 455.0}
    pop |= {("M", "No"): 172.0, ("M", "Yes"): 846.0}
    raked = rake(dclus1, {("stype", "sch.wide"): pop})
    ps = poststratify(dclus1, ["stype", "sch.wide"], pop)
    assert np.allclose(raked.weights, ps.weights, rtol=1e-10)
    assert np.isclose(raked.mean("api00").value, ps.mean("api00").value, rtol=1e-10)


def test_probs_and_weights_give_the_same_design(apistrat):
    by_w = SurveyDesign(apistrat, weights="pw", strata="stype", fpc="fpc")
    by_p = SurveyDesign(apistrat.assign(p=1 / apistrat["pw"]), probs="p", strata="stype", fpc="fpc")
    a, b = by_w.total("enroll"), by_p.total("enroll")
    assert np.isclose(a.value, b.value, rtol=1e-12) and np.isclose(a.se, b.se, rtol=1e-12)
