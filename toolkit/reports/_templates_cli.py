"""Sub-commands ``dkbm templates list|show|new|validate|pack|install|remove|diff``.

Registered by :func:`toolkit.reports._cli.register` (one hook line there).

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="dkbm")
>>> register(parser.add_subparsers())
>>> parser.parse_args(["templates", "install", "ganztag-1.0.0.zip"]).func.__name__
'_install'
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from toolkit.errors import Problem, TemplateError

__all__ = ["register"]

#: What ``dkbm templates new`` starts from: the guide's worked example, else a shipped template.
NEW_FROM_EXAMPLE = "ganztag.ipynb"
NEW_FROM_TEMPLATE = "uebergaenge"


def register(subparsers: Any) -> None:
    """Add ``dkbm templates`` with its eight actions.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        Where ``templates`` is added (``toolkit.reports._cli`` passes the
        ``dkbm`` sub-commands).

    Examples
    --------
    >>> from argparse import ArgumentParser
    >>> top = ArgumentParser(prog="dkbm")
    >>> register(top.add_subparsers())
    >>> top.parse_args(["templates", "diff", "a.zip", "b.zip"]).func.__name__
    '_diff'
    """
    tp = subparsers.add_parser("templates", help="Berichtsvorlagen anzeigen, prüfen und teilen")
    tsub = tp.add_subparsers(dest="templates_command", metavar="AKTION")
    where = "nur in diesem Ordner suchen (Standard: eigene Vorlagen, dann mitgelieferte)"

    def action(name: str, func: Any, text: str, *, search: bool = True) -> Any:
        p = tsub.add_parser(name, help=text, description=text)
        if search:
            p.add_argument("--templates-dir", default=None, help=where)
        p.set_defaults(func=func)
        return p

    action("list", _list, "alle Vorlagen mit Version und Herkunft auflisten, fehlerhafte mit Grund")
    action("show", _show, "Parameter, Version und Datenbedarf einer Vorlage zeigen").add_argument(
        "name"
    )
    p = action("new", _new, "neues Vorlagenpaket aus einer Vorlage beginnen", search=False)
    p.add_argument("name", help="Paketname, z. B. ganztag-nord")
    p.add_argument("--author", required=True, help="Autor*in und Organisation")
    p.add_argument("--from", dest="source", default=None, help="Ausgangsvorlage (Name oder Datei)")
    p.add_argument("--template", default=None, help="Name der neuen Vorlage")
    p.add_argument("--title", default=None, help="Titel der neuen Vorlage")
    p.add_argument("--out", default=".", help="Ordner, in dem das Paket angelegt wird")
    p = action("validate", _validate, "Vorlage oder Paket streng prüfen und einmal ausführen")
    p.add_argument("target", metavar="ZIEL", help="Vorlagenname, .ipynb, Paketordner oder .zip")
    p.add_argument("--data", default=None, help="Datenverzeichnis (Standard: Beispieldaten)")
    p.add_argument("--no-run", action="store_true", help="keinen Probelauf")
    p.add_argument(
        "--intern",
        action="store_true",
        help="Vorlage nur für den Dienstgebrauch: ohne die Prüfung auf geschützte Daten",
    )
    p = action("pack", _pack, "Paketordner prüfen, Manifest schreiben, .zip packen", search=False)
    p.add_argument("folder", metavar="ORDNER")
    p.add_argument("--out", default=None, help="Zielordner der .zip (Standard: neben ORDNER)")
    p = action("install", _install, "Paket (.zip oder Ordner) installieren", search=False)
    p.add_argument("source", metavar="PAKET")
    p.add_argument("--force", action="store_true", help="auch ältere oder gleiche Version")
    p = action("remove", _remove, "installiertes Paket entfernen", search=False)
    p.add_argument("name", help="Paketname oder Name einer Vorlage darin")
    p = action(
        "diff", _diff, "zwei Fassungen einer Vorlage oder eines Pakets vergleichen", search=False
    )
    p.add_argument("old", metavar="ALT")
    p.add_argument("new", metavar="NEU")
    p.add_argument("--color", action="store_true", help="farbig")
    tp.set_defaults(func=lambda args: tp.print_help() or 1)


def _problems(head: str, problems: list[Problem]) -> None:
    print(head)
    for p in problems:
        print(f"    - {p.describe()}")


def _list(args: argparse.Namespace) -> int:
    from toolkit.reports.registry import scan_templates

    catalog = scan_templates(args.templates_dir)
    print("Suchpfad: " + "; ".join(str(p) for p in catalog.searched))
    if catalog.templates:
        width = max(len(t.name) for t in catalog.templates)
        vwidth = max(len(t.version) for t in catalog.templates)
        for t in catalog.templates:
            print(f"{t.name.ljust(width)}  {t.version.ljust(vwidth)}  {t.title}  [{t.origin}]")
            for w in t.warnings:
                print(f"{'':{width}}  Warnung: {w.describe()}")
    else:
        print("Keine nutzbaren Vorlagen.")
    if catalog.broken:
        print("\nFehlerhafte Vorlagen (werden nicht ausgeführt):")
        for b in catalog.broken:
            print(f"  {b.name} ({b.path}): {b.reason}")
    return 0 if catalog.templates else 1


def _show(args: argparse.Namespace) -> int:
    from toolkit.reports.registry import get_template

    t = get_template(args.name, args.templates_dir)
    print(f"{t.title} ({t.name}), Version {t.version}")
    print(f"Datei: {t.path}  [{t.origin}]")
    if t.description:
        print(t.description)
    print("\nParameter:")
    for spec in t.parameters.values():
        print(f"  {spec.describe()}")
        if spec.help:
            print(f"      {spec.help}")
    req = t.requires
    print("\nBraucht Tabellen: " + (", ".join(req.tables) or "-"))
    if req.optional_tables:
        print("Liest, wenn vorhanden: " + ", ".join(req.optional_tables))
    print("Indikatoren: " + (", ".join(req.indicators) or "-"))
    for name, values in req.variants.items():
        for value, more in values.items():
            tables, codes = ", ".join(more.tables) or "-", ", ".join(more.indicators) or "-"
            print(f"  {name}={value}: Tabellen {tables}; Indikatoren {codes}")
    for w in t.warnings:
        print(f"Warnung: {w.describe()}")
    return 0


def _new(args: argparse.Namespace) -> int:
    from toolkit._resources import shipped_dir
    from toolkit.reports.bundles import new_bundle
    from toolkit.reports.registry import get_template

    example = shipped_dir("beispiele") / NEW_FROM_EXAMPLE
    if args.source is not None:
        start = get_template(args.source)
    elif example.is_file():  # the worked example of docs/vorlagen_schreiben.md
        start = get_template(str(example))
    else:
        start = get_template(NEW_FROM_TEMPLATE)
    folder = new_bundle(
        args.out,
        args.name,
        author=args.author,
        source=start.path,
        template=args.template,
        title=args.title,
    )
    print(f"Neues Paket: {folder} (abgeleitet von {start.name} {start.version})")
    print("Weiter: Vorlage in JupyterLab bearbeiten, CHANGELOG.md ergänzen, dann")
    print(f"  dkbm templates validate {folder}\n  dkbm templates pack {folder}")
    return 0


def _targets(target: str, templates_dir: str | None, stack: Any) -> tuple[list, list[Problem]]:
    """Templates to validate and problems found on the way (bundle, broken templates)."""
    from toolkit.reports.bundles import MANIFEST_NAME, bundle_templates, open_bundle
    from toolkit.reports.bundles import verify_bundle as verify
    from toolkit.reports.registry import get_template, scan_templates

    path = Path(target)
    if path.suffix == ".zip" or (path.is_dir() and (path / MANIFEST_NAME).is_file()):
        folder = stack.enter_context(open_bundle(path))
        templates, _ = bundle_templates(folder)
        # a working folder need not be packed yet; a .zip must be exactly what was packed
        return templates, verify(folder, packed=path.suffix == ".zip")
    if path.is_dir():
        catalog = scan_templates(path)
        broken = [Problem(f"{b.name}: {b.reason}") for b in catalog.broken]
        return list(catalog.templates), broken
    try:
        return [get_template(target, templates_dir)], []
    except TemplateError as exc:  # a broken template: list its problems like the others
        return [], [Problem(exc.message, hint=exc.hint), *exc.problems]


def _internal(problem: Problem) -> Problem:
    return Problem(f"nicht zur Veröffentlichung: {problem.message}", hint=problem.hint)


def _trial_run(template: Any, data: str | None, *, internal: bool = False) -> list[Problem]:
    from toolkit.reports.running import run_batch

    defaults = template.defaults()
    region, period = defaults.get("region"), defaults.get("period")
    if region is None or period is None:
        return [Problem("kein Probelauf: region oder period ohne Standardwert")]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dkbm-probelauf-") as out:
        result = run_batch(
            template,
            regions=[str(region)],
            period=period,
            out=out,
            data_dir=data,
            progress=False,
            internal=internal,
        )
    seconds = time.perf_counter() - started
    if result.failed:
        return [Problem(f"Probelauf {region} {period}: {result.failed[0]['error']}")]
    print(f"  ok    Probelauf {region} {period}: {seconds:.1f} s")
    return []


def _validate(args: argparse.Namespace) -> int:
    import contextlib

    from toolkit.reports.runtime import load_dataset
    from toolkit.reports.template_checks import check_data, check_template_static

    failed = False
    with contextlib.ExitStack() as stack:
        templates, problems = _targets(args.target, args.templates_dir, stack)
        if problems:
            failed = True
            _problems(f"FEHLER {args.target}:", problems)
        dataset = load_dataset(args.data) if templates else None
        for t in templates:
            print(f"{t.name} {t.version} ({t.path})")
            for w in t.warnings:
                print(f"  Warnung: {w.describe()}")
            found = check_template_static(t, publication=not args.intern)
            # a template for publication reads protected data only (toolkit.blocks' rules)
            found = [p if p.column != "internal" else _internal(p) for p in found]
            found += check_data(t, dataset)
            if not found and not args.no_run:
                found += _trial_run(t, args.data, internal=args.intern)
            if found:
                failed = True
                _problems("  FEHLER:", found)
            else:
                print("  ok    Schema, Code, Daten" + (" (intern)" if args.intern else ""))
    print("Ergebnis: " + ("Fehler gefunden." if failed else "alles in Ordnung."))
    return 1 if failed else 0


def _pack(args: argparse.Namespace) -> int:
    from toolkit.reports.bundles import pack_bundle, read_manifest_file

    archive = pack_bundle(args.folder, args.out)
    manifest = read_manifest_file(Path(args.folder) / "dkbm-bundle.json")
    print(f"Gepackt: {archive}")
    print(f"  {manifest.name} {manifest.version}, Vorlagen: {', '.join(manifest.templates)}")
    print(f"  Prüfsumme (SHA-256): {manifest.checksum}")
    return 0


def _install(args: argparse.Namespace) -> int:
    from toolkit.reports.bundles import install_bundle

    done = install_bundle(args.source, force=args.force)
    m = done.manifest
    if done.unchanged:
        print(f"{m.name} {m.version} ist schon installiert ({done.path}).")
        return 0
    was = f" (vorher {done.previous})" if done.previous else ""
    print(f"Installiert: {m.name} {m.version}{was} nach {done.path}")
    print(f"  Vorlagen: {', '.join(m.templates)}; von {m.author}")
    for text in done.changes:
        print("\n" + text)
    return 0


def _remove(args: argparse.Namespace) -> int:
    from toolkit.reports.bundles import remove_bundle

    print(f"Entfernt: {remove_bundle(args.name)}")
    return 0


def _diff(args: argparse.Namespace) -> int:
    from toolkit.reports.bundles import diff_templates

    return diff_templates(args.old, args.new, color=args.color)
