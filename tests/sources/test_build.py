"""``dkbm data build`` on the real Regionalstatistik downloads.

References: hand computations from the raw lines (parsed here with the plain ``csv``
module, not with the toolkit's reader) and the canonical tables that the helper
"contracts" converted by hand with a separate script (tests/data/official/*.csv).
"""

from __future__ import annotations

import csv
import json
import random
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.cli import main
from toolkit.errors import DataError
from toolkit.indicators import compute_all
from toolkit.io import GENESIS_SAMPLE_DIR, read_dataset, read_genesis
from toolkit.sources import catalogue, source_for
from toolkit.sources.build import build

OFFICIAL = Path(__file__).resolve().parents[1] / "data" / "official"
RS = OFFICIAL / "regionalstatistik"
LEAVERS = RS / "21111-02-06-4.csv"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build([RS], tmp_path_factory.mktemp("build") / "daten")


@pytest.fixture(scope="module")
def leaver_lines() -> dict[str, list[str]]:
    """Kreis-level lines of 21111-02-06-4 by code, split by the csv module."""
    with open(LEAVERS, encoding="cp1252", newline="") as fh:
        rows = [r for r in csv.reader(fh, delimiter=";") if len(r) == 17 and r[0] == "2023"]
    return {r[1]: r for r in rows}


def _nothing_written(out: Path) -> None:
    assert not out.exists()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]


def test_catalogue_covers_the_required_tables():
    entries = catalogue()
    for code in (
        "12411-01-01-4",
        "12411-02-03-4",
        "21111-02-06-4",
        "21111-01-03-4",
        "21121-02-02-4",
        "22541-01-01-4",
        "22543-01-01-4",
        "21211-0001",
    ):
        entry = source_for(code, entries)
        assert entry.licence == "Datenlizenz Deutschland – Namensnennung – Version 2.0"
        assert entry.notes
    assert {f.canonical for e in entries.values() for f in e.feeds} == {
        "population",
        "school_leavers",
        "kita",
    }


def test_directory_reads_and_equals_the_independent_conversion(built):
    ds = read_dataset(built)
    assert ds.names == ["regions", "population", "school_leavers"] and not ds.synthetic
    for name, key in (
        ("school_leavers", ["region_code", "year", "abschluss", "sex"]),
        ("population", ["region_code", "year", "age_group", "sex"]),
    ):
        mine = pd.read_csv(built / f"{name}.csv", dtype={"region_code": str})
        theirs = pd.read_csv(OFFICIAL / f"{name}.csv", dtype={"region_code": str})
        mine = mine[mine.year.isin(set(theirs.year)) & ~mine.region_code.isin(["02000", "11000"])]
        merged = mine.merge(theirs, on=key, how="outer", indicator=True)
        assert (merged["_merge"] == "both").all(), name
        count = mine.columns[-1]
        assert (merged[f"{count}_x"] == merged[f"{count}_y"]).all(), name


def test_share_without_hauptschulabschluss_for_diepholz_and_every_kreis(built, leaver_lines):
    frame = compute_all(read_dataset(built), indicators=["abgaenge_anteil_ohne_hsa"], periods=2023)
    total = frame[(frame.dimension == "") & (frame.level == "kreis")].set_index("region_code")
    # 2023;03251;      Diepholz, Landkreis;2101;997;138;57;…  ->  138 / 2101
    assert total.loc["03251", "value"] == pytest.approx(100 * 138 / 2101)
    hand = {}
    for code, row in leaver_lines.items():
        if len(code) != 5 or not (row[3].isdigit() and row[5].isdigit()):
            continue
        hand[code] = 100 * int(row[5]) / int(row[3])
    hand["02000"] = 100 * int(leaver_lines["02"][5]) / int(leaver_lines["02"][3])
    hand["11000"] = 100 * int(leaver_lines["11"][5]) / int(leaver_lines["11"][3])
    assert len(hand) == 400
    for code in random.Random(11).sample(sorted(hand), 12):
        assert total.loc[code, "value"] == pytest.approx(hand[code]), code
    got = total.loc[sorted(hand), "value"].to_numpy()
    np.testing.assert_allclose(got, [hand[c] for c in sorted(hand)], rtol=1e-12)


