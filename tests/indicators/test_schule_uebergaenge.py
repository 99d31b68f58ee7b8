import numpy as np
import pytest
from conftest import full_tables

from toolkit.errors import ParameterError
from toolkit.indicators import (
    abgaenge_anteil,
    iabe_anfaenger,
    iabe_anteil,
    schulabgaenge,
    uebergaenge_jg5,
    uebergangsquote,
)


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
    assert get(f, "17001000", "abgaenge_anteil_ohne_hsa", 2024, "nationality", "deutsch").value == 7.5
    assert get(f, "17001000", "abgaenge_anteil_ohne_hsa", 2024, "nationality", "auslaendisch").value == 20.0
    assert np.isclose(get(f, "17001000", "abgaenge_anteil_ohne_hsa", 2024, "sex", "m").value, 100 * 8 / 60)
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
