"""Reviewable differences between two versions of a template or a bundle (nbdime).

``dkbm templates diff OLD NEW`` takes two notebooks, two bundles (folders
or ``.zip``) or template names, pairs the templates by name and prints

- the changed manifest fields (version, author, toolkit range, requirements)
  and the changelog sections new in NEW,
- per template, nbdime's cell-by-cell diff of the notebook (sources and
  metadata, e.g. the parameter schema; outputs are never stored).

Examples
--------
>>> import io
>>> from toolkit.reports.registry import get_template
>>> out = io.StringIO()
>>> path = get_template("uebergaenge").path
>>> diff_templates(path, path, out=out)
0
>>> out.getvalue().strip()
'Keine Unterschiede.'
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any, TextIO

from toolkit.errors import TemplateError
from toolkit.reports.bundles._install import open_bundle
from toolkit.reports.bundles._manifest import (
    CHANGELOG_NAME,
    MANIFEST_NAME,
    changelog_sections,
    read_manifest_file,
)
from toolkit.reports.bundles._pack import bundle_templates

__all__ = ["diff_templates"]

_MANIFEST_FIELDS = ("name", "version", "author", "description", "toolkit", "requires")


def _side(spec: str | Path, stack: contextlib.ExitStack) -> tuple[dict[str, Path], Path | None]:
    """Return (template name -> notebook, bundle folder or None) for one side of the diff."""
    path = Path(spec)
    if path.suffix == ".ipynb" and path.is_file():
        from toolkit.reports.template import load_template

        return {load_template(path).name: path}, None
    if path.is_dir() or path.suffix == ".zip":
        folder = stack.enter_context(open_bundle(path))
        templates, problems = bundle_templates(folder)
        if not templates:
            raise TemplateError("Keine Vorlage zum Vergleichen", file=str(path), problems=problems)
        is_bundle = (folder / MANIFEST_NAME).is_file()
        return {t.name: t.path for t in templates}, folder if is_bundle else None
    from toolkit.reports.registry import get_template

    template = get_template(str(spec))
    return {template.name: template.path}, None


def _manifest_lines(old: Path, new: Path) -> list[str]:
    a = read_manifest_file(old / MANIFEST_NAME).to_dict()
    b = read_manifest_file(new / MANIFEST_NAME).to_dict()
    lines = []
    for key in _MANIFEST_FIELDS:
        if a.get(key) != b.get(key):
            lines += [f"- {key}: {a.get(key)!r}", f"+ {key}: {b.get(key)!r}"]
    old_log = new_log = {}
    if (old / CHANGELOG_NAME).is_file():
        old_log = changelog_sections((old / CHANGELOG_NAME).read_text(encoding="utf-8"))
    if (new / CHANGELOG_NAME).is_file():
        new_log = changelog_sections((new / CHANGELOG_NAME).read_text(encoding="utf-8"))
    added = [text for version, text in new_log.items() if version not in old_log]
    if added:
        lines += ["", "Neu im CHANGELOG:", *added]
    return lines


def _label(spec: str | Path, notebook: Path) -> str:
    return str(spec) if Path(spec).suffix == ".ipynb" else f"{spec}:{notebook.name}"


def _read(path: Path) -> Any:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:  # ids differ between copies of one notebook and say nothing
        cell.pop("id", None)
    return nb


def diff_templates(
    old: str | Path, new: str | Path, *, out: TextIO | None = None, color: bool = False
) -> int:
    """Print the differences between two templates or bundles.

    Parameters
    ----------
    old, new : str or path-like
        Notebook files, bundle folders or ``.zip`` files, or template names.
    out : text stream, optional
        Where to print (default: standard output).
    color : bool
        Colour the diff (for a terminal).

    Returns
    -------
    int
        0 when there is no difference, 1 otherwise (like ``diff``).
    """
    import nbdime
    from nbdime.prettyprint import PrettyPrintConfig, pretty_print_notebook_diff

    out = out if out is not None else sys.stdout
    config = PrettyPrintConfig(out=out, use_git=False, use_diff=False, use_color=color)
    changed = False
    with contextlib.ExitStack() as stack:
        a, a_bundle = _side(old, stack)
        b, b_bundle = _side(new, stack)
        if a_bundle is not None and b_bundle is not None:
            lines = _manifest_lines(a_bundle, b_bundle)
            if lines:
                changed = True
                out.write(f"Paket: {old} -> {new}\n" + "\n".join(lines) + "\n\n")
        single = len(a) == 1 and len(b) == 1
        pairs = [(n, n) for n in a if n in b]
        if not pairs and single:  # one template each, renamed: compare them anyway
            pairs = [(next(iter(a)), next(iter(b)))]
        for name in sorted(set(a) - set(b)) if not single else []:
            changed = True
            out.write(f"Vorlage {name}: nur in {old}\n")
        for name in sorted(set(b) - set(a)) if not single else []:
            changed = True
            out.write(f"Vorlage {name}: neu in {new}\n")
        for left, right in pairs:
            nb_a, nb_b = _read(a[left]), _read(b[right])
            delta = nbdime.diff_notebooks(nb_a, nb_b)
            if delta:
                changed = True
                label_a, label_b = _label(old, a[left]), _label(new, b[right])
                pretty_print_notebook_diff(label_a, label_b, nb_a, delta, config)
    if not changed:
        out.write("Keine Unterschiede.\n")
    return int(changed)
