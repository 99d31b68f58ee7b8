"""Start, install and remove template bundles in the user templates folder.

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     installed_bundles(d)
[]
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from packaging.version import Version

from toolkit.errors import Problem, TemplateError
from toolkit.reports.bundles._manifest import (
    CHANGELOG_NAME,
    MANIFEST_NAME,
    BundleManifest,
    changelog_sections,
    read_manifest_file,
)
from toolkit.reports.bundles._pack import bundle_templates, twin_problems, verify_bundle
from toolkit.reports.template_checks import check_template_static

__all__ = [
    "Installed",
    "default_toolkit_range",
    "install_bundle",
    "installed_bundles",
    "new_bundle",
    "open_bundle",
    "remove_bundle",
]


@dataclass(frozen=True)
class Installed:
    """Result of :func:`install_bundle`.

    Parameters
    ----------
    manifest : BundleManifest
        The installed bundle.
    path : pathlib.Path
        Its folder in the user templates folder.
    previous : str or None
        Version it replaced (None for a first installation).
    changes : list of str
        Changelog sections newer than ``previous`` (all when first installed).
    unchanged : bool
        The same bundle (same checksum) was already installed; nothing done.
    """

    manifest: BundleManifest
    path: Path
    previous: str | None
    changes: list[str]
    unchanged: bool = False


def default_toolkit_range(version: str) -> str:
    """Return the toolkit range a new bundle declares: this minor version series.

    Examples
    --------
    >>> default_toolkit_range("0.1.0"), default_toolkit_range("1.4.2")
    ('>=0.1,<0.2', '>=1.4,<2')
    """
    v = Version(version)
    upper = f"0.{v.minor + 1}" if v.major == 0 else f"{v.major + 1}"
    return f">={v.major}.{v.minor},<{upper}"


def _user_dir(user_dir: str | Path | None) -> Path:
    if user_dir is not None:
        return Path(user_dir)
    from toolkit.reports.registry import user_templates_dir

    return user_templates_dir()


@contextlib.contextmanager
def open_bundle(source: str | Path) -> Iterator[Path]:
    """Yield the folder of a bundle given as folder or ``.zip`` (unpacked to a temporary folder).

    Raises
    ------
    toolkit.errors.TemplateError
        When the file is no zip, a member would land outside the folder, or
        there is no ``dkbm-bundle.json``.

    Examples
    --------
    >>> with open_bundle("/nirgends.zip") as folder:
    ...     pass
    Traceback (most recent call last):
    toolkit.errors.TemplateError: Paket nicht gefunden
    ...
    """
    source = Path(source)
    if source.is_dir():
        yield source
        return
    if not source.is_file():
        raise TemplateError("Paket nicht gefunden", file=str(source), hint="Pfad prüfen")
    with tempfile.TemporaryDirectory(prefix="dkbm-paket-") as tmp:
        try:
            with zipfile.ZipFile(source) as zf:
                for name in zf.namelist():
                    parts = PurePosixPath(name).parts
                    if name.startswith("/") or ".." in parts or ":" in name:
                        raise TemplateError(
                            f"Paket enthält einen unzulässigen Pfad: {name}", file=str(source)
                        )
                zf.extractall(tmp)
        except zipfile.BadZipFile as exc:
            raise TemplateError(
                "Paket ist keine gültige .zip-Datei", file=str(source), hint=str(exc)
            ) from exc
        root = Path(tmp)
        inner = [p for p in root.iterdir() if p.is_dir()]
        if not (root / MANIFEST_NAME).is_file() and len(inner) == 1:
            root = inner[0]
        if not (root / MANIFEST_NAME).is_file():
            raise TemplateError(
                f"Paket ohne {MANIFEST_NAME}",
                file=str(source),
                hint="mit dkbm templates pack packen",
            )
        yield root


def installed_bundles(user_dir: str | Path | None = None) -> list[tuple[Path, BundleManifest]]:
    """Return the bundles installed in the user templates folder (readable manifests).

    Examples
    --------
    >>> installed_bundles("/nirgends")
    []
    """
    folder = _user_dir(user_dir)
    if not folder.is_dir():
        return []
    out = []
    for sub in sorted(folder.iterdir()):
        if sub.name.startswith(".") or not (sub / MANIFEST_NAME).is_file():
            continue  # unfinished installation or no bundle
        with contextlib.suppress(TemplateError):  # listed as broken by the registry
            out.append((sub, read_manifest_file(sub / MANIFEST_NAME)))
    return out


def _changes_since(folder: Path, previous: str | None) -> list[str]:
    path = folder / CHANGELOG_NAME
    sections = changelog_sections(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return [
        text
        for version, text in sections.items()
        if previous is None or Version(version) > Version(previous)
    ]


def install_bundle(
    source: str | Path, *, user_dir: str | Path | None = None, force: bool = False
) -> Installed:
    """Check a bundle and install it into the user templates folder.

    Parameters
    ----------
    source : str or path-like
        Bundle folder or ``.zip``.
    user_dir : str or path-like, optional
        Target folder (default: :func:`toolkit.reports.registry.user_templates_dir`).
    force : bool
        Also install an older version over a newer one, or a changed bundle
        with the same version.

    Returns
    -------
    Installed

    Raises
    ------
    toolkit.errors.TemplateError
        When the bundle fails :func:`verify_bundle` or the static check of
        its code (:func:`toolkit.reports.template_checks.check_template_static`;
        every problem listed),
        is older than the installed one, or has a template name another
        installed bundle already uses.

    Examples
    --------
    >>> install_bundle("/nirgends")
    Traceback (most recent call last):
    toolkit.errors.TemplateError: Paket nicht gefunden
    ...
    """
    target_root = _user_dir(user_dir)
    with open_bundle(source) as folder:
        problems = verify_bundle(folder)
        if not problems:  # code that names toolkit functions this version lacks
            problems = [
                Problem(f"{t.name}: {p.message}", hint=p.hint)
                for t in bundle_templates(folder)[0]
                for p in check_template_static(t, publication=False)
            ]
        if problems:
            raise TemplateError(
                "Paket kann nicht installiert werden", file=str(source), problems=problems
            )
        manifest = read_manifest_file(folder / MANIFEST_NAME)
        target = target_root / manifest.name
        previous = None
        if (target / MANIFEST_NAME).is_file():
            old = read_manifest_file(target / MANIFEST_NAME)
            previous = old.version
            if old.checksum == manifest.checksum:
                return Installed(manifest, target, previous, [], unchanged=True)
            if Version(manifest.version) <= Version(old.version) and not force:
                raise TemplateError(
                    f"Paket {manifest.name} {old.version} ist installiert; "
                    f"{manifest.version} ist nicht neuer",
                    file=str(source),
                    hint="mit --force trotzdem installieren",
                )
        clashes = [
            Problem(f"Vorlage {name!r} gibt es schon im Paket {other.name} ({path})")
            for path, other in installed_bundles(target_root)
            if other.name != manifest.name
            for name in set(other.templates) & set(manifest.templates)
        ]
        if clashes:
            raise TemplateError(
                f"Paket {manifest.name} kann nicht installiert werden",
                file=str(source),
                problems=clashes,
                hint="das andere Paket entfernen (dkbm templates remove)",
            )
        target_root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{manifest.name}-", dir=target_root))
        shutil.copytree(folder, staging, dirs_exist_ok=True)
        changes = _changes_since(staging, previous)
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    return Installed(manifest, target, previous, changes)


def remove_bundle(name: str, *, user_dir: str | Path | None = None) -> Path:
    """Remove an installed bundle (by bundle name or by the name of a template in it).

    Returns
    -------
    pathlib.Path
        The folder removed.

    Raises
    ------
    toolkit.errors.TemplateError
        When nothing of that name is installed (the message lists what is).

    Examples
    --------
    >>> remove_bundle("gibtsnicht", user_dir="/nirgends")
    Traceback (most recent call last):
    toolkit.errors.TemplateError: Kein installiertes Paket 'gibtsnicht'
    ...
    """
    bundles = installed_bundles(user_dir)
    for path, manifest in bundles:
        if name == manifest.name or name in manifest.templates:
            shutil.rmtree(path)
            return path
    known = ", ".join(m.name for _, m in bundles) or "keine"
    raise TemplateError(
        f"Kein installiertes Paket {name!r}",
        file=str(_user_dir(user_dir)),
        hint=f"installierte Pakete: {known}; mitgelieferte Vorlagen lassen sich nicht entfernen",
    )


def new_bundle(
    target: str | Path,
    name: str,
    *,
    author: str,
    source: str | Path,
    template: str | None = None,
    title: str | None = None,
) -> Path:
    """Start a bundle folder with one template copied from an existing one.

    Parameters
    ----------
    target : str or path-like
        Folder in which the bundle folder ``name`` is made.
    name : str
        Bundle name.
    author : str
        Author and organisation.
    source : str or path-like
        Notebook to start from (e.g. a shipped template's path).
    template : str, optional
        Name of the new template (default: the bundle name with ``_`` for ``-``).
    title : str, optional
        Its German title.

    Returns
    -------
    pathlib.Path
        The new bundle folder (version 0.1.0, with changelog and manifest;
        ``dkbm templates pack`` completes the manifest).

    Examples
    --------
    >>> import tempfile
    >>> from toolkit.reports.registry import get_template
    >>> with tempfile.TemporaryDirectory() as d:
    ...     folder = new_bundle(d, "ganztag", author="TA Nord",
    ...                         source=get_template("uebergaenge").path)
    ...     sorted(p.name for p in folder.iterdir())
    ['CHANGELOG.md', 'dkbm-bundle.json', 'ganztag.ipynb', 'ganztag.py']
    """
    import nbformat

    from toolkit import __version__

    manifest = BundleManifest(name, "0.1.0", author, default_toolkit_range(__version__))
    if manifest.problems():
        raise TemplateError("Neues Paket: ungültige Angaben", problems=manifest.problems())
    folder = Path(target) / name
    if folder.exists():
        raise TemplateError("Ordner gibt es schon", file=str(folder), hint="anderen Namen wählen")
    template = template or name.replace("-", "_")
    nb = nbformat.read(source, as_version=4)
    meta = dict(nb.metadata.get("dkbm", {}))
    origin = f"{meta.get('name', Path(source).stem)} {meta.get('version', '')}".strip()
    meta.update(name=template, title=title or template, version="0.1.0")
    meta.pop("aliases", None)
    nb.metadata["dkbm"] = meta
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{template}.ipynb")
    twin_problems(folder / f"{template}.ipynb", write_missing=True)
    today = dt.date.today().isoformat()
    (folder / CHANGELOG_NAME).write_text(
        f"# Änderungen\n\n## 0.1.0 ({today})\n\n- erste Fassung, abgeleitet von {origin}\n",
        encoding="utf-8",
    )
    text = json.dumps(manifest.to_dict(), indent=2, ensure_ascii=False) + "\n"
    (folder / MANIFEST_NAME).write_text(text, encoding="utf-8")
    return folder
