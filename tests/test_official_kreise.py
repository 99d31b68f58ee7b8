"""The official Kreis list in the regions module: read once, passed on explicitly.

Independent reference: the Kreis lines of the real Regionalstatistik downloads in
tests/data/official (parsed here with the csv module): every 5-digit code with values in
21111-02-06-4 (2023) plus the city states Hamburg and Berlin, which the table lists only as
Land rows; for 2019 the 5-digit codes with values in 12411-02-03-4 (2019).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from toolkit.indicators import compute_all, official_kreise
from toolkit.indicators._context import Context
from toolkit.regions import KreisList, OfficialKreise, read_official_kreise

RS = Path(__file__).resolve().parent / "data" / "official" / "regionalstatistik"


def _kreise_with_values(name: str, code_col: int, first_value: int) -> set[str]:
    with open(RS / name, encoding="cp1252", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    return {
        r[code_col]
        for r in rows
        if len(r) > first_value
        and len(r[code_col]) == 5
        and r[code_col].isdigit()
        and any(c.strip() not in ("", "-") for c in r[first_value:])
    }


def test_list_equals_the_kreise_of_the_real_downloads():
    official = read_official_kreise()
    leavers = _kreise_with_values("21111-02-06-4.csv", 1, 3) | {"02000", "11000"}
    assert set(official.on(2023)) == leavers and len(leavers) == 400
    population = _kreise_with_values("12411-02-03-4 (2019).csv", 0, 3) | {"02000", "11000"}
    assert set(official.on(2019)) == population and population - leavers == {"16056"}
    assert official.on() == official.on(2023) == official_kreise(2023)


def test_read_once_per_call_nothing_kept_between_calls():
    first, second = read_official_kreise(), read_official_kreise()
    assert first == second and first is not second


def test_the_list_given_is_the_list_used():
    # a list with a single Kreis for Niedersachsen: the Land is complete with it alone
    diepholz = OfficialKreise((("03251", "Diepholz, Landkreis", None),))
    assert KreisList(diepholz).expected("03", 2023) == {"03251"}
    counts = pd.DataFrame(
        {"region_code": ["03251"], "year": 2023, "abschluss": "ohne_hsa", "leavers": [138]}
    )
    given = Context({"school_leavers": counts}, official=diepholz).counts("school_leavers")
    assert "03" in set(given["region_code"])
    shipped = Context({"school_leavers": counts}, official=read_official_kreise())
    assert "03" not in set(shipped.counts("school_leavers")["region_code"])
    # compute_all reads the shipped list: one Kreis of 45 gives no Land value, with a note
    frame = compute_all({"school_leavers": counts}, indicators="schulabgaenge")
    assert "03" not in set(frame["region_code"])
    assert any("nur 1 von 45" in n for n in frame.attrs["notes"])
