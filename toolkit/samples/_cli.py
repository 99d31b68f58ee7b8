"""Sub-command ``dkbm samples generate``.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="dkbm")
>>> register(parser.add_subparsers())
>>> args = parser.parse_args(["samples", "generate", "--out", "x", "--kreise", "3"])
>>> args.kreise, args.seed, args.years, args.format
(3, 2026, '2015-2024', 'csv')
"""

from __future__ import annotations

import argparse
import time

__all__ = ["register"]


def _generate(args: argparse.Namespace) -> int:
    from toolkit.samples import generate

    start = time.perf_counter()
    files = generate(
        args.out, kreise=args.kreise, seed=args.seed, years=args.years, fmt=args.format
    )
    seconds = time.perf_counter() - start
    print(f"{len(files)} Dateien nach {args.out} geschrieben ({seconds:.1f} s).")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``samples generate`` to the ``dkbm`` parser.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The sub-parser collection of the main parser.

    Examples
    --------
    >>> import argparse
    >>> p = argparse.ArgumentParser()
    >>> register(p.add_subparsers())
    >>> p.parse_args(["samples", "generate", "--out", "d"]).out
    'd'
    """
    samples = subparsers.add_parser("samples", help="synthetische Beispieldaten (Musterland)")
    sub = samples.add_subparsers(dest="samples_command", metavar="BEFEHL", required=True)
    gen = sub.add_parser(
        "generate",
        help="Musterland erzeugen",
        description="Erzeugt alle Tabellen des fiktiven Landes 'Musterland' (Code 17) "
        "deterministisch aus einem Startwert.",
    )
    gen.add_argument("--out", required=True, help="Zielverzeichnis")
    gen.add_argument("--kreise", type=int, default=10, help="Zahl der Kreise (Standard 10)")
    gen.add_argument("--seed", type=int, default=2026, help="Startwert (Standard 2026)")
    gen.add_argument(
        "--years", default="2015-2024", help="Berichtsjahre, z. B. 2015-2024 (Standard)"
    )
    gen.add_argument(
        "--format", choices=("csv", "parquet"), default="csv", help="Dateiformat (Standard csv)"
    )
    gen.set_defaults(func=_generate)
