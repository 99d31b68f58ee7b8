"""Build hook: the wheel carries the shipped templates and sample data.

Everything else is configured in ``pyproject.toml``. When a wheel is built,
``build_py`` copies ``templates/`` (notebooks and jupytext twins), the
sample data sets of ``data_samples/`` and the worked examples of
``docs/vorlagen/`` into ``toolkit/_shipped/``, where
:func:`toolkit._resources.shipped_dir` finds them, so that ``pip install`` of
the wheel alone runs ``dkbm report``. An editable install reads the project
folders directly and copies nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: (project folder, glob patterns, folder in toolkit/_shipped) copied into the wheel.
SHIPPED = (
    ("templates", ("*.ipynb", "*.py"), "templates"),
    ("data_samples", ("README.md", "musterland/**/*", "deutschland/**/*"), "data_samples"),
    ("docs/vorlagen", ("*.ipynb", "*.py"), "beispiele"),  # worked examples of the guide
)


class BuildWithShipped(build_py):
    """``build_py`` that also copies the shipped templates and sample data."""

    def run(self) -> None:
        """Build the package, then add ``toolkit/_shipped``."""
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "toolkit" / "_shipped"
        for folder, patterns, name in SHIPPED:
            source = ROOT / folder
            if not source.is_dir():
                if name == "beispiele":  # optional: `dkbm templates new` falls back to a template
                    continue
                raise FileNotFoundError(f"{source} fehlt; die Wheel braucht {folder}/")
            for pattern in patterns:
                for path in sorted(source.glob(pattern)):
                    if path.is_file() and "__pycache__" not in path.parts:
                        dest = target / name / path.relative_to(source)
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(path, dest)


setup(cmdclass={"build_py": BuildWithShipped})
