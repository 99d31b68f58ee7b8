"""The same reports on a Dask distributed cluster.

``dkbm batch ... --executor dask --scheduler tcp://HOST:PORT`` registers a
worker plugin that warms every worker once per batch (data read and
validated, shared computations made, modules imported: exactly what the
local parent does), then submits one task per report. The task forks a
child from the warm worker and runs :func:`toolkit.reports.tasks.produce`
in it, like the local runner; the manifest is written here, on the
submitting side, as results arrive. Workers need the toolkit installed and
the templates, data and output folders under the same paths (a shared file
system).

Examples
--------
>>> WarmWorker("/daten", "/vorlagen/t.ipynb", {}).name.startswith("dkbm-warm-")
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin

from toolkit.errors import DkbmError, ParameterError
from toolkit.reports.tasks import ManifestEntry, ReportTask, make_entry

__all__ = ["WarmWorker", "run_on_dask"]


class WarmWorker(WorkerPlugin):
    """Dask worker plugin: plan-independent warm-up of one worker, once per batch.

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

    def setup(self, worker: Any = None) -> None:
        """Read the data and warm up (errors reach the submitting side)."""
        from toolkit.reports.planning import BatchPlan, warm_up
        from toolkit.reports.registry import load_template
        from toolkit.reports.runtime import load_dataset, resolve_data_dir

        data_dir = resolve_data_dir(self.data_dir)
        template = load_template(self.template_path)
        plan = BatchPlan(template, data_dir, data_dir, (), (), {}, {}, load_dataset(data_dir))
        publication = None
        if self.publication_dir and Path(self.publication_dir, "publication.json").is_file():
            from toolkit.disclosure import load_publication

            publication = load_publication(self.publication_dir)
        self.warm = warm_up(plan, publication)


def _run_on_worker(task: ReportTask, plugin_name: str) -> dict[str, Any]:
    """Dask task: produce one report in a child forked from the warm worker."""
    from distributed import get_worker

    from toolkit.reports.children import run_children

    warm = get_worker().plugins[plugin_name].warm
    out: list[ManifestEntry] = []
    run_children([task], warm, jobs=1, record=out.append)
    return out[0].to_dict()


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
        try:
            client.register_plugin(plugin, name=plugin.name)
        except Exception as exc:  # a worker could not warm up: stop with its cause
            from toolkit.reports.planning import warm_up_failed

            raise (
                exc if isinstance(exc, DkbmError) else warm_up_failed(plan.template, exc)
            ) from exc
        futures = {
            client.submit(
                _run_on_worker, task, plugin.name, key=f"dkbm-{task.stem}-{task.input_hash[:12]}"
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
