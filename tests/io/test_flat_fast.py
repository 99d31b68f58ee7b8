"""The flat reader's fast path gives the exact path's frame, or leaves the file to it.

``read_genesis`` first tries ``_flatfast.read_flat_fast`` (every check on the distinct
cells) and falls back to the row-by-row exact path. References: the exact path, which the
other io tests check against plain csv-module parses of the real exports; and, for the
largest real flat export (12531-0043, 33.5 MB, recorded GENESIS-Online answer), an
independent parse with the csv module written here. Spoilt copies of a real export must give
the same frame, the same error text and the same warnings either way.
"""

from __future__ import annotations

import csv
import io
import math
import warnings
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from toolkit.errors import DataError
from toolkit.io import GENESIS_SAMPLE_DIR, read_genesis
from toolkit.io import genesis as genesis_module
from toolkit.io._flatfast import read_flat_fast

SAMPLE = GENESIS_SAMPLE_DIR / "12411-01-01-4_de_flat.csv"
LINES = SAMPLE.read_text(encoding="utf-8-sig").splitlines()


def _outcome(path: Path, monkeypatch: pytest.MonkeyPatch | None = None) -> tuple:
    """Frame or error text, plus warnings; with ``monkeypatch`` the exact path only."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            if monkeypatch is None:
                result: object = read_genesis(path)
            else:
                with monkeypatch.context() as m:
                    m.setattr(genesis_module, "read_flat_fast", lambda *a: None)
                    result = read_genesis(path)
        except DataError as exc:
            result = str(exc)
    return result, [str(w.message) for w in seen]


def _same(path: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    fast, fast_warnings = _outcome(path)
    exact, exact_warnings = _outcome(path, monkeypatch)
    assert fast_warnings == exact_warnings
    if isinstance(exact, str):
        assert fast == exact
    else:
        pd.testing.assert_frame_equal(fast, exact, check_exact=True)
        assert fast.attrs == exact.attrs
    return exact


@pytest.fixture(scope="module")
def schutzsuchende(tmp_path_factory) -> Path:
    """The 33.5 MB flat CSV inside the recorded resultfile answer of 12531-0043."""
    from tests.io.genesis_ws.ws_replay import load

    archive = next(i.content for i in load("12531-0043") if i.content[:2] == b"PK")
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        name = z.namelist()[0]
        path = tmp_path_factory.mktemp("ws") / name
        path.write_bytes(z.read(name))
    return path


@pytest.mark.parametrize("name", sorted(p.name for p in GENESIS_SAMPLE_DIR.glob("*.csv")))
def test_real_exports_same_frame_both_ways(name, monkeypatch):
    _same(GENESIS_SAMPLE_DIR / name, monkeypatch)


def test_fast_path_answers_for_clean_exports():
    # every real export: breakdowns the same in every row; 13111 lists Deutschland, Länder,
    # Regierungsbezirke (Berlin as '110' under REGBEZ) and Kreise under different variables
    for name in ["12411-01-01-4", "AI-N-01-2-5", "11111-02-01-4", "12211-0001", "13111-01-03-4"]:
        text = (GENESIS_SAMPLE_DIR / f"{name}_de_flat.csv").read_text(encoding="utf-8-sig")
        assert read_flat_fast(text, None, f"{name}_de_flat.csv") is not None, name
    # a breakdown that differs between rows: left to the exact path, which splits rows
    assert read_flat_fast(MIXED_CASES["breakdown differs"], None, "m_de_flat.csv") is None


def test_largest_real_export_against_the_csv_module(schutzsuchende, monkeypatch):
    df = _same(schutzsuchende, monkeypatch)
    with open(schutzsuchende, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert len(df) == len(rows) == 116_738
    numbers = [float(r["value"]) for r in rows if r["value"].isdigit()]
    assert math.isclose(df["value"].sum(), sum(numbers), rel_tol=0, abs_tol=1e-6)
    symbols = Counter(r["value"] for r in rows if not r["value"].isdigit())
    assert Counter(df.loc[df["flag"] != "", "flag"]) == symbols
    assert df["region_code"].tolist() == [r["1_variable_attribute_code"] for r in rows]
    assert df["STAAG5_label"].tolist() == [r["4_variable_attribute_label"] for r in rows]


def _spoil(index: int, column: str, value: str) -> str:
    header = LINES[0].split(";")
    cells = LINES[index].split(";")
    cells[header.index(column)] = value
    lines = list(LINES)
    lines[index] = ";".join(cells)
    return "\n".join(lines) + "\n"


BODY = "\n".join(LINES) + "\n"


def _with_quality(marks: str) -> str:
    """The export with a ``value_q`` column (as Zensus exports have), marks in turn."""
    lines = [LINES[0] + ";value_q"]
    lines += [line + ";" + marks[i % len(marks)] for i, line in enumerate(LINES[1:])]
    return "\n".join(lines) + "\n"


CASES = {
    "symbols": _spoil(5, "value", "-").replace(";158789;", ";.;", 1),
    "brackets and marks": _spoil(3, "value", "(5)").replace(";99097;", ";12,3p;"),
    "word in value": _spoil(4, "value", "abc"),
    "empty value": _spoil(4, "value", ""),
    "full-width digits": _spoil(4, "value", "１２"),
    "decimal point in de": _spoil(4, "value", "1.234"),
    "infinite": _spoil(4, "value", "9" * 400),
    "lost zero": _spoil(6, "1_variable_attribute_code", "8222"),
    "blank in code": _spoil(6, "1_variable_attribute_code", " 08222"),
    "no Land": _spoil(6, "1_variable_attribute_code", "99"),
    "Musterland": _spoil(6, "1_variable_attribute_code", "17001"),
    "bad time": _spoil(7, "time", "24-12-31"),
    "blank before time": _spoil(7, "time", " 2024-12-31"),
    "second statistic": _spoil(8, "statistics_code", "12412"),
    "misspelt region variable": _spoil(8, "1_variable_code", "KREIS"),
    "other breakdown in one row": _spoil(8, "2_variable_code", "GESX"),
    "tab at label edge": _spoil(9, "2_variable_attribute_label", "weiblich\t"),
    "vertical tab": _spoil(9, "1_variable_attribute_label", "Mannheim\v"),
    "quoted cell": _spoil(9, "value_unit", '"Anzahl"'),
    "blank line": BODY.replace("\n", "\n\n", 3),
    "duplicate row": BODY + LINES[1] + "\n",
    "conflicting row": BODY + LINES[1].replace(";158789;", ";1;") + "\n",
    "short row": BODY + LINES[1].rsplit(";", 1)[0] + "\n",
    "long row": BODY + LINES[1] + ";x\n",
    "CRLF": BODY.replace("\n", "\r\n"),
    "lone CR": BODY.replace("\n", "\r", 1),
    "cut mid-number": BODY[: BODY.index(";158789;") + 5],
    "mojibake": _spoil(9, "1_variable_attribute_label", "MÃ¼nchen"),
    "quality marks": _with_quality("epre"),
    "unknown quality mark": _with_quality("eepz"),
}


MIXED = (GENESIS_SAMPLE_DIR / "13111-01-03-4_de_flat.csv").read_text(encoding="utf-8-sig")
MIXED_CASES = {
    "breakdown differs": MIXED.replace(";GES;Geschlecht;", ";GESX;Geschlecht;", 1),
    "misspelt level variable": MIXED.replace(";KREISE;", ";KREIS;", 1),
    "LL0 code under KREISE": MIXED.replace(
        ";KREISE;Kreise und kreisfreie Städte;01001;",
        ";KREISE;Kreise und kreisfreie Städte;010;",
        1,
    ),
    "Land code under KREISE": MIXED.replace(
        ";KREISE;Kreise und kreisfreie Städte;01001;", ";KREISE;Kreise und kreisfreie Städte;01;", 1
    ),
    "unchanged": MIXED,
}


@pytest.mark.parametrize("case", sorted(MIXED_CASES))
def test_several_levels_same_outcome_both_ways(case, tmp_path, monkeypatch):
    assert case == "unchanged" or MIXED_CASES[case] != MIXED
    path = tmp_path / "13111-01-03-4_de_flat.csv"
    path.write_text(MIXED_CASES[case], encoding="utf-8")
    _same(path, monkeypatch)


@pytest.mark.parametrize("case", sorted(CASES))
def test_spoilt_copies_same_outcome_both_ways(case, tmp_path, monkeypatch):
    path = tmp_path / "12411-01-01-4_de_flat.csv"
    path.write_text(CASES[case], encoding="utf-8")
    _same(path, monkeypatch)


def test_windows_1252_copy_same_frame_and_warning(tmp_path, monkeypatch):
    path = tmp_path / "12411-01-01-4_de_flat.csv"
    path.write_bytes(BODY.encode("cp1252"))
    frame = _same(path, monkeypatch)
    assert frame.attrs["notes"] and "Windows-1252" in frame.attrs["notes"][0]


def test_nul_after_a_region_variable_is_a_data_error(tmp_path):
    # found by comparing both paths on spoilt copies: numpy dropped the trailing NUL of
    # 'KREISE\x00' and the row split ended in an IndexError instead of a message
    text = (GENESIS_SAMPLE_DIR / "13111-01-03-4_de_flat.csv").read_text(encoding="utf-8-sig")
    path = tmp_path / "13111-01-03-4_de_flat.csv"
    path.write_text(text.replace(";KREISE;", ";KREISE\x00;", 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"Merkmal 'KREISE\\x00' ist kein bekanntes"):
        read_genesis(path)
