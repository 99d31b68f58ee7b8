"""Execute one parameterised notebook with papermill in a warmed-up kernel.

The notebook runs in a kernel from a :class:`~toolkit.reports.kernels.KernelPool`
(or a freshly started one). A watchdog enforces the per-report time limit:
it interrupts the kernel and, if that does not help, kills it. Whatever
happens, the executed notebook comes back; on failure it carries papermill's
error banner and the failing cell's error output, and an :class:`Outcome`
says what went wrong. Run-dependent metadata (timings, temporary paths,
random cell ids) are removed so the same inputs give the same notebook.

Examples
--------
>>> Outcome("ok").ok
True
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from toolkit.reports.kernels import KernelPool, WarmKernel

__all__ = ["Outcome", "normalize_notebook", "run_notebook"]

log = logging.getLogger(__name__)

_TIMING_KEYS = ("start_time", "end_time", "duration")


@dataclass
class Outcome:
    """What became of one notebook run.

    Parameters
    ----------
    status : {'ok', 'failed', 'timeout'}
        Result.
    error : dict
        For failures: ``type``, ``message``, ``cell`` (index in the executed
        notebook, or ``None``).
    duration : float
        Seconds spent executing (without waiting for the kernel).

    Examples
    --------
    >>> Outcome("failed", {"type": "ValueError", "message": "x", "cell": 3}).summary()
    'ValueError in Zelle 3: x'
    """

    status: str
    error: dict[str, Any] = field(default_factory=dict)
    duration: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether the notebook ran to the end without error.

        Examples
        --------
        >>> Outcome("timeout").ok
        False
        """
        return self.status == "ok"

    def summary(self) -> str:
        """Return a one-line German error summary (empty when ok).

        Examples
        --------
        >>> Outcome("ok").summary()
        ''
        """
        if self.ok:
            return ""
        where = f" in Zelle {self.error['cell']}" if self.error.get("cell") is not None else ""
        return f"{self.error.get('type', 'Fehler')}{where}: {self.error.get('message', '')}"


def normalize_notebook(nb: Any, *, input_path: str, output_path: str) -> Any:
    """Remove run-dependent metadata from an executed notebook (in place).

    Timings written by papermill and nbclient go, the paths recorded by
    papermill are set to the given ones, and cell ids papermill invents
    (injected parameters, error banners) become stable.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        Executed notebook.
    input_path, output_path : str
        Paths to record in ``metadata.papermill``.

    Returns
    -------
    nbformat.NotebookNode
        The same notebook.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.metadata["papermill"] = {"duration": 1.5, "parameters": {}}
    >>> normalize_notebook(nb, input_path="t.ipynb", output_path="o.ipynb").metadata["papermill"]
    {'parameters': {}, 'input_path': 't.ipynb', 'output_path': 'o.ipynb'}
    """
    meta = nb.metadata.get("papermill")
    if meta is not None:
        for key in _TIMING_KEYS:
            meta.pop(key, None)
        meta.pop("environment_variables", None)
        meta["input_path"] = input_path
        meta["output_path"] = output_path
    seen: set[str] = set()
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)
        pm = cell.metadata.get("papermill")
        if pm is not None:
            for key in _TIMING_KEYS:
                pm.pop(key, None)
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"
        elif "papermill-error-cell-tag" in tags:
            cell["id"] = f"papermill-error-{index}"
        if "id" in cell:
            if cell["id"] in seen:
                cell["id"] = f"{cell['id']}-{index}"
            seen.add(cell["id"])
    return nb


def _killed_cell(nb: Any) -> int | None:
    """Index of the code cell that was running when the kernel died."""
    running = None
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        pm = cell.metadata.get("papermill", {})
        if pm.get("start_time") is not None:
            running = index
    return running


class _Watchdog:
    """Interrupt, then kill, a kernel that runs longer than allowed."""

    def __init__(self, kernel: WarmKernel, timeout: float | None, grace: float = 5.0) -> None:
        self.kernel = kernel
        self.fired = False
        self._timers: list[threading.Timer] = []
        if timeout is not None and timeout > 0:
            self._timers = [
                threading.Timer(timeout, self._signal, (signal.SIGINT,)),
                threading.Timer(timeout + grace, self._signal, (signal.SIGKILL,)),
            ]
            for timer in self._timers:
                timer.daemon = True
                timer.start()

    def _signal(self, sig: int) -> None:
        self.fired = True
        pid = self.kernel.pid
        if pid is not None:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass

    def cancel(self) -> None:
        for timer in self._timers:
            timer.cancel()


