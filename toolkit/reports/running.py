"""Running a batch: plan, protect, warm up, fork one child per report, record.

:func:`run_batch` plans (:mod:`toolkit.reports.planning`), locks the output
folder (:mod:`toolkit.reports.output_folder`), protects the publication
once (:mod:`toolkit.reports.publishing`), warms up once
(:mod:`toolkit.reports.warmup`) and forks at most ``jobs`` children
(:mod:`toolkit.reports.children`) or sends the reports to Dask
(:mod:`toolkit.reports.dask`). The manifest is rewritten as each entry
arrives. On SIGINT, SIGTERM or SIGHUP the parent stops the children,
records every finished report and raises :class:`BatchInterrupted`.

Examples
--------
>>> BatchResult(Path("r"), [], ()).exit_code
0
"""

from __future__ import annotations

import contextlib
import gc
import signal
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.reports.checks import check_executor
from toolkit.reports.children import run_children
from toolkit.reports.manifest import ManifestEntry, ManifestFile, format_summary
from toolkit.reports.output_folder import lock_output_folder
from toolkit.reports.planning import plan_batch
from toolkit.reports.publishing import audit_batch, audit_failed, plan_publication
from toolkit.reports.registry import Template, get_template
from toolkit.reports.warmup import warm_up

__all__ = ["BatchInterrupted", "BatchResult", "run_batch"]


class BatchInterrupted(KeyboardInterrupt):
    """The batch was stopped by a signal; ``signum`` says which, ``exit_code`` is 128 + n."""

    def __init__(self, signum: int, message: str = "") -> None:
        name = signal.Signals(signum).name
        super().__init__(
            f"Abgebrochen ({name}): {message}" if message else f"Abgebrochen ({name})."
        )
        self.signum = signum
        self.exit_code = 128 + signum


@dataclass(frozen=True)
class BatchResult:
    """Outcome of a batch: entries of the reports run now and the regions skipped.

    ``audit`` is the audit of the protected publication set
    (:func:`toolkit.reports.publishing.audit_batch`), ``omitted`` the
    template's indicators the data cannot give, ``absent`` the Kreise of
    ``--regions kreise`` without data in the period (not planned).

    Examples
    --------
    >>> e = ManifestEntry("1", "", "timeout")
    >>> r = BatchResult(Path("r"), [e], ())
    >>> r.exit_code, [x.region for x in r.failed]
    (1, ['1'])
    """

    out_dir: Path
    entries: list[ManifestEntry]
    skipped: tuple[str, ...] = ()
    audit: dict[str, Any] | None = None
    omitted: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()

    @property
    def failed(self) -> list[ManifestEntry]:
        """Entries of the reports that did not succeed."""
        return [e for e in self.entries if e.status != "ok"]

    @property
    def exit_code(self) -> int:
        """0 when every report succeeded and the audit found nothing, else 1."""
        return 1 if self.failed or audit_failed(self.audit) else 0

    def summary(self) -> str:
        """German summary table (:func:`toolkit.reports.manifest.format_summary`)."""
        return format_summary(self)


def _stop(signum: int, frame: Any) -> None:
    raise BatchInterrupted(signum)


