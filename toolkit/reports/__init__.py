"""Report templates: registry, parameter checks, execution, batch and rendering.

Templates are notebooks in ``templates/`` with a parameter schema in their
metadata (``metadata["dkbm"]``). :func:`run_batch` checks the parameters
before any kernel starts, runs the regions in parallel worker processes with
kernels started ahead of use (one report per kernel), renders self-contained
HTML (and PDF through Chromium) and keeps a manifest. A running template
reads its data through :func:`load_dataset`, cached once per process.

Examples
--------
>>> from toolkit.reports import slugify, validate_parameters
>>> slugify("Musterstadt, kreisfreie Stadt")
'musterstadt-kreisfreie-stadt'
"""

from toolkit.reports.batch import BatchPlan, BatchResult, kernel_setup, plan_batch, run_batch
from toolkit.reports.dask import run_on_dask
from toolkit.reports.execute import Outcome, normalize_notebook, run_notebook
from toolkit.reports.jobs import FORMATS, ReportTask, input_hash, run_task, slugify
from toolkit.reports.kernels import KernelPool
from toolkit.reports.manifest import format_summary, read_manifest, write_manifest
from toolkit.reports.params import coerce_value, parse_assignments, validate_parameters
from toolkit.reports.registry import (
    ParameterSpec,
    Template,
    default_templates_dir,
    get_template,
    list_templates,
    load_template,
)
from toolkit.reports.render import find_chromium, html_to_pdf, render_html, write_atomic
from toolkit.reports.runtime import (
    DATA_DIR_ENV,
    SNAPSHOT_ENV,
    clear_cache,
    load_dataset,
    resolve_data_dir,
    write_snapshot,
)
from toolkit.reports.selection import data_digest, parse_formats, resolve_regions
from toolkit.reports.warmup import priming_code, template_imports, warmup_code

__all__ = [
    "DATA_DIR_ENV",
    "FORMATS",
    "SNAPSHOT_ENV",
    "BatchPlan",
    "BatchResult",
    "KernelPool",
    "Outcome",
    "ParameterSpec",
    "ReportTask",
    "Template",
    "clear_cache",
    "coerce_value",
    "data_digest",
    "default_templates_dir",
    "find_chromium",
    "format_summary",
    "get_template",
    "html_to_pdf",
    "input_hash",
    "kernel_setup",
    "list_templates",
    "load_dataset",
    "load_template",
    "normalize_notebook",
    "parse_assignments",
    "parse_formats",
    "plan_batch",
    "priming_code",
    "read_manifest",
    "render_html",
    "resolve_data_dir",
    "resolve_regions",
    "run_batch",
    "run_notebook",
    "run_on_dask",
    "run_task",
    "slugify",
    "template_imports",
    "validate_parameters",
    "warmup_code",
    "write_atomic",
    "write_manifest",
    "write_snapshot",
]
