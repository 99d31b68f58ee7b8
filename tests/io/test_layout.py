"""Table-layout and XLSX downloads of the Regionalstatistik (real files, unchanged).

Every expectation comes from an independent parse of the file with the plain ``csv``
module (written here, not the reader's code), from figures read off the file by hand,
or from the other format of the same table.
"""

from __future__ import annotations

import csv
import gzip
import re
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.errors import DataError
from toolkit.io import GENESIS_SAMPLE_DIR, read_genesis

OFFICIAL = Path(__file__).resolve().parents[1] / "data" / "official" / "regionalstatistik"
LAYOUT_CSV = sorted(p.name for p in OFFICIAL.glob("*.csv"))
SYMBOLS = {"-", ".", "x", "/", "..."}
CODE = re.compile(r"^(DG|\d{2}|\d{3}|\d{5}|\d{8})$")


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return {name: read_genesis(OFFICIAL / name) for name in LAYOUT_CSV}


def independent_parse(path: Path) -> tuple[list[list[str]], int]:
    """Data rows (label cells + value cells) and the number of label columns.

    Own rules, from looking at the files: the header rows are the rows whose first
    field is empty; the value columns start at the first non-empty field of the
    first such row; data rows have the header's width and a region code in the
    first or (after a year) second field.
    """
    with open(path, encoding="cp1252", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    header = next(r for r in rows if len(r) > 1 and r[0] == "" and any(r))
    width = len(header)
    labels = next(i for i, c in enumerate(header) if c)
    data = [
        r
        for r in rows
        if len(r) == width
        and (CODE.match(r[0]) or (re.fullmatch(r"\d{4}", r[0]) and CODE.match(r[1])))
    ]
    return data, labels


def test_every_official_file_reads(frames):
    assert set(LAYOUT_CSV) == {
        "12411-02-03-4 (2017).csv",
        "12411-02-03-4 (2018).csv",
        "12411-02-03-4 (2019).csv",
        "21111-01-03-4.csv",
        "21111-02-06-4.csv",
        "Abgehende-2019-2023.csv",
    }
    for name, df in frames.items():
        assert len(df) > 1000, name
        assert df["region_code"].notna().all() and (df["region_code"] != "").all()


@pytest.mark.parametrize("name", LAYOUT_CSV)
def test_values_sums_and_symbols_equal_an_independent_parse(frames, name):
    data, labels = independent_parse(OFFICIAL / name)
    cells = [c.strip() for r in data for c in r[labels:]]
    symbols = Counter(c for c in cells if c in SYMBOLS)
    numbers = [float(c.replace(",", ".")) for c in cells if c not in SYMBOLS]
    df = frames[name]
    assert len(df) == len(cells)
    assert dict(Counter(df.loc[df.flag != "", "flag"])) == dict(symbols)
    assert df.loc[df.flag == "", "value"].sum() == pytest.approx(sum(numbers))
    assert (df.loc[df.flag == "-", "value"] == 0).all()
    assert df.loc[df.flag.isin([".", "x", "/"]), "value"].isna().all()
    # same order of cells, value by value
    parsed = [0.0 if c == "-" else np.nan if c in SYMBOLS else float(c) for c in cells]
    np.testing.assert_array_equal(df["value"].to_numpy(), np.array(parsed))
    codes = [(r[1] if re.fullmatch(r"\d{4}", r[0]) else r[0]).strip() for r in data]
    assert df["region_code"].iloc[:: len(cells) // len(data)].tolist() == codes


def test_school_leavers_diepholz_by_hand(frames):
    df = frames["21111-02-06-4.csv"].set_index(["region_code", "variable"])["value"]
    base = "absolvierende_abgehende_allgemeinbildender_schulen_nach_dem_abschluss"
    # line "2023;03251;      Diepholz, Landkreis;2101;997;138;57;286;100;1122;519;55;25;.;.;555;321"
    assert df[("03251", f"{base}/insgesamt/insgesamt")] == 2101
    assert df[("03251", f"{base}/ohne_hauptschulabschluss/weiblich")] == 57
    assert np.isnan(df[("03251", f"{base}/mit_fachhochschulreife/insgesamt")])
    assert df[("03241001", f"{base}/insgesamt/insgesamt")] == 4812
    full = frames["21111-02-06-4.csv"]
    row = full[(full.region_code == "03251") & (full.variable == f"{base}/insgesamt/insgesamt")]
    assert row[["region_name", "region_level", "time", "year", "unit"]].values.tolist() == [
        ["Diepholz, Landkreis", "kreis", "2023", 2023, "Anzahl"]
    ]


def test_header_paths_become_the_documented_codes(frames):
    variables = frames["21111-02-06-4.csv"].attrs["variables"]
    code = (
        "absolvierende_abgehende_allgemeinbildender_schulen_nach_dem_abschluss/"
        "ohne_hauptschulabschluss/weiblich"
    )
    assert variables[code] == (
        "Absolvierende/Abgehende allgemeinbildender Schulen nach dem Abschluss / "
        "ohne Hauptschulabschluss / weiblich"
    )
    assert len(variables) == 14
    pupils = frames["21111-01-03-4.csv"]
    assert "allgemeinbildende_schulen" in set(pupils.variable)
    assert sorted(set(pupils.gruppe))[:3] == [
        "abendschulen_und_kollegs",
        "freie_waldorfschulen",
        "grundschulen",
    ]


def test_stichtag_year_age_groups_and_metadata(frames):
    df = frames["12411-02-03-4 (2019).csv"]
    assert set(df.time) == {"2019-12-31"} and set(df.year) == {2019}
    assert df["gruppe"].nunique() == 18  # 17 groups and Insgesamt
    dg = df[(df.region_code == "DG") & (df.gruppe == "unter_3_jahre")]
    assert dict(zip(dg.variable, dg.value, strict=True)) == {
        "insgesamt": 2371417,
        "maennlich": 1216345,
        "weiblich": 1155072,
    }
    assert df.attrs["stand"] == "2021-02-02"
    assert df.attrs["reference_date"] == "2019-12-31"
    assert df.attrs["licence"] == "Datenlizenz Deutschland – Namensnennung – Version 2.0"
    assert df.attrs["attribution"] == (
        "© Statistische Ämter des Bundes und der Länder, Deutschland, 2021."
    )
    assert df.attrs["table"] == "12411-02-03-4"
    assert frames["21111-02-06-4.csv"].attrs["stand"] == "2025-03-13"


def test_csv_and_xlsx_of_the_same_table_give_the_same_frame(frames):
    from_csv = frames["Abgehende-2019-2023.csv"]
    from_xlsx = read_genesis(OFFICIAL / "Abgehende-2019-2023.xlsx")
    pd.testing.assert_frame_equal(from_csv, from_xlsx)
    for key in ("table", "stand", "licence", "attribution", "variables"):
        assert from_csv.attrs[key] == from_xlsx.attrs[key]
    assert from_csv.attrs["layout"] == "tabelle-csv"
    assert from_xlsx.attrs["layout"] == "tabelle-xlsx"
    assert sorted(set(from_xlsx.year)) == [2019, 2020, 2021, 2022, 2023]


def test_zip_and_gzip_around_csv_and_xlsx(tmp_path, frames):
    raw = (OFFICIAL / "21111-02-06-4.csv").read_bytes()
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("21111-02-06-4.csv", raw)
    gz = tmp_path / "t.csv.gz"
    gz.write_bytes(gzip.compress(raw))
    for path in (archive, gz):
        pd.testing.assert_frame_equal(read_genesis(path), frames["21111-02-06-4.csv"])
    xgz = tmp_path / "a.xlsx.gz"
    xgz.write_bytes(gzip.compress((OFFICIAL / "Abgehende-2019-2023.xlsx").read_bytes()))
    pd.testing.assert_frame_equal(read_genesis(xgz), frames["Abgehende-2019-2023.csv"])


def test_utf8_copy_reads_the_same(tmp_path, frames):
    text = (OFFICIAL / "21111-02-06-4.csv").read_text(encoding="cp1252")
    assert "©" in text
    path = tmp_path / "utf8.csv"
    path.write_text(text, encoding="utf-8")
    pd.testing.assert_frame_equal(read_genesis(path), frames["21111-02-06-4.csv"])


def test_flat_exports_still_read_unchanged():
    for path in sorted(GENESIS_SAMPLE_DIR.glob("*_flat.csv")):
        df = read_genesis(path)
        assert "layout" not in df.attrs and len(df) > 100


# ---- files that are not official downloads: generated here --------------------------

HEAD = "GENESIS-Tabelle: 99999-01-01-4\nTest -;;;;\nZahl (Anzahl);;;;\n;;;Insgesamt;weiblich\n"
FOOT = '__________\n"© Test"\nStand: 01.02.2025 / 10:00:00\n'


def _write(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("cp1252"))
    return path


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("2023;03251;  Diepholz;5\n", "4 statt 5 Feldern"),
        ("2023;03251;  Diepholz;5;zwei\n", "'zwei'"),
        ("2023;03251;  Diepholz;5;;\n", "6 statt 5 Feldern"),
        ("", "keine Datenzeile"),
    ],
)
def test_broken_table_layout_names_file_line_and_expectation(tmp_path, body, fragment):
    first = "2023;DG;Deutschland;9;4\n" if body else ""
    path = _write(tmp_path, HEAD + first + body + FOOT)
    with pytest.raises(DataError) as info:
        read_genesis(path)
    err = info.value
    assert str(path) in str(err) and fragment in str(err)
    lines = set(err.rows) | {r for p in err.problems for r in p.rows}
    assert lines == ({6} if body else {5})  # the broken data row / the first footer line
    if not body:
        assert "Tabellenlayout" in str(err) and "Datenzeilen 'Jahr;AGS;Name;Werte" in str(err)


