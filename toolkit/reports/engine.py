r"""A papermill engine that executes a notebook in this Python process.

Registered as ``dkbm`` through the ``papermill.engine`` entry point, so
``papermill.execute_notebook(..., engine_name="dkbm")`` runs the cells in an
IPython :class:`~IPython.core.interactiveshell.InteractiveShell` of the
calling process instead of a kernel. papermill still parameterises the
notebook, keeps its metadata, adds its error cell and raises
:class:`papermill.exceptions.PapermillExecutionError`; this engine only
runs cells and records their outputs (streams, rich displays, results,
errors) as a kernel would. The batch runner forks one process per report
and calls this engine there, so reports cannot see each other's state.

A warm context (see :mod:`toolkit.reports.runtime`) may be passed as the
engine argument ``warm``; ``load_dataset`` in the notebook then returns its
dataset instead of reading the files again. papermill's
``execution_timeout`` is the time the whole run may take (a report's time
limit): when it is up, the running cell gets :class:`CellTimeoutError`.

Examples
--------
>>> import nbformat, papermill
>>> nb = nbformat.v4.new_notebook()
>>> nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
>>> nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
...             nbformat.v4.new_code_cell("print(x * 2)")]
>>> out = papermill.execute_notebook(nb, None, {"x": 21}, engine_name="dkbm",
...                                  progress_bar=False)
>>> out.cells[-1].outputs[0]["text"]
'42\n'
"""

from __future__ import annotations

import contextlib
import io
import signal
import sys
import time
from collections.abc import Iterator
from typing import Any

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell

__all__ = ["CellTimeoutError", "DkbmEngine", "register", "run_cells"]

#: The papermill engine class (a subclass of ``papermill.engines.Engine``), made on first use.
DkbmEngine: type


class _Outputs:
    """Where the outputs of the running cell go (None between cells)."""

    def __init__(self) -> None:
        self.cell: Any = None
        self.count: int | None = None

    def add(self, output: Any) -> None:
        if self.cell is not None:
            self.cell.outputs.append(output)

    def stream(self, name: str, text: str) -> None:
        if self.cell is None or not text:
            return
        outs = self.cell.outputs
        if outs and outs[-1].get("output_type") == "stream" and outs[-1].get("name") == name:
            outs[-1]["text"] += text  # consecutive prints form one output, as in a kernel
        else:
            outs.append(nbformat.v4.new_output("stream", name=name, text=text))


class _Stream(io.TextIOBase):
    """A text stream (stdout/stderr) that records into the running cell."""

    encoding = "utf-8"

    def __init__(self, sink: _Outputs, name: str) -> None:
        self.sink, self.name = sink, name

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.sink.stream(self.name, str(text))
        return len(text)


class _Publisher(DisplayPublisher):
    """``display(...)`` calls become display_data outputs."""

    def publish(self, data: Any, metadata: Any = None, *args: Any, **kwargs: Any) -> None:
        if self.shell.sink is not None:
            out = nbformat.v4.new_output("display_data", data=data, metadata=metadata or {})
            self.shell.sink.add(out)

    def clear_output(self, wait: bool = False) -> None:
        if self.shell.sink is not None and self.shell.sink.cell is not None:
            self.shell.sink.cell.outputs = []


class _Hook(DisplayHook):
    """The value of a cell's last expression becomes its execute_result."""

    def __call__(self, result: Any = None) -> None:
        sink = self.shell.sink
        if result is not None and sink is not None:
            data, metadata = self.shell.display_formatter.format(result)
            out = nbformat.v4.new_output(
                "execute_result", data, metadata=metadata, execution_count=sink.count
            )
            sink.add(out)


class _Shell(InteractiveShell):
    """An InteractiveShell whose tracebacks become error outputs."""

    sink: _Outputs | None = None
    display_pub_class = _Publisher
    displayhook_class = _Hook

    def enable_gui(self, gui: str | None = None) -> None:
        """No GUI event loop: figures are shown inline."""

    def _showtraceback(self, etype: Any, evalue: Any, stb: Any) -> None:
        if self.sink is not None:
            self.sink.add(
                nbformat.v4.new_output(
                    "error", ename=etype.__name__, evalue=str(evalue), traceback=list(stb)
                )
            )


