"""Pandera schemas for the canonical municipal tables.

Each table of ``data_samples/README.md`` is described once, as a
:class:`TableSpec` (columns, kinds, allowed categories, key). The pandera
schema used for validation is built from that description, so the contract,
the parser and the checks cannot drift apart.

Examples
--------
>>> TABLES["kita"].key
('region_code', 'year', 'age_group', 'care_type')
>>> sorted(table_schema("kita").columns)
['age_group', 'care_type', 'children', 'region_code', 'year']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from toolkit.errors import ParameterError
from toolkit.io._codes import canonical_problem, code_level

__all__ = [
    "TABLES",
    "ColumnSpec",
    "TableSpec",
    "final_dtype",
    "table_schema",
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

# Error texts of the checks; the table reader recognises them to word messages.
CODE_CHECK = "Regionalschlüssel wohlgeformt"
SOZIALRAUM_CHECK = "Sozialraum-Code wohlgeformt"
KNOWN_CHECK = "Regionalschlüssel bekannt"
START_YEAR_CHECK = "start_year zwischen year-3 und year"
LEVEL_CHECK = "level passt zum Regionalschlüssel"
NONRESPONSE_CHECK = "keine Antworten bei Nichtteilnahme"
WIDE_CHECKS = (START_YEAR_CHECK, LEVEL_CHECK, NONRESPONSE_CHECK)


def _dtype(spec: ColumnSpec) -> str:
    # Nullable dtypes during validation, so that an empty cell is reported as
    # "empty" by the nullable check instead of failing the whole column's dtype.
    if spec.kind in ("year", "int", "count"):
        return "Int64"
    if spec.kind == "float":
        return "float64"
    if spec.kind == "bool":
        return "boolean"
    return "str"


def final_dtype(spec: ColumnSpec) -> str:
    """Return the dtype a column has in a validated table.

    Parameters
    ----------
    spec : ColumnSpec
        Column description.

    Returns
    -------
    str
        ``int64``/``bool`` for complete integer/boolean columns, ``Int64``/
        ``boolean`` for nullable ones, ``float64`` or ``str``.

    Examples
    --------
    >>> final_dtype(TABLES["population"].column("population"))
    'int64'
    """
    dtype = _dtype(spec)
    if not spec.nullable:
        return {"Int64": "int64", "boolean": "bool"}.get(dtype, dtype)
    return dtype


def _valid_codes(values: pd.Series, level: str | None) -> pd.Series:
    ok = {}
    for code in values.dropna().unique():
        lv = code_level(code)
        ok[code] = lv is not None and canonical_problem(code) is None and (level in (None, lv))
    return values.map(ok).fillna(True).astype(bool)


def _column_checks(spec: ColumnSpec, known: frozenset[str] | None) -> list[pa.Check]:
    checks: list[pa.Check] = []
    if spec.kind == "category":
        checks.append(pa.Check.isin(list(spec.categories), error=f"isin {spec.name}"))
    elif spec.kind == "code":
        checks.append(pa.Check(lambda s: _valid_codes(s, None), error=CODE_CHECK))
    elif spec.kind == "sozialraum":
        checks.append(pa.Check(lambda s: _valid_codes(s, "sozialraum"), error=SOZIALRAUM_CHECK))
    elif spec.kind == "year":
        checks.append(pa.Check.in_range(1950, 2100, error=f"range {spec.name}"))
    elif spec.kind in ("int", "count"):
        lo = spec.minimum if spec.minimum is not None else (0 if spec.kind == "count" else None)
        hi = spec.maximum
        if lo is not None and hi is not None:
            checks.append(pa.Check.in_range(lo, hi, error=f"range {spec.name}"))
        elif lo is not None:
            checks.append(pa.Check.ge(lo, error=f"range {spec.name}"))
    elif spec.kind == "float":
        if spec.positive:
            checks.append(pa.Check.gt(0, error=f"range {spec.name}"))
    if known is not None and spec.kind in ("code", "sozialraum"):
        checks.append(pa.Check(lambda s: s.isin(known) | s.isna(), error=KNOWN_CHECK))
    return checks


def _start_year_ok(df: pd.DataFrame) -> pd.Series:
    ok = (df["start_year"] >= df["year"] - 3) & (df["start_year"] <= df["year"])
    return ok.fillna(True).astype(bool)


def _level_ok(df: pd.DataFrame) -> pd.Series:
    levels = {c: code_level(c) for c in df["region_code"].dropna().unique()}
    derived = df["region_code"].map(levels)
    ok = (derived == df["level"]) | derived.isna() | df["level"].isna()
    return ok.fillna(True).astype(bool)


def _nonresponse_ok(df: pd.DataFrame) -> pd.Series:
    items = [c.name for c in (*_ITEMS_SCALE, *_ITEMS_BOOL)]
    answered = df[items].notna().any(axis=1)
    return (df["responded"].fillna(True) | ~answered).astype(bool)


def table_schema(
    table: str,
    known_codes: Iterable[str] | None = None,
    *,
    columns: Iterable[str] | None = None,
) -> pa.DataFrameSchema:
    """Return the pandera schema of a canonical table.

    Parameters
    ----------
    table : str
        Table name, a key of :data:`TABLES`.
    known_codes : iterable of str, optional
        Region codes that exist (from a ``regions`` table or hierarchy).
        When given, every region code must be one of them.
    columns : iterable of str, optional
        Validate only these columns (used when some are missing, so that the
        others are still checked); the key is checked only if complete.

    Returns
    -------
    pandera.DataFrameSchema
        Strict schema (exact columns in order) with dtypes, category, range
        and code checks and uniqueness of the key.

    Raises
    ------
    ParameterError
        For an unknown table name.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"sozialraum": ["17001000-SR01"], "child_age_group": ["u3"],
    ...                    "households": [120]})
    >>> table_schema("survey_families_margins").validate(df).shape
    (1, 3)
    """
    if table not in TABLES:
        raise ParameterError(
            f"Unbekannte Tabelle {table!r}.",
            hint="Bekannte Tabellen: " + ", ".join(TABLES),
        )
    spec = TABLES[table]
    known = frozenset(known_codes) if known_codes is not None else None
    wanted = set(spec.names if columns is None else columns)
    cols = {
        c.name: pa.Column(
            _dtype(c), checks=_column_checks(c, known), nullable=c.nullable, coerce=True
        )
        for c in spec.columns
        if c.name in wanted
    }
    checks: list[pa.Check] = []
    if table == "contracts_dissolved" and {"year", "start_year"} <= wanted:
        checks.append(pa.Check(_start_year_ok, error=START_YEAR_CHECK))
    if table == "regions" and {"region_code", "level"} <= wanted:
        checks.append(pa.Check(_level_ok, error=LEVEL_CHECK))
    items = {c.name for c in (*_ITEMS_SCALE, *_ITEMS_BOOL)} | {"responded"}
    if table == "survey_families" and items <= wanted:
        checks.append(pa.Check(_nonresponse_ok, error=NONRESPONSE_CHECK))
    return pa.DataFrameSchema(
        cols,
        checks=checks,
        unique=list(spec.key) if set(spec.key) <= wanted else None,
        strict=True,
        ordered=columns is None,
        name=table,
    )
