"""What a running report template uses from the runner: :func:`load_dataset`.

Templates call :func:`load_dataset` instead of reading files themselves.
Outside the batch runner it reads and validates the data directory on every
call. The runner reads the data once in its warm parent process and passes
the result, a :class:`Warm` context, explicitly to the papermill engine,
which makes it visible to :func:`load_dataset` for exactly that run
(:func:`provided`); nothing is cached in module globals.

Examples
--------
>>> resolve_data_dir("/tmp").as_posix()
'/tmp'
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["DATA_DIR_ENV", "Warm", "load_dataset", "provided", "resolve_data_dir"]

#: Environment variable naming the data directory when a template passes none.
DATA_DIR_ENV = "DKBM_DATA_DIR"

# The warm context of the run in progress, set only by ``provided`` (not a cache).
_ACTIVE: ContextVar[Warm | None] = ContextVar("dkbm_warm", default=None)


@dataclass(frozen=True)
class Warm:
    """Data read once by the runner's parent process and handed to every report.

    Parameters
    ----------
    data_dir : pathlib.Path
        Resolved data directory.
    dataset : toolkit.io.Dataset
        The validated dataset of ``data_dir``; its ``shared`` attribute (when
        present) holds computations every report of the batch needs.
    exporter : nbconvert.HTMLExporter, optional
        HTML exporter with compiled templates, shared by the reports.

    Examples
    --------
    >>> Warm(Path("/d"), {"regions": None}).data_dir.name
    'd'
    """

    data_dir: Path
    dataset: Any
    exporter: Any = None


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


@contextlib.contextmanager
def provided(warm: Warm | None) -> Iterator[None]:
    """Make ``warm`` the data :func:`load_dataset` returns inside the block.

    Examples
    --------
    >>> with provided(Warm(Path("/nirgends"), "schon geladen")):
    ...     load_dataset("/nirgends")
    'schon geladen'
    """
    token = _ACTIVE.set(warm)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def load_dataset(data_dir: str | os.PathLike[str] | None = None) -> Any:
    """Return the dataset of ``data_dir``.

    Parameters
    ----------
    data_dir : str or path-like, optional
        Directory of canonical tables (see ``data_samples/README.md``);
        ``None`` means the sample data (see :func:`resolve_data_dir`).

    Returns
    -------
    toolkit.io.Dataset
        The validated dataset: the one the runner passed in when it is of the
        same directory (or ``data_dir`` is ``None``: the batch's data), else
        read now.

    Raises
    ------
    toolkit.errors.DataError
        When the directory does not exist or its tables are invalid.

    Examples
    --------
    >>> load_dataset().synthetic
    True
    """
    warm = _ACTIVE.get()
    if warm is not None and (data_dir is None or str(data_dir) == ""):
        return warm.dataset  # the batch's data directory
    path = resolve_data_dir(data_dir)
    if warm is not None and warm.data_dir == path:
        return warm.dataset
    if not path.is_dir():
        from toolkit.errors import DataError

        raise DataError(
            "Datenverzeichnis nicht gefunden",
            file=str(path),
            hint="Pfad prüfen oder den Parameter data_dir leer lassen (Beispieldaten)",
        )
    from toolkit.io import read_dataset

    return read_dataset(path)
