"""The wheel alone runs ``dkbm report``, and a bundle packed here installs there (issue #18.3).

The wheel is built from a copy of the project, installed into a new virtual
environment, and used from a folder outside the project, so nothing can come
from the clone: templates and sample data must be inside the wheel. The
third-party dependencies are borrowed from the test environment (a ``.pth``
line and ``JUPYTER_PATH`` for nbconvert's HTML templates), because tests never
touch the network; ``pip install --no-deps --no-index`` installs the wheel only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from toolkit.reports.bundles import new_bundle, pack_bundle
from toolkit.reports.registry import default_templates_dir

ROOT = Path(__file__).resolve().parents[2]
PROJECT_FILES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "toolkit", "templates")
SAMPLES = ("README.md", "musterland", "deutschland")


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)
    assert done.returncode == 0, (args, done.stdout[-3000:], done.stderr[-3000:])
    return done


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> dict:
    """A new venv with only the wheel installed, and its environment variables."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    ignore = shutil.ignore_patterns("__pycache__", "_shipped", "*.egg-info")
    src.mkdir()
    for name in PROJECT_FILES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=ignore)
        else:
            shutil.copy2(path, src / name)
    for name in SAMPLES:
        path = ROOT / "data_samples" / name
        target = src / "data_samples" / name
        if path.is_dir():
            shutil.copytree(path, target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    pip = [sys.executable, "-m", "pip"]
    _run(
        [
            *pip,
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(tmp / "dist"),
            str(src),
        ]
    )
    wheel = next((tmp / "dist").glob("dkbm_toolkit-*.whl"))
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    purelib = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    Path(purelib.stdout.strip(), "_dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    _run([*pip, "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)])
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DKBM_TEMPLATES_DIR")}
    env["DKBM_USER_TEMPLATES_DIR"] = str(tmp / "vorlagen")
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    work = tmp / "arbeit"
    work.mkdir()
    return {"venv": venv, "env": env, "work": work, "wheel": wheel, "tmp": tmp}


def _dkbm(fresh: dict, *args: str) -> subprocess.CompletedProcess:
    return _run([str(fresh["venv"] / "bin" / "dkbm"), *args], cwd=fresh["work"], env=fresh["env"])


def test_wheel_contains_templates_and_samples_and_nothing_comes_from_the_clone(fresh):
    code = (
        "import toolkit, toolkit.samples as s\n"
        "from toolkit.reports.registry import default_templates_dir as d\n"
        "print(toolkit.__file__); print(s.sample_dir()); print(d())"
    )
    done = _run(
        [str(fresh["venv"] / "bin" / "python"), "-c", code], cwd=fresh["work"], env=fresh["env"]
    )
    paths = [Path(line) for line in done.stdout.split()]
    assert all(p.is_relative_to(fresh["venv"]) for p in paths), paths
    assert paths[1].name == "musterland" and paths[2].name == "templates"
    listed = _dkbm(fresh, "templates", "list").stdout
    for name in ("fakten_check", "uebergaenge", "vertragsloesungen"):
        assert f"{name} " in listed
    assert "[mitgeliefert]" in listed and "Fehlerhafte" not in listed


def test_bundle_packed_here_installs_from_a_file_and_dkbm_report_runs_on_a_data_folder(fresh):
    # "another machine": the bundle is made and packed with this clone's toolkit ...
    folder = new_bundle(
        fresh["tmp"] / "ta",
        "vertrag-nord",
        author="Transferagentur Nord",
        source=default_templates_dir() / "vertragsloesungen.ipynb",
        title="Vertragslösungen Nord",
    )
    archive = pack_bundle(folder, fresh["tmp"] / "paket")
    data = fresh["tmp"] / "daten"
    shutil.copytree(ROOT / "data_samples" / "musterland", data)
    # ... and installed from the file into the venv that has only the wheel
    installed = _dkbm(fresh, "templates", "install", str(archive)).stdout
    assert "Installiert: vertrag-nord 0.1.0" in installed
    assert "vertrag_nord" in _dkbm(fresh, "templates", "list").stdout
    out = fresh["tmp"] / "berichte"
    args = ["report", "--regions", "17001", "--data", str(data), "--out", str(out), "--jobs", "2"]
    done = subprocess.run(
        [str(fresh["venv"] / "bin" / "dkbm"), *args, "--no-progress"],
        capture_output=True,
        text=True,
        check=False,
        cwd=fresh["work"],
        env=fresh["env"],
    )
    summaries = [line for line in done.stdout.splitlines() if line.startswith("Berichte: ")]
    assert len(summaries) == 7 and all(" 0 fehlgeschlagen" in line for line in summaries), done
    # the publication-wide audit of the sample passes: nothing to hold back
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert "Geheimhaltung verletzt" not in done.stdout
    reports = sorted(p.parent.name for p in out.glob("2024/*/*.html"))
    # 17001 (Musterstadt) is the surveyed city: its survey report is made as well
    assert reports == [
        "fakten_check_ausbildung",
        "fakten_check_befragung",
        "fakten_check_fruehe_bildung",
        "fakten_check_schule",
        "uebergaenge",
        "vertrag_nord",
        "vertragsloesungen",
    ]
