"""Tests of the AGS region hierarchy against real Regionalstatistik codes."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from toolkit.errors import DataError, ParameterError
from toolkit.regions import (
    RegionHierarchy,
    ags_from_rs,
    level_of,
    normalize_code,
    parent_of,
)

GENESIS = Path(__file__).resolve().parents[1] / "data_samples" / "genesis"

# Number of Kreise and kreisfreie Städte per Land on 31.12.2024 (Destatis,
# Gemeindeverzeichnis; Thüringen 22 since Eisenach joined the Wartburgkreis in 2021).
KREISE_PER_LAND = {
    "01": 15, "02": 1, "03": 45, "04": 2, "05": 53, "06": 26, "07": 36, "08": 44,
    "09": 96, "10": 6, "11": 1, "12": 18, "13": 8, "14": 13, "15": 14, "16": 22,
}  # fmt: skip
# Kreise per Regierungsbezirk (Bayern, NRW, Baden-Württemberg, Hessen).
KREISE_PER_REGBEZ = {
    "091": 23, "092": 12, "093": 10, "094": 13, "095": 12, "096": 12, "097": 14,
    "051": 15, "053": 11, "055": 8, "057": 7, "059": 12,
    "081": 13, "082": 12, "083": 10, "084": 9,
    "064": 14, "065": 5, "066": 7,
}  # fmt: skip


def _read_flat(name: str) -> list[dict[str, str]]:
    with open(GENESIS / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def _has_value(text: str) -> bool:
    return text not in {"-", ".", "x", "/", "...", ""}


@pytest.fixture(scope="module")
def kreise_2024() -> dict[str, str]:
    """The Kreise with a population figure in 12411-01-01-4 (others are historic codes)."""
    rows = _read_flat("12411-01-01-4_de_flat.csv")
    return {
        r["1_variable_attribute_code"]: r["1_variable_attribute_label"]
        for r in rows
        if len(r["1_variable_attribute_code"]) == 5 and _has_value(r["value"])
    }


@pytest.fixture(scope="module")
def gemeinden_2023() -> dict[str, str]:
    rows = _read_flat("AI-N-01-2-5_de_flat.csv")
    return {
        r["1_variable_attribute_code"]: r["1_variable_attribute_label"]
        for r in rows
        if _has_value(r["value"])
    }


# ----------------------------------------------------------------- code functions
@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("DG", "bund", None),
        ("09", "land", "DG"),
        ("091", "regbez", "09"),
        ("09162", "kreis", "091"),
        ("12072", "kreis", "12"),
        ("09162000", "gemeinde", "09162"),
        ("12072017", "gemeinde", "12072"),
        ("17001000-SR03", "sozialraum", "17001000"),
        ("11003003", "gemeinde", "11000"),
        ("11000000", "gemeinde", "11000"),
        ("02000", "kreis", "02"),
    ],
)
def test_level_and_parent(code: str, level: str, parent: str | None) -> None:
    assert level_of(code) == level
    assert parent_of(code) == parent


def test_regionalschluessel_to_ags() -> None:
    # Stuttgart: RS 08 1 11 0000 000 -> AGS 08111000; Freising: 09178 + 0124 + 124.
    assert ags_from_rs("081110000000") == "08111000"
    assert normalize_code("091780124124") == "09178124"
    assert level_of("091780124124") == "gemeinde"
    assert parent_of("091780124124") == "09178"
    with pytest.raises(DataError):
        ags_from_rs("0811100000")


def test_normalize_strips_and_keeps_zeros() -> None:
    assert normalize_code("  08111 ") == "08111"
    assert normalize_code("dg") == "DG"


@pytest.mark.parametrize(
    "bad",
    ["8111", "811100", "18001", "00001", "090", "0911a", "", "09162000-", "9162000-SR1", "DE"],
)
def test_bad_codes_raise_data_error(bad: str) -> None:
    with pytest.raises(DataError, match="Ungültiger Regionalschlüssel"):
        normalize_code(bad)


def test_integer_code_is_rejected_with_hint() -> None:
    with pytest.raises(DataError) as info:
        normalize_code(8111)  # type: ignore[arg-type]
    assert "dtype=str" in (info.value.hint or "")


# ----------------------------------------------------------------- hierarchy basics
def _musterland_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region_code": ["DG", "17", "17001", "17051", "17001000", "17051001",
                            "17051002", "17001000-SR01", "17001000-SR02"],
            "region_name": ["Deutschland", "Musterland", "Musterstadt", "Beispielkreis",
                            "Musterstadt", "Adorf", "Bedorf", "Altstadt", "Neustadt"],
            "level": ["bund", "land", "kreis", "kreis", "gemeinde", "gemeinde", "gemeinde",
                      "sozialraum", "sozialraum"],
            "parent_code": ["", "DG", "17", "17", "17001", "17051", "17051", "17001000",
                            "17001000"],
            "kreisfrei": [False, False, True, False, False, False, False, False, False],
        }
    )  # fmt: skip


def test_from_frame_queries() -> None:
    h = RegionHierarchy.from_frame(_musterland_frame())
    assert h.children("17") == ["17001", "17051"]
    assert h.children("17001000") == ["17001000-SR01", "17001000-SR02"]
    assert h.descendants("17", level="gemeinde") == ["17001000", "17051001", "17051002"]
    assert len(h.descendants("DG")) == 8
    assert h.ancestor("17001000-SR02", "kreis") == "17001"
    assert h.ancestor("17001000-SR02", "regbez") is None
    assert h.ancestor("17051", "kreis") == "17051"
    assert h.name("17051001") == "Adorf"
    assert h.level("17001000-SR01") == "sozialraum"
    assert h.parent("17") == "DG"
    assert h.parent("DG") is None
    assert h.codes("kreis") == ["17001", "17051"]
    assert h.codes()[:2] == ["DG", "17"]
    assert "17051002" in h and "17051003" not in h and "junk" not in h
    assert bool(h.frame.set_index("region_code").loc["17001", "kreisfrei"]) is True


def test_from_frame_derives_missing_columns() -> None:
    full = _musterland_frame()
    h = RegionHierarchy.from_frame(full[["region_code", "region_name"]])
    assert (
        h.frame["parent_code"].tolist()
        == RegionHierarchy.from_frame(full).frame["parent_code"].tolist()
    )


def test_frame_is_a_copy() -> None:
    h = RegionHierarchy.from_frame(_musterland_frame())
    f = h.frame
    f.loc[0, "region_name"] = "kaputt"
    assert h.name("DG") == "Deutschland"


def test_from_frame_rejects_wrong_parent() -> None:
    df = _musterland_frame()
    df.loc[5, "parent_code"] = "17001"
    with pytest.raises(DataError) as info:
        RegionHierarchy.from_frame(df, file="regions.csv")
    assert info.value.column == "parent_code"
    assert info.value.rows == (6,)
    assert info.value.file == "regions.csv"


def test_from_frame_rejects_wrong_level_duplicates_and_bad_codes() -> None:
    df = _musterland_frame()
    df.loc[2, "level"] = "gemeinde"
    with pytest.raises(DataError, match="Ebene") as info:
        RegionHierarchy.from_frame(df)
    assert info.value.rows == (3,)
    dup = pd.concat([_musterland_frame(), _musterland_frame().iloc[[3]]], ignore_index=True)
    with pytest.raises(DataError, match="mehrfach") as info:
        RegionHierarchy.from_frame(dup)
    assert info.value.rows == (4, 10)
    bad = _musterland_frame()
    bad.loc[4, "region_code"] = "1700100"
    with pytest.raises(DataError, match="ungültige") as info:
        RegionHierarchy.from_frame(bad)
    assert info.value.rows == (5,)
    with pytest.raises(DataError, match="region_name"):
        RegionHierarchy.from_frame(_musterland_frame()[["region_code"]])


def test_missing_parent_is_invalid() -> None:
    df = _musterland_frame()
    df = df[df["region_code"] != "17051"]
    with pytest.raises(DataError, match="17051"):
        RegionHierarchy.from_frame(df)


def test_unknown_region_and_level() -> None:
    h = RegionHierarchy.from_codes(["17001"])
    with pytest.raises(DataError, match="nicht enthalten"):
        h.children("17002")
    with pytest.raises(ParameterError):
        h.codes("bezirk")
    with pytest.raises(ParameterError):
        RegionHierarchy.from_codes(["17001", "17002"], names=["nur einer"])


def test_from_codes_names_and_regbez_skipping() -> None:
    h = RegionHierarchy.from_codes(["09162000", "12072017"], names={"09162000": "München"})
    assert h.codes("land") == ["09", "12"]
    assert h.codes("regbez") == ["091"]
    assert h.parent("12072") == "12"
    assert h.name("09162000") == "München"
    assert h.name("09162") == "09162"
    assert h.name("091") == "Oberbayern, Regierungsbezirk"
    assert h.name("12") == "Brandenburg"


# ----------------------------------------------------------------- real Kreise
def test_real_kreise_form_valid_hierarchy(kreise_2024: dict[str, str]) -> None:
    assert len(kreise_2024) == 400
    h = RegionHierarchy.from_codes(kreise_2024.keys(), names=kreise_2024)
    h.validate()
    assert len(h.codes("kreis")) == 400
    assert h.codes("land") == sorted(KREISE_PER_LAND)
    per_land = {land: len(h.descendants(land, level="kreis")) for land in KREISE_PER_LAND}
    assert per_land == KREISE_PER_LAND
    for regbez, n in KREISE_PER_REGBEZ.items():
        assert len(h.children(regbez)) == n, regbez
    # Länder without Regierungsbezirk digit: Kreise hang directly under the Land.
    assert h.children("12") == sorted(k for k in kreise_2024 if k.startswith("12"))
    assert h.name("09162") == "München, kreisfreie Stadt"


def test_kreisfrei_from_names_matches_gemeinde_codes(
    kreise_2024: dict[str, str], gemeinden_2023: dict[str, str]
) -> None:
    by_name = RegionHierarchy.from_codes(kreise_2024.keys(), names=kreise_2024).frame
    by_name = by_name.loc[by_name["level"] == "kreis"].set_index("region_code")["kreisfrei"]
    # 106 kreisfreie Städte incl. Berlin and Hamburg, 294 Landkreise (Destatis 2024).
    assert int(by_name.sum()) == 106
    by_codes = RegionHierarchy.from_codes(list(gemeinden_2023)).frame
    by_codes = by_codes.loc[by_codes["level"] == "kreis"].set_index("region_code")["kreisfrei"]
    assert by_codes.loc[by_name.index].tolist() == by_name.tolist()


def test_real_gemeinden_attach_to_existing_kreise(
    kreise_2024: dict[str, str], gemeinden_2023: dict[str, str]
) -> None:
    assert len(gemeinden_2023) > 10_000
    parents = Counter(parent_of(g) for g in gemeinden_2023)
    assert set(parents) == set(kreise_2024)
    assert parents["02000"] == 1 and parents["11000"] == 13  # Berlin + 12 Bezirke
    assert parents["09162"] == 1
    h = RegionHierarchy.from_codes(list(kreise_2024) + list(gemeinden_2023))
    assert len(h.codes("kreis")) == 400
    assert len(h.codes("gemeinde")) == len(gemeinden_2023)
    assert len(h.descendants("09", level="gemeinde")) == sum(
        1 for g in gemeinden_2023 if g.startswith("09")
    )


# ----------------------------------------------------------------- via the GENESIS reader
def test_from_genesis_export_gives_the_400_kreise(kreise_2024: dict[str, str]) -> None:
    from toolkit.io import read_genesis

    frame = read_genesis(GENESIS / "12411-01-01-4_de_flat.csv")
    h = RegionHierarchy.from_genesis(frame)
    assert set(h.codes("kreis")) == set(kreise_2024)
    per_land = {land: len(h.descendants(land, level="kreis")) for land in KREISE_PER_LAND}
    assert per_land == KREISE_PER_LAND
    # The export's 8-digit rows (Hannover, Aachen, Saarbrücken, Berlin districts) attach too.
    assert h.parent("03241001") == "03241" and h.parent("11004004") == "11000"
    everything = RegionHierarchy.from_genesis(frame, drop_empty=False)
    assert len(everything.codes("kreis")) == 474  # incl. former Kreise listed with '-'


def test_from_genesis_gemeinden_attach(gemeinden_2023: dict[str, str]) -> None:
    from toolkit.io import read_genesis

    frame = read_genesis(GENESIS / "AI-N-01-2-5_de_flat.csv")
    h = RegionHierarchy.from_genesis(frame)
    assert set(h.codes("gemeinde")) == set(gemeinden_2023)
    assert len(h.codes("kreis")) == 400  # Berlin districts hang under Berlin (11000)
    assert len(h.children("11000")) == 13


def test_from_genesis_needs_reader_columns() -> None:
    with pytest.raises(DataError, match="value"):
        RegionHierarchy.from_genesis(pd.DataFrame({"region_code": ["09"], "region_name": ["x"]}))


def test_from_frame_complete_adds_missing_ancestors() -> None:
    df = _musterland_frame()
    df = df[~df["region_code"].isin(["DG", "17", "17051"])]
    with pytest.raises(DataError, match="fehlt"):
        RegionHierarchy.from_frame(df)
    h = RegionHierarchy.from_frame(df, complete=True)
    assert h.codes("land") == ["17"] and h.name("17") == "Musterland (fiktiv)"
    assert h.name("17051") == "17051" and h.children("17051") == ["17051001", "17051002"]
    assert h.name("17001") == "Musterstadt"  # given rows keep their names
    frame = h.frame.set_index("region_code")
    assert bool(frame.loc["17001", "kreisfrei"]) and not bool(frame.loc["17051", "kreisfrei"])
    # A wrong parent among the given rows is still an error.
    df.loc[df["region_code"] == "17051001", "parent_code"] = "17001"
    with pytest.raises(DataError, match="übergeordnete"):
        RegionHierarchy.from_frame(df, complete=True)
