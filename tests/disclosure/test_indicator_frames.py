"""Disclosure control of IndicatorFrames (contract item 3)."""

import numpy as np
import pandas as pd
import pytest

from toolkit.disclosure import audit, protect, protect_indicators
from toolkit.disclosure.indicators import INDICATOR_COLUMNS
from toolkit.errors import DataError

COLS = list(INDICATOR_COLUMNS)

LEVEL = {2: "land", 5: "kreis", 8: "gemeinde"}


def frame(rows, indicator="quote", period=2024, unit="%"):
    """rows: (region, dimension, category, numerator, denominator)."""
    out = []
    for region, dim, cat, num, den in rows:
        value = 100 * num / den if den else np.nan
        head = (region, f"Name {region}", LEVEL[len(region)], period, indicator, dim, cat)
        out.append((*head, value, float(num), float(den), unit, ""))
    return pd.DataFrame(out, columns=COLS)


def _flagged(f):
    return {(r.region_code, r.dimension, r.category) for r in f.itertuples() if r.flag == "."}


def test_rate_suppressed_when_numerator_small():
    f = frame([("17", "", "", 30, 100), ("17001", "", "", 2, 40), ("17002", "", "", 28, 60)])
    out = protect_indicators(f)
    # numerator 2 is primary; 17002 must go too (30 - 28 = 2 otherwise)
    assert _flagged(out) == {("17001", "", ""), ("17002", "", "")}
    row = out[out.region_code == "17001"].iloc[0]
    assert np.isnan(row["value"]) and np.isnan(row["numerator"])
    # the denominator 40 itself is safe and stays published
    assert row["denominator"] == 40
    land = out[out.region_code == "17"].iloc[0]
    assert land["value"] == pytest.approx(30.0) and land["flag"] == ""


def test_rate_suppressed_when_denominator_small():
    f = frame([("17", "", "", 12, 52), ("17001", "", "", 1, 2), ("17002", "", "", 11, 50)])
    out = protect_indicators(f)
    row = out[out.region_code == "17001"].iloc[0]
    assert row["flag"] == "." and np.isnan(row["value"]) and np.isnan(row["denominator"])


def test_categories_add_up_to_total_and_gemeinden_to_kreis():
    rows = [
        ("17001", "", "", 30, 100),
        ("17001", "sex", "m", 2, 50),
        ("17001", "sex", "w", 28, 50),
        ("17001001", "", "", 12, 40),
        ("17001001", "sex", "m", 2, 20),
        ("17001001", "sex", "w", 10, 20),
        ("17001002", "", "", 18, 60),
        ("17001002", "sex", "m", 0, 30),
        ("17001002", "sex", "w", 18, 30),
    ]
    p = protect(frame(rows))
    flagged = _flagged(p.frame)
    # the two primary numerators (m = 2) are hidden ...
    assert ("17001", "sex", "m") in flagged and ("17001001", "sex", "m") in flagged
    # ... and neither can be recomputed: the joint audit of all linked tables
    a = audit(p)
    assert len(a) >= 2 and a["protected"].all()


def test_linked_total_rows_suppressed_consistently():
    # The Gemeinde total is needed as a secondary cell in the "sex" table; the
    # same total row is part of the "nationality" table and the totals table.
    rows = [
        ("17001", "", "", 40, 100),
        ("17001", "sex", "m", 20, 50),
        ("17001", "sex", "w", 20, 50),
        ("17001", "nationality", "deutsch", 38, 90),
        ("17001", "nationality", "auslaendisch", 2, 10),
        ("17001001", "", "", 12, 40),
        ("17001001", "sex", "m", 6, 20),
        ("17001001", "sex", "w", 6, 20),
        ("17001001", "nationality", "deutsch", 10, 35),
        ("17001001", "nationality", "auslaendisch", 2, 5),
        ("17001002", "", "", 28, 60),
        ("17001002", "sex", "m", 14, 30),
        ("17001002", "sex", "w", 14, 30),
        ("17001002", "nationality", "deutsch", 28, 55),
        ("17001002", "nationality", "auslaendisch", 0, 5),
    ]
    p = protect(frame(rows))
    a = audit(p)
    assert a["protected"].all()
    # whatever is suppressed in one table is suppressed in every table holding that cell
    hidden = set(
        p.frame.loc[p.frame.flag == ".", ["region_code", "dimension", "category"]].itertuples(
            index=False, name=None
        )
    )
    assert ("17001", "nationality", "auslaendisch") in hidden


