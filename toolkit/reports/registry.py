"""Find report templates and read their parameter schema.

A template is a notebook in ``templates/`` whose metadata holds a ``dkbm``
entry::

    {"name": "fakten_check", "title": "Fakten-Check", "description": "...",
     "parameters": {"region": {"type": "str", "default": "17", "allowed": null,
                               "help": "Region (AGS)", "required": true}, ...}}

and whose cell tagged ``parameters`` assigns the same defaults. The schema is
checked when the template is loaded, so a broken template fails with a
:class:`~toolkit.errors.TemplateError` naming the file, never half-way
through a batch.

Examples
--------
>>> schema = ParameterSpec.from_dict("period", {"type": "int", "default": 2024})
>>> schema.type, schema.default
('int', 2024)
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

__all__ = [
    "PARAMETER_TYPES",
    "TEMPLATES_DIR_ENV",
    "ParameterSpec",
    "Template",
    "default_templates_dir",
    "get_template",
    "list_templates",
    "load_template",
]

#: Environment variable that overrides the template directory.
TEMPLATES_DIR_ENV = "DKBM_TEMPLATES_DIR"

#: Parameter types a schema may declare, with the Python types they accept.
PARAMETER_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (float, int),
    "bool": (bool,),
    "list": (list, tuple),
}


def _type_ok(kind: str, value: Any) -> bool:
    if value is None:
        return False
    if kind in ("int", "float") and isinstance(value, bool):
        return False
    return isinstance(value, PARAMETER_TYPES[kind])


@dataclass(frozen=True)
class ParameterSpec:
    """Schema of one template parameter.

    Parameters
    ----------
    name : str
        Parameter name (a Python identifier).
    type : {'str', 'int', 'float', 'bool', 'list'}
        Declared type.
    default : object
        Default value; ``None`` makes the parameter optional-without-value.
    allowed : tuple, optional
        Allowed values (for ``list``: allowed elements); ``None`` = any.
    help : str
        German help text.
    required : bool
        Whether a value must be given on every run.

    Examples
    --------
    >>> p = ParameterSpec("topic", "str", "schule", allowed=("schule", "ausbildung"))
    >>> p.describe()
    "topic (str, Standard: 'schule', erlaubt: schule, ausbildung)"
    """

    name: str
    type: str
    default: Any = None
    allowed: tuple[Any, ...] | None = None
    help: str = ""
    required: bool = False

    @classmethod
    def from_dict(cls, name: str, spec: Mapping[str, Any]) -> ParameterSpec:
        """Build a spec from its metadata dictionary.

        Parameters
        ----------
        name : str
            Parameter name.
        spec : mapping
            The entry of ``metadata["dkbm"]["parameters"]``.

        Returns
        -------
        ParameterSpec
            The parsed spec (not yet checked, see :meth:`problems`).

        Examples
        --------
        >>> ParameterSpec.from_dict("x", {"type": "list", "default": ["a"]}).default
        ['a']
        """
        allowed = spec.get("allowed")
        return cls(
            name=name,
            type=str(spec.get("type", "")),
            default=spec.get("default"),
            allowed=None if allowed is None else tuple(allowed),
            help=str(spec.get("help", "") or ""),
            required=bool(spec.get("required", False)),
        )

    def problems(self) -> list[Problem]:
        """Return what is wrong with the spec itself (empty when fine).

        Returns
        -------
        list of Problem
            One entry per defect.

        Examples
        --------
        >>> ParameterSpec("x", "zahl").problems()[0].message
        "Parameter 'x': unbekannter Typ 'zahl' (erlaubt: str, int, float, bool, list)"
        """
        out: list[Problem] = []
        if not self.name.isidentifier():
            out.append(Problem(f"Parametername {self.name!r} ist kein Python-Bezeichner"))
        if self.type not in PARAMETER_TYPES:
            kinds = ", ".join(PARAMETER_TYPES)
            out.append(
                Problem(
                    f"Parameter {self.name!r}: unbekannter Typ {self.type!r} (erlaubt: {kinds})"
                )
            )
            return out
        if self.default is not None and not _type_ok(self.type, self.default):
            out.append(
                Problem(
                    f"Parameter {self.name!r}: Standardwert {self.default!r} "
                    f"passt nicht zum Typ {self.type}"
                )
            )
        return out

    def describe(self) -> str:
        """Return a one-line German description (name, type, default, allowed values).

        Examples
        --------
        >>> ParameterSpec("period", "int", 2024, required=True).describe()
        'period (int, Pflicht, Standard: 2024)'
        """
        bits = [self.type]
        if self.required:
            bits.append("Pflicht")
        bits.append(f"Standard: {self.default!r}")
        if self.allowed is not None:
            bits.append("erlaubt: " + ", ".join(str(a) for a in self.allowed))
        return f"{self.name} ({', '.join(bits)})"


@dataclass(frozen=True)
class Template:
    """A report template: its notebook file and parameter schema.

    Parameters
    ----------
    name : str
        Template name used on the command line.
    path : pathlib.Path
        Notebook file.
    title : str
        German title.
    description : str
        German description.
    parameters : dict of str to ParameterSpec
        Parameter schema in declaration order.
    engine : str or None
        papermill engine: ``"dkbm"`` (in-process, the default) or ``None``
        for a Jupyter kernel (``"engine": "kernel"`` in the metadata, for
        templates that need one, e.g. widgets).
    aliases : tuple of str
        Former names still accepted on the command line (``"aliases"`` in
        the metadata), so batches written for a renamed template keep running.
    variants : dict of str to dict of str to str
        Parameters that select a variant of the report (``"variants"`` in the
        metadata, e.g. the Fakten-Check topic): parameter name -> value ->
        German label. The value is part of the output folder and file names,
        the label part of the title; ``dkbm report`` renders every value.

    Examples
    --------
    >>> t = Template("demo", Path("demo.ipynb"), "Demo", "",
    ...              {"period": ParameterSpec("period", "int", 2024)})
    >>> t.defaults()
    {'period': 2024}
    """

    name: str
    path: Path
    title: str
    description: str
    parameters: dict[str, ParameterSpec] = field(default_factory=dict)
    engine: str | None = "dkbm"
    aliases: tuple[str, ...] = ()
    variants: dict[str, dict[str, str]] = field(default_factory=dict)

    def defaults(self) -> dict[str, Any]:
        """Return the default value of every parameter.

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


