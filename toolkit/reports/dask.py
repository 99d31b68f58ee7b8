"""Run a batch on an existing Dask distributed cluster.

``dkbm batch ... --executor dask --scheduler tcp://HOST:PORT`` sends one
task per region to the cluster. Each task starts its own kernel on the
worker, runs the report and writes the outputs itself, so the workers need
the toolkit installed, the templates, and the data and output directories
under the same paths (a shared file system). Results come back as manifest
entries, and the manifest is written here as they arrive.

Examples
--------
>>> run_on_dask([], {}, scheduler=None, record=print)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from toolkit.errors import ParameterError
from toolkit.reports.jobs import ReportTask

__all__ = ["run_on_dask", "run_remote_task"]


def run_remote_task(task: ReportTask, setup: dict[str, Any]) -> dict[str, Any]:
    """Produce one report on a Dask worker (a fresh kernel, shut down after).

    Parameters
    ----------
    task : ReportTask
        The report.
    setup : dict
        ``warmup``, ``env``, ``cwd`` for the kernel.

    Returns
    -------
    dict
        The manifest entry.

    Examples
    --------
    >>> t = ReportTask("t.ipynb", "t", "T", "9", "", {}, ("html",), "/tmp", "9_x", "h",
    ...                precheck_error={"type": "DataError", "message": "fehlt"})
    >>> run_remote_task(t, {"warmup": "pass", "env": {}, "cwd": None})["status"]
    'failed'
    """
    from toolkit.reports.jobs import run_task
    from toolkit.reports.kernels import KernelPool

    pool = KernelPool(setup["warmup"], ahead=0, env=setup["env"], cwd=setup["cwd"])
    try:
        return run_task(task, pool)
    finally:
        pool.close()


def run_on_dask(
    tasks: Sequence[ReportTask],
    setup: dict[str, Any],
    *,
    scheduler: str | None,
    record: Callable[[dict[str, Any]], None],
) -> None:
    """Run tasks on the Dask cluster at ``scheduler``.

    Parameters
    ----------
    tasks : sequence of ReportTask
        Reports to produce.
    setup : dict
        Kernel setup (see :func:`toolkit.reports.batch.kernel_setup`).
    scheduler : str
        Scheduler address, e.g. ``tcp://10.0.0.5:8786``.
    record : callable
        Called here with each manifest entry as it arrives.

    Raises
    ------
    toolkit.errors.ParameterError
        When no scheduler address is given or the cluster cannot be reached.

    Examples
    --------
    >>> run_on_dask([ReportTask("t", "t", "T", "1", "", {}, (), "o", "1_x", "h")], {},
    ...             scheduler=None, record=print)
    Traceback (most recent call last):
    toolkit.errors.ParameterError: Für --executor dask fehlt --scheduler
    ...
    """
    if not tasks:
        return
    if not scheduler:
        raise ParameterError(
            "Für --executor dask fehlt --scheduler",
            hint="z. B. --scheduler tcp://HOST:8786 (Adresse des Dask-Schedulers)",
        )
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ParameterError(
            "Dask distributed ist nicht installiert",
            hint="pip install 'dkbm-toolkit[cluster]'",
        ) from exc
    try:
        client = Client(scheduler, timeout="20s")
    except OSError as exc:
        raise ParameterError(
            f"Dask-Scheduler {scheduler} nicht erreichbar: {exc}",
            hint="Adresse prüfen; läuft 'dask scheduler' dort?",
        ) from exc
    try:
        futures = {
            client.submit(
                run_remote_task,
                task,
                setup,
                key=f"dkbm-{task.stem}-{task.input_hash[:12]}",
                pure=False,
            ): task
            for task in tasks
        }
        for future in as_completed(futures):
            task = futures[future]
            try:
                entry = future.result()
            except Exception as exc:
                entry = {
                    "region": task.region,
                    "region_name": task.region_name,
                    "status": "failed",
                    "duration": 0.0,
                    "outputs": [],
                    "error": f"DaskError: {type(exc).__name__}: {exc}",
                    "error_type": "DaskError",
                    "input_hash": task.input_hash,
                    "parameters": task.parameters,
                }
            record(entry)
    finally:
        client.close()
