"""Running a batch: plan, protect, warm up, fork one child per report, record.

The parent plans and warms up once (:mod:`toolkit.reports.planning`), then
forks at most ``jobs`` children at a time (:mod:`toolkit.reports.children`),
or sends the reports to Dask (:mod:`toolkit.reports.dask`). The manifest is
rewritten as each entry arrives. On SIGINT, SIGTERM or SIGHUP the parent
stops the children, records every finished report and raises
:class:`BatchInterrupted`. Only one batch may write into an output folder
at a time (a lock file).

Examples
--------
>>> BatchResult(Path("r"), [], ()).exit_code
0
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.errors import ParameterError
from toolkit.reports.children import run_children
from toolkit.reports.manifest import (
    ManifestEntry,
    format_summary,
    lock_output_folder,
    write_manifest,
)
from toolkit.reports.publishing import audit_batch, audit_failed, audit_note, plan_publication
from toolkit.reports.tasks import produce

__all__ = ["BatchInterrupted", "BatchResult", "run_batch"]


class BatchInterrupted(KeyboardInterrupt):
    """The batch was stopped by a signal; ``signum`` says which, ``exit_code`` is 128 + n."""

    def __init__(self, signum: int, message: str = "") -> None:
        super().__init__(message or f"Abgebrochen ({signal.Signals(signum).name}).")
        self.signum = signum
        self.exit_code = 128 + signum


@dataclass(frozen=True)
class BatchResult:
    """Outcome of a batch: entries of the reports run now and the regions skipped.

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
    #: Audit of the protected publication set (:func:`toolkit.reports.publishing.audit_batch`).
    audit: dict[str, Any] | None = None
    #: Indicators of the template the data cannot give, with the reason.
    omitted: tuple[str, ...] = ()
    #: Kreise of ``--regions kreise`` without any data in the period (not planned).
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
        text = format_summary(self.entries, skipped=len(self.skipped))
        if self.omitted:
            text += "\nNicht enthalten (fehlt in den Daten): " + "; ".join(self.omitted)
        if self.absent:
            text += "\nÜbersprungen, keine Daten im Berichtsjahr (Gebiet aufgelöst?): "
            text += ", ".join(self.absent)
        if audit_note(self.audit):  # reports of an older protected set in the folder
            text += "\n" + audit_note(self.audit)
        if self.audit is not None and audit_failed(self.audit):
            text += (
                f"\nGeheimhaltung verletzt: {self.audit['disclosed']} gesperrte Fallzahlen "
                "sind aus dem Veröffentlichten auf weniger als ±1 eingrenzbar "
                "(manifest.json, disclosure_audit). Berichte nicht veröffentlichen."
            )
        return text


@contextlib.contextmanager
def _signals_stop_the_batch() -> Iterator[None]:
    def stop(signum: int, frame: Any) -> None:
        raise BatchInterrupted(signum)

    saved = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def run_batch(
    template: Any,
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
    publication_dir: str | os.PathLike[str] | None = None,
    audit: bool = True,
    internal: bool = False,
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
    parameters : dict, optional
        Further template parameters.
    formats : str or iterable of str
        Any of ``html``, ``pdf``, ``ipynb``.
    out : str or path-like
        Output root; reports go to ``<out>/<period>/<template>/``.
    data_dir : str or path-like, optional
        Data directory (default: the sample data).
    jobs : int
        Reports produced at the same time (local executor).
    resume : bool
        Skip regions whose outputs exist with the same input hash.
    retry_failed : bool
        Run only the regions the manifest lists as failed.
    timeout : float, optional
        Seconds one report may run (finite, > 0).
    executor : {'local', 'dask'}
        Where the reports run.
    scheduler : str, optional
        Dask scheduler address for ``executor='dask'``.
    progress : bool
        Show a progress bar on stderr.
    templates_dir : str or path-like, optional
        Where to look for templates.
    publication_dir : str or path-like, optional
        Folder of the protected publication set every report reads
        (default ``<out>/publication``; reused while the inputs are the same).
    audit : bool, default True
        Attack the protected set after rendering
        (:func:`toolkit.reports.publishing.audit_batch`; the result is kept
        next to the set and reused while it is unchanged). ``dkbm`` always
        audits; ``False`` is for tests of other data.
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
    from toolkit.reports.planning import plan_batch, warm_up

    if not isinstance(jobs, int) or jobs < 1:
        raise ParameterError(f"--jobs muss mindestens 1 sein, nicht {jobs}")
    if executor not in ("local", "dask"):
        raise ParameterError(f"Unbekannter Executor {executor!r}", hint="local oder dask")
    if executor == "dask" and not scheduler:
        raise ParameterError(
            "Für --executor dask fehlt --scheduler",
            hint="z. B. --scheduler tcp://HOST:8786 (Adresse des Dask-Schedulers)",
        )
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
        publication_dir=publication_dir,
        internal=internal,
    )
    from tqdm import tqdm

    entries: dict[str, Any] = dict(plan.previous)
    result: dict[str, Any] | None = None
    done: list[ManifestEntry] = []
    bar = tqdm(
        total=len(plan.tasks),
        desc=plan.template.name,
        unit="Bericht",
        disable=not progress or not plan.tasks,
        file=sys.stderr,
    )

    def save() -> None:
        try:
            write_manifest(plan.out_dir, entries, header=plan.header)
        except OSError as exc:
            raise ParameterError(
                f"Manifest in {plan.out_dir} kann nicht geschrieben werden: {exc.strerror}",
                hint="Schreibrechte und freien Platz prüfen; mit --resume fortsetzen",
            ) from exc

    def record(entry: ManifestEntry) -> None:
        entries[entry.region] = entry
        done.append(entry)
        save()
        bar.update(1)

    with lock_output_folder(plan.out_dir), _signals_stop_the_batch():
        try:
            runnable = [t for t in plan.tasks if not t.precheck_error]
            for task in plan.tasks:
                if task.precheck_error:  # nothing to run: recorded without a process
                    record(produce(task))
            save()
            # protect the whole publication once, here in the parent (issue #16)
            # also when every report is up to date: the audit (cached while nothing changed)
            # still covers the reports kept, and a disclosure still fails the batch
            publication = plan_publication(plan) if runnable or plan.skipped else None
            if runnable and executor == "dask":
                from toolkit.reports.dask import run_on_dask

                run_on_dask(runnable, plan, scheduler=str(scheduler), record=record)
            elif runnable:
                run_children(runnable, warm_up(plan, publication), jobs=jobs, record=record)
            if publication is not None and audit:
                result = audit_batch(plan.publication_dir, plan.dataset)
                plan.header["disclosure_audit"] = result
                save()
        except BatchInterrupted as exc:
            raise BatchInterrupted(
                exc.signum,
                f"Abgebrochen ({signal.Signals(exc.signum).name}): {len(done)} Berichte "
                f"fertig und im Manifest {plan.out_dir / 'manifest.json'}; "
                "mit --resume fortsetzen.",
            ) from None
        finally:
            bar.close()
    head = plan.header
    return BatchResult(
        plan.out_dir, done, plan.skipped, result, tuple(head["omitted"]), tuple(head["absent"])
    )
