"""Resume: which reports are up to date, judged by the hash of exactly what they read.

A report's input hash (:func:`input_hash`) covers the template file and its
version, the full parameters, the toolkit version and :func:`inputs_digest`:
the files of the tables the report reads (``regions``, its ``requires`` and
the tables its indicators are computed from; every table when it declares
none), ``meta.json`` and the ``bericht.toml`` it is laid out with (and its
logo). A note, a README or a table the template does not read changes
nothing. :func:`is_skipped` decides, from the manifest's previous entry,
whether ``--resume`` or ``--retry-failed`` leaves a region out.

Examples
--------
>>> input_hash("t", {"region": "1"}, "d") == input_hash("t", {"region": "1"}, "d")
True
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from toolkit.reports.manifest import ManifestEntry
from toolkit.reports.requirements import Requirements
from toolkit.reports.tasks import ReportTask

__all__ = ["input_hash", "inputs_digest", "is_skipped"]

_TABLE_SUFFIXES = (".csv", ".csv.gz", ".csv.zip", ".parquet", ".xlsx")


def input_hash(template_digest: str, parameters: dict[str, Any], data_digest: str) -> str:
    """Return the SHA-256 identifying one report's inputs (with the toolkit version).

    Examples
    --------
    >>> a = input_hash("t", {"region": "17001", "period": 2024}, "d")
    >>> a == input_hash("t", {"period": 2024, "region": "17001"}, "d")
    True
    """
    from toolkit import __version__

    payload = {"template": template_digest, "parameters": parameters, "data": data_digest}
    text = json.dumps({**payload, "toolkit": __version__}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def inputs_digest(data_dir: str | os.PathLike[str], reads: Requirements | None) -> str:
    """Return a SHA-256 over the files a report reads and the ``bericht.toml`` it is laid out with.

    Covers ``meta.json`` and the files of the tables in ``reads`` (optional
    ones included; every table file when None; a table's absence counts
    too); other files (notes, README, tables the template does not read)
    change nothing.

    Examples
    --------
    >>> import tempfile
    >>> kita = Requirements(("kita",))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     empty = inputs_digest(d, kita)
    ...     _ = Path(d, "notizen.txt").write_text("x")
    ...     _ = Path(d, "schule.csv").write_text("x")
    ...     same = inputs_digest(d, kita)
    ...     _ = Path(d, "kita.csv").write_text("x")
    ...     empty == same, empty == inputs_digest(d, kita), empty == inputs_digest(d, None)
    (True, False, False)
    """
    root = Path(data_dir)
    tables = None if reads is None else sorted({*reads.tables, *reads.optional_tables})
    files = [p for p in root.rglob("*") if p.is_file()]
    files = [p for p in files if p.name == "meta.json" or p.name.lower().endswith(_TABLE_SUFFIXES)]
    if tables is not None:
        wanted = {f"{t}{s}" for t in tables for s in _TABLE_SUFFIXES} | {"meta.json"}
        files = [p for p in files if p.relative_to(root).as_posix().lower() in wanted]
    digest = hashlib.sha256(json.dumps(tables or []).encode())
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    from toolkit.reports.layout import load_bericht_config

    bericht = load_bericht_config(root)  # also fails early on a broken file
    digest.update(json.dumps({**asdict(bericht), "path": ""}, sort_keys=True).encode())
    logo = Path(bericht.path).parent / bericht.logo if bericht.logo and bericht.path else None
    if logo is not None and logo.is_file():
        digest.update(logo.read_bytes())
    return digest.hexdigest()


def is_skipped(
    old: ManifestEntry | None, task: ReportTask, *, resume: bool, retry_failed: bool
) -> bool:
    """Whether ``--resume`` or ``--retry-failed`` leaves a region out.

    ``--retry-failed`` leaves out what did not fail (``old`` is the
    manifest's previous entry); ``--resume`` leaves out a region whose
    outputs exist from an ``ok`` run with the same input hash as ``task``.

    Examples
    --------
    >>> ok = ManifestEntry("1", "", "ok", input_hash="h")
    >>> is_skipped(ok, ReportTask("t", "T", "1", "", {}, (), "/r", "1_x", "h"),
    ...            resume=True, retry_failed=False)
    True
    >>> is_skipped(ok, ReportTask("t", "T", "1", "", {}, (), "/r", "1_x", "neu"),
    ...            resume=True, retry_failed=False)
    False
    """
    ok_before = old is not None and old.status == "ok"
    if retry_failed:
        return old is None or ok_before
    wanted = [task.output_path(fmt) for fmt in task.formats]
    return (
        resume
        and ok_before
        and old.input_hash == task.input_hash
        and set(old.outputs) >= {p.name for p in wanted}
        and all(p.is_file() for p in wanted)
    )
