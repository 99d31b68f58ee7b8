"""The batch's output folder and manifest: what was produced for which region, what failed.

:class:`ManifestEntry` is the frozen record of one report, made only by
:func:`make_entry`. ``manifest.json`` (full detail) and ``manifest.csv``
(one row per region) sit in the output directory of a template and period.
Both are rewritten atomically after every region (:class:`ManifestFile`),
so an interrupted batch leaves a manifest that is correct for every region
finished so far.

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
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import ParameterError
from toolkit.reports.render import write_atomic

if TYPE_CHECKING:
    from toolkit.reports.tasks import ReportTask

__all__ = [
    "CSV_COLUMNS",
    "MANIFEST_JSON",
    "ManifestEntry",
    "ManifestFile",
    "format_summary",
    "make_entry",
    "read_manifest",
    "summarize",
    "write_manifest",
]

MANIFEST_JSON = "manifest.json"
_MANIFEST_CSV = "manifest.csv"

#: Columns of ``manifest.csv``.
CSV_COLUMNS = ("region", "region_name", "status", "duration", "outputs", "error", "input_hash")


@dataclass(frozen=True)
class ManifestEntry:
    """What became of one region's report (one row of the manifest).

    ``status`` is ``ok``, ``failed`` or ``timeout``; ``outputs`` are file
    names in the output folder; ``kept`` names the previous report's files
    left in place because this run did not succeed; ``template_version``
    and ``toolkit_version`` say what made the report. Reads like a mapping
    (``entry["status"]``) for callers that treat entries as rows.

    Examples
    --------
    >>> e = ManifestEntry("17001", "A", "ok", 1.5, ("17001_a.html",))
    >>> e["status"], ManifestEntry.from_dict(e.to_dict()) == e
    ('ok', True)
    """

    region: str
    region_name: str
    status: str
    duration: float = 0.0
    outputs: tuple[str, ...] = ()
    error: str = ""
    error_type: str = ""
    error_detail: str = ""
    input_hash: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    kept: tuple[str, ...] = ()
    template_version: str = ""
    toolkit_version: str = ""

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        """Mapping-style read with a default."""
        return getattr(self, key, default)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (lists for tuples; parameters copied one level deep)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["parameters"] = dict(self.parameters)  # asdict's deep copy costs ~50 µs per entry
        return {k: list(v) if isinstance(v, tuple) else v for k, v in out.items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ManifestEntry:
        """Read an entry written by :meth:`to_dict` (tolerates missing or null fields)."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known and v is not None}
        for key in ("outputs", "kept"):
            raw = values.get(key, ())
            values[key] = tuple(raw.split(";") if isinstance(raw, str) else raw or ())
        values["region"] = str(values.get("region", ""))
        values.setdefault("region_name", "")
        values.setdefault("status", "failed")
        values["duration"] = float(values.get("duration") or 0.0)
        return cls(**values)