def run_notebook(
    input_path: str | os.PathLike[str],
    output_path: str | os.PathLike[str],
    parameters: dict[str, Any],
    *,
    pool: KernelPool,
    timeout: float | None = None,
    record_paths: tuple[str, str] | None = None,
) -> tuple[Any, Outcome]:
    """Execute a notebook with papermill in a kernel from ``pool``.

    Parameters
    ----------
    input_path : str or path-like
        Template notebook.
    output_path : str or path-like
        Where papermill writes the executed notebook (a scratch file; it is
        rewritten normalised).
    parameters : dict
        Checked parameters to inject.
    pool : KernelPool
        Source of the (warmed-up) kernel; the kernel is shut down afterwards.
    timeout : float, optional
        Seconds the whole notebook may run; then the kernel is interrupted
        and, 5 s later, killed.
    record_paths : tuple of str, optional
        ``(input, output)`` paths to record in the notebook metadata instead
        of the real ones (keeps notebooks independent of scratch paths).

    Returns
    -------
    tuple of (nbformat.NotebookNode, Outcome)
        The executed, normalised notebook (with papermill's error banner on
        failure) and what happened.

    Raises
    ------
    toolkit.errors.TemplateError
        Only when no kernel could be started at all.

    Examples
    --------
    >>> import nbformat, tempfile
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
    ...                              "language": "python"}
    >>> nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
    ...             nbformat.v4.new_code_cell("print(x * 2)")]
    >>> with tempfile.TemporaryDirectory() as d:
    ...     nbformat.write(nb, f"{d}/t.ipynb")
    ...     pool = KernelPool("pass", ahead=0)
    ...     out, outcome = run_notebook(f"{d}/t.ipynb", f"{d}/o.ipynb", {"x": 21}, pool=pool)
    ...     pool.close()
    >>> outcome.status, out.cells[-1].outputs[0]["text"].strip()
    ('ok', '42')
    """
    import nbformat
    from nbclient.exceptions import DeadKernelError
    from papermill.engines import papermill_engines
    from papermill.exceptions import PapermillExecutionError
    from papermill.execute import (
        prepare_notebook_metadata,
        raise_for_execution_errors,
        remove_error_markers,
    )
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    logging.getLogger("papermill").setLevel(logging.WARNING)
    input_path, output_path = str(input_path), str(output_path)
    recorded = record_paths or (input_path, output_path)
    nb = load_notebook_node(input_path)
    nb = parameterize_notebook(nb, parameters, report_mode=False)
    nb = prepare_notebook_metadata(nb, recorded[0], recorded[1])
    nb = remove_error_markers(nb)
    kernel_name = papermill_engines.nb_kernel_name(engine_name=None, nb=nb)
    kernel = pool.acquire()
    watchdog = _Watchdog(kernel, timeout)
    started = time.monotonic()
    dead = False
    try:
        # The engine executes ``nb`` in place, so a kernel that dies mid-run
        # still leaves the outputs produced so far in ``nb``.
        papermill_engines.execute_notebook_with_engine(
            None,
            nb,
            input_path=input_path,
            output_path=None,
            kernel_name=kernel_name,
            progress_bar=False,
            log_output=False,
            km=kernel.km,
            record_timing=False,
        )
    except DeadKernelError:
        dead = True
    finally:
        watchdog.cancel()
        kernel.shutdown()
    duration = time.monotonic() - started
    if dead:
        message = "Kernel während der Ausführung beendet (abgestürzt oder getötet)"
        if watchdog.fired:
            message = f"Zeitlimit von {timeout:g} s überschritten; Kernel beendet"
        cell = _killed_cell(nb)
        if cell is not None:
            nb.cells[cell].outputs.append(
                nbformat.v4.new_output(
                    "error", ename="DeadKernelError", evalue=message, traceback=[message]
                )
            )
    error: dict[str, Any] = {}
    try:
        raise_for_execution_errors(nb, output_path)
    except PapermillExecutionError as exc:
        # papermill wrote the notebook with its error banner; use that version.
        nb = nbformat.read(output_path, as_version=4)
        error = {"type": exc.ename, "message": str(exc.evalue), "cell": exc.cell_index}
    normalize_notebook(nb, input_path=recorded[0], output_path=recorded[1])
    if watchdog.fired:
        error = {
            "type": "Timeout",
            "message": f"Zeitlimit von {timeout:g} s überschritten",
            "cell": error.get("cell"),
        }
        return nb, Outcome("timeout", error, duration)
    if error:
        return nb, Outcome("failed", error, duration)
    return nb, Outcome("ok", {}, duration)
