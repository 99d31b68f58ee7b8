"""Report templates: registry, parameter checks, execution, batch and rendering.

Templates are notebooks in ``templates/`` with a parameter schema in their
metadata. A running template reads its data through
:func:`toolkit.reports.load_dataset`, which caches one dataset per process.

Examples
--------
>>> from toolkit.reports import load_dataset
>>> callable(load_dataset)
True
"""

from toolkit.reports.runtime import DATA_DIR_ENV, clear_cache, load_dataset, resolve_data_dir

__all__ = ["DATA_DIR_ENV", "clear_cache", "load_dataset", "resolve_data_dir"]
