"""dkbm read: summaries, --out, exit code 2 with the full problem list."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit.cli import main
from toolkit.io import GENESIS_SAMPLE_DIR, read_genesis

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"


def test_genesis_summary_and_out(tmp_path, capsys):
    src = GENESIS_SAMPLE_DIR / "11111-02-01-4_de_flat.csv"
    out = tmp_path / "gemeinden.parquet"
    assert main(["read", str(src), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Zeilen: 489" in text
    assert "Statistik: 11111" in text
    assert "kreis 474" in text and "gemeinde 15" in text
    assert "- 76" in text and ". 15" in text
    pd.testing.assert_frame_equal(pd.read_parquet(out), read_genesis(src), check_dtype=False)


def test_table_summary_and_csv_out(tmp_path, capsys):
    src = tmp_path / "kita.csv"
    src.write_text(
        "region_code;year;age_group;care_type;children\n"
        "08111000;2023;u3;kita;3\n17001;2024;u3;kita;4\n",
        encoding="utf-8",
    )
    out = tmp_path / "out" / "kita.csv"
    assert main(["read", str(src), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Tabelle 'kita' gültig" in text
    assert "Zeilen: 2" in text and "Jahre: 2023–2024" in text
    assert "gemeinde 1" in text and "kreis 1" in text
    written = pd.read_csv(out, dtype=str)
    assert written["region_code"].tolist() == ["08111000", "17001"]


def test_invalid_table_exits_2_with_every_problem(capsys):
    code = main(["read", str(BAD / "kita_bad_category.csv"), "--table", "kita"])
    assert code == 2
    err = capsys.readouterr().err
    assert "DataError" in err
    assert "'u6'" in err and "'hort'" in err
    assert "Zeile 8" in err and "Zeile 9" in err


def test_regions_option_checks_codes(tmp_path, capsys):
    regions = tmp_path / "regions.csv"
    regions.write_text(
        "region_code,region_name,level,parent_code,kreisfrei\nDG,Deutschland,bund,,\n"
        "17,Musterland,land,DG,\n",
        encoding="utf-8",
    )
    src = tmp_path / "kita.csv"
    src.write_text(
        "region_code,year,age_group,care_type,children\n17001000,2024,u3,kita,3\n", encoding="utf-8"
    )
    assert main(["read", str(src), "--regions", str(regions)]) == 2
    assert "unbekannter Regionalschlüssel" in capsys.readouterr().err


def test_bad_out_suffix_and_bad_genesis(tmp_path, capsys):
    src = GENESIS_SAMPLE_DIR / "12211-0001_de_flat.csv"
    assert main(["read", str(src), "--out", str(tmp_path / "x.txt")]) == 2
    assert ".csv oder .parquet" in capsys.readouterr().err
    assert main(["read", str(BAD / "genesis_old_format.csv")]) == 2
    assert "alten Format" in capsys.readouterr().err


def test_directory_is_checked_as_a_dataset(tmp_path, capsys):
    d = tmp_path / "daten"
    d.mkdir()
    (d / "berufe.csv").write_text(
        "beruf,beruf_name,zustaendigkeit\n26110,Mechatroniker/in,ih\n", encoding="utf-8"
    )
    assert main(["read", str(d)]) == 0
    assert "berufe: 1 Zeilen" in capsys.readouterr().out
    (d / "kita.csv").write_text("region_code,year\n", encoding="utf-8")
    assert main(["read", str(d)]) == 2
    err = capsys.readouterr().err
    assert "[kita.csv]" in err
    assert main(["read", str(d), "--table", "kita"]) == 2
