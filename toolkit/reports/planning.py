"""Planning a batch: check everything, list the reports, warm up once.

Everything that can be checked is checked before any report process
starts: the template, every parameter, the time limit, the region list, the
data (read and validated once) and the output folder. :func:`warm_up` then
prepares the parent process the reports are forked from: the dataset with
the computations every report shares, passed explicitly as a
:class:`~toolkit.reports.runtime.Warm`.

Examples
--------
>>> BatchPlan.__name__
'BatchPlan'
"""

from __future__ import annotations

import ast
import gc
import importlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.errors import DkbmError, TemplateError
from toolkit.reports.checks import (
    check_against_data,
    check_parameters,
    check_regions_table,
    check_template,
    check_timeout,
    without_data,
)
from toolkit.reports.manifest import read_manifest
from toolkit.reports.params import parse_formats, resolve_regions, validate_parameters
from toolkit.reports.registry import Template, get_template
from toolkit.reports.requirements import inputs_digest, report_requirements
from toolkit.reports.runtime import Warm, load_dataset, resolve_data_dir
from toolkit.reports.tasks import ReportTask, input_hash, slugify
from toolkit.reports.template import NO_VERSION

__all__ = [
    "BatchPlan",
    "plan_batch",
    "template_imports",
    "warm_up",
    "warm_up_failed",
]


@dataclass(frozen=True)
class BatchPlan:
    """A checked batch, ready to run (no report process started yet).

    Examples
    --------
    >>> BatchPlan.__name__
    'BatchPlan'
    """

    template: Template
    out_dir: Path
    data_dir: Path
    tasks: tuple[ReportTask, ...]
    skipped: tuple[str, ...]
    previous: dict[str, Any]
    header: dict[str, Any]
    dataset: Any = None
    #: Folder of the protected publication set (``<out>/publication`` unless given).
    publication_dir: Path | None = None


def template_imports(template: Template) -> list[str]:
    """Modules the template's code cells import (to import once in the warm parent).

    Examples
    --------
    >>> "toolkit.blocks" in template_imports(get_template("fakten_check"))
    True
    """
    import nbformat

    names: list[str] = []
    for cell in nbformat.read(template.path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        source = cell.source
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
    return list(dict.fromkeys(names))


def warm_up(plan: BatchPlan, publication: Any = None) -> Warm:
    """Prepare this process to fork the reports of ``plan`` from.

    Imports what the template imports, creates the in-process shell and
    hands over the dataset read during planning; a template built on
    :mod:`toolkit.reports.content` (or :mod:`toolkit.blocks`) also gets the hierarchy and the batch's
    protected publication set (``publication``, see
    :mod:`toolkit.reports.publishing`) as ``dataset.shared``. Any error
    stops the batch (:func:`warm_up_failed`): nothing is swallowed.

    Examples
    --------
    >>> warm_up.__name__
    'warm_up'
    """
    try:
        return _warm_up(plan, publication)
    except DkbmError:
        raise
    except Exception as exc:
        raise warm_up_failed(plan.template, exc) from exc


def _warm_up(plan: BatchPlan, publication: Any) -> Warm:
    modules = template_imports(plan.template)
    for name in modules:
        importlib.import_module(name)
    from toolkit.reports.engine import prepare, register

    register()  # imports papermill (~0.15 s that every child would pay again)
    if plan.template.engine == "dkbm":
        prepare()
    from toolkit.reports.render import html_exporter, render_html

    exporter = html_exporter()
    render_html(_font_probe(), exporter=exporter)  # compiles nbconvert's templates once
    dataset = plan.dataset
    if any(m.startswith(("toolkit.reports.content", "toolkit.blocks")) for m in modules):
        from toolkit.reports.content import warm

        dataset = _with_shared(dataset, warm(dataset, publication=publication))
    _release_free_memory()
    return Warm(plan.data_dir, dataset, exporter)


def _release_free_memory() -> None:
    """Return memory freed while reading and protecting to the system before forking.

    The heap (glibc ``malloc_trim``) and Arrow's pool keep what reading the
    data freed (about 1 GB of a 2.9 GB parent on the 400-Kreise Land), and
    every forked child would map it too.
    """
    import ctypes

    import pyarrow

    gc.collect()
    pyarrow.default_memory_pool().release_unused()
    libc = ctypes.CDLL(None)
    if hasattr(libc, "malloc_trim"):  # glibc only
        libc.malloc_trim(0)


def warm_up_failed(template: Template, exc: BaseException) -> TemplateError:
    """Return the error that stops a batch whose warm-up raised ``exc``.

    Examples
    --------
    >>> t = Template("t", Path("t.ipynb"), "T", "")
    >>> str(warm_up_failed(t, ImportError("kein Modul x"))).splitlines()[0]
    'Vorbereitung der Berichte fehlgeschlagen: ImportError: kein Modul x'
    """
    return TemplateError(
        f"Vorbereitung der Berichte fehlgeschlagen: {type(exc).__name__}: {exc}",
        file=str(template.path),
        hint="Importe und Daten der Vorlage prüfen; es wurde kein Bericht erstellt",
    )


def _font_probe() -> Any:
    """Return a notebook showing a tiny chart; drawing it loads matplotlib's fonts."""
    import base64
    import io

    import matplotlib.figure
    import nbformat

    fig = matplotlib.figure.Figure(figsize=(1, 1))
    fig.subplots().set_title("Ää 0,5 %")
    fig.savefig(png := io.BytesIO(), format="png")
    data = {"image/png": base64.b64encode(png.getvalue()).decode("ascii")}
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("", outputs=[nbformat.v4.new_output("display_data", data)])
    ]
    return nb


