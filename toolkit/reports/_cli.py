"""Sub-commands ``dkbm run``, ``dkbm batch`` and ``dkbm report`` (and the hook of ``dkbm templates``).

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="dkbm")
>>> register(parser.add_subparsers())
>>> args = parser.parse_args(["batch", "fakten_check", "--regions", "kreise", "--period", "2024"])
>>> args.jobs, args.format
(1, 'html')
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from toolkit.errors import ParameterError, TemplateError
from toolkit.reports import _templates_cli

__all__ = ["register"]


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=WERT",
        help="weiterer Vorlagenparameter (mehrfach möglich)",
    )
    p.add_argument(
        "--format", default="html", help="Ausgabeformate: html,pdf,ipynb (Standard html)"
    )
    p.add_argument("--out", default="reports", help="Ausgabeverzeichnis (Standard reports)")
    p.add_argument("--data", default=None, help="Datenverzeichnis (Standard: Beispieldaten)")
    p.add_argument(
        "--timeout", type=float, default=900.0, help="Sekunden je Bericht (Standard 900)"
    )
    p.add_argument(
        "--bericht",
        default=None,
        help="bericht.toml (Herausgeber, Logo, Farbe, Kontakt); Standard: die im Datenverzeichnis",
    )
    p.add_argument("--templates-dir", default=None, help=argparse.SUPPRESS)


def register(subparsers: Any) -> None:
    """Add the report sub-commands to the ``dkbm`` parser.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The parser's sub-command collection.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> register(parser.add_subparsers())
    >>> parser.parse_args(["run", "fakten_check", "--region", "17", "--period", "2024"]).func.__name__
    '_run'
    """
    _templates_cli.register(subparsers)  # dkbm templates ...: toolkit/reports/_templates_cli.py

    rp = subparsers.add_parser("run", help="einen Bericht für eine Region erstellen")
    rp.add_argument("template", help="Name der Vorlage (dkbm templates list)")
    rp.add_argument("--region", required=True, help="AGS der Region")
    rp.add_argument("--period", required=True, help="Berichtsjahr")
    _add_common(rp)
    rp.set_defaults(func=_run)

    bp = subparsers.add_parser("batch", help="einen Bericht für viele Regionen erstellen")
    bp.add_argument("template", help="Name der Vorlage (dkbm templates list)")
    bp.add_argument(
        "--regions", required=True, help="all | kreise | gemeinden | DATEI | AGS,AGS,..."
    )
    bp.add_argument("--period", required=True, help="Berichtsjahr")
    bp.add_argument("--jobs", type=int, default=1, help="Berichte gleichzeitig (je ein Prozess)")
    bp.add_argument("--resume", action="store_true", help="aktuelle Berichte überspringen")
    bp.add_argument(
        "--retry-failed", action="store_true", help="nur laut Manifest fehlgeschlagene Regionen"
    )
    bp.add_argument("--executor", choices=("local", "dask"), default="local")
    bp.add_argument("--scheduler", default=None, help="Dask-Scheduler, z. B. tcp://HOST:8786")
    bp.add_argument("--no-progress", action="store_true", help="keinen Fortschrittsbalken")
    _add_common(bp)
    _add_intern(bp)
    bp.set_defaults(func=_batch)

    qp = subparsers.add_parser(
        "report", help="Quartalslauf: alle Vorlagen für alle Kreise und kreisfreien Städte"
    )
    qp.add_argument("--period", default=None, help="Berichtsjahr (Standard: aus der Vorlage)")
    qp.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    qp.add_argument("--regions", default="kreise", help=argparse.SUPPRESS)
    qp.add_argument("--no-progress", action="store_true", help="keinen Fortschrittsbalken")
    _add_common(qp)
    _add_intern(qp)
    qp.set_defaults(func=_report)


def _add_intern(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--intern",
        dest="internal",
        action="store_true",
        help="auch Vorlagen mit ungeschützten Daten (nur für den Dienstgebrauch, nicht "
        "zur Veröffentlichung)",
    )


def _use_bericht(args: argparse.Namespace) -> None:
    """Check ``--bericht`` now and hand it to every report (also in child processes)."""
    if getattr(args, "bericht", None):
        from toolkit.reports.layout import BERICHT_ENV, load_bericht_config

        load_bericht_config(path=args.bericht)  # a broken file fails before any report
        os.environ[BERICHT_ENV] = str(Path(args.bericht).expanduser().resolve())


def _warn_without_publisher(args: argparse.Namespace) -> None:
    """Say once when a publication run has no Herausgeber (every page would print the default)."""
    from toolkit.reports.layout import BerichtConfig, load_bericht_config
    from toolkit.reports.runtime import resolve_data_dir

    default = BerichtConfig().herausgeber
    if args.internal or load_bericht_config(resolve_data_dir(args.data)).herausgeber != default:
        return
    print(
        f"Hinweis: kein Herausgeber eingetragen, jede Seite nennt „{default}“. "
        "bericht.toml ins Datenverzeichnis legen oder --bericht DATEI angeben.",
        file=sys.stderr,
    )


def _common(args: argparse.Namespace) -> dict[str, Any]:
    """Keyword arguments of ``run_batch`` shared by ``dkbm run`` and ``dkbm batch``."""
    from toolkit.reports.params import parse_assignments
    from toolkit.reports.registry import get_template

    _use_bericht(args)
    template = get_template(args.template, args.templates_dir)
    names = ("period", "out", "timeout", "templates_dir")
    return {
        **{n: getattr(args, n) for n in names},
        **{"parameters": parse_assignments(template, args.param), "formats": args.format},
        "data_dir": args.data,
    }


def _run(args: argparse.Namespace) -> int:
    from toolkit.reports.running import run_batch

    # one report is no publication run: an internal template's pages carry their own mark
    result = run_batch(
        args.template, regions=[args.region], progress=False, internal=True, **_common(args)
    )
    for entry in result.entries:
        for name in entry.outputs if entry.status == "ok" else ():
            print(result.out_dir / name)
    if result.omitted:
        print("Nicht enthalten (fehlt in den Daten): " + "; ".join(result.omitted), file=sys.stderr)
    if result.failed:
        entry = result.failed[0]
        print(f"Fehlgeschlagen: {entry.error}", file=sys.stderr)
        if entry.outputs:
            print(f"Notebook mit Fehlerzelle: {result.out_dir / entry.outputs[0]}", file=sys.stderr)
    return result.exit_code


def _batch(args: argparse.Namespace) -> int:
    from toolkit.reports.running import run_batch

    names = ("regions", "jobs", "resume", "retry_failed", "executor", "scheduler", "internal")
    common = _common(args)
    _warn_without_publisher(args)
    result = run_batch(
        args.template,
        progress=not args.no_progress,
        **{n: getattr(args, n) for n in names},
        **common,
    )
    print(result.summary())
    print(f"Berichte und Manifest: {result.out_dir}")
    return result.exit_code


def _variants(template: Any) -> list[dict[str, str]]:
    """Return every combination of the template's variant parameters ([{}] when none)."""
    combos: list[dict[str, str]] = [{}]
    for name, labels in template.variants.items():
        combos = [{**c, name: value} for c in combos for value in labels]
    return combos


