import pandas as pd
import pytest

from toolkit.cli import main

from .conftest import full_tables


@pytest.fixture
def data_dir(tmp_path):
    for name, df in full_tables().items():
        if name == "contracts_dissolved":
            # the reader wants start_year >= year - 3 (older ones filed under year - 3)
            df = df.assign(start_year=df["start_year"].clip(lower=df["year"] - 3))
            keys = [c for c in df.columns if c != "dissolutions"]
            df = df.groupby(keys, as_index=False)["dissolutions"].sum()
        df.to_csv(tmp_path / f"{name}.csv", index=False)
    return tmp_path


def test_list(capsys):
    assert main(["indicators", "list"]) == 0
    out = capsys.readouterr().out
    assert "vertragsloesungsquote" in out and "betreuungsquote_u3" in out
    assert main(["indicators", "list", "--markdown"]) == 0
    assert capsys.readouterr().out.startswith("# Indikatorenkatalog")


def test_compute_prints_and_writes(data_dir, tmp_path, capsys):
    out = tmp_path / "out" / "ind.csv"
    rc = main(
        [
            "indicators",
            "compute",
            "--region",
            "17001",
            "--period",
            "2023",
            "--data",
            str(data_dir),
            "--out",
            str(out),
        ]
    )
    assert rc == 0, capsys.readouterr().err
    text = capsys.readouterr().out
    assert "vertragsloesungsquote" in text and "59,5" in text
    df = pd.read_csv(out, dtype={"region_code": str})
    assert set(df["region_code"]) == {"17001", "17"}
    rc = main(
        [
            "indicators",
            "compute",
            "--region",
            "17",
            "--period",
            "2024",
            "--data",
            str(data_dir),
            "--levels",
            "kreis",
            "--out",
            str(tmp_path / "k.parquet"),
        ]
    )
    assert rc == 0
    k = pd.read_parquet(tmp_path / "k.parquet")
    assert set(k["region_code"]) == {"17", "DG", "17001", "17002"}


def test_compute_bad_out(data_dir, capsys):
    rc = main(
        [
            "indicators",
            "compute",
            "--region",
            "17",
            "--period",
            "2024",
            "--data",
            str(data_dir),
            "--out",
            "x.xlsx",
        ]
    )
    assert rc == 2 and "csv" in capsys.readouterr().err


def test_compute_on_real_data_says_why_nothing_came_out(capsys):
    # issue #15: a year without the needed tables gives reasons and exit code 1, not 0
    from pathlib import Path

    real = Path(__file__).parents[2] / "data_samples" / "deutschland"
    args = ["indicators", "compute", "--region", "03251", "--data", str(real)]
    assert main([*args, "--period", "2021"]) == 1
    err = capsys.readouterr().err
    assert "Keine Indikatorwerte für Region 03251 im Jahr 2021" in err
    assert "Tabelle 'school_leavers': Jahr 2021 fehlt" in err
    assert main([*args, "--period", "2023"]) == 0
    captured = capsys.readouterr()
    assert "abgaenge_anteil_ohne_hsa" in captured.out and "6,6" in captured.out
    assert "Nicht enthalten: betreuungsquote_u3: Tabelle 'kita' fehlt" in captured.err
