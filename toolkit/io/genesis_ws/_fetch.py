"""Fetch a table through the web service, with the local cache and provenance.

Examples
--------
>>> parse_years("2015-2024"), parse_years("2023")
((2015, 2024), (2023, 2023))
>>> parse_regions("03251, 03241")
['03251', '03241']
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.errors import DataError, ParameterError
from toolkit.io.genesis import read_genesis
from toolkit.io.genesis_ws._cache import TableCache
from toolkit.io.genesis_ws._client import GenesisClient, Progress
from toolkit.io.genesis_ws._config import (
    DL_DE_BY,
    Credentials,
    Database,
    default_cache_dir,
    load_credentials,
    resolve_database,
)
from toolkit.io.genesis_ws._errors import ServiceUnavailableError, WebServiceError

__all__ = [
    "fetch_file",
    "fetch_table",
    "fetch_tables_to_dir",
    "fetch_to_dir",
    "parse_regions",
    "parse_years",
]

_TABLE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$")
_REGION = re.compile(r"^\d{1,12}\*?$")


def parse_years(text: str) -> tuple[int, int]:
    """Parse ``2015-2024`` or ``2023`` into (first, last).

    Examples
    --------
    >>> parse_years(" 2019 - 2021 ")
    (2019, 2021)
    """
    m = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", text)
    if not m:
        raise ParameterError(f"Jahre {text!r} nicht lesbar.", hint="Form 2015-2024 oder 2023.")
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if first > last:
        raise ParameterError(f"Jahre {text!r}: das erste Jahr liegt nach dem letzten.")
    return first, last


def parse_regions(text: str | Sequence[str]) -> list[str]:
    """Parse a comma-separated list of AGS codes (a trailing ``*`` is a wildcard).

    Examples
    --------
    >>> parse_regions(["03*"])
    ['03*']
    """
    items = text.split(",") if isinstance(text, str) else list(text)
    codes = [c.strip() for c in items if c.strip()]
    bad = [c for c in codes if not _REGION.match(c)]
    if bad or not codes:
        raise ParameterError(
            f"Regionen {', '.join(bad) or '(leer)'} sind keine Gemeindeschlüssel (AGS).",
            hint="Kommagetrennte AGS angeben, z. B. 03251,03241 oder 03* für alle in Niedersachsen.",
        )
    return codes


def _check_table(table: str) -> None:
    if not _TABLE.match(table):
        raise ParameterError(
            f"{table!r} ist kein Tabellencode.",
            hint="Z. B. 12411-01-01-4 (regio), 12411-0001 (genesis) oder BW-D07.1i (bildung).",
        )


def _stand(updated: str) -> tuple[str, str]:
    """Return (ISO date, ISO timestamp) of ``Updated`` such as ``31.03.2025 11:18:07h``.

    Anything that is not a date gives ``("", "")``: the table is then always
    downloaded, never taken from the cache for an unknown ``Stand``.

    Examples
    --------
    >>> _stand("31.03.2025 11:18:07h"), _stand("see parent")
    (('2025-03-31', '2025-03-31T11:18:07'), ('', ''))
    """
    m = re.match(r"\s*(\d{2})\.(\d{2})\.(\d{4})(?:\s+(\d{2}):(\d{2}):(\d{2}))?", updated or "")
    if not m:
        return "", ""
    d, mo, y, hh, mm, ss = m.groups()
    date = f"{y}-{mo}-{d}"
    return date, f"{date}T{hh}:{mm}:{ss}" if hh else date


def _attribution(copyright_text: str, db: Database) -> tuple[str, str]:
    text = " ".join(copyright_text.split())
    if not text:
        return db.attribution, db.licence
    first = text.split(". ")[0].rstrip(".")
    licence = DL_DE_BY if "Datenlizenz Deutschland" in text else db.licence
    return first, licence


def fetch_file(
    table: str,
    *,
    database: str | Database = "regio",
    regions: Sequence[str] | str | None = None,
    years: tuple[int, int] | str | None = None,
    cache_dir: Path | str | None = None,
    refresh: bool = False,
    offline: bool = False,
    credentials: Credentials | None = None,
    client: GenesisClient | None = None,
    progress: Progress | None = None,
) -> tuple[Path, dict[str, Any]]:
    """Fetch a table (or take it from the cache); return the cached ZIP and its provenance.

    The parameters are explained at :func:`fetch_table`.

    Returns
    -------
    tuple of (pathlib.Path, dict)
        The ZIP in the cache and the provenance (see :func:`fetch_table`).
    """
    _check_table(table)
    db = client.database if client is not None else None
    if db is None:
        db = database if isinstance(database, Database) else resolve_database(database)
    params: dict[str, str] = {}
    if years is not None:
        first, last = parse_years(years) if isinstance(years, str) else years
        params.update(startyear=str(first), endyear=str(last))
    if regions is not None:
        params["regionalkey"] = ",".join(parse_regions(regions))
    language = client.language if client is not None else "de"
    cache = TableCache(Path(cache_dir) if cache_dir is not None else default_cache_dir())
    key = cache.key(db.url, table, {**params, "language": language})
    if offline:
        path = cache.latest(key)
        if path is None:
            raise WebServiceError(
                f"Tabelle {table} ({db.title}) ist nicht im Zwischenspeicher {cache.root}.",
                hint="Einmal mit Netzverbindung (ohne --offline) abrufen.",
            )
        return path, {**cache.provenance(path), "from_cache": True}
    own = client is None
    if client is None:
        creds = credentials or load_credentials(db)
        client = GenesisClient(db, creds, progress=progress)
    try:
        try:
            meta = client.metadata_table(table)
        except ServiceUnavailableError:
            stale = cache.latest(key)
            if stale is None:
                raise
            when = cache.provenance(stale).get("fetched")
            client.notify(f"Dienst nicht erreichbar; gespeicherte Fassung vom {when} genutzt")
            return stale, {**cache.provenance(stale), "from_cache": True}
        stand, updated = _stand(str(meta.get("Updated") or ""))
        if not refresh and updated:
            hit = cache.lookup(key, updated)
            if hit is not None:
                return hit, {**cache.provenance(hit), "from_cache": True}
        data = client.tablefile(table, params)
    finally:
        if own:
            client.close()
    attribution, licence = _attribution(str(meta.get("Copyright") or ""), db)
    provenance = {
        "table": table,
        "title": " ".join(str(meta.get("Content") or "").split()),
        "database": db.key,
        "database_url": db.url,
        "fetched": datetime.now(UTC).isoformat(timespec="seconds"),
        "stand": stand or None,
        "updated": updated or None,
        "licence": licence,
        "attribution": attribution,
        "parameters": {**params, "language": language},
    }
    path = cache.store(key, updated or "ohne-stand", data, provenance)
    return path, {**provenance, "from_cache": False}


def fetch_table(table: str, **kwargs: Any) -> pd.DataFrame:
    """Fetch a table from a GENESIS web service and read it like :func:`read_genesis`.

    The table is asked for as flat CSV ("ffcsv"). Its ``Stand`` is looked up
    first (``metadata/table``); a copy with that ``Stand`` in the local cache
    is used without downloading again. Tables too large for a direct answer
    are fetched through a background job.

    Parameters
    ----------
    table : str
        Table code, e.g. ``21111-02-06-4`` (regio), ``12411-0001`` (genesis).
    **kwargs
        Keyword arguments of :func:`fetch_file`:

    database : str or Database
        ``regio`` (Regionaldatenbank), ``genesis`` (GENESIS-Online),
        ``bildung`` (Kommunale Bildungsdatenbank) or the ``https`` URL of
        another GENESIS web service (``…/rest/2020/``).
    regions : list of str or str, optional
        AGS codes (``regionalkey``), e.g. ``["03251"]`` or ``"03*"``.
    years : tuple of int, optional
        First and last year (``startyear``/``endyear``).
    cache_dir : path, optional
        Cache folder; default ``$DKBM_GENESIS_CACHE`` or ``~/.cache/dkbm/genesis``.
    refresh : bool
        Download even if the cache has the current ``Stand``.
    credentials : Credentials, optional
        Default: environment or config file (see :func:`load_credentials`).
    offline : bool
        Use only the cache (newest stored copy), no network.
    client : GenesisClient, optional
        A configured client (timeouts, retries, transport); its database wins.
    progress : callable, optional
        Receives German progress messages.

    Returns
    -------
    pandas.DataFrame
        Exactly :func:`read_genesis` of the delivered file; ``attrs["provenance"]``
        holds ``table``, ``title``, ``database``, ``database_url``, ``fetched``
        (UTC time of the download), ``stand`` (ISO date), ``updated``,
        ``licence``, ``attribution``, ``parameters`` and ``from_cache``.

    Raises
    ------
    CredentialsError, TableNotFoundError, RateLimitError, ServiceTimeoutError, JobError, WebServiceError
        Clear German messages; none contains the password.

    Examples
    --------
    >>> fetch_table("12411-01-01-4", offline=True, cache_dir="/nonexistent")
    Traceback (most recent call last):
    ...
    toolkit.io.genesis_ws._errors.WebServiceError: Tabelle 12411-01-01-4 (Regionaldatenbank Deutschland) ist nicht im Zwischenspeicher /nonexistent.
      Hinweis: Einmal mit Netzverbindung (ohne --offline) abrufen.
    """
    path, provenance = fetch_file(table, **kwargs)
    frame = read_genesis(path)
    frame.attrs["provenance"] = provenance
    return frame


def _single_csv(path: Path) -> tuple[str, bytes]:
    try:
        with zipfile.ZipFile(BytesIO(path.read_bytes())) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            if len(names) != 1:
                raise DataError(
                    f"Die gelieferte ZIP-Datei enthält {len(names)} CSV-Dateien statt einer.",
                    file=str(path),
                    hint="Mit --refresh erneut abrufen.",
                )
            return Path(names[0]).name, archive.read(names[0])
    except zipfile.BadZipFile:
        raise DataError(
            "Die gespeicherte Datei ist keine gültige ZIP-Datei.",
            file=str(path),
            hint="Mit --refresh erneut abrufen.",
        ) from None


def fetch_to_dir(table: str, out_dir: Path | str, **kwargs: Any) -> Path:
    """Fetch a table and write its flat CSV and ``<table>.meta.json`` to a folder.

    Parameters
    ----------
    table : str
        Table code.
    out_dir : path
        Target folder (created if needed).
    **kwargs
        As for :func:`fetch_table`.

    Returns
    -------
    pathlib.Path
        The CSV ``<table>_flat.csv`` (unchanged content as delivered). The
        metadata file has the provenance of :func:`fetch_table` and ``file``.

    Examples
    --------
    >>> fetch_to_dir("12411-01-01-4", "/tmp/x", offline=True, cache_dir="/nonexistent")
    Traceback (most recent call last):
    ...
    toolkit.io.genesis_ws._errors.WebServiceError: Tabelle 12411-01-01-4 (Regionaldatenbank Deutschland) ist nicht im Zwischenspeicher /nonexistent.
      Hinweis: Einmal mit Netzverbindung (ohne --offline) abrufen.
    """
    path, provenance = fetch_file(table, **kwargs)
    _, content = _single_csv(path)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{table}_flat.csv"
    target.write_bytes(content)
    meta = {**provenance, "file": target.name}
    (out / f"{table}.meta.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return target


def fetch_tables_to_dir(
    tables: Sequence[str],
    out_dir: Path | str,
    *,
    database: str | Database = "regio",
    credentials: Credentials | None = None,
    client: GenesisClient | None = None,
    progress: Progress | None = None,
    **kwargs: Any,
) -> list[Path]:
    """Fetch several tables of one database into a folder, a few at a time.

    One client is shared, so at most ``client.max_parallel`` (default 3)
    requests run at once; the first error stops the whole call. With
    ``offline=True`` only the cache is read (no credentials needed).

    Parameters
    ----------
    tables : sequence of str
        Table codes.
    out_dir : path
        Target folder.
    database, credentials, client, progress
        As for :func:`fetch_table`.
    **kwargs
        Further arguments of :func:`fetch_to_dir` (``years``, ``regions``,
        ``cache_dir``, ``refresh``), the same for every table.

    Returns
    -------
    list of pathlib.Path
        The CSV files, in the order of ``tables``.

    Examples
    --------
    >>> fetch_tables_to_dir([], "/tmp/none", credentials=Credentials("a", "b"))
    []
    """
    if not tables:
        return []
    for table in tables:
        _check_table(table)
    if kwargs.get("offline"):
        return [fetch_to_dir(t, out_dir, database=database, **kwargs) for t in tables]
    own = client is None
    if client is None:
        db = database if isinstance(database, Database) else resolve_database(database)
        client = GenesisClient(db, credentials or load_credentials(db), progress=progress)
    try:
        with ThreadPoolExecutor(max_workers=min(client.max_parallel, len(tables))) as pool:
            jobs = [
                pool.submit(fetch_to_dir, table, out_dir, client=client, **kwargs)
                for table in tables
            ]
            return [job.result() for job in jobs]
    finally:
        if own:
            client.close()