def test_two_downloads_glued_together(tmp_path):
    one = HEAD + "2023;DG;Deutschland;9;4\n" + FOOT
    path = _write(tmp_path, one + one)
    with pytest.raises(DataError, match="nach dem Ende der Tabelle") as info:
        read_genesis(path)
    assert info.value.rows == (13,)  # the first data row of the second copy


def test_no_year_anywhere(tmp_path):
    path = _write(tmp_path, HEAD.replace(";;;Insgesamt", ";;Insgesamt") + "DG;Deutschland;9;4\n")
    with pytest.raises(DataError, match="Keine Zeitangabe"):
        read_genesis(path)


def test_not_an_official_file(tmp_path):
    path = _write(tmp_path, "Name;Wert\nA;1\n")
    with pytest.raises(DataError, match="Keine GENESIS-Flat-CSV") as info:
        read_genesis(path)
    assert info.value.rows == (1,)


def test_broken_xlsx_and_xls(tmp_path):
    bad = tmp_path / "t.xlsx"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("xl/workbook.xml", "kaputt")
    with pytest.raises(DataError, match="XLSX-Datei kann nicht gelesen werden"):
        read_genesis(bad)
    old = tmp_path / "t.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(DataError, match="alte Excel-Datei"):
        read_genesis(old)