def test_eight_digit_units_are_parts_never_their_kreis(built, leaver_lines):
    regions = pd.read_csv(built / "regions.csv", dtype=str).set_index("region_code")
    assert regions.loc["03241001", "parent_code"] == "03241"
    assert regions.loc["11001001", "parent_code"] == "11000"
    assert regions.loc["11000", "region_name"] == "Berlin, kreisfreie Stadt"
    frame = compute_all(read_dataset(built), indicators=["schulabgaenge"], periods=2023)
    total = frame[frame.dimension == ""].set_index("region_code")["value"]
    # Region Hannover: its own line (10761), not the city's 4812 nor their sum
    assert total["03241"] == int(leaver_lines["03241"][3]) == 10761
    assert total["03241001"] == 4812
    assert total["05334"] == 5265 and total["10041"] == 3162
    # Berlin: the Kreis 11000 is the Land line, not the sum of the (rounded) Bezirke
    assert total["11000"] == total["11"] == int(leaver_lines["11"][3])


def test_meta_json_records_the_provenance_of_every_table(built):
    meta = json.loads((built / "meta.json").read_text(encoding="utf-8"))
    assert meta["synthetic"] is False
    (leavers,) = meta["tables"]["school_leavers"]["sources"]
    assert leavers == {
        "table": "21111-02-06-4",
        "database": "regio",
        "file": "21111-02-06-4.csv",
        "fetched": None,
        "stand": "2025-03-13",
        "reference_date": "Ende des Schuljahres; GENESIS-Zeit 2023 = Schuljahr 2022/23 (year = 2023)",
        "licence": "Datenlizenz Deutschland – Namensnennung – Version 2.0",
        "attribution": "© Statistische Ämter des Bundes und der Länder, Deutschland, 2025.",
        "rows": leavers["rows"],
        # every "." (102) and "x" (114) of the file except the 34 "x" of the skipped
        # "dar. schulischer Teil der FHR" columns
        "missing_cells": 102 + 114 - 34,
    }
    stands = [s["stand"] for s in meta["tables"]["population"]["sources"]]
    assert stands == ["2020-08-03", "2020-08-03", "2021-02-02"]
    assert {s["table"] for s in meta["skipped"]} == {"21111-01-03-4", "21121-02-02-4"}


def test_cli_build_and_its_errors(tmp_path, capsys):
    out = tmp_path / "d"
    assert main(["data", "build", str(LEAVERS), "--out", str(out)]) == 0
    assert "school_leavers: 21111-02-06-4" in capsys.readouterr().out
    assert main(["data", "build", str(LEAVERS), "--out", str(out)]) == 2
    assert "nicht leer" in capsys.readouterr().err
    assert main(["data", "build", str(LEAVERS), "--out", str(out), "--force"]) == 0


def _copy_with(tmp_path: Path, name: str, edit) -> Path:
    text = LEAVERS.read_text(encoding="cp1252")
    path = tmp_path / name
    path.write_bytes(edit(text).encode("cp1252"))
    return path


def test_unknown_table_and_file_outside_the_catalogue(tmp_path):
    out = tmp_path / "d"
    unknown = _copy_with(
        tmp_path, "x.csv", lambda t: t.replace("21111-02-06-4", "99999-01-01-4", 1)
    )
    with pytest.raises(DataError, match="'99999-01-01-4' steht nicht im Quellenkatalog") as info:
        build([unknown], out)
    assert info.value.file == str(unknown)
    _nothing_written(out)
    flat = tmp_path / "bevoelkerung.csv"
    shutil.copy(GENESIS_SAMPLE_DIR / "12411-01-01-4_de_flat.csv", flat)
    with pytest.raises(DataError, match="Tabellencode nicht erkennbar"):
        build([flat], out)
    _nothing_written(out)


