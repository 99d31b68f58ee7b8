"""Synthetic sample data: the fictional Land "Musterland" (code ``17``).

:func:`generate` writes every canonical table of ``data_samples/README.md`` from a
seed; :func:`sample_dir` is the committed default output that the toolkit, the
notebooks and the tests run on out of the box. Every number is invented.

Examples
--------
>>> sample_dir().name
'musterland'
>>> tables = build_tables(kreise=2, years="2024")
>>> tables["regions"].loc[0, "region_code"]
'DG'
"""

from __future__ import annotations

from pathlib import Path

from toolkit._resources import shipped_dir
from toolkit.errors import DataError
from toolkit.samples._generate import (
    GENERATOR_VERSION,
    TABLE_NAMES,
    build_tables,
    generate,
    parse_years,
)

__all__ = [
    "GENERATOR_VERSION",
    "TABLE_NAMES",
    "build_tables",
    "generate",
    "parse_years",
    "sample_dir",
]


def sample_dir() -> Path:
    """Return the directory of the committed sample data (``data_samples/musterland``).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    DataError
        If the directory is missing (e.g. the package was installed without the
        repository's ``data_samples/``).

    Examples
    --------
    >>> (sample_dir() / "meta.json").exists()
    True
    """
    path = shipped_dir("data_samples") / "musterland"  # project folder or inside the wheel
    if not path.is_dir():
        raise DataError(
            "Die Beispieldaten 'data_samples/musterland' wurden nicht gefunden.",
            file=str(path),
            hint="Aus dem Projektverzeichnis arbeiten oder sie neu erzeugen: "
            "dkbm samples generate --out data_samples/musterland",
        )
    return path
