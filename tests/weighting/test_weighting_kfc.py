"""A worked example in the style of Kalton & Flores-Cervantes (2003), "Weighting methods".

The published table of the paper could not be retrieved in this environment, so the
example is built as the paper describes its own: respondents classified by two auxiliary
variables (here sex x age group), equal base weights, known joint population counts (for
cell weighting) and known margins (for raking and linear calibration / GREG). Expected
weights are computed independently here (closed forms, a plain 2-D IPF on the cell
table, the GREG normal equations) and cross-checked with R (keys ``kfc.*`` in
tests/reference/r_survey_reference.json).
"""

import numpy as np
import pandas as pd
import pytest

from toolkit.weighting import SurveyDesign, calibrate, poststratify, rake

SEX = ["m", "m", "m", "f", "f", "f"]
AGE = ["a1", "a2", "a3", "a1", "a2", "a3"]
N_RESP = np.array([100, 150, 120, 180, 230, 220])
N_YES = np.array([40, 75, 72, 90, 140, 150])
POP = np.array([1500, 2100, 1300, 1600, 2200, 1800], dtype=float)
MARGIN_SEX = {"m": 4900, "f": 5600}
MARGIN_AGE = {"a1": 3100, "a2": 4300, "a3": 3100}


@pytest.fixture(scope="module")
def design():
    rows = []
    for s, a, n, yes in zip(SEX, AGE, N_RESP, N_YES, strict=True):
        rows += [{"sex": s, "age": a, "y": 1.0}] * int(yes) + [
            {"sex": s, "age": a, "y": 0.0}
        ] * int(n - yes)
    df = pd.DataFrame(rows).assign(d=10.0)
    return SurveyDesign(df, weights="d")


def cell_weights(d):
    w = d.weights.to_numpy()
    data = d.data
    return np.array(
        [
            w[((data["sex"] == s) & (data["age"] == a)).to_numpy()][0]
            for s, a in zip(SEX, AGE, strict=True)
        ]
    )


def ipf_table(base, rows, cols, iters=2000):
    """Plain 2-D iterative proportional fitting of a 2 x 3 table (independent of the toolkit)."""
    t = base.reshape(2, 3).astype(float)
    for _ in range(iters):
        t *= (rows / t.sum(axis=1))[:, None]
        t *= cols / t.sum(axis=0)
    return t.ravel()


def test_cell_weighting(design, ref):
    ps = poststratify(
        design, ["sex", "age"], {(s, a): p for s, a, p in zip(SEX, AGE, POP, strict=True)}
    )
    expected = POP / N_RESP  # each respondent in a cell gets N_cell / n_cell
    assert np.allclose(cell_weights(ps), expected, rtol=1e-12)
    est = ps.mean("y")
    assert np.isclose(est.value, np.sum(POP * N_YES / N_RESP) / POP.sum(), rtol=1e-12)
    assert np.isclose(est.se, ref["values"]["kfc.cell.mean.y.se"], rtol=1e-6)
    for (s, a), w in zip(zip(SEX, AGE, strict=True), cell_weights(ps), strict=True):
        assert np.isclose(w, ref["values"][f"kfc.cell.weight.{s}.{a}"], rtol=1e-6)


def test_raking(design, ref):
    rk = rake(design, {"sex": MARGIN_SEX, "age": MARGIN_AGE}, tol=1e-12, max_iter=1000)
    table = ipf_table(10.0 * N_RESP, np.array([4900.0, 5600.0]), np.array([3100.0, 4300.0, 3100.0]))
    assert np.allclose(cell_weights(rk), table / N_RESP, rtol=1e-9)
    for (s, a), w in zip(zip(SEX, AGE, strict=True), cell_weights(rk), strict=True):
        assert np.isclose(w, ref["values"][f"kfc.rake.weight.{s}.{a}"], rtol=1e-6)
    est = rk.mean("y")
    assert np.isclose(est.value, ref["values"]["kfc.rake.mean.y.value"], rtol=1e-6)
    assert np.isclose(est.se, ref["values"]["kfc.rake.mean.y.se"], rtol=1e-6)


def test_linear_calibration_greg(design, ref):
    cal = calibrate(design, {"sex": MARGIN_SEX, "age": MARGIN_AGE})
    # GREG by the normal equations on cell level: x = (1, male, a2, a3), d = 10
    x = np.array(
        [[1, s == "m", a == "a2", a == "a3"] for s, a in zip(SEX, AGE, strict=True)], dtype=float
    )
    t_pop = np.array([10500.0, 4900.0, 4300.0, 3100.0])
    t_hat = (10.0 * N_RESP) @ x
    tmat = (x * (10.0 * N_RESP)[:, None]).T @ x
    lam = np.linalg.solve(tmat, t_pop - t_hat)
    expected = 10.0 * (1 + x @ lam)
    assert np.allclose(cell_weights(cal), expected, rtol=1e-9)
    for (s, a), w in zip(zip(SEX, AGE, strict=True), cell_weights(cal), strict=True):
        assert np.isclose(w, ref["values"][f"kfc.greg.weight.{s}.{a}"], rtol=1e-6)
    est = cal.mean("y")
    assert np.isclose(est.value, ref["values"]["kfc.greg.mean.y.value"], rtol=1e-6)
    assert np.isclose(est.se, ref["values"]["kfc.greg.mean.y.se"], rtol=1e-6)


def test_methods_differ_as_expected(design):
    # Raking and GREG meet the margins but not the joint cells; cell weighting meets both.
    rk = rake(design, {"sex": MARGIN_SEX, "age": MARGIN_AGE})
    counts = cell_weights(rk) * N_RESP
    assert not np.allclose(counts, POP, rtol=1e-3)
    assert np.isclose(counts[:3].sum(), 4900, rtol=1e-6)
