"""read_genesis on the five real exports and on hand-written variants.

Expected values come from the files themselves, read independently with the
csv module (or seen by eye in the file), never from the reader under test.
"""

from __future__ import annotations

import csv
import gzip
import math
import shutil
import warnings
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.io import GENESIS_SAMPLE_DIR, DataWarning, read_genesis

GOOD = Path(__file__).resolve().parents[1] / "data" / "good"
FILES = sorted(p.name for p in GENESIS_SAMPLE_DIR.glob("*.csv"))
SYMBOLS = ["-", ".", "x", "/", "..."]


def raw_rows(name: str) -> list[dict[str, str]]:
    with open(GENESIS_SAMPLE_DIR / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return {name: read_genesis(GENESIS_SAMPLE_DIR / name) for name in FILES}


def test_all_five_exports_are_there():
    assert len(FILES) == 5


@pytest.mark.parametrize("name", FILES)
def test_rows_symbols_and_values_match_the_file(frames, name):
    df = frames[name]
    rows = raw_rows(name)
    assert len(df) == len(rows)
    symbol_counts = Counter(r["value"] for r in rows if r["value"] in SYMBOLS)
    flag_counts = Counter(f for f in df["flag"] if f)
    assert flag_counts == symbol_counts
    for i, r in enumerate(rows):
        v = r["value"]
        got = df["value"].iat[i]
        if v == "-":
            assert got == 0.0
        elif v in SYMBOLS:
            assert math.isnan(got)
        else:
            assert got == float(v.replace(",", "."))
    assert df["region_code"].tolist() == [r["1_variable_attribute_code"] for r in rows]


def test_symbol_counts_per_file(frames):
    # counted by eye / grep in the files (header excluded)
    expected = {
        "11111-02-01-4_de_flat.csv": {"-": 76, ".": 15},
        "12211-0001_de_flat.csv": {"x": 9, "/": 6},
        "12411-01-01-4_de_flat.csv": {"-": 222},
        "13111-01-03-4_de_flat.csv": {"-": 2898, ".": 72},
        "AI-N-01-2-5_de_flat.csv": {"-": 5357, "x": 14},
    }
    for name, counts in expected.items():
        flags = frames[name]["flag"]
        assert {k: int((flags == k).sum()) for k in counts} == counts
        assert int((flags != "").sum()) == sum(counts.values())


def test_kreis_population_12411(frames):
    df = frames["12411-01-01-4_de_flat.csv"]
    total = df[(df.region_code == "09162") & (df.GES == "")]
    assert total["value"].tolist() == [1505005.0]
    assert total["GES_label"].tolist() == ["Insgesamt"]
    women = df[(df.region_code == "08222") & (df.GES == "GESW")]
    assert women["value"].tolist() == [158789.0]
    assert women["region_name"].tolist() == ["Mannheim, Stadtkreis"]
    assert set(df["variable"]) == {"BEVSTD"}
    assert set(df["unit"]) == {"Anzahl"}
    assert set(df["time"]) == {"2024-12-31"}
    assert set(df["year"]) == {2024}
    # München: total = women + men
    m = df[df.region_code == "09162"].set_index("GES")["value"]
    assert m[""] == m["GESW"] + m["GESM"]


def test_leading_zeros_and_levels_12411(frames):
    df = frames["12411-01-01-4_de_flat.csv"]
    assert df["region_code"].map(len).isin([5, 8]).all()
    assert (df["region_code"].str[0] == "0").sum() > 0
    five = df[df.region_code.str.len() == 5]
    assert set(five["region_level"]) == {"kreis"}
    # the 8-digit cities listed among the Kreise (Berlin Bezirke, Hannover, ...) are Gemeinden
    eight = df[df.region_code.str.len() == 8]
    assert set(eight["region_level"]) == {"gemeinde"}
    assert eight["region_code"].nunique() == 15


def test_gemeinde_value_with_decimal_comma(frames):
    df = frames["AI-N-01-2-5_de_flat.csv"]
    hen = df[df.region_code == "12065136"].set_index("variable")
    assert hen.loc["AI0112", "value"] == pytest.approx(-0.3)
    assert hen.loc["AI0111", "value"] == pytest.approx(32.2)
    assert hen.loc["AI0111", "unit"] == "Prozent"
    assert set(df["region_level"]) == {"gemeinde"}
    assert df["region_code"].nunique() == 13566


def test_mixed_levels_13111(frames):
    df = frames["13111-01-03-4_de_flat.csv"]
    rows = raw_rows("13111-01-03-4_de_flat.csv")
    by_var = Counter(r["1_variable_code"] for r in rows)
    levels = df["region_level"].value_counts().to_dict()
    assert levels["bund"] == by_var["DINSG"] == 6
    assert levels["land"] == by_var["DLAND"] == 96
    assert levels["regbez"] == by_var["REGBEZ"] == 264
    eight = sum(1 for r in rows if len(r["1_variable_attribute_code"]) == 8)
    assert levels["kreis"] + levels["gemeinde"] == by_var["KREISE"]
    assert levels["gemeinde"] == eight
    # two further variables, totals with empty code
    assert {"NAT", "NAT_label", "GES", "GES_label"} <= set(df.columns)
    assert set(df["NAT"]) == {"", "NATA"}
    assert set(df.loc[df.NAT == "", "NAT_label"]) == {"Insgesamt"}
    de = df[(df.region_code == "DG") & (df.NAT == "") & (df.GES == "GESW")]
    assert de["value"].tolist() == [16225638.0]
    # secret values stay missing, never 0
    assert df.loc[df.flag == ".", "value"].isna().all()


def test_microcensus_12211(frames):
    df = frames["12211-0001_de_flat.csv"]
    assert list(df.columns[:6]) == [
        "statistic",
        "time",
        "year",
        "region_code",
        "region_name",
        "region_level",
    ]
    assert {"GES", "GES_label", "ALT068", "ALT068_label"} <= set(df.columns)
    assert set(df["region_level"]) == {"bund"}
    assert set(df["unit"]) == {"1000"}
    assert df["variable"].nunique() == 5
    row = df[(df.GES == "") & (df.ALT068 == "ALT030B35") & (df.variable == "ERW041")]
    assert row["value"].tolist() == [4543.0]
    assert df.attrs["variables"]["GES"] == "Geschlecht"
    assert df.loc[df.flag.isin(["x", "/"]), "value"].isna().all()


def test_column_order_and_dtypes(frames):
    df = frames["12411-01-01-4_de_flat.csv"]
    assert list(df.columns) == [
        "statistic",
        "time",
        "year",
        "region_code",
        "region_name",
        "region_level",
        "GES",
        "GES_label",
        "variable",
        "variable_label",
        "unit",
        "value",
        "flag",
    ]
    assert df["value"].dtype == np.float64
    assert pd.api.types.is_string_dtype(df["region_code"])
    assert str(df["year"].dtype) == "Int64"


def test_zip_as_downloaded_and_gzip(tmp_path, frames):
    name = "12411-01-01-4_de_flat.csv"
    archive = tmp_path / "12411-01-01-4_de_flat.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(GENESIS_SAMPLE_DIR / name, arcname=name)
    gz = tmp_path / (name + ".gz")
    gz.write_bytes(gzip.compress((GENESIS_SAMPLE_DIR / name).read_bytes()))
    expected = frames[name]
    pd.testing.assert_frame_equal(read_genesis(archive), expected)
    pd.testing.assert_frame_equal(read_genesis(gz), expected)


def test_windows_1252_copy_reads_with_a_warning(tmp_path, frames):
    name = "11111-02-01-4_de_flat.csv"
    text = (GENESIS_SAMPLE_DIR / name).read_text(encoding="utf-8-sig")
    path = tmp_path / name
    path.write_bytes(text.encode("cp1252"))
    with pytest.warns(DataWarning, match="Windows-1252"):
        df = read_genesis(path)
    pd.testing.assert_frame_equal(df.reset_index(drop=True), frames[name], check_like=False)


def test_english_export_semester_brackets_and_quality_marks():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = read_genesis(GOOD / "genesis_english_semester.csv")
    assert df["time"].tolist()[:1] == ["2023-10P6M"]
    assert df["year"].tolist() == [2023, 2023, 2023, 2024, 2024, 2024]
    assert df["value"].tolist()[:3] == [358214.0, 181.5, 176.7]
    assert df["flag"].tolist() == ["", "()", "p", "...", "/", "r"]
    assert math.isnan(df["value"].iat[3]) and math.isnan(df["value"].iat[4])
    assert df["value"].iat[5] == 12.5
    assert df["region_level"].tolist() == ["land", "land", "land", "bund", "land", "land"]
    assert df["GES"].tolist()[:3] == ["", "GESW", "GESM"]
    assert df["GES_label"].iat[0] == "Total"


def test_reader_does_not_touch_the_input(tmp_path):
    name = "12211-0001_de_flat.csv"
    copy = tmp_path / name
    shutil.copy(GENESIS_SAMPLE_DIR / name, copy)
    before = copy.read_bytes()
    read_genesis(copy)
    assert copy.read_bytes() == before


def test_zensus_style_region_variable_and_regionalschluessel(tmp_path):
    header = (
        "statistics_code;statistics_label;time_code;time_label;time;1_variable_code;"
        "1_variable_label;1_variable_attribute_code;1_variable_attribute_label;2_variable_code;"
        "2_variable_label;2_variable_attribute_code;2_variable_attribute_label;value;value_unit;"
        "value_variable_code;value_variable_label;value_q"
    )
    rows = [
        "1000A;Bevölkerung kompakt;STAG;Stichtag;2022-05-15;GEOGM4;Gemeinden;092760130130;"
        "Lindberg;RELZG2;Religion;REL-RK-OR;Römisch-katholisch;3,1;%;PRS018;Personen;e",
        "1000A;Bevölkerung kompakt;STAG;Stichtag;2022-05-15;GEOBL1;Bundesländer;13;"
        "Mecklenburg-Vorpommern;RELZG2;Religion;;Insgesamt;1611;1000;PRS018;Personen;p",
    ]
    path = tmp_path / "1000A-1018_de_flat.csv"
    path.write_text("\ufeff" + "\n".join([header, *rows]) + "\n", encoding="utf-8")
    df = read_genesis(path)
    assert df["region_code"].tolist() == ["092760130130", "13"]
    assert df["region_level"].tolist() == ["gemeinde", "land"]
    assert df["RELZG2"].tolist() == ["REL-RK-OR", ""]
    assert df["value"].tolist() == [3.1, 1611.0]
    assert df["flag"].tolist() == ["", "p"]
    assert "GEOGM4" not in df.columns
