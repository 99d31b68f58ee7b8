"""The tables an indicator computation works on, prepared once (private).

A :class:`Context` holds the canonical tables, the region facts and the
restriction to regions and periods. It prepares and rolls up each table on
first use and keeps the result, so that indicators sharing a table (all
population-based ones) do the expensive work once. The arguments of a call
(tables, regions, periods, levels) are checked in :mod:`toolkit.indicators._request`,
whose names are importable from here as well.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

import numpy as np
import pandas as pd

from toolkit._derived import DerivedTables
from toolkit.errors import DataError
from toolkit.indicators._agegroups import SINGLE_YEAR_BINS, bins_within, grouped_population
from toolkit.indicators._assemble import finish
from toolkit.indicators._build import Part
from toolkit.indicators._counts import (
    group_sum,
    prepare,
    restrict,
    used_categories,
)
from toolkit.indicators._population import binned_population, pairs_for
from toolkit.indicators._regions import RegionTable, normalize_codes
from toolkit.indicators._request import Restriction, make_restriction, tables_of
from toolkit.indicators._rollup import rollup
from toolkit.indicators._totals import fill_absent, resolve_totals
from toolkit.regions import KreisList, OfficialKreise, read_official_kreise

__all__ = ["TABLES", "Context", "Restriction", "make_restriction", "run", "tables_of"]

#: Canonical table → (count column, key columns besides region_code and year).
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "population": ("population", ("age", "sex")),
    "kita": ("children", ("age_group", "care_type")),
    "transitions": ("pupils", ("sex", "school_type")),
    "school_leavers": ("leavers", ("abschluss", "sex", "nationality")),
    "iabe": ("entrants", ("sector", "sex", "nationality")),
    "contracts_new": ("contracts", ("zustaendigkeit", "beruf", "sex", "nationality", "schooling")),
    "contracts_dissolved": (
        "dissolutions",
        ("start_year", "zustaendigkeit", "beruf", "sex", "nationality", "schooling", "probezeit"),
    ),
    "apprentice_beginners": ("beginners", ("age", "sex")),
}

_MAX_LAG = 4
T = TypeVar("T")


class Context:
    """Prepared, restricted and rolled-up tables.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Canonical tables (keys as in ``data_samples/README.md``).
    restriction : Restriction, optional
        Regions and periods wanted.
    official : OfficialKreise, optional
        The official list of Kreise (:func:`toolkit.regions.read_official_kreise`),
        read once by the caller; read here when not given.
    derived : DerivedTables, optional
        Where checked and rolled-up tables are kept between calls (the data
        set's ``Dataset.derived``); a fresh, empty store when not given.

    Examples
    --------
    >>> pop = pd.DataFrame({"region_code": ["17001000"], "year": [2024], "age": [1],
    ...                     "sex": ["w"], "population": [7]})
    >>> ctx = Context({"population": pop})
    >>> ctx.counts("population")["region_code"].tolist()
    ['17001000', '17001', '17']
    """

    def __init__(
        self,
        tables: Mapping[str, pd.DataFrame],
        restriction: Restriction | None = None,
        *,
        official: OfficialKreise | None = None,
        derived: DerivedTables | None = None,
    ) -> None:
        self.tables = dict(tables)
        self.derived = DerivedTables() if derived is None else derived
        self.restriction = restriction or Restriction()
        names: dict[str, str] = {}
        reg = self.tables.get("regions")
        if reg is not None and len(reg):
            if "region_code" not in reg.columns or "region_name" not in reg.columns:
                raise DataError(
                    "Tabelle 'regions' braucht die Spalten region_code und region_name.",
                    file="regions",
                )
            codes = normalize_codes(reg["region_code"].astype("str").str.strip(), "regions")
            names = dict(zip(codes, reg["region_name"].astype("str"), strict=True))
        self.kreise = KreisList(read_official_kreise() if official is None else official, reg)
        self.regions = RegionTable([], names={**self.kreise.names, **names})
        #: Aggregates left out (dicts, see ``_rollup.rollup``), notes on tables,
        #: and indicator code → reason for indicators not computed.
        self.aggregate_notes: list[dict] = []
        self.table_notes: list[str] = []
        self.omitted: dict[str, str] = {}
        self._cache: dict[str, object] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def has(self, *names: str) -> bool:
        """Return whether all named tables are present and not empty.

        Examples
        --------
        >>> Context({}).has("kita")
        False
        """
        return all(n in self.tables and len(self.tables[n]) > 0 for n in names)

    def counts(self, table: str) -> pd.DataFrame:
        """Return the rolled-up count frame of ``table`` (population: wide, by age bin).

        Examples
        --------
        >>> Context({}).counts("kita")
        Traceback (most recent call last):
        ...
        toolkit.errors.DataError: Tabelle 'kita' fehlt, wird aber für dieses Indikator gebraucht.
        ...
        """
        return self.once(table, lambda: self._counts(table))

    def _counts(self, table: str) -> pd.DataFrame:
        if not self.has(table):
            raise DataError(
                f"Tabelle '{table}' fehlt, wird aber für dieses Indikator gebraucht.",
                file=table,
                hint="Tabelle in das Datenverzeichnis legen oder das Indikator weglassen.",
            )
        value, keys = TABLES[table]
        store = self.derived.of(self.tables[table], table, value)
        pairs: tuple[tuple[str, str], ...] = (("n", "r"),)
        if "prepared" not in store:
            store["notes"] = []
            source = fill_absent(self.tables[table], table, keys)
            if table == "population" and "age_group" in source.columns:
                store["prepared"], store["bins"] = grouped_population(source, value)
            elif table == "population":
                # checked and summed into age bins at once: one row per region,
                # year and sex with a count per bin (27 bins instead of ~90 ages)
                store["prepared"], store["bins"] = (
                    binned_population(source, value),
                    SINGLE_YEAR_BINS,
                )
            else:
                df = _prepare(source, table, value, keys, self.tables[table].columns)
                df["region_code"] = normalize_codes(df["region_code"], table)
                store["prepared"] = df
            if table == "population":
                pairs = pairs_for(len(store["bins"]))
                store["prepared"] = resolve_totals(
                    store["prepared"], table, ("sex",), pairs, store["notes"]
                )
            else:
                store["prepared"] = resolve_totals(
                    store["prepared"], table, keys, pairs, store["notes"]
                )
        if table == "population":
            keys, pairs = ("sex",), pairs_for(len(store["bins"]))
        self.table_notes.extend(n for n in store["notes"] if n not in self.table_notes)
        df = store["prepared"]
        span, whole = self._span(), self._whole()
        wanted = self.restriction.regions
        if whole and ("rollup", span, self.kreise.key) in store:
            out = store[("rollup", span, self.kreise.key)]
            self.aggregate_notes.extend(store[("rollup_notes", span, self.kreise.key)])
            self.regions.extend(used_categories(out["region_code"].array))
        else:
            if span is not None:
                df = df[df["year"].between(*span)]
            self.regions.extend(used_categories(df["region_code"].array))
            df = restrict(df, self.regions, None if whole else wanted)
            notes: list[dict] = []
            out = rollup(df, self.regions, keys, table, pairs, kreise=self.kreise, notes=notes)
            self.aggregate_notes.extend(notes)
            if whole:
                store[("rollup", span, self.kreise.key)] = out
                store[("rollup_notes", span, self.kreise.key)] = notes
        if wanted is not None and len(out):
            # every indicator is computed within one region, so rows of regions
            # nobody asked for can go once the sums for higher levels are made
            out = out[out["region_code"].isin(list(wanted)).to_numpy()]
        return out

    def population_bins(self) -> tuple[tuple[int, int | None], ...]:
        """Return the age intervals of the wide population frame's bins.

        Examples
        --------
        >>> pop = pd.DataFrame({"region_code": "03251", "year": 2019, "sex": "w",
        ...                     "age_group": ["u3", "3u6", "6plus"], "population": [1, 2, 3]})
        >>> Context({"population": pop}).population_bins()
        ((0, 3), (3, 6), (6, None))
        """
        self.counts("population")
        return self.derived.of(self.tables["population"], "population", TABLES["population"][0])[
            "bins"
        ]

    def age_bins(self, lo: int, hi: int | None) -> list[int] | None:
        """Return the bins that make up ages ``[lo, hi)`` exactly, or None if they cannot.

        Examples
        --------
        >>> pop = pd.DataFrame({"region_code": "03251", "year": 2019, "sex": "w",
        ...                     "age_group": ["u3", "3u6", "6plus"], "population": [1, 2, 3]})
        >>> ctx = Context({"population": pop})
        >>> ctx.age_bins(0, 6), ctx.age_bins(0, 18)
        ([0, 1], None)
        """
        return bins_within(self.population_bins(), lo, hi)

    def has_breakdown(self, table: str, column: str) -> bool:
        """Return whether ``column`` of ``table`` holds categories (not only totals).

        Examples
        --------
        >>> kita = pd.DataFrame({"region_code": "03251", "year": 2024, "age_group": "u3",
        ...                      "children": [5]})
        >>> Context({"kita": kita}).has_breakdown("kita", "care_type")
        False
        """
        self.counts(table)
        value = TABLES[table][0]
        prepared = self.derived.of(self.tables[table], table, value)["prepared"]
        col = prepared[column]
        labels = used_categories(col.array) if hasattr(col, "cat") else pd.unique(col)
        return any(str(v) != "insgesamt" for v in labels)

    def omit(self, codes: tuple[str, ...] | list[str], reason: str) -> None:
        """Record that indicators are not computed, and why (German).

        Examples
        --------
        >>> ctx = Context({})
        >>> ctx.omit(["altenquotient"], "Altersgruppen fehlen")
        >>> ctx.omitted
        {'altenquotient': 'Altersgruppen fehlen'}
        """
        for code in codes:
            self.omitted.setdefault(code, reason)

    def _span(self) -> tuple[int, int] | None:
        """Years of input a restricted call needs (lags included); None = all."""
        per = self.restriction.periods
        return None if per is None else (min(per) - _MAX_LAG, max(per))

    def _whole(self) -> bool:
        """Whether every region must be rolled up (Land or Bund wanted, or no restriction).

        Land and Bund need every row anyway: then everything is rolled up once
        and remembered, so that the next report for another region is cheap.
        """
        wanted = self.restriction.regions
        return wanted is None or any(c == "DG" or len(c) == 2 for c in wanted)

    def remembered(self, table: str) -> bool:
        """Return whether ``table`` is already checked and rolled up for this call.

        Examples
        --------
        >>> pop = pd.DataFrame({"region_code": ["17001000"], "year": [2024], "age": [1],
        ...                     "sex": ["w"], "population": [7]})
        >>> store = DerivedTables()
        >>> ctx = Context({"population": pop}, derived=store)
        >>> before = ctx.remembered("population")
        >>> _ = ctx.counts("population")
        >>> before, Context({"population": pop}, derived=store).remembered("population")
        (False, True)
        """
        if table in self._cache:
            return True
        if not self.has(table) or table not in TABLES:
            return False
        store = self.derived.of(self.tables[table], table, TABLES[table][0])
        return self._whole() and ("rollup", self._span(), self.kreise.key) in store

    def population_wide(self, by_sex: bool) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        """Return population keys and (rows × age bins) arrays of counts and ranks.

        With single years of age, bins 0..24 are single years, 25 = 25 to under
        65, 26 = 65 and older; with age groups, one bin per group
        (:meth:`population_bins`). Absent rows count as zero; a missing count
        stays NaN.

        Examples
        --------
        >>> pop = pd.DataFrame({"region_code": "17001000", "year": 2024, "age": [0, 70],
        ...                     "sex": "w", "population": [3, 4]})
        >>> keys, n, r = Context({"population": pop}).population_wide(by_sex=False)
        >>> n.shape, float(n[0, 0]), float(n[0, 26])
        ((3, 27), 3.0, 4.0)
        """

        def make() -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
            by = ["region_code", "year"] + (["sex"] if by_sex else [])
            counts = self.counts("population")
            pairs = pairs_for(len(self.population_bins()))
            g = group_sum(counts, by, pairs)
            nv = np.column_stack([g[n].to_numpy(dtype="float64") for n, _ in pairs])
            rv = np.column_stack([g[r].to_numpy(dtype="int8") for _, r in pairs])
            return g[by], nv, rv

        return self.once(f"population_wide:{by_sex}", make)

    def once(self, key: str, make: Callable[[], T]) -> T:
        """Return the value kept under ``key``, made by ``make()`` on first use.

        Steps of one call may run in two threads: the first to ask makes the
        value, a second one waits for it instead of making it again. If
        ``make`` raises, nothing is kept and the next caller tries again.

        Examples
        --------
        >>> ctx = Context({})
        >>> ctx.once("x", lambda: 1), ctx.once("x", lambda: 2)
        (1, 1)
        """
        if key in self._cache:
            return self._cache[key]  # type: ignore[return-value]
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._cache:
                self._cache[key] = make()  # type: ignore[assignment]
            return self._cache[key]  # type: ignore[return-value]


def _prepare(
    source: pd.DataFrame, table: str, value: str, keys: tuple[str, ...], given: pd.Index
) -> pd.DataFrame:
    """``prepare``, naming a left-out breakdown column when keys repeat without it."""
    try:
        return prepare(source, table, value, keys)
    except DataError as exc:
        absent = [k for k in keys if k not in given]
        if not absent or "mehrfach" not in exc.message:
            raise
        raise DataError(
            f"{exc.message} Spalte fehlt? Ohne die Spalte {', '.join(absent)} gilt jede Zeile "
            "als Summe (insgesamt) darüber.",
            file=table,
            column=absent[0],
            rows=exc.rows,
            hint=f"Spalte {absent[0]} ergänzen oder die Zeilen zu Summen zusammenfassen.",
        ) from None


def run(
    compute: Callable[[Context], list[Part]],
    tables: Mapping[str, pd.DataFrame],
    region_table: pd.DataFrame | None,
    codes: Iterable[str],
) -> pd.DataFrame:
    """Run one family's computation on bare tables and keep the given indicator codes.

    Examples
    --------
    >>> run(lambda ctx: [], {}, None, ["x"]).shape
    (0, 12)
    """
    all_tables = dict(tables)
    if region_table is not None:
        all_tables["regions"] = region_table
    ctx = Context(all_tables, official=read_official_kreise())
    return finish(compute(ctx), ctx.regions, indicators=list(codes))
