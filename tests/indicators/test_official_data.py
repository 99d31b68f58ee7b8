"""Real official tables (issue #15): contract, aggregates, partial data.

References are hand computations from the real Regionalstatistik files: the raw
lines are quoted in the comments (21111-02-06-4, Stand 13.03.2025; 12411-02-03-4,
31.12.2019), and Kreise picked at random are checked against plain sums of the
committed canonical CSV (tests/data/official, see SOURCE.md).
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import DataError, ParameterError
from toolkit.indicators import compute_all, coverage, official_kreise
from toolkit.io import read_dataset

OFFICIAL = Path(__file__).parents[1] / "data" / "official"


@pytest.fixture(scope="module")
def ds():
    return read_dataset(OFFICIAL)


@pytest.fixture(scope="module")
def frame(ds):
    return compute_all(ds)


def _value(f, code, indicator, period, dimension="", category=""):
    row = f[
        (f["region_code"] == code)
        & (f["indicator"] == indicator)
        & (f["period"] == period)
        & (f["dimension"] == dimension)
        & (f["category"] == category)
    ]
    assert len(row) == 1, (code, indicator, period, dimension, category)
    return row.iloc[0]


def test_diepholz_and_bamberg_equal_the_raw_lines(frame):
    # 2023;03251;Diepholz, Landkreis;2101;997;138;57;286;100;1122;519;55;25;.;.;555;321
    r = _value(frame, "03251", "abgaenge_anteil_ohne_hsa", 2023)
    assert r["numerator"] == 138 and r["denominator"] == 2101
    assert np.isclose(r["value"], 100 * 138 / 2101)
    assert _value(frame, "03251", "schulabgaenge", 2023, "sex", "m")["value"] == 2101 - 997
    # Fachhochschulreife is "." in Niedersachsen: unknown, never 0
    assert np.isnan(_value(frame, "03251", "abgaenge_anteil_fhr", 2023)["value"])
    # 2023;09461;Bamberg, kreisfreie Stadt;1163;670;61;26;147;64;304;196;-;-;-;-;651;384
    r = _value(frame, "09461", "abgaenge_anteil_ahr", 2023)
    assert np.isclose(r["value"], 100 * 651 / 1163)
    assert _value(frame, "09461", "abgaenge_anteil_fhr", 2023)["value"] == 0


def test_land_and_bund_come_from_the_official_rows(frame):
    # 2023;03;Niedersachsen;76856;...;5895 (ohne HSA)   2023;DG;Deutschland;782423;...;55708
    land = _value(frame, "03", "abgaenge_anteil_ohne_hsa", 2023)
    assert (land["numerator"], land["denominator"]) == (5895, 76856)
    bund = _value(frame, "DG", "abgaenge_anteil_ohne_hsa", 2023)
    assert (bund["numerator"], bund["denominator"]) == (55708, 782423)


def test_random_kreise_equal_plain_sums_of_the_file(frame):
    raw = pd.read_csv(OFFICIAL / "school_leavers.csv", dtype={"region_code": str})
    pop = pd.read_csv(OFFICIAL / "population.csv", dtype={"region_code": str})
    kreise = sorted(official_kreise(2023))
    rng = random.Random(15)
    for code in rng.sample(kreise, 12):
        tot = raw[(raw.region_code == code) & (raw.sex == "insgesamt")].set_index("abschluss")
        if code in ("02000", "11000"):
            tot = raw[(raw.region_code == code[:2]) & (raw.sex == "insgesamt")].set_index(
                "abschluss"
            )
        r = _value(frame, code, "abgaenge_anteil_msa", 2023)
        assert r["denominator"] == tot.loc["insgesamt", "leavers"]
        assert np.isclose(
            r["value"], 100 * tot.loc["msa", "leavers"] / tot.loc["insgesamt", "leavers"]
        )
        p = pop[
            (pop.region_code == (code[:2] if code in ("02000", "11000") else code))
            & (pop.year == 2019)
        ]
        young = p[p.age_group.isin(["u3", "3u6", "6u10", "10u15", "15u18"])].population.sum()
        r = _value(frame, code, "anteil_unter_18", 2019)
        assert np.isclose(r["value"], 100 * young / p.population.sum())


def test_the_400_kreise_and_the_city_states(frame):
    assert len(official_kreise(2023)) == 400 and len(official_kreise(2019)) == 401
    have = set(frame.loc[(frame["level"] == "kreis") & (frame["period"] == 2023), "region_code"])
    assert set(official_kreise(2023)) <= have
    # Berlin: the Land row 11 stands for the Kreis 11000; its Bezirke are never added to it
    assert _value(frame, "11000", "schulabgaenge", 2023)["value"] == 31475


def test_eight_digit_units_are_never_added_to_their_kreis(frame):
    # Region Hannover 03241 (whole Region) and the city 03241001 are separate rows
    assert _value(frame, "03241", "schulabgaenge", 2023)["value"] == 10761
    assert _value(frame, "03241001", "schulabgaenge", 2023)["value"] == 4812


def test_only_one_kreis_gives_no_land_value_but_a_note(ds):
    t = ds.tables["school_leavers"]
    only = t[t["region_code"] == "03251"]
    f = compute_all({"school_leavers": only}, regions=["03251", "03", "DG"])
    assert set(f["region_code"]) == {"03251"}
    assert any("nur 1 von 45 Kreisen" in n for n in f.attrs["notes"])


def test_all_kreise_of_a_land_give_its_sum(ds):
    t = ds.tables["school_leavers"]
    sl = t[t["region_code"].str.fullmatch(r"09\d{3}")]
    f = compute_all({"school_leavers": sl}, regions=["09"], indicators=["schulabgaenge"])
    tot = sl[(sl.abschluss == "insgesamt") & (sl.sex == "insgesamt")]["leavers"].sum()
    assert _value(f, "09", "schulabgaenge", 2023)["value"] == tot == 120736


def test_removed_kreis_row_gets_an_exact_hint(ds):
    t = ds.tables["school_leavers"]
    broken = t[t["region_code"] != "03241"]
    with pytest.raises(DataError, match="03241 \\(nur 03241001\\)") as err:
        compute_all({"school_leavers": broken})
    assert "Kreiszeile" in err.value.hint


def test_population_groups_give_betreuung_bins_but_not_the_aaq(ds):
    pop = ds.tables["population"]
    kita = pd.DataFrame(
        {
            "region_code": "03251",
            "year": 2020,
            "age_group": ["u3", "3u6"],
            "care_type": "insgesamt",
            "children": [1500, 5900],
        }
    )
    f = compute_all({"population": pop, "kita": kita}, regions=["03251"], periods=[2020])
    p = pop[(pop.region_code == "03251") & (pop.year == 2019)]
    u3 = p[p.age_group == "u3"].population.sum()
    assert np.isclose(_value(f, "03251", "betreuungsquote_u3", 2020)["value"], 100 * 1500 / u3)
    assert "tagespflege_anteil_u3" in dict(f.attrs["omitted"])
    beginners = pd.DataFrame(
        {"region_code": ["03251"], "year": [2019], "age": [16], "sex": ["m"], "beginners": [1]}
    )
    cov = coverage(
        {"population": pop, "apprentice_beginners": beginners}, "ausbildungsanfaengerquote"
    )
    assert not cov.loc[0, "available"] and "Einzelaltersjahren" in cov.loc[0, "reason"]


def test_periods_outside_name_the_years(ds):
    with pytest.raises(ParameterError, match="vorhanden: 2018–2019, 2023"):
        compute_all(ds, periods=[1990])


def test_one_or_two_years_give_an_axis_around_those_years():
    from toolkit.charts import time_series_chart

    for years in ([2023], [2022, 2023]):
        f = pd.DataFrame(
            {
                "region_code": "03251",
                "region_name": "Diepholz",
                "period": years,
                "indicator": "q",
                "dimension": "",
                "value": 5.0,
                "unit": "%",
                "flag": "",
            }
        )
        ax = time_series_chart(f, "q", "03251", title="Q").figure.axes[0]
        lo, hi = ax.get_xlim()
        assert years[0] - 1 < lo and hi < years[-1] + 1


def test_a_year_inside_the_span_without_rows_gives_an_empty_frame(ds):
    # 2021 lies between the population (2018-2019) and school-leaver (2023) years
    f = compute_all(ds, regions=["03251"], periods=[2021])
    assert f.empty
    reasons = coverage(ds, region="03251", period=2021)
    assert not reasons["available"].any()
    assert "Jahr 2021 fehlt" in reasons.set_index("indicator").loc["schulabgaenge", "reason"]


def test_coverage_by_region(ds):
    cov = coverage(ds, "schulabgaenge", region="03241001").set_index("indicator")
    assert cov.loc["schulabgaenge", "available"]
    cov = coverage(ds, "schulabgaenge", region="03241999").set_index("indicator")
    assert cov.loc["schulabgaenge", "available"]  # a Gemeinde report falls back to its Kreis
    cov = coverage(ds, "schulabgaenge", region="17001").set_index("indicator")
    assert "keine Zeilen für Region 17001" in cov.loc["schulabgaenge", "reason"]
