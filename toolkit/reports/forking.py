"""Kernels forked from a warmed-up template process ("zygote").

A fresh Python kernel spends seconds of CPU importing pandas, matplotlib and
the toolkit and loading the dataset, for every report. On a small machine
that CPU time cannot be hidden by starting kernels early. A
:class:`ForkServer` pays it once: it starts a helper process that runs the
warm-up code, loads nothing else (no kernel, no threads, no sockets) and then
forks one child per report. Each child starts an ordinary IPython kernel
from a copy of the warmed-up state, serves exactly one report and exits, so
reports stay isolated from each other while sharing the loaded data
copy-on-write.

jupyter_client drives the children like any local kernel through
:class:`ForkProvisioner`.

Examples
--------
>>> server = ForkServer("x = 1")
>>> server.close()
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from typing import Any

from jupyter_client.provisioning.local_provisioner import LocalProvisioner

__all__ = ["ForkProvisioner", "ForkServer", "ForkedProcess"]


class ForkedProcess:
    """A ``subprocess.Popen``-like handle on a kernel forked by the zygote.

    The zygote, not this process, is the parent, so liveness is checked with
    signal 0; the zygote reaps its children automatically.

    Parameters
    ----------
    pid : int
        Process id of the kernel.

    Examples
    --------
    >>> p = ForkedProcess(os.getpid())
    >>> p.poll() is None
    True
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """Return ``None`` while the process runs, else a (dummy) exit code.

        Examples
        --------
        >>> ForkedProcess(2**22 + 12345).poll()
        -1
        """
        if self.returncode is not None:
            return self.returncode
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            self.returncode = -1
        except PermissionError:  # pragma: no cover - pid reused by another user
            self.returncode = -1
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait until the process has ended.

        Examples
        --------
        >>> ForkedProcess(2**22 + 12345).wait(1)
        -1
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"pid {self.pid}", timeout or 0)
            time.sleep(0.02)
        return int(self.returncode or 0)

    def send_signal(self, sig: int) -> None:
        """Send a signal to the process.

        Examples
        --------
        >>> ForkedProcess(2**22 + 12345).send_signal(0)
        """
        try:
            os.kill(self.pid, sig)
        except ProcessLookupError:
            self.returncode = -1

    def kill(self) -> None:
        """Kill the process.

        Examples
        --------
        >>> ForkedProcess(2**22 + 12345).kill()
        """
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        """Ask the process to end.

        Examples
        --------
        >>> ForkedProcess(2**22 + 12345).terminate()
        """
        self.send_signal(signal.SIGTERM)


class ForkServer:
    """A warmed-up helper process that forks one kernel per request.

    Parameters
    ----------
    warmup : str
        Code the helper runs once (imports, dataset).
    prime : str
        Code the helper runs after the warm-up to fill caches (see
        :func:`toolkit.reports.kernels.priming_code`).
    env : mapping, optional
        Environment of the helper and its kernels.
    cwd : str, optional
        Working directory of the helper and its kernels.

    Examples
    --------
    >>> server = ForkServer("pass")
    >>> server.alive()
    True
    >>> server.close(); server.alive()
    False
    """

    def __init__(
        self,
        warmup: str,
        *,
        prime: str = "",
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
    ) -> None:
        full_env = dict(env) if env is not None else dict(os.environ)
        full_env.pop("JPY_PARENT_PID", None)
        # One BLAS thread: forking a process with running BLAS threads is unsafe.
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            full_env.setdefault(name, "1")
        full_env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        self._lock = threading.Lock()
        # The priming run executes a whole template: give it a private working
        # directory, so whatever the template writes never lands in the
        # folder the batch was started from.
        self._workdir = tempfile.mkdtemp(prefix="dkbm-forkserver-", dir=cwd)
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "toolkit.reports.forking"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=full_env,
            cwd=self._workdir,
            text=True,
            bufsize=1,
            start_new_session=True,
        )
        assert self._proc.stdin is not None
        self._proc.stdin.write(json.dumps({"warmup": warmup, "prime": prime}) + "\n")
        self._proc.stdin.flush()

    def alive(self) -> bool:
        """Whether the helper process is running.

        Examples
        --------
        >>> s = ForkServer("pass"); ok = s.alive(); s.close(); ok
        True
        """
        return self._proc.poll() is None

    def fork(self, argv: list[str], *, cwd: str | None = None, timeout: float = 120.0) -> int:
        """Fork a kernel started with the arguments ``argv``; return its pid.

        Parameters
        ----------
        argv : list of str
            Kernel arguments, starting with ``-f CONNECTION_FILE`` (the
            connection file written by jupyter_client).
        cwd : str, optional
            Working directory of the new kernel.
        timeout : float
            Seconds to wait for the helper (it may still be warming up).

        Returns
        -------
        int
            Process id of the new kernel.

        Raises
        ------
        RuntimeError
            When the helper has died or does not answer.

        Examples
        --------
        >>> s = ForkServer("pass"); s.close()
        >>> s.fork(["-f", "/nicht/da.json"])
        Traceback (most recent call last):
        RuntimeError: Fork-Server läuft nicht
        """
        with self._lock:
            if not self.alive() or self._proc.stdin is None or self._proc.stdout is None:
                raise RuntimeError("Fork-Server läuft nicht")
            self._proc.stdin.write(json.dumps({"argv": argv, "cwd": cwd}) + "\n")
            self._proc.stdin.flush()
            answer: list[str] = []
            reader = threading.Thread(
                target=lambda: answer.append(self._proc.stdout.readline()),  # type: ignore[union-attr]
                daemon=True,
            )
            reader.start()
            reader.join(timeout)
            if not answer or not answer[0].strip():
                raise RuntimeError("Kernel didn't respond: Fork-Server antwortet nicht")
            return int(answer[0])

    def close(self) -> None:
        """Stop the helper (kernels already forked keep running until shut down).

        Examples
        --------
        >>> ForkServer("pass").close()
        """
        if self._proc.poll() is None:
            try:
                assert self._proc.stdin is not None
                self._proc.stdin.close()
                self._proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self._proc.kill()
                self._proc.wait()
        for stream in (self._proc.stdin, self._proc.stdout):
            if stream is not None and not stream.closed:
                stream.close()
        shutil.rmtree(self._workdir, ignore_errors=True)


