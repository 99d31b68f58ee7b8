"""The canonical tables of ``data_samples/README.md`` as data.

One :class:`TableSpec` per table: columns in order, their kinds, allowed
categories and the key. :mod:`toolkit.io.schemas` builds the pandera schemas
from these descriptions and the table reader parses cells by them.

Examples
--------
>>> TABLES["kita"].key
('region_code', 'year', 'age_group', 'care_type')
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "AGE_GROUPS_12411",
    "CHILD_AGE_GROUPS",
    "KINDS",
    "LEVELS",
    "NATIONALITY",
    "SCHOOLING",
    "SEX",
    "SURVEY_ITEMS",
    "TABLES",
    "TOTAL",
    "ZUSTAENDIGKEIT",
    "ColumnSpec",
    "TableSpec",
]

from toolkit.io._columns import (  # noqa: F401  (age_group_label, age_interval: re-exported)
    KINDS,
    TOTAL,
    ColumnSpec,
    TableSpec,
    age_group_label,
    age_interval,
)

SEX = ("m", "w")
NATIONALITY = ("deutsch", "auslaendisch")
ZUSTAENDIGKEIT = ("ih", "hw", "oed", "lw", "fb", "hausw")
SCHOOLING = ("ohne_hsa", "hsa", "msa", "hzb", "unbekannt")
LEVELS = ("bund", "land", "regbez", "kreis", "gemeinde", "sozialraum")
CHILD_AGE_GROUPS = ("u3", "3u6", "6u10", "10u18")
#: The 17 age groups of Regionalstatistik table 12411-02-03-4 (Bevölkerung, Kreise).
AGE_GROUPS_12411 = (
    "u3",
    "3u6",
    "6u10",
    "10u15",
    "15u18",
    "18u20",
    "20u25",
    "25u30",
    "30u35",
    "35u40",
    "40u45",
    "45u50",
    "50u55",
    "55u60",
    "60u65",
    "65u75",
    "75plus",
)

_RC = ColumnSpec("region_code", "code")
_YEAR = ColumnSpec("year", "year")
_SEX = ColumnSpec("sex", "category", SEX, optional=True)
_NAT = ColumnSpec("nationality", "category", NATIONALITY, optional=True)
_ZUST = ColumnSpec("zustaendigkeit", "category", ZUSTAENDIGKEIT, optional=True)
_ZUST_REQUIRED = ColumnSpec("zustaendigkeit", "category", ZUSTAENDIGKEIT)


def _count(name: str) -> ColumnSpec:
    return ColumnSpec(name, "count", minimum=0)


def _table(
    name: str,
    title: str,
    columns: Iterable[ColumnSpec],
    key: Iterable[str],
    one_of: tuple[tuple[str, ...], ...] = (),
) -> TableSpec:
    cols = tuple(columns)
    counts = [c.name for c in cols if c.kind == "count" and c.name not in key]
    count = counts[0] if len(counts) == 1 else None
    return TableSpec(name, cols, tuple(key), title, count, one_of)


_ITEMS_SCALE = tuple(
    ColumnSpec(f"zufriedenheit_{x}", "int", nullable=True, minimum=1, maximum=5)
    for x in ("kita", "schule", "freizeit")
)
_ITEMS_BOOL = tuple(
    ColumnSpec(x, "bool", nullable=True)
    for x in ("nutzt_familienzentrum", "bedarf_ganztag", "bedarf_beratung")
)

#: The canonical tables of ``data_samples/README.md``, by name (= file stem).
TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        _table(
            "regions",
            "Regionen",
            (
                _RC,
                ColumnSpec("region_name", "text"),
                ColumnSpec("level", "category", LEVELS),
                ColumnSpec("parent_code", "code", nullable=True),
                ColumnSpec("kreisfrei", "bool", nullable=True),
            ),
            ("region_code",),
        ),
        _table(
            "population",
            "Bevölkerung",
            (
                _RC,
                _YEAR,
                ColumnSpec("age", "int", minimum=0, maximum=90),
                ColumnSpec("age_group", "age_group"),
                _SEX,
                _count("population"),
            ),
            ("region_code", "year", "age", "age_group", "sex"),
            one_of=(("age", "age_group"),),
        ),
        _table(
            "kita",
            "Kinder in Tagesbetreuung",
            (
                _RC,
                _YEAR,
                ColumnSpec("age_group", "category", ("u3", "3u6")),
                ColumnSpec("care_type", "category", ("kita", "tagespflege"), optional=True),
                _count("children"),
            ),
            ("region_code", "year", "age_group", "care_type"),
        ),
        _table(
            "transitions",
            "Übergänge Grundschule → Sekundarstufe I",
            (
                _RC,
                _YEAR,
                _SEX,
                ColumnSpec(
                    "school_type",
                    "category",
                    (
                        "hauptschule",
                        "realschule",
                        "mehrere_bildungsgaenge",
                        "gesamtschule",
                        "gymnasium",
                        "foerderschule",
                        "sonstige",
                        "jg4_abgaenge",
                    ),
                ),
                _count("pupils"),
            ),
            ("region_code", "year", "sex", "school_type"),
        ),
        _table(
            "school_leavers",
            "Abgänge allgemeinbildender Schulen",
            (
                _RC,
                _YEAR,
                ColumnSpec(
                    "abschluss", "category", ("ohne_hsa", "hsa", "msa", "fhr", "ahr"), optional=True
                ),
                _SEX,
                _NAT,
                _count("leavers"),
            ),
            ("region_code", "year", "abschluss", "sex", "nationality"),
        ),
        _table(
            "iabe",
            "Anfänger im Ausbildungsgeschehen (iABE)",
            (
                _RC,
                _YEAR,
                ColumnSpec("sector", "category", ("I", "II", "III", "IV")),
                _SEX,
                _NAT,
                _count("entrants"),
            ),
            ("region_code", "year", "sector", "sex", "nationality"),
        ),
        _table(
            "contracts_new",
            "Neu abgeschlossene Ausbildungsverträge",
            (
                _RC,
                _YEAR,
                _ZUST,
                ColumnSpec("beruf", "text", optional=True),
                _SEX,
                _NAT,
                ColumnSpec("schooling", "category", SCHOOLING, optional=True),
                _count("contracts"),
            ),
            ("region_code", "year", "zustaendigkeit", "beruf", "sex", "nationality", "schooling"),
        ),
        _table(
            "contracts_dissolved",
            "Vorzeitig gelöste Ausbildungsverträge",
            (
                _RC,
                _YEAR,
                ColumnSpec("start_year", "year"),
                _ZUST,
                ColumnSpec("beruf", "text", optional=True),
                _SEX,
                _NAT,
                ColumnSpec("schooling", "category", SCHOOLING, optional=True),
                ColumnSpec("probezeit", "bool"),
                _count("dissolutions"),
            ),
            (
                "region_code",
                "year",
                "start_year",
                "zustaendigkeit",
                "beruf",
                "sex",
                "nationality",
                "schooling",
                "probezeit",
            ),
        ),
        _table(
            "apprentice_beginners",
            "Ausbildungsanfänger nach Alter",
            (
                _RC,
                _YEAR,
                ColumnSpec("age", "int", minimum=16, maximum=24),
                _SEX,
                _count("beginners"),
            ),
            ("region_code", "year", "age", "sex"),
        ),
        _table(
            "berufe",
            "Ausbildungsberufe",
            (ColumnSpec("beruf", "text"), ColumnSpec("beruf_name", "text"), _ZUST_REQUIRED),
            ("beruf",),
        ),
        _table(
            "survey_families",
            "Familienbefragung",
            (
                ColumnSpec("hh_id", "text"),
                ColumnSpec("sozialraum", "sozialraum"),
                ColumnSpec("stratum", "text"),
                ColumnSpec("n_stratum_frame", "count", minimum=1, positive=True),
                ColumnSpec("design_weight", "float", positive=True),
                ColumnSpec("responded", "bool"),
                ColumnSpec("child_age_group", "category", CHILD_AGE_GROUPS),
                ColumnSpec("single_parent", "bool"),
                ColumnSpec("migration", "bool"),
                *_ITEMS_SCALE,
                *_ITEMS_BOOL,
            ),
            ("hh_id",),
        ),
        _table(
            "survey_families_margins",
            "Randverteilungen der Familienbefragung",
            (
                ColumnSpec("sozialraum", "sozialraum"),
                ColumnSpec("child_age_group", "category", CHILD_AGE_GROUPS),
                _count("households"),
            ),
            ("sozialraum", "child_age_group"),
        ),
    )
}

#: Answer columns of the family survey (empty for nonrespondents).
SURVEY_ITEMS = tuple(c.name for c in (*_ITEMS_SCALE, *_ITEMS_BOOL))
