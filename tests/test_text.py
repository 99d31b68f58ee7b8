"""Tests for toolkit.text: German number, change, date and sentence formatting.

Expected strings are written out by hand from the rules of German official
statistics (decimal comma, thousands dot, half-up rounding, Prozentpunkte for
rates, symbols . x / for hidden values).
"""

import datetime as dt
import math

import numpy as np
import pytest

from toolkit import text
from toolkit.errors import ParameterError

NB = "\u00a0"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0, 0, "0"),
        (999, 0, "999"),
        (1000, 0, "1.000"),
        (1234567.4, 0, "1.234.567"),
        (1234567.5, 0, "1.234.568"),
        (34.14, 1, "34,1"),
        (34.15, 1, "34,2"),  # half up, not half even
        (2.25, 1, "2,3"),
        (0.125, 2, "0,13"),
        (-1.25, 1, "\u22121,3"),  # minus sign U+2212, not a hyphen
        (-0.04, 1, "0,0"),  # never "-0,0"
        (np.float64(12.0), 1, "12,0"),
        (np.int64(5), 0, "5"),
    ],
)
def test_fmt_number(value, decimals, expected):
    assert text.fmt_number(value, decimals) == expected


@pytest.mark.parametrize("flag", [".", "x", "/", "..."])
def test_hidden_flags_win_over_value(flag):
    assert text.fmt_number(17.0, flag=flag) == flag
    assert text.fmt_percent(17.0, flag=flag) == flag
    assert text.fmt_value(17.0, "Anzahl", flag=flag) == flag
    assert text.is_missing(17.0, flag)


def test_missing_without_flag_and_true_zero():
    # official signs: "." unknown, "–" (en dash) exactly zero; never the same symbol for both
    assert text.fmt_number(None) == "."
    assert text.fmt_number(float("nan")) == "."
    assert text.fmt_percent(math.nan) == "."
    assert text.fmt_number(0, flag="-") == "\u2013"
    assert text.fmt_value(0.0, "%") == "\u2013" and text.fmt_value(0, "Anzahl") == "\u2013"
    assert text.fmt_number(0) == "0"  # axis ticks keep their digit
    assert set(text.SYMBOL_LEGEND) == {"\u2013", ".", "x", "/", "..."}
    assert not text.is_missing(0, "-")
    assert not text.is_missing(0.0)
    assert text.is_missing(None, None)
    assert text.is_missing("abc")
    assert text.is_missing(3, float("nan")) is False  # NaN flag read as no flag


def test_missing_reason_texts():
    assert text.missing_reason(".") == "Wert aus Datenschutzgründen nicht ausgewiesen"
    assert text.missing_reason("x").startswith("Wert nicht sinnvoll")
    assert text.missing_reason("unknown-symbol") == "keine Daten vorhanden"
    assert text.missing_reason(None) == "keine Daten vorhanden"


def test_fmt_percent_and_value():
    assert text.fmt_percent(34.14) == f"34,1{NB}%"
    assert text.fmt_percent(100, 0) == f"100{NB}%"
    assert text.fmt_percent(5.555, 2) == f"5,56{NB}%"
    assert text.fmt_value(31.04, "%") == f"31,0{NB}%"
    assert text.fmt_value(1234.4, "Anzahl") == "1.234"
    assert text.fmt_value(27.35, "je 100") == "27,4 je 100"
    assert text.fmt_value(3.0, "") == "3,0"


def test_negative_decimals_rejected():
    with pytest.raises(ParameterError, match="decimals"):
        text.fmt_number(1.0, -1)


def test_fmt_pp():
    assert text.fmt_pp(1.2) == "+1,2 Prozentpunkte"
    assert text.fmt_pp(-1.25) == "\u22121,3 Prozentpunkte"
    assert text.fmt_pp(0.0) == "0,0 Prozentpunkte"
    assert text.fmt_pp(0.96, 0) == "+1 Prozentpunkt"
    assert text.fmt_pp(-1, 0) == "\u22121 Prozentpunkt"
    assert text.fmt_pp(2, 0, signed=False) == "2 Prozentpunkte"
    assert text.fmt_pp(None) == "."


