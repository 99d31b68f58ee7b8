"""Small hand-made canonical tables for the indicator tests.

Land 17 with Kreis 17001 (kreisfreie Stadt 17001000 with Sozialraum
17001000-SR01) and Kreis 17002 (Gemeinden 17002004, 17002008), plus Bund DG.
Expected values are computed by hand in each test, not from these helpers.
"""

from __future__ import annotations

import pandas as pd
import pytest


def pop_rows(code: str, year: int, cells: dict[tuple[str, int], int]) -> list[dict]:
    return [
        {"region_code": code, "year": year, "age": age, "sex": sex, "population": n}
        for (sex, age), n in cells.items()
    ]


def population_table() -> pd.DataFrame:
    rows = []
    rows += pop_rows(
        "17001000",
        2024,
        {("m", 5): 10, ("m", 30): 40, ("m", 70): 10, ("w", 5): 10, ("w", 30): 40, ("w", 70): 20},
    )
    rows += pop_rows(
        "17001000",
        2023,
        {("m", 5): 10, ("m", 30): 35, ("m", 70): 10, ("w", 5): 10, ("w", 30): 40, ("w", 70): 20},
    )
    rows += pop_rows(
        "17001000-SR01",
        2024,
        {("m", 5): 2, ("m", 30): 8, ("m", 70): 2, ("w", 5): 2, ("w", 30): 8, ("w", 70): 4},
    )
    for year in (2023, 2024):
        rows += pop_rows(
            "17002004",
            year,
            {("m", 5): 6, ("m", 30): 20, ("m", 70): 4, ("w", 5): 4, ("w", 30): 20, ("w", 70): 6},
        )
        rows += pop_rows(
            "17002008",
            year,
            {("m", 5): 5, ("m", 30): 10, ("m", 70): 5, ("w", 5): 5, ("w", 30): 10, ("w", 70): 15},
        )
    rows += pop_rows("DG", 2024, {("m", 5): 1000, ("m", 30): 4000, ("m", 70): 2000})
    return pd.DataFrame(rows)


def regions_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region_code": [
                "DG",
                "17",
                "17001",
                "17002",
                "17001000",
                "17002004",
                "17002008",
                "17001000-SR01",
            ],
            "region_name": [
                "Deutschland",
                "Musterland",
                "Musterstadt",
                "Kreis Beispiel",
                "Musterstadt",
                "Adorf",
                "Bedorf",
                "Altstadt",
            ],
            "level": [
                "bund",
                "land",
                "kreis",
                "kreis",
                "gemeinde",
                "gemeinde",
                "gemeinde",
                "sozialraum",
            ],
            "parent_code": ["", "DG", "17", "17", "17001", "17002", "17002", "17001000"],
            "kreisfrei": [None, None, True, False, None, None, None, None],
        }
    )


def contract_rows(code: str, year: int, zust: str, n: int, **kw) -> dict:
    row = {
        "region_code": code,
        "year": year,
        "zustaendigkeit": zust,
        "beruf": kw.get("beruf", "b1"),
        "sex": kw.get("sex", "m"),
        "nationality": "deutsch",
        "schooling": kw.get("schooling", "msa"),
    }
    return row | {"contracts": n}


def dissolved_row(
    code: str, year: int, start: int, zust: str, n: int, probezeit: bool = False, **kw
) -> dict:
    row = contract_rows(code, year, zust, 0, **kw)
    del row["contracts"]
    return row | {"start_year": start, "probezeit": probezeit, "dissolutions": n}


def contracts_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    new = []
    for year, ih, hw in ((2020, 60, 40), (2021, 100, 100), (2022, 150, 150), (2023, 200, 200)):
        new.append(contract_rows("17001", year, "ih", ih))
        new.append(contract_rows("17001", year, "hw", hw, beruf="b2", sex="w"))
        new.append(contract_rows("17002", year, "ih", 10))
    dis = [
        dissolved_row("17001", 2023, 2019, "ih", 1),
        dissolved_row("17001", 2023, 2020, "ih", 3),
        dissolved_row("17001", 2023, 2021, "ih", 10),
        dissolved_row("17001", 2023, 2022, "ih", 15),
        dissolved_row("17001", 2023, 2023, "ih", 8),
        dissolved_row("17001", 2023, 2023, "ih", 12, probezeit=True),
        dissolved_row("17001", 2023, 2020, "hw", 8, beruf="b2", sex="w"),
        dissolved_row("17001", 2023, 2021, "hw", 20, beruf="b2", sex="w"),
        dissolved_row("17001", 2023, 2022, "hw", 25, beruf="b2", sex="w"),
        dissolved_row("17001", 2023, 2022, "hw", 5, probezeit=True, beruf="b2", sex="w"),
        dissolved_row("17001", 2023, 2023, "hw", 30, beruf="b2", sex="w"),
        dissolved_row("17001", 2023, 2023, "hw", 20, probezeit=True, beruf="b2", sex="w"),
        dissolved_row("17002", 2023, 2023, "ih", 5, probezeit=True),
        # 2022 cannot be computed: the cohort 2019 is not in contracts_new
        dissolved_row("17001", 2022, 2022, "ih", 9),
    ]
    return pd.DataFrame(new), pd.DataFrame(dis)


