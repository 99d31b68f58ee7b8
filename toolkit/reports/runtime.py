"""What a running report template uses from the runner.

Templates call :func:`load_dataset` instead of reading files themselves. The
dataset is cached once per process, keyed by its resolved directory, so a
kernel that the runner warmed up before handing it a report already holds the
data in memory and the report itself starts computing at once.

Examples
--------
>>> from toolkit.reports.runtime import clear_cache
>>> clear_cache()
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

__all__ = ["DATA_DIR_ENV", "clear_cache", "load_dataset", "resolve_data_dir"]

#: Environment variable naming the data directory when a template passes none.
DATA_DIR_ENV = "DKBM_DATA_DIR"

_CACHE: dict[Path, Any] = {}
_LOCK = threading.Lock()


def resolve_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return the absolute data directory a report reads.

    Parameters
    ----------
    data_dir : str or path-like, optional
        Directory of canonical tables. ``None`` (or an empty string) means the
        directory in the environment variable ``DKBM_DATA_DIR`` if set, else
        the committed sample data (``toolkit.samples.sample_dir()``).

    Returns
    -------
    pathlib.Path
        Resolved absolute path.

    Examples
    --------
    >>> resolve_data_dir("/tmp").is_absolute()
    True
    """
    if data_dir is None or str(data_dir) == "":
        env = os.environ.get(DATA_DIR_ENV, "")
        if env:
            return Path(env).expanduser().resolve()
        from toolkit.samples import sample_dir

        return Path(sample_dir()).resolve()
    return Path(data_dir).expanduser().resolve()


def load_dataset(data_dir: str | os.PathLike[str] | None = None) -> Any:
    """Return the dataset of ``data_dir``, read once per process.

    Parameters
    ----------
    data_dir : str or path-like, optional
        Directory of canonical tables (see ``data_samples/README.md``);
        ``None`` means the sample data (see :func:`resolve_data_dir`).

    Returns
    -------
    toolkit.io.Dataset
        The validated, frozen dataset. The same object is returned on every
        later call with the same directory in this process.

    Raises
    ------
    toolkit.errors.DataError
        When the directory does not exist or its tables are invalid.

    Examples
    --------
    >>> ds = load_dataset()  # doctest: +SKIP
    >>> load_dataset() is ds  # doctest: +SKIP
    True
    """
    path = resolve_data_dir(data_dir)
    with _LOCK:
        cached = _CACHE.get(path)
        if cached is not None:
            return cached
        if not path.is_dir():
            from toolkit.errors import DataError

            raise DataError(
                "Datenverzeichnis nicht gefunden",
                file=str(path),
                hint="Pfad prüfen oder den Parameter data_dir leer lassen (Beispieldaten)",
            )
        from toolkit.io import read_dataset

        dataset = read_dataset(path)
        _CACHE[path] = dataset
        return dataset


def clear_cache() -> None:
    """Forget every dataset cached in this process.

    Examples
    --------
    >>> clear_cache()
    """
    with _LOCK:
        _CACHE.clear()