def _shell() -> _Shell:
    """Return this process's shell with a fresh namespace."""
    if InteractiveShell.initialized() and not isinstance(InteractiveShell.instance(), _Shell):
        from toolkit.errors import TemplateError

        raise TemplateError(
            "Die dkbm-Engine kann nicht in einem laufenden IPython/Jupyter-Kernel rechnen",
            hint="dort papermill mit engine_name=None verwenden oder dkbm run aufrufen",
        )
    if InteractiveShell.initialized():
        shell = _Shell.instance()
        if shell.execution_count > 1:  # cells have run: start from an empty namespace
            shell.reset(new_session=True)
        return shell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False  # no shared SQLite history between forked reports
    main = sys.modules.get("__main__")
    shell = _Shell.instance(config=config, colors="nocolor")
    shell.enable_matplotlib("inline")
    if main is not None:  # the shell took over __main__; give it back until cells run
        sys.modules["__main__"] = main
    return shell


class CellTimeoutError(BaseException):
    """Raised in the running cell when the run's time is up (``except Exception`` does not catch it)."""


@contextlib.contextmanager
def _alarm_at(deadline: float | None) -> Iterator[None]:
    """Raise :class:`CellTimeoutError` in this block at ``deadline`` (``time.monotonic``)."""
    if deadline is None:
        yield
        return

    def alarm(signum: int, frame: Any) -> None:
        raise CellTimeoutError("Zeitlimit überschritten")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, max(deadline - time.monotonic(), 1e-3))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def prepare() -> None:
    """Create the shell and import what every run needs (for a warm parent process).

    Examples
    --------
    >>> prepare()
    """
    _shell()


def run_cells(nb_man: Any, warm: Any = None, timeout: float | None = None) -> Any:
    """Run every cell of ``nb_man.nb`` in this process; stop at the first error.

    Parameters
    ----------
    nb_man : papermill.engines.NotebookExecutionManager
        papermill's execution state.
    warm : toolkit.reports.runtime.Warm, optional
        Data already loaded, for ``load_dataset`` in the notebook.
    timeout : float, optional
        Seconds all cells together may run (in the main thread only: a
        ``SIGALRM`` interrupts the running cell).

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook.

    Examples
    --------
    >>> run_cells.__name__
    'run_cells'
    """
    from toolkit.reports.runtime import provided

    shell = _shell()
    deadline = time.monotonic() + timeout if timeout else None
    sink = _Outputs()
    shell.sink = sink
    saved = sys.stdout, sys.stderr, sys.modules.get("__main__")
    sys.stdout, sys.stderr = _Stream(sink, "stdout"), _Stream(sink, "stderr")
    sys.modules["__main__"] = shell.user_module  # as in a kernel
    try:
        with provided(warm):
            for index, cell in enumerate(nb_man.nb.cells):
                nb_man.cell_start(cell, index)
                failed = False
                try:
                    if cell.cell_type == "code":
                        sink.cell = cell
                        cell.execution_count = sink.count = shell.execution_count
                        with _alarm_at(deadline):
                            failed = not shell.run_cell(cell.source, store_history=True).success
                        if failed:
                            nb_man.cell_exception(cell, cell_index=index)
                finally:
                    sink.cell = None
                    nb_man.cell_complete(cell, cell_index=index)
                if failed:
                    break
    finally:
        sys.stdout, sys.stderr = saved[:2]
        if saved[2] is not None:
            sys.modules["__main__"] = saved[2]
        shell.sink = None
    return nb_man.nb


def _define_engine() -> type:
    from papermill.engines import Engine

    class DkbmEngine(Engine):
        """papermill engine running the cells in-process (see :mod:`toolkit.reports.engine`)."""

        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man: Any,
            kernel_name: str,
            warm: Any = None,
            execution_timeout: float | None = None,
            **kwargs: Any,
        ) -> Any:
            """Run the notebook with :func:`run_cells` (``kernel_name`` is ignored)."""
            return run_cells(nb_man, warm, execution_timeout)

    return DkbmEngine


def __getattr__(name: str) -> Any:
    # The engine class is made on first use: papermill imports this module from its
    # entry point while ``papermill.engines`` itself is still being imported.
    if name != "DkbmEngine":
        raise AttributeError(name)
    engine = _define_engine()
    return globals().setdefault("DkbmEngine", engine)


def register() -> None:
    """Register the engine with papermill (the entry point does this on install).

    Examples
    --------
    >>> from papermill.engines import papermill_engines
    >>> register(); papermill_engines.get_engine("dkbm").__name__
    'DkbmEngine'
    """
    from papermill.engines import papermill_engines

    papermill_engines.register("dkbm", __getattr__("DkbmEngine"))
