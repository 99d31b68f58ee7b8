"""The same reports on a Dask distributed cluster.

``dkbm batch ... --executor dask --scheduler tcp://HOST:PORT`` sends the
dataset the submitting side has read and validated to every worker once
(``Client.scatter(..., broadcast=True)``: no worker reads or validates the
files again) and warms every worker up once per batch: a worker plugin
holds the warm context (modules imported, shared computations made, the
protected publication set read; exactly what the local parent does). The
connection is opened before the batch is planned (:func:`connect`): the
workers import the template's modules while this side reads the data, and
read the publication set while the dataset is on its way; a failing warm-up stops the batch
with its cause. Then one task per report forks a child from the warm
worker and runs :func:`toolkit.reports.tasks.produce` in it, like the local
runner. The manifest is written here, on the submitting side, as results
arrive. Workers need the toolkit installed and the templates, the data
folder (its ``bericht.toml``) and the output folder under the same paths (a
shared file system). Started with ``--preload toolkit.reports.dask``, a
worker imports what the installed templates import when it starts
(:func:`dask_setup`), so that no batch pays the imports.

Examples
--------
>>> WarmWorker("/daten", "/vorlagen/t.ipynb", {}).name.startswith("dkbm-warm-")
True
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin

from toolkit.errors import DkbmError, ParameterError
from toolkit.reports.manifest import ManifestEntry, make_entry
from toolkit.reports.tasks import ReportTask

__all__ = ["QUIET_WORKERS", "Cluster", "WarmWorker", "connect", "dask_setup", "run_on_dask"]

#: Dask settings for a cluster that runs report batches: Dask's own periodic
#: bookkeeping (an event-loop tick every 20 ms in scheduler, nannies and
#: workers, the workers' statistical profiler every 10 ms, memory and system
#: monitors) then wakes up seldom instead of preempting the report children.
#: Idle ``LocalCluster(2)``: about 2 s of CPU per 20 s with Dask's defaults,
#: 0.3 s with these; report children waited 0.009 s instead of 0.035 s each for
#: a core on 2 cores. Give them where the cluster starts:
#: ``with dask.config.set(QUIET_WORKERS): LocalCluster(...)``, or in the
#: environment of ``dask scheduler`` and ``dask worker``:
#: ``DASK_DISTRIBUTED__ADMIN__TICK__INTERVAL=1s``,
#: ``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False``,
#: ``DASK_DISTRIBUTED__WORKER__MEMORY__MONITOR_INTERVAL=1s``,
#: ``DASK_DISTRIBUTED__ADMIN__SYSTEM_MONITOR__INTERVAL=2s``. What they cost: no
#: profile in the dashboard, later warnings about a blocked event loop, a memory
#: limit enforced within 1 s instead of 0.1 s.
QUIET_WORKERS: dict[str, Any] = {
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.profile.enabled": False,
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
}


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
    out_dir : str, optional
        The batch's output folder (checked to be visible on the worker).
    """

    def __init__(
        self,
        data_dir: str,
        template_path: str,
        header: dict[str, Any],
        publication_dir: str | None = None,
        out_dir: str | None = None,
    ) -> None:
        self.data_dir, self.template_path = str(data_dir), str(template_path)
        self.publication_dir, self.out_dir = publication_dir, out_dir
        key = f"{self.data_dir}\0{self.template_path}\0{sorted(header.items())}"
        self.name = "dkbm-warm-" + hashlib.sha256(key.encode()).hexdigest()[:16]
        self.warm: Any = None
        self._ready: tuple[Any, Any] | None = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("_lock", "warm", "_ready")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, warm=None, _ready=None, _lock=threading.Lock())

    def prepare(self) -> None:
        """Do once what needs no data: check the paths, import, read the publication set.

        Raises
        ------
        toolkit.errors.DkbmError
            When the worker does not see the batch's folders, or the
            template's imports fail (:func:`~toolkit.reports.warmup.warm_up_failed`).
        """
        with self._lock:
            self._prepare()

    def ensure_warm(self, dataset: Any) -> Any:
        """Warm this worker up with ``dataset`` (once; later calls return the same context)."""
        with self._lock:
            if self.warm is None:
                from toolkit.reports.warmup import warm_up

                template, publication = self._prepare()
                self.warm = warm_up(template, Path(self.data_dir), dataset, publication)
            return self.warm

    def _prepare(self) -> tuple[Any, Any]:
        """Body of :meth:`prepare` (the caller holds the lock); returns template and set."""
        if self._ready is None:
            from toolkit.reports.registry import load_template
            from toolkit.reports.warmup import warm_up_failed

            _visible(self.data_dir, self.out_dir, self.publication_dir)
            template = load_template(self.template_path)
            try:
                _import_for(template)
            except Exception as exc:  # the batch stops with the cause (no report)
                raise warm_up_failed(template, exc) from exc
            publication = None
            if self.publication_dir:  # the submitting side has protected the set
                from toolkit.disclosure import load_publication

                publication = load_publication(self.publication_dir)
            self._ready = (template, publication)
        return self._ready


def _visible(*folders: str | None) -> None:
    """Stop when this worker does not see a folder of the batch (no shared file system)."""
    import socket

    for folder in folders:
        if folder and not Path(folder).is_dir():
            raise ParameterError(
                f"Ordner {folder} ist auf dem Dask-Worker {socket.gethostname()} nicht sichtbar",
                hint="Vorlagen, Daten und Ausgabeordner müssen auf allen Workern unter "
                "demselben Pfad liegen (gemeinsames Dateisystem)",
            )


