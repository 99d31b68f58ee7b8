"""Run report tasks in parallel local worker processes.

Each worker process owns a :class:`~toolkit.reports.kernels.KernelPool` that
starts the next kernel while the current report runs; the kernels are forked
from one warmed-up helper per worker (see :mod:`toolkit.reports.forking`). Workers take tasks
from a shared queue, so fast and slow regions balance out. When a worker
process itself dies, its current region is recorded as failed and a new
worker takes over the rest.

Examples
--------
>>> run_local([], {"warmup": "pass", "env": {}, "cwd": None}, jobs=2, record=print)
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from toolkit.reports.jobs import ReportTask, execute_task, finish_task
from toolkit.reports.kernels import KernelPool

__all__ = ["FORK_ENV", "run_local"]


#: Set to ``0`` to start every kernel as a new interpreter instead of forking.
FORK_ENV = "DKBM_KERNEL_FORK"


def _pool(setup: dict[str, Any], ahead: int, fork: bool = True) -> KernelPool:
    fork = fork and setup.get("fork", True) and os.environ.get(FORK_ENV, "1") != "0"
    return KernelPool(
        setup["warmup"],
        ahead=ahead,
        env=setup["env"],
        cwd=setup["cwd"],
        fork=fork,
        prime=setup.get("prime", ""),
    )


def _pipeline(
    next_task: Callable[[], ReportTask | None],
    pool: KernelPool,
    on_start: Callable[[ReportTask], None],
    on_done: Callable[[ReportTask, dict[str, Any]], None],
) -> None:
    """Execute reports one after the other; write each while the next one runs.

    Writing a report (notebook, nbconvert HTML, PDF) needs no kernel, so a
    writer thread does it while the kernel already computes the next
    report. At most one report waits to be written; results are handed on
    in task order.
    """
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dkbm-write")
    waiting: tuple[ReportTask, Future] | None = None

    def hand_in() -> None:
        nonlocal waiting
        if waiting is not None:
            task, future = waiting
            waiting = None
            on_done(task, future.result())

    try:
        while (task := next_task()) is not None:
            on_start(task)
            executed = execute_task(task, pool)
            hand_in()
            waiting = (task, writer.submit(finish_task, executed))
        hand_in()
    finally:
        writer.shutdown(wait=True)


def _worker(setup: dict[str, Any], tasks: Any, results: Any) -> None:
    pool = _pool(setup, ahead=1)
    pid = mp.current_process().pid
    try:
        _pipeline(
            tasks.get,
            pool,
            lambda task: results.put(("start", task.region, pid)),
            lambda task, entry: results.put(("done", task.region, entry)),
        )
    finally:
        pool.close()


def _crash_entry(task: ReportTask, exitcode: int | None) -> dict[str, Any]:
    return {
        "region": task.region,
        "region_name": task.region_name,
        "status": "failed",
        "duration": 0.0,
        "outputs": [],
        "error": f"WorkerCrash: Worker-Prozess unerwartet beendet (Exit-Code {exitcode})",
        "error_type": "WorkerCrash",
        "input_hash": task.input_hash,
        "parameters": task.parameters,
    }


def run_local(
    tasks: Sequence[ReportTask],
    setup: dict[str, Any],
    *,
    jobs: int,
    record: Callable[[dict[str, Any]], None],
) -> None:
    """Run tasks with ``jobs`` worker processes (in this process when 1).

    Parameters
    ----------
    tasks : sequence of ReportTask
        Reports to produce.
    setup : dict
        ``warmup``, ``env``, ``cwd`` for the kernels
        (see :func:`toolkit.reports.batch.kernel_setup`).
    jobs : int
        Number of worker processes.
    record : callable
        Called in this process with each manifest entry as it arrives.

    Examples
    --------
    >>> run_local([], {"warmup": "pass", "env": {}, "cwd": None}, jobs=1, record=print)
    """
    if not tasks:
        return
    if jobs <= 1 or len(tasks) == 1:
        several = len(tasks) > 1
        pool = _pool(setup, ahead=1 if several else 0, fork=several)
        todo = iter(tasks)
        try:
            _pipeline(
                lambda: next(todo, None),
                pool,
                lambda task: None,
                lambda task, entry: record(entry),
            )
        finally:
            pool.close()
        return
    ctx = mp.get_context("spawn")
    task_q: Any = ctx.Queue()
    result_q: Any = ctx.Queue()
    by_region = {t.region: t for t in tasks}
    for task in tasks:
        task_q.put(task)
    n_workers = min(jobs, len(tasks))
    for _ in range(n_workers):
        task_q.put(None)
    workers: dict[int, Any] = {}
    for _ in range(n_workers):
        proc = ctx.Process(target=_worker, args=(setup, task_q, result_q), daemon=True)
        proc.start()
        workers[int(proc.pid or 0)] = proc
    running: dict[int, set[str]] = {}
    pending = set(by_region)
    try:
        while pending:
            try:
                kind, region, payload = result_q.get(timeout=1.0)
            except queue.Empty:
                for pid, proc in list(workers.items()):
                    if proc.is_alive():
                        continue
                    del workers[pid]
                    for region in sorted(running.pop(pid, set())):
                        if region in pending:
                            pending.discard(region)
                            record(_crash_entry(by_region[region], proc.exitcode))
                    if pending and proc.exitcode != 0:
                        # Replace the lost worker; it needs its own stop marker.
                        task_q.put(None)
                        new = ctx.Process(
                            target=_worker, args=(setup, task_q, result_q), daemon=True
                        )
                        new.start()
                        workers[int(new.pid or 0)] = new
                if not workers and pending:
                    for region in sorted(pending):
                        record(_crash_entry(by_region[region], None))
                    pending.clear()
                continue
            if kind == "start":
                running.setdefault(payload, set()).add(region)
            elif kind == "done" and region in pending:
                pending.discard(region)
                for held in running.values():
                    held.discard(region)
                record(payload)
    finally:
        for proc in workers.values():
            proc.join(timeout=30)
            if proc.is_alive():
                proc.terminate()