def _choose(templates: list[Any], data_dir: Any, period: Any) -> list[tuple[Any, dict, Any]]:
    """Template, variant and period of every report the data support; print what is skipped.

    A report is rendered when the data give its leading indicator
    (:func:`toolkit.reports.checks.supported`) in the period: ``--period``,
    else the template's default year, else the latest year the data have
    for it.
    """
    from toolkit.reports.checks import supported, table_years
    from toolkit.reports.params import validate_parameters
    from toolkit.reports.requirements import report_requirements
    from toolkit.reports.runtime import load_dataset, resolve_data_dir

    dataset = load_dataset(resolve_data_dir(data_dir))
    chosen, skipped = [], []
    for template in templates:
        spec = template.parameters.get("period")
        default = period if period is not None else getattr(spec, "default", None)
        for variant in _variants(template):
            probe = {**variant, "region": template.parameters["region"].default, "period": default}
            requires = report_requirements(template, validate_parameters(template, probe))
            years = [default]
            if period is None:  # else the latest year of the template's tables
                years += table_years(dataset.tables, requires.tables if requires else None)[::-1]
            found = [y for y in years if y is not None and supported(dataset, requires, y)[0]]
            name = f"{template.title} {_label(template, variant)}".strip()
            if found:
                chosen.append((template, variant, found[0]))
            else:
                skipped.append(f"  {name}: {supported(dataset, requires, default)[1]}")
    if skipped:
        print("Übersprungen (die Daten enthalten den Leitindikator nicht):", *skipped, sep="\n")
    return chosen


def _label(template: Any, variant: dict[str, str]) -> str:
    return " ".join(template.variants[n][v] for n, v in variant.items())


def _report(args: argparse.Namespace) -> int:
    from toolkit.reports.registry import default_templates_dir, scan_templates
    from toolkit.reports.running import run_batch

    _use_bericht(args)
    _warn_without_publisher(args)
    catalog = scan_templates(args.templates_dir)  # broken templates: listed, never run, exit 1
    templates = list(catalog.templates)
    for broken in catalog.broken:
        print(f"Fehlerhafte Vorlage übersprungen: {broken.name} ({broken.path}): {broken.reason}")
    if not templates:
        where = args.templates_dir or default_templates_dir()
        raise TemplateError(
            "Keine Berichtsvorlagen gefunden",
            file=str(where),
            hint="Vorlagen (*.ipynb mit metadata['dkbm']) in templates/ ablegen",
        )
    if args.param:
        raise ParameterError("dkbm report nimmt keine -p-Parameter", hint="dkbm batch verwenden")
    code = 0
    places = []
    chosen = _choose(templates, args.data, args.period)
    if not chosen:
        raise ParameterError(
            "Die Daten reichen für keinen Bericht", hint="Tabellen ergänzen (siehe oben)"
        )
    for template, variant, period in chosen:
        head = f"== {template.title} {_label(template, variant)} ({template.name}), {period}"
        print(head.replace("  ", " "), flush=True)
        result = run_batch(
            template,
            regions=args.regions,
            period=period,
            parameters=variant,
            formats=args.format,
            out=args.out,
            data_dir=args.data,
            jobs=args.jobs,
            resume=True,
            timeout=args.timeout,
            progress=not args.no_progress,
            internal=args.internal,
        )
        # regions without survey data have no survey report (NoSurveyDataError, issue #17):
        # `dkbm report` renders what the data support and says what it left out
        absent = [e for e in result.failed if str(e.error).startswith("NoSurveyDataError")]
        if absent:
            result = replace(result, entries=[e for e in result.entries if e not in absent])
        print(result.summary(), flush=True)
        if absent:
            print(
                f"Ohne Befragungsdaten, kein Bericht: {', '.join(e.region for e in absent)}",
                flush=True,
            )
        places.append(Path(result.out_dir).resolve())
        code = max(code, result.exit_code)
    print("\nBerichte liegen in:")
    for place in places:
        print(f"  {place}")
    return max(code, 1) if catalog.broken else code
