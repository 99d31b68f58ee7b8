"""Build hook: the wheel carries the shipped templates and sample data.

Everything else is configured in ``pyproject.toml``. When a wheel is built,
``build_py`` copies ``templates/`` (notebooks and jupytext twins) and the
sample data sets of ``data_samples/`` into ``toolkit/_shipped/``, where
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
#: (source folder, glob patterns) copied into toolkit/_shipped/<source folder>.
SHIPPED = (
    ("templates", ("*.ipynb", "*.py")),
    ("data_samples", ("README.md", "musterland/**/*", "deutschland/**/*")),
)


class BuildWithShipped(build_py):
    """``build_py`` that also copies the shipped templates and sample data."""

    def run(self) -> None:
        """Build the package, then add ``toolkit/_shipped``."""
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "toolkit" / "_shipped"
        for folder, patterns in SHIPPED:
            source = ROOT / folder
            if not source.is_dir():  # building from an sdist without them: say so
                raise FileNotFoundError(f"{source} fehlt; die Wheel braucht {folder}/")
            for pattern in patterns:
                for path in sorted(source.glob(pattern)):
                    if path.is_file() and "__pycache__" not in path.parts:
                        dest = target / folder / path.relative_to(source)
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(path, dest)


setup(cmdclass={"build_py": BuildWithShipped})
