"""The manifest ``dkbm-bundle.json`` of a template bundle, checksums and changelog.

Examples
--------
>>> m = BundleManifest.from_dict({"name": "ganztag", "version": "1.0.0",
...                               "author": "Transferagentur Nord", "toolkit": ">=0.1"})
>>> m.name, m.version, m.problems()
('ganztag', '1.0.0', [])
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from toolkit.errors import Problem, TemplateError
from toolkit.reports.schema import unknown_keys, version_problem

__all__ = [
    "BUNDLE_FORMAT",
    "CHANGELOG_NAME",
    "MANIFEST_KEYS",
    "MANIFEST_NAME",
    "BundleManifest",
    "bundle_files",
    "changelog_sections",
    "combined_checksum",
    "read_manifest_file",
    "sha256_file",
]

MANIFEST_NAME = "dkbm-bundle.json"
CHANGELOG_NAME = "CHANGELOG.md"
#: Version of the manifest format itself.
BUNDLE_FORMAT = 1
MANIFEST_KEYS = (
    "format",
    "name",
    "version",
    "author",
    "description",
    "toolkit",
    "templates",
    "requires",
    "files",
    "checksum",
)
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_HEADING = re.compile(r"^##\s+\[?v?([0-9][^\s\]]*)", re.MULTILINE)


@dataclass(frozen=True)
class BundleManifest:
    """The manifest ``dkbm-bundle.json`` of a bundle.

    Parameters
    ----------
    name : str
        Bundle name (lower case, digits, ``-``, ``_``); the folder name once installed.
    version : str
        Bundle version, e.g. ``"1.2.0"``.
    author : str
        Author and organisation, e.g. ``"Transferagentur Nord, Team Daten"``.
    toolkit : str
        Toolkit versions it works with (PEP 440 range, e.g. ``">=0.1,<0.2"``).
    description : str
        Short German description.
    templates : dict
        Template name -> ``file``, ``twin``, ``title``, ``version``,
        ``requires``, ``parameters`` (the schema) as packed.
    requires : dict
        Union of the templates' tables and indicators.
    files : dict of str to str
        Relative path -> SHA-256 of every file of the bundle but the manifest.
    checksum : str
        SHA-256 over ``files`` (one value to compare bundles by).
    format : int
        Manifest format version.

    Examples
    --------
    >>> BundleManifest("x", "1", "A", ">=0.1").to_dict()["format"]
    1
    """

    name: str
    version: str
    author: str
    toolkit: str
    description: str = ""
    templates: dict[str, dict[str, Any]] = field(default_factory=dict)
    requires: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    checksum: str = ""
    format: int = BUNDLE_FORMAT

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> BundleManifest:
        """Build a manifest from its JSON object (check it with :meth:`problems`).

        Examples
        --------
        >>> BundleManifest.from_dict({"name": "a", "version": "1", "author": "b"}).toolkit
        ''
        """
        return cls(
            name=str(raw.get("name", "")),
            version=str(raw.get("version", "")),
            author=str(raw.get("author", "")),
            toolkit=str(raw.get("toolkit", "")),
            description=str(raw.get("description", "") or ""),
            templates=dict(raw.get("templates") or {}),
            requires=dict(raw.get("requires") or {}),
            files=dict(raw.get("files") or {}),
            checksum=str(raw.get("checksum", "") or ""),
            format=raw.get("format", BUNDLE_FORMAT),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON object written to ``dkbm-bundle.json``.

        Examples
        --------
        >>> list(BundleManifest("x", "1", "A", ">=0.1").to_dict())[:3]
        ['format', 'name', 'version']
        """
        return {k: getattr(self, k) for k in MANIFEST_KEYS}

    def problems(self) -> list[Problem]:
        """Return what is wrong with the manifest fields themselves.

        Examples
        --------
        >>> [p.message for p in BundleManifest("Mein Paket", "x", "", "0.1").problems()][:2]
        ["name: 'Mein Paket' ist kein Paketname", "version: 'x' ist keine Versionsnummer"]
        """
        out = []
        if not _NAME.match(self.name):
            out.append(
                Problem(
                    f"name: {self.name!r} ist kein Paketname",
                    hint="Kleinbuchstaben, Ziffern, - und _, z. B. ganztag-nord",
                )
            )
        if (bad := version_problem(self.version)) is not None:
            out.append(bad)
        if not self.author.strip():
            out.append(Problem("author fehlt", hint="Autor*in und Organisation eintragen"))
        try:
            SpecifierSet(self.toolkit)
        except InvalidSpecifier:
            out.append(
                Problem(
                    f"toolkit: {self.toolkit!r} ist kein Versionsbereich",
                    hint='z. B. ">=0.1,<0.2"',
                )
            )
        if self.format != BUNDLE_FORMAT:
            out.append(Problem(f"format {self.format!r} unbekannt (erwartet {BUNDLE_FORMAT})"))
        return out

    def toolkit_problem(self, installed: str) -> Problem | None:
        """Return a problem when ``installed`` (the toolkit version) is outside the range.

        Examples
        --------
        >>> BundleManifest("x", "1", "A", ">=0.2").toolkit_problem("0.1.0").message
        'Paket x braucht dkbm-toolkit >=0.2, installiert ist 0.1.0'
        """
        if SpecifierSet(self.toolkit).contains(Version(installed), prereleases=True):
            return None
        return Problem(
            f"Paket {self.name} braucht dkbm-toolkit {self.toolkit}, installiert ist {installed}",
            hint="passende Paketversion nehmen oder das Toolkit aktualisieren",
        )


