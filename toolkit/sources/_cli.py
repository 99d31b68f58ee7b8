"""``dkbm data``: build a data directory from official tables (and fetch them).

``dkbm data build SOURCES… --out DIR`` runs :func:`toolkit.sources.build.build`.
``dkbm data fetch`` comes from the GENESIS web service client
(:mod:`toolkit.io.genesis_ws`) when it is installed.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="dkbm")
>>> register(parser.add_subparsers())
>>> args = parser.parse_args(["data", "build", "a.csv", "b.xlsx", "--out", "daten"])
>>> args.sources, args.out, args.force
(['a.csv', 'b.xlsx'], 'daten', False)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

__all__ = ["register", "run_build"]


def run_build(args: argparse.Namespace) -> int:
    """Run ``dkbm data build`` and print what was written.

    Parameters
    ----------
    args : argparse.Namespace
        ``sources``, ``out``, ``force``, ``database``.

    Returns
    -------
    int
        0 on success (a DataError propagates to :func:`toolkit.cli.main`).

    Examples
    --------
    >>> ns = argparse.Namespace(sources=["/nicht/da.csv"], out="/tmp/x", force=False,
    ...                         database="regio")
    >>> run_build(ns)
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: Datei oder Verzeichnis nicht gefunden.
    ...
    """
    from toolkit.sources.build import build

    out = build(args.sources, args.out, overwrite=args.force, database=args.database)
    meta = json.loads((Path(out) / "meta.json").read_text(encoding="utf-8"))
    print(f"Datenverzeichnis geschrieben: {out}")
    for name, entry in meta["tables"].items():
        files = ", ".join(
            f"{s['table']} ({s.get('file')}, Stand {s.get('stand') or 'unbekannt'})"
            for s in entry["sources"]
        )
        print(f"  {name}: {files}")
    for skip in meta.get("skipped", []):
        what = f"({skip['table']}): speist keine Tabelle" if skip["table"] else "(keine Tabelle)"
        print(f"  übersprungen: {skip['file']} {what}")
    print(f"Weiter z. B. mit: dkbm indicators compute --data {out} --region 03251")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``data`` command group (``build``; ``fetch`` if available).

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        Result of ``parser.add_subparsers()``.

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> register(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["data", "build", "x", "--out", "d"]).command
    'data'
    """
    p = subparsers.add_parser(
        "data",
        help="amtliche Tabellen holen und zu einem Datenverzeichnis aufbereiten",
        description="Amtliche Tabellen (Regionalstatistik, GENESIS) in die Tabellen eines "
        "Datenverzeichnisses für --data DIR übertragen.",
    )
    sub = p.add_subparsers(dest="data_command", required=True)
    b = sub.add_parser(
        "build",
        help="Datenverzeichnis aus heruntergeladenen Tabellen bauen",
        description="Liest heruntergeladene Tabellen (Flat-CSV, CSV im Tabellenlayout, XLSX, "
        "auch .zip/.gz), Verzeichnisse davon, kommunale Tabellen wie transitions.csv oder "
        "Tabellencodes (über den GENESIS-Webservice) und schreibt ein geprüftes "
        "Datenverzeichnis mit regions.csv und meta.json (Quellen, Stand, Lizenz). Bei einem "
        "Fehler wird nichts geschrieben.",
    )
    b.add_argument("sources", nargs="+", help="Dateien, Verzeichnisse oder Tabellencodes")
    b.add_argument("--out", required=True, help="Zielverzeichnis")
    b.add_argument("--force", action="store_true", help="ein nicht leeres --out ersetzen")
    b.add_argument(
        "--database",
        default="regio",
        help="Datenbank für Tabellencodes (regio, genesis, bildung oder URL; Standard regio)",
    )
    b.set_defaults(func=run_build)
    try:
        from toolkit.io.genesis_ws._cli import add_fetch_parser
    except ImportError:
        return
    add_fetch_parser(sub)
