"""The batch manifest: what was produced for which region, and what failed.

``manifest.json`` (full detail) and ``manifest.csv`` (one row per region) sit
in the output directory of a template and period. Both are rewritten
atomically after every region, so an interrupted batch leaves a manifest
that is correct for every region finished so far.

Examples
--------
>>> summarize([{"region": "1", "status": "ok"}, {"region": "2", "status": "failed"}])
{'ok': 1, 'failed': 1, 'timeout': 0}
"""

from __future__ import annotations

import csv
import io
import json
import os
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from toolkit.reports.render import write_atomic
from toolkit.reports.tasks import ManifestEntry

__all__ = [
    "CSV_COLUMNS",
    "MANIFEST_JSON",
    "format_summary",
    "read_manifest",
    "summarize",
    "write_manifest",
]

MANIFEST_JSON = "manifest.json"
_MANIFEST_CSV = "manifest.csv"

#: Columns of ``manifest.csv``.
CSV_COLUMNS = ("region", "region_name", "status", "duration", "outputs", "error", "input_hash")


def read_manifest(out_dir: str | os.PathLike[str]) -> dict[str, ManifestEntry]:
    """Return the entries of an existing manifest by region (empty if none).

    A damaged ``manifest.json`` falls back to ``manifest.csv``; when both
    are unreadable, a warning names the files and the batch starts as if
    there were no manifest (every report is produced again, none is lost).

    Parameters
    ----------
    out_dir : str or path-like
        Output directory of one template and period.

    Returns
    -------
    dict of str to ManifestEntry
        Manifest entries keyed by region code.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = Path(d, MANIFEST_JSON).write_text('{"reports": [{"region": "1", "outputs": null}]}')
    ...     read_manifest(d)["1"].outputs
    ()
    """
    path = Path(out_dir) / MANIFEST_JSON
    if not path.is_file() and not (Path(out_dir) / _MANIFEST_CSV).is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = [ManifestEntry.from_dict(e) for e in data["reports"]]
        return {e.region: e for e in entries}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        problem = f"{path.name}: {exc}"
    try:
        with open(Path(out_dir) / _MANIFEST_CSV, encoding="utf-8", newline="") as handle:
            entries = [ManifestEntry.from_dict(row) for row in csv.DictReader(handle)]
        if entries and all(e.region for e in entries):
            warnings.warn(f"{problem}; manifest.csv wird verwendet", stacklevel=2)
            return {e.region: e for e in entries}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        problem += f"; {_MANIFEST_CSV}: {exc}"
    warnings.warn(
        f"Manifest in {out_dir} unlesbar ({problem}); alle Berichte werden neu erstellt",
        stacklevel=2,
    )
    return {}


def write_manifest(
    out_dir: str | os.PathLike[str],
    entries: Mapping[str, Any],
    *,
    header: Mapping[str, Any],
) -> Path:
    """Write ``manifest.json`` and ``manifest.csv`` atomically.

    Parameters
    ----------
    out_dir : str or path-like
        Output directory.
    entries : mapping of str to ManifestEntry or mapping
        Entries by region; written sorted by region code.
    header : mapping
        Batch-level facts (template, period, formats, data directory).

    Returns
    -------
    pathlib.Path
        Path of ``manifest.json``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_manifest(d, {"1": {"region": "1", "status": "ok", "outputs": ["1_a.html"]}},
    ...                        header={"template": "t"})
    ...     print(Path(d, "manifest.csv").read_text().splitlines()[1])
    1,,ok,,1_a.html,,
    """
    ordered = [_as_dict(entries[k]) for k in sorted(entries)]
    document = {**header, "summary": summarize(ordered), "reports": ordered}
    target = Path(out_dir) / MANIFEST_JSON
    write_atomic(target, json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for entry in ordered:
        row = dict(entry)
        row["outputs"] = ";".join(entry.get("outputs") or [])
        writer.writerow(["" if row.get(c) is None else row.get(c, "") for c in CSV_COLUMNS])
    write_atomic(Path(out_dir) / _MANIFEST_CSV, buffer.getvalue())
    return target


def _as_dict(entry: Any) -> dict[str, Any]:
    return entry.to_dict() if isinstance(entry, ManifestEntry) else dict(entry)


def summarize(entries: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Count entries by status.

    Examples
    --------
    >>> summarize([])
    {'ok': 0, 'failed': 0, 'timeout': 0}
    """
    counts = {"ok": 0, "failed": 0, "timeout": 0}
    for entry in entries:
        status = str(entry.get("status", "failed"))
        counts[status] = counts.get(status, 0) + 1
    return counts


def format_summary(entries: Iterable[Mapping[str, Any]], *, skipped: int = 0) -> str:
    """Return the German summary table printed at the end of a batch.

    Parameters
    ----------
    entries : iterable of mapping
        Entries of the regions run in this batch.
    skipped : int
        Regions skipped because their reports were up to date.

    Returns
    -------
    str
        Counts, then one line per failed region with the error summary.

    Examples
    --------
    >>> print(format_summary([
    ...     {"region": "17001", "region_name": "A", "status": "ok", "duration": 1.0},
    ...     {"region": "17002", "region_name": "B", "status": "failed", "duration": 2.0,
    ...      "error": "ValueError: kaputt"}], skipped=3))
    Berichte: 1 erfolgreich, 1 fehlgeschlagen, 0 Zeitlimit, 3 übersprungen (aktuell)
    Region  Name  Status  Dauer  Fehler
    17002   B     failed  2.0 s  ValueError: kaputt
    """
    entries = list(entries)
    counts = summarize(entries)
    lines = [
        f"Berichte: {counts['ok']} erfolgreich, {counts['failed']} fehlgeschlagen, "
        f"{counts['timeout']} Zeitlimit, {skipped} übersprungen (aktuell)"
    ]
    bad = [e for e in entries if e.get("status") != "ok"]
    if bad:
        rows = [("Region", "Name", "Status", "Dauer", "Fehler")]
        for e in sorted(bad, key=lambda x: str(x.get("region"))):
            rows.append(
                (
                    str(e.get("region", "")),
                    str(e.get("region_name", "")),
                    str(e.get("status", "")),
                    f"{float(e.get('duration') or 0):.1f} s",
                    str(e.get("error", "")),
                )
            )
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        for r in rows:
            cells = [r[i].ljust(widths[i]) for i in range(4)] + [r[4]]
            lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
