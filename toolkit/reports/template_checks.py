"""Checks of a template before any report runs: code, requirements, data.

:func:`check_template_static` reads the template's code without running it
and finds what would otherwise fail once per region, deep in a batch:

- toolkit names that do not exist (``from toolkit.reports.content import
  fakten_chek``, ``content.fakten_chek(...)``), with the closest existing name;
- code that does not parse;
- tables and indicators in ``requires`` that the toolkit does not know;
- for publication runs: ways to unprotected data and the documented opt-out
  from disclosure control (internal reports), found by :mod:`toolkit.blocks`.

:func:`check_data` compares ``requires`` with a data set.

Examples
--------
>>> from toolkit.reports.registry import get_template
>>> check_template_static(get_template("uebergaenge"))
[]
>>> [p.message for p in code_problems("from toolkit.reports.content import fakten_chek")]
["toolkit.reports.content hat keinen Namen 'fakten_chek' (meinten Sie 'fakten_check'?)"]
"""

from __future__ import annotations

import ast
import difflib
import importlib
import importlib.util
import sys
import types
from collections.abc import Mapping
from typing import Any

from toolkit.errors import Problem
from toolkit.reports.template import Template

__all__ = [
    "check_data",
    "check_template_static",
    "code_problems",
    "publication_problems",
    "requirement_problems",
    "template_source",
    "uses_internal_data",
]


def template_source(template: Template) -> list[tuple[int, str]]:
    """Return the code cells of a template as Python: (cell number from 1, source).

    IPython syntax (``%magic``, ``!shell``) is translated to Python as
    IPython does, so that such cells parse.

    Examples
    --------
    >>> from toolkit.reports.registry import get_template
    >>> template_source(get_template("uebergaenge"))[0][1].splitlines()[0]
    'region: str = "17051"  # Region (AGS): Kreis, kreisfreie Stadt oder Gemeinde'
    """
    import nbformat
    from IPython.core.inputtransformer2 import TransformerManager

    nb = nbformat.read(template.path, as_version=4)
    manager = TransformerManager()
    return [
        (i, manager.transform_cell(cell.source))
        for i, cell in enumerate(nb.cells, start=1)
        if cell.cell_type == "code"
    ]


def _module(name: str) -> types.ModuleType | None:
    if name in sys.modules:
        return sys.modules[name]
    try:
        if importlib.util.find_spec(name) is None:
            return None
    except ModuleNotFoundError:  # a parent package is missing
        return None
    return importlib.import_module(name)


def _missing(owner: str, obj: Any, attr: str) -> Problem | None:
    """Problem when ``owner`` (a module) has no ``attr`` (nor a submodule of that name)."""
    if hasattr(obj, attr) or _module(f"{owner}.{attr}") is not None:
        return None
    names = [n for n in dir(obj) if not n.startswith("__")]
    close = difflib.get_close_matches(attr, names, n=1, cutoff=0.7)
    guess = f" (meinten Sie {close[0]!r}?)" if close else ""
    return Problem(f"{owner} hat keinen Namen {attr!r}{guess}")


def _resolve(dotted: str) -> tuple[Any, Problem | None]:
    """Walk ``toolkit.a.b.c`` through modules; stop at the first non-module object."""
    parts = dotted.split(".")
    obj: Any = _module(parts[0])
    owner = parts[0]
    for part in parts[1:]:
        if not isinstance(obj, types.ModuleType):
            return obj, None  # attributes of functions/classes/objects are not checked
        problem = _missing(owner, obj, part)
        if problem is not None:
            return None, problem
        obj = getattr(obj, part, None) or _module(f"{owner}.{part}")
        owner = f"{owner}.{part}"
    return obj, None