def test_equal_denominators_linked_across_indicators():
    a = frame([("17", "", "", 30, 100), ("17001", "", "", 2, 40), ("17002", "", "", 28, 60)], "a")
    b = frame([("17", "", "", 50, 100), ("17001", "", "", 20, 40), ("17002", "", "", 30, 60)], "b")
    both = pd.concat([a, b], ignore_index=True)
    out = protect_indicators(both)
    # in "a" the numerators of 17001/17002 go; the denominators stay (safe).
    # "b" shares the denominators 40/60; nothing of them is hidden, so b stays.
    assert _flagged(out[out.indicator == "b"]) == set()
    # if a denominator is hidden in "a", the equal one in "b" is hidden as well
    a2 = frame([("17", "", "", 3, 52), ("17001", "", "", 1, 2), ("17002", "", "", 2, 50)], "a")
    b2 = frame([("17", "", "", 30, 52), ("17001", "", "", 2, 2), ("17002", "", "", 28, 50)], "b")
    out = protect_indicators(pd.concat([a2, b2], ignore_index=True))
    b_rows = out[(out.indicator == "b") & (out.region_code == "17001")]
    assert np.isnan(b_rows["denominator"].iloc[0])


def test_count_indicator_protects_value_itself():
    f = frame(
        [("17", "", "", 10, 1), ("17001", "", "", 1, 1), ("17002", "", "", 9, 1)], unit="Anzahl"
    )
    f["numerator"] = np.nan
    f["denominator"] = np.nan
    f["value"] = [10.0, 1.0, 9.0]
    out = protect_indicators(f)
    assert _flagged(out) == {("17001", "", ""), ("17002", "", "")}


def test_other_flags_kept_and_input_untouched():
    f = frame([("17", "", "", 30, 100), ("17001", "", "", 10, 40), ("17002", "", "", 20, 60)])
    f.loc[1, "flag"] = "p"
    before = f.copy()
    out = protect_indicators(f)
    assert out["flag"].tolist() == ["", "p", ""]
    pd.testing.assert_frame_equal(f, before)
    assert list(out.columns) == COLS


def test_non_additive_regions_are_a_clear_error():
    # Gemeinden (12 + 10) exceed their Kreis (20): no rest can fix that
    rows = [("17001", "", "", 20, 40), ("17001001", "", "", 12, 20), ("17001002", "", "", 10, 20)]
    with pytest.raises(DataError, match="nicht additiv"):
        protect_indicators(frame(rows))


def test_repeated_denominator_per_category_is_linked_to_the_total():
    # care type: the denominator (children of the age group) is the same for
    # every category, so categories do not add up; each category is its own
    # table and its denominator is the very same cell as the total's.
    rows = [
        ("17", "", "", 30, 52),
        ("17001", "", "", 10, 2),
        ("17002", "", "", 20, 50),
        ("17", "care_type", "kita", 25, 52),
        ("17", "care_type", "tagespflege", 5, 52),
        ("17001", "care_type", "kita", 9, 2),
        ("17001", "care_type", "tagespflege", 1, 2),
        ("17002", "care_type", "kita", 16, 50),
        ("17002", "care_type", "tagespflege", 4, 50),
    ]
    p = protect(frame(rows))
    out = p.frame
    # denominator 2 of 17001 is primary; hidden in the total and in every category
    den_hidden = out.loc[out.region_code == "17001", "denominator"].isna()
    assert den_hidden.all()
    # ... and 17002's denominator must go too (52 - 50 = 2), in all rows
    assert out.loc[out.region_code == "17002", "denominator"].isna().all()
    assert audit(p)["protected"].all()


def test_rounding_of_indicator_frame_recomputes_rates():
    f = frame([("17", "", "", 31, 98), ("17001", "", "", 2, 40)])
    p = protect(f, method="round", rounding_base=5)
    out = p.frame
    assert out["numerator"].tolist() == [30.0, 0.0]
    assert out["denominator"].tolist() == [100.0, 40.0]
    assert out["value"].tolist() == pytest.approx([30.0, 0.0])
    assert "gerundet" in p.report.notes[0]