def test_missing_variable_names_table_and_category(tmp_path):
    out = tmp_path / "d"

    def drop_ohne(text: str) -> str:
        lines = []
        for line in text.split("\n"):
            cells = line.split(";")
            lines.append(";".join(cells[:5] + cells[7:]) if len(cells) == 17 else line)
        return "\n".join(lines)

    path = _copy_with(tmp_path, "21111-02-06-4.csv", drop_ohne)
    with pytest.raises(DataError, match="fehlt 'ohne_hauptschulabschluss'") as info:
        build([path], out)
    assert "21111-02-06-4" in str(info.value) and info.value.column == "abschluss"
    _nothing_written(out)


def test_two_sources_disagreeing_on_a_cell(tmp_path):
    out = tmp_path / "d"
    other = _copy_with(
        tmp_path,
        "neuer.csv",
        lambda t: t.replace("Diepholz, Landkreis;2101;", "Diepholz, Landkreis;2102;"),
    )
    with pytest.raises(DataError, match="widersprechen sich") as info:
        build([LEAVERS, other], out)
    text = str(info.value)
    assert "region_code=03251" in text and "2101" in text and "2102" in text
    assert "neuer.csv" in text and "school_leavers" in text
    _nothing_written(out)
    # the same table twice (e.g. CSV and a re-download) is no conflict
    same = _copy_with(tmp_path, "nochmal.csv", lambda t: t)
    build([LEAVERS, same], out)
    assert len(pd.read_csv(out / "school_leavers.csv")) == len(
        pd.read_csv(build([LEAVERS], tmp_path / "e") / "school_leavers.csv")
    )


def _retitled(tmp_path: Path, source: Path, code: str) -> Path:
    """A real table-layout download whose first line names another table."""
    text = source.read_text(encoding="cp1252")
    head, rest = text.split("\n", 1)
    path = tmp_path / f"{code}.csv"
    path.write_bytes((head.split(":")[0] + f": {code}\n" + rest).encode("cp1252"))
    return path


def test_kita_entries_refuse_tables_they_were_not_checked_with(tmp_path):
    # no 22541/22543 download exists in the shared data: the entries rest on the published
    # labels, so a table of the statistic without them, or with a further breakdown the
    # entry does not map, must stop with a message instead of giving numbers
    out = tmp_path / "d"
    for code in ("22541-01-01-4", "22543-01-01-4"):
        pupils = _retitled(tmp_path, RS / "21111-01-03-4.csv", code)
        with pytest.raises(DataError, match="fehlt '3 bis unter 6 Jahre', 'unter 3 Jahre'"):
            build([pupils], out)
        _nothing_written(out)
    # real age groups 'unter 3 Jahre', '3 bis unter 6 Jahre', but by sex as well
    by_sex = _retitled(tmp_path, RS / "12411-02-03-4 (2019).csv", "22541-02-01-4")
    with pytest.raises(DataError, match="gliedert nach einem Merkmal") as info:
        build([by_sex], out)
    assert info.value.file == str(by_sex) and "widersprechen" not in str(info.value)
    _nothing_written(out)
    for code in ("22541-01-01-4", "22543-01-01-4"):
        assert source_for(code, catalogue()).checked_with.startswith("none:")


