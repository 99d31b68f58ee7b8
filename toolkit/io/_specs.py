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

import re
from collections.abc import Iterable
from dataclasses import dataclass

from toolkit.errors import ParameterError

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
#   age_group   age interval label ``u3``, ``3u6``, ``75plus`` or ``insgesamt``
KINDS = (
    "code",
    "sozialraum",
    "text",
    "category",
    "year",
    "int",
    "count",
    "float",
    "bool",
    "age_group",
)

#: Reserved value of a breakdown column: the row is the total over that breakdown.
TOTAL = "insgesamt"


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
    optional : bool
        A breakdown column: it may be left out (every row is then a total
        over it) and it may hold the total value ``insgesamt``.

    Examples
    --------
    >>> ColumnSpec("sex", "category", categories=("m", "w")).expected()
    "einer der Werte 'm', 'w'"
    >>> ColumnSpec("sex", "category", categories=("m", "w"), optional=True).allowed
    ('m', 'w', 'insgesamt')
    """

    name: str
    kind: str
    categories: tuple[str, ...] = ()
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None
    positive: bool = False
    optional: bool = False

    @property
    def allowed(self) -> tuple[str, ...]:
        """Allowed values of a category column (with ``insgesamt`` if optional)."""
        return self.categories + ((TOTAL,) if self.optional else ())

    def expected(self) -> str:
        """Describe in German what the column must hold.

        Examples
        --------
        >>> ColumnSpec("age", "int", minimum=0, maximum=90).expected()
        'ganze Zahl von 0 bis 90'
        """
        if self.kind == "category":
            return "einer der Werte " + ", ".join(repr(c) for c in self.allowed)
        if self.kind == "age_group":
            return (
                "Altersgruppe wie 'u3' (unter 3), '3u6' (3 bis unter 6), '75plus' "
                "(75 und älter) oder 'insgesamt'"
            )
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


_AGE_GROUP = re.compile(r"^(?:(\d{1,3})u(\d{1,3})|u(\d{1,3})|(\d{1,3})plus)$")


def age_interval(label: str) -> tuple[int, int | None] | None:
    """Return the ages ``[from, to)`` of an ``age_group`` label (``to`` None: open).

    Parameters
    ----------
    label : str
        ``u<b>`` (under b), ``<a>u<b>`` (a to under b), ``<a>plus`` (a and
        older) or ``insgesamt`` (all ages).

    Returns
    -------
    tuple of (int, int or None), or None
        None when the label is not an age group.

    Examples
    --------
    >>> age_interval("u3"), age_interval("3u6"), age_interval("75plus")
    ((0, 3), (3, 6), (75, None))
    >>> age_interval("insgesamt"), age_interval("6-10"), age_interval("6u6")
    ((0, None), None, None)
    """
    text = str(label).strip()
    if text == TOTAL:
        return (0, None)
    m = _AGE_GROUP.match(text)
    if m is None:
        return None
    a, b, under, plus = m.groups()
    if plus is not None:
        return (int(plus), None)
    lo, hi = (0, int(under)) if under is not None else (int(a), int(b))
    return (lo, hi) if hi > lo else None


def age_group_label(lo: int, hi: int | None) -> str:
    """Return the ``age_group`` label of the ages ``[lo, hi)``.

    Examples
    --------
    >>> age_group_label(0, 3), age_group_label(10, 15), age_group_label(75, None)
    ('u3', '10u15', '75plus')
    """
    if hi is None:
        return TOTAL if lo == 0 else f"{lo}plus"
    return f"u{hi}" if lo == 0 else f"{lo}u{hi}"


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
    one_of: tuple[tuple[str, ...], ...] = ()

    def missing(self, header: Iterable[str]) -> list[str]:
        """Return the required columns that ``header`` lacks.

        Optional breakdown columns are never missing; of a group of
        alternatives (population: ``age`` or ``age_group``) the first is
        reported when none is present.

        Examples
        --------
        >>> TABLES["population"].missing(["region_code", "year", "age_group", "population"])
        []
        >>> TABLES["population"].missing(["region_code", "year", "population"])
        ['age']
        """
        have = set(header)
        alternative = {c for group in self.one_of for c in group}
        out = [
            c.name
            for c in self.columns
            if c.name not in have and not c.optional and c.name not in alternative
        ]
        for group in self.one_of:
            if not have & set(group):
                out.append(group[0])
        return sorted(out, key=self.names.index)

    def describe(self) -> str:
        """Describe the columns in German: required, alternatives, optional.

        Examples
        --------
        >>> TABLES["population"].describe()
        'region_code, year, age oder age_group, population; optional: sex'
        """
        alternative = {c for group in self.one_of for c in group}
        parts = []
        for c in self.columns:
            if c.optional or (c.name in alternative and c.name not in (g[0] for g in self.one_of)):
                continue
            group = next((g for g in self.one_of if c.name in g), None)
            parts.append(" oder ".join(group) if group else c.name)
        text = ", ".join(parts)
        return text + (f"; optional: {', '.join(self.breakdowns)}" if self.breakdowns else "")

    def conflicting(self, header: Iterable[str]) -> list[tuple[str, ...]]:
        """Return the groups of alternative columns of which ``header`` has more than one.

        Examples
        --------
        >>> TABLES["population"].conflicting(["age", "age_group"])
        [('age', 'age_group')]
        """
        have = set(header)
        return [g for g in self.one_of if len(have & set(g)) > 1]

    def present_key(self, header: Iterable[str]) -> tuple[str, ...]:
        """Return the key columns that are present in ``header``.

        Examples
        --------
        >>> TABLES["school_leavers"].present_key(["region_code", "year", "abschluss"])
        ('region_code', 'year', 'abschluss')
        """
        have = set(header)
        return tuple(k for k in self.key if k in have)

    @property
    def breakdowns(self) -> tuple[str, ...]:
        """Optional breakdown columns (may be absent or hold ``insgesamt``).

        Examples
        --------
        >>> TABLES["school_leavers"].breakdowns
        ('abschluss', 'sex', 'nationality')
        """
        return tuple(c.name for c in self.columns if c.optional)

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
