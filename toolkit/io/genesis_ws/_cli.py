"""``dkbm data fetch``: fetch a table from a GENESIS web service into a folder.

The ``dkbm data`` command group calls :func:`add_fetch_parser` with its
sub-parsers; :func:`register` adds a ``data`` group with only ``fetch`` when
no such group exists yet.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="dkbm")
>>> sub = parser.add_subparsers()
>>> add_fetch_parser(sub)
>>> args = parser.parse_args(["fetch", "21111-02-06-4", "--years", "2020-2023", "--out", "d"])
>>> args.tables, args.database, args.years, args.refresh
(['21111-02-06-4'], 'regio', '2020-2023', False)
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from toolkit.io.genesis_ws._client import GenesisClient
from toolkit.io.genesis_ws._config import load_credentials, resolve_database
from toolkit.io.genesis_ws._fetch import fetch_tables_to_dir, parse_regions, parse_years

__all__ = ["add_fetch_parser", "register", "run_fetch"]


def add_fetch_parser(subparsers: Any) -> None:
    """Add the ``fetch`` sub-command to a group's sub-parsers.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        What ``ArgumentParser.add_subparsers()`` returned for the group.
    """
    p = subparsers.add_parser(
        "fetch",
        help="Tabelle über den GENESIS-Webservice holen (flache CSV + Metadaten)",
        description=(
            "Holt eine Tabelle als flache CSV (ffcsv) aus der Regionaldatenbank (regio), "
            "GENESIS-Online (genesis), der Kommunalen Bildungsdatenbank (bildung) oder "
            "einer Landesdatenbank (https-Adresse). Zugangsdaten aus DKBM_GENESIS_USER/"
            "DKBM_GENESIS_PASSWORD (oder je Datenbank DKBM_GENESIS_REGIO_USER …) oder "
            "~/.config/dkbm/genesis.toml - nie auf der Kommandozeile."
        ),
    )
    p.add_argument(
        "tables", nargs="+", metavar="TABELLE", help="Tabellencode(s), z. B. 21111-02-06-4"
    )
    p.add_argument(
        "--database",
        default="regio",
        metavar="DB",
        help="regio (Standard), genesis, bildung oder https-Adresse …/rest/2020/",
    )
    p.add_argument("--regions", metavar="AGS,…", help="nur diese Regionen (AGS, 03* = alle in 03)")
    p.add_argument("--years", metavar="VON-BIS", help="nur diese Jahre, z. B. 2015-2024")
    p.add_argument("--out", required=True, metavar="ORDNER", help="Zielordner")
    p.add_argument("--refresh", action="store_true", help="neu laden, auch wenn gespeichert")
    p.add_argument("--offline", action="store_true", help="nur den Zwischenspeicher nutzen")
    p.add_argument("--cache-dir", metavar="ORDNER", help="Zwischenspeicher (~/.cache/dkbm/genesis)")
    p.add_argument(
        "--timeout", type=float, default=120.0, metavar="SEK", help="Wartezeit je Anfrage"
    )
    p.add_argument(
        "--job-timeout", type=float, default=3600.0, metavar="SEK", help="Wartezeit für Aufträge"
    )
    p.add_argument("--quiet", action="store_true", help="keine Fortschrittsmeldungen")
    p.set_defaults(func=run_fetch)


def _printer(quiet: bool) -> Any:
    tty = sys.stderr.isatty()

    def show(text: str) -> None:
        if quiet:
            return
        if tty:
            print(f"\r\033[K{text}", end="", file=sys.stderr, flush=True)
        else:
            print(text, file=sys.stderr, flush=True)

    return show


def run_fetch(args: argparse.Namespace) -> int:
    """Run ``dkbm data fetch``; return the exit code.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments of :func:`add_fetch_parser`.

    Returns
    -------
    int
        0 on success (errors raise :class:`toolkit.errors.DkbmError`).
    """
    db = resolve_database(args.database)
    show = _printer(args.quiet)
    kwargs: dict[str, Any] = {
        "regions": parse_regions(args.regions) if args.regions else None,
        "years": parse_years(args.years) if args.years else None,
        "cache_dir": args.cache_dir,
        "refresh": args.refresh,
        "offline": args.offline,
    }
    client = None
    if not args.offline:
        client = GenesisClient(
            db,
            load_credentials(db),
            timeout=args.timeout,
            job_timeout=args.job_timeout,
            progress=show,
        )
    try:
        paths = fetch_tables_to_dir(args.tables, args.out, database=db, client=client, **kwargs)
    finally:
        if client is not None:
            client.close()
        if sys.stderr.isatty() and not args.quiet:
            print(file=sys.stderr)
    for table, path in zip(args.tables, paths, strict=True):
        info = json.loads(path.with_name(f"{table}.meta.json").read_text(encoding="utf-8"))
        origin = "aus dem Zwischenspeicher" if info.get("from_cache") else "neu geladen"
        print(
            f"{table} ({db.title}, Stand {info.get('stand') or 'unbekannt'}, {origin}) "
            f"-> {path}\n  {info.get('attribution')}; {info.get('licence')}"
        )
    return 0


def register(subparsers: Any) -> None:
    """Add a ``dkbm data`` group with ``fetch`` unless a ``data`` command exists.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The top-level sub-parsers of ``dkbm``.
    """
    if "data" in getattr(subparsers, "choices", {}):
        return
    group = subparsers.add_parser("data", help="Amtliche Daten holen")
    add_fetch_parser(group.add_subparsers(dest="data_command", metavar="BEFEHL"))
