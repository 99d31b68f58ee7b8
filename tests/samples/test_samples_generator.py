"""The generator: determinism, the data contract, the CLI, parameters and scaling."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from toolkit.cli import main
from toolkit.errors import ParameterError
from toolkit.regions import RegionHierarchy
from toolkit.samples import TABLE_NAMES, build_tables, generate, sample_dir

MUSTERLAND = Path(__file__).resolve().parents[2] / "data_samples" / "musterland"
README = MUSTERLAND.parent / "README.md"


def _contract_columns() -> dict[str, list[str]]:
    """Column lists as written in data_samples/README.md (the contract)."""
    text = README.read_text(encoding="utf-8")
    sections = re.split(r"^### `", text, flags=re.M)[1:]
    out: dict[str, list[str]] = {}
    for section in sections:
        name = section.split(".", 1)[0]
        if name == "meta":
            continue
        body = section.split("\n", 1)[1]
        key = re.search(r"Key: `([^`]+)`; value:\s*`([^`]+)`", body)
        if key:
            out[name] = [c.strip() for c in key.group(1).split(",")] + [key.group(2)]
        elif body.lstrip().startswith("|"):
            out[name] = re.findall(r"^\| `([a-z_]+)` \|", body, flags=re.M)
        else:
            tokens = re.findall(r"`([A-Za-z0-9_]+)`", body.split("### ")[0])
            seen: list[str] = []
            for t in tokens:
                if t not in seen and t not in {"u3", "3u6", "6u10", "10u18"}:
                    seen.append(t)
            out[name] = seen
    return out


def test_contract_lists_every_table() -> None:
    assert sorted(_contract_columns()) == sorted(TABLE_NAMES)


@pytest.mark.parametrize("table", TABLE_NAMES)
def test_committed_files_have_contract_columns(table: str) -> None:
    header = (MUSTERLAND / f"{table}.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    assert header.split(",") == _contract_columns()[table]


def test_committed_sample_is_reproducible(tmp_path: Path) -> None:
    """Default run == committed files, byte for byte (determinism and freshness)."""
    made_with = json.loads((MUSTERLAND / "meta.json").read_text(encoding="utf-8"))
    versions = made_with["environment"]
    if (
        versions["numpy"].split(".")[:2] != np.__version__.split(".")[:2]
        or versions["pyarrow"].split(".")[0] != pa.__version__.split(".")[0]
    ):
        pytest.skip(
            f"sample made with numpy {versions['numpy']} / pyarrow {versions['pyarrow']}; "
            "numpy does not promise identical random streams across versions"
        )
    files = generate(tmp_path)
    assert sample_dir() == MUSTERLAND
    made = sorted(str(p.relative_to(tmp_path)) for p in files.values())
    assert made == sorted(str(p.relative_to(MUSTERLAND)) for p in MUSTERLAND.rglob("*.*"))
    for name in made:
        assert (tmp_path / name).read_bytes() == (MUSTERLAND / name).read_bytes(), name


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", kreise=3, seed=7, years="2023-2024")
    b = generate(tmp_path / "b", kreise=3, seed=7, years="2023-2024")
    c = generate(tmp_path / "c", kreise=3, seed=8, years="2023-2024")
    for name in a:
        assert a[name].read_bytes() == b[name].read_bytes(), name
    assert a["population"].read_bytes() != c["population"].read_bytes()
    assert a["survey_families"].read_bytes() != c["survey_families"].read_bytes()


def test_meta_json(ml) -> None:
    meta = json.loads((MUSTERLAND / "meta.json").read_text(encoding="utf-8"))
    assert meta["synthetic"] is True
    assert meta["seed"] == 2026
    assert meta["parameters"] == {"kreise": 10, "years": [2015, 2024], "format": "csv"}
    assert set(meta["datenstand"]) == set(TABLE_NAMES)
    assert meta["datenstand"]["kita"] == "2024-03-01"
    assert meta["rows"] == {name: len(getattr(ml, name)) for name in TABLE_NAMES}


def test_io_reader_accepts_the_sample() -> None:
    from toolkit.io import read_sample

    ds = read_sample()
    assert ds.synthetic
    assert set(ds.tables) == set(TABLE_NAMES)
    assert ds.population["region_code"].str.len().isin([2, 8, 13]).all()


def test_cli_parquet_matches_in_memory_tables(tmp_path: Path) -> None:
    code = main(["samples", "generate", "--out", str(tmp_path), "--kreise", "2",
                 "--seed", "5", "--years", "2024", "--format", "parquet"])  # fmt: skip
    assert code == 0
    from toolkit.io import read_dataset

    assert read_dataset(tmp_path).synthetic  # the reader accepts the Parquet tables
    generate(tmp_path, kreise=2, seed=5, years="2024")  # CSV replaces the Parquet files
    assert not list(tmp_path.glob("*.parquet"))
    assert main(["samples", "generate", "--out", str(tmp_path), "--kreise", "2",
                 "--seed", "5", "--years", "2024", "--format", "parquet"]) == 0  # fmt: skip
    assert not list(tmp_path.glob("*.csv"))
    expected = build_tables(kreise=2, seed=5, years="2024")
    for name in TABLE_NAMES:
        got = pd.read_parquet(tmp_path / f"{name}.parquet")
        want = expected[name]
        assert list(got.columns) == list(want.columns), name
        for col in want.columns:
            a, b = got[col].astype(object), want[col].astype(object)
            assert a.where(a.notna(), None).tolist() == b.where(b.notna(), None).tolist(), (
                name,
                col,
            )


def test_bad_parameters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ParameterError, match="kreise"):
        build_tables(kreise=1)
    with pytest.raises(ParameterError, match="Jahresbereich"):
        build_tables(years="2024-2015")
    with pytest.raises(ParameterError, match="Jahresbereich"):
        build_tables(years=[2015, 2017, 2020])
    with pytest.raises(ParameterError, match="Format"):
        generate(tmp_path, kreise=2, years="2024", fmt="xlsx")
    assert main(["samples", "generate", "--out", str(tmp_path), "--kreise", "0"]) == 2
    assert "kreise=0" in capsys.readouterr().err


def test_larger_land_uses_regierungsbezirke_and_stays_valid() -> None:
    t = build_tables(kreise=120, years="2024")
    regions = t["regions"]
    h = RegionHierarchy.from_frame(regions)
    kreise = h.codes("kreis")
    assert len(kreise) == 120
    assert len(h.codes("regbez")) >= 2
    assert all(h.parent(k) == k[:3] for k in kreise)
    n_gem = len(h.codes("gemeinde"))
    assert 1_500 < n_gem < 4_500  # about 12..37 Gemeinden per Landkreis
    assert int(regions["kreisfrei"].sum()) == 30
    pop = t["population"]
    assert set(pop["region_code"]) == set(h.codes("gemeinde")) | set(h.codes("sozialraum")) | {"DG"}
    contracts = t["contracts_new"]
    assert set(contracts["region_code"]) == set(kreise) | {"DG"}
    assert np.issubdtype(pop["population"].dtype, np.integer)
