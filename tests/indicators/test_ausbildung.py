import numpy as np
import pandas as pd
import pytest

from toolkit.errors import DataError
from toolkit.indicators import (
    ausbildungsanfaengerquote,
    neue_ausbildungsvertraege,
    vertragsloesungen,
    vertragsloesungen_probezeit_anteil,
    vertragsloesungsquote,
)

from .conftest import contracts_tables, full_tables


def test_ausbildungsanfaengerquote(get):
    t = full_tables()
    f = ausbildungsanfaengerquote(t["apprentice_beginners"], t["population"])
    # 15/200 + 20/100 + 10/50 + 5/50 (ages 16, 18, 20, 24)
    r = get(f, "17001", "ausbildungsanfaengerquote", 2023)
    assert np.isclose(r.value, 57.5) and r.numerator == 50.0 and np.isnan(r.denominator)
    assert np.isclose(get(f, "17001", "ausbildungsanfaengerquote", 2023, "sex", "m").value, 40.0)
    assert np.isclose(get(f, "17001", "ausbildungsanfaengerquote", 2023, "sex", "w").value, 25.0)
    assert np.isclose(get(f, "17", "ausbildungsanfaengerquote", 2023).value, 57.5)


def test_ausbildungsanfaengerquote_rejects_other_ages():
    t = full_tables()
    b = t["apprentice_beginners"].copy()
    b.loc[0, "age"] = 30
    with pytest.raises(DataError, match=r"16\.\.24"):
        ausbildungsanfaengerquote(b, t["population"])


def test_vertragsloesungsquote_layered_by_hand(get):
    new, dis = contracts_tables()
    f = vertragsloesungsquote(new, dis)
    # Kreis 17001, reporting year 2023, layers by start year 2020..2023
    # (the dissolution begun in 2019 belongs to the 2020 layer):
    # L = 12, 30, 45, 70 ; N = 100, 200, 300, 400
    r = get(f, "17001", "vertragsloesungsquote", 2023)
    assert np.isclose(r.value, 100 * (12 / 100 + 30 / 200 + 45 / 300 + 70 / 400))
    assert np.isclose(r.value, 59.5)
    assert r.numerator == 157.0
    # the simple ratio (dissolutions of the year / new contracts of the year)
    # differs because the cohorts grew
    simple = 100 * 157 / 400
    assert abs(r.value - simple) > 10
    # by Zuständigkeit: IH (4/60 + 10/100 + 15/150 + 20/200), HW (8/40 + 20/100 + 30/150 + 50/200)
    assert np.isclose(
        get(f, "17001", "vertragsloesungsquote", 2023, "zustaendigkeit", "ih").value,
        100 * (4 / 60 + 0.3),
    )
    assert np.isclose(
        get(f, "17001", "vertragsloesungsquote", 2023, "zustaendigkeit", "hw").value, 85.0
    )
    assert np.isclose(get(f, "17001", "vertragsloesungsquote", 2023, "beruf", "b2").value, 85.0)
    assert np.isclose(get(f, "17001", "vertragsloesungsquote", 2023, "sex", "w").value, 85.0)
    assert np.isclose(
        get(f, "17001", "vertragsloesungsquote", 2023, "schooling", "msa").value, 59.5
    )
    assert np.isclose(
        get(f, "17001", "vertragsloesungsquote", 2023, "nationality", "deutsch").value, 59.5
    )
    # Kreis 17002: 5 / 10 in the newest cohort
    assert get(f, "17002", "vertragsloesungsquote", 2023).value == 50.0
    # Land from summed counts per cohort
    land = 100 * (12 / 110 + 30 / 210 + 45 / 310 + 75 / 410)
    assert np.isclose(get(f, "17", "vertragsloesungsquote", 2023).value, land)
    # 2022 lacks the 2019 cohort of new contracts: not computed
    assert set(f["period"]) == {2023}


def test_vertragsloesungsquote_zero_cohort():
    new, dis = contracts_tables()
    new = new[~((new["region_code"] == "17002") & (new["year"] == 2023))]
    f = vertragsloesungsquote(new, dis)
    r = f[(f["region_code"] == "17002") & (f["dimension"] == "")].iloc[0]
    assert np.isnan(r.value) and r.flag == "x"


def test_probezeit_share_and_count(get):
    _, dis = contracts_tables()
    f = vertragsloesungen_probezeit_anteil(dis)
    # 2023 in Kreis 17001: 12 + 5 + 20 of 157 dissolutions
    assert np.isclose(
        get(f, "17001", "vertragsloesungen_probezeit_anteil", 2023).value, 100 * 37 / 157
    )
    assert np.isclose(
        get(f, "17001", "vertragsloesungen_probezeit_anteil", 2023, "zustaendigkeit", "hw").value,
        100 * 25 / 108,
    )
    assert get(f, "17002", "vertragsloesungen_probezeit_anteil", 2023).value == 100.0
    assert get(f, "17001", "vertragsloesungen_probezeit_anteil", 2022).flag == "-"
    c = vertragsloesungen(dis)
    assert get(c, "17", "vertragsloesungen", 2023).value == 162.0
    # string booleans as a CSV gives them
    g = vertragsloesungen_probezeit_anteil(
        dis.assign(probezeit=dis["probezeit"].map({True: "true", False: "false"}))
    )
    assert np.isclose(
        get(g, "17001", "vertragsloesungen_probezeit_anteil", 2023).value, 100 * 37 / 157
    )


def test_neue_vertraege(get):
    new, _ = contracts_tables()
    f = neue_ausbildungsvertraege(new)
    assert get(f, "17", "neue_ausbildungsvertraege", 2023).value == 410.0
    assert get(f, "17001", "neue_ausbildungsvertraege", 2020, "zustaendigkeit", "hw").value == 40.0


def test_dissolution_before_start_is_rejected():
    new, dis = contracts_tables()
    dis = pd.concat([dis, dis.iloc[:1].assign(start_year=2024, dissolutions=1)], ignore_index=True)
    with pytest.raises(DataError, match="start_year"):
        vertragsloesungsquote(new, dis)
