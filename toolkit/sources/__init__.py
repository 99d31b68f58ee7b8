"""Catalogue of official tables and how they feed the canonical tables.

One TOML file per official table (or statistic) lives in this package, e.g.
``21111-02-06-4.toml``. It says which canonical table and columns the table
feeds, how its variables and categories map, its reference date, regional
level, licence and which indicators it can fill; ``README.md`` here explains
the format and lists every entry. :func:`build_data_dir` turns downloaded
files into a data directory for ``--data DIR`` (``dkbm data build``).

Examples
--------
>>> src = source_for("21111-02-06-4")
>>> src.feeds[0].canonical, sorted(src.feeds[0].columns)
('school_leavers', ['abschluss', 'sex'])
>>> source_for("12411-02-03-4").feeds[0].columns["age_group"].map["unter_3_jahre"]
'u3'
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.errors import DataError

__all__ = [
    "CATALOGUE_DIR",
    "ColumnMap",
    "Feed",
    "Source",
    "build_data_dir",
    "catalogue",
    "source_for",
]

#: Directory holding the catalogue files.
CATALOGUE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class ColumnMap:
    """How one canonical column is filled from an official table.

    Parameters
    ----------
    name : str
        Canonical column (``abschluss``, ``sex``, ``age_group`` ...).
    source : str
        Where the codes come from: ``variable:N`` (N-th level of a table-layout
        variable code), ``gruppe`` (the group column of the table layout), a
        flat variable code such as ``GES`` (``ALTX*`` for any variable starting
        with ``ALTX``), or ``label`` (any header or group label); empty with
        ``const``.
    map : dict
        Source code -> canonical value; every key must occur in the file.
    skip : tuple of str
        Source codes that are left out (totals, "darunter" columns).
    match : dict
        Like ``map``, but rows whose code is not a key are left out quietly
        (tables with more breakdowns than the canonical table needs).
    const : str or None
        A fixed value (e.g. ``insgesamt`` for a table without that breakdown).

    Examples
    --------
    >>> ColumnMap("sex", "GES", map={"GESM": "m"}).source
    'GES'
    """

    name: str
    source: str = ""
    map: dict[str, str] = field(default_factory=dict)
    skip: tuple[str, ...] = ()
    match: dict[str, str] = field(default_factory=dict)
    const: str | None = None


@dataclass(frozen=True)
class Feed:
    """One canonical table filled from one layout of an official table.

    Examples
    --------
    >>> Feed("kita", "children", "flat", {}).layout
    'flat'
    """

    canonical: str
    count: str
    layout: str
    columns: dict[str, ColumnMap]
    value_variable: str | None = None


@dataclass(frozen=True)
class Source:
    """A catalogue entry: one official table (or all tables of a statistic).

    Examples
    --------
    >>> source_for("21211").level
    'land'
    """

    table: str
    title: str
    statistic: str
    database: str
    level: str
    reference_date: str
    licence: str
    attribution: str
    checked_with: str
    indicators: tuple[str, ...]
    notes: str
    feeds: tuple[Feed, ...]
    prefix: bool = False
    file: str = ""

    def matches(self, code: str) -> bool:
        """Whether a table code belongs to this entry.

        Examples
        --------
        >>> source_for("22541").matches("22541-01-01-4")
        True
        """
        if self.prefix:
            return code == self.table or code.startswith(self.table + "-")
        return code == self.table


def _column(name: str, raw: dict[str, Any], file: str) -> ColumnMap:
    known = {"from", "map", "skip", "match", "const"}
    unknown = sorted(set(raw) - known)
    if unknown or ("const" in raw) == ("from" in raw):
        raise DataError(
            f"Quellenkatalog: Spalte {name!r} falsch beschrieben "
            f"({'unbekannte Schlüssel ' + ', '.join(unknown) if unknown else 'genau eines von from/const'}).",
            file=file,
            hint="Erlaubt sind from, map, skip, match oder const (siehe toolkit/sources/README.md).",
        )
    return ColumnMap(
        name=name,
        source=str(raw.get("from", "")),
        map={str(k): str(v) for k, v in raw.get("map", {}).items()},
        skip=tuple(str(s) for s in raw.get("skip", ())),
        match={str(k): str(v) for k, v in raw.get("match", {}).items()},
        const=None if raw.get("const") is None else str(raw["const"]),
    )


def _load(path: Path) -> Source:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"Quellenkatalog: kein gültiges TOML ({exc}).", file=str(path)) from None
    feeds = tuple(
        Feed(
            canonical=f["canonical"],
            count=f["count"],
            layout=f["layout"],
            columns={k: _column(k, v, str(path)) for k, v in f.get("columns", {}).items()},
            value_variable=f.get("value_variable"),
        )
        for f in raw.get("feeds", [])
    )
    return Source(
        table=raw["table"],
        title=raw["title"],
        statistic=raw["statistic"],
        database=raw["database"],
        level=raw["level"],
        reference_date=raw["reference_date"],
        licence=raw["licence"],
        attribution=raw["attribution"],
        checked_with=raw.get("checked_with", ""),
        indicators=tuple(raw.get("indicators", ())),
        notes=" ".join(raw.get("notes", "").split()),
        feeds=feeds,
        prefix=bool(raw.get("table_prefix", False)),
        file=path.name,
    )


def catalogue(directory: Path | None = None) -> dict[str, Source]:
    """Read every catalogue file.

    Parameters
    ----------
    directory : pathlib.Path, optional
        Directory of ``*.toml`` files; the toolkit's own by default.

    Returns
    -------
    dict of str to Source
        Keyed by table code (or statistic for prefix entries).

    Examples
    --------
    >>> "21111-02-06-4" in catalogue()
    True
    """
    directory = CATALOGUE_DIR if directory is None else Path(directory)
    return {s.table: s for s in (_load(p) for p in sorted(directory.glob("*.toml")))}


def source_for(code: str, entries: dict[str, Source] | None = None) -> Source:
    """Return the catalogue entry of a table code.

    Parameters
    ----------
    code : str
        Table code such as ``21111-02-06-4``.
    entries : dict, optional
        Result of :func:`catalogue` (read once by the caller for many look-ups).

    Returns
    -------
    Source

    Raises
    ------
    DataError
        If no entry covers the code.

    Examples
    --------
    >>> source_for("99999-01-01-4")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: Tabelle '99999-01-01-4' steht nicht im Quellenkatalog.
    ...
    """
    entries = catalogue() if entries is None else entries
    if code in entries:
        return entries[code]
    for entry in entries.values():
        if entry.matches(code):
            return entry
    raise DataError(
        f"Tabelle {code!r} steht nicht im Quellenkatalog.",
        hint="Bekannt sind: "
        + ", ".join(sorted(entries))
        + ". Eine weitere Tabelle als TOML-Datei in toolkit/sources/ beschreiben "
        "(siehe toolkit/sources/README.md) oder die Werte als kommunale Tabelle übergeben.",
    )


def build_data_dir(*args: Any, **kwargs: Any) -> Path:
    """Build a data directory from official tables (see :func:`toolkit.sources.build.build`).

    Examples
    --------
    >>> callable(build_data_dir)
    True
    """
    from toolkit.sources.build import build

    return build(*args, **kwargs)
