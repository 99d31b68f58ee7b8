"""End to end: synthetic Musterland -> all indicators -> protect -> audit."""

import numpy as np
import pandas as pd
import pytest

from toolkit.disclosure import audit, protect, protect_indicators
from toolkit.indicators import compute_all
from toolkit.samples import build_tables


@pytest.fixture(scope="module")
def protected():
    frame = compute_all(build_tables(kreise=2, years="2023-2024"), periods=[2024])
    return frame, protect(frame, min_count=3)


def test_no_small_count_is_shown(protected):
    frame, p = protected
    out = p.frame
    assert list(out.columns) == list(frame.columns)
    for q in ("numerator", "denominator"):
        shown = out[q].dropna()
        if q == "numerator":
            # population change is a difference, not a count (noted in the report)
            shown = shown[out.loc[shown.index, "indicator"] != "bevoelkerung_veraenderung"]
        assert ((shown == 0) | (shown >= 3)).all(), out.loc[shown[(shown > 0) & (shown < 3)].index]
    counts = out["unit"] == "Anzahl"
    shown = out.loc[counts & out["numerator"].isna(), "value"].dropna()
    assert ((shown == 0) | (shown >= 3)).all()
    assert any("bevoelkerung_veraenderung" in n for n in p.report.notes)


def test_rates_hidden_exactly_when_a_count_is(protected):
    frame, p = protected
    out = p.frame
    newly_hidden = (out["numerator"].isna() & frame["numerator"].notna()) | (
        out["denominator"].isna() & frame["denominator"].notna()
    )
    assert (out.loc[newly_hidden, "flag"] == ".").all()
    assert out.loc[newly_hidden, "value"].isna().all()
    assert (out["flag"] == ".").sum() == newly_hidden.sum() == p.report.rows_suppressed
    untouched = ~newly_hidden
    pd.testing.assert_series_equal(out.loc[untouched, "value"], frame.loc[untouched, "value"])


def test_audit_finds_nothing_recoverable(protected):
    _, p = protected
    assert p.report.primary > 0
    a = audit(p)
    assert len(a) >= p.report.primary
    assert a["protected"].all(), a[~a["protected"]]


def test_one_call_for_templates_equals_protect(protected):
    frame, _ = protected
    sub = frame[frame["indicator"] == "abgaenge_anteil_ohne_hsa"].reset_index(drop=True)
    out = protect_indicators(sub)
    assert np.array_equal(out["flag"] == ".", protect(sub).frame["flag"] == ".")
