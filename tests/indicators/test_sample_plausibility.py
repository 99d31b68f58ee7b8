"""On the committed sample data every indicator lies in its catalogue range,
and the Bund series reproduces the published national values it is anchored to."""

import numpy as np
import pytest

from toolkit.indicators import catalog, compute_all


@pytest.fixture(scope="module")
def sample():
    from toolkit.io import read_sample

    return compute_all(read_sample())


def test_every_indicator_in_range(sample):
    cat = catalog().set_index("code")
    assert set(sample["indicator"]) == set(cat.index)
    for code, g in sample.groupby("indicator"):
        v = g["value"].dropna()
        assert len(v) > 0, code
        lo, hi = cat.loc[code, ["range_min", "range_max"]]
        bad = g[(g["value"] < lo) | (g["value"] > hi)]
        assert bad.empty, (
            f"{code}: {bad[['region_code', 'period', 'dimension', 'category', 'value']].head()}"
        )
    # a missing value always says why
    assert sample.loc[sample["value"].isna(), "flag"].isin([".", "x", "/"]).all()


@pytest.mark.parametrize(
    ("indicator", "period", "published"),
    [
        # DOMAIN.md section 3: Destatis / BIBB Datenreport
        ("betreuungsquote_u3", 2022, 35.5),
        ("betreuungsquote_u3", 2023, 36.4),
        ("vertragsloesungsquote", 2019, 26.9),
        ("vertragsloesungsquote", 2020, 25.1),
        ("vertragsloesungsquote", 2021, 26.7),
        ("vertragsloesungsquote", 2022, 29.5),
        ("vertragsloesungsquote", 2023, 29.7),
        ("iabe_anteil_sektor_i", 2024, 36.1),
        ("iabe_anteil_sektor_ii", 2024, 13.6),
        ("ausbildungsanfaengerquote", 2021, 50.7),
    ],
)
def test_bund_matches_published_values(sample, indicator, period, published):
    row = sample[
        (sample["region_code"] == "DG")
        & (sample["indicator"] == indicator)
        & (sample["period"] == period)
        & (sample["dimension"] == "")
    ]
    assert np.isclose(row["value"].item(), published, atol=0.05)
