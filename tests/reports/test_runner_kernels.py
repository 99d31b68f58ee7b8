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
