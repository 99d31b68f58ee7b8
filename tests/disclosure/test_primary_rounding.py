"""Primary rules and rounding against hand-computed values."""

import numpy as np
import pandas as pd
import pytest

from toolkit.disclosure import (
    dominance_rule,
    frequency_rule,
    protect,
    protection_levels,
    round_counts,
)
from toolkit.errors import DataError, ParameterError


def test_frequency_rule_default_threshold_three_zeros_safe():
    got = frequency_rule([0, 1, 2, 3, 4, 100])
    assert got.tolist() == [False, True, True, False, False, False]


def test_frequency_rule_configurable_threshold_and_zeros():
    assert frequency_rule([0, 4, 5], min_count=5).tolist() == [False, True, False]
    assert frequency_rule([0, 4, 5], min_count=5, zeros=True).tolist() == [True, True, False]


@pytest.mark.parametrize("bad", [0, -1, 2.5])
def test_frequency_rule_rejects_bad_threshold(bad):
    with pytest.raises(ParameterError):
        frequency_rule([1], min_count=bad)


def test_dominance_rule_hand_computed():
    # cell 1: 80 of 100 by one contributor -> 80 % > 75 % -> sensitive
    # cell 2: largest two 50 + 30 = 80 of 120 -> 66.7 % <= 75 % -> safe for (2, 75)
    totals = [100, 120, 0]
    top = [[80, 10], [50, 30], [0, 0]]
    assert dominance_rule(totals, top, n=1, k=75).tolist() == [True, False, False]
    assert dominance_rule(totals, top, n=2, k=60).tolist() == [True, True, False]


def test_dominance_protection_level_formula():
    # (1, 75): 100/75 * 80 - 100 = 6.67 on both sides
    lo, up = protection_levels([100], [True], top=[[80, 10]], dominance=(1, 75))
    assert up[0] == pytest.approx(100 / 75 * 80 - 100)
    assert lo[0] == pytest.approx(up[0])


def test_frequency_protection_never_below_zero():
    lo, up = protection_levels([0, 1, 2], [True, True, True], protection=2)
    assert lo.tolist() == [0.0, 1.0, 2.0]
    assert up.tolist() == [2.0, 2.0, 2.0]


def test_round_counts_base_3_and_5():
    assert round_counts([0, 1, 2, 3, 4, 5, 6, 7], base=3).tolist() == [0, 0, 3, 3, 3, 6, 6, 6]
    assert round_counts([0, 2, 3, 7, 8, 12, 13], base=5).tolist() == [0, 0, 5, 5, 10, 10, 15]
    with pytest.raises(ParameterError):
        round_counts([1], base=4)


def test_rounding_totals_rounded_independently_and_documented():
    df = pd.DataFrame({"sex": ["m", "w", ""], "n": [2, 2, 4]})
    p = protect(df, keys=["sex"], count="n", method="round", rounding_base=3)
    # 2 -> 3, 2 -> 3, total 4 -> 3: the rounded parts (6) do not add up to the total (3)
    assert p.frame["n"].tolist() == [3.0, 3.0, 3.0]
    assert p.report.method == "round"
    assert any("abweichen" in n for n in p.report.notes)


def test_dominance_rule_in_protect_for_magnitude_table():
    df = pd.DataFrame(
        {
            "branch": ["a", "b", "c", ""],
            "umsatz": [1000.0, 300.0, 500.0, 1800.0],
            "firms": [10, 8, 12, 30],
            "top1": [950.0, 50.0, 60.0, 950.0],
            "top2": [10.0, 40.0, 50.0, 60.0],
        }
    )
    p = protect(
        df, keys=["branch"], count="umsatz", freq="firms", top=["top1", "top2"], dominance=(1, 85)
    )
    # branch a: 950 of 1000 = 95 % > 85 % -> primary; one more cell must go
    assert p.frame["flag"].tolist()[0] == "."
    assert p.report.primary == 1
    assert p.report.secondary == 1
    with pytest.raises(ParameterError):
        protect(df, keys=["branch"], count="umsatz", dominance=(1, 85))


def test_missing_columns_named():
    with pytest.raises(DataError, match="Spalten fehlen"):
        protect(pd.DataFrame({"a": ["x"]}), keys=["a"], count="n")


def test_input_not_mutated():
    df = pd.DataFrame({"sex": ["m", "w", ""], "n": [1, 9, 10]})
    before = df.copy()
    protect(df, keys=["sex"], count="n")
    pd.testing.assert_frame_equal(df, before)
    assert np.isfinite(df["n"]).all()
