"""Planning a batch: check everything, then list the reports it will produce.

Everything that can be checked is checked before any report process
starts (:mod:`toolkit.reports.checks`): the template, every parameter, the
time limit, the region list and the data (read and validated once). Then
each region gets a :class:`~toolkit.reports.tasks.ReportTask` (built here
and nowhere else) unless ``--resume`` or ``--retry-failed`` leaves it out
(:mod:`toolkit.reports.resume`).

Examples
--------
>>> slugify("Musterstadt, kreisfreie Stadt")
'musterstadt-kreisfreie-stadt'
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.reports import checks
from toolkit.reports.manifest import ManifestEntry, make_entry, read_manifest
from toolkit.reports.params import parse_formats, resolve_regions, validate_parameters
from toolkit.reports.publishing import publication_dir as default_publication_dir
from toolkit.reports.registry import Template, get_template
from toolkit.reports.requirements import report_requirements
from toolkit.reports.resume import input_hash, inputs_digest, is_skipped
from toolkit.reports.runtime import load_dataset, resolve_data_dir
from toolkit.reports.tasks import ReportTask
from toolkit.reports.template import NO_VERSION

__all__ = ["BatchPlan", "plan_batch", "slugify"]

_UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


@dataclass(frozen=True)
class BatchPlan:
    """A checked batch, ready to run (no report process started yet).

    ``tasks`` are the reports to run, ``refused`` the failed entries of
    regions the data do not know (recorded without a process), ``previous``
    the entries of the output folder's manifest,
    ``header`` the manifest's batch-level facts, ``dataset`` the data read
    and validated once, ``publication_dir`` the folder of the protected
    publication set.

    Examples
    --------
    >>> BatchPlan.__name__
    'BatchPlan'
    """

    template: Template
    out_dir: Path
    data_dir: Path
    tasks: tuple[ReportTask, ...]
    refused: tuple[ManifestEntry, ...]
    skipped: tuple[str, ...]
    previous: dict[str, ManifestEntry]
    header: dict[str, Any]
    dataset: Any
    publication_dir: Path


def slugify(name: str) -> str:
    """Return a file-name-safe ASCII form of a region name.

    Examples
    --------
    >>> slugify("Bad Müllheim (Saale), Stadt"), slugify("")
    ('bad-muellheim-saale-stadt', 'region')
    """
    text = unicodedata.normalize("NFKD", name.translate(_UMLAUTS))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "region"


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
    publication_dir: str | os.PathLike[str] | None = None,
    internal: bool = False,
) -> BatchPlan:
    """Check everything and list the reports a batch will produce.

    Parameters are as for :func:`toolkit.reports.run_batch`;
    ``publication_dir`` is the folder of the protected publication set
    (default ``<out>/publication``). The checks are those of
    :mod:`toolkit.reports.checks`; which regions ``resume`` and
    ``retry_failed`` leave out, :func:`toolkit.reports.resume.is_skipped`
    decides.

    Returns
    -------
    BatchPlan
        The plan; no report process has been started.

    Raises
    ------
    toolkit.errors.ParameterError
        For unknown, ill-typed or out-of-range parameters (all listed at
        once), a bad period, format, time limit or region selection, data
        without any of the template's indicators.
    toolkit.errors.TemplateError
        For an unknown or broken template, or an internal one unless
        ``internal``.
    toolkit.errors.DataError
        When the data cannot be read.

    Examples
    --------
    >>> import tempfile
    >>> plan_batch("gibtsnicht", regions="kreise", period=2024,
    ...            templates_dir=tempfile.gettempdir())
    Traceback (most recent call last):
    toolkit.errors.TemplateError: Vorlage 'gibtsnicht' nicht gefunden
    ...
    """
    tpl = template if isinstance(template, Template) else get_template(template, templates_dir)
    fmts, timeout = parse_formats(formats), checks.check_timeout(timeout)
    given = dict(parameters or {})
    period, checked = checks.check_parameters(tpl, given, period)
    uses_internal = checks.check_template(tpl, internal=internal)
    data_path = resolve_data_dir(data_dir)
    dataset = load_dataset(data_path)
    frame = checks.check_regions_table(dataset, data_path)
    names = dict(zip(frame["region_code"], frame["region_name"], strict=True))
    codes = resolve_regions(regions, frame)
    requires = report_requirements(tpl, checked)
    omitted = checks.check_against_data(dataset, requires, period, given.get("comparison"))
    absent = checks.without_data(dataset, requires, period, codes) if regions == "kreise" else []
    # a variant (e.g. the Fakten-Check topic) gets its own folder, file names and title,
    # so topics never overwrite each other or share a manifest
    chosen = {n: str(given.get(n, tpl.parameters[n].default)) for n in tpl.variants}
    suffix = "".join(f"_{v}" for v in chosen.values())
    label = "".join(f" {tpl.variants[n].get(v, v)}" for n, v in chosen.items())
    out_dir = (Path(out) / str(period) / f"{tpl.name}{suffix}").resolve()
    previous = read_manifest(out_dir)
    version = "" if tpl.version == NO_VERSION else tpl.version
    template_digest, data_digest = f"{tpl.digest()}:{version}", inputs_digest(data_path, requires)
    tasks: list[ReportTask] = []
    refused: list[ManifestEntry] = []
    skipped: list[str] = []
    for code in (c for c in codes if c not in absent):
        params = validate_parameters(tpl, {**given, "region": code, "period": period})
        name, old = names.get(code, ""), previous.get(code)
        task = ReportTask(
            template_path=str(tpl.path),
            title=f"{tpl.title}{label}: {name or code} {period}",
            region=code,
            region_name=name,
            parameters=params,
            formats=fmts,
            out_dir=str(out_dir),
            stem=f"{code}_{slugify(name) if name else 'unbekannt'}{suffix}",
            input_hash=input_hash(template_digest, params, data_digest),
            engine=tpl.engine,
            timeout=timeout,
            previous=old.outputs if old is not None and old.status == "ok" else (),
            data_dir=str(data_path),
            template_version=version,
        )
        if is_skipped(old, task, resume=resume, retry_failed=retry_failed):
            skipped.append(code)
        elif code in names:
            tasks.append(task)
        else:
            message = f"Region {code} ist nicht in den Daten ({data_path.name}/regions)"
            refused.append(make_entry(task, "failed", error_type="DataError", message=message))
    header = {
        "template": tpl.name,
        "template_file": tpl.path.name,
        "template_version": version,
        "period": period,
        "formats": list(fmts),
        "data": data_path.name,
        "omitted": [f"{code}: {reason}" for code, reason in omitted],
        "absent": [f"{code} {names[code]}" for code in absent],
        **({"internal": True} if uses_internal else {}),
    }
    pub_dir = Path(publication_dir).resolve() if publication_dir else default_publication_dir(out)
    found = tuple(tasks), tuple(refused), tuple(skipped)
    return BatchPlan(tpl, out_dir, data_path, *found, previous, header, dataset, pub_dir)