def _chain(node: ast.AST) -> list[str] | None:
    """Return ``['a', 'b', 'c']`` for ``a.b.c`` (None when not a plain name chain)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id, *reversed(parts)]


def code_problems(source: str, aliases: dict[str, str] | None = None) -> list[Problem]:
    r"""Return the toolkit names a piece of code uses that do not exist.

    Parameters
    ----------
    source : str
        Python code (one cell or a whole template).
    aliases : dict, optional
        Names bound to toolkit objects by earlier cells (updated in place).

    Returns
    -------
    list of Problem
        One per unknown name, with the line; a syntax error is one problem.

    Examples
    --------
    >>> [p.message for p in code_problems("import toolkit.reports as r\nr.gibtsnicht()")]
    ["Zeile 2: toolkit.reports hat keinen Namen 'gibtsnicht'"]
    """
    aliases = {} if aliases is None else aliases
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return [Problem(f"Zeile {exc.lineno}: kein gültiges Python ({exc.msg})")]
    out: list[Problem] = []

    def note(line: int, problem: Problem | None) -> None:
        if problem is not None:
            prefix = f"Zeile {line}: " if "\n" in source.strip() else ""
            out.append(Problem(prefix + problem.message, hint=problem.hint))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for item in node.names:
                if item.name.split(".")[0] != "toolkit":
                    continue
                if _module(item.name) is None:
                    note(node.lineno, _resolve(item.name)[1] or Problem(f"{item.name} fehlt"))
                    continue
                aliases[item.asname or "toolkit"] = item.name if item.asname else "toolkit"
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "toolkit":
            module = _module(node.module or "")
            if module is None:
                note(node.lineno, _resolve(node.module or "")[1])
                continue
            for item in node.names:
                if item.name == "*":
                    continue
                problem = _missing(node.module or "", module, item.name)
                note(node.lineno, problem)
                if problem is None:
                    aliases[item.asname or item.name] = f"{node.module}.{item.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            chain = _chain(node)
            if chain is None or chain[0] not in aliases:
                continue
            note(node.lineno, _resolve(".".join([aliases[chain[0]], *chain[1:]]))[1])
    return list({p.message: p for p in out}.values())


def _blocks() -> types.ModuleType | None:
    """Return :mod:`toolkit.blocks` (its checks of protected data), None before it exists."""
    return _module("toolkit.blocks")


def uses_internal_data(template: Template) -> bool:
    """Return whether the template opts out of disclosure control (an internal report).

    The detector is :func:`toolkit.blocks.uses_internal_data` (the opt-out
    is ``toolkit.blocks.internal_context``).

    Examples
    --------
    >>> from toolkit.reports.registry import get_template
    >>> uses_internal_data(get_template("uebergaenge"))
    False
    """
    blocks = _blocks()
    detector = getattr(blocks, "uses_internal_data", None)
    return False if detector is None else bool(detector(template.path))


def requirement_problems(template: Template) -> list[Problem]:
    """Return tables and indicators in ``requires`` that the toolkit does not know.

    Examples
    --------
    >>> from toolkit.reports.registry import get_template
    >>> requirement_problems(get_template("fakten_check"))
    []
    """
    from toolkit.indicators import catalog
    from toolkit.io._specs import TABLES

    out = []
    known = set(catalog()["code"])
    req = template.requires
    tables = [*req.all_tables(), *req.optional_tables]
    for variants in req.variants.values():
        tables.extend(t for r in variants.values() for t in r.optional_tables)
    for table in dict.fromkeys(tables):
        if table not in TABLES:
            close = difflib.get_close_matches(table, list(TABLES), n=1)
            guess = f" (meinten Sie {close[0]!r}?)" if close else ""
            out.append(Problem(f"requires: Tabelle {table!r} gibt es nicht{guess}"))
    for code in req.all_indicators():
        if code not in known:
            close = difflib.get_close_matches(code, sorted(known), n=1)
            guess = f" (meinten Sie {close[0]!r}?)" if close else ""
            out.append(
                Problem(
                    f"requires: Indikator {code!r} gibt es nicht{guess}",
                    hint="dkbm indicators list zeigt alle Codes",
                )
            )
    return out


def check_template_static(template: Template, *, publication: bool = True) -> list[Problem]:
    """Check a template without running it (before a batch starts).

    Parameters
    ----------
    template : Template
        A loaded template (its metadata schema was checked on loading).
    publication : bool, default True
        A run for publication: the internal-data opt-out is a problem.

    Returns
    -------
    list of Problem
        Unknown toolkit names (cell and line named), unparsable cells,
        unknown tables/indicators in ``requires``; for publication also
        :func:`publication_problems` (``column="internal"``). Empty when the
        template may run.

    Examples
    --------
    >>> from toolkit.reports.registry import get_template
    >>> check_template_static(get_template("vertragsloesungen"), publication=False)
    []
    """
    out = []
    aliases: dict[str, str] = {}
    cells = template_source(template)
    for number, source in cells:
        for p in code_problems(source, aliases):
            out.append(Problem(f"Zelle {number}, {p.message}", hint=p.hint))
    out.extend(requirement_problems(template))
    if publication:
        out.extend(publication_problems(template))
    return out


def publication_problems(template: Template) -> list[Problem]:
    """Return why a template may not be published: ways to unprotected data, the opt-out.

    The problems come from :mod:`toolkit.blocks` (none before it exists) and
    carry ``column="internal"``: they refuse a publication run, not an
    internal one (``--intern``, every page "nur für den Dienstgebrauch").

    Examples
    --------
    >>> from toolkit.reports.registry import get_template
    >>> publication_problems(get_template("fakten_check"))
    []
    """
    blocks = _blocks()
    protected = getattr(blocks, "template_problems", None)  # unprotected data reachable?
    out = [
        Problem(p.message, column="internal", rows=p.rows, hint=p.hint)
        for p in (protected(template.path) if protected is not None else ())
    ]
    if uses_internal_data(template):
        out.append(
            Problem(
                "Vorlage nutzt ungeschützte Daten (nur für den Dienstgebrauch)",
                column="internal",
                hint="für Veröffentlichungen nur die geschützten Bausteine verwenden",
            )
        )
    return out


def check_data(
    template: Template, dataset: Any, parameters: Mapping[str, Any] | None = None
) -> list[Problem]:
    """Compare what a template needs with a data set.

    Parameters
    ----------
    template : Template
        The template.
    dataset : toolkit.io.Dataset
        The data (e.g. :func:`toolkit.reports.runtime.load_dataset`).
    parameters : mapping, optional
        Parameters of the run (default: the schema defaults); they select the
        variant and the ``period`` the indicators are checked for.

    Returns
    -------
    list of Problem
        Missing tables and indicators the data cannot give (with the reason).

    Examples
    --------
    >>> from toolkit.reports.registry import get_template
    >>> from toolkit.reports.runtime import load_dataset
    >>> check_data(get_template("uebergaenge"), load_dataset())
    []
    """
    from toolkit.indicators import coverage

    params = {**template.defaults(), **(parameters or {})}
    need = template.requires.for_parameters(params)
    tables = getattr(dataset, "tables", {})
    present = {name for name, frame in tables.items() if frame is not None and len(frame)}
    missing = [t for t in need.tables if t not in present]
    out = [Problem(f"Tabelle {t!r} fehlt im Datenverzeichnis") for t in missing]
    if not need.indicators:
        return out
    period = params.get("period")
    frame = coverage(dataset, list(need.indicators), period=period)
    for row in frame[~frame["available"]].itertuples():
        if row.missing_tables and set(row.missing_tables) <= set(missing):
            continue  # said above
        out.append(Problem(f"Indikator {row.indicator}: {row.reason}"))
    return out
