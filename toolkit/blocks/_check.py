"""Static checks of template code: protected data only, opt-out visible (private).

A publication template reads data only through :mod:`toolkit.blocks`. These
checks read a template's code (never run it) and find what could reach
unprotected data: imports from other modules, names such as ``compute_all``
or ``read_csv``, private attributes (``ctx._data``), raw tables
(``.tables``, ``.dataset``). The explicit opt-out
:func:`toolkit.blocks.internal_context` is allowed but makes the template
internal (:func:`uses_internal_data`); ``dkbm batch`` refuses it for
publication runs.
"""

from __future__ import annotations

import ast
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

from toolkit.errors import Problem, TemplateError

__all__ = [
    "ALLOWED_MODULES",
    "FORBIDDEN_NAMES",
    "OPT_OUT",
    "check_template",
    "template_code",
    "template_problems",
    "uses_internal_data",
]

#: Name of the opt-out (documented in docs/vorlagen_schreiben.md).
OPT_OUT = "internal_context"

#: Modules a publication template may import from.
ALLOWED_MODULES: tuple[str, ...] = ("toolkit.blocks", "toolkit.text", "toolkit.charts", "math")

#: Names that read or compute unprotected data, or hide what code does.
FORBIDDEN_NAMES: dict[str, str] = {
    "compute_all": "berechnet Indikatoren ohne Geheimhaltung",
    "read_dataset": "liest Rohdaten",
    "load_dataset": "liest Rohdaten",
    "read_table": "liest Rohdaten",
    "read_sample": "liest Rohdaten",
    "read_genesis": "liest Rohdaten",
    "unprotected_frame": "liefert ungeschützte Werte",
    "dataset": "Rohdaten des Kontexts",
    "tables": "Rohtabellen",
    "open": "liest Dateien",
    "exec": "führt verborgenen Code aus",
    "eval": "führt verborgenen Code aus",
    "compile": "führt verborgenen Code aus",
    "__import__": "importiert verborgen",
    "getattr": "greift verborgen auf Attribute zu",
    "globals": "greift verborgen auf Namen zu",
    "vars": "greift verborgen auf Namen zu",
}

_READERS = re.compile(r"^read_")
_MAGIC = re.compile(r"^\s*[%!]", re.M)


def template_code(path: str | os.PathLike[str]) -> list[str]:
    """Return the code cells of a template (``.ipynb`` or its jupytext ``.py`` twin).

    Examples
    --------
    >>> from toolkit.reports.registry import get_template
    >>> any("report_context" in c for c in template_code(get_template("fakten_check").path))
    True
    """
    path = Path(path)
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return [
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb.get("cells", [])
            if c.get("cell_type") == "code"
        ]
    import jupytext

    nb = jupytext.read(path)
    return [c.source for c in nb.cells if c.cell_type == "code"]


def _trees(cells: list[str]) -> Iterator[tuple[int, ast.AST | None, str]]:
    for index, source in enumerate(cells, start=1):
        code = _MAGIC.sub("pass  # magic", source)  # IPython magics are not Python
        try:
            yield index, ast.parse(code), ""
        except SyntaxError as exc:
            yield index, None, f"Syntaxfehler in Zeile {exc.lineno}: {exc.msg}"


def _cells(template: str | os.PathLike[str] | list[str]) -> list[str]:
    if isinstance(template, list):
        return template
    if isinstance(template, os.PathLike) or (
        isinstance(template, str) and "\n" not in template and template.endswith((".ipynb", ".py"))
    ):
        return template_code(template)
    return [str(template)]


def uses_internal_data(template: str | os.PathLike[str] | list[str]) -> bool:
    """Return True when template code uses the opt-out :func:`toolkit.blocks.internal_context`.

    Parameters
    ----------
    template : str, path or list of str
        Code (one string), the code cells, or the path of a template.

    Returns
    -------
    bool
        True for an internal template ("nur für den Dienstgebrauch").

    Examples
    --------
    >>> uses_internal_data("from toolkit.blocks import internal_context")
    True
    >>> uses_internal_data("ctx = report_context(data, '17051', 2024, topic='schule')")
    False
    """
    cells = _cells(template)
    for index, tree, _error in _trees(cells):
        if tree is None:  # code that does not parse is internal when it names the opt-out
            if OPT_OUT in cells[index - 1]:
                return True
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id == OPT_OUT:
                return True
            if isinstance(node, ast.Attribute) and node.attr == OPT_OUT:
                return True
            if isinstance(node, ast.ImportFrom) and any(a.name == OPT_OUT for a in node.names):
                return True
    return False