def make_entry(
    task: ReportTask,
    status: str,
    *,
    duration: float = 0.0,
    outputs: tuple[str, ...] = (),
    error_type: str = "",
    message: str = "",
    cell: int | None = None,
) -> ManifestEntry:
    r"""Build the manifest entry of ``task`` (the only place entries are made).

    A ``timeout`` entry's error says the limit (or ``message`` when given).

    Examples
    --------
    >>> from toolkit.reports.tasks import ReportTask
    >>> t = ReportTask("t", "T", "9", "", {}, (), "/r", "9_x", "h")
    >>> make_entry(t, "failed", error_type="ValueError", message="kaputt\nmehr", cell=3).error
    'ValueError (Zelle 3): kaputt'
    """
    from toolkit import __version__

    if status == "timeout":
        error_type, message = (
            "Timeout",
            message or f"Zeitlimit von {task.timeout:g} s überschritten",
        )
    first = message.strip().splitlines()[0] if message.strip() else ""
    where = f" (Zelle {cell})" if cell is not None else ""
    kept = ()
    if status != "ok":
        kept = tuple(n for n in task.previous if (Path(task.out_dir) / n).is_file())
    note = " Der vorige Bericht bleibt erhalten." if kept else ""
    return ManifestEntry(
        region=task.region,
        region_name=task.region_name,
        status=status,
        duration=round(duration, 2),
        outputs=tuple(sorted(outputs)),
        error=f"{error_type}{where}: {first}{note}" if error_type else "",
        error_type=error_type,
        error_detail=message,
        input_hash=task.input_hash,
        parameters=dict(task.parameters),
        kept=kept,
        template_version=task.template_version,
        toolkit_version=__version__,
    )


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
    entries: Mapping[str, ManifestEntry],
    *,
    header: Mapping[str, Any],
) -> Path:
    """Write ``manifest.json`` and ``manifest.csv`` atomically.

    Parameters
    ----------
    out_dir : str or path-like
        Output directory.
    entries : mapping of str to ManifestEntry
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
    ...     e = ManifestEntry("1", "A", "ok", 1.5, ("1_a.html",))
    ...     p = write_manifest(d, {"1": e}, header={"template": "t"})
    ...     print(Path(d, "manifest.csv").read_text().splitlines()[1])
    1,A,ok,1.5,1_a.html,,
    """
    ordered = [entries[k].to_dict() for k in sorted(entries)]
    document = {**header, "summary": summarize(ordered), "reports": ordered}
    target = Path(out_dir) / MANIFEST_JSON
    write_atomic(target, json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in ordered:
        writer.writerow([";".join(row[c]) if c == "outputs" else row[c] for c in CSV_COLUMNS])
    write_atomic(Path(out_dir) / _MANIFEST_CSV, buffer.getvalue())
    return target


class ManifestFile:
    """The manifest of an output folder while a batch writes it (rewritten after every entry).

    Parameters
    ----------
    out_dir : pathlib.Path
        Output folder.
    header : dict
        Batch-level facts, written with every save.
    entries : mapping of str to ManifestEntry
        The entries already there (the previous manifest).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     ManifestFile(Path(d), {"template": "t"}, {}).record(ManifestEntry("1", "A", "ok"))
    ...     sorted(read_manifest(d))
    ['1']
    """

    def __init__(
        self, out_dir: Path, header: dict[str, Any], entries: Mapping[str, ManifestEntry]
    ) -> None:
        self.out_dir, self.header, self.entries = out_dir, header, dict(entries)

    def record(self, entry: ManifestEntry) -> None:
        """Add or replace the region's entry and save."""
        self.entries[entry.region] = entry
        self.save()

    def save(self) -> None:
        """Write both files; a full disk or missing rights is a ParameterError naming the folder."""
        try:
            write_manifest(self.out_dir, self.entries, header=self.header)
        except OSError as exc:
            raise ParameterError(
                f"Manifest in {self.out_dir} kann nicht geschrieben werden: {exc.strerror}",
                hint="Schreibrechte und freien Platz prüfen; mit --resume fortsetzen",
            ) from exc


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


def format_summary(result: Any) -> str:
    """Return the German summary table of a batch result, printed at its end.

    Parameters
    ----------
    result : toolkit.reports.BatchResult
        Its entries (the regions run now), the regions skipped as up to
        date, the indicators the data cannot give (``omitted``), the Kreise
        without data in the period (``absent``) and the audit of the
        protected set.

    Returns
    -------
    str
        Counts, one line per failed region with the error summary, then
        what is left out and what the audit found.

    Examples
    --------
    >>> from toolkit.reports import BatchResult
    >>> print(format_summary(BatchResult(Path("r"), [
    ...     ManifestEntry("17001", "A", "ok", 1.0),
    ...     ManifestEntry("17002", "B", "failed", 2.0, error="ValueError: kaputt")],
    ...     skipped=("17003", "17004", "17005"))))
    Berichte: 1 erfolgreich, 1 fehlgeschlagen, 0 Zeitlimit, 3 übersprungen (aktuell)
    Region  Name  Status  Dauer  Fehler
    17002   B     failed  2.0 s  ValueError: kaputt
    """
    entries, audit = result.entries, result.audit
    counts = summarize(entries)
    lines = [
        f"Berichte: {counts['ok']} erfolgreich, {counts['failed']} fehlgeschlagen, "
        f"{counts['timeout']} Zeitlimit, {len(result.skipped)} übersprungen (aktuell)"
    ]
    bad = sorted((e for e in entries if e.status != "ok"), key=lambda e: e.region)
    if bad:
        rows = [("Region", "Name", "Status", "Dauer", "Fehler")]
        rows += [(e.region, e.region_name, e.status, f"{e.duration:.1f} s", e.error) for e in bad]
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        for r in rows:
            cells = [r[i].ljust(widths[i]) for i in range(4)] + [r[4]]
            lines.append("  ".join(cells).rstrip())
    if result.omitted:
        lines.append("Nicht enthalten (fehlt in den Daten): " + "; ".join(result.omitted))
    if result.absent:
        lines.append(
            "Übersprungen, keine Daten im Berichtsjahr (Gebiet aufgelöst?): "
            + ", ".join(result.absent)
        )
    from toolkit.reports.publishing import audit_failed, audit_note

    if audit_note(audit):  # reports of an older protected set in the folder
        lines.append(audit_note(audit))
    if audit_failed(audit):
        lines.append(
            f"Geheimhaltung verletzt: {audit['disclosed']} gesperrte Fallzahlen "
            "sind aus dem Veröffentlichten auf weniger als ±1 eingrenzbar "
            "(manifest.json, disclosure_audit). Berichte nicht veröffentlichen."
        )
    return "\n".join(lines)
