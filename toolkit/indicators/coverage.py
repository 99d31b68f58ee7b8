"""Which indicators the data can give, and why not (cheap, without computing).

:func:`coverage` looks only at table names, columns, age groups, years and
region codes, so a runner can check a template before any kernel starts.

Examples
--------
>>> pop = pd.DataFrame({"region_code": "03251", "year": [2019], "sex": "w",
...                     "age_group": "u3", "population": [100]})
>>> c = coverage({"population": pop}, ["betreuungsquote_u3", "bevoelkerung"])
>>> c[["indicator", "available"]].values.tolist()
[['betreuungsquote_u3', False], ['bevoelkerung', True]]
>>> c.loc[0, "missing_tables"]
('kita',)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from toolkit.errors import ParameterError
from toolkit.indicators._agegroups import RATE_AGES, SINGLE_YEAR_BINS, bins_within
from toolkit.indicators._context import TABLES, tables_of
from toolkit.indicators._totals import TOTAL
from toolkit.indicators.catalog import catalog
from toolkit.indicators.engine import STEPS
from toolkit.io._specs import age_group_label, age_interval

__all__ = ["COVERAGE_COLUMNS", "coverage", "table_years"]

COVERAGE_COLUMNS = ["indicator", "available", "reason", "missing_tables", "missing_years"]

#: Years each table must have for period t: (table, lag) with lag 0 = t, 1 = t-1, ...
_LAGS: dict[str, tuple[tuple[str, int], ...]] = {
    "betreuungsquote_u3": (("kita", 0), ("population", 1)),
    "betreuungsquote_3u6": (("kita", 0), ("population", 1)),
    "bevoelkerung_veraenderung": (("population", 0), ("population", 1)),
    "vertragsloesungsquote": (
        ("contracts_dissolved", 0),
        ("contracts_new", 0),
        ("contracts_new", 1),
        ("contracts_new", 2),
        ("contracts_new", 3),
    ),
}
#: Population ages each indicator needs.
_AGES: dict[str, tuple[tuple[int, int | None], ...]] = {
    "betreuungsquote_u3": ((0, 3),),
    "betreuungsquote_3u6": ((3, 6),),
    **{code: tuple(a for a in ages if a is not None) for code, ages in RATE_AGES.items()},
    "ausbildungsanfaengerquote": tuple((a, a + 1) for a in range(16, 25)),
}


def _store(tables: dict[str, pd.DataFrame], derived: Any, table: str) -> dict:
    """Return what the data set keeps derived from ``table`` (a fresh dict for plain tables)."""
    if derived is None or table not in TABLES:
        return {}
    return derived.of(tables[table], table, TABLES[table][0])


def table_years(data: object, table: str) -> frozenset[int]:
    """Return the years in the ``year`` column of a table (kept by a data set).

    A :class:`toolkit.io.Dataset` keeps the answer next to the table
    (``Dataset.derived``) while the table is unchanged, so the reports of a
    batch do not read the population's millions of rows again: the batch's
    warm parent calls this once for every table.

    Parameters
    ----------
    data : Dataset or mapping of str to DataFrame
        As for :func:`coverage`.
    table : str
        Table name.

    Returns
    -------
    frozenset of int

    Examples
    --------
    >>> kita = pd.DataFrame({"region_code": "03251", "year": [2024, 2023, 2024]})
    >>> sorted(table_years({"kita": kita}, "kita"))
    [2023, 2024]
    """
    tables = tables_of(data)
    store = _store(tables, getattr(data, "derived", None), table)
    years = store.get("years")
    if years is None:
        col = pd.to_numeric(tables[table]["year"], errors="coerce").dropna()
        years = store["years"] = frozenset(int(y) for y in pd.unique(col))
    return years


def _bins(
    tables: dict[str, pd.DataFrame], derived: Any = None
) -> tuple[tuple[int, int | None], ...]:
    pop = tables["population"]
    if "age_group" not in pop.columns:
        return SINGLE_YEAR_BINS
    store = _store(tables, derived, "population")
    if "age_spans" not in store:
        labels = pd.unique(pop["age_group"].astype(str))
        spans = sorted(s for s in (age_interval(x) for x in labels if x != TOTAL) if s is not None)
        store["age_spans"] = tuple(spans) or ((0, None),)
    return store["age_spans"]


def coverage(
    dataset_or_tables: object,
    indicators: Iterable[str] | str | None = None,
    *,
    region: str | None = None,
    period: int | None = None,
) -> pd.DataFrame:
    """Say for each indicator whether the data can give it, and if not, why.

    Parameters
    ----------
    dataset_or_tables : Dataset or mapping of str to DataFrame
        As for :func:`~toolkit.indicators.compute_all`.
    indicators : str or iterable of str, optional
        Indicator codes (default: the whole catalogue).
    region : str, optional
        Region code; an indicator is unavailable when a table it needs has
        no row for the region, for a region below it, nor (for a Gemeinde or
        Sozialraum, whose reports fall back to the Kreis) for its Kreis.
    period : int, optional
        Reporting year; the years each indicator needs (e.g. population of
        the previous year) must be in the tables.

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator, available, reason, missing_tables,
        missing_years`` (tuples), one row per indicator, catalogue order.

    Raises
    ------
    ParameterError
        Unknown indicator codes.

    Examples
    --------
    >>> kita = pd.DataFrame({"region_code": "03251", "year": [2024], "age_group": "u3",
    ...                      "care_type": "kita", "children": [10]})
    >>> pop = pd.DataFrame({"region_code": "03251", "year": [2022], "sex": "w",
    ...                     "age_group": "u3", "population": [100]})
    >>> c = coverage({"kita": kita, "population": pop}, "betreuungsquote_u3", period=2024)
    >>> c.loc[0, "reason"], c.loc[0, "missing_years"]
    ("Tabelle 'population': Jahr 2023 fehlt", (2023,))
    """
    tables = tables_of(dataset_or_tables)
    derived = getattr(dataset_or_tables, "derived", None)
    known = catalog()["code"].tolist()
    wanted = (
        known
        if indicators is None
        else [indicators]
        if isinstance(indicators, str)
        else list(indicators)
    )
    bad = [c for c in wanted if c not in known]
    if bad:
        raise ParameterError(
            f"coverage: unbekannte Indikatoren {', '.join(bad)}.",
            hint="dkbm indicators list zeigt alle Codes.",
        )
    needed_of = {code: needed for needed, _, codes in STEPS for code in codes}
    present = {t for t, df in tables.items() if df is not None and len(df)}
    rows = []
    for code in [c for c in known if c in wanted]:
        needed = needed_of[code]
        missing = tuple(t for t in needed if t not in present)
        reason, years = "", ()
        if missing:
            reason = "Tabelle " + ", ".join(repr(t) for t in missing) + " fehlt"
        else:
            reason = _content_reason(code, tables, derived)
            if not reason and period is not None:
                reason, years = _year_reason(code, needed, dataset_or_tables, int(period))
            if not reason and region is not None:
                reason = _region_reason(needed, tables, str(region))
        rows.append((code, not reason, reason, missing, years))
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def _content_reason(code: str, tables: dict[str, pd.DataFrame], derived: Any) -> str:
    if code in _AGES:
        bins = _bins(tables, derived)
        for lo, hi in _AGES[code]:
            if bins_within(bins, lo, hi) is None:
                have = ", ".join(age_group_label(a, b) for a, b in bins)
                if code == "ausbildungsanfaengerquote":
                    return "braucht die Bevölkerung in Einzelaltersjahren 16 bis 24 (Spalte age)"
                return f"Bevölkerung {age_group_label(lo, hi)} nicht in den Altersgruppen ({have})"
    if code == "tagespflege_anteil_u3":
        kita = tables["kita"]
        if "care_type" not in kita.columns or not (kita["care_type"] == "tagespflege").any():
            return "Tabelle 'kita' ohne Aufgliederung nach care_type (Tagespflege)"
    return ""


def _year_reason(
    code: str, needed: tuple[str, ...], data: object, period: int
) -> tuple[str, tuple[int, ...]]:
    lags = _LAGS.get(code, tuple((t, 0) for t in needed))
    gaps: dict[str, list[int]] = {}
    for table, lag in lags:
        if period - lag not in table_years(data, table):
            gaps.setdefault(table, []).append(period - lag)
    if not gaps:
        return "", ()
    text = "; ".join(
        f"Tabelle '{t}': Jahr {', '.join(map(str, sorted(ys)))} fehlt" for t, ys in gaps.items()
    )
    return text, tuple(sorted({y for ys in gaps.values() for y in ys}))


def _region_reason(needed: tuple[str, ...], tables: dict[str, pd.DataFrame], region: str) -> str:
    """Rows of the region, of regions below it or (Gemeinde, Sozialraum) of its Kreis."""
    prefix = "" if region == "DG" else region.split("-", 1)[0]
    above = {prefix[:5]} if len(prefix) == 8 else set()
    for table in needed:
        codes = pd.unique(tables[table]["region_code"].astype(str).str.strip())
        if not any(c.startswith(prefix) or c in above for c in codes):
            return f"Tabelle '{table}' hat keine Zeilen für Region {region}"
    return ""
