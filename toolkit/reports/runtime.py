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
import pickle
import threading
from pathlib import Path
from typing import Any

__all__ = [
    "DATA_DIR_ENV",
    "SNAPSHOT_ENV",
    "clear_cache",
    "load_dataset",
    "resolve_data_dir",
    "write_snapshot",
]

#: Environment variable naming the data directory when a template passes none.
DATA_DIR_ENV = "DKBM_DATA_DIR"

#: Environment variable naming a dataset snapshot written by the batch runner.
SNAPSHOT_ENV = "DKBM_DATASET_SNAPSHOT"

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
    >>> ds = load_dataset()
    >>> load_dataset() is ds, ds.synthetic
    (True, True)
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
        dataset = _from_snapshot(path)
        if dataset is None:
            from toolkit.io import read_dataset

            dataset = read_dataset(path)
        _CACHE[path] = dataset
        return dataset


def _from_snapshot(path: Path) -> Any:
    """Return the dataset from the batch snapshot if it was made from ``path``."""
    snapshot = os.environ.get(SNAPSHOT_ENV, "")
    if not snapshot or not Path(snapshot).is_file():
        return None
    with open(snapshot, "rb") as handle:
        source, dataset = pickle.load(handle)
    return dataset if Path(source) == path else None


def write_snapshot(
    dataset: Any, data_dir: str | os.PathLike[str], target: str | os.PathLike[str]
) -> Path:
    """Save a dataset that was read once so report kernels can load it fast.

    The batch runner reads and validates the data once, writes this snapshot
    and points the kernels at it through ``DKBM_DATASET_SNAPSHOT``; their
    :func:`load_dataset` then unpickles it instead of reading and validating
    every table again. The snapshot is only used for the directory it was
    made from.

    Parameters
    ----------
    dataset : toolkit.io.Dataset
        The dataset read from ``data_dir``.
    data_dir : str or path-like
        Directory the dataset was read from.
    target : str or path-like
        Snapshot file to write (a private temporary file of the batch).

    Returns
    -------
    pathlib.Path
        The snapshot path.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_snapshot({"tabelle": 1}, d, Path(d) / "snap.pkl")
    ...     os.environ[SNAPSHOT_ENV] = str(p)
    ...     clear_cache()
    ...     print(load_dataset(d))
    ...     del os.environ[SNAPSHOT_ENV]; clear_cache()
    {'tabelle': 1}
    """
    target = Path(target)
    with open(target, "wb") as handle:
        pickle.dump((str(resolve_data_dir(data_dir)), dataset), handle, protocol=5)
    return target


def clear_cache() -> None:
    """Forget every dataset cached in this process.

    Examples
    --------
    >>> clear_cache()
    """
    with _LOCK:
        _CACHE.clear()
