"""Shared, session-scoped batch runs of the fixture notebooks.

Kernels are slow, so each batch runs once per session and several tests
assert on its outputs and manifest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.reports import BatchResult, read_manifest, run_batch

HERE = Path(__file__).parent
NOTEBOOKS = HERE / "notebooks"
DATA = HERE / "data"
ARTIFACTS = HERE.parent / "artifacts"


def batch(template: str, regions: str, out: Path, **kwargs):
    kwargs.setdefault("templates_dir", NOTEBOOKS)
    kwargs.setdefault("jobs", 1)
    kwargs.setdefault("period", 2024)
    # the fixture notebooks read raw data (load_dataset): internal use, not a publication
    kwargs.setdefault("internal", True)
    return run_batch(
        template,
        regions=regions,
        out=out,
        data_dir=DATA,
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

    The first run forks two children from the warm batch parent; the second
    produces both reports in a fresh interpreter (no fork, no warm-up, data
    read by the template itself), so comparing them also shows that forking
    and warming up leave no trace in the reports.
    """
    outs = [tmp_path_factory.mktemp(f"ok{i}") for i in (1, 2)]
    first = batch("ok", "17001,17002000", outs[0], jobs=2, formats="html,ipynb")
    return outs, [first, fresh_interpreter("ok", "17001,17002000", outs[1], "html,ipynb")]


def fresh_interpreter(template: str, regions: str, out: Path, formats: str) -> BatchResult:
    """Produce each report with ``produce`` in a new Python process of its own."""
    script = (
        "import sys\n"
        "from toolkit.reports.manifest import write_manifest\n"
        "from toolkit.reports.planning import plan_batch\n"
        "from toolkit.reports.tasks import produce\n"
        "t, r, o, f, d, n = sys.argv[1:]\n"
        "plan = plan_batch(t, regions=r, period=2024, out=o, formats=f, data_dir=d,"
        " templates_dir=n, internal=True)\n"
        "plan.out_dir.mkdir(parents=True, exist_ok=True)\n"
        "entries = {**read_manifest(plan.out_dir)}\n"
        "entries.update({task.region: produce(task) for task in plan.tasks})\n"
        "write_manifest(plan.out_dir, entries, header=plan.header)\n"
    ).replace("import write_manifest", "import read_manifest, write_manifest")
    for region in regions.split(","):
        args = [template, region, str(out), formats, str(DATA), str(NOTEBOOKS)]
        subprocess.run([sys.executable, "-c", script, *args], check=True, cwd=out)
    folder = out / "2024" / template
    return BatchResult(folder, list(read_manifest(folder).values()))


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
