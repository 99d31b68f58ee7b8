"""One report: its task and the function that produces it.

:class:`ReportTask` is a frozen record; :func:`produce` is the task function
of every executor (a forked local child, a Dask worker's child, a fresh
interpreter): papermill executes the template (engine ``dkbm`` in this
process, or a kernel for templates that ask for one), then the outputs are
written, each to a temporary file moved into place when complete. A
failing report keeps the previous report of the region and says so.

Examples
--------
>>> ReportTask("t.ipynb", "T", "1", "", {}, ("pdf",), "/r", "1_x", "h").output_path("pdf").name
'1_x.pdf'
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.reports.layout import load_bericht_config
from toolkit.reports.manifest import ManifestEntry, make_entry
from toolkit.reports.render import html_to_pdf, render_html, write_atomic
from toolkit.reports.runtime import DATA_DIR_ENV, resolve_data_dir

__all__ = ["ReportTask", "produce"]

_TIMING_KEYS = ("start_time", "end_time", "duration")


@dataclass(frozen=True)
class ReportTask:
    """Everything needed to produce one region's report (picklable, immutable).

    ``engine`` is the papermill engine (``"dkbm"`` in-process, ``None`` a
    kernel); ``previous`` the output names of the region's last successful report;
    ``data_dir`` the batch's data directory (what ``data_dir=None`` means);
    ``template_version`` the template's version (in the manifest entry).

    Examples
    --------
    >>> t = ReportTask("t.ipynb", "T", "17001", "A", {}, ("html",), "out", "17001_a", "h")
    >>> t.output_path("html").name
    '17001_a.html'
    """

    template_path: str
    title: str
    region: str
    region_name: str
    parameters: dict[str, Any]
    formats: tuple[str, ...]
    out_dir: str
    stem: str
    input_hash: str
    engine: str | None = "dkbm"
    timeout: float | None = None
    previous: tuple[str, ...] = ()
    data_dir: str = ""
    template_version: str = ""

    def output_path(self, fmt: str) -> Path:
        """Return the path of the output in format ``fmt``.

        Examples
        --------
        >>> ReportTask("t", "T", "1", "", {}, (), "/r", "1_x", "h").output_path("pdf")
        PosixPath('/r/1_x.pdf')
        """
        return Path(self.out_dir) / f"{self.stem}.{fmt}"


def produce(task: ReportTask, warm: Any = None) -> ManifestEntry:
    """Produce one report in this process and return its manifest entry.

    Parameters
    ----------
    task : ReportTask
        What to produce.
    warm : toolkit.reports.runtime.Warm, optional
        Data already loaded (for the in-process engine).

    Returns
    -------
    ManifestEntry
        The entry of a report that succeeded, failed in a cell or ran out
        of time. A failed report's executed notebook with papermill's error
        cell is kept as ``<stem>.ipynb`` (``<stem>.fehler.ipynb`` when the
        previous report has a notebook). Anything else (e.g. a full disk)
        raises; the forked child makes it the failed entry.

    Examples
    --------
    >>> import nbformat, tempfile
    >>> d = tempfile.mkdtemp()
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 / 0")])
    >>> nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    >>> nbformat.write(nb, f"{d}/t.ipynb")
    >>> t = ReportTask(f"{d}/t.ipynb", "T", "1", "", {}, ("html",), d, "1_x", "h")
    >>> entry = produce(t)
    >>> entry.error, entry.outputs
    ('ZeroDivisionError (Zelle 0): division by zero', ('1_x.ipynb',))
    """
    import logging

    import nbformat
    import papermill
    from nbclient.exceptions import CellTimeoutError as KernelCellTimeout
    from papermill.exceptions import PapermillExecutionError

    started = time.monotonic()
    if task.data_dir:  # a kernel or a template without warm data reads the batch's data
        os.environ[DATA_DIR_ENV] = task.data_dir
    logging.getLogger("papermill").setLevel(logging.ERROR)  # parameter inference notes
    with tempfile.TemporaryDirectory(prefix="dkbm-report-") as scratch:
        executed = os.path.join(scratch, "executed.ipynb")
        try:
            nb = papermill.execute_notebook(
                task.template_path,
                executed,
                dict(task.parameters),
                engine_name=task.engine,
                progress_bar=False,
                request_save_on_cell_execute=False,
                cwd=scratch,
                execution_timeout=task.timeout,
                **({"warm": warm} if task.engine == "dkbm" else {}),
            )
        except KernelCellTimeout:  # a kernel's cell limit (nbclient) leaves no notebook
            return make_entry(task, "timeout", duration=time.monotonic() - started)
        except PapermillExecutionError as exc:  # papermill saved the notebook with its error cell
            nb = _normalize(nbformat.read(executed, as_version=4), task)
            name = f"{task.stem}.ipynb"
            name = f"{task.stem}.fehler.ipynb" if name in task.previous else name
            write_atomic(Path(task.out_dir) / name, nbformat.writes(nb))
            late = exc.ename == "CellTimeoutError"  # raised in the running cell by the dkbm engine
            return make_entry(
                task,
                "timeout" if late else "failed",
                duration=time.monotonic() - started,
                outputs=(name,),
                error_type=exc.ename,
                message="" if late else exc.evalue,
                cell=exc.cell_index,
            )
        nb = _normalize(nb, task)
        html = render_html(
            nb,
            title=task.title,
            exporter=getattr(warm, "exporter", None),
            bericht=load_bericht_config(resolve_data_dir(task.data_dir)),
            region_name=task.region_name,
        )
        if "ipynb" in task.formats:
            write_atomic(task.output_path("ipynb"), nbformat.writes(nb))
        if "html" in task.formats:
            write_atomic(task.output_path("html"), html)
        if "pdf" in task.formats:
            page = Path(scratch, f"{task.stem}.html")
            page.write_text(html, encoding="utf-8")
            html_to_pdf(page, task.output_path("pdf"))
    outputs = tuple(task.output_path(f).name for f in task.formats)
    return make_entry(task, "ok", duration=time.monotonic() - started, outputs=outputs)


def _normalize(nb: Any, task: ReportTask) -> Any:
    """Remove what differs between runs (timings, scratch paths, invented cell ids)."""
    meta = nb.metadata["papermill"]
    for key in (*_TIMING_KEYS, "environment_variables"):
        meta.pop(key, None)
    meta.update(input_path=Path(task.template_path).name, output_path=f"{task.stem}.ipynb")
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)  # a kernel's timings
        for key in _TIMING_KEYS:
            cell.metadata.get("papermill", {}).pop(key, None)
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"
        elif "papermill-error-cell-tag" in tags:
            cell["id"] = f"papermill-error-{index}"
    nb.metadata["title"] = task.title
    return nb
