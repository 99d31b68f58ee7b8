"""Shared, session-scoped batch runs of the fixture notebooks.

Kernels are slow, so each batch runs once per session and several tests
assert on its outputs and manifest.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from toolkit.reports import run_batch
from toolkit.reports.workers import FORK_ENV

HERE = Path(__file__).parent
NOTEBOOKS = HERE / "notebooks"
DATA = HERE / "data"
ARTIFACTS = HERE.parent / "artifacts"


def batch(template: str, regions: str, out: Path, **kwargs):
    kwargs.setdefault("jobs", 1)
    kwargs.setdefault("period", 2024)
    return run_batch(
        template,
        regions=regions,
        out=out,
        data_dir=DATA,
        templates_dir=NOTEBOOKS,
        progress=False,
        **kwargs,
    )


@pytest.fixture(scope="session")
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip(
            "Chromium fehlt (Debian: apt-get install chromium); Browser-/PDF-Test übersprungen"
        )
    return path


@pytest.fixture(scope="session")
def ok_runs(tmp_path_factory):
    """The ok template for a Kreis and a Gemeinde, twice, into separate folders.

    The first run uses two workers with forked, primed kernels; the second
    starts every kernel as a fresh interpreter, so comparing them also shows
    that forking and priming leave no trace in the reports.
    """
    outs = [tmp_path_factory.mktemp(f"ok{i}") for i in (1, 2)]
    first = batch("ok", "17001,17002000", outs[0], jobs=2, formats="html,ipynb")
    os.environ[FORK_ENV] = "0"
    try:
        second = batch("ok", "17001,17002000", outs[1], jobs=1, formats="html,ipynb")
    finally:
        del os.environ[FORK_ENV]
    return outs, [first, second]


@pytest.fixture(scope="session")
def raise_runs(tmp_path_factory):
    """A cell raising for 17003 and a region without data (99999), then --resume."""
    out = tmp_path_factory.mktemp("raise")
    first = batch("raises_for_region", "17001,17002,17003,99999", out, jobs=2)
    second = batch("raises_for_region", "17001,17002,17003,99999", out, resume=True)
    return out, first, second


@pytest.fixture(scope="session")
def kill_runs(tmp_path_factory):
    """A kernel killed mid-run for 17001 (sequential, same worker), then --resume."""
    out = tmp_path_factory.mktemp("kill")
    first = batch("kills_kernel", "17001,17002,17003", out, jobs=1)
    second = batch("kills_kernel", "17001,17002,17003", out, resume=True)
    return out, first, second


@pytest.fixture(scope="session")
def sleep_run(tmp_path_factory):
    """17002 sleeps far beyond the 4 s timeout."""
    out = tmp_path_factory.mktemp("sleep")
    return out, batch("sleeps", "17001,17002", out, timeout=4)


@pytest.fixture(scope="session")
def isolation_run(tmp_path_factory):
    """Three regions one after another in one worker, started from an empty folder.

    The fixture notebook writes a file into its working directory; the folder
    the batch was started from must stay empty (kernels and the fork helper's
    priming run each work in a private directory).
    """
    out = tmp_path_factory.mktemp("iso")
    start = tmp_path_factory.mktemp("iso-cwd")
    here = os.getcwd()
    os.chdir(start)
    try:
        result = batch("prints_region", "17001,17002,17003", out, jobs=1)
    finally:
        os.chdir(here)
    return out, result, start
