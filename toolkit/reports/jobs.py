"""One report for one region: the unit of work of the batch runner.

A :class:`ReportTask` is a plain, picklable description (template, region,
checked parameters, formats, output stem, input hash). :func:`run_task`
executes it in a kernel from a pool, writes the requested outputs
atomically and returns the manifest entry. It never raises for a failing
report: the entry says what went wrong, and the executed notebook with
papermill's error cell is kept next to the other outputs.

Examples
--------
>>> slugify("Musterstadt, kreisfreie Stadt")
'musterstadt-kreisfreie-stadt'
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.reports.kernels import KernelPool
from toolkit.reports.render import html_to_pdf, render_html, write_atomic

__all__ = [
    "FORMATS",
    "Executed",
    "ReportTask",
    "execute_task",
    "finish_task",
    "input_hash",
    "run_task",
    "slugify",
]

#: Output formats a report can be written in.
FORMATS = ("html", "pdf", "ipynb")

_UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


def slugify(name: str) -> str:
    """Return a file-name-safe ASCII form of a region name.

    Parameters
    ----------
    name : str
        Region name, e.g. ``"Bad Müllheim, Stadt"``.

    Returns
    -------
    str
        Lower-case letters, digits and single hyphens (``"region"`` when
        nothing is left).

    Examples
    --------
    >>> slugify("Bad Müllheim (Saale), Stadt")
    'bad-muellheim-saale-stadt'
    >>> slugify("")
    'region'
    """
    text = unicodedata.normalize("NFKD", name.translate(_UMLAUTS))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text or "region"


def input_hash(template_digest: str, parameters: dict[str, Any], data_digest: str) -> str:
    """Return the hash identifying one report's inputs.

    Parameters
    ----------
    template_digest : str
        SHA-256 of the template notebook.
    parameters : dict
        The full, checked parameters of the report.
    data_digest : str
        SHA-256 over the data directory's files.

    Returns
    -------
    str
        Hex SHA-256 over the three and the toolkit version.

    Examples
    --------
    >>> a = input_hash("t", {"region": "17001", "period": 2024}, "d")
    >>> a == input_hash("t", {"period": 2024, "region": "17001"}, "d")
    True
    >>> a == input_hash("t", {"region": "17002", "period": 2024}, "d")
    False
    """
    from toolkit import __version__

    payload = json.dumps(
        {
            "template": template_digest,
            "parameters": parameters,
            "data": data_digest,
            "toolkit": __version__,
        },
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ReportTask:
    """Everything needed to produce one region's report.

    Parameters
    ----------
    template_path : str
        Template notebook.
    template_name : str
        Template name (recorded in outputs).
    title : str
        Page title of the HTML report.
    region : str
        Region code.
    region_name : str
        Region name.
    parameters : dict
        Full, checked parameters.
    formats : tuple of str
        Subset of :data:`FORMATS`.
    out_dir : str
        Directory of this template and period's reports.
    stem : str
        File name without suffix, ``<AGS>_<slug>``.
    input_hash : str
        See :func:`input_hash`.
    timeout : float, optional
        Seconds the notebook may run.
    precheck_error : dict
        Set when the report cannot run at all (e.g. region not in the data);
        no kernel is started then.

    Examples
    --------
    >>> t = ReportTask("t.ipynb", "t", "T", "17001", "A", {}, ("html",), "out", "17001_a", "h")
    >>> t.output_path("html").name
    '17001_a.html'
    """

    template_path: str
    template_name: str
    title: str
    region: str
    region_name: str
    parameters: dict[str, Any]
    formats: tuple[str, ...]
    out_dir: str
    stem: str
    input_hash: str
    timeout: float | None = None
    precheck_error: dict[str, Any] = field(default_factory=dict)

    def output_path(self, fmt: str) -> Path:
        """Return the path of the output in format ``fmt``.

        Examples
        --------
        >>> ReportTask("t", "t", "T", "1", "", {}, (), "/r", "1_x", "h").output_path("pdf")
        PosixPath('/r/1_x.pdf')
        """
        return Path(self.out_dir) / f"{self.stem}.{fmt}"


def _entry(task: ReportTask, status: str, duration: float, outputs: list[str], error: dict) -> dict:
    where = f" (Zelle {error['cell']})" if error.get("cell") is not None else ""
    message = str(error.get("message", "")) if error else ""
    first = message.strip().splitlines()[0] if message.strip() else ""
    summary = f"{error.get('type', 'Fehler')}{where}: {first}" if error else ""
    return {
        "region": task.region,
        "region_name": task.region_name,
        "status": status,
        "duration": round(duration, 2),
        "outputs": outputs,
        "error": summary,
        "error_type": error.get("type", "") if error else "",
        "error_detail": message,
        "input_hash": task.input_hash,
        "parameters": task.parameters,
    }


def _error_dict(exc: BaseException) -> dict[str, Any]:
    message = str(exc).splitlines()[0] if str(exc) else ""
    return {"type": type(exc).__name__, "message": message, "cell": None}


def run_task(task: ReportTask, pool: KernelPool | None) -> dict[str, Any]:
    """Produce one report and return its manifest entry.

    Parameters
    ----------
    task : ReportTask
        What to produce.
    pool : KernelPool or None
        Kernels to execute in (one kernel is used and shut down); may be
        ``None`` for a task with ``precheck_error``.

    Returns
    -------
    dict
        Manifest entry: ``region, region_name, status ('ok', 'failed',
        'timeout'), duration, outputs`` (file names relative to the output
        directory), ``error`` (one-line summary), ``error_type``,
        ``error_detail`` (full message), ``input_hash``, ``parameters``.

    Examples
    --------
    >>> t = ReportTask("t.ipynb", "t", "T", "99999", "", {}, ("html",), "/tmp", "99999_x", "h",
    ...                precheck_error={"type": "DataError", "message": "keine Daten"})
    >>> run_task(t, None)["error"]
    'DataError: keine Daten'
    """
    return finish_task(execute_task(task, pool))


@dataclass
class Executed:
    """A report whose notebook has run, waiting to be written (see :func:`finish_task`).

    ``entry`` is set when there is nothing left to write (the report
    failed before or while its kernel started).

    Examples
    --------
    >>> Executed(None, 0.0, entry={"status": "failed"}).entry["status"]
    'failed'
    """

    task: ReportTask | None
    started: float
    nb: Any = None
    outcome: Any = None
    entry: dict[str, Any] | None = None


def execute_task(task: ReportTask, pool: KernelPool | None) -> Executed:
    """Run the notebook of one report in a kernel of ``pool`` (the part that needs a kernel).

    Returns an :class:`Executed` for :func:`finish_task`, which writes the
    outputs; a batch worker can write one report while the next one runs.

    Examples
    --------
    >>> t = ReportTask("t.ipynb", "t", "T", "99999", "", {}, ("html",), "/tmp", "99999_x", "h",
    ...                precheck_error={"type": "DataError", "message": "keine Daten"})
    >>> execute_task(t, None).entry["status"]
    'failed'
    """
    started = time.monotonic()
    out_dir = Path(task.out_dir)
    # A report that does not succeed must not leave an older report behind.
    stale = [task.output_path(fmt) for fmt in FORMATS]
    if task.precheck_error:
        for path in stale:
            path.unlink(missing_ok=True)
        return Executed(task, started, entry=_entry(task, "failed", 0.0, [], task.precheck_error))
    if pool is None:
        raise ValueError("run_task braucht einen KernelPool")
    out_dir.mkdir(parents=True, exist_ok=True)
    ipynb_path = task.output_path("ipynb")
    try:
        with tempfile.TemporaryDirectory(prefix="dkbm-run-") as scratch:
            from toolkit.reports.execute import run_notebook

            nb, outcome = run_notebook(
                task.template_path,
                Path(scratch) / "executed.ipynb",
                task.parameters,
                pool=pool,
                timeout=task.timeout,
                record_paths=(Path(task.template_path).name, ipynb_path.name),
            )
    except Exception as exc:  # kernel could not start at all
        for path in stale:
            path.unlink(missing_ok=True)
        entry = _entry(task, "failed", time.monotonic() - started, [], _error_dict(exc))
        return Executed(task, started, entry=entry)
    return Executed(task, started, nb=nb, outcome=outcome)


def finish_task(done: Executed) -> dict[str, Any]:
    """Write the outputs of an executed report and return its manifest entry.

    Examples
    --------
    >>> t = ReportTask("t.ipynb", "t", "T", "99999", "", {}, ("html",), "/tmp", "99999_x", "h",
    ...                precheck_error={"type": "DataError", "message": "keine Daten"})
    >>> finish_task(execute_task(t, None))["status"]
    'failed'
    """
    if done.entry is not None:
        return done.entry
    task, started, nb, outcome = done.task, done.started, done.nb, done.outcome
    assert task is not None
    stale = [task.output_path(fmt) for fmt in FORMATS]
    ipynb_path = task.output_path("ipynb")
    import nbformat

    nb.metadata["title"] = task.title
    outputs: list[str] = []
    if not outcome.ok:
        for path in stale:
            path.unlink(missing_ok=True)
        write_atomic(ipynb_path, nbformat.writes(nb))
        duration = time.monotonic() - started
        return _entry(task, outcome.status, duration, [ipynb_path.name], outcome.error)
    try:
        if "ipynb" in task.formats:
            write_atomic(ipynb_path, nbformat.writes(nb))
            outputs.append(ipynb_path.name)
        else:
            ipynb_path.unlink(missing_ok=True)
        html = render_html(nb, title=task.title)
        html_path = task.output_path("html")
        if "html" in task.formats:
            write_atomic(html_path, html)
            outputs.append(html_path.name)
        if "pdf" in task.formats:
            with tempfile.TemporaryDirectory(prefix="dkbm-pdf-") as scratch:
                source = html_path if "html" in task.formats else Path(scratch) / "r.html"
                if source != html_path:
                    source.write_text(html, encoding="utf-8")
                html_to_pdf(source, task.output_path("pdf"))
            outputs.append(task.output_path("pdf").name)
    except Exception as exc:
        write_atomic(ipynb_path, nbformat.writes(nb))
        error = _error_dict(exc)
        error["type"] = f"Ausgabe: {error['type']}"
        return _entry(task, "failed", time.monotonic() - started, [ipynb_path.name], error)
    return _entry(task, "ok", time.monotonic() - started, sorted(outputs), {})
