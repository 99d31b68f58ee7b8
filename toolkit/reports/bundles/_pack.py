"""Pack and verify a template bundle folder.

Examples
--------
>>> from toolkit.reports.registry import get_template
>>> [t.name for t in bundle_templates(get_template("uebergaenge").path.parent)[0]][-1]
'vertragsloesungen'
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from toolkit.errors import Problem, TemplateError
from toolkit.reports.bundles._manifest import (
    CHANGELOG_NAME,
    MANIFEST_NAME,
    bundle_files,
    changelog_sections,
    combined_checksum,
    read_manifest_file,
    sha256_file,
)
from toolkit.reports.template import Template, load_template

__all__ = ["PAIRING", "bundle_templates", "pack_bundle", "twin_problems", "verify_bundle"]

#: jupytext metadata pairing a template with its ``.py`` twin (schema included).
PAIRING = {"formats": "ipynb,py:percent", "notebook_metadata_filter": "dkbm"}


def twin_problems(notebook: Path, *, write_missing: bool = False) -> list[Problem]:
    """Compare a template notebook with its jupytext twin ``NAME.py``.

    Parameters
    ----------
    notebook : pathlib.Path
        The ``.ipynb`` file.
    write_missing : bool
        Write the twin when it does not exist yet.

    Returns
    -------
    list of Problem
        A missing twin (when not written), or cells or metadata that differ.

    Examples
    --------
    >>> from toolkit.reports.registry import get_template
    >>> twin_problems(get_template("uebergaenge").path)
    []
    """
    import jupytext

    twin = notebook.with_suffix(".py")
    nb = jupytext.read(notebook)
    if not twin.is_file():
        if write_missing:
            if "formats" not in nb.metadata.get("jupytext", {}):
                # pair the two files (JupyterLab keeps them in step) and keep the schema in the twin
                nb.metadata["jupytext"] = {**PAIRING, **nb.metadata.get("jupytext", {})}
                jupytext.write(nb, notebook)
            jupytext.write(nb, twin, fmt="py:percent")
            return []
        return [
            Problem(
                f"{twin.name} (jupytext-Zwilling) fehlt",
                hint=f"jupytext --set-formats ipynb,py:percent {notebook.name}",
            )
        ]
    other = jupytext.read(twin)
    cells = [(c.cell_type, c.source.strip()) for c in nb.cells]
    if cells != [(c.cell_type, c.source.strip()) for c in other.cells] or nb.metadata.get(
        "dkbm"
    ) != other.metadata.get("dkbm"):
        return [
            Problem(
                f"{notebook.name} und {twin.name} weichen voneinander ab",
                hint=f"die neuere Fassung übernehmen: jupytext --sync {notebook.name}",
            )
        ]
    return []


def bundle_templates(folder: Path) -> tuple[list[Template], list[Problem]]:
    """Load every template notebook of a bundle folder (strictly).

    Returns
    -------
    templates : list of Template
    problems : list of Problem
        Broken templates (file and reason), duplicate names, no template.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     bundle_templates(Path(d))[1][0].message
    'keine Vorlage (*.ipynb mit metadata dkbm) im Paket'
    """
    templates, problems = [], []
    for path in sorted(folder.glob("*.ipynb")):
        try:
            templates.append(load_template(path))
        except TemplateError as exc:
            problems.append(Problem(f"{path.name}: {exc.message}"))
            problems.extend(Problem(f"{path.name}: {p.describe()}") for p in exc.problems)
    names = [t.name for t in templates]
    problems.extend(
        Problem(f"zwei Vorlagen heißen {n!r}") for n in set(names) if names.count(n) > 1
    )
    if not templates and not problems:
        problems.append(Problem("keine Vorlage (*.ipynb mit metadata dkbm) im Paket"))
    return templates, problems


def _entries(templates: list[Template]) -> dict[str, dict[str, Any]]:
    return {
        t.name: {
            "file": t.path.name,
            "twin": t.path.with_suffix(".py").name,
            "title": t.title,
            "version": t.version,
            "requires": t.requires.to_dict(),
            "parameters": {n: s.to_dict() for n, s in t.parameters.items()},
        }
        for t in templates
    }


def _union(templates: list[Template]) -> dict[str, list[str]]:
    tables = dict.fromkeys(x for t in templates for x in t.requires.all_tables())
    indicators = dict.fromkeys(x for t in templates for x in t.requires.all_indicators())
    return {"tables": list(tables), "indicators": list(indicators)}


def verify_bundle(
    folder: str | Path, toolkit_version: str | None = None, *, packed: bool = True
) -> list[Problem]:
    """Check an unpacked bundle: manifest, checksums, changelog, twins, templates.

    Parameters
    ----------
    folder : str or path-like
        Bundle folder (a ``.zip`` is unpacked by
        :func:`toolkit.reports.bundle_install.open_bundle` first).
    toolkit_version : str, optional
        Toolkit version to check the range against (default: this one).
    packed : bool, default True
        Also check what ``pack`` writes (file list, checksums, the templates'
        entries); False for a working folder not packed since its last edit.

    Returns
    -------
    list of Problem
        Empty when the bundle is fine.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     verify_bundle(d)[0].message
    'Paket-Manifest kann nicht gelesen werden'
    """
    from toolkit import __version__

    folder = Path(folder)
    try:
        manifest = read_manifest_file(folder / MANIFEST_NAME)
    except TemplateError as exc:
        return [Problem(exc.message, hint=exc.hint), *exc.problems]
    problems = []
    if (bad := manifest.toolkit_problem(toolkit_version or __version__)) is not None:
        problems.append(bad)
    actual = {name: sha256_file(folder / name) for name in bundle_files(folder)}
    for name, digest in manifest.files.items() if packed else ():
        if name not in actual:
            problems.append(Problem(f"{name} fehlt im Paket"))
        elif actual[name] != digest:
            problems.append(
                Problem(
                    f"{name}: Prüfsumme stimmt nicht (nach dem Packen verändert)",
                    hint="das Paket neu packen (dkbm templates pack) oder neu herunterladen",
                )
            )
    for name in sorted(set(actual) - set(manifest.files)) if packed else ():
        problems.append(Problem(f"{name} steht nicht im Manifest", hint="neu packen"))
    if packed and manifest.checksum != combined_checksum(manifest.files):
        problems.append(Problem("Gesamtprüfsumme des Manifests stimmt nicht", hint="neu packen"))
    problems.extend(_changelog_problems(folder, manifest.version))
    templates, more = bundle_templates(folder)
    problems.extend(more)
    for t in templates:
        problems.extend(twin_problems(t.path))
        if packed and manifest.templates.get(t.name) != _entries([t])[t.name]:
            problems.append(
                Problem(f"Vorlage {t.name}: Manifest passt nicht zur Vorlage", hint="neu packen")
            )
    for name in set(manifest.templates) - {t.name for t in templates} if packed else ():
        problems.append(Problem(f"Vorlage {name} steht im Manifest, fehlt aber"))
    return problems


def _changelog_problems(folder: Path, version: str) -> list[Problem]:
    path = folder / CHANGELOG_NAME
    if not path.is_file():
        return [Problem(f"{CHANGELOG_NAME} fehlt", hint=f"mit einem Abschnitt '## {version}'")]
    if version not in changelog_sections(path.read_text(encoding="utf-8")):
        return [
            Problem(
                f"{CHANGELOG_NAME} hat keinen Abschnitt für Version {version}",
                hint=f"'## {version} (Datum)' mit den Änderungen ergänzen",
            )
        ]
    return []


def pack_bundle(folder: str | Path, out_dir: str | Path | None = None) -> Path:
    """Write the manifest of a bundle folder and pack it into ``NAME-VERSION.zip``.

    Name, version, author, description and toolkit range are taken from the
    folder's ``dkbm-bundle.json`` (``dkbm templates new`` writes one); the
    templates, their schema and requirements, the checksums are (re)written.
    Missing jupytext twins are written; twins that differ are an error.

    Parameters
    ----------
    folder : str or path-like
        Bundle folder.
    out_dir : str or path-like, optional
        Where the zip goes (default: next to the folder).

    Returns
    -------
    pathlib.Path
        The zip file.

    Raises
    ------
    toolkit.errors.TemplateError
        Listing every problem (broken template, twin out of date, no
        changelog entry for the version, bad manifest fields).

    Examples
    --------
    >>> pack_bundle("/nirgends")
    Traceback (most recent call last):
    toolkit.errors.TemplateError: Paket-Manifest kann nicht gelesen werden
    ...
    """
    folder = Path(folder).resolve()
    base = read_manifest_file(folder / MANIFEST_NAME)
    templates, problems = bundle_templates(folder)
    for t in templates:
        problems.extend(twin_problems(t.path, write_missing=True))
    problems.extend(_changelog_problems(folder, base.version))
    if problems:
        raise TemplateError(
            f"Paket {base.name} kann nicht gepackt werden", file=str(folder), problems=problems
        )
    files = {name: sha256_file(folder / name) for name in bundle_files(folder)}
    manifest = replace(
        base,
        templates=_entries(templates),
        requires=_union(templates),
        files=files,
        checksum=combined_checksum(files),
    )
    text = json.dumps(manifest.to_dict(), indent=2, ensure_ascii=False) + "\n"
    (folder / MANIFEST_NAME).write_text(text, encoding="utf-8")
    target = Path(out_dir) if out_dir is not None else folder.parent
    target.mkdir(parents=True, exist_ok=True)
    archive = target / f"{manifest.name}-{manifest.version}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in [MANIFEST_NAME, *files]:  # fixed order and time: same input, same zip
            info = zipfile.ZipInfo(f"{manifest.name}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, (folder / name).read_bytes())
    return archive
