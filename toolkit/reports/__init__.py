"""Report templates: registry, parameter checks, running one report or a batch.

Templates are notebooks in ``templates/`` with a parameter schema in their
metadata (``metadata["dkbm"]``). :func:`run_batch` checks everything before
any report runs, reads the data once in a warm parent process and forks one
child per report, which papermill executes with the in-process ``dkbm``
engine (:mod:`toolkit.reports.engine`); outputs are self-contained HTML,
PDF or notebooks, listed in a manifest. A template reads its data through
:func:`load_dataset`.

Examples
--------
>>> from toolkit.reports import validate_parameters, get_template
>>> get_template("fakten_check").parameters["topic"].default
'fruehe_bildung'
"""

from toolkit.reports.manifest import ManifestEntry, read_manifest
from toolkit.reports.params import parse_assignments, validate_parameters
from toolkit.reports.registry import Template, get_template, list_templates, load_template
from toolkit.reports.running import BatchInterrupted, BatchResult, run_batch
from toolkit.reports.runtime import load_dataset

__all__ = [
    "BatchInterrupted",
    "BatchResult",
    "ManifestEntry",
    "Template",
    "get_template",
    "list_templates",
    "load_dataset",
    "load_template",
    "parse_assignments",
    "read_manifest",
    "run_batch",
    "validate_parameters",
]