def default_templates_dir() -> Path:
    """Return the template directory.

    ``DKBM_TEMPLATES_DIR`` if set, else ``templates/`` next to the ``toolkit``
    package (the project root of a clone or editable install).

    Examples
    --------
    >>> default_templates_dir().name
    'templates'
    """
    env = os.environ.get(TEMPLATES_DIR_ENV, "")
    if env:
        return Path(env).expanduser().resolve()
    return Path(__file__).resolve().parents[2] / "templates"


def _parameters_cell_values(nb: Mapping[str, Any]) -> dict[str, Any] | None:
    """Return the literal assignments of the cell tagged ``parameters``."""
    for cell in nb.get("cells", []):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") == "code" and "parameters" in tags:
            source = cell.get("source", "")
            if isinstance(source, list):
                source = "".join(source)
            values: dict[str, Any] = {}
            for node in ast.parse(source).body:
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


def load_template(path: str | os.PathLike[str]) -> Template:
    """Read one template notebook and check its schema.

    Parameters
    ----------
    path : str or path-like
        Notebook file.

    Returns
    -------
    Template
        The template.

    Raises
    ------
    toolkit.errors.TemplateError
        When the file is not a notebook, has no ``dkbm`` metadata, declares
        bad parameter specs, or its ``parameters`` cell disagrees with the
        schema (all problems listed at once).

    Examples
    --------
    >>> import tempfile, nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell("period = 2024", metadata={"tags": ["parameters"]})]
    >>> nb.metadata["dkbm"] = {"name": "demo", "title": "Demo",
    ...     "parameters": {"period": {"type": "int", "default": 2024}}}
    >>> with tempfile.TemporaryDirectory() as d:
    ...     nbformat.write(nb, f"{d}/demo.ipynb")
    ...     load_template(f"{d}/demo.ipynb").parameters["period"].default
    2024
    """
    path = Path(path)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TemplateError(
            f"Vorlage kann nicht gelesen werden: {exc}",
            file=str(path),
            hint="Die Datei muss ein Jupyter-Notebook (.ipynb, JSON) sein",
        ) from exc
    meta = nb.get("metadata", {}).get("dkbm") if isinstance(nb, dict) else None
    if not isinstance(meta, dict):
        raise TemplateError(
            "Vorlage ohne Parameterschema (metadata['dkbm'] fehlt)",
            file=str(path),
            hint="Schema mit name, title, parameters in die Notebook-Metadaten schreiben",
        )
    problems: list[Problem] = []
    raw_params = meta.get("parameters", {})
    if not isinstance(raw_params, dict):
        problems.append(Problem("metadata['dkbm']['parameters'] muss ein Objekt sein"))
        raw_params = {}
    specs: dict[str, ParameterSpec] = {}
    for name, raw in raw_params.items():
        if not isinstance(raw, dict):
            problems.append(Problem(f"Parameter {name!r}: Schema muss ein Objekt sein"))
            continue
        spec = ParameterSpec.from_dict(name, raw)
        problems.extend(spec.problems())
        specs[name] = spec
    try:
        cell_values = _parameters_cell_values(nb)
    except SyntaxError as exc:
        problems.append(Problem(f"Zelle 'parameters' ist kein gültiges Python: {exc.msg}"))
        cell_values = {}
    if cell_values is None:
        problems.append(
            Problem(
                "keine Code-Zelle mit dem Tag 'parameters'",
                hint="eine Zelle mit den Standardwerten anlegen und mit 'parameters' taggen",
            )
        )
        cell_values = {}
    for name, spec in specs.items():
        if name not in cell_values:
            problems.append(Problem(f"Parameter {name!r} fehlt in der Zelle 'parameters'"))
        elif cell_values[name] != spec.default:
            problems.append(
                Problem(
                    f"Parameter {name!r}: Zelle 'parameters' setzt {cell_values[name]!r}, "
                    f"Schema-Standard ist {spec.default!r}"
                )
            )
    for name in cell_values:
        if name not in specs:
            problems.append(
                Problem(f"Zelle 'parameters' setzt {name!r}, das Schema kennt es nicht")
            )
    engine = meta.get("engine", "dkbm")
    if engine not in ("dkbm", "kernel"):
        problems.append(Problem(f"engine {engine!r} unbekannt", hint="'dkbm' oder 'kernel'"))
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
        variants = {}
    aliases = meta.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        problems.append(Problem("metadata['dkbm']['aliases'] muss eine Liste von Namen sein"))
        aliases = []
    if problems:
        raise TemplateError(
            "Parameterschema der Vorlage ist fehlerhaft",
            file=str(path),
            problems=problems,
        )
    return Template(
        name=str(meta.get("name") or path.stem),
        path=path.resolve(),
        title=str(meta.get("title") or path.stem),
        description=str(meta.get("description", "") or ""),
        parameters=specs,
        engine=None if engine == "kernel" else "dkbm",
        aliases=tuple(aliases),
        variants={str(k): {str(a): str(b) for a, b in v.items()} for k, v in variants.items()},
    )


