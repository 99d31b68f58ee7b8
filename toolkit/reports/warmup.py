"""Code a kernel (or the fork helper) runs before it is handed a report.

The warm-up imports what the template imports and loads the dataset; the
priming runs the template once so per-dataset caches are filled. Both run
inside functions or throw-away namespaces, so the namespace a report starts
with stays empty.

Examples
--------
>>> code = warmup_code(["pandas"], data_dir=None)
>>> "load_dataset" in code
True
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["priming_code", "template_imports", "warmup_code"]


def _python_cells(nb: Mapping[str, Any], skip_tags: set[str] | None = None) -> list[str]:
    """Source of the code cells, without IPython magics and shell escapes."""
    out = []
    for cell in nb.get("cells", []):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell.get("cell_type") != "code" or tags & (skip_tags or set()):
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        out.append("\n".join(lines))
    return out


def template_imports(nb: Mapping[str, Any]) -> list[str]:
    r"""Return the modules a notebook imports at the top level of its code cells.

    Parameters
    ----------
    nb : mapping
        Notebook (``nbformat`` node or plain JSON dictionary).

    Returns
    -------
    list of str
        Absolute module names, sorted, without duplicates.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell("import pandas as pd\nfrom toolkit import text")]
    >>> template_imports(nb)
    ['pandas', 'toolkit', 'toolkit.text']
    """
    modules: set[str] = set()
    for source in _python_cells(nb):
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                modules.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules.add(node.module)
                modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return sorted(modules)


def warmup_code(modules: Iterable[str], data_dir: str | None) -> str:
    """Return the code a fresh kernel runs before it is handed a report.

    It imports ``modules`` and loads the dataset through
    :func:`toolkit.reports.runtime.load_dataset` inside a function, so the
    kernel's namespace stays empty. Errors are swallowed here: if a module or
    the data cannot be loaded, the report itself fails at that point with a
    proper error cell.

    Parameters
    ----------
    modules : iterable of str
        Modules to import (e.g. from :func:`template_imports`).
    data_dir : str or None
        Data directory passed to ``load_dataset``.

    Returns
    -------
    str
        Python source.

    Examples
    --------
    >>> ns = {}
    >>> exec(warmup_code(["json"], data_dir="/nicht/da"), ns)
    >>> sorted(k for k in ns if not k.startswith("__"))
    []
    """
    mods = json.dumps(sorted(set(modules)))
    return (
        "def __dkbm_warmup():\n"
        "    import importlib\n"
        f"    for name in {mods}:\n"
        "        try:\n"
        "            importlib.import_module(name)\n"
        "        except Exception:\n"
        "            pass\n"
        "    try:\n"
        "        from toolkit.reports.runtime import load_dataset\n"
        f"        load_dataset({data_dir!r})\n"
        "    except Exception:\n"
        "        pass\n"
        "__dkbm_warmup()\n"
        "del __dkbm_warmup\n"
    )


def priming_code(nb: Mapping[str, Any], parameters: Mapping[str, Any]) -> str:
    """Return code that runs a template once, for nothing but its caches.

    A fork server runs this once after the warm-up: the template's code
    cells execute with ``parameters`` (usually the batch's first region) in a
    throw-away namespace, output discarded, errors ignored. Per-dataset
    caches the toolkit keeps (checked tables, Land and Bund roll-ups) are
    then filled before the kernels are forked, so each report only computes
    what is specific to its region. Open figures are closed and matplotlib's
    settings restored afterwards, so nothing of the run reaches a report.

    Parameters
    ----------
    nb : mapping
        Template notebook.
    parameters : mapping
        Checked parameters of one report.

    Returns
    -------
    str
        Python source.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
    ...             nbformat.v4.new_code_cell("print(region)")]
    >>> ns = {}
    >>> exec(priming_code(nb, {"region": "17001"}), ns)
    >>> sorted(k for k in ns if not k.startswith("__"))
    []
    """
    sources = _python_cells(nb, skip_tags={"parameters", "injected-parameters"})
    assignments = "".join(f"{name} = {value!r}\n" for name, value in parameters.items())
    body = json.dumps(assignments + "\n".join(sources))
    return (
        "def __dkbm_prime():\n"
        "    import contextlib, io\n"
        "    try:\n"
        "        import matplotlib\n"
        "        saved = matplotlib.rcParams.copy()\n"
        "    except Exception:\n"
        "        matplotlib = None\n"
        "    sink = io.StringIO()\n"
        "    try:\n"
        "        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):\n"
        f"            exec(compile({body}, '<dkbm-prime>', 'exec'), {{'__name__': '__dkbm_prime__'}})\n"
        "    except BaseException:\n"
        "        pass\n"
        "    if matplotlib is not None:\n"
        "        import matplotlib.pyplot as plt\n"
        "        plt.close('all')\n"
        "        matplotlib.rcParams.update(saved)\n"
        "__dkbm_prime()\n"
        "del __dkbm_prime\n"
    )
