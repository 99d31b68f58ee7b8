"""Forked report processes: one child per report from a warm parent.

:func:`run_children` forks at most ``jobs`` children at a time. Each runs
:func:`toolkit.reports.tasks.produce` in its own process group, dies with
the parent (``PR_SET_PDEATHSIG``) and sends back its manifest entry through
a pipe. A child that outlives its time limit (plus :data:`GRACE`) is killed
with its process group; a child that dies becomes a failed entry; when the
parent is interrupted, every child is stopped and reaped and the reports
finished so far are still recorded.

Examples
--------
>>> run_children([], None, jobs=1, record=print)
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import os
import select
import signal
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

from toolkit.reports.manifest import ManifestEntry, make_entry
from toolkit.reports.tasks import ReportTask, produce

__all__ = ["GRACE", "run_children"]

#: Seconds a child may run past its time limit before it is killed.
GRACE = 5.0


class _Child:
    """A forked report process (started on creation) and what it has sent so far."""

    def __init__(self, task: ReportTask, warm: Any) -> None:
        self.task, self.data, self.started = task, b"", time.monotonic()
        self.deadline = self.started + (task.timeout + GRACE if task.timeout else float("inf"))
        self.fd, write = os.pipe()
        parent = os.getpid()
        sys.stdout.flush()
        sys.stderr.flush()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self.fd)
            _child_main(task, warm, write, parent)
        os.close(write)
        with contextlib.suppress(OSError):  # the child may have done it or exited already
            os.setpgid(self.pid, self.pid)

    def read(self) -> bool:
        """Read what the child sent; False once it has sent everything and exited."""
        chunk = os.read(self.fd, 1 << 16)
        self.data += chunk
        return bool(chunk)

    def kill(self) -> None:
        """Kill the child's process group."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)

    def reap(self) -> ManifestEntry | None:
        """Wait for the child; return the entry it sent (None: it sent none, or not all)."""
        os.close(self.fd)
        self.status = os.waitpid(self.pid, 0)[1]
        with contextlib.suppress(ValueError):
            return ManifestEntry.from_dict(json.loads(self.data))
        return None

    def lost(self) -> ManifestEntry:
        """Return the failed entry of a reaped child that sent none (out of time or dead)."""
        duration = time.monotonic() - self.started
        if self.deadline <= time.monotonic():
            message = f"Zeitlimit von {self.task.timeout:g} s überschritten; Prozess beendet"
            return make_entry(self.task, "timeout", duration=duration, message=message)
        how = f"Exit-Code {os.WEXITSTATUS(self.status)}"
        if os.WIFSIGNALED(self.status):
            how = f"Signal {signal.Signals(os.WTERMSIG(self.status)).name}"
        message = f"Kernel während der Ausführung beendet (abgestürzt oder getötet, {how})"
        return make_entry(
            self.task, "failed", duration=duration, error_type="DeadKernelError", message=message
        )


def _child_main(task: ReportTask, warm: Any, fd: int, parent: int) -> None:
    """Body of a forked child: never returns."""
    try:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        os.setpgid(0, 0)
        libc = ctypes.CDLL(None)
        if hasattr(libc, "prctl"):  # die with the parent, even when it is killed
            libc.prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)
        entry = produce(task, warm)
    except BaseException as exc:  # e.g. a full disk: reported in the entry, nothing is lost
        entry = make_entry(task, "failed", error_type=type(exc).__name__, message=str(exc))
    try:
        os.write(fd, json.dumps(entry.to_dict(), default=str).encode("utf-8"))
    finally:
        os._exit(0)


def run_children(
    tasks: Iterable[ReportTask],
    warm: Any,
    *,
    jobs: int,
    record: Callable[[ManifestEntry], None],
) -> None:
    """Produce every task in a forked child, at most ``jobs`` at a time.

    Parameters
    ----------
    tasks : iterable of ReportTask
        Reports to produce.
    warm : toolkit.reports.runtime.Warm or None
        What the children inherit.
    jobs : int
        Children at a time.
    record : callable
        Called in this process with each entry as it arrives.

    Examples
    --------
    >>> run_children([], None, jobs=2, record=print)
    """
    todo = list(tasks)[::-1]
    running: dict[int, _Child] = {}
    gc.freeze()  # children share the parent's memory pages instead of copying them
    try:
        while todo or running:
            while todo and len(running) < jobs:
                child = _Child(todo.pop(), warm)
                running[child.fd] = child
            wait = min(c.deadline for c in running.values()) - time.monotonic()
            ready = select.select(list(running), [], [], max(0.0, min(wait, 3600.0)))[0]
            for child in [running[fd] for fd in ready]:
                if not child.read():  # the child has sent everything and exited
                    record(running.pop(child.fd).reap() or child.lost())
            for child in [c for c in running.values() if c.deadline <= time.monotonic()]:
                child.kill()
                record(running.pop(child.fd).reap() or child.lost())
    finally:
        gc.unfreeze()
        for child in running.values():  # interrupted: stop every child
            child.kill()
        for child in running.values():  # a report finished just before the stop still counts
            while child.read():
                pass
            if (entry := child.reap()) is not None:
                record(entry)