def list_templates(templates_dir: str | os.PathLike[str] | None = None) -> list[Template]:
    """Return every template in the template directory, sorted by name.

    Parameters
    ----------
    templates_dir : str or path-like, optional
        Directory to search (default :func:`default_templates_dir`).
        Notebooks without ``dkbm`` metadata are ignored; broken templates
        raise.

    Returns
    -------
    list of Template
        The templates.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     list_templates(d)
    []
    """
    directory = Path(templates_dir) if templates_dir is not None else default_templates_dir()
    found: dict[str, Template] = {}
    for path in sorted(directory.glob("*.ipynb")):
        try:
            meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
        except (OSError, ValueError):
            meta = {}
        if "dkbm" not in meta:
            continue
        template = load_template(path)
        for name in (template.name, *template.aliases):
            other = found.get(name) or next((t for t in found.values() if name in t.aliases), None)
            if other is not None:
                raise TemplateError(
                    f"Zwei Vorlagen heißen {name!r}",
                    file=str(path),
                    hint=f"auch in {other.path}; Namen und Aliasse eindeutig machen",
                )
        found[template.name] = template
    return [found[name] for name in sorted(found)]


def get_template(name: str, templates_dir: str | os.PathLike[str] | None = None) -> Template:
    """Return the template called ``name`` (or the notebook at that path).

    Parameters
    ----------
    name : str
        Template name as listed by ``dkbm templates list`` (or one of its
        former names, ``aliases``), or a path to a notebook file.
    templates_dir : str or path-like, optional
        Directory to search (default :func:`default_templates_dir`).

    Returns
    -------
    Template
        The template.

    Raises
    ------
    toolkit.errors.TemplateError
        When there is no such template (the message lists the known ones).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     get_template("gibtsnicht", d)
    Traceback (most recent call last):
    toolkit.errors.TemplateError: Vorlage 'gibtsnicht' nicht gefunden
    ...
    """
    candidate = Path(name)
    if candidate.suffix == ".ipynb" and candidate.is_file():
        return load_template(candidate)
    templates = list_templates(templates_dir)
    for template in templates:
        if template.name == name or name in template.aliases:  # alias: a former name
            return template
    known = ", ".join(t.name for t in templates) or "keine"
    directory = Path(templates_dir) if templates_dir is not None else default_templates_dir()
    raise TemplateError(
        f"Vorlage {name!r} nicht gefunden",
        file=str(directory),
        hint=f"bekannte Vorlagen: {known} (dkbm templates list)",
    )
