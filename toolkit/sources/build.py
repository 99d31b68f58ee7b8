r"""``dkbm data build``: from official tables to a data directory.

:func:`build` reads downloaded files in any layout (flat CSV, table-layout
CSV or XLSX, ZIP/gzip), folders of them, or table codes fetched with the
GENESIS web service client; maps each through its catalogue entry
(:mod:`toolkit.sources`) onto the canonical tables; builds the region table
from the data (:meth:`toolkit.regions.RegionHierarchy.from_genesis`); writes
``meta.json`` with the provenance of every table; checks the result with
:func:`toolkit.io.read_dataset`. Everything is written to a temporary folder
next to ``out`` and moved there only at the end, so a failed build leaves
nothing behind.

Municipal tables (files named like a canonical table, e.g. ``transitions.csv``)
are taken over as they are, for what no official Kreis table publishes.

Examples
--------
>>> build(["/does/not/exist.csv"], "/tmp/never")
Traceback (most recent call last):
...
toolkit.errors.DataError: Datei oder Verzeichnis nicht gefunden.
...
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.errors import DataError
from toolkit.io import read_dataset, read_genesis, read_table
from toolkit.io.schemas import TABLES
from toolkit.regions import RegionHierarchy
from toolkit.sources import Source, catalogue, source_for
from toolkit.sources._inputs import expand, feeds_nothing, peek_code, sidecar
from toolkit.sources._map import layout_of, to_canonical
from toolkit.sources._units import add_city_states, check_units, drop_former

__all__ = ["build", "table_code"]

_FLAT_NAME = re.compile(r"^([0-9A-Z]{2,6}(?:-[0-9A-Z]{1,6})+)(?:_(?:de|en))?_flat", re.IGNORECASE)


@dataclass
class _Read:
    file: str
    frame: pd.DataFrame
    source: Source
    table: str
    fetched: str | None = None
    provenance: dict[str, Any] = field(default_factory=dict)


def table_code(frame: pd.DataFrame, file: str) -> str:
    """Return the official table code of a frame read from ``file``.

    The table layout names it in its first line (or the XLSX sheet); a flat
    export only in its file name (``12411-01-01-4_de_flat.csv``); a fetched
    table in its provenance.

    Examples
    --------
    >>> table_code(pd.DataFrame(), "x/12411-01-01-4_de_flat.zip")
    '12411-01-01-4'
    """
    code = frame.attrs.get("table") or frame.attrs.get("provenance", {}).get("table")
    if code:
        return str(code)
    base = Path(file.split(":", 1)[0]).name
    m = _FLAT_NAME.match(base)
    if m:
        return m.group(1).upper()
    raise DataError(
        "Tabellencode nicht erkennbar: eine Flat-CSV nennt ihn nur im Dateinamen.",
        file=file,
        hint="Datei unter dem Namen speichern, den GENESIS vergibt (z. B. "
        "'12411-01-01-4_de_flat.csv'), oder die Tabelle mit 'dkbm data fetch' holen.",
    )


def _fetch(code: str, fetch: Callable[..., pd.DataFrame] | None, database: str) -> pd.DataFrame:
    if fetch is None:
        try:
            from toolkit.io.genesis_ws import fetch_table
        except ImportError:
            raise DataError(
                f"Tabelle {code} müsste aus dem GENESIS-Webservice geholt werden, aber der "
                "Webservice-Client (toolkit.io.genesis_ws) ist nicht vorhanden.",
                hint="Die Tabelle herunterladen und die Datei angeben.",
            ) from None
        fetch = fetch_table
    return fetch(code, database=database)


def _read_all(
    items: list[str | Path],
    entries: dict[str, Source],
    fetch: Callable[..., pd.DataFrame] | None,
    database: str,
    skipped: list[dict],
) -> tuple[list[_Read], dict[str, tuple[str, pd.DataFrame]]]:
    reads: list[_Read] = []
    municipal: dict[str, tuple[str, pd.DataFrame]] = {}
    for item in items:
        if isinstance(item, str) and not Path(item).exists():
            frame = _fetch(item, fetch, database)
            prov = dict(frame.attrs.get("provenance", {}))
            file = str(prov.get("file") or f"{item} (GENESIS-Webservice, {database})")
            reads.append(
                _Read(file, frame, source_for(item, entries), item, prov.get("fetched"), prov)
            )
            continue
        path = Path(item)
        stem = path.name.lower().split(".")[0]
        if stem in TABLES and stem != "regions":
            municipal[stem] = (path.name, read_table(path, table=stem))
            continue
        peeked = peek_code(path)
        if peeked and feeds_nothing(peeked, entries):
            entry = source_for(peeked, entries)
            skipped.append({"file": path.name, "table": peeked, "reason": entry.notes})
            continue  # a table that feeds no canonical table is not read at all
        frame = read_genesis(path)
        code = table_code(frame, str(path))
        try:
            entry = source_for(code, entries)
        except DataError as exc:
            raise DataError(exc.message, file=str(path), hint=exc.hint) from None
        prov = sidecar(path, code)
        reads.append(_Read(str(path), frame, entry, code, prov.get("fetched"), prov))
    return reads, municipal


def _combine(parts: list[tuple[str, pd.DataFrame]], name: str, count: str) -> pd.DataFrame:
    frame = pd.concat([p.assign(_file=f) for f, p in parts], ignore_index=True)
    key = [c for c in frame.columns if c not in (count, "_file")]
    dup = frame.duplicated(key, keep=False)
    if dup.any():
        both = frame[dup]
        spread = both.groupby(key, dropna=False)[count].transform("nunique")
        bad = both[spread > 1]
        if len(bad):
            first = bad.sort_values(key).head(2)
            cell = ", ".join(f"{k}={first.iloc[0][k]}" for k in key)
            values = "; ".join(f"{r['_file']}: {r[count]}" for _, r in first.iterrows())
            if first["_file"].nunique() == 1:  # one table, several values for one cell
                _unmapped_breakdown(name, cell, first, count)
            raise DataError(
                f"Zwei Quellen widersprechen sich in Tabelle {name!r}, Zelle {cell} "
                f"({values}); insgesamt {bad[key].drop_duplicates().shape[0]} Zelle(n).",
                file=str(first.iloc[0]["_file"]),
                column=count,
                hint="Nur eine Fassung der Tabelle angeben (z. B. die mit dem neueren Stand).",
            )
        frame = frame.drop_duplicates(key)
    return frame.drop(columns="_file")


def _unmapped_breakdown(name: str, cell: str, first: pd.DataFrame, count: str) -> None:
    """Raise for a table that gives one canonical cell several values."""
    numbers = " und ".join(str(v) for v in first[count])
    raise DataError(
        f"Die Tabelle gibt für dieselbe Zelle von {name!r} ({cell}) mehrere Werte "
        f"({numbers}): sie gliedert nach einem Merkmal, das ihr Eintrag im Quellenkatalog "
        "nicht abbildet (z. B. Geschlecht oder Betreuungsumfang).",
        file=str(first.iloc[0]["_file"]),
        column=count,
        hint="Die Tabelle ohne diese Gliederung (nur 'Insgesamt') herunterladen oder den "
        "Eintrag in toolkit/sources/ um die Spalte ergänzen.",
    )


def _provenance(read: _Read, dropped: int, rows: int) -> dict[str, Any]:
    attrs = read.frame.attrs
    prov = read.provenance
    return {
        "table": read.table,
        "database": prov.get("database", read.source.database),
        "file": Path(read.file.split(":", 1)[0]).name,
        "fetched": read.fetched,
        "stand": prov.get("stand") or attrs.get("stand"),
        "reference_date": attrs.get("reference_date") or read.source.reference_date,
        "licence": prov.get("licence") or attrs.get("licence") or read.source.licence,
        "attribution": prov.get("attribution")
        or attrs.get("attribution")
        or read.source.attribution,
        "rows": rows,
        "missing_cells": dropped,
    }


def _canonical(
    reads: list[_Read],
) -> tuple[dict[str, list[tuple[str, pd.DataFrame]]], dict[str, list[dict]], list[dict], list]:
    parts: dict[str, list[tuple[str, pd.DataFrame]]] = {}
    prov: dict[str, list[dict]] = {}
    skipped: list[dict] = []
    used = []
    for read in reads:
        layout = layout_of(read.frame)
        feeds = [f for f in read.source.feeds if f.layout == layout]
        if not read.source.feeds:
            skipped.append(
                {"file": Path(read.file).name, "table": read.table, "reason": read.source.notes}
            )
            continue
        if not feeds:
            raise DataError(
                f"Tabelle {read.table} ist im Quellenkatalog nur für das Format "
                f"{', '.join(sorted({f.layout for f in read.source.feeds}))} beschrieben, "
                f"die Datei hat das Format {layout!r}.",
                file=read.file,
                hint="Die Tabelle im beschriebenen Format herunterladen.",
            )
        frame = add_city_states(drop_former(read.frame))
        used.append(frame[["region_code", "region_name", "value", "flag"]])
        for feed in feeds:
            table, dropped = to_canonical(frame, feed, read.table, read.file)
            parts.setdefault(feed.canonical, []).append((read.file, table))
            prov.setdefault(feed.canonical, []).append(_provenance(read, dropped, len(table)))
    return parts, prov, skipped, used


def _write(directory: Path, tables: dict[str, pd.DataFrame], meta: dict[str, Any]) -> None:
    for name, frame in tables.items():
        order = [c.name for c in TABLES[name].columns if c.name in frame.columns]
        frame[order].to_csv(directory / f"{name}.csv", index=False, encoding="utf-8")
    (directory / "meta.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def _move(tmp: Path, out: Path, overwrite: bool) -> None:
    if out.exists() and any(out.iterdir()):
        if not overwrite:
            raise DataError(
                "Das Zielverzeichnis existiert und ist nicht leer.",
                file=str(out),
                hint="Ein neues Verzeichnis angeben oder --force, um es zu ersetzen.",
            )
        old = out.with_name(f".{out.name}.old")
        if old.exists():
            shutil.rmtree(old)
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old)
        return
    if out.exists():
        out.rmdir()
    tmp.rename(out)


def build(
    sources: Sequence[str | Path],
    out: str | Path,
    *,
    overwrite: bool = False,
    database: str = "regio",
    fetch: Callable[..., pd.DataFrame] | None = None,
    catalogue_dir: Path | None = None,
) -> Path:
    """Build a data directory of canonical tables from official tables.

    Parameters
    ----------
    sources : sequence of str or pathlib.Path
        Downloaded files (any layout ``read_genesis`` reads), directories of
        them, municipal tables named like a canonical table, or table codes to
        fetch with the web service client.
    out : str or pathlib.Path
        Directory to write; must not exist or be empty unless ``overwrite``.
    overwrite : bool, default False
        Replace a non-empty ``out``.
    database : str, default "regio"
        Database for table codes that are fetched.
    fetch : callable, optional
        ``fetch(code, database=...) -> DataFrame`` (default
        :func:`toolkit.io.genesis_ws.fetch_table`).
    catalogue_dir : pathlib.Path, optional
        Another catalogue directory (tests).

    Returns
    -------
    pathlib.Path
        The directory written.

    Raises
    ------
    DataError
        Unknown table, a file that belongs to no catalogue entry, a missing
        variable or category, two sources disagreeing on a cell, or a result
        that ``read_dataset`` refuses. Nothing is written then.
    """
    out = Path(out)
    entries = catalogue(catalogue_dir)
    notes: list[dict] = []
    reads, municipal = _read_all(expand(sources, notes), entries, fetch, database, notes)
    parts, prov, skipped, used = _canonical(reads)
    skipped += notes
    if not parts and not municipal:
        raise DataError(
            "Keine der Quellen füllt eine Tabelle des Datenverzeichnisses.",
            hint="Übersprungen: " + "; ".join(f"{s['file']} ({s['table']})" for s in skipped),
        )
    tables: dict[str, pd.DataFrame] = {}
    for name, items in parts.items():
        count = next(c.name for c in TABLES[name].columns if c.kind == "count")
        tables[name] = _combine(items, name, count)
    hierarchy = RegionHierarchy.from_genesis(pd.concat(used, ignore_index=True)) if used else None
    if hierarchy is not None:
        known = set(hierarchy.codes())
        for name in list(tables):
            tables[name] = tables[name][tables[name]["region_code"].isin(known)]
            check_units(tables[name], name, ", ".join(f for f, _ in parts[name]))
        tables["regions"] = hierarchy.frame
    for name, (file, frame) in municipal.items():
        if name in tables:
            raise DataError(
                f"Tabelle {name!r} kommt aus amtlichen Quellen und als kommunale Tabelle {file}.",
                file=file,
                hint="Nur eine der beiden Quellen angeben.",
            )
        tables[name] = frame
        prov[name] = [{"table": name, "database": "kommunal", "file": file, "fetched": None}]
    meta = {
        "synthetic": False,
        "generator": "dkbm data build",
        "built": datetime.now(UTC).isoformat(timespec="seconds"),
        "tables": {name: {"sources": prov.get(name, [])} for name in tables if name != "regions"},
        "skipped": skipped,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        _write(tmp, tables, meta)
        read_dataset(tmp)
        _move(tmp, out, overwrite)
    except DataError as exc:
        raise DataError(
            "Das Datenverzeichnis wurde nicht geschrieben: " + exc.message,
            file=exc.file,
            column=exc.column,
            rows=exc.rows or None,
            hint=exc.hint,
            problems=exc.problems or None,
        ) from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return out