def read_manifest_file(path: str | Path) -> BundleManifest:
    """Read and check ``dkbm-bundle.json`` strictly (unknown keys are errors).

    Raises
    ------
    toolkit.errors.TemplateError
        Listing every problem of the file.

    Examples
    --------
    >>> read_manifest_file("/nirgends/dkbm-bundle.json")
    Traceback (most recent call last):
    toolkit.errors.TemplateError: Paket-Manifest kann nicht gelesen werden
    ...
    """
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TemplateError(
            "Paket-Manifest kann nicht gelesen werden",
            file=str(path),
            hint=f"{exc}; dkbm templates pack schreibt es neu",
        ) from exc
    if not isinstance(raw, dict):
        raise TemplateError("Paket-Manifest muss ein JSON-Objekt sein", file=str(path))
    problems = unknown_keys(raw, MANIFEST_KEYS, MANIFEST_NAME)
    manifest = BundleManifest.from_dict(raw)
    problems.extend(manifest.problems())
    if problems:
        raise TemplateError("Paket-Manifest ist fehlerhaft", file=str(path), problems=problems)
    return manifest


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def combined_checksum(files: Mapping[str, str]) -> str:
    text = "".join(f"{name}  {digest}\n" for name, digest in sorted(files.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def bundle_files(folder: Path) -> list[str]:
    """Return the files of a bundle: the top-level files but the manifest, dotfiles and zips.

    Subfolders (``dist/``, test data, ``.git``) are not part of a bundle.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     for name in ("a.ipynb", "dkbm-bundle.json", ".gitignore", "a-1.0.zip"):
    ...         _ = (Path(d) / name).write_text("x")
    ...     bundle_files(Path(d))
    ['a.ipynb']
    """
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.is_file()
        and p.name != MANIFEST_NAME
        and not p.name.startswith(".")
        and not p.name.endswith(".zip")
    )


def changelog_sections(text: str) -> dict[str, str]:
    r"""Return the changelog's sections by version (``## 1.2.0 ...`` headings).

    Examples
    --------
    >>> text = "\n".join(["# Änderungen", "## 1.1.0 (2026-12-01)", "- neu", "## 1.0.0", "- erste"])
    >>> list(changelog_sections(text)), changelog_sections(text)["1.0.0"].splitlines()
    (['1.1.0', '1.0.0'], ['## 1.0.0', '- erste'])
    """
    heads = list(_HEADING.finditer(text))
    out = {}
    for i, match in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        out[match.group(1)] = text[match.start() : end].strip()
    return out
