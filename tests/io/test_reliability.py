"""Issue #14: bad input ends in a clear DataError (never wrong data, a traceback or a hang).

Every bad file is generated here from a real export (data_samples/genesis,
Regionalstatistik 12411-01-01-4) or a valid Musterland-like table, changed in
exactly one place. Valid-but-unusual files (long quoted cell, ``flag``
column, Excel ``sep=`` line, trailing ``;``, double BOM) must be read, and
their values are compared with a plain ``csv``-module parse of the same text.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from toolkit.cli import main
from toolkit.errors import DataError
from toolkit.io import read_dataset, read_genesis, read_table
from toolkit.io.genesis import GENESIS_SAMPLE_DIR

SAMPLE = GENESIS_SAMPLE_DIR / "12411-01-01-4_de_flat.csv"
LINES = SAMPLE.read_text(encoding="utf-8-sig").splitlines()
HEAD = LINES[0].split(";")
ROWS = LINES[1:4]
KITA = (
    "region_code,year,age_group,care_type,children\n"
    "17001000,2024,u3,kita,1520\n"
    "17001000,2024,3u6,kita,2000\n"
)


def _sub(row: str, column: str, value: str) -> str:
    cells = row.split(";")
    cells[HEAD.index(column)] = value
    return ";".join(cells)


def _genesis(tmp_path: Path, rows: list[str], name: str = "t_de_flat.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([LINES[0], *rows]) + "\n", encoding="utf-8")
    return path


def _error(func, *args, **kwargs) -> DataError:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DataError) as info:
            func(*args, **kwargs)
    return info.value


# --- GENESIS: accepted with wrong data before -------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "words", "row"),
    [
        ("value", "１２３", ["anderen Schrift", "0-9"], 2),
        ("value", "١٢٣", ["anderen Schrift"], 2),
        ("1_variable_attribute_code", "8222", ["'8222'", "führende Null", "nie geraten"], 2),
        ("1_variable_attribute_code", "ABCDE", ["'ABCDE'", "Regionalschlüssel"], 2),
        ("1_variable_attribute_code", "", ["leer"], 2),
        ("1_variable_attribute_code", "99999", ["'99999'", "kein Land"], 2),
        ("1_variable_code", "KREIS", ["'KREIS'", "gemeint 'KREISE'"], 2),
        ("time", "24-12-31", ["'24-12-31'", "Zeitangabe"], 2),
        ("time", "3024-12-31", ["'3024-12-31'", "1900 bis 2100"], 2),
        ("time", "2024-02-30", ["'2024-02-30'"], 2),
        ("time", "", ["leere Zeitangabe"], 2),
        ("value", "9" * 400, ["zu groß"], 2),
        ("statistics_code", "12412", ["mehrere Statistiken"], 2),
    ],
)
def test_genesis_cell_read_wrongly_is_refused(tmp_path, column, value, words, row):
    rows = [_sub(ROWS[0], column, value), *ROWS[1:]]
    if column == "statistics_code":
        rows = [ROWS[1], _sub(ROWS[0], column, value), ROWS[2]]
        row = 3
    err = _error(read_genesis, _genesis(tmp_path, rows))
    text = str(err)
    for word in words:
        assert word in text
    assert any(row in p.rows for p in err.problems) or row in err.rows


def test_genesis_duplicate_cells_identical_or_conflicting(tmp_path):
    same = _error(read_genesis, _genesis(tmp_path, [ROWS[0], ROWS[0], *ROWS[1:]]))
    assert "doppelt (identische Zeile)" in str(same) and same.problems[0].rows == (3,)
    other = [ROWS[0], *ROWS[1:], _sub(ROWS[0], "value", "5")]
    conflict = _error(read_genesis, _genesis(tmp_path, other, "c_de_flat.csv"))
    assert "unterschiedlichen Zahlen" in str(conflict) and conflict.problems[0].rows == (5,)


def test_genesis_ambiguous_thousands_dot(tmp_path):
    # unit "EUR" and a file name without _de/_en: the language cannot be told
    rows = [
        _sub(_sub(r, "value_unit", "EUR"), "value", v)
        for r, v in zip(ROWS, ["158.789", "1.5", "7"], strict=True)
    ]
    err = _error(read_genesis, _genesis(tmp_path, rows, "download.csv"))
    assert "Faktor 1000" in str(err) and err.problems[0].rows == (2,)
    # German by its unit: a dot is wrong there, a comma is read
    rows = [_sub(ROWS[0], "value", "158.789"), *ROWS[1:]]
    assert "Dezimaltrennzeichen '.'" in str(_error(read_genesis, _genesis(tmp_path, rows, "d.csv")))
    rows = [_sub(ROWS[0], "value", "158,5"), *ROWS[1:]]
    assert read_genesis(_genesis(tmp_path, rows, "e.csv"))["value"].iloc[0] == 158.5


def test_genesis_mojibake_refused(tmp_path):
    rows = [r.replace("Mannheim", "MÃ¼nchen") for r in ROWS]
    err = _error(read_genesis, _genesis(tmp_path, rows))
    assert "MÃ¼nchen" in str(err) and err.rows == (2,)


def test_real_exports_still_read_unchanged():
    df = read_genesis(SAMPLE)
    reference = list(csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert len(df) == len(reference) - 1
    numbers = [r[HEAD.index("value")] for r in reference[1:]]
    assert df["value"].sum() == sum(float(v) for v in numbers if v not in ("-", ".", "x"))
    levels = read_genesis(GENESIS_SAMPLE_DIR / "13111-01-03-4_de_flat.csv")["region_level"]
    assert set(levels) == {"bund", "land", "regbez", "kreis", "gemeinde"}


# --- CSV and ZIP containers -------------------------------------------------------------


def _zip_with(tmp_path: Path, *, flag: int = 0, method: int | None = None) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("kita.csv", KITA)
    data = bytearray(buf.getvalue())
    central = data.find(b"PK\x01\x02")
    data[6] |= flag
    data[central + 8] |= flag
    if method is not None:
        data[8] = method
        data[central + 10] = method
    path = tmp_path / "kita.csv.zip"
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    ("kwargs", "words"), [({"flag": 1}, ["verschlüsselt"]), ({"method": 9}, ["Methode 9"])]
)
@pytest.mark.parametrize("reader", ["table", "genesis"])
def test_encrypted_or_unsupported_zip_member(tmp_path, kwargs, words, reader):
    path = _zip_with(tmp_path, **kwargs)
    err = _error(read_table, path, "kita") if reader == "table" else _error(read_genesis, path)
    assert all(w in str(err) for w in words) and err.file == str(path)


def test_fifo_named_like_a_table_does_not_hang(tmp_path):
    (tmp_path / "berufe.csv").write_text("beruf,beruf_name,zustaendigkeit\n1,Koch,ih\n")
    os.mkfifo(tmp_path / "kita.csv")
    err = _error(read_dataset, tmp_path)  # would block forever on open() before
    assert "FIFO" in str(err)
    assert "FIFO" in str(_error(read_table, tmp_path / "kita.csv"))
    (tmp_path / "kita.csv").unlink()
    os.mkfifo(tmp_path / "meta.json")
    assert "FIFO" in str(_error(read_dataset, tmp_path))
    for name in ("kita.xlsx", "kita.parquet", "t_de_flat.csv"):
        os.mkfifo(tmp_path / name)
        reader = read_genesis if name.endswith("flat.csv") else read_table
        assert "FIFO" in str(_error(reader, tmp_path / name))


def test_csv_cut_in_the_middle_of_its_last_number(tmp_path):
    path = tmp_path / "kita.csv"
    path.write_text(KITA[:-3], encoding="utf-8")  # '...,2000\n' cut to '...,20'
    err = _error(read_table, path)
    assert "abgeschnitten" in str(err) and err.rows == (3,)
    path.write_text(KITA[:-1], encoding="utf-8")  # complete but no final newline: also refused
    assert "Zeilenumbruch" in str(_error(read_table, path))
    path.write_text(KITA, encoding="utf-8")
    assert read_table(path)["children"].tolist() == [1520, 2000]


@pytest.mark.parametrize("value", ["1e400", "9" * 400, "1000000000000000", "１５２０"])
def test_infinite_huge_or_foreign_counts_refused(tmp_path, value):
    path = tmp_path / "kita.csv"
    path.write_text(KITA.replace("1520", value), encoding="utf-8")
    err = _error(read_table, path)
    assert err.problems[0].column == "children" and err.problems[0].rows == (2,)
    assert len(str(err)) < 1000


def test_mojibake_in_tables(tmp_path):
    head = "region_code,region_name,level,parent_code,kreisfrei\nDG,Deutschland,bund,,\n"
    path = tmp_path / "regions.csv"
    path.write_text(head + "17,MÃ¼nchen,land,DG,\n", encoding="utf-8")
    assert "MÃ¼nchen" in str(_error(read_table, path))
    path.write_bytes((head + "17,Wrocław Straße,land,DG,\n").encode("cp1250"))
    assert "Wroc³aw" in str(_error(read_table, path))
    path.write_bytes((head + "17,Münster Straße,land,DG,\n").encode("cp1252"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert read_table(path)["region_name"].iloc[1] == "Münster Straße"


# --- valid input that was rejected ------------------------------------------------------


def _reference(text: str, delimiter: str = ",") -> list[list[str]]:
    rows = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if r]
    return [[c for c in r if c != ""] or r for r in rows]


@pytest.mark.parametrize(
    ("content", "first_line"),
    [
        (("sep=;\n" + KITA.replace(",", ";")).encode(), 3),
        (KITA.replace(",", ";").replace("\n", ";\n").encode(), 2),
        (b"\xef\xbb\xbf\xef\xbb\xbf" + KITA.encode(), 2),
    ],
    ids=["excel-sep-line", "trailing-semicolon", "double-bom"],
)
def test_valid_variants_are_read(tmp_path, content, first_line):
    path = tmp_path / "kita.csv"
    path.write_bytes(content)
    df = read_table(path)
    assert df["children"].tolist() == [1520, 2000]
    assert df["age_group"].tolist() == ["u3", "3u6"]
    # an error in the first data row names the real line of the file
    path.write_bytes(content.replace(b"1520", b"-1"))
    assert _error(read_table, path).problems[0].rows == (first_line,)


def test_quoted_cell_over_128_kib(tmp_path):
    note = "Langer Text " * 20000  # 240 000 characters
    text = (
        "region_code,region_name,level,parent_code,kreisfrei\n"
        f'DG,"{note}",bund,,\n17,Musterland,land,DG,\n'
    )
    path = tmp_path / "regions.csv"
    path.write_text(text, encoding="utf-8")
    csv.field_size_limit(1 << 20)  # the reference parse needs the same allowance
    expected = list(csv.reader(io.StringIO(text)))[1][1].strip()  # cells are stripped
    assert read_table(path)["region_name"].iloc[0] == expected


def test_documented_flag_column(tmp_path):
    path = tmp_path / "kita.csv"
    path.write_text(
        "region_code,year,age_group,care_type,children,flag\n"
        "17001000,2024,u3,kita,1520,p\n17001000,2024,3u6,kita,,.\n"
        "17001000,2024,3u6,tagespflege,,-\n",
        encoding="utf-8",
    )
    df = read_table(path)
    assert df["flag"].tolist() == ["p", ".", "-"]
    assert df["children"].tolist()[0] == 1520 and pd.isna(df["children"].iloc[1])
    assert df["children"].iloc[2] == 0
    path.write_text(path.read_text().replace(",p\n", ",?\n"), encoding="utf-8")
    assert _error(read_table, path).problems[0].column == "flag"
    path.write_text(path.read_text().replace("3u6,kita,,.", "3u6,kita,,"), encoding="utf-8")
    assert "children" in str(_error(read_table, path))  # empty count without a gap flag


def test_message_never_echoes_a_whole_megabyte_cell(tmp_path):
    path = tmp_path / "kita.csv"
    path.write_text(KITA.replace("1520", "x" * 1_000_000), encoding="utf-8")
    err = _error(read_table, path)
    assert len(str(err)) < 1500 and "1000000 Zeichen" in str(err)
    rows = [_sub(ROWS[0], "value", "y" * 1_000_000), *ROWS[1:]]
    assert len(str(_error(read_genesis, _genesis(tmp_path, rows)))) < 1500


# --- data folders -----------------------------------------------------------------------


def _berufe(directory: Path) -> None:
    (directory / "berufe.csv").write_text("beruf,beruf_name,zustaendigkeit\n1,Koch,ih\n")


def test_meta_json_synthetic_must_be_a_boolean(tmp_path):
    _berufe(tmp_path)
    (tmp_path / "meta.json").write_text('{"synthetic": "false"}')
    assert '"false"' in str(_error(read_dataset, tmp_path))
    (tmp_path / "meta.json").write_text('{"synthetic": false}')
    assert read_dataset(tmp_path).synthetic is False


def test_folder_named_like_a_table(tmp_path):
    _berufe(tmp_path)
    (tmp_path / "kita.csv").mkdir()
    assert "[kita.csv] ist ein Ordner" in str(_error(read_dataset, tmp_path))


@pytest.mark.parametrize("name", ["kita 2024.csv", "kita.xls", "Kita_2024.xlsx"])
def test_misnamed_file_says_which_table_it_was_meant_for(tmp_path, name):
    _berufe(tmp_path)
    (tmp_path / name).write_text(KITA)
    err = _error(read_dataset, tmp_path)
    assert f"[{name}] ist vermutlich die Tabelle 'kita'" in str(err)
    (tmp_path / "kita.csv").write_text(KITA)  # the table is there: only a warning remains
    with pytest.warns(UserWarning, match="vermutlich 'kita'"):
        assert "kita" in read_dataset(tmp_path)


def test_read_dataset_keeps_rows_of_file_level_errors(tmp_path):
    (tmp_path / "kita.csv").write_text(KITA + "\n17001000,2024\n")
    err = _error(read_dataset, tmp_path)
    assert err.problems[0].rows == (5,)


def test_hierarchy_check_names_file_lines(tmp_path):
    (tmp_path / "regions.csv").write_text(
        "region_code,region_name,level,parent_code,kreisfrei\n"
        "DG,Deutschland,bund,,\n17,Musterland,land,DG,\n\n"
        "17001,Musterstadt,kreis,DG,true\n"
    )
    err = _error(read_dataset, tmp_path)
    parent = next(p for p in err.problems if p.column == "parent_code")
    assert parent.rows == (5,)  # line 5 of the file (line 4 is blank), not record 3


# --- duplicates in bounded memory -------------------------------------------------------

_MEASURE = """
import resource, sys, warnings, zipfile
warnings.simplefilter("ignore")
from toolkit.errors import DataError
from toolkit.io import read_table
n, dup, path = int(sys.argv[1]), sys.argv[2] == "dup", sys.argv[3]
with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z, z.open("kita.csv", "w") as f:
    f.write(b"region_code,year,age_group,care_type,children\\n")
    for block in range(n // 1000):
        year = 2024 if dup else 1950 + block % 150
        codes = [f"17{(block // 150) % 1000:03d}{i:03d}" for i in range(1000)]
        rows = "".join(f"{c if not dup else '17001000'},{year},u3,kita,5\\n" for c in codes)
        f.write(rows.encode())
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    read_table(path, "kita")
    print("ok", 0, 0)
except DataError as exc:
    print("error", len(str(exc)), len(exc.problems[0].rows))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def test_400000_duplicate_rows_reported_in_bounded_memory(tmp_path):
    def peak(kind: str) -> tuple[list[str], int]:
        out = subprocess.run(
            [sys.executable, "-c", _MEASURE, "400000", kind, str(tmp_path / f"{kind}.csv.zip")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
        return out[0].split(), int(out[1])

    (status, length, shown), dup_mb = peak("dup")
    (valid, *_), valid_mb = peak("valid")
    assert status == "error" and valid == "ok"
    assert int(shown) == 20 and int(length) < 2000  # first 20 rows and the count
    # the error path needs no more memory than reading the same amount of valid data
    assert dup_mb < 1.3 * valid_mb + 50, (dup_mb, valid_mb)


# --- dkbm read --out --------------------------------------------------------------------


def test_read_out_on_a_full_disk_keeps_the_old_file(tmp_path, monkeypatch, capsys):
    src = tmp_path / "kita.csv"
    src.write_text(KITA)
    out = tmp_path / "out.csv"
    out.write_text("alt,gut\n1,2\n")
    original = pd.DataFrame.to_csv

    def full_disk(self, path, *args, **kwargs):
        with open(path, "w") as handle:
            handle.write("region_code,ye")  # half written, then the disk is full
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pd.DataFrame, "to_csv", full_disk)
    assert main(["read", str(src), "--out", str(out)]) == 2
    assert "Kein Platz mehr" in capsys.readouterr().err
    assert out.read_text() == "alt,gut\n1,2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kita.csv", "out.csv"]
    monkeypatch.setattr(pd.DataFrame, "to_csv", original)
    assert main(["read", str(src), "--out", str(out)]) == 0
    assert pd.read_csv(out)["children"].tolist() == [1520, 2000]


# --- dkbm read: one message, exit 2, never a traceback ----------------------------------


def _cli_cases(tmp_path: Path) -> list[Path]:
    cases = [_zip_with(tmp_path, flag=1)]
    for name, text in [
        ("fw_de_flat.csv", [_sub(ROWS[0], "value", "１２３"), *ROWS[1:]]),
        ("code_de_flat.csv", [_sub(ROWS[0], "1_variable_attribute_code", "8222"), *ROWS[1:]]),
        ("dup_de_flat.csv", [ROWS[0], ROWS[0]]),
    ]:
        cases.append(_genesis(tmp_path, text, name))
    cut = tmp_path / "cut" / "kita.csv"
    cut.parent.mkdir()
    cut.write_text(KITA[:-3])
    folder = tmp_path / "folder"
    folder.mkdir()
    _berufe(folder)
    (folder / "kita.csv").mkdir()
    return [*cases, cut, folder]


def test_dkbm_read_bad_input_exits_2_with_one_message(tmp_path, capsys):
    for path in _cli_cases(tmp_path):
        assert main(["read", str(path)]) == 2, path
        err = capsys.readouterr().err
        assert "Fehler (DataError)" in err and "Traceback" not in err, err


def test_dkbm_read_process_prints_no_traceback(tmp_path):
    path = _zip_with(tmp_path, method=9)
    done = subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "read", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "nicht unterstützten Verfahren" in done.stderr


def test_many_distinct_bad_region_codes_are_counted(tmp_path):
    rows = [_sub(ROWS[0], "1_variable_attribute_code", f"{9000 + i}") for i in range(25)]
    rows = [_sub(r, "value", str(i)) for i, r in enumerate(rows)]
    err = _error(read_genesis, _genesis(tmp_path, rows))
    assert "25 verschiedene ungültige Regionalschlüssel" in str(err)
    assert len(err.problems) == 21  # the count and the first 20 codes with their lines