def run_batch(
    template: Any,
    *,
    regions: str | Sequence[str],
    period: Any,
    jobs: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
    progress: bool = True,
    audit: bool = True,
    **options: Any,
) -> BatchResult:
    """Produce a template's report for many regions.

    Parameters
    ----------
    template : str or Template
        Template name (see ``dkbm templates list``) or object.
    regions : str or sequence of str
        ``all``, ``kreise``, ``gemeinden``, a file or a list of codes.
    period : int or str
        Report period.
    jobs : int
        Reports produced at the same time (local executor).
    executor : {'local', 'dask'}
        Where the reports run.
    scheduler : str, optional
        Dask scheduler address for ``executor='dask'``.
    progress : bool
        Show a progress bar on stderr.
    audit : bool, default True
        Attack the protected set after rendering
        (:func:`toolkit.reports.publishing.audit_batch`; the result is kept
        next to the set and reused while it is unchanged). ``dkbm`` always
        audits; ``False`` is for tests of other data.
    **options
        The planning options below, passed on to
        :func:`toolkit.reports.planning.plan_batch`.
    parameters : dict, optional
        Further template parameters.
    formats : str or iterable of str
        Any of ``html``, ``pdf``, ``ipynb``.
    out : str or path-like
        Output root; reports go to ``<out>/<period>/<template>/``.
    data_dir : str or path-like, optional
        Data directory (default: the sample data).
    resume : bool
        Skip regions whose outputs exist with the same input hash.
    retry_failed : bool
        Run only the regions the manifest lists as failed.
    timeout : float, optional
        Seconds one report may run (finite, > 0).
    templates_dir : str or path-like, optional
        Where to look for templates.
    publication_dir : str or path-like, optional
        Folder of the protected publication set every report reads
        (default ``<out>/publication``; reused while the inputs are the same).
    internal : bool, default False
        Allow a template that reads unprotected data (its reports are for
        internal use only); refused otherwise.

    Returns
    -------
    BatchResult
        Entries of the reports run and the audit of the protected set;
        ``exit_code`` is 1 when any report failed or the audit found a
        disclosed cell.

    Raises
    ------
    BatchInterrupted
        On SIGINT, SIGTERM or SIGHUP, after every finished report is recorded.

    Examples
    --------
    >>> import tempfile
    >>> run_batch("gibtsnicht", regions="kreise", period=2024,
    ...           templates_dir=tempfile.gettempdir())
    Traceback (most recent call last):
    toolkit.errors.TemplateError: Vorlage 'gibtsnicht' nicht gefunden
    ...
    """
    from tqdm import tqdm

    check_executor(jobs, executor, scheduler)
    if not isinstance(template, Template):
        template = get_template(template, options.get("templates_dir"))
    with contextlib.ExitStack() as stack:
        cluster = None
        if executor == "dask":  # the workers import the template's modules while we plan
            from toolkit.reports.dask import connect, run_on_dask

            cluster = stack.enter_context(connect(str(scheduler), template))
        plan = plan_batch(template, regions=regions, period=period, **options)
        stack.enter_context(lock_output_folder(plan.out_dir))
        manifest = ManifestFile(plan.out_dir, plan.header, plan.previous)
        total = len(plan.tasks) + len(plan.refused)
        bar = stack.enter_context(
            tqdm(total=total, desc=template.name, unit="Bericht", disable=not progress or not total)
        )
        done: list[ManifestEntry] = []

        def record(entry: ManifestEntry) -> None:
            manifest.record(entry)
            done.append(entry)
            bar.update(1)

        result = None
        saved = {s: signal.signal(s, _stop) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        try:
            for entry in plan.refused:  # regions the data do not know: no process
                record(entry)
            manifest.save()
            # protect the whole publication once, here in the parent (issue #16), also when
            # every report is up to date: the audit still covers the reports kept
            publication = plan_publication(plan) if plan.tasks or plan.skipped else None
            if plan.tasks and cluster is not None:
                run_on_dask(plan.tasks, plan, cluster, record=record)
            elif plan.tasks:
                warm = warm_up(plan.template, plan.data_dir, plan.dataset, publication)
                run_children(plan.tasks, warm, jobs=jobs, record=record)
                del warm  # the audit needs none of it (the set's row index, shared figures)
                gc.collect()
            if publication is not None and audit:
                result = audit_batch(plan.publication_dir, plan.dataset, publication)
                plan.header["disclosure_audit"] = result
                manifest.save()
        except BatchInterrupted as exc:
            where = f"im Manifest {plan.out_dir / 'manifest.json'}; mit --resume fortsetzen."
            raise BatchInterrupted(exc.signum, f"{len(done)} Berichte fertig {where}") from None
        finally:
            for sig, handler in saved.items():
                signal.signal(sig, handler)
    omitted, absent = (tuple(plan.header[k]) for k in ("omitted", "absent"))
    return BatchResult(plan.out_dir, done, plan.skipped, result, omitted, absent)
