"""Assemble all canonical tables of the synthetic Land and write them.

Each component draws from its own random stream ``default_rng([seed, stream])``, so
the output depends only on the seed and the parameters, and changing one table's
model leaves the others unchanged.

Examples
--------
>>> parse_years("2019-2021")
(2019, 2021)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from toolkit.errors import ParameterError
from toolkit.samples._anchors import SERIES
from toolkit.samples._geography import LAND, LAND_NAME, build_geography
from toolkit.samples._population import AGES, draw_population
from toolkit.samples._schools import (
    ABSCHLUESSE,
    SCHOOL_TYPES,
    draw_kita,
    draw_leavers,
    draw_transitions,
)
from toolkit.samples._shapes import write_shapes
from toolkit.samples._survey import draw_survey
from toolkit.samples._tables import Axis, gemeinde_level, long_frame, sum_by, to_pandas, write_table
from toolkit.samples._training import (
    BERUFE,
    SCHOOLING,
    Contracts,
    draw_beginners,
    draw_contracts,
    draw_iabe,
)

__all__ = ["GENERATOR_VERSION", "TABLE_NAMES", "build_tables", "generate", "parse_years"]

GENERATOR_VERSION = "1.0"
#: The tables written, in the order of ``data_samples/README.md``.
TABLE_NAMES = (
    "regions",
    "population",
    "kita",
    "transitions",
    "school_leavers",
    "iabe",
    "contracts_new",
    "contracts_dissolved",
    "apprentice_beginners",
    "berufe",
    "survey_families",
    "survey_families_margins",
)
_STREAMS = {
    "geography": 1,
    "population": 2,
    "kita": 3,
    "transitions": 4,
    "leavers": 5,
    "iabe": 6,
    "contracts": 7,
    "beginners": 8,
    "survey": 9,
}
_SEX = ["m", "w"]
_NAT = ["deutsch", "auslaendisch"]


def parse_years(years: str | Sequence[int]) -> tuple[int, int]:
    """Return ``(first, last)`` from ``"2015-2024"``, ``(2015, 2024)`` or a list of years.

    Raises
    ------
    ParameterError
        If the years are not a consecutive range within 1990..2050.

    Examples
    --------
    >>> parse_years([2015, 2016, 2017])
    (2015, 2017)
    >>> parse_years("2024")
    (2024, 2024)
    """
    try:
        if isinstance(years, str):
            parts = [int(p) for p in years.replace("–", "-").split("-")]
            first, last = (parts[0], parts[-1]) if len(parts) in (1, 2) else (0, -1)
        else:
            seq = [int(y) for y in years]
            first, last = min(seq), max(seq)
            if len(seq) > 2 and sorted(seq) != list(range(first, last + 1)):
                first, last = 0, -1
    except (TypeError, ValueError):
        first, last = 0, -1
    if not 1990 <= first <= last <= 2050:
        raise ParameterError(
            f"Ungültiger Jahresbereich {years!r}.",
            hint="Zusammenhängende Jahre zwischen 1990 und 2050 angeben, z. B. '2015-2024'.",
        )
    return first, last


def _rng(seed: int, stream: str) -> np.random.Generator:
    return np.random.default_rng([seed, _STREAMS[stream]])


def _sorted_kreise(codes: list[str], *arrays: np.ndarray) -> tuple[list[str], list[np.ndarray]]:
    order = np.argsort(np.array(codes), kind="stable")
    return [codes[i] for i in order], [a[order] for a in arrays]


def _with_bund(
    codes: list[str], kreis: np.ndarray, bund: np.ndarray
) -> tuple[list[str], np.ndarray]:
    return [*codes, "DG"], np.concatenate([kreis, bund[None]], axis=0)


def _build(
    kreise: int, seed: int, first: int, last: int
) -> tuple[dict[str, pd.DataFrame | pa.Table], dict[str, object]]:
    years = np.arange(first, last + 1)
    pop_years = np.arange(first - 1, last + 1)
    cohorts = np.arange(first - 3, last + 1)
    geo = build_geography(_rng(seed, "geography"), kreise)
    pop = draw_population(geo, _rng(seed, "population"), pop_years)
    tables: dict[str, pd.DataFrame | pa.Table] = {"regions": geo.regions_frame()}

    codes, arr = gemeinde_level(geo, pop.units, pop.bund)
    tables["population"] = long_frame(
        arr,
        [("region_code", codes), ("year", pop_years), ("age", AGES), ("sex", _SEX)],
        "population",
    )
    units, bund = draw_kita(geo, pop, _rng(seed, "kita"), years)
    codes, arr = gemeinde_level(geo, units, bund)
    tables["kita"] = long_frame(
        arr,
        [("region_code", codes), ("year", years), ("age_group", ["u3", "3u6"]),
         ("care_type", ["kita", "tagespflege"])],
        "children",
    )  # fmt: skip
    units, bund = draw_transitions(geo, pop, _rng(seed, "transitions"), years)
    codes, arr = gemeinde_level(geo, units, bund)
    tables["transitions"] = long_frame(
        arr,
        [("region_code", codes), ("year", years), ("sex", _SEX),
         ("school_type", [*SCHOOL_TYPES, "jg4_abgaenge"])],
        "pupils",
    )  # fmt: skip
    units, bund = draw_leavers(geo, pop, _rng(seed, "leavers"), years)
    codes, arr = gemeinde_level(geo, units, bund)
    tables["school_leavers"] = long_frame(
        arr,
        [("region_code", codes), ("year", years), ("abschluss", ABSCHLUESSE), ("sex", _SEX),
         ("nationality", _NAT)],
        "leavers",
    )  # fmt: skip

    n_k = len(geo.kreis_codes)
    kreis_pop = sum_by(geo.unit_kreis, pop.units, n_k)  # (K, Ypop, age, sex)
    kcodes = sorted(geo.kreis_codes)
    youth = kreis_pop[:, pop.at(years - 1), 16:21, :].sum(axis=(2, 3)) / 5
    kreis_iabe, bund_iabe = draw_iabe(geo, youth, _rng(seed, "iabe"), years)
    _, (kreis_iabe,) = _sorted_kreise(geo.kreis_codes, kreis_iabe)
    codes, arr = _with_bund(kcodes, kreis_iabe, bund_iabe)
    tables["iabe"] = long_frame(
        arr,
        [("region_code", codes), ("year", years), ("sector", ["I", "II", "III", "IV"]),
         ("sex", _SEX), ("nationality", _NAT)],
        "entrants",
    )  # fmt: skip

    age18 = kreis_pop[:, pop.at(cohorts - 1), 18, :].sum(axis=2)
    contracts = draw_contracts(geo, age18, _rng(seed, "contracts"), cohorts)
    kreis_b, bund_b = draw_beginners(
        contracts,
        kreis_pop[:, pop.at(years), 16:25, :],
        pop.bund[pop.at(years), 16:25, :],
        _rng(seed, "beginners"),
        years,
    )
    _, (kreis_b,) = _sorted_kreise(geo.kreis_codes, kreis_b)
    codes, arr = _with_bund(kcodes, kreis_b, bund_b)
    tables["apprentice_beginners"] = long_frame(
        arr, [("region_code", codes), ("year", years), ("age", np.arange(16, 25)), ("sex", _SEX)],
        "beginners",
    )  # fmt: skip
    tables.update(_contract_tables(geo.kreis_codes, contracts, years))
    tables["berufe"] = pd.DataFrame(
        {
            "beruf": [b[0] for b in BERUFE],
            "beruf_name": [b[1] for b in BERUFE],
            "zustaendigkeit": [b[2] for b in BERUFE],
        }
    )
    survey, margins = draw_survey(geo, pop, _rng(seed, "survey"))
    tables["survey_families"] = survey
    tables["survey_families_margins"] = margins
    meta_extra = {
        "kreise": n_k,
        "gemeinden": len(geo.gemeinde_codes),
        "sozialraeume": len(geo.sozialraum_codes),
        "largest_city": geo.city_code,
    }
    return tables, meta_extra


def _contract_tables(
    kreis_codes: list[str], contracts: Contracts, years: np.ndarray
) -> dict[str, pd.DataFrame]:
    kcodes, (new, dissolved) = _sorted_kreise(kreis_codes, contracts.new, contracts.dissolved)
    zust_of = {b[0]: b[2] for b in BERUFE}
    cells: list[Axis] = [
        ("beruf", [b[0] for b in BERUFE]),
        ("sex", _SEX),
        ("nationality", _NAT),
        ("schooling", SCHOOLING),
    ]
    codes, arr = _with_bund(kcodes, new, contracts.bund_new)
    axes: list[Axis] = [("region_code", codes), ("year", contracts.cohorts), *cells]
    new_df = long_frame(arr, axes, "contracts", drop_zeros=True).to_pandas()
    new_df.insert(2, "zustaendigkeit", new_df["beruf"].map(zust_of))

    codes, arr = _with_bund(kcodes, dissolved, contracts.bund_dissolved)
    axes = [
        ("region_code", codes),
        ("start_year", contracts.cohorts),
        ("layer", np.arange(4)),
        ("probezeit", [False, True]),
        *cells,
    ]
    dis = long_frame(arr, axes, "dissolutions", drop_zeros=True).to_pandas()
    dis.insert(1, "year", dis["start_year"] + dis["layer"])
    dis = dis.loc[(dis["year"] >= years[0]) & (dis["year"] <= years[-1])]
    dis.insert(3, "zustaendigkeit", dis["beruf"].map(zust_of))
    key = [
        "region_code", "year", "start_year", "zustaendigkeit", "beruf", "sex",
        "nationality", "schooling", "probezeit",
    ]  # fmt: skip
    dis = dis[[*key, "dissolutions"]].sort_values(key, kind="stable").reset_index(drop=True)
    return {"contracts_new": to_pandas(new_df), "contracts_dissolved": to_pandas(dis)}


def build_tables(
    kreise: int = 10, seed: int = 2026, years: str | Sequence[int] = (2015, 2024)
) -> dict[str, pd.DataFrame]:
    """Generate all canonical tables in memory (as written by :func:`generate`).

    Parameters
    ----------
    kreise : int, default 10
        Number of Kreise (about a quarter of them kreisfreie Städte).
    seed : int, default 2026
        Random seed; the same seed gives the same tables.
    years : str or sequence of int, default (2015, 2024)
        First and last reporting year (``"2015-2024"`` also works).

    Returns
    -------
    dict of str to pandas.DataFrame
        One frame per table of :data:`TABLE_NAMES`; codes and categories as ``str``.

    Examples
    --------
    >>> t = build_tables(kreise=2, years="2023-2024")
    >>> sorted(t) == sorted(TABLE_NAMES)
    True
    """
    first, last = parse_years(years)
    tables, _ = _build(int(kreise), int(seed), first, last)
    return {name: to_pandas(tables[name]) for name in TABLE_NAMES}


def _datenstand(first: int, last: int) -> dict[str, str]:
    end = f"{last}-12-31"
    return {
        "regions": end,
        "population": end,
        "kita": f"{last}-03-01",
        "transitions": f"{last}-10-01",
        "school_leavers": f"{last}-07-31",
        "iabe": end,
        "contracts_new": end,
        "contracts_dissolved": end,
        "apprentice_beginners": end,
        "berufe": end,
        "survey_families": f"{last}-12-31",
        "survey_families_margins": f"{last}-12-31",
    }


def generate(
    out_dir: str | Path,
    kreise: int = 10,
    seed: int = 2026,
    years: str | Sequence[int] = (2015, 2024),
    *,
    fmt: str = "csv",
) -> dict[str, Path]:
    """Generate the synthetic Land "Musterland" and write every canonical table.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        Directory to write into (created if needed). Existing files of the
        canonical tables are replaced, also those in another format.
    kreise : int, default 10
        Number of Kreise; 400 gives about 11,000 Gemeinden.
    seed : int, default 2026
        Random seed; the same seed and parameters give byte-identical files.
    years : str or sequence of int, default (2015, 2024)
        First and last reporting year.
    fmt : {"csv", "parquet"}, default "csv"
        File format of the tables.

    Returns
    -------
    dict of str to pathlib.Path
        The file of each table, plus ``meta`` for ``meta.json`` and ``shapes``
        for the synthetic boundaries (``geo/gebiete.parquet``).

    Raises
    ------
    ParameterError
        For an unknown format, a bad year range or number of Kreise.

    Examples
    --------
    >>> import tempfile
    >>> files = generate(tempfile.mkdtemp(), kreise=2, years="2024")
    >>> files["population"].name, files["meta"].name
    ('population.csv', 'meta.json')
    """
    if fmt not in ("csv", "parquet"):
        raise ParameterError(f"Unbekanntes Format {fmt!r}.", hint="'csv' oder 'parquet' wählen.")
    first, last = parse_years(years)
    tables, extra = _build(int(kreise), int(seed), first, last)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name in TABLE_NAMES:  # a table in another format would make the directory ambiguous
        for other in ("csv", "parquet", "xlsx"):
            if other != fmt:
                (out / f"{name}.{other}").unlink(missing_ok=True)
    files = {name: write_table(tables[name], out / name, fmt) for name in TABLE_NAMES}
    meta = {
        "generator": "toolkit.samples",
        "generator_version": GENERATOR_VERSION,
        "synthetic": True,
        "seed": int(seed),
        "parameters": {"kreise": int(kreise), "years": [first, last], "format": fmt},
        "land": {"code": LAND, "name": LAND_NAME},
        "regions": extra,
        "years": {
            "reporting": [first, last],
            "population": [first - 1, last],
            "contracts_new": [first - 3, last],
        },
        "datenstand": _datenstand(first, last),
        # the survey's fieldwork, as a report states it (issue #17): the one wave ends
        # in the last reporting year
        "surveys": {
            "survey_families": {
                "title": "Familienbefragung",
                "fieldwork": [f"{last}-09-02", f"{last}-10-25"],
                "mode": "schriftlich und online",
            }
        },
        "rows": {name: len(tables[name]) for name in TABLE_NAMES},
        "anchors": {name: note for name, (_, _, note) in SERIES.items()},
        # Random streams of numpy's distributions may change between numpy versions,
        # so byte-identical output is promised for the same versions only.
        "environment": {"numpy": np.__version__, "pyarrow": pa.__version__},
    }
    files["shapes"] = write_shapes(tables["regions"], out, int(seed))  # own random stream
    files["meta"] = out / "meta.json"
    files["meta"].write_text(
        json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return files
