"""Template bundles: a versioned folder or ``.zip`` of templates with a manifest.

A bundle is what a Transferagentur hands to many municipalities::

    ganztag/
      dkbm-bundle.json   manifest: name, version, author, toolkit range,
                         templates with their parameter schema and
                         requirements, SHA-256 of every file
      CHANGELOG.md       one "## VERSION" section per version
      ganztag.ipynb      the template notebook ...
      ganztag.py         ... and its jupytext twin (for review in git)

``dkbm templates pack`` writes the manifest from the notebooks and zips the
folder; ``validate`` and ``install`` (:mod:`toolkit.reports.bundle_install`)
check it strictly.

Examples
--------
>>> from toolkit.reports.bundles import MANIFEST_NAME, CHANGELOG_NAME
>>> MANIFEST_NAME, CHANGELOG_NAME
('dkbm-bundle.json', 'CHANGELOG.md')
"""

from toolkit.reports.bundles._diff import diff_templates
from toolkit.reports.bundles._install import (
    Installed,
    default_toolkit_range,
    install_bundle,
    installed_bundles,
    new_bundle,
    open_bundle,
    remove_bundle,
)
from toolkit.reports.bundles._manifest import (
    BUNDLE_FORMAT,
    CHANGELOG_NAME,
    MANIFEST_KEYS,
    MANIFEST_NAME,
    BundleManifest,
    changelog_sections,
    read_manifest_file,
)
from toolkit.reports.bundles._pack import (
    bundle_templates,
    pack_bundle,
    twin_problems,
    verify_bundle,
)

__all__ = [
    "BUNDLE_FORMAT",
    "CHANGELOG_NAME",
    "MANIFEST_KEYS",
    "MANIFEST_NAME",
    "BundleManifest",
    "Installed",
    "bundle_templates",
    "changelog_sections",
    "default_toolkit_range",
    "diff_templates",
    "install_bundle",
    "installed_bundles",
    "new_bundle",
    "open_bundle",
    "pack_bundle",
    "read_manifest_file",
    "remove_bundle",
    "twin_problems",
    "verify_bundle",
]
