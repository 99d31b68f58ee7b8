"""Breakdown columns with total rows and left-out columns (issue #15), by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import DataError
from toolkit.indicators import compute_all


def _pick(f, code, indicator, dimension="", category=""):
    row = f[
        (f["region_code"] == code)
        & (f["indicator"] == indicator)
        & (f["dimension"] == dimension)
        & (f["category"] == category)
    ]
    assert len(row) == 1, (code, indicator, dimension, category, len(row))
    return row.iloc[0]


def leavers(rows):
    return pd.DataFrame(rows, columns=["region_code", "year", "abschluss", "sex", "leavers"])


def test_insgesamt_and_weiblich_give_maennlich():
    t = leavers(
        [
            ("17001", 2023, "hsa", "insgesamt", 30),
            ("17001", 2023, "hsa", "w", 12),
            ("17001", 2023, "msa", "insgesamt", 70),
            ("17001", 2023, "msa", "w", 40),
        ]
    )
    f = compute_all({"school_leavers": t}, regions=["17001"])
    assert _pick(f, "17001", "schulabgaenge", "sex", "m")["value"] == 18 + 30
    assert _pick(f, "17001", "schulabgaenge", "sex", "w")["value"] == 52
    assert _pick(f, "17001", "schulabgaenge")["value"] == 100
    # hsa among men: 18 of 48
    assert np.isclose(_pick(f, "17001", "abgaenge_anteil_hsa", "sex", "m")["value"], 100 * 18 / 48)
    assert not (f["category"] == "insgesamt").any()


def test_categories_larger_than_the_total_are_refused():
    t = leavers([("17001", 2023, "hsa", "insgesamt", 10), ("17001", 2023, "hsa", "w", 12)])
    with pytest.raises(DataError, match="passen nicht"):
        compute_all({"school_leavers": t})


def test_all_categories_must_add_up_to_a_total_row():
    t = leavers(
        [
            ("17001", 2023, "hsa", "insgesamt", 10),
            ("17001", 2023, "hsa", "w", 4),
            ("17001", 2023, "hsa", "m", 5),
        ]
    )
    with pytest.raises(DataError, match="sex"):
        compute_all({"school_leavers": t})


def test_a_left_out_column_means_totals_and_no_breakdown():
    t = pd.DataFrame(
        {"region_code": "17001", "year": 2023, "abschluss": ["hsa", "ahr"], "leavers": [25, 75]}
    )
    f = compute_all({"school_leavers": t}, regions=["17001"])
    assert _pick(f, "17001", "abgaenge_anteil_ahr")["value"] == 75
    assert set(f["dimension"]) == {"", "abschluss"}


def test_published_total_is_the_denominator_and_missing_categories_are_unknown():
    # rounded official table: categories 10 + 20 do not add up to the total 33; fhr is "."
    t = leavers(
        [
            ("17001", 2023, "insgesamt", "insgesamt", 33),
            ("17001", 2023, "ohne_hsa", "insgesamt", 10),
            ("17001", 2023, "hsa", "insgesamt", 20),
        ]
    )
    f = compute_all({"school_leavers": t}, regions=["17001"])
    assert np.isclose(_pick(f, "17001", "abgaenge_anteil_ohne_hsa")["value"], 100 * 10 / 33)
    fhr = _pick(f, "17001", "abgaenge_anteil_fhr")
    assert np.isnan(fhr["value"]) and fhr["flag"] == "."
    assert _pick(f, "17001", "schulabgaenge")["value"] == 33


def test_kita_without_care_type_gives_quotas_but_no_tagespflege_share():
    kita = pd.DataFrame(
        {"region_code": "17001", "year": 2024, "age_group": ["u3", "3u6"], "children": [30, 90]}
    )
    pop = pd.DataFrame(
        {
            "region_code": "17001",
            "year": 2023,
            "age_group": ["u3", "3u6", "6plus"],
            "population": [100, 100, 800],
        }
    )
    f = compute_all({"kita": kita, "population": pop}, regions=["17001"], periods=[2024])
    assert _pick(f, "17001", "betreuungsquote_u3")["value"] == 30
    assert _pick(f, "17001", "betreuungsquote_3u6")["value"] == 90
    assert "tagespflege_anteil_u3" in dict(f.attrs["omitted"])


def test_population_groups_with_sex_insgesamt_and_w():
    pop = pd.DataFrame(
        {
            "region_code": "17001",
            "year": 2024,
            "age_group": ["u18", "u18", "18u65", "18u65", "65plus", "65plus"],
            "sex": ["insgesamt", "w", "insgesamt", "w", "insgesamt", "w"],
            "population": [20, 9, 60, 30, 20, 12],
        }
    )
    f = compute_all({"population": pop}, regions=["17001"])
    assert _pick(f, "17001", "anteil_unter_18")["value"] == 20
    assert np.isclose(_pick(f, "17001", "anteil_unter_18", "sex", "m")["value"], 100 * 11 / 49)
    assert _pick(f, "17001", "anteil_65plus", "sex", "w")["value"] == pytest.approx(100 * 12 / 51)
    omitted = dict(f.attrs["omitted"])
    assert "jugendquotient" in omitted and "20" in omitted["jugendquotient"]


def test_population_totals_only_from_the_flat_12411_export(tmp_path):
    # 12411-01-01-4 gives all ages only ('insgesamt'), for Kreise and 8-digit units and no
    # Land rows; rolling the built table up used to crash in concat_counts
    # (TypeError: dtype of categories must be the same).
    from pathlib import Path

    from toolkit.io import read_dataset
    from toolkit.sources import build_data_dir

    src = Path(__file__).parents[2] / "data_samples/genesis/12411-01-01-4_de_flat.csv"
    build_data_dir([src], tmp_path / "d")
    f = compute_all(read_dataset(tmp_path / "d"), regions=["03251", "03", "DG"], periods=[2024])
    # Diepholz, 31.12.2024, Insgesamt, as in the file's line
    assert _pick(f, "03251", "bevoelkerung")["value"] == 221202