class ForkProvisioner(LocalProvisioner):  # type: ignore[misc]
    """Kernel provisioner that obtains its kernel process from a :class:`ForkServer`.

    Set the ``server`` attribute before the kernel starts.

    Examples
    --------
    >>> ForkProvisioner.__mro__[1].__name__
    'LocalProvisioner'
    """

    server: ForkServer | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        """Fork the kernel instead of starting a new interpreter.

        Examples
        --------
        >>> ForkProvisioner.launch_kernel.__name__
        'launch_kernel'
        """
        if self.server is None:
            raise RuntimeError("ForkProvisioner ohne ForkServer")
        if "-f" in cmd:
            argv = [str(a) for a in cmd[cmd.index("-f") :]]
        else:
            argv = ["-f", str(getattr(self.parent, "connection_file", ""))]
        pid = self.server.fork(argv, cwd=kwargs.get("cwd"))
        self.process = ForkedProcess(pid)  # type: ignore[assignment]
        self.pid = pid
        self.pgid = pid  # the child calls setsid(): its own process group
        self.cwd = kwargs.get("cwd", os.getcwd())
        return self.connection_info


def _serve() -> None:  # pragma: no cover - runs in the helper process
    """Warm up, then fork one kernel per request (runs in the helper process)."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    # Answers go through a private copy of stdout; anything the warm-up or the
    # templates print goes nowhere and cannot garble them.
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(os.devnull, "w")
    first = json.loads(sys.stdin.readline() or "{}")
    namespace: dict[str, Any] = {"__name__": "__dkbm_zygote__"}
    for key in ("warmup", "prime"):
        try:
            exec(first.get(key, ""), namespace)
        except Exception:
            pass
    namespace.clear()
    import ipykernel.kernelapp  # noqa: F401  (imported before forking)

    # Everything loaded so far (modules, the dataset, remembered roll-ups) is
    # shared with every kernel. Frozen objects are skipped by the garbage
    # collector, so a kernel's collections neither spend time on them nor
    # write to their pages (which would copy those pages into each kernel).
    gc.collect()
    gc.freeze()

    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            answers.close()
            _child(request["argv"], request.get("cwd"))
        answers.write(f"{pid}\n")
        answers.flush()


def _child(argv: list[str], cwd: str | None) -> None:  # pragma: no cover - runs in the kernel
    code = 1
    try:
        os.setsid()
        if cwd:
            os.chdir(cwd)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        # The kernel exits when the helper (its parent) goes away.
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        sys.stdin = open(os.devnull)
        sys.stdout = open(os.devnull, "w")
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        app.initialize(argv)
        _inline_figures(app.shell)
        app.start()
        code = 0
    finally:
        os._exit(code)


def _inline_figures(shell: Any) -> None:  # pragma: no cover - runs in the kernel
    """Connect matplotlib to the new shell as a fresh kernel would.

    matplotlib-inline hooks into IPython when its backend module is first
    imported, which may have happened in the helper, where no shell exists.
    """
    backend_module = sys.modules.get("matplotlib_inline.backend_inline")
    if backend_module is None or "matplotlib" not in sys.modules:
        return
    import matplotlib
    from IPython.core.pylabtools import activate_matplotlib

    backend = matplotlib.get_backend()
    if backend in ("inline", "module://matplotlib_inline.backend_inline"):
        activate_matplotlib(backend)
        backend_module.configure_inline_support(shell, backend)


if __name__ == "__main__":  # pragma: no cover
    _serve()
