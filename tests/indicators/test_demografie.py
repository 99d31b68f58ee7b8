import numpy as np
import pandas as pd

from toolkit.indicators import (
    altenquotient,
    anteil_65plus,
    anteil_unter_18,
    bevoelkerung,
    bevoelkerung_veraenderung,
    jugendquotient,
)

from .conftest import population_table, regions_table


def test_jugendquotient_every_level(get):
    f = jugendquotient(population_table(), region_table=regions_table())
    # 17001000: under 20 = 10+10, 20..64 = 40+40
    assert get(f, "17001000", "jugendquotient", 2024).value == 25.0
    # Kreis 17002 = (10 + 10) / (40 + 20), not the mean of 25 and 50
    k = get(f, "17002", "jugendquotient", 2024)
    assert np.isclose(k.value, 100 * 20 / 60)
    assert (k.numerator, k.denominator) == (20.0, 60.0)
    assert k.level == "kreis" and k.region_name == "Kreis Beispiel"
    # Land = 40 / 140; the Sozialraum row (4 / 16) is not added again
    assert np.isclose(get(f, "17", "jugendquotient", 2024).value, 100 * 40 / 140)
    assert get(f, "17001", "jugendquotient", 2024).numerator == 20.0
    assert get(f, "17001000-SR01", "jugendquotient", 2024).value == 25.0
    assert get(f, "17001000-SR01", "jugendquotient", 2024).level == "sozialraum"
    assert get(f, "DG", "jugendquotient", 2024).value == 25.0
    # by sex: Kreis 17002, men: under 20 = 6+5, 20..64 = 20+10
    assert np.isclose(get(f, "17002", "jugendquotient", 2024, "sex", "m").value, 100 * 11 / 30)


def test_altenquotient_and_shares(get):
    pop = population_table()
    aq = altenquotient(pop)
    assert get(aq, "17002008", "altenquotient", 2024).value == 100.0
    assert np.isclose(get(aq, "17", "altenquotient", 2024).value, 100 * 60 / 140)
    a65 = anteil_65plus(pop)
    assert np.isclose(get(a65, "17001000", "anteil_65plus", 2024).value, 100 * 30 / 130)
    u18 = anteil_unter_18(pop)
    assert np.isclose(get(u18, "17002", "anteil_unter_18", 2024).value, 100 * 20 / 110)


def test_bevoelkerung_and_age_groups(get):
    f = bevoelkerung(population_table())
    assert get(f, "17", "bevoelkerung", 2024).value == 240.0
    assert get(f, "17", "bevoelkerung", 2024, "sex", "w").value == 70 + 30 + 30
    assert get(f, "17002", "bevoelkerung", 2024, "age_group", "65plus").value == 30.0
    assert get(f, "17002", "bevoelkerung", 2024, "age_group", "25u65").value == 60.0
    assert get(f, "17002", "bevoelkerung", 2024, "age_group", "u3").flag == "-"
    assert get(f, "17", "bevoelkerung", 2024).unit == "Anzahl"


def test_bevoelkerung_veraenderung(get):
    f = bevoelkerung_veraenderung(population_table())
    # 17001000: 125 -> 130
    r = get(f, "17001000", "bevoelkerung_veraenderung", 2024)
    assert np.isclose(r.value, 4.0) and r.numerator == 5.0 and r.denominator == 125.0
    assert get(f, "17002", "bevoelkerung_veraenderung", 2024).flag == "-"
    assert np.isclose(get(f, "17", "bevoelkerung_veraenderung", 2024).value, 100 * 5 / 235)
    # no 2023 row for the Sozialraum or DG, so no change there
    assert not ((f["region_code"] == "DG") | (f["region_code"] == "17001000-SR01")).any()


def test_missing_count_travels_as_flag(get):
    pop = population_table()
    pop["flag"] = ""
    hit = (
        (pop["region_code"] == "17002004")
        & (pop["year"] == 2024)
        & (pop["age"] == 5)
        & (pop["sex"] == "m")
    )
    pop.loc[hit, "population"] = np.nan
    pop.loc[hit, "flag"] = "."
    f = jugendquotient(pop)
    for code in ("17002004", "17002", "17"):
        r = get(f, code, "jugendquotient", 2024)
        assert np.isnan(r.value) and r.flag == "."
    assert get(f, "17002008", "jugendquotient", 2024).value == 50.0
    assert get(f, "17001000", "jugendquotient", 2024).flag == ""


def test_provisional_flag_travels(get):
    pop = population_table().assign(flag="")
    pop.loc[pop["region_code"] == "17002008", "flag"] = "p"
    f = jugendquotient(pop)
    assert get(f, "17002", "jugendquotient", 2024).flag == "p"
    assert get(f, "17002004", "jugendquotient", 2024).flag == ""


def test_input_not_mutated():
    pop = population_table()
    before = pop.copy()
    jugendquotient(pop)
    pd.testing.assert_frame_equal(pop, before)