def full_tables() -> dict[str, pd.DataFrame]:
    new, dis = contracts_tables()
    kita = pd.DataFrame(
        [
            {
                "region_code": "17001000",
                "year": 2024,
                "age_group": "u3",
                "care_type": "kita",
                "children": 30,
            },
            {
                "region_code": "17001000",
                "year": 2024,
                "age_group": "u3",
                "care_type": "tagespflege",
                "children": 6,
            },
            {
                "region_code": "17001000",
                "year": 2024,
                "age_group": "3u6",
                "care_type": "kita",
                "children": 18,
            },
            {
                "region_code": "17002004",
                "year": 2024,
                "age_group": "u3",
                "care_type": "kita",
                "children": 12,
            },
            {
                "region_code": "17002004",
                "year": 2024,
                "age_group": "3u6",
                "care_type": "kita",
                "children": 9,
            },
        ]
    )
    # ages the Betreuungsquoten (2023 = previous year of 2024) and the
    # Ausbildungsanfängerquote (2023) need, on top of population_table()
    extra = pop_rows(
        "17001000",
        2023,
        {
            ("m", 1): 100,
            ("w", 4): 20,
            ("m", 16): 100,
            ("w", 16): 100,
            ("m", 18): 100,
            ("m", 24): 50,
            ("w", 20): 50,
        },
    )
    extra += pop_rows("17002004", 2023, {("m", 1): 10, ("w", 4): 5})
    pop = pd.concat([population_table(), pd.DataFrame(extra)], ignore_index=True)
    transitions = pd.DataFrame(
        [
            {"region_code": "17001000", "year": 2024, "sex": s, "school_type": t, "pupils": n}
            for s, t, n in [
                ("w", "jg4_abgaenge", 50),
                ("m", "jg4_abgaenge", 50),
                ("w", "gymnasium", 25),
                ("m", "gymnasium", 20),
                ("w", "realschule", 15),
                ("m", "realschule", 20),
                ("w", "hauptschule", 5),
                ("m", "hauptschule", 10),
            ]
        ]
        + [
            {
                "region_code": "17002004",
                "year": 2024,
                "sex": "w",
                "school_type": "jg4_abgaenge",
                "pupils": 40,
            },
            {
                "region_code": "17002004",
                "year": 2024,
                "sex": "w",
                "school_type": "realschule",
                "pupils": 40,
            },
        ]
    )
    leavers = pd.DataFrame(
        [
            {
                "region_code": "17001000",
                "year": 2024,
                "abschluss": a,
                "sex": s,
                "nationality": nat,
                "leavers": n,
            }
            for a, s, nat, n in [
                ("ohne_hsa", "m", "deutsch", 4),
                ("msa", "m", "deutsch", 36),
                ("ohne_hsa", "w", "deutsch", 2),
                ("ahr", "w", "deutsch", 38),
                ("ohne_hsa", "m", "auslaendisch", 4),
                ("hsa", "m", "auslaendisch", 16),
            ]
        ]
    )
    iabe = pd.DataFrame(
        [
            {
                "region_code": "17001",
                "year": 2024,
                "sector": sec,
                "sex": s,
                "nationality": nat,
                "entrants": n,
            }
            for sec, s, nat, n in [
                ("I", "m", "deutsch", 36),
                ("II", "m", "deutsch", 14),
                ("III", "m", "deutsch", 25),
                ("IV", "m", "deutsch", 25),
                ("I", "w", "auslaendisch", 10),
                ("II", "w", "auslaendisch", 10),
            ]
        ]
    )
    beginners = pd.DataFrame(
        [
            {"region_code": "17001", "year": 2023, "age": a, "sex": s, "beginners": n}
            for s, a, n in [("m", 16, 10), ("m", 18, 20), ("m", 24, 5), ("w", 16, 5), ("w", 20, 10)]
        ]
    )
    return {
        "regions": regions_table(),
        "population": pop,
        "kita": kita,
        "transitions": transitions,
        "school_leavers": leavers,
        "iabe": iabe,
        "contracts_new": new,
        "contracts_dissolved": dis,
        "apprentice_beginners": beginners,
    }


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    return full_tables()


def pick(
    frame: pd.DataFrame,
    code: str,
    indicator: str,
    period: int | None = None,
    dimension: str = "",
    category: str = "",
) -> pd.Series:
    sel = (
        (frame["region_code"] == code)
        & (frame["indicator"] == indicator)
        & (frame["dimension"] == dimension)
        & (frame["category"] == category)
    )
    if period is not None:
        sel &= frame["period"] == period
    rows = frame[sel]
    assert len(rows) == 1, f"{code} {indicator} {period} {dimension}={category}: {len(rows)} rows"
    return rows.iloc[0]


@pytest.fixture
def get():
    return pick
