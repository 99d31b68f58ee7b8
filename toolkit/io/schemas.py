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

import numpy as np
import pandas as pd
import pandera.pandas as pa

from toolkit.errors import ParameterError
from toolkit.io._codes import canonical_problem, code_level
from toolkit.io._specs import SURVEY_ITEMS, TABLES, ColumnSpec, TableSpec, age_interval

__all__ = [
    "TABLES",
    "ColumnSpec",
    "TableSpec",
    "final_dtype",
    "overlapping_age_groups",
    "table_schema",
]


# Error texts of the checks; the table reader recognises them to word messages.
CODE_CHECK = "Regionalschlüssel wohlgeformt"
SOZIALRAUM_CHECK = "Sozialraum-Code wohlgeformt"
KNOWN_CHECK = "Regionalschlüssel bekannt"
START_YEAR_CHECK = "start_year zwischen year-3 und year"
LEVEL_CHECK = "level passt zum Regionalschlüssel"
NONRESPONSE_CHECK = "keine Antworten bei Nichtteilnahme"
AGE_GROUP_CHECK = "Altersgruppe wohlgeformt"
OVERLAP_CHECK = "Altersgruppen überschneiden sich nicht"
#: Name of the key check; ``toolkit.io.tables`` recognises it by "uniqueness".
KEY_CHECK = "uniqueness of the key columns"
WIDE_CHECKS = (START_YEAR_CHECK, LEVEL_CHECK, NONRESPONSE_CHECK, OVERLAP_CHECK)


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
    # each distinct code is checked once; millions of rows share a few thousand codes
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    ok = np.ones(len(uniques) + 1, dtype=bool)  # last slot: missing values pass here
    for i, code in enumerate(uniques):
        lv = code_level(code)
        ok[i] = lv is not None and canonical_problem(code) is None and (level in (None, lv))
    return pd.Series(ok[codes], index=values.index)


def _column_checks(spec: ColumnSpec, known: frozenset[str] | None) -> list[pa.Check]:
    checks: list[pa.Check] = []
    if spec.kind == "category":
        checks.append(pa.Check.isin(list(spec.allowed), error=f"isin {spec.name}"))
    elif spec.kind == "age_group":
        checks.append(pa.Check(_valid_age_groups, error=AGE_GROUP_CHECK))
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


def _valid_age_groups(values: pd.Series) -> pd.Series:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    ok = np.ones(len(uniques) + 1, dtype=bool)  # last slot: missing values pass here
    for i, label in enumerate(uniques):
        ok[i] = age_interval(label) is not None
    return pd.Series(ok[codes], index=values.index)


def overlapping_age_groups(labels: Iterable[str]) -> list[tuple[str, str]]:
    """Return pairs of distinct age-group labels whose ages overlap (``insgesamt`` aside).

    Examples
    --------
    >>> overlapping_age_groups(["u3", "3u6", "6plus", "insgesamt"])
    []
    >>> overlapping_age_groups(["u3", "u6"])
    [('u3', 'u6')]
    """
    spans = []
    for label in sorted(set(labels)):
        span = age_interval(label)
        if span is not None and label != "insgesamt":
            spans.append((span[0], span[1] if span[1] is not None else 10**6, label))
    spans.sort()
    return [(a[2], b[2]) for i, a in enumerate(spans) for b in spans[i + 1 :] if b[0] < a[1]]


def _age_groups_disjoint(df: pd.DataFrame) -> pd.Series:
    labels = df["age_group"].dropna().unique()  # distinct first: iterating a column is slow
    bad = {label for pair in overlapping_age_groups(labels) for label in pair}
    return ~df["age_group"].isin(bad)


def _start_year_ok(df: pd.DataFrame) -> pd.Series:
    ok = (df["start_year"] >= df["year"] - 3) & (df["start_year"] <= df["year"])
    return ok.fillna(True).astype(bool)


def _level_ok(df: pd.DataFrame) -> pd.Series:
    levels = {c: code_level(c) for c in df["region_code"].dropna().unique()}
    derived = df["region_code"].map(levels)
    ok = (derived == df["level"]) | derived.isna() | df["level"].isna()
    return ok.fillna(True).astype(bool)


def _key_unique(df: pd.DataFrame, key: list[str]) -> pd.Series:
    """Mark rows whose key combination occurs once (missing values count as equal).

    Each key column is factorised on its own and the codes are combined into
    one integer per row, which is much faster than hashing whole rows of a
    table with millions of rows.
    """
    combined = np.zeros(len(df), dtype="int64")
    space = 1
    for col in key:
        codes, uniques = pd.factorize(df[col], use_na_sentinel=False)
        card = max(len(uniques), 1)
        if space * card >= 2**62:  # too many combinations for one integer
            dup = df.duplicated(subset=key, keep=False).to_numpy()
            return pd.Series(~dup, index=df.index)
        combined = combined * card + codes
        space *= card
    if space <= 4 * len(df) + 1024:
        seen = np.bincount(combined, minlength=space)
        dup = seen[combined] > 1
    else:
        dup = pd.Series(combined).duplicated(keep=False).to_numpy()
    return pd.Series(~dup, index=df.index)


def _nonresponse_ok(df: pd.DataFrame) -> pd.Series:
    answered = df[list(SURVEY_ITEMS)].notna().any(axis=1)
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
        Validate only these columns (used when optional breakdown columns are
        left out or required ones are missing, so that the others are still
        checked); the key is checked over the key columns present, once all
        required key columns are there.

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
    full = columns is None
    if columns is None:  # every column; of alternatives (age / age_group) the first
        later = {c for group in spec.one_of for c in group[1:]}
        columns = [c for c in spec.names if c not in later]
    wanted = set(columns)
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
    if "age_group" in wanted and spec.column("age_group").kind == "age_group":
        checks.append(pa.Check(_age_groups_disjoint, error=OVERLAP_CHECK))
    if table == "regions" and {"region_code", "level"} <= wanted:
        checks.append(pa.Check(_level_ok, error=LEVEL_CHECK))
    items = {*SURVEY_ITEMS, "responded"}
    if table == "survey_families" and items <= wanted:
        checks.append(pa.Check(_nonresponse_ok, error=NONRESPONSE_CHECK))
    key = list(spec.present_key(wanted))
    essential = [k for k in spec.key if not spec.column(k).optional]
    alternative = {c for group in spec.one_of for c in group}
    if key and all(k in wanted or k in alternative for k in essential):
        checks.append(pa.Check(lambda df: _key_unique(df, key), error=KEY_CHECK))
    return pa.DataFrameSchema(
        cols,
        checks=checks,
        strict=True,
        ordered=full,
        name=table,
    )
