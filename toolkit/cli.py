"""Command-line interface ``dkbm``.

Each area of the toolkit contributes its own sub-commands through a
``register(subparsers)`` function in a private ``_cli`` module, so the areas
stay independent. This module only assembles them and turns toolkit errors
into readable messages with a non-zero exit code.

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


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with all sub-commands.

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
    parser = argparse.ArgumentParser(
        prog="dkbm",
        description="Werkzeuge für das datenbasierte kommunale Bildungsmanagement (DKBM).",
    )
    parser.add_argument("--version", action="store_true", help="Version anzeigen")
    subparsers = parser.add_subparsers(dest="command", metavar="BEFEHL")
    for name in _COMMAND_MODULES:
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

    parser = build_parser()
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
    except KeyboardInterrupt:
        print("Abgebrochen.", file=sys.stderr)
        return 130
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
