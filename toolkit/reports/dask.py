"""The same reports on a Dask distributed cluster.

``dkbm batch ... --executor dask --scheduler tcp://HOST:PORT`` sends the
dataset the submitting side has read and validated to every worker once
(``Client.scatter(..., broadcast=True)``: no worker reads or validates the
files again), warms every worker up once per batch (a worker plugin holds
the warm context: modules imported, shared computations made, the protected
publication set read; exactly what the local parent does) and stops the
batch with the cause when a warm-up fails. Then it submits one task per
report; the task forks a child from the warm worker and runs
:func:`toolkit.reports.tasks.produce` in it, like the local runner. The
manifest is written here, on the submitting side, as results arrive.
Workers need the toolkit installed and the templates and output folders
under the same paths (a shared file system); the data travel with the batch.

Examples
--------
>>> WarmWorker("/daten", "/vorlagen/t.ipynb", {}).name.startswith("dkbm-warm-")
True
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin

from toolkit.errors import DkbmError, ParameterError
from toolkit.reports.manifest import ManifestEntry, make_entry
from toolkit.reports.tasks import ReportTask

__all__ = ["WarmWorker", "run_on_dask"]


class WarmWorker(WorkerPlugin):
    """Dask worker plugin holding one worker's warm context for one batch.

    Parameters
    ----------
    data_dir, template_path : str
        What the batch reads.
    header : dict
        Batch facts (only to make the plugin name unique per batch).
    publication_dir : str, optional
        Folder of the batch's protected publication set (written by the
        submitting side before any report; the workers read it).
    """

    def __init__(
        self,
        data_dir: str,
        template_path: str,
        header: dict[str, Any],
        publication_dir: str | None = None,
    ) -> None:
        self.data_dir, self.template_path = str(data_dir), str(template_path)
        self.publication_dir = publication_dir
        key = f"{self.data_dir}\0{self.template_path}\0{sorted(header.items())}"
        self.name = "dkbm-warm-" + hashlib.sha256(key.encode()).hexdigest()[:16]
        self.warm: Any = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("_lock", "warm")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, warm=None, _lock=threading.Lock())

    def ensure_warm(self, dataset: Any) -> Any:
        """Warm this worker up with ``dataset`` (once; later calls return the same context)."""
        with self._lock:
            if self.warm is None:
                from toolkit.reports.registry import load_template
                from toolkit.reports.warmup import warm_up

                publication = None
                folder = self.publication_dir
                if folder and Path(folder, "publication.json").is_file():
                    from toolkit.disclosure import load_publication

                    publication = load_publication(folder)
                template = load_template(self.template_path)
                self.warm = warm_up(template, Path(self.data_dir), dataset, publication)
            return self.warm


def _plugin(name: str) -> WarmWorker:
    from distributed import get_worker

    return get_worker().plugins[name]


def _warm_worker(plugin_name: str, dataset: Any) -> str:
    """Dask task: warm the worker it runs on (errors reach the submitting side)."""
    _plugin(plugin_name).ensure_warm(dataset)
    return "ok"


def _run_on_worker(task: ReportTask, plugin_name: str, dataset: Any) -> dict[str, Any]:
    """Dask task: produce one report in a child forked from the warm worker."""
    from toolkit.reports.children import run_children

    warm = _plugin(plugin_name).ensure_warm(dataset)  # a worker that joined late warms up now
    out: list[ManifestEntry] = []
    run_children([task], warm, jobs=1, record=out.append)
    return out[0].to_dict()


def _warm_all(client: Any, plugin: WarmWorker, data: Any, template: Any) -> None:
    """Warm every worker before any report; a failure stops the batch with its cause."""
    workers = list(client.scheduler_info()["workers"])
    futures = [
        client.submit(
            _warm_worker, plugin.name, data, workers=[w], allow_other_workers=False, pure=False
        )
        for w in workers
    ]
    try:
        client.gather(futures)
    except Exception as exc:  # a worker could not warm up: stop with its cause
        from toolkit.reports.warmup import warm_up_failed

        raise (exc if isinstance(exc, DkbmError) else warm_up_failed(template, exc)) from exc


def run_on_dask(
    tasks: Sequence[ReportTask],
    plan: Any,
    *,
    scheduler: str,
    record: Callable[[ManifestEntry], None],
) -> None:
    """Run tasks on the Dask cluster at ``scheduler``; record entries here.

    Raises
    ------
    toolkit.errors.ParameterError
        When Dask is not installed or the cluster cannot be reached.
    toolkit.errors.TemplateError
        When a worker cannot warm up (no report is produced then).
    """
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ParameterError(
            "Dask distributed ist nicht installiert", hint="pip install 'dkbm-toolkit[cluster]'"
        ) from exc
    try:
        client = Client(scheduler, timeout="20s")
    except OSError as exc:
        raise ParameterError(
            f"Dask-Scheduler {scheduler} nicht erreichbar: {exc}",
            hint="Adresse prüfen; läuft 'dask scheduler' dort?",
        ) from exc
    try:
        plugin = WarmWorker(
            str(plan.data_dir),
            str(plan.template.path),
            plan.header,
            str(plan.publication_dir) if plan.publication_dir else None,
        )
        client.register_plugin(plugin, name=plugin.name)
        [data] = client.scatter([plan.dataset], broadcast=True, hash=False)
        _warm_all(client, plugin, data, plan.template)
        futures = {
            client.submit(
                _run_on_worker,
                task,
                plugin.name,
                data,
                key=f"dkbm-{task.stem}-{task.input_hash[:12]}",
            ): task
            for task in tasks
        }
        for future in as_completed(futures):
            task = futures[future]
            try:
                entry = ManifestEntry.from_dict(future.result())
            except Exception as exc:  # the task itself failed on the worker: record why
                entry = make_entry(task, "failed", error_type="DaskError", message=repr(exc))
            record(entry)
        client.unregister_worker_plugin(plugin.name)
    finally:
        client.close()
