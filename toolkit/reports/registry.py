"""Find report templates and read their metadata.

A template is a notebook whose metadata holds a ``dkbm`` entry (strict
schema, :mod:`toolkit.reports.schema`) and whose cell tagged ``parameters``
assigns the parameters. Templates are searched in

1. the folder given with ``--templates-dir`` or ``DKBM_TEMPLATES_DIR``
   (then only there), else
2. the user templates folder (installed bundles and own notebooks,
   :func:`user_templates_dir`), then
3. the templates shipped with the toolkit.

A broken template is listed as broken with its reason and does not stop the
others. A ``parameters`` cell whose values differ from the schema defaults
(an analyst previewing another region in JupyterLab) is a warning: runs
always get the schema defaults.

Examples
--------
>>> [t.name for t in list_templates()][:2]
['fakten_check', 'uebergaenge']
>>> get_template("fakten_check").version
'1.0.0'
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from pathlib import Path

from toolkit._resources import shipped_dir
from toolkit.errors import Problem, TemplateError
from toolkit.reports.schema import PARAMETER_TYPES, ParameterSpec
from toolkit.reports.schema import _type_ok as _type_ok  # used by toolkit.reports.params
from toolkit.reports.template import Template, load_template
from toolkit.reports.template_checks import check_template_static

__all__ = [
    "PARAMETER_TYPES",
    "TEMPLATES_DIR_ENV",
    "USER_TEMPLATES_ENV",
    "BrokenTemplate",
    "ParameterSpec",
    "Template",
    "TemplateCatalog",
    "check_template_static",
    "default_templates_dir",
    "get_template",
    "list_templates",
    "load_template",
    "scan_templates",
    "user_templates_dir",
]

#: Environment variable: search only this template folder.
TEMPLATES_DIR_ENV = "DKBM_TEMPLATES_DIR"
#: Environment variable: the user templates folder (installed bundles).
USER_TEMPLATES_ENV = "DKBM_USER_TEMPLATES_DIR"


@dataclass(frozen=True)
class BrokenTemplate:
    """A notebook that claims to be a template but cannot be used.

    Parameters
    ----------
    name : str
        Its name from the metadata if readable, else the file name.
    path : pathlib.Path
        Notebook file.
    error : TemplateError
        Why it is broken (all problems at once).

    Examples
    --------
    >>> b = BrokenTemplate("x", Path("x.ipynb"), TemplateError("kaputt"))
    >>> b.reason
    'kaputt'
    """

    name: str
    path: Path
    error: TemplateError

    @property
    def reason(self) -> str:
        """Return the reason in one line (first problems named)."""
        bits = [p.describe() for p in self.error.problems[:3]]
        more = len(self.error.problems) - 3
        tail = f" (+{more} weitere)" if more > 0 else ""
        return self.error.message + (": " + "; ".join(bits) + tail if bits else "")


@dataclass(frozen=True)
class TemplateCatalog:
    """Every template found on the search path, usable and broken.

    Parameters
    ----------
    templates : tuple of Template
        Usable templates, sorted by name.
    broken : tuple of BrokenTemplate
        Templates that cannot be used, with their reasons.
    searched : tuple of pathlib.Path
        The folders searched, in order.

    Examples
    --------
    >>> c = TemplateCatalog((), (), ())
    >>> c.find("x") is None
    True
    """

    templates: tuple[Template, ...]
    broken: tuple[BrokenTemplate, ...]
    searched: tuple[Path, ...]

    def find(self, name: str) -> Template | None:
        """Return the usable template called ``name`` (or with that alias)."""
        return next((t for t in self.templates if name in (t.name, *t.aliases)), None)


def user_templates_dir() -> Path:
    """Return the user templates folder, where ``dkbm templates install`` puts bundles.

    ``DKBM_USER_TEMPLATES_DIR`` if set, else the platform's user data folder
    (Linux ``~/.local/share/dkbm/vorlagen``, Windows
    ``%LOCALAPPDATA%/dkbm/vorlagen``, macOS
    ``~/Library/Application Support/dkbm/vorlagen``).

    Examples
    --------
    >>> user_templates_dir().name
    'vorlagen'
    """
    env = os.environ.get(USER_TEMPLATES_ENV, "")
    if env:
        return Path(env).expanduser().resolve()
    import platformdirs

    return platformdirs.user_data_path("dkbm", appauthor=False) / "vorlagen"


def default_templates_dir() -> Path:
    """Return the folder of the shipped templates (or ``DKBM_TEMPLATES_DIR``).

    Examples
    --------
    >>> default_templates_dir().name
    'templates'
    """
    env = os.environ.get(TEMPLATES_DIR_ENV, "")
    if env:
        return Path(env).expanduser().resolve()
    return shipped_dir("templates")


def _search_path(templates_dir: str | os.PathLike[str] | None) -> list[tuple[Path, str]]:
    if templates_dir is not None:
        return [(Path(templates_dir), f"Ordner {templates_dir}")]
    if os.environ.get(TEMPLATES_DIR_ENV, ""):
        return [(default_templates_dir(), f"Ordner {default_templates_dir()}")]
    user = user_templates_dir()
    places = [(user, "eigene Vorlage")]
    if user.is_dir():
        from toolkit.reports.bundles import MANIFEST_NAME, read_manifest_file

        for sub in sorted(user.iterdir()):
            if sub.name.startswith(".") or not (sub / MANIFEST_NAME).is_file():
                continue  # an unfinished installation, or no bundle
            try:
                manifest = read_manifest_file(sub / MANIFEST_NAME)
                places.append((sub, f"Paket {manifest.name} {manifest.version}"))
            except TemplateError:
                places.append((sub, f"Paket {sub.name} (Manifest fehlerhaft)"))
    places.append((shipped_dir("templates"), "mitgeliefert"))
    return places


def _claimed_name(path: Path) -> str | None:
    """Return the template name a notebook claims, or None when it is no template."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError, AttributeError):
        return path.stem  # unreadable: report it, it may be a damaged template
    if not isinstance(meta, dict) or "dkbm" not in meta:
        return None
    dkbm = meta["dkbm"]
    name = dkbm.get("name") if isinstance(dkbm, dict) else None
    return name if isinstance(name, str) and name else path.stem