def test_flat_population_and_table_codes_through_the_fetch_hook(tmp_path):
    def fetch(code: str, database: str) -> pd.DataFrame:
        frame = read_genesis(GENESIS_SAMPLE_DIR / f"{code}_de_flat.csv")
        frame.attrs["provenance"] = {
            "table": code,
            "database": database,
            "file": f"{code}_flat.csv",
            "fetched": "2026-12-06T07:00:00+00:00",
            "stand": "2025-06-01",
        }
        return frame

    out = build(["12411-01-01-4", LEAVERS], tmp_path / "d", fetch=fetch)
    population = pd.read_csv(out / "population.csv", dtype={"region_code": str})
    assert set(population.age_group) == {"insgesamt"} and set(population.sex) == {"m", "w"}
    berlin = population[population.region_code == "11000"].set_index("sex")["population"]
    # 12411-01-01-4: Berlin 11000 GESM 1810259 (flat line), Insgesamt 3685265
    assert berlin["m"] == 1810259 and berlin.sum() == 3685265
    (source,) = json.loads((out / "meta.json").read_text())["tables"]["population"]["sources"]
    assert source["fetched"] == "2026-12-06T07:00:00+00:00" and source["stand"] == "2025-06-01"


def test_municipal_tables_are_taken_over(tmp_path):
    transitions = tmp_path / "transitions.csv"
    transitions.write_text(
        "region_code,year,school_type,pupils\n"
        "03251,2023,gymnasium,700\n03251,2023,realschule,600\n03251,2023,jg4_abgaenge,2000\n",
        encoding="utf-8",
    )
    out = build([LEAVERS, transitions], tmp_path / "d")
    ds = read_dataset(out)
    assert len(ds.transitions) == 3
    meta = json.loads((out / "meta.json").read_text())
    assert meta["tables"]["transitions"]["sources"][0]["database"] == "kommunal"


def test_fetch_then_build_on_the_recorded_web_service_answers(tmp_path, monkeypatch, capsys):
    """`dkbm data fetch` (recorded real answers, ws replay) followed by `dkbm data build`."""
    import functools

    import httpx

    from tests.io.genesis_ws.ws_replay import PASSWORD, USER, Replay
    from toolkit.io.genesis_ws import GenesisClient
    from toolkit.io.genesis_ws import _cli as ws_cli

    monkeypatch.setenv("DKBM_GENESIS_USER", USER)
    monkeypatch.setenv("DKBM_GENESIS_PASSWORD", PASSWORD)
    monkeypatch.setattr(
        ws_cli,
        "GenesisClient",
        functools.partial(
            GenesisClient,
            transport=httpx.MockTransport(Replay.of("12411-01-01-4")),
            sleep=lambda s: None,
        ),
    )
    monkeypatch.setattr(
        httpx.HTTPTransport, "handle_request", lambda *a, **k: pytest.fail("network")
    )
    fetched, out = tmp_path / "amtlich", tmp_path / "daten"
    cache = ["--cache-dir", str(tmp_path / "cache")]
    assert main(["data", "fetch", "12411-01-01-4", "--out", str(fetched), *cache]) == 0
    assert main(["data", "build", str(fetched), str(LEAVERS), "--out", str(out)]) == 0
    capsys.readouterr()
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    (source,) = meta["tables"]["population"]["sources"]
    assert source["table"] == "12411-01-01-4" and source["stand"] == "2025-03-31"
    assert source["fetched"] and source["file"] == "12411-01-01-4_flat.csv"
    population = pd.read_csv(out / "population.csv", dtype={"region_code": str})
    # München, 31.12.2024: 1,505,005 (the recorded flat CSV, Insgesamt line)
    assert population[population.region_code == "09162"]["population"].sum() == 1505005


def test_shell_glob_with_the_source_note(tmp_path, capsys):
    """`dkbm data build downloads/* --out DIR` with a SOURCE.md among the files."""
    files = [str(p) for p in sorted(RS.iterdir())] + [str(OFFICIAL / "SOURCE.md")]
    assert main(["data", "build", *files, "--out", str(tmp_path / "d")]) == 0
    assert "übersprungen: SOURCE.md (keine Tabelle)" in capsys.readouterr().out
    assert read_dataset(tmp_path / "d").names == ["regions", "population", "school_leavers"]
