"""Command-line interface ``dkbm``.

Each area of the toolkit contributes its own sub-commands through a
``register(subparsers)`` function in a private ``_cli`` module, so the areas
stay independent. This module only assembles them and turns toolkit errors
into readable messages with a non-zero exit code. It imports only the module
of the command being run (``dkbm --help`` and ``--version`` import none), so
the command starts at once; a new command is added to :data:`_COMMANDS`.

Examples
--------
>>> parser = build_parser()
>>> parser.prog
'dkbm'
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any

from toolkit.errors import DkbmError

__all__ = ["build_parser", "main"]

# Modules providing ``register(subparsers)``; order = order in ``dkbm --help``.
_COMMAND_MODULES = (
    "toolkit.samples._cli",
    "toolkit.io._cli",
    "toolkit.sources._cli",
    "toolkit.indicators._cli",
    "toolkit.reports._cli",
    # `dkbm data fetch` (GENESIS web service); yields to a `data` group registered before it.
    "toolkit.io.genesis_ws._cli",
)


#: Top-level command -> (modules registering it, help line for ``dkbm --help``).
_COMMANDS: dict[str, tuple[tuple[str, ...], str]] = {
    "samples": (("toolkit.samples._cli",), "synthetische Beispieldaten (Musterland)"),
    "read": (("toolkit.io._cli",), "GENESIS-Export lesen oder eine kommunale Tabelle prüfen"),
    "data": (
        ("toolkit.sources._cli", "toolkit.io.genesis_ws._cli"),
        "amtliche Tabellen holen und zu einem Datenverzeichnis aufbereiten",
    ),
    "indicators": (
        ("toolkit.indicators._cli",),
        "Indikatorenkatalog anzeigen und Indikatoren berechnen",
    ),
    "templates": (
        ("toolkit.reports._cli",),
        "Berichtsvorlagen anzeigen, prüfen und teilen",
    ),
    "run": (("toolkit.reports._cli",), "einen Bericht für eine Region erstellen"),
    "batch": (("toolkit.reports._cli",), "einen Bericht für viele Regionen erstellen"),
    "report": (
        ("toolkit.reports._cli",),
        "Quartalslauf: alle Vorlagen für alle Kreise und kreisfreien Städte",
    ),
}


def _new_parser() -> tuple[argparse.ArgumentParser, Any]:
    parser = argparse.ArgumentParser(
        prog="dkbm",
        description="Werkzeuge für das datenbasierte kommunale Bildungsmanagement (DKBM).",
    )
    parser.add_argument("--version", action="store_true", help="Version anzeigen")
    return parser, parser.add_subparsers(dest="command", metavar="BEFEHL")


def _command_of(argv: Sequence[str]) -> str | None:
    """Return the top-level command in ``argv`` (None for ``--help``, ``--version`` or nothing)."""
    return next((a for a in argv if not a.startswith("-")), None)


def _overview_parser() -> argparse.ArgumentParser:
    parser, subparsers = _new_parser()
    for name, (_, text) in _COMMANDS.items():
        subparsers.add_parser(name, help=text)
    return parser


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Build the argument parser with all sub-commands (or only those of ``command``).

    Parameters
    ----------
    command : str, optional
        Import only the modules registering this command (all when unknown).

    Returns
    -------
    argparse.ArgumentParser
        Parser whose sub-commands set ``func`` to the function to call.

    Examples
    --------
    >>> p = build_parser()
    >>> isinstance(p, argparse.ArgumentParser)
    True
    """
    parser, subparsers = _new_parser()
    wanted = _COMMANDS[command][0] if command in _COMMANDS else _COMMAND_MODULES
    for name in [m for m in _COMMAND_MODULES if m in wanted]:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # Only tolerate the command module (or its package) being absent,
            # never a missing dependency inside it.
            if exc.name is None or not (name == exc.name or name.startswith(exc.name + ".")):
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``dkbm`` command.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        Exit code: 0 on success, 2 for a toolkit error, the command's own
        code otherwise.

    Examples
    --------
    >>> main(["--version"])
    dkbm-toolkit 0.1.0
    0
    """
    from toolkit import __version__

    argv = list(sys.argv[1:] if argv is None else argv)
    command = _command_of(argv)
    # help or version: list the commands without importing them
    parser = _overview_parser() if command is None else build_parser(command)
    args = parser.parse_args(argv)
    if args.version:
        print(f"dkbm-toolkit {__version__}")
        return 0
    if not getattr(args, "func", None):
        parser.print_help()
        return 1
    try:
        result = args.func(args)
    except DkbmError as exc:
        print(f"Fehler ({type(exc).__name__}): {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # Ctrl-C, or a batch stopped by a signal
        print(str(exc) or "Abgebrochen.", file=sys.stderr)
        return int(getattr(exc, "exit_code", 130))
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