def scan_templates(templates_dir: str | os.PathLike[str] | None = None) -> TemplateCatalog:
    """Find every template on the search path; broken ones are kept with their reason.

    Parameters
    ----------
    templates_dir : str or path-like, optional
        Search only this folder (default: user folder, then shipped templates).

    Returns
    -------
    TemplateCatalog
        Usable and broken templates. A template of the user folder hides a
        shipped one of the same name (with a warning); two templates of the
        same name in one place are both reported broken.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = (pathlib.Path(d) / "x.ipynb").write_text('{"metadata": {"dkbm": {"name": "x"}}}')
    ...     c = scan_templates(d)
    >>> len(c.templates), c.broken[0].name
    (0, 'x')
    """
    found: dict[str, Template] = {}
    broken: list[BrokenTemplate] = []
    places = _search_path(templates_dir)
    for directory, origin in places:
        here: dict[str, Template] = {}
        for path in sorted(directory.glob("*.ipynb")) if directory.is_dir() else []:
            claimed = _claimed_name(path)
            if claimed is None:
                continue
            try:
                template = load_template(path, origin)
            except TemplateError as exc:
                broken.append(BrokenTemplate(claimed, path.resolve(), exc))
                continue
            names = (template.name, *template.aliases)
            twin = next((t for t in here.values() if set(names) & {t.name, *t.aliases}), None)
            if twin is not None:
                here.pop(twin.name)
                for t in (twin, template):
                    error = TemplateError(
                        f"Zwei Vorlagen heißen {t.name!r}",
                        file=str(t.path),
                        hint=f"auch in {(template if t is twin else twin).path}; "
                        "Namen und Aliasse eindeutig machen",
                    )
                    broken.append(BrokenTemplate(t.name, t.path, error))
                continue
            here[template.name] = template
        for name, template in here.items():
            earlier = next((t for t in found.values() if name in (t.name, *t.aliases)), None)
            if earlier is None:
                found[name] = template
                continue
            note = Problem(f"verdeckt {template.origin} {template.name} {template.version}")
            found[earlier.name] = _with_warning(earlier, note)
    templates = tuple(found[name] for name in sorted(found))
    return TemplateCatalog(templates, tuple(broken), tuple(p for p, _ in places))


def _with_warning(template: Template, warning: Problem) -> Template:
    return replace(template, warnings=(*template.warnings, warning))


def list_templates(templates_dir: str | os.PathLike[str] | None = None) -> list[Template]:
    """Return every usable template on the search path, sorted by name.

    Broken templates are left out (see :func:`scan_templates` for them and
    their reasons); notebooks without ``dkbm`` metadata are no templates.

    Parameters
    ----------
    templates_dir : str or path-like, optional
        Search only this folder.

    Returns
    -------
    list of Template

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     list_templates(d)
    []
    """
    return list(scan_templates(templates_dir).templates)


def get_template(name: str, templates_dir: str | os.PathLike[str] | None = None) -> Template:
    """Return the template called ``name`` (or the notebook at that path).

    Parameters
    ----------
    name : str
        Template name as listed by ``dkbm templates list`` (or one of its
        former names, ``aliases``), or a path to a notebook file.
    templates_dir : str or path-like, optional
        Search only this folder.

    Returns
    -------
    Template

    Raises
    ------
    toolkit.errors.TemplateError
        When the template is broken (its reason) or there is no such
        template (the message lists the known ones).

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
        return load_template(candidate, f"Datei {candidate}")
    catalog = scan_templates(templates_dir)
    template = catalog.find(name)
    if template is not None:
        return template
    for item in catalog.broken:
        if item.name == name:
            raise item.error
    known = ", ".join(t.name for t in catalog.templates) or "keine"
    raise TemplateError(
        f"Vorlage {name!r} nicht gefunden",
        file=", ".join(str(p) for p in catalog.searched),
        hint=f"bekannte Vorlagen: {known} (dkbm templates list)",
    )
