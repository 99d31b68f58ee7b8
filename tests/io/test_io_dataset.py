"""read_dataset: a directory of tables, cross-checks, the Dataset object, the samples."""

from __future__ import annotations

import dataclasses
import json
import warnings
from pathlib import Path

import pandas as pd
import pytest
from test_io_tables import VALID

from toolkit.errors import DataError
from toolkit.io import TABLES, Dataset, DataWarning, read_dataset, read_table

SAMPLE = Path(__file__).resolve().parents[2] / "data_samples" / "musterland"


def make_dir(tmp_path: Path, tables: dict[str, str], meta: dict | None = None) -> Path:
    d = tmp_path / "daten"
    d.mkdir(exist_ok=True)
    for name, text in tables.items():
        (d / f"{name}.csv").write_text(text, encoding="utf-8")
    if meta is not None:
        (d / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return d


def test_full_valid_directory(tmp_path):
    d = make_dir(tmp_path, VALID, meta={"synthetic": True, "seed": 1})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds = read_dataset(d)
    assert ds.names == list(TABLES)
    assert ds.synthetic is True
    assert ds.meta["seed"] == 1
    assert ds.source == d.resolve()
    pd.testing.assert_frame_equal(ds.kita, read_table(d / "kita.csv"))
    assert ds.tables["population"] is ds.population
    assert "kita" in ds
    assert ds.hierarchy().children("17") == ["17001"]


def test_dataset_is_frozen_and_missing_tables_are_clear(tmp_path):
    ds = read_dataset(make_dir(tmp_path, {"berufe": VALID["berufe"]}))
    assert ds.synthetic is False and ds.meta == {}
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.synthetic = True
    with pytest.raises(DataError, match="keine Tabelle 'kita'"):
        _ = ds.kita
    assert not hasattr(ds, "kita")
    with pytest.raises(AttributeError):
        _ = ds.no_such_thing


def test_mixed_formats_in_one_directory(tmp_path):
    d = make_dir(tmp_path, {"regions": VALID["regions"]})
    read_table_input = tmp_path / "x.csv"
    read_table_input.write_text(VALID["kita"], encoding="utf-8")
    read_table(read_table_input, table="kita").to_parquet(d / "kita.parquet", index=False)
    ds = read_dataset(d)
    assert ds.names == ["regions", "kita"]
    assert ds.kita["children"].tolist() == [1520, 1]


def test_codes_must_be_in_regions_and_berufe(tmp_path):
    tables = dict(VALID)
    tables["kita"] = VALID["kita"] + "17009000,2024,3u6,kita,5\n"
    tables["contracts_new"] = VALID["contracts_new"] + "17001,2023,hw,99999,w,deutsch,hzb,2\n"
    tables["population"] = VALID["population"].replace("age,sex", "alter,sex")
    with pytest.raises(DataError) as info:
        read_dataset(make_dir(tmp_path, tables))
    text = str(info.value)
    assert "[kita.csv]" in text and "'17009000'" in text and "Zeile 4" in text
    assert "[contracts_new.csv]" in text and "99999" in text
    assert "[population.csv]" in text and "'alter'" in text
    assert len(info.value.problems) >= 4


def test_regions_table_problems_are_reported(tmp_path):
    bad = VALID["regions"].replace(
        "17001000,Musterstadt,gemeinde,17001", "17001000,Musterstadt,gemeinde,17"
    )
    with pytest.raises(DataError, match="parent_code"):
        read_dataset(make_dir(tmp_path, {"regions": bad}))


def test_unreadable_file_is_one_problem_among_others(tmp_path):
    d = make_dir(tmp_path, {"kita": "", "berufe": VALID["berufe"].replace(",ih", ",zz")})
    with pytest.raises(DataError) as info:
        read_dataset(d)
    text = str(info.value)
    assert "[kita.csv] Die Datei ist leer" in text
    assert "[berufe.csv]" in text and "'zz'" in text


def test_directory_errors(tmp_path):
    with pytest.raises(DataError, match="nicht gefunden"):
        read_dataset(tmp_path / "fehlt")
    empty = tmp_path / "leer"
    empty.mkdir()
    with pytest.raises(DataError, match="keine bekannte Tabelle"):
        read_dataset(empty)
    d = make_dir(tmp_path, {"kita": VALID["kita"]})
    (d / "meta.json").write_text("{kaputt", encoding="utf-8")
    with pytest.raises(DataError, match=r"meta\.json"):
        read_dataset(d)
    (d / "meta.json").unlink()
    (d / "kita.xlsx").write_bytes(b"")
    with pytest.raises(DataError, match="mehrfach"):
        read_dataset(d)


def test_unknown_files_are_ignored_with_a_warning(tmp_path):
    d = make_dir(tmp_path, {"kita": VALID["kita"]})
    (d / "notizen.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.warns(DataWarning, match="notizen.csv"):
        ds = read_dataset(d)
    assert ds.names == ["kita"]


def test_dataset_constructor_and_repr():
    ds = Dataset({"kita": pd.DataFrame({"a": [1]})}, synthetic=True)
    assert "kita: 1 Zeilen" in repr(ds)
    assert "synthetisch" in repr(ds)


def test_every_committed_sample_table_validates():
    from toolkit.io import read_sample

    ds = read_sample()
    assert ds.synthetic is True
    present = {p.name.split(".", 1)[0] for p in SAMPLE.iterdir() if p.name != "meta.json"}
    assert set(ds.names) == present & set(TABLES)
    assert set(ds.names) == set(TABLES)
    for name in ds.names:
        assert len(ds.tables[name]) > 0
        # Musterland has every column; of population's alternatives age/age_group it has `age`
        expected = [c for c in TABLES[name].names if (name, c) != ("population", "age_group")]
        assert list(ds.tables[name].columns) == expected
