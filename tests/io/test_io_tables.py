"""read_table on valid input: formats, delimiters, encodings, dtypes, schemas."""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from toolkit.errors import DataError, ParameterError
from toolkit.io import TABLES, DataWarning, read_table, table_schema
from toolkit.regions import RegionHierarchy

GOOD = Path(__file__).resolve().parents[1] / "data" / "good"

# One valid file per canonical table, written by hand from data_samples/README.md.
VALID = {
    "regions": "region_code,region_name,level,parent_code,kreisfrei\n"
    "DG,Deutschland,bund,,\n17,Musterland,land,DG,\n"
    "17001,Musterstadt,kreis,17,true\n17001000,Musterstadt,gemeinde,17001,\n"
    "17001000-SR01,Altstadt,sozialraum,17001000,\n",
    "population": "region_code,year,age,sex,population\n"
    "17001000,2024,0,m,512\n17001000,2024,90,w,1033\nDG,2024,0,w,331200\n",
    "kita": "region_code,year,age_group,care_type,children\n"
    "17001000,2024,u3,kita,1520\n17001000,2024,u3,tagespflege,1\n",
    "transitions": "region_code,year,sex,school_type,pupils\n"
    "17001000,2024,m,gymnasium,300\n17001000,2024,m,jg4_abgaenge,700\n",
    "school_leavers": "region_code,year,abschluss,sex,nationality,leavers\n"
    "17001000,2024,ohne_hsa,w,auslaendisch,2\n",
    "iabe": "region_code,year,sector,sex,nationality,entrants\n17001,2024,IV,m,deutsch,800\n",
    "contracts_new": "region_code,year,zustaendigkeit,beruf,sex,nationality,schooling,contracts\n"
    "17001,2023,hw,26110,w,deutsch,hzb,7\n",
    "contracts_dissolved": "region_code,year,start_year,zustaendigkeit,beruf,sex,nationality,"
    "schooling,probezeit,dissolutions\n17001,2023,2020,hw,26110,m,deutsch,hsa,false,1\n"
    "17001,2023,2023,hw,26110,m,deutsch,hsa,true,3\n",
    "apprentice_beginners": "region_code,year,age,sex,beginners\n17001,2024,16,m,40\n"
    "17001,2024,24,w,12\n",
    "berufe": "beruf,beruf_name,zustaendigkeit\n26110,Mechatroniker/in,ih\n",
    "survey_families": "hh_id,sozialraum,stratum,n_stratum_frame,design_weight,responded,"
    "child_age_group,single_parent,migration,zufriedenheit_kita,zufriedenheit_schule,"
    "zufriedenheit_freizeit,nutzt_familienzentrum,bedarf_ganztag,bedarf_beratung\n"
    "H001,17001000-SR01,17001000-SR01,420,8.4,true,u3,false,true,4,,5,true,false,\n"
    "H002,17001000-SR01,17001000-SR01,420,8.4,false,10u18,true,false,,,,,,\n",
    "survey_families_margins": "sozialraum,child_age_group,households\n17001000-SR01,u3,120\n",
}


def write(tmp_path: Path, table: str, text: str, sep: str = ",", name: str | None = None) -> Path:
    path = tmp_path / (name or f"{table}.csv")
    path.write_text(text.replace(",", sep), encoding="utf-8")
    return path


def test_every_table_has_a_valid_example():
    assert set(VALID) == set(TABLES)


@pytest.mark.parametrize("table", sorted(VALID))
def test_valid_file_reads_with_contract_columns_and_dtypes(tmp_path, table):
    df = read_table(write(tmp_path, table, VALID[table]))
    spec = TABLES[table]
    # every column of the contract, except the unused alternative of population (age_group)
    expected = [c for c in spec.names if (table, c) != ("population", "age_group")]
    assert list(df.columns) == expected
    assert len(df) == VALID[table].count("\n") - 1
    for col in (c for c in spec.columns if c.name in expected):
        dtype = str(df[col.name].dtype)
        if col.kind in ("count", "year") or (col.kind == "int" and not col.nullable):
            assert dtype == "int64", (col.name, dtype)
        elif col.kind == "int":
            assert dtype == "Int64"
        elif col.kind == "bool":
            assert dtype == ("boolean" if col.nullable else "bool")
        elif col.kind == "float":
            assert dtype == "float64"
        else:
            assert pd.api.types.is_string_dtype(df[col.name]), (col.name, dtype)
    # the pandera schema accepts what the reader returns
    table_schema(table).validate(df)


def test_semicolon_comma_bom_and_gzip_give_the_same_table(tmp_path):
    text = VALID["population"]
    a = read_table(write(tmp_path, "population", text))
    b = read_table(write(tmp_path, "population", text, sep=";", name="b.csv"), table="population")
    bom = tmp_path / "population_bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode())
    c = read_table(bom, table="population")
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c)
    assert a["region_code"].tolist() == ["17001000", "17001000", "DG"]
    assert a["population"].tolist() == [512, 1033, 331200]


def test_leading_zeros_are_kept(tmp_path):
    text = "region_code;year;age_group;care_type;children\n08111000;2024;u3;kita;3\n01001;2024;u3;kita;4\n"
    df = read_table(write(tmp_path, "kita", text, sep=";"))
    assert df["region_code"].tolist() == ["08111000", "01001"]


