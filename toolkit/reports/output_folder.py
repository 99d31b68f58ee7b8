"""The output folder of a batch: created, checked writable and locked for one batch at a time.

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d, lock_output_folder(Path(d) / "r"):
...     pass
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from toolkit.errors import ParameterError

__all__ = ["lock_output_folder"]


@contextlib.contextmanager
def lock_output_folder(out_dir: Path) -> Iterator[None]:
    """Create, check and lock the output folder for one batch (clear errors, exit code 2).

    The lock (``.dkbm-lock``, ``flock``) is held for the whole batch and
    removed afterwards; a second batch into the same folder is refused.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d, lock_output_folder(Path(d)):
    ...     sorted(os.listdir(d))
    ['.dkbm-lock']
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / f".dkbm-probe-{os.getpid()}"
        probe.write_bytes(b"x")
        probe.unlink()
        handle = open(out_dir / ".dkbm-lock", "a+")  # held for the whole batch
    except OSError as exc:
        raise ParameterError(
            f"Ausgabeordner {out_dir} ist nicht beschreibbar: {exc.strerror or exc}",
            hint="Schreibrechte und freien Platz prüfen oder --out ändern",
        ) from exc
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ParameterError(
                f"In den Ausgabeordner {out_dir} schreibt gerade ein anderer Batch",
                hint="warten, bis er fertig ist, oder --out ändern",
            ) from exc
        yield
        with contextlib.suppress(OSError):  # leave no trace in the output folder
            os.unlink(out_dir / ".dkbm-lock")
    finally:
        handle.close()
