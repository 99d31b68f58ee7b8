"""Run one template for many regions: planning, parallel execution, manifest.

Everything that can be checked is checked before any kernel starts: the
template's schema, every parameter, the region list and the data (read and
validated once per batch, then handed to the kernels as a snapshot). The
regions then run in parallel worker processes, each with kernels started
ahead of use. One failing region never stops the others; the manifest is
rewritten after each region, and ``resume`` skips regions whose outputs
exist with the same input hash.

Examples
--------
>>> BatchResult(Path("reports/2024/t"), [{"region": "17001", "status": "ok"}]).exit_code
0
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.errors import DataError, ParameterError, Problem
from toolkit.reports.jobs import ReportTask, input_hash, run_task, slugify
from toolkit.reports.manifest import format_summary, read_manifest, write_manifest
from toolkit.reports.params import coerce_value, validate_parameters
from toolkit.reports.registry import Template, get_template
from toolkit.reports.runtime import (
    DATA_DIR_ENV,
    SNAPSHOT_ENV,
    load_dataset,
    resolve_data_dir,
    write_snapshot,
)
from toolkit.reports.selection import data_digest, parse_formats, resolve_regions

__all__ = ["BatchPlan", "BatchResult", "kernel_setup", "plan_batch", "run_batch"]


@dataclass
class BatchPlan:
    """A checked batch, ready to run.

    Parameters
    ----------
    template : Template
        The template.
    out_dir : pathlib.Path
        ``<out>/<period>/<template>``.
    data_dir : pathlib.Path
        Data directory.
    tasks : list of ReportTask
        Reports to produce.
    skipped : list of str
        Regions skipped as up to date (``resume``) or not failed
        (``retry_failed``).
    previous : dict
        Entries of the existing manifest.
    header : dict
        Batch facts recorded in the manifest.

    Examples
    --------
    >>> BatchPlan.__name__
    'BatchPlan'
    """

    template: Template
    out_dir: Path
    data_dir: Path
    tasks: list[ReportTask]
    skipped: list[str]
    previous: dict[str, dict[str, Any]]
    header: dict[str, Any]
    dataset: Any = None


@dataclass
class BatchResult:
    """Outcome of a batch.

    Parameters
    ----------
    out_dir : pathlib.Path
        Where the reports and the manifest are.
    entries : list of dict
        Manifest entries of the regions run in this batch.
    skipped : list of str
        Regions not run (up to date).

    Examples
    --------
    >>> r = BatchResult(Path("r"), [{"region": "1", "status": "timeout"}], [])
    >>> r.exit_code, [e["region"] for e in r.failed]
    (1, ['1'])
    """

    out_dir: Path
    entries: list[dict[str, Any]]
    skipped: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[dict[str, Any]]:
        """Entries of regions that did not succeed.

        Examples
        --------
        >>> BatchResult(Path("r"), []).failed
        []
        """
        return [e for e in self.entries if e.get("status") != "ok"]

    @property
    def exit_code(self) -> int:
        """0 when every region succeeded, else 1.

        Examples
        --------
        >>> BatchResult(Path("r"), [{"status": "ok"}]).exit_code
        0
        """
        return 1 if self.failed else 0

    def summary(self) -> str:
        """German summary table (see :func:`toolkit.reports.manifest.format_summary`).

        Examples
        --------
        >>> print(BatchResult(Path("r"), []).summary())
        Berichte: 0 erfolgreich, 0 fehlgeschlagen, 0 Zeitlimit, 0 übersprungen (aktuell)
        """
        return format_summary(self.entries, skipped=len(self.skipped))


def _region_table(dataset: Any, data_dir: Path) -> Any:
    tables = getattr(dataset, "tables", None)
    if not isinstance(tables, dict) or "regions" not in tables:
        raise DataError(
            "Die Daten enthalten keine Tabelle 'regions'",
            file=str(data_dir),
            hint="regions.csv nach data_samples/README.md anlegen",
        )
    return tables["regions"]


def _outputs_exist(
    out_dir: Path, entry: dict[str, Any], stem: str, formats: tuple[str, ...]
) -> bool:
    return all((out_dir / f"{stem}.{fmt}").is_file() for fmt in formats) and set(
        entry.get("outputs", [])
    ) >= {f"{stem}.{fmt}" for fmt in formats}


def plan_batch(
    template: str | Template,
    *,
    regions: str | Sequence[str],
    period: Any,
    parameters: dict[str, Any] | None = None,
    formats: str | Iterable[str] = ("html",),
    out: str | os.PathLike[str] = "reports",
    data_dir: str | os.PathLike[str] | None = None,
    resume: bool = False,
    retry_failed: bool = False,
    timeout: float | None = None,
    templates_dir: str | os.PathLike[str] | None = None,
) -> BatchPlan:
    """Check everything and list the reports a batch will produce.

    Parameters are as for :func:`run_batch`.

    Returns
    -------
    BatchPlan
        The plan; no kernel has been started.

    Raises
    ------
    toolkit.errors.ParameterError
        For unknown or ill-typed parameters (all listed at once), a bad
        period, format or region selection.
    toolkit.errors.TemplateError
        For an unknown or broken template.
    toolkit.errors.DataError
        When the data cannot be read.

    Examples
    --------
    >>> plan_batch("gibtsnicht", regions="kreise", period=2024,
    ...            templates_dir=tempfile.gettempdir())
    Traceback (most recent call last):
    toolkit.errors.TemplateError: Vorlage 'gibtsnicht' nicht gefunden
    ...
    """
    tpl = template if isinstance(template, Template) else get_template(template, templates_dir)
    fmts = parse_formats(formats)
    given = dict(parameters or {})
    problems = [
        Problem(f"Die Vorlage hat keinen Parameter {name!r}", hint="Schema der Vorlage ergänzen")
        for name in ("region", "period")
        if name not in tpl.parameters
    ]
    if problems:
        raise ParameterError(
            f"Vorlage {tpl.name!r} ist nicht regionsweise nutzbar", problems=problems
        )
    for name in ("region", "period"):
        if name in given:
            raise ParameterError(
                f"{name!r} nicht mit -p setzen", hint=f"--{name} bzw. --regions verwenden"
            )
    if isinstance(period, str):
        try:
            period = coerce_value(tpl.parameters["period"], period)
        except ValueError as exc:
            raise ParameterError(f"Ungültige Periode {period!r}: {exc}") from exc
    # Check all non-region parameters once, before anything else happens.
    probe_region = tpl.parameters["region"].default or "00000"
    validate_parameters(tpl, {**given, "region": probe_region, "period": period})

    data_path = resolve_data_dir(data_dir)
    dataset = load_dataset(data_path)
    region_frame = _region_table(dataset, data_path)
    codes = resolve_regions(regions, region_frame)
    names = (
        dict(
            zip(
                region_frame["region_code"].astype(str),
                region_frame["region_name"].astype(str),
                strict=True,
            )
        )
        if "region_name" in region_frame.columns
        else {}
    )
    out_dir = Path(out) / str(period) / tpl.name
    previous = read_manifest(out_dir)
    template_digest = tpl.digest()
    digest = data_digest(data_path)
    tasks: list[ReportTask] = []
    skipped: list[str] = []
    for code in codes:
        params = validate_parameters(tpl, {**given, "region": code, "period": period})
        name = names.get(code, "")
        stem = f"{code}_{slugify(name) if name else 'unbekannt'}"
        task_hash = input_hash(template_digest, params, digest)
        old = previous.get(code)
        if retry_failed and (old is None or old.get("status") == "ok"):
            skipped.append(code)
            continue
        if (
            resume
            and old is not None
            and old.get("status") == "ok"
            and old.get("input_hash") == task_hash
            and _outputs_exist(out_dir, old, stem, fmts)
        ):
            skipped.append(code)
            continue
        precheck: dict[str, Any] = {}
        if code not in names:
            precheck = {
                "type": "DataError",
                "message": f"Region {code} ist nicht in den Daten ({data_path.name}/regions)",
                "cell": None,
            }
        tasks.append(
            ReportTask(
                template_path=str(tpl.path),
                template_name=tpl.name,
                title=f"{tpl.title}: {name or code} {period}",
                region=code,
                region_name=name,
                parameters=params,
                formats=fmts,
                out_dir=str(out_dir.resolve()),
                stem=stem,
                input_hash=task_hash,
                timeout=timeout,
                precheck_error=precheck,
            )
        )
    header = {
        "template": tpl.name,
        "template_file": tpl.path.name,
        "period": period,
        "formats": list(fmts),
        "data": data_path.name,
    }
    return BatchPlan(tpl, out_dir, data_path, tasks, skipped, previous, header, dataset)


def kernel_setup(plan: BatchPlan, scratch: Path, *, snapshot: bool = True) -> dict[str, Any]:
    """Return what every worker needs to start kernels for this batch.

    Parameters
    ----------
    plan : BatchPlan
        The batch.
    scratch : pathlib.Path
        Private temporary directory of the batch (holds the data snapshot).
    snapshot : bool
        Write the dataset snapshot for the kernels (not for remote workers).

    Returns
    -------
    dict
        ``warmup`` and ``prime`` code, kernel ``env`` and ``cwd``.

    Examples
    --------
    >>> kernel_setup.__name__
    'kernel_setup'
    """
    import nbformat

    from toolkit.reports.warmup import priming_code, template_imports, warmup_code

    nb = nbformat.read(plan.template.path, as_version=4)
    # Kernels import the same toolkit as this process, whatever their cwd.
    root = str(Path(__file__).resolve().parents[2])
    pythonpath = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
    env = {DATA_DIR_ENV: str(plan.data_dir), "PYTHONPATH": pythonpath}
    if snapshot and plan.dataset is not None:
        env[SNAPSHOT_ENV] = str(write_snapshot(plan.dataset, plan.data_dir, scratch / "data.pkl"))
    runnable = [t for t in plan.tasks if not t.precheck_error]
    return {
        "warmup": warmup_code(template_imports(nb), str(plan.data_dir)),
        "prime": priming_code(nb, runnable[0].parameters) if runnable else "",
        "env": env,
        "cwd": None,  # every kernel gets its own temporary working directory
    }


def run_batch(
    template: str | Template,
    *,
    regions: str | Sequence[str],
    period: Any,
    parameters: dict[str, Any] | None = None,
    formats: str | Iterable[str] = ("html",),
    out: str | os.PathLike[str] = "reports",
    data_dir: str | os.PathLike[str] | None = None,
    jobs: int = 1,
    resume: bool = False,
    retry_failed: bool = False,
    timeout: float | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    progress: bool = True,
    templates_dir: str | os.PathLike[str] | None = None,
    on_result: Callable[[dict[str, Any]], None] | None = None,
) -> BatchResult:
    """Produce a template's report for many regions.

    Parameters
    ----------
    template : str or Template
        Template name (see ``dkbm templates list``) or object.
    regions : str or sequence of str
        Selection, see :func:`resolve_regions`.
    period : int or str
        Report period (converted to the type of the ``period`` parameter).
    parameters : dict, optional
        Further template parameters (``region`` and ``period`` are set per
        report).
    formats : str or iterable of str
        Any of ``html``, ``pdf``, ``ipynb``. Failed reports always keep
        their executed notebook.
    out : str or path-like
        Output root; reports go to ``<out>/<period>/<template>/``.
    data_dir : str or path-like, optional
        Data directory (default: the sample data).
    jobs : int
        Parallel worker processes (local executor).
    resume : bool
        Skip regions whose outputs exist with the same input hash.
    retry_failed : bool
        Run only the regions the existing manifest lists as failed.
    timeout : float, optional
        Seconds one report may run.
    executor : {'local', 'dask'}
        Where the reports run.
    scheduler : str, optional
        Dask scheduler address (``tcp://HOST:PORT``) for ``executor='dask'``.
    progress : bool
        Show a progress bar with ETA on stderr.
    templates_dir : str or path-like, optional
        Where to look for templates.
    on_result : callable, optional
        Called with each manifest entry as it arrives.

    Returns
    -------
    BatchResult
        Entries of the regions run; ``exit_code`` is 1 when any failed.

    Examples
    --------
    >>> run_batch("gibtsnicht", regions="kreise", period=2024,
    ...           templates_dir=tempfile.gettempdir())
    Traceback (most recent call last):
    toolkit.errors.TemplateError: Vorlage 'gibtsnicht' nicht gefunden
    ...
    """
    if jobs < 1:
        raise ParameterError(f"--jobs muss mindestens 1 sein, nicht {jobs}")
    if executor not in ("local", "dask"):
        raise ParameterError(f"Unbekannter Executor {executor!r}", hint="local oder dask")
    plan = plan_batch(
        template,
        regions=regions,
        period=period,
        parameters=parameters,
        formats=formats,
        out=out,
        data_dir=data_dir,
        resume=resume,
        retry_failed=retry_failed,
        timeout=timeout,
        templates_dir=templates_dir,
    )
    plan.out_dir.mkdir(parents=True, exist_ok=True)
    entries = dict(plan.previous)
    done: list[dict[str, Any]] = []
    from tqdm import tqdm

    bar = tqdm(
        total=len(plan.tasks),
        desc=plan.template.name,
        unit="Bericht",
        disable=not progress or not plan.tasks,
        file=sys.stderr,
        dynamic_ncols=True,
    )

    def record(entry: dict[str, Any]) -> None:
        entries[entry["region"]] = entry
        done.append(entry)
        write_manifest(plan.out_dir, entries, header=plan.header)
        bar.update(1)
        failed = sum(1 for e in done if e["status"] != "ok")
        if failed:
            bar.set_postfix(fehlgeschlagen=failed)
        if on_result is not None:
            on_result(entry)

    try:
        with tempfile.TemporaryDirectory(prefix="dkbm-batch-") as scratch:
            runnable = [t for t in plan.tasks if not t.precheck_error]
            for task in plan.tasks:
                if task.precheck_error:  # nothing to run: record without a kernel
                    record(run_task(task, None))
            if runnable:
                if executor == "dask":
                    from toolkit.reports.dask import run_on_dask

                    setup = kernel_setup(plan, Path(scratch), snapshot=False)
                    run_on_dask(runnable, setup, scheduler=scheduler, record=record)
                else:
                    from toolkit.reports.workers import run_local

                    setup = kernel_setup(plan, Path(scratch))
                    run_local(runnable, setup, jobs=jobs, record=record)
            else:
                write_manifest(plan.out_dir, entries, header=plan.header)
    finally:
        bar.close()
    return BatchResult(plan.out_dir, done, plan.skipped)