def _imports(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom):
        return ["." * node.level + (node.module or "")]
    return []


def _allowed(module: str) -> bool:
    return any(module == m or module.startswith(m + ".") for m in ALLOWED_MODULES)


def template_problems(template: str | os.PathLike[str] | list[str]) -> list[Problem]:
    """Find code in a template that could show unprotected data.

    Checks every code cell without running it: imports only from
    :data:`ALLOWED_MODULES`; none of :data:`FORBIDDEN_NAMES`, no ``read_*``
    function (``pandas.read_csv``), no private attribute (``ctx._data``).
    A template that uses the opt-out :func:`toolkit.blocks.internal_context`
    may do all of this (it is internal; see :func:`uses_internal_data`), so
    only syntax errors are reported for it.

    Parameters
    ----------
    template : str, path or list of str
        Code (one string), the code cells, or the path of a template.

    Returns
    -------
    list of toolkit.errors.Problem
        One problem per finding (``rows`` holds the line in its cell); empty
        when the template reads protected data only.

    Examples
    --------
    >>> [p.describe() for p in template_problems("from toolkit.indicators import compute_all")]
    ["Zeile 1: Zelle 1: Import aus 'toolkit.indicators' ist in einer Vorlage nicht erlaubt (Bausteine aus toolkit.blocks verwenden; für interne Auswertungen internal_context)", "Zeile 1: Zelle 1: 'compute_all' berechnet Indikatoren ohne Geheimhaltung (Bausteine aus toolkit.blocks verwenden; für interne Auswertungen internal_context)"]
    >>> template_problems("ctx = report_context(load_data(), '17051', 2024, topic='schule')")
    []
    """
    cells = _cells(template)
    internal = uses_internal_data(cells)
    hint = f"Bausteine aus toolkit.blocks verwenden; für interne Auswertungen {OPT_OUT}"
    found: list[Problem] = []
    for index, tree, error in _trees(cells):
        if tree is None:
            found.append(Problem(f"Zelle {index}: {error}", hint="Code der Zelle korrigieren"))
            continue
        if internal:
            continue
        for node in ast.walk(tree):
            line = (getattr(node, "lineno", 0) or 0,)
            for module in _imports(node):
                if not _allowed(module):
                    text = (
                        f"Zelle {index}: Import aus {module!r} ist in einer Vorlage nicht erlaubt"
                    )
                    found.append(Problem(text, rows=line, hint=hint))
            names: list[str] = []
            if isinstance(node, ast.Name):
                names = [node.id]
            elif isinstance(node, ast.Attribute):
                names = [node.attr]
                if node.attr.startswith("_"):
                    text = f"Zelle {index}: privates Attribut {node.attr!r} (interne Daten)"
                    found.append(Problem(text, rows=line, hint=hint))
            elif isinstance(node, ast.ImportFrom):
                names = [a.name for a in node.names]
            for name in names:
                why = FORBIDDEN_NAMES.get(name) or ("liest Dateien" if _READERS.match(name) else "")
                if why:
                    found.append(Problem(f"Zelle {index}: {name!r} {why}", rows=line, hint=hint))
    return found


def check_template(template: str | os.PathLike[str] | list[str]) -> None:
    r"""Raise when a template could show unprotected data (see :func:`template_problems`).

    Raises
    ------
    TemplateError
        Listing every finding.

    Examples
    --------
    >>> check_template("import pandas as pd\\nt = pd.read_csv('kita.csv')")
    Traceback (most recent call last):
    toolkit.errors.TemplateError: Die Vorlage kann ungeschützte Daten zeigen und wird abgelehnt
    ...
    """
    problems = template_problems(template)
    if problems:
        where = str(template) if isinstance(template, os.PathLike) else None
        raise TemplateError(
            "Die Vorlage kann ungeschützte Daten zeigen und wird abgelehnt",
            file=where,
            problems=problems,
            hint="Nur Bausteine aus toolkit.blocks verwenden (docs/vorlagen_schreiben.md)",
        )