def test_fmt_change_rates_in_percentage_points():
    # 34.14 - 32.96 = 1.18 -> 1,2 (computed from unrounded values)
    assert text.fmt_change(34.14, 32.96) == "1,2 Prozentpunkte mehr als im Vorjahr"
    assert text.fmt_change(29.7, 31.0) == "1,3 Prozentpunkte weniger als im Vorjahr"
    assert text.fmt_change(30.0, 30.04) == "genauso hoch wie im Vorjahr"
    assert (
        text.fmt_change(25.0, 20.0, period=2024, previous_period=2020)
        == "5,0 Prozentpunkte mehr als 2020"
    )
    assert (
        text.fmt_change(25.0, 24.0, period=2024, previous_period=2023)
        == "1,0 Prozentpunkte mehr als im Vorjahr"
    )
    assert text.fmt_change(30.0, 28.0, unit="je 100") == "2,0 Punkte mehr als im Vorjahr"


def test_fmt_change_counts_in_percent():
    assert text.fmt_change(110, 100, unit="Anzahl") == f"10,0{NB}% mehr als im Vorjahr"
    assert text.fmt_change(75, 100, unit="Anzahl", decimals=0) == f"25{NB}% weniger als im Vorjahr"
    assert text.fmt_change(5, 0, unit="Anzahl") == ""  # no percent change from zero
    assert text.fmt_change(None, 3) == ""
    assert text.fmt_change(3, math.nan) == ""


def test_fmt_date_and_school_year():
    assert text.fmt_date("2025-03-01") == "1. März 2025"
    assert text.fmt_date(dt.date(2024, 12, 31)) == "31. Dezember 2024"
    assert text.fmt_date(dt.datetime(2024, 1, 5, 12, 0)) == "5. Januar 2024"
    assert text.fmt_date("2025-03-01", style="short") == "01.03.2025"
    assert text.fmt_school_year(2023) == "2023/24"
    assert text.fmt_school_year(1999) == "1999/00"
    with pytest.raises(ParameterError):
        text.fmt_date("31.12.2024")
    with pytest.raises(ParameterError):
        text.fmt_date("2024-12-31", style="medium")
    with pytest.raises(ParameterError):
        text.fmt_date(2024)


def test_join_de():
    assert text.join_de([]) == ""
    assert text.join_de(["a"]) == "a"
    assert text.join_de(["a", "", "b"]) == "a und b"
    assert text.join_de(["a", "b", "c"]) == "a, b und c"


def test_indicator_sentence_issue_example():
    s = text.indicator_sentence(
        "Die Betreuungsquote der unter Dreijährigen",
        2025,
        34.1,
        "%",
        previous=32.9,
        comparisons=[("Land", 31.0, "")],
    )
    assert s == (
        f"Die Betreuungsquote der unter Dreijährigen lag 2025 bei 34,1{NB}% – "
        f"1,2 Prozentpunkte mehr als im Vorjahr; Land: 31,0{NB}%."
    )


def test_indicator_sentence_suppressed_values():
    s = text.indicator_sentence("Die Quote", 2024, math.nan, "%", flag=".")
    assert s == "Die Quote 2024: Wert aus Datenschutzgründen nicht ausgewiesen."
    # suppressed previous value: no change clause; hidden comparison omitted
    s = text.indicator_sentence(
        "Die Quote",
        2024,
        12.0,
        "%",
        previous=5.0,
        previous_flag=".",
        comparisons=[("Land", 11.0, "."), ("Bund", 10.04, "")],
    )
    assert s == f"Die Quote lag 2024 bei 12,0{NB}%; Bund: 10,0{NB}%."
    # value hidden as too unreliable still names the comparisons
    s = text.indicator_sentence("Die Quote", 2024, 3.0, flag="/", comparisons=[("Land", 4, "")])
    assert s == f"Die Quote 2024: Wert zu unsicher, nicht ausgewiesen; Land: 4,0{NB}%."


def test_indicator_sentence_counts_and_non_consecutive_periods():
    s = text.indicator_sentence(
        "Die Zahl der neuen Verträge",
        2024,
        1210,
        "Anzahl",
        previous=1100,
        previous_period=2022,
        comparisons=[("Land", 25410, ""), ("Bund", 479790, "")],
    )
    assert s == (
        f"Die Zahl der neuen Verträge lag 2024 bei 1.210 – 10,0{NB}% mehr als 2022; "
        "Land: 25.410, Bund: 479.790."
    )
    s = text.indicator_sentence("Die Quote", "2024/25", 40.0, previous=38.0)
    assert s == f"Die Quote lag 2024/25 bei 40,0{NB}% – 2,0 Prozentpunkte mehr als im Vorjahr."
