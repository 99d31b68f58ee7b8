"""Warming up the process the reports are forked from, once per batch (or Dask worker).

:func:`warm_up` imports what the template imports and papermill, creates
the in-process shell, compiles nbconvert's HTML templates, fills the
computations every report shares into the dataset (``dataset.shared``, for
templates built on :mod:`toolkit.reports.content` or :mod:`toolkit.blocks`)
and returns them as a :class:`~toolkit.reports.runtime.Warm` that is passed
on explicitly, never kept in a module. A failure stops the batch
(:func:`warm_up_failed`): nothing is swallowed.

Examples
--------
>>> warm_up_failed(Template("t", Path("t.ipynb"), "T", ""), OSError("x")).hint[:7]
'Importe'
"""

from __future__ import annotations

import ast
import gc
import importlib
from pathlib import Path
from typing import Any

from toolkit.errors import DkbmError, TemplateError
from toolkit.reports.registry import Template
from toolkit.reports.runtime import Warm

__all__ = ["template_imports", "warm_up", "warm_up_failed", "with_shared"]


def template_imports(template: Template) -> list[str]:
    """Modules the template's code cells import (to import once in the warm parent).

    Examples
    --------
    >>> from toolkit.reports.registry import get_template
    >>> "toolkit.blocks" in template_imports(get_template("fakten_check"))
    True
    """
    import nbformat

    names: list[str] = []
    for cell in nbformat.read(template.path, as_version=4).cells:
        try:
            tree = ast.parse(cell.source) if cell.cell_type == "code" else None
        except SyntaxError:  # IPython magics: the static checks report real errors
            tree = None
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.Import):
                names += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
    return list(dict.fromkeys(names))


def warm_up(template: Template, data_dir: Path, dataset: Any, publication: Any = None) -> Warm:
    """Prepare this process to fork the reports of ``template`` from.

    Parameters
    ----------
    template : Template
        The batch's template.
    data_dir : pathlib.Path
        The batch's data directory.
    dataset : toolkit.io.Dataset
        Its dataset, read and validated once.
    publication : object, optional
        The batch's protected publication set
        (:func:`toolkit.reports.publishing.plan_publication`).

    Returns
    -------
    toolkit.reports.runtime.Warm
        What every report of the batch is handed.

    Raises
    ------
    toolkit.errors.TemplateError
        When anything fails (:func:`warm_up_failed`).

    Examples
    --------
    >>> warm_up.__name__
    'warm_up'
    """
    try:
        modules = template_imports(template)
        for name in modules:
            importlib.import_module(name)
        from toolkit.reports.engine import prepare, register
        from toolkit.reports.render import html_exporter, render_html

        register()  # imports papermill (~0.15 s that every child would pay again)
        if template.engine == "dkbm":
            prepare()
        exporter = html_exporter()
        render_html(_font_probe(), exporter=exporter)  # compiles nbconvert's templates once
        if any(m.startswith(("toolkit.reports.content", "toolkit.blocks")) for m in modules):
            from toolkit.reports.content import warm

            dataset = with_shared(dataset, warm(dataset, publication=publication))
        _release_free_memory()
    except DkbmError:
        raise
    except Exception as exc:
        raise warm_up_failed(template, exc) from exc
    return Warm(data_dir, dataset, exporter)


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


def with_shared(dataset: Any, shared: Any) -> Any:
    """Return the dataset as a frozen copy carrying ``shared`` (same tables, no copies).

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Daten:
    ...     tables: dict
    >>> ds = Daten({"kita": []})
    >>> with_shared(ds, "geteilt").shared, with_shared(ds, None).tables is ds.tables
    ('geteilt', True)
    """
    from dataclasses import make_dataclass

    cls = make_dataclass(
        "SharedDataset", [("shared", Any, None)], bases=(type(dataset),), frozen=True
    )
    return cls(**{k: getattr(dataset, k) for k in dataset.__dataclass_fields__}, shared=shared)


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
    output = nbformat.v4.new_output("display_data", data)
    nb.cells = [nbformat.v4.new_code_cell("", outputs=[output])]
    return nb


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
