"""One template notebook: its metadata, checked strictly, and its ``parameters`` cell.

A template is a notebook whose metadata holds a ``dkbm`` entry (schema in
:mod:`toolkit.reports.schema`) and whose cell tagged ``parameters`` assigns
every parameter. The schema's defaults are what runs use; a ``parameters``
cell that assigns other values (an analyst previewing another region in
JupyterLab) is a warning, not an error.

Examples
--------
>>> t = Template("demo", Path("demo.ipynb"), "Demo", "")
>>> t.version
'0.0.0'
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.errors import Problem, TemplateError
from toolkit.reports.requirements import Requirements, parse_requires
from toolkit.reports.schema import (
    TEMPLATE_KEYS,
    ParameterSpec,
    parse_parameter,
    unknown_keys,
    version_problem,
)

__all__ = ["NO_VERSION", "Template", "load_template"]

#: Version of a template whose metadata declares none.
NO_VERSION = "0.0.0"


@dataclass(frozen=True)
class Template:
    """A report template: its notebook file and metadata.

    Parameters
    ----------
    name : str
        Template name used on the command line.
    path : pathlib.Path
        Notebook file.
    title, description : str
        German title and description.
    parameters : dict of str to ParameterSpec
        Parameter schema in declaration order.
    engine : str or None
        papermill engine: ``"dkbm"`` (in-process, the default) or ``None``
        for a Jupyter kernel (``"engine": "kernel"``).
    aliases : tuple of str
        Former names still accepted on the command line.
    variants : dict of str to dict of str to str
        Parameters that select a variant of the report (e.g. the Fakten-Check
        topic): parameter name -> value -> German label.
    version : str
        Template version (``"version"`` in the metadata, e.g. ``"1.0.0"``).
    requires : Requirements
        Tables and indicators the template reads.
    warnings : tuple of Problem
        Things worth saying that do not stop a run (e.g. an edited
        ``parameters`` cell).
    origin : str
        Where the template comes from (``mitgeliefert``, ``Paket NAME 1.2.0``,
        ``Ordner ...``).

    Examples
    --------
    >>> t = Template("demo", Path("demo.ipynb"), "Demo", "",
    ...              {"period": ParameterSpec("period", "int", 2024)})
    >>> t.defaults(), t.version
    ({'period': 2024}, '0.0.0')
    """

    name: str
    path: Path
    title: str
    description: str
    parameters: dict[str, ParameterSpec] = field(default_factory=dict)
    engine: str | None = "dkbm"
    aliases: tuple[str, ...] = ()
    variants: dict[str, dict[str, str]] = field(default_factory=dict)
    version: str = NO_VERSION
    requires: Requirements = field(default_factory=Requirements)
    warnings: tuple[Problem, ...] = ()
    origin: str = ""

    def defaults(self) -> dict[str, Any]:
        """Return the default value of every parameter (from the schema).

        Examples
        --------
        >>> Template("d", Path("d.ipynb"), "D", "", {}).defaults()
        {}
        """
        return {name: spec.default for name, spec in self.parameters.items()}

    def digest(self) -> str:
        """Return the SHA-256 of the notebook file (part of a report's input hash).

        Examples
        --------
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as d:
        ...     p = Path(d) / "t.ipynb"
        ...     _ = p.write_text("{}")
        ...     Template("t", p, "T", "").digest()[:12]
        '44136fa355b3'
        """
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def _cell_source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _parameters_cell_values(nb: Mapping[str, Any]) -> dict[str, Any] | None:
    """Return the literal assignments of the cell tagged ``parameters``."""
    for cell in nb.get("cells", []):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") == "code" and "parameters" in tags:
            values: dict[str, Any] = {}
            for node in ast.parse(_cell_source(cell)).body:
                if isinstance(node, ast.Assign | ast.AnnAssign):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for target in targets:
                        if isinstance(target, ast.Name) and node.value is not None:
                            try:
                                values[target.id] = ast.literal_eval(node.value)
                            except ValueError:
                                values[target.id] = ast.unparse(node.value)
            return values
    return None


def _read_notebook(path: Path) -> dict[str, Any]:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TemplateError(
            f"Vorlage kann nicht gelesen werden: {exc}",
            file=str(path),
            hint="Die Datei muss ein Jupyter-Notebook (.ipynb, JSON) sein",
        ) from exc
    if not isinstance(nb, dict):
        raise TemplateError("Vorlage ist kein Notebook (JSON-Objekt)", file=str(path))
    return nb


def _cell_problems(
    nb: Mapping[str, Any], specs: Mapping[str, ParameterSpec]
) -> tuple[list[Problem], list[Problem]]:
    """Compare the ``parameters`` cell with the schema: (errors, warnings)."""
    try:
        values = _parameters_cell_values(nb)
    except SyntaxError as exc:
        return [Problem(f"Zelle 'parameters' ist kein gültiges Python: {exc.msg}")], []
    if values is None:
        hint = "eine Zelle mit den Standardwerten anlegen und mit 'parameters' taggen"
        return [Problem("keine Code-Zelle mit dem Tag 'parameters'", hint=hint)], []
    errors, warnings = [], []
    for name, spec in specs.items():
        if name not in values:
            errors.append(Problem(f"Parameter {name!r} fehlt in der Zelle 'parameters'"))
        elif values[name] != spec.default:
            warnings.append(
                Problem(
                    f"Zelle 'parameters' setzt {name} = {values[name]!r}, "
                    f"Läufe nehmen den Schema-Standard {spec.default!r}",
                    hint="für eine Vorschau in Ordnung; vor dem Weitergeben zurücksetzen",
                )
            )
    for name in values:
        if name not in specs:
            errors.append(Problem(f"Zelle 'parameters' setzt {name!r}, das Schema kennt es nicht"))
    return errors, warnings


def _variants(meta: Mapping[str, Any], specs: Mapping[str, ParameterSpec], problems: list) -> dict:
    variants = meta.get("variants", {})
    if not isinstance(variants, dict) or not all(
        name in specs and isinstance(labels, dict) and set(labels) == set(specs[name].allowed or ())
        for name, labels in variants.items()
    ):
        problems.append(
            Problem(
                "metadata['dkbm']['variants'] passt nicht zu den Parametern",
                hint="je Parameter mit 'allowed' eine Bezeichnung für jeden erlaubten Wert",
            )
        )
        return {}
    return {str(k): {str(a): str(b) for a, b in v.items()} for k, v in variants.items()}


def load_template(path: str | os.PathLike[str], origin: str = "") -> Template:
    """Read one template notebook and check its metadata strictly.

    Parameters
    ----------
    path : str or path-like
        Notebook file.
    origin : str, optional
        Where it comes from (shown by ``dkbm templates list``).

    Returns
    -------
    Template
        The template; differences between the ``parameters`` cell and the
        schema defaults are in :attr:`Template.warnings`.

    Raises
    ------
    toolkit.errors.TemplateError
        When the file is not a notebook, has no ``dkbm`` metadata, has
        unknown keys or bad values in it, or lacks a ``parameters`` cell
        (all problems listed at once).

    Examples
    --------
    >>> import tempfile, nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell("period = 2023", metadata={"tags": ["parameters"]})]
    >>> nb.metadata["dkbm"] = {"name": "demo", "title": "Demo", "version": "1.0.0",
    ...     "parameters": {"period": {"type": "int", "default": 2024}}}
    >>> with tempfile.TemporaryDirectory() as d:
    ...     nbformat.write(nb, f"{d}/demo.ipynb")
    ...     t = load_template(f"{d}/demo.ipynb")
    >>> t.parameters["period"].default, t.warnings[0].message
    (2024, "Zelle 'parameters' setzt period = 2023, Läufe nehmen den Schema-Standard 2024")
    """
    path = Path(path)
    nb = _read_notebook(path)
    meta = nb.get("metadata", {}).get("dkbm")
    if not isinstance(meta, dict):
        raise TemplateError(
            "Vorlage ohne Parameterschema (metadata['dkbm'] fehlt)",
            file=str(path),
            hint="Schema mit name, title, version, parameters in die Notebook-Metadaten schreiben",
        )
    problems = unknown_keys(meta, TEMPLATE_KEYS, "metadata['dkbm']")
    warnings: list[Problem] = []
    raw_params = meta.get("parameters", {})
    if not isinstance(raw_params, dict):
        problems.append(Problem("metadata['dkbm']['parameters'] muss ein Objekt sein"))
        raw_params = {}
    specs: dict[str, ParameterSpec] = {}
    for name, raw in raw_params.items():
        spec, more = parse_parameter(name, raw)
        problems.extend(more)
        if spec is not None:
            specs[name] = spec
    errors, warnings = _cell_problems(nb, specs)
    problems.extend(errors)
    version = meta.get("version")
    if version is None:
        warnings.append(Problem("keine Versionsnummer", hint='"version": "1.0.0" ergänzen'))
        version = NO_VERSION
    elif (bad := version_problem(version)) is not None:
        problems.append(bad)
    requires, more = parse_requires(meta.get("requires"), specs)
    problems.extend(more)
    engine = meta.get("engine", "dkbm")
    if engine not in ("dkbm", "kernel"):
        problems.append(Problem(f"engine {engine!r} unbekannt", hint="'dkbm' oder 'kernel'"))
    variants = _variants(meta, specs, problems)
    aliases = meta.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        problems.append(Problem("metadata['dkbm']['aliases'] muss eine Liste von Namen sein"))
        aliases = []
    for key in ("name", "title", "description"):
        if not isinstance(meta.get(key, ""), str):
            problems.append(Problem(f"metadata['dkbm'][{key!r}] muss ein Text sein"))
    if problems:
        raise TemplateError(
            "Parameterschema der Vorlage ist fehlerhaft", file=str(path), problems=problems
        )
    return Template(
        name=str(meta.get("name") or path.stem),
        path=path.resolve(),
        title=str(meta.get("title") or path.stem),
        description=str(meta.get("description", "") or ""),
        parameters=specs,
        engine=None if engine == "kernel" else "dkbm",
        aliases=tuple(aliases),
        variants=variants,
        version=str(version),
        requires=requires,
        warnings=tuple(warnings),
        origin=origin,
    )
