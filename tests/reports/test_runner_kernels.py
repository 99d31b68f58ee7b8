"""Kernel start-up: retries on port races and unresponsive kernels."""

from __future__ import annotations

import pytest

from toolkit.errors import TemplateError
from toolkit.reports import KernelPool


def test_failed_start_is_retried(monkeypatch):
    import zmq

    pool = KernelPool("x = 1", ahead=0, retries=2)
    real = KernelPool._launch
    calls = []

    def flaky(self):
        calls.append(1)
        if len(calls) == 1:
            raise zmq.ZMQError(98, "Address already in use")
        return real(self)

    monkeypatch.setattr(KernelPool, "_launch", flaky)
    kernel = pool.acquire()
    try:
        assert kernel.alive()
        assert len(calls) == 2 and pool.failed_starts == 1
    finally:
        kernel.shutdown()
        pool.close()


def test_unresponsive_kernel_is_given_up_with_a_clear_error():
    pool = KernelPool("import time; time.sleep(30)", ahead=0, start_timeout=1.5, retries=1)
    with pytest.raises(TemplateError) as info:
        pool.acquire()
    assert "nach 2 Versuchen" in str(info.value)
    assert "didn't respond" in (info.value.hint or "")
    assert pool.failed_starts == 2


def _threads_and_files() -> tuple[int, int]:
    import os

    return len(os.listdir("/proc/self/task")), len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not __import__("os").path.isdir("/proc/self/task"), reason="needs /proc")
def test_reports_leave_no_threads_or_sockets_behind(tmp_path):
    """A batch worker runs hundreds of reports: nothing may pile up per report."""
    from tests.reports.conftest import batch

    batch("ok", "17001", tmp_path / "warm")  # first run: imports, thread pools
    before = _threads_and_files()
    result = batch("ok", "17001,17002,17002000,17003", tmp_path / "four")
    assert result.exit_code == 0
    after = _threads_and_files()
    # before the fix every report left a heartbeat thread and a ZMQ context
    # (two I/O threads, several sockets) behind
    assert after[0] <= before[0] + 1, (before, after)
    assert after[1] <= before[1] + 2, (before, after)