def _import_for(*templates: Any) -> None:
    """Import what the templates import, papermill (with the dkbm engine) and nbconvert."""
    from toolkit.reports.engine import register
    from toolkit.reports.warmup import template_imports

    for template in templates:
        for name in template_imports(template):
            importlib.import_module(name)
    register()
    for name in ("nbconvert", "toolkit.reports.render"):
        importlib.import_module(name)


def dask_setup(worker: Any) -> None:
    """Dask preload hook: import what the installed templates import when a worker starts.

    ``dask worker tcp://HOST:8786 --nthreads 1 --preload toolkit.reports.dask``
    (or ``LocalCluster(..., preload=["toolkit.reports.dask"])``) calls it
    once per worker process, so that no batch pays these imports (about
    5-6 s of CPU per worker). Warming up with a batch's data still happens
    once per batch.

    The imports run in the worker's task thread (its default executor), the
    thread the report children are later forked from, as the local parent
    imports and forks in its one thread. Imported in the worker's main
    thread, what a library keeps per thread (pyproj's PROJ context holding
    ``proj.db`` open) would belong to a thread a forked child does not
    have: CPython clears that thread's state in the child and PROJ closes
    the database there, about 1,900 page faults and 9 ms of CPU per report
    (``benchmarks/dask_profile.py``, RESULTS "Session 10, dask").

    Examples
    --------
    >>> dask_setup(None); "papermill" in __import__("sys").modules
    True
    """
    from toolkit.reports.registry import list_templates

    templates = list_templates()
    if worker is None:  # called outside a worker
        _import_for(*templates)
    else:
        worker.executors["default"].submit(_import_for, *templates).result()


def _plugin(name: str) -> WarmWorker:
    from distributed import get_worker

    return get_worker().plugins[name]


def _prepare_worker(plugin_name: str) -> str:
    """Dask task: prepare the worker it runs on while the dataset is on its way."""
    _plugin(plugin_name).prepare()
    return "ok"


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


def _each_worker(client: Any, function: Callable[..., str], *args: Any) -> list[Any]:
    """Submit ``function(*args)`` once on every worker of the cluster."""
    workers = list(client.scheduler_info()["workers"])
    return [
        client.submit(function, *args, workers=[w], allow_other_workers=False, pure=False)
        for w in workers
    ]


def _wait_warm(client: Any, futures: list[Any], template: Any) -> None:
    """Wait for every worker's warm-up; a failure stops the batch with its cause."""
    try:
        client.gather(futures)
    except Exception as exc:  # a worker could not warm up: stop with its cause
        from toolkit.reports.warmup import warm_up_failed

        raise (exc if isinstance(exc, DkbmError) else warm_up_failed(template, exc)) from exc


@dataclass
class Cluster:
    """A connection to the Dask cluster whose workers began importing a template's modules.

    ``imported`` holds the import tasks (one per worker; kept here so that
    Dask does not forget them); :func:`run_on_dask` waits for them with
    the warm-up.
    """

    client: Any
    imported: list[Any]


def _import_template(template_path: str) -> str:
    """Dask task: import what the template imports (no data needed, started first)."""
    from toolkit.reports.registry import load_template

    _visible(str(Path(template_path).parent))
    _import_for(load_template(template_path))
    return "ok"


@contextlib.contextmanager
def connect(scheduler: str, template: Any) -> Iterator[Cluster]:
    """Connect to the cluster at ``scheduler``; its workers import ``template``'s modules now.

    Opened before the batch is planned, so that every worker imports the
    report stack (5-6 s of CPU for a fresh worker) while the submitting side
    reads and validates the data.

    Raises
    ------
    toolkit.errors.ParameterError
        When Dask is not installed or the cluster cannot be reached.
    """
    try:
        from distributed import Client
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
        yield Cluster(client, _each_worker(client, _import_template, str(template.path)))
    finally:
        client.close()


def run_on_dask(
    tasks: Sequence[ReportTask],
    plan: Any,
    cluster: Cluster,
    *,
    record: Callable[[ManifestEntry], None],
) -> None:
    """Run tasks on the connected cluster (:func:`connect`); record entries here.

    Raises
    ------
    toolkit.errors.TemplateError
        When a worker cannot warm up (no report is produced then).
    toolkit.errors.ParameterError
        When a worker does not see the batch's folders.
    """
    from distributed import as_completed

    client = cluster.client
    folder = plan.publication_dir  # given to the workers when this side has protected it
    protected = bool(folder) and Path(folder, "publication.json").is_file()
    plugin = WarmWorker(
        str(plan.data_dir),
        str(plan.template.path),
        plan.header,
        str(folder) if protected else None,
        str(plan.out_dir),
    )
    client.register_plugin(plugin, name=plugin.name)
    # the workers read the publication set while the dataset travels
    prepared = _each_worker(client, _prepare_worker, plugin.name)
    [data] = client.scatter([plan.dataset], broadcast=True, hash=False)
    warmed = _each_worker(client, _warm_worker, plugin.name, data)
    _wait_warm(client, [*cluster.imported, *prepared, *warmed], plan.template)
    futures = {
        client.submit(
            _run_on_worker, task, plugin.name, data, key=f"dkbm-{task.stem}-{task.input_hash[:12]}"
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
