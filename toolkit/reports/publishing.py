"""One protected publication per batch: protect before rendering, audit after.

A batch of a template built on :mod:`toolkit.reports.content` does not let
its reports protect anything. The batch's parent process protects every
indicator of the dataset for all regions, levels and periods together, once (:func:`toolkit.reports.content.report_publication`, kept in
``<out>/publication`` and reused by input hash, so a batch over a subset of
regions, a second template or ``dkbm run`` read the same set), hands it to
every report, and after rendering attacks it as an outsider would
(:func:`toolkit.disclosure.audit_publication`). A sensitive cell narrowed
below its protection fails the batch: exit code 1 and the cells in the
manifest (``disclosure_audit``).

Examples
--------
>>> audit_failed({"disclosed": 0})
False
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from toolkit.reports.registry import Template

__all__ = [
    "AUDIT_FILE",
    "audit_batch",
    "audit_failed",
    "audit_note",
    "batch_publication",
    "plan_publication",
    "publication_dir",
    "uses_content",
]

#: File next to the protected set with the audit result (reused while the set is unchanged).
AUDIT_FILE = "audit.json"


def uses_content(template: Template) -> bool:
    """Whether a template builds its reports with :mod:`toolkit.reports.content` or :mod:`toolkit.blocks`.

    Examples
    --------
    >>> from toolkit.reports.registry import get_template
    >>> uses_content(get_template("fakten_check"))
    True
    """
    from toolkit.reports.warmup import template_imports

    modules = template_imports(template)
    return any(m.startswith(("toolkit.reports.content", "toolkit.blocks")) for m in modules)


def publication_dir(out: str | Path) -> Path:
    """Folder of a batch's protected set: ``<out>/publication`` (shared by all templates).

    Examples
    --------
    >>> publication_dir("reports").name
    'publication'
    """
    return Path(out).resolve() / "publication"


def batch_publication(dataset: Any, min_count: int, out_dir: Path) -> Any:
    """Protect (or read back) the publication set of a batch, once, in the parent.

    Examples
    --------
    >>> batch_publication.__name__  # a run protects for minutes; see report_publication
    'batch_publication'
    """
    from toolkit.reports.content import report_publication

    return report_publication(dataset, min_count=int(min_count), out_dir=out_dir)


def plan_publication(plan: Any) -> Any:
    """Return the protected set of a planned batch (content templates only, else None).

    Protected, or read back by input hash, in the batch's parent process
    before any report starts; a failure stops the batch with its cause. The
    regions about to be rendered are stamped with the set's input hash
    (:func:`toolkit.disclosure.report_audit.stamp_reports`), so the audit
    tells them from reports of an older set left in the output folder.

    Examples
    --------
    >>> plan_publication.__name__
    'plan_publication'
    """
    from toolkit.errors import DkbmError

    if not uses_content(plan.template):
        return None
    task = next(iter(plan.tasks), None)
    min_count = task.parameters.get("min_count", 3) if task is not None else 3
    try:
        pub = batch_publication(plan.dataset, min_count, plan.publication_dir)
    except DkbmError:
        raise
    except Exception as exc:
        from toolkit.reports.warmup import warm_up_failed

        raise warm_up_failed(plan.template, exc) from exc
    from toolkit.disclosure.report_audit import stamp_reports

    # the reports about to be rendered are made from this set; the audit judges only those
    regions = [t.region for t in plan.tasks]
    if regions:
        stamp_reports(plan.out_dir, regions, pub.meta["input_hash"])
    return pub


def _set_fingerprint(folder: Path) -> str:
    """Hash of the protected rows and the input hash of the set in ``folder``."""
    h = hashlib.sha256((folder / "publication.parquet").read_bytes())
    meta = json.loads((folder / "publication.json").read_text(encoding="utf-8"))
    h.update(str(meta.get("input_hash")).encode())
    return h.hexdigest()


def _fingerprint(folder: Path, set_finger: str) -> str:
    """Hash of the set and of the rendered reports beside it."""
    from toolkit.disclosure.report_audit import report_files

    h = hashlib.sha256(set_finger.encode())
    for path, region, period in report_files(folder.parent):
        st = path.stat()
        h.update(f"{path}|{region}|{period}|{st.st_size}|{st.st_mtime_ns}".encode())
    return h.hexdigest()


def audit_batch(folder: Path, dataset: Any, publication: Any = None) -> dict[str, Any]:
    """Attack the batch's protected set; return the manifest's ``disclosure_audit``.

    The audit attacks the protected set together with every number printed by
    the rendered reports beside it (``folder.parent``: all templates and
    periods of the batch folder; tables, sentences, alternative texts). The
    set alone is attacked once and its result kept in ``folder/audit.json``;
    a later batch reads its reports and, when none of their numbers is
    explained only by a hidden cell (``verrät``), the reports add no relation
    and the set's result stands for them. Otherwise the set is attacked again
    with the revealing numbers. The whole result is reused while the set and
    the reports are unchanged.

    ``publication`` is the protected set of ``folder`` when the caller
    already holds it (:func:`plan_publication`); else it is read from there.

    Returns
    -------
    dict
        ``publication`` (folder), ``input_hash`` and
        :func:`toolkit.disclosure.audit_summary`: ``ok``, ``sensitive``
        (cells attacked), ``disclosed`` (number narrowed below the
        protection), ``cells`` (the first disclosed cells, without their
        true values) and ``reports`` (numbers read: ``erklärt``, ``verrät``,
        ``unerklärt``, with examples).
    """
    import pandas as pd

    from toolkit.disclosure import (
        audit_publication,
        audit_reports,
        audit_summary,
        findings_summary,
        load_publication,
    )
    from toolkit.indicators import compute_all

    folder = Path(folder)
    set_finger = _set_fingerprint(folder)
    finger = _fingerprint(folder, set_finger)
    path = folder / AUDIT_FILE
    cached = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    if cached.get("fingerprint") == finger:
        return cached["result"]
    pub = publication if publication is not None else load_publication(folder)
    meta = pub.meta
    # the same rows, in the same order, as the set was computed from (or given as a frame)
    truth = dataset
    if not isinstance(dataset, pd.DataFrame):
        truth = compute_all(dataset, periods=meta.get("periods"), levels=meta.get("levels"))
    # the summary names the cells and their feasible interval, never their true value
    findings, relations = audit_reports(pub, truth, folder.parent)
    set_summary = cached.get("set") if cached.get("set_fingerprint") == set_finger else None
    if relations:
        summary = audit_summary(audit_publication(pub, truth, reports=folder.parent))
    else:
        if set_summary is None:
            set_summary = audit_summary(audit_publication(pub, truth))
        summary = {**set_summary, "reports": findings_summary(findings)}
    out = {"publication": str(folder), "input_hash": meta.get("input_hash"), **summary}
    keep = {"fingerprint": finger, "result": out}
    if set_summary is not None:
        keep |= {"set_fingerprint": set_finger, "set": set_summary}
    path.write_text(json.dumps(keep, ensure_ascii=False, indent=1), encoding="utf-8")
    return out


def audit_note(audit: dict[str, Any] | None) -> str:
    """German note on stale reports in the output folder ("" when there are none).

    Examples
    --------
    >>> audit_note({"reports": {"stale": {"hinweis": "2 Bericht(e) ..."}}})
    '2 Bericht(e) ...'
    >>> audit_note(None)
    ''
    """
    stale = ((audit or {}).get("reports") or {}).get("stale") or {}
    return str(stale.get("hinweis", ""))


def audit_failed(audit: dict[str, Any] | None) -> bool:
    """Whether an audit result (:func:`audit_batch`) found a disclosed cell.

    Examples
    --------
    >>> audit_failed(None), audit_failed({"disclosed": 2})
    (False, True)
    """
    return bool(audit) and int(audit.get("disclosed", 0)) > 0
