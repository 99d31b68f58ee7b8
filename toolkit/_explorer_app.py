"""Serving the indicator explorer: cached data, the explorer for a directory, Voilà (private)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import pandas as pd

from toolkit._explorer import cached_protected, category_labels

if TYPE_CHECKING:
    from toolkit.widgets import IndicatorExplorer

__all__ = [
    "JUPYTER_DATA",
    "indicator_explorer",
    "load_explorer",
    "prepare_explorer",
    "voila_command",
]


def indicator_explorer(frame: pd.DataFrame, **options: Any) -> widgets.VBox:
    """Build an indicator explorer widget in one call.

    Examples
    --------
    >>> import pandas as pd
    >>> row = dict(region_code="17", region_name="L", level="land", period=2024, indicator="q",
    ...            dimension="", category="", value=5.0, numerator=5.0, denominator=100.0,
    ...            unit="%", flag="")
    >>> type(indicator_explorer(pd.DataFrame([row]), protect=False)).__name__
    'VBox'
    """
    from toolkit.widgets import IndicatorExplorer

    return IndicatorExplorer(frame, **options).widget


def load_explorer(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    min_count: int = 3,
    cache_dir: str | os.PathLike[str] | None = None,
    **options: Any,
) -> IndicatorExplorer:
    """Return the explorer for a data directory: protected indicators (cached), labels and map.

    Parameters
    ----------
    data_dir : path, optional
        Directory of canonical tables; ``$DKBM_EXPLORER_DATA`` or the sample data.
    min_count : int, default 3
        Smallest publishable count.
    cache_dir : path, optional
        Where the protected indicators are kept (``$DKBM_CACHE_DIR`` or ``~/.cache/dkbm``).
    **options
        Passed to :class:`IndicatorExplorer` (``region``, ``indicator``).

    Returns
    -------
    IndicatorExplorer

    Examples
    --------
    >>> ex = load_explorer(region="17", indicator="altenquotient")  # doctest: +SKIP
    """
    from toolkit.geo import boundaries_for
    from toolkit.widgets import IndicatorExplorer

    start = time.perf_counter()
    frame, berufe = cached_protected(
        _data_dir(data_dir), min_count=min_count, cache_dir=Path(cache_dir) if cache_dir else None
    )
    geo = boundaries_for(pd.unique(frame["region_code"]))
    explorer = IndicatorExplorer(
        frame, boundaries=geo, labels={"beruf": category_labels(berufe)["beruf"]}, **options
    )
    # One line in the server log (the kernel's own stderr), e.g. for hosting checks.
    print(f"dkbm-explorer bereit nach {time.perf_counter() - start:.1f} s", file=sys.__stderr__)
    return explorer


def _data_dir(data_dir: str | os.PathLike[str] | None) -> Path:
    from toolkit.samples import sample_dir

    return Path(data_dir or os.environ.get("DKBM_EXPLORER_DATA") or sample_dir())


def prepare_explorer(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    min_count: int = 3,
    cache_dir: str | os.PathLike[str] | None = None,
) -> int:
    """Compute and cache the protected indicators the explorer shows (before serving it).

    The parameters are those of :func:`load_explorer`; ``make explore`` calls this
    first, so the pre-heated kernels only read the cache.

    Returns
    -------
    int
        Number of protected rows.

    Examples
    --------
    >>> prepare_explorer()  # doctest: +SKIP
    162956
    """
    frame, _ = cached_protected(
        _data_dir(data_dir), min_count=min_count, cache_dir=Path(cache_dir) if cache_dir else None
    )
    return len(frame)


#: Jupyter data folder with the ``dkbm`` Voilà template (lab without CDN links).
JUPYTER_DATA = Path(__file__).resolve().parent / "jupyter_data"


def voila_command(
    notebook: str | os.PathLike[str],
    *,
    port: int = 8866,
    ip: str = "127.0.0.1",
    pool_size: int = 1,
    cull_after: int = 120,
    fill_delay: float = 3.0,
) -> tuple[list[str], dict[str, str]]:
    """Command and environment to serve an explorer notebook with Voilà.

    The ``dkbm`` template is Voilà's ``lab`` template without the Font Awesome
    stylesheets it links from a CDN and without the notebook's prose, and the
    JupyterLab extensions of jupytext and nbdime are not loaded, so the app makes
    no request to any other host. ``pool_size``
    kernels run the notebook before anyone asks
    (Voilà's pre-heated kernels), so a visit shows content at once; a kernel
    whose page was closed is shut down after ``cull_after`` idle seconds. The
    kernel that refills the pool starts ``fill_delay`` seconds after a visitor took
    the pre-heated one: its start (imports, data) costs about 3 s of CPU and would
    otherwise compete with serving the visitor's page.

    Parameters
    ----------
    notebook : path
        Notebook to serve.
    port : int, default 8866
        Port on ``ip``.
    ip : str, default "127.0.0.1"
        Address to listen on (loopback by default).
    pool_size : int, default 1
        Pre-heated kernels kept ready (each holds the data, about 250 MB).
    cull_after : int, default 120
        Seconds after which an idle kernel without an open page is shut down.
    fill_delay : float, default 3.0
        Seconds between handing out a pre-heated kernel and starting its successor.
        A visitor arriving earlier gets a kernel started for them (slower first
        content); raise ``pool_size`` for a server with many visitors at once.

    Returns
    -------
    tuple of (list of str, dict)
        Arguments for :func:`subprocess.Popen` and the environment to use.

    Examples
    --------
    >>> args, env = voila_command("notebooks/03_indikatoren_erkunden.ipynb", port=9000)
    >>> "--template=dkbm" in args and "--port=9000" in args
    True
    """
    env = dict(os.environ)
    paths = [str(JUPYTER_DATA), *filter(None, env.get("JUPYTER_PATH", "").split(os.pathsep))]
    env["JUPYTER_PATH"] = os.pathsep.join(paths)
    args = [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        "--template=dkbm",
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={ip}",
        "--strip_sources=True",
        # JupyterLab extensions of the environment the app does not use (nbdime's needs the
        # Lab editor and fails in Voilà)
        # and pygments' colours, used only for code, which the app does not show
        "--VoilaConfiguration.extension_denylist="
        "['jupyterlab-jupytext', 'nbdime-jupyterlab', 'jupyterlab_pygments']",
        f"--preheat_kernel={pool_size > 0}",
        f"--pool_size={max(pool_size, 0)}",
        f"--VoilaKernelManager.fill_delay={float(fill_delay)}",
        f"--MappingKernelManager.cull_idle_timeout={int(cull_after)}",
        f"--MappingKernelManager.cull_interval={max(1, int(cull_after) // 4)}",
    ]
    return args, env