def _with_shared(dataset: Any, shared: Any) -> Any:
    """Return the dataset as a frozen copy carrying ``shared`` (same tables, no copies)."""
    from dataclasses import make_dataclass

    cls = make_dataclass(
        "SharedDataset", [("shared", Any, None)], bases=(type(dataset),), frozen=True
    )
    return cls(**{k: getattr(dataset, k) for k in dataset.__dataclass_fields__}, shared=shared)


def _outputs_exist(out_dir: Path, entry: Any, stem: str, formats: tuple[str, ...]) -> bool:
    wanted = {f"{stem}.{fmt}" for fmt in formats}
    return set(entry.outputs) >= wanted and all((out_dir / n).is_file() for n in wanted)


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
    :mod:`toolkit.reports.checks`.

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
    fmts = parse_formats(formats)
    timeout = check_timeout(timeout)
    given = dict(parameters or {})
    period, checked = check_parameters(tpl, given, period)
    uses_internal = check_template(tpl, internal=internal)
    data_path = resolve_data_dir(data_dir)
    dataset = load_dataset(data_path)
    region_frame = check_regions_table(dataset, data_path)
    codes = resolve_regions(regions, region_frame)
    requires = report_requirements(tpl, checked)
    omitted = check_against_data(dataset, requires, period, given.get("comparison"))
    absent = without_data(dataset, requires, period, codes) if regions == "kreise" else []
    codes = [c for c in codes if c not in absent]
    names = dict(
        zip(
            region_frame["region_code"].astype(str),
            region_frame.get("region_name", region_frame["region_code"]).astype(str),
            strict=True,
        )
    )
    # a variant (e.g. the Fakten-Check topic) gets its own folder, file names and title,
    # so topics never overwrite each other or share a manifest
    chosen = {n: str(given.get(n, tpl.parameters[n].default)) for n in tpl.variants}
    suffix = "".join(f"_{v}" for v in chosen.values())
    label = " ".join(tpl.variants[n].get(v, v) for n, v in chosen.items())
    out_dir = (Path(out) / str(period) / f"{tpl.name}{suffix}").resolve()
    previous = read_manifest(out_dir)
    version = "" if tpl.version == NO_VERSION else tpl.version
    template_digest = f"{tpl.digest()}:{version}"
    digest = inputs_digest(data_path, requires)
    tasks: list[ReportTask] = []
    skipped: list[str] = []
    for code in codes:
        params = validate_parameters(tpl, {**given, "region": code, "period": period})
        name = names.get(code, "")
        stem = f"{code}_{slugify(name) if name else 'unbekannt'}{suffix}"
        task_hash = input_hash(template_digest, params, digest)
        old = previous.get(code)
        ok_before = old is not None and old.status == "ok"
        if (retry_failed and (old is None or ok_before)) or (
            resume
            and ok_before
            and old.input_hash == task_hash
            and _outputs_exist(out_dir, old, stem, fmts)
        ):
            skipped.append(code)
            continue
        tasks.append(
            ReportTask(
                template_path=str(tpl.path),
                template_name=tpl.name,
                title=f"{tpl.title}{' ' + label if label else ''}: {name or code} {period}",
                region=code,
                region_name=name,
                parameters=params,
                formats=fmts,
                out_dir=str(out_dir),
                stem=stem,
                input_hash=task_hash,
                engine=tpl.engine,
                timeout=timeout,
                precheck_error=""
                if code in names
                else f"Region {code} ist nicht in den Daten ({data_path.name}/regions)",
                previous=old.outputs if ok_before else (),
                data_dir=str(data_path),
                template_version=version,
            )
        )
    header = {
        "template": tpl.name,
        "template_file": tpl.path.name,
        "template_version": version,
        "period": period,
        "formats": list(fmts),
        "data": data_path.name,
        "omitted": [f"{code}: {reason}" for code, reason in omitted],
        "absent": [f"{code} {names.get(code, '')}".strip() for code in absent],
        **({"internal": True} if uses_internal else {}),
    }
    from toolkit.reports.publishing import publication_dir as default_publication_dir

    return BatchPlan(
        tpl,
        out_dir,
        data_path,
        tuple(tasks),
        tuple(skipped),
        previous,
        header,
        dataset,
        Path(publication_dir).resolve() if publication_dir else default_publication_dir(out),
    )