def test_windows_1252_is_read_with_a_warning():
    with pytest.warns(DataWarning, match="Windows-1252"):
        df = read_table(GOOD / "berufe_cp1252.csv", table="berufe")
    assert df["beruf_name"].tolist() == [
        "Mechatroniker/in – Schwerpunkt Straße",
        "Kaufmann/-frau für Büromanagement",
    ]
    assert df.attrs["notes"]


def test_utf8_file_gives_no_warning(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_table(write(tmp_path, "berufe", "beruf,beruf_name,zustaendigkeit\n1,Bäcker/in,hw\n"))


def test_excel_and_parquet_give_the_same_table(tmp_path):
    csv_df = read_table(write(tmp_path, "kita", VALID["kita"]))
    book = openpyxl.Workbook()
    book.active.title = "Hinweise"
    book.active.append(["Daten stehen im Blatt kita"])
    sheet = book.create_sheet("kita")
    for line in VALID["kita"].strip().splitlines():
        cells = line.split(",")
        sheet.append([int(c) if c.isdigit() and not c.startswith("1700") else c for c in cells])
    book.save(tmp_path / "kita.xlsx")
    xlsx_df = read_table(tmp_path / "kita.xlsx")
    pd.testing.assert_frame_equal(csv_df, xlsx_df)
    chosen = read_table(tmp_path / "kita.xlsx", sheet="kita")
    pd.testing.assert_frame_equal(csv_df, chosen)
    csv_df.to_parquet(tmp_path / "kita.parquet", index=False)
    pd.testing.assert_frame_equal(csv_df, read_table(tmp_path / "kita.parquet"))


def test_excel_row_numbers_are_sheet_rows(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["region_code", "year", "age_group", "care_type", "children"])
    sheet.append(["17001000", 2024, "u3", "kita", 3])
    sheet.append([])  # a blank row, as users leave them
    sheet.append(["17001000", 2024, "3u6", "kita", -2])
    book.save(tmp_path / "kita.xlsx")
    with pytest.raises(DataError) as info:
        read_table(tmp_path / "kita.xlsx")
    assert info.value.rows == (4,)


def test_extra_columns_drop_warns_and_returns_contract_columns(tmp_path):
    text = "region_code,year,age_group,care_type,children,bemerkung\n17001000,2024,u3,kita,3,ok\n"
    path = write(tmp_path, "kita", text)
    with pytest.raises(DataError, match="bemerkung"):
        read_table(path)
    with pytest.warns(DataWarning, match="bemerkung"):
        df = read_table(path, extra_columns="drop")
    assert list(df.columns) == list(TABLES["kita"].names)


def test_columns_in_other_order_are_accepted(tmp_path):
    text = "children,care_type,age_group,year,region_code\n3,kita,u3,2024,17001000\n"
    df = read_table(write(tmp_path, "kita", text))
    assert list(df.columns) == list(TABLES["kita"].names)
    assert df["children"].tolist() == [3]


@pytest.mark.parametrize("kind", ["list", "frame", "hierarchy", "path"])
def test_regions_argument_forms(tmp_path, kind):
    regions_df = read_table(write(tmp_path, "regions", VALID["regions"]))
    regions = {
        "list": regions_df["region_code"].tolist(),
        "frame": regions_df,
        "hierarchy": RegionHierarchy.from_frame(regions_df),
        "path": str(tmp_path / "regions.csv"),
    }[kind]
    ok = write(tmp_path, "kita", VALID["kita"])
    assert len(read_table(ok, regions=regions)) == 2
    bad = write(
        tmp_path, "kita", VALID["kita"].replace("17001000,2024,u3,kita", "17002000,2024,u3,kita")
    )
    with pytest.raises(DataError, match="17002000"):
        read_table(bad, regions=regions)


def test_parameter_errors(tmp_path):
    path = write(tmp_path, "kita", VALID["kita"])
    with pytest.raises(ParameterError, match="kitas"):
        read_table(path, table="kitas")
    with pytest.raises(ParameterError, match="extra_columns"):
        read_table(path, extra_columns="keep")
    with pytest.raises(ParameterError, match="table="):
        read_table(write(tmp_path, "x", VALID["kita"], name="daten.csv"))


def test_reader_does_not_modify_the_file(tmp_path):
    path = write(tmp_path, "kita", VALID["kita"])
    before = path.read_bytes()
    read_table(path)
    assert path.read_bytes() == before


def test_parquet_round_trip_with_nullable_answers(tmp_path):
    df = read_table(write(tmp_path, "survey_families", VALID["survey_families"]))
    copy = df.copy()
    copy["zufriedenheit_kita"] = copy["zufriedenheit_kita"].astype("float64")  # NaN for NA
    copy.to_parquet(tmp_path / "survey_families.parquet", index=False)
    back = read_table(tmp_path / "survey_families.parquet")
    pd.testing.assert_frame_equal(back, df)
    assert back["zufriedenheit_kita"].tolist()[0] == 4
    assert back["bedarf_beratung"].isna().all()
