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
from dataclasses import dataclass

from toolkit.errors import ParameterError

__all__ = [
    "CHILD_AGE_GROUPS",
    "KINDS",
    "LEVELS",
    "NATIONALITY",
    "SCHOOLING",
    "SEX",
    "SURVEY_ITEMS",
    "TABLES",
    "ZUSTAENDIGKEIT",
    "ColumnSpec",
    "TableSpec",
]

# Column kinds: how a value is parsed and checked.
#   code        region code (DG, AGS, Sozialraum), str
#   sozialraum  region code of level sozialraum, str
#   text        free text, str
#   category    one of ``categories``, str
#   year        calendar year (int, 1950..2100)
#   int         integer within [minimum, maximum]
#   count       non-negative integer
#   float       real number within [minimum, maximum]
#   bool        true/false
KINDS = ("code", "sozialraum", "text", "category", "year", "int", "count", "float", "bool")


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a canonical table.

    Parameters
    ----------
    name : str
        Column name as in the file.
    kind : str
        One of ``code``, ``sozialraum``, ``text``, ``category``, ``year``,
        ``int``, ``count``, ``float``, ``bool``.
    categories : tuple of str, optional
        Allowed values of a ``category`` column.
    nullable : bool
        Whether empty cells are allowed.
    minimum, maximum : float, optional
        Bounds of ``int``, ``count`` and ``float`` columns (inclusive;
        ``float`` minimum exclusive when ``positive``).
    positive : bool
        Require values > 0.

    Examples
    --------
    >>> ColumnSpec("sex", "category", categories=("m", "w")).expected()
    "einer der Werte 'm', 'w'"
    """

    name: str
    kind: str
    categories: tuple[str, ...] = ()
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None
    positive: bool = False

    def expected(self) -> str:
        """Describe in German what the column must hold.

        Examples
        --------
        >>> ColumnSpec("age", "int", minimum=0, maximum=90).expected()
        'ganze Zahl von 0 bis 90'
        """
        if self.kind == "category":
            return "einer der Werte " + ", ".join(repr(c) for c in self.categories)
        if self.kind in ("code", "sozialraum"):
            base = (
                "Sozialraum-Code '<AGS8>-<Kennung>'"
                if self.kind == "sozialraum"
                else "Regionalschlüssel als Text ('DG', '17', '17001', '17001000' oder "
                "'<AGS8>-<Kennung>')"
            )
            return base
        if self.kind == "year":
            return "Jahreszahl (1950 bis 2100)"
        if self.kind == "count":
            return "ganze Zahl ≥ 0 (Anzahl)" if not self.positive else "ganze Zahl ≥ 1"
        if self.kind == "int":
            return f"ganze Zahl von {_fmt(self.minimum)} bis {_fmt(self.maximum)}"
        if self.kind == "float":
            return "Zahl > 0" if self.positive else "Zahl"
        if self.kind == "bool":
            return "Wahrheitswert (true/false, 1/0, ja/nein)"
        return "Text"


def _fmt(x: float | None) -> str:
    return "" if x is None else str(int(x)) if float(x).is_integer() else str(x)


@dataclass(frozen=True)
class TableSpec:
    """One canonical table: its columns (in order) and its key.

    Examples
    --------
    >>> TABLES["population"].count_column
    'population'
    """

    name: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]
    title: str
    count_column: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in order.

        Examples
        --------
        >>> TABLES["berufe"].names
        ('beruf', 'beruf_name', 'zustaendigkeit')
        """
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> ColumnSpec:
        """Return the spec of one column.

        Examples
        --------
        >>> TABLES["kita"].column("care_type").categories
        ('kita', 'tagespflege')
        """
        for c in self.columns:
            if c.name == name:
                return c
        raise ParameterError(f"Tabelle {self.name!r} hat keine Spalte {name!r}.")


SEX = ("m", "w")
NATIONALITY = ("deutsch", "auslaendisch")
ZUSTAENDIGKEIT = ("ih", "hw", "oed", "lw", "fb", "hausw")
SCHOOLING = ("ohne_hsa", "hsa", "msa", "hzb", "unbekannt")
LEVELS = ("bund", "land", "regbez", "kreis", "gemeinde", "sozialraum")
CHILD_AGE_GROUPS = ("u3", "3u6", "6u10", "10u18")

_RC = ColumnSpec("region_code", "code")
_YEAR = ColumnSpec("year", "year")
_SEX = ColumnSpec("sex", "category", SEX)
_NAT = ColumnSpec("nationality", "category", NATIONALITY)
_ZUST = ColumnSpec("zustaendigkeit", "category", ZUSTAENDIGKEIT)


def _count(name: str) -> ColumnSpec:
    return ColumnSpec(name, "count", minimum=0)


def _table(name: str, title: str, columns: Iterable[ColumnSpec], key: Iterable[str]) -> TableSpec:
    cols = tuple(columns)
    counts = [c.name for c in cols if c.kind == "count" and c.name not in key]
    return TableSpec(name, cols, tuple(key), title, counts[0] if len(counts) == 1 else None)


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
                _SEX,
                _count("population"),
            ),
            ("region_code", "year", "age", "sex"),
        ),
        _table(
            "kita",
            "Kinder in Tagesbetreuung",
            (
                _RC,
                _YEAR,
                ColumnSpec("age_group", "category", ("u3", "3u6")),
                ColumnSpec("care_type", "category", ("kita", "tagespflege")),
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
                ColumnSpec("abschluss", "category", ("ohne_hsa", "hsa", "msa", "fhr", "ahr")),
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
                ColumnSpec("beruf", "text"),
                _SEX,
                _NAT,
                ColumnSpec("schooling", "category", SCHOOLING),
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
                ColumnSpec("beruf", "text"),
                _SEX,
                _NAT,
                ColumnSpec("schooling", "category", SCHOOLING),
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
            (ColumnSpec("beruf", "text"), ColumnSpec("beruf_name", "text"), _ZUST),
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
