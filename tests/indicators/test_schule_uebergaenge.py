import numpy as np
import pandas as pd
import pytest

from toolkit.errors import ParameterError
from toolkit.indicators import (
    abgaenge_anteil,
    iabe_anfaenger,
    iabe_anteil,
    schulabgaenge,
    uebergaenge_jg5,
    uebergangsquote,
)

from .conftest import full_tables


def test_uebergangsquote(get):
    t = full_tables()["transitions"]
    f = uebergangsquote(t, "gymnasium")
    r = get(f, "17001000", "uebergangsquote_gymnasium", 2024)
    assert (r.value, r.numerator, r.denominator) == (45.0, 45.0, 100.0)
    assert get(f, "17001000", "uebergangsquote_gymnasium", 2024, "sex", "w").value == 50.0
    assert get(f, "17001000", "uebergangsquote_gymnasium", 2024, "sex", "m").value == 40.0
    assert get(f, "17002004", "uebergangsquote_gymnasium", 2024).flag == "-"
    # Kreis 17002 has only girls; Land: 45 / 140
    assert np.isclose(get(f, "17", "uebergangsquote_gymnasium", 2024).value, 100 * 45 / 140)
    rs = uebergangsquote(t, "realschule")
    assert np.isclose(get(rs, "17", "uebergangsquote_realschule", 2024).value, 100 * 75 / 140)
    with pytest.raises(ParameterError):
        uebergangsquote(t, "waldorf")


def test_uebergaenge_jg5_count(get):
    f = uebergaenge_jg5(full_tables()["transitions"])
    assert get(f, "17", "uebergaenge_jg5", 2024).value == 135.0
    assert get(f, "17", "uebergaenge_jg5", 2024, "school_type", "hauptschule").value == 15.0


def test_abgaenge_anteil(get):
    s = full_tables()["school_leavers"]
    f = abgaenge_anteil(s, "ohne_hsa")
    assert get(f, "17001000", "abgaenge_anteil_ohne_hsa", 2024).value == 10.0
    assert (
        get(f, "17001000", "abgaenge_anteil_ohne_hsa", 2024, "nationality", "deutsch").value == 7.5
    )
    assert (
        get(f, "17001000", "abgaenge_anteil_ohne_hsa", 2024, "nationality", "auslaendisch").value
        == 20.0
    )
    assert np.isclose(
        get(f, "17001000", "abgaenge_anteil_ohne_hsa", 2024, "sex", "m").value, 100 * 8 / 60
    )
    assert get(f, "17", "abgaenge_anteil_ohne_hsa", 2024, "sex", "w").value == 5.0
    # women have no Hauptschulabschluss at all: a true zero
    h = abgaenge_anteil(s, "hsa")
    assert get(h, "17", "abgaenge_anteil_hsa", 2024, "sex", "w").flag == "-"
    assert get(schulabgaenge(s), "17", "schulabgaenge", 2024, "abschluss", "ahr").value == 38.0


def test_iabe(get):
    t = full_tables()["iabe"]
    f = iabe_anteil(t, "I")
    assert np.isclose(get(f, "17001", "iabe_anteil_sektor_i", 2024).value, 100 * 46 / 120)
    assert get(iabe_anteil(t, "II"), "17", "iabe_anteil_sektor_ii", 2024).value == 20.0
    assert get(iabe_anteil(t, "II"), "17", "iabe_anteil_sektor_ii", 2024, "sex", "w").value == 50.0
    assert get(iabe_anfaenger(t), "17001", "iabe_anfaenger", 2024).value == 120.0
    assert set(f["level"]) == {"kreis", "land"}


@pytest.mark.parametrize(
    ("school_type", "pupils"),
    [
        ("hauptschule", 3),
        ("realschule", 11),
        ("mehrere_bildungsgaenge", 7),
        ("gesamtschule", 9),
        ("gymnasium", 13),
        ("foerderschule", 1),
        ("sonstige", 2),
    ],
)
def test_every_school_type(get, school_type, pupils):
    rows = [
        {"region_code": "17003001", "year": 2022, "sex": "m", "school_type": t, "pupils": n}
        for t, n in [("jg4_abgaenge", 50), (school_type, pupils)]
    ]
    if school_type != "gymnasium":
        rows.append(
            {
                "region_code": "17003001",
                "year": 2022,
                "sex": "m",
                "school_type": "gymnasium",
                "pupils": 20,
            }
        )
    f = uebergangsquote(pd.DataFrame(rows), school_type)
    assert np.isclose(get(f, "17003001", f"uebergangsquote_{school_type}", 2022).value, 2 * pupils)


@pytest.mark.parametrize(
    ("abschluss", "n"), [("ohne_hsa", 1), ("hsa", 4), ("msa", 10), ("fhr", 2), ("ahr", 8)]
)
def test_every_abschluss(get, abschluss, n):
    rows = [
        {
            "region_code": "17003001",
            "year": 2022,
            "abschluss": abschluss,
            "sex": "w",
            "nationality": "deutsch",
            "leavers": n,
        },
        {
            "region_code": "17003001",
            "year": 2022,
            "abschluss": "msa" if abschluss != "msa" else "hsa",
            "sex": "w",
            "nationality": "deutsch",
            "leavers": 25 - n,
        },
    ]
    f = abgaenge_anteil(pd.DataFrame(rows), abschluss)
    assert np.isclose(get(f, "17003001", f"abgaenge_anteil_{abschluss}", 2022).value, 4 * n)


@pytest.mark.parametrize(("sector", "n"), [("I", 30), ("II", 12), ("III", 20), ("IV", 38)])
def test_every_iabe_sector(get, sector, n):
    rows = [
        {
            "region_code": "17003",
            "year": 2022,
            "sector": sector,
            "sex": "w",
            "nationality": "deutsch",
            "entrants": n,
        },
        {
            "region_code": "17003",
            "year": 2022,
            "sector": "IV" if sector != "IV" else "I",
            "sex": "w",
            "nationality": "deutsch",
            "entrants": 200 - n,
        },
    ]
    f = iabe_anteil(pd.DataFrame(rows), sector)
    assert np.isclose(get(f, "17003", f"iabe_anteil_sektor_{sector.lower()}", 2022).value, n / 2)