def test_generated_xlsx_reads_like_its_csv(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "99999-01-01-4"
    for row in [
        ["Test -"],
        ["Zahl (Anzahl)"],
        [None, None, "Insgesamt", "weiblich"],
        ["2023"],
        ["DG", "Deutschland", 9, 4.5],
        ["03251", "  Diepholz", "-", "."],
        ["__________"],
        ["Stand: 01.02.2025 / 10:00:00"],
    ]:
        sheet.append(row)
    path = tmp_path / "t.xlsx"
    book.save(path)
    csv_path = _write(
        tmp_path,
        HEAD.replace(";;;Insgesamt", ";;Insgesamt").replace("Test -;;;;", "Test -;;;")
        + "DG;Deutschland;9;4,5\n03251;  Diepholz;-;.\n"
        + FOOT,
        "same.csv",
    )
    got = read_genesis(path)
    assert got["value"].tolist()[:2] == [9.0, 4.5]
    assert got["flag"].tolist() == ["", "", "-", "."]
    assert got.attrs["table"] == "99999-01-01-4" and got.attrs["stand"] == "2025-02-01"
    with pytest.raises(DataError, match="Keine Zeitangabe"):
        read_genesis(csv_path)  # the CSV has no year row: the XLSX has its own


def test_windows_1252_signs_of_official_footers_are_accepted():
    from toolkit.io._source import decode_bytes

    for text in ("© 2025", "§ 22 PStG", "2019–2023", "Größe", "„zusammen“"):
        assert decode_bytes(text.encode("cp1252"), "f.csv")[0] == text
    with pytest.raises(DataError, match="nicht eindeutig"):
        decode_bytes("Preis ‡ ™".encode("cp1252"), "f.csv")


def test_independent_parse_sees_the_footer_trap():
    # the footer holds quoted note lines that start like data ("01.01.2001;") and must not
    # become data: the independent parse and the reader agree on the number of data rows
    text = (OFFICIAL / "12411-02-03-4 (2019).csv").read_text(encoding="cp1252")
    assert "©" in text and "Stand:" in text
    data, _ = independent_parse(OFFICIAL / "12411-02-03-4 (2019).csv")
    df = read_genesis(OFFICIAL / "12411-02-03-4 (2019).csv")
    assert len(df) == len(data) * 3


@settings(max_examples=40, deadline=None)
@given(cut=st.integers(min_value=0, max_value=54_567), junk=st.binary(max_size=8))
def test_cut_or_spoilt_downloads_give_a_frame_or_a_dataerror(tmp_path_factory, cut, junk):
    raw = (OFFICIAL / "21111-02-06-4.csv").read_bytes()
    path = tmp_path_factory.mktemp("cut") / "t.csv"
    path.write_bytes(raw[:cut] + junk)
    try:
        df = read_genesis(path)
    except DataError as exc:
        assert str(path) in str(exc)
    else:
        assert df["value"].notna().any() or (df["flag"] != "").all()


def test_english_table_layout(tmp_path):
    # the English download writes 'GENESIS table', 'Reference date', 'As of' and a decimal point
    text = (
        "GENESIS table: 99999-01-01-4\nTest;;;\nNumber (number);;;\nReference date: 31.12.2019;;;\n"
        ";;;Total\nDG;Germany;under 3 years;2.5\n__________\n"
        '"© Federal Statistical Office and the statistical offices of the Länder, 2021.\n'
        'This work is licensed under the Data licence Germany – attribution – Version 2.0."\n'
        "As of: 02.02.2021 / 11:35:02\n"
    )
    df = read_genesis(_write(tmp_path, text))
    assert df[["time", "gruppe", "variable", "value"]].values.tolist() == [
        ["2019-12-31", "under_3_years", "total", 2.5]
    ]
    assert df.attrs["stand"] == "2021-02-02"
    assert df.attrs["licence"] == "Datenlizenz Deutschland – Namensnennung – Version 2.0"
