"""Kernels started ahead of use, each for exactly one report.

Starting a Python kernel and importing pandas, matplotlib and the toolkit
takes seconds. A :class:`KernelPool` starts the next kernel(s) while the
current report runs and warms them up (imports, dataset), so a report starts
computing at once. Each kernel serves one report and is then shut down, so
no state can leak from one region's report into the next.

Failed starts (ZMQ "Address already in use", "Kernel didn't respond", a
kernel dying during start-up) are retried.

Examples
--------
>>> pool = KernelPool("pass", ahead=0)
>>> pool.close()
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections import deque
from collections.abc import Mapping
from typing import Any

from toolkit.errors import TemplateError

__all__ = ["KernelPool", "WarmKernel"]

log = logging.getLogger(__name__)


class WarmKernel:
    """A started kernel running (or done with) its warm-up code.

    Parameters
    ----------
    km : jupyter_client.AsyncKernelManager
        The started kernel's manager.
    msg_id : str
        Id of the warm-up execute request.
    client : jupyter_client.BlockingKernelClient
        Client used for the warm-up.
    workdir : str, optional
        The kernel's private working directory, removed at shutdown.

    Examples
    --------
    >>> WarmKernel.__name__
    'WarmKernel'
    """

    def __init__(self, km: Any, msg_id: str, client: Any, workdir: str | None = None) -> None:
        self.km = km
        self.msg_id = msg_id
        self.client = client
        self.workdir = workdir
        self.started = time.monotonic()
        self.clients: list[Any] = []
        if km is not None:
            self._track_clients(km)

    def _track_clients(self, km: Any) -> None:
        # nbclient makes its own client from the manager it is given and, as
        # it does not own that manager, never stops the client's channels:
        # each report would leave a heartbeat thread and a ZMQ context (with
        # its I/O threads) behind in the batch worker. Remember every client
        # made here, so that shutdown() can stop them.
        make = km.client

        def client(**kwargs: Any) -> Any:
            made = make(**kwargs)
            self.clients.append(made)
            return made

        km.client = client

    @property
    def pid(self) -> int | None:
        """Process id of the kernel, if known.

        Examples
        --------
        >>> WarmKernel(None, "", None).pid is None
        True
        """
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return getattr(process, "pid", None)

    def alive(self) -> bool:
        """Return whether the kernel process is still running.

        Examples
        --------
        >>> WarmKernel(None, "", None).alive()
        False
        """
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return process is not None and process.poll() is None

    def wait_ready(self, timeout: float) -> None:
        """Block until the warm-up has finished.

        Parameters
        ----------
        timeout : float
            Seconds to wait (counted from the kernel start).

        Raises
        ------
        RuntimeError
            When the kernel died or did not answer in time.

        Examples
        --------
        >>> WarmKernel(None, "", None).wait_ready(0.1)
        Traceback (most recent call last):
        RuntimeError: Kernel beendet, bevor es bereit war
        """
        from queue import Empty

        while True:
            if not self.alive():
                raise RuntimeError("Kernel beendet, bevor es bereit war")
            remaining = self.started + timeout - time.monotonic()
            if remaining <= 0:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
            try:
                msg = self.client.get_shell_msg(timeout=min(remaining, 0.5))
            except Empty:
                continue
            if msg.get("parent_header", {}).get("msg_id") == self.msg_id:
                self.client.stop_channels()
                return

    def shutdown(self) -> None:
        """Stop the kernel at once and remove its connection file.

        Examples
        --------
        >>> WarmKernel(None, "", None).shutdown()
        """
        for client in [self.client, *self.clients]:
            if client is None:
                continue
            try:
                client.stop_channels()
            except Exception:  # pragma: no cover - best effort
                log.debug("stop_channels failed", exc_info=True)
        self.clients.clear()
        if self.km is None:
            return
        from jupyter_core.utils import run_sync

        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)

        try:
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # pragma: no cover - best effort on a dead kernel
            log.debug("shutdown_kernel failed", exc_info=True)
            process = getattr(self.km.provisioner, "process", None)
            if process is not None and process.poll() is None:
                process.kill()


class KernelPool:
    """Kernels started and warmed up ahead of use, one report each.

    Parameters
    ----------
    warmup : str
        Code each kernel runs before use (see
        :func:`toolkit.reports.warmup.warmup_code`).
    ahead : int
        How many kernels to keep starting while one is in use (0 = start
        on demand).
    env : mapping, optional
        Extra environment variables for the kernels.
    cwd : str or path-like, optional
        Directory under which every kernel gets its own, fresh working
        directory (removed at shutdown), so files a template or a library
        writes to the current directory (e.g. tau-Argus' work files) never
        collide between reports. Default: the system's temporary directory.
    kernel_name : str
        Jupyter kernel name.
    start_timeout : float
        Seconds a kernel may take to start and warm up.
    retries : int
        Further attempts after a failed start.
    fork : bool
        Fork kernels from one warmed-up helper process
        (:class:`~toolkit.reports.forking.ForkServer`) instead of starting a
        new interpreter per kernel: the warm-up runs once, not once per
        report. Falls back to ordinary kernels if the helper fails.
    prime : str
        Code the fork helper runs once after the warm-up to fill caches
        (see :func:`toolkit.reports.warmup.priming_code`); ignored without
        ``fork``.

    Examples
    --------
    >>> pool = KernelPool("pass", ahead=0)
    >>> pool.close()
    """

    def __init__(
        self,
        warmup: str,
        *,
        ahead: int = 1,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        kernel_name: str = "python3",
        start_timeout: float = 120.0,
        retries: int = 3,
        fork: bool = False,
        prime: str = "",
    ) -> None:
        self.warmup = warmup
        self.ahead = max(0, int(ahead))
        self.env = {**os.environ, "PYTHONHASHSEED": "0", **(env or {})}
        self.cwd = str(cwd) if cwd is not None else None
        self.kernel_name = kernel_name
        self.start_timeout = start_timeout
        self.retries = retries
        self.started_count = 0
        self.failed_starts = 0
        self._ready: deque[WarmKernel] = deque()
        self.fork = fork
        self.prime = prime
        self._server: Any = None

    def _manager(self) -> Any:
        from jupyter_client.manager import AsyncKernelManager

        km = AsyncKernelManager(kernel_name=self.kernel_name)
        if not self.fork:
            return km
        from toolkit.reports.forking import ForkProvisioner, ForkServer

        if self._server is None or not self._server.alive():
            if self._server is not None:
                self._server.close()
            self._server = ForkServer(self.warmup, prime=self.prime, env=self.env, cwd=self.cwd)
        km.kernel_id = str(uuid.uuid4())
        provisioner = ForkProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
        provisioner.server = self._server
        km.provisioner = provisioner
        return km

    def _launch(self) -> WarmKernel:
        from jupyter_client.blocking.client import BlockingKernelClient
        from jupyter_core.utils import run_sync

        km = self._manager()
        kwargs: dict[str, Any] = {
            "env": self.env,
            "stdout": subprocess.DEVNULL,
            "stderr": subprocess.DEVNULL,
            # Many kernels at once must not share IPython's history database.
            "extra_arguments": ["--HistoryManager.hist_file=:memory:"],
        }
        workdir = tempfile.mkdtemp(prefix="dkbm-kernel-", dir=self.cwd)
        kwargs["cwd"] = workdir
        try:
            run_sync(km.start_kernel)(**kwargs)
        except BaseException:
            shutil.rmtree(workdir, ignore_errors=True)
            raise
        client = BlockingKernelClient()
        client.load_connection_info(km.get_connection_info())
        client.start_channels()
        # A forked kernel is warm already; the request only confirms it answers.
        code = "pass" if self.fork else self.warmup
        msg_id = client.execute(code, silent=False, store_history=False)
        self.started_count += 1
        return WarmKernel(km, msg_id, client, workdir)

    def _fill(self) -> None:
        while len(self._ready) < self.ahead:
            try:
                self._ready.append(self._launch())
            except Exception:
                # A failed early start is retried when the kernel is needed.
                self.failed_starts += 1
                log.debug("early kernel start failed", exc_info=True)
                return

    def acquire(self) -> WarmKernel:
        """Return a warmed-up kernel for one report and start the next ones.

        Returns
        -------
        WarmKernel
            Ready kernel; shut it down with :meth:`WarmKernel.shutdown`
            after the report.

        Raises
        ------
        toolkit.errors.TemplateError
            When no kernel could be started after all retries.

        Examples
        --------
        >>> pool = KernelPool("x = 1", ahead=0)
        >>> kernel = pool.acquire()
        >>> kernel.alive()
        True
        >>> kernel.shutdown(); pool.close()
        """
        errors: list[str] = []
        attempts = 0
        while attempts <= self.retries:
            if self._ready:
                kernel = self._ready.popleft()
            else:
                attempts += 1
                try:
                    kernel = self._launch()
                except Exception as exc:
                    self.failed_starts += 1
                    errors.append(f"{type(exc).__name__}: {exc}")
                    self._stop_forking(exc)
                    time.sleep(0.2 * attempts)
                    continue
            try:
                kernel.wait_ready(self.start_timeout)
            except Exception as exc:
                self.failed_starts += 1
                errors.append(f"{type(exc).__name__}: {exc}")
                kernel.shutdown()
                self._stop_forking(exc)
                continue
            self._fill()
            return kernel
        raise TemplateError(
            f"Kernel konnte nach {self.retries + 1} Versuchen nicht gestartet werden",
            hint="; ".join(errors[-3:]) or None,
        )

    def _stop_forking(self, exc: BaseException) -> None:
        """Fall back to ordinary kernels after a forked kernel failed to start."""
        if not self.fork:
            return
        log.warning("forked kernel failed (%s); starting kernels normally", exc)
        self.fork = False
        if self._server is not None:
            self._server.close()
            self._server = None

    def close(self) -> None:
        """Shut down every kernel still waiting in the pool.

        Examples
        --------
        >>> KernelPool("pass", ahead=0).close()
        """
        while self._ready:
            self._ready.popleft().shutdown()
        if self._server is not None:
            self._server.close()
            self._server = None
