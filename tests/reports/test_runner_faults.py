"""Faults in batch runs (issue #14): signals, killed children, folders, manifest, resume.

Every case runs the real runner; the signal cases run ``dkbm batch`` as a
separate process and look at the processes left, the exit code, stderr and
the manifest afterwards.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from toolkit.errors import ParameterError
from toolkit.reports import read_manifest

from .conftest import DATA, NOTEBOOKS, batch

SLOW = ["17001", "17002", "17003"]  # 17001 is done at once, the others sleep 30 s


def _cli(out: Path, template: str = "slow", regions: str = ",".join(SLOW)) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "toolkit.cli", "batch", template, "--intern", "--templates-dir"]
    cmd += [str(NOTEBOOKS), "--regions", regions, "--period", "2024", "--data", str(DATA)]
    cmd += ["--out", str(out), "--jobs", "2", "--no-progress"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _processes_writing_to(out: Path) -> list[int]:
    """Pids of live processes whose command line names ``out`` (the batch and its children)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            state = (entry / "stat").read_text().split(")")[-1].split()[0]
        except OSError:
            continue
        if str(out) in cmdline and state != "Z":
            pids.append(int(entry.name))
    return pids


def _wait_for(condition, seconds: float = 90.0) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("Bedingung nicht erreicht")


def _first_done(out: Path) -> bool:
    folder = out / "2024" / "slow"
    try:
        return read_manifest(folder).get("17001") is not None
    except Exception:
        return False


needs_proc = pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")


@needs_proc
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_stops_children_keeps_finished_reports_and_exits_128_plus_n(tmp_path, sig):
    proc = _cli(tmp_path)
    _wait_for(lambda: _first_done(tmp_path))
    _wait_for(lambda: len(_processes_writing_to(tmp_path)) == 3)  # parent + two children
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + sig
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith(f"Abgebrochen ({sig.name}): 1 Berichte fertig")
    assert "Traceback" not in err
    entries = read_manifest(tmp_path / "2024" / "slow")
    assert entries["17001"].status == "ok" and set(entries) == {"17001"}
    assert (tmp_path / "2024" / "slow" / "17001_testkreis-nord.html").is_file()
    _wait_for(lambda: not _processes_writing_to(tmp_path), 5)


@needs_proc
def test_sigkill_of_the_batch_takes_its_children_along(tmp_path):
    proc = _cli(tmp_path)
    _wait_for(lambda: len(_processes_writing_to(tmp_path)) == 3)
    proc.kill()
    proc.communicate(timeout=30)
    _wait_for(lambda: not _processes_writing_to(tmp_path), 5)


@needs_proc
def test_a_killed_child_is_a_failed_entry_and_the_others_finish(tmp_path):
    proc = _cli(tmp_path, regions="17002,17001")
    _wait_for(lambda: _first_done(tmp_path))
    children = [p for p in _processes_writing_to(tmp_path) if p != proc.pid]
    assert len(children) == 1
    os.kill(children[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and "Traceback" not in err
    entries = read_manifest(tmp_path / "2024" / "slow")
    assert entries["17001"].status == "ok"
    assert entries["17002"].status == "failed"
    assert "Signal SIGKILL" in entries["17002"].error
    _wait_for(lambda: not _processes_writing_to(tmp_path), 5)


def test_second_batch_into_a_locked_folder_is_refused(tmp_path):
    folder = tmp_path / "2024" / "ok"
    folder.mkdir(parents=True)
    with open(folder / ".dkbm-lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(ParameterError, match="schreibt gerade ein anderer Batch"):
            batch("ok", "17001", tmp_path)
    assert not (folder / "manifest.json").exists()


def test_output_folder_that_cannot_be_written_is_named_before_anything_runs(tmp_path, capsys):
    from toolkit.cli import main

    blocker = tmp_path / "datei"
    blocker.write_text("kein Ordner")
    args = ["batch", "ok", "--intern", "--templates-dir", str(NOTEBOOKS), "--regions", "17001"]
    code = main([*args, "--period", "2024", "--data", str(DATA), "--out", str(blocker)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Ausgabeordner" in err and str(blocker) in err and "Traceback" not in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into read-only folders")
def test_read_only_output_folder_is_a_clear_error(tmp_path):
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(ParameterError, match="nicht beschreibbar"):
            batch("ok", "17001", tmp_path)
    finally:
        tmp_path.chmod(0o755)


def test_full_disk_while_writing_the_manifest_stops_with_a_clear_error(tmp_path, monkeypatch):
    from toolkit.reports import manifest

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(manifest, "write_manifest", full)
    with pytest.raises(ParameterError, match="No space left on device"):
        batch("ok", "17001", tmp_path)


@pytest.mark.parametrize("timeout", [0, -5, float("nan"), float("inf")])
def test_bad_timeouts_are_refused_before_any_report_starts(tmp_path, monkeypatch, timeout):
    from toolkit.reports import children

    monkeypatch.setattr(children, "_Child", lambda *a: pytest.fail("a report was started"))
    with pytest.raises(ParameterError, match="Zeitlimit"):
        batch("ok", "17001", tmp_path, timeout=timeout)


def test_corrupt_manifest_falls_back_to_the_csv_then_starts_afresh(tmp_path):
    first = batch("ok", "17001,17002", tmp_path)
    assert first.exit_code == 0
    folder = tmp_path / "2024" / "ok"
    (folder / "manifest.json").write_text('{"reports": [kaputt', encoding="utf-8")
    with pytest.warns(UserWarning, match="manifest.csv wird verwendet"):
        again = batch("ok", "17001,17002", tmp_path, resume=True)
    assert again.entries == [] and sorted(again.skipped) == ["17001", "17002"]
    (folder / "manifest.json").write_text("[]", encoding="utf-8")
    (folder / "manifest.csv").write_bytes(b"\xff\xfe kaputt")
    with pytest.warns(UserWarning, match="unlesbar"):
        third = batch("ok", "17001,17002", tmp_path, resume=True)
    assert sorted(e.region for e in third.entries) == ["17001", "17002"]
    document = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    document["reports"][0]["outputs"] = None
    (folder / "manifest.json").write_text(json.dumps(document), encoding="utf-8")
    fourth = batch("ok", "17001,17002", tmp_path, resume=True)
    assert [e.region for e in fourth.entries] == ["17001"]  # its outputs are unknown: redone


@pytest.mark.filterwarnings("ignore:.*Dateien ohne bekannten Tabellennamen")
def test_resume_ignores_unread_files_but_not_a_changed_table(tmp_path):
    data = tmp_path / "daten"
    shutil.copytree(DATA, data)
    out = tmp_path / "out"
    run = dict(data_dir=data, templates_dir=NOTEBOOKS, progress=False, period=2024, out=out)
    run["internal"] = True  # the fixture notebooks read raw data
    from toolkit.reports import run_batch

    assert run_batch("ok", regions="17001,17003", **run).exit_code == 0
    (data / "notizen.txt").write_text("nur eine Notiz", encoding="utf-8")
    assert run_batch("ok", regions="17001,17003", resume=True, **run).entries == []
    with open(data / "regions.csv", "a", encoding="utf-8") as handle:
        handle.write("17003002,Neudorf,gemeinde,17003,\n")
    redone = run_batch("ok", regions="17001,17003", resume=True, **run)
    assert sorted(e.region for e in redone.entries) == ["17001", "17003"]


def _flaky_template(folder: Path) -> None:
    nb = nbformat.read(NOTEBOOKS / "raises_for_region.ipynb", as_version=4)
    nb.metadata["dkbm"]["name"] = "flaky"
    for cell in nb.cells:
        if "Absichtlicher Fehler" in cell.source:
            cell.source = 'import os\n\nif os.environ.get("DKBM_TEST_FAIL"):\n    raise ValueError("jetzt kaputt")'
    nbformat.write(nb, folder / "flaky.ipynb")


def test_failed_rerun_keeps_the_previous_report_and_says_so(tmp_path, monkeypatch):
    templates = tmp_path / "vorlagen"
    templates.mkdir()
    _flaky_template(templates)
    out = tmp_path / "out"
    run = dict(data_dir=DATA, templates_dir=templates, progress=False, period=2024, out=out)
    run["internal"] = True
    from toolkit.reports import run_batch

    good = run_batch("flaky", regions="17001", formats="html,ipynb", **run)
    assert good.exit_code == 0
    folder = out / "2024" / "flaky"
    html = (folder / "17001_testkreis-nord.html").read_bytes()
    notebook = (folder / "17001_testkreis-nord.ipynb").read_bytes()
    monkeypatch.setenv("DKBM_TEST_FAIL", "1")
    bad = run_batch("flaky", regions="17001", formats="html,ipynb", **run)
    entry = bad.entries[0]
    assert entry.status == "failed" and "jetzt kaputt" in entry.error
    assert "Der vorige Bericht bleibt erhalten" in entry.error
    assert set(entry.kept) == {"17001_testkreis-nord.html", "17001_testkreis-nord.ipynb"}
    assert entry.outputs == ("17001_testkreis-nord.fehler.ipynb",)
    assert (folder / "17001_testkreis-nord.html").read_bytes() == html
    assert (folder / "17001_testkreis-nord.ipynb").read_bytes() == notebook
    saved = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert saved["reports"][0]["kept"] == sorted(entry.kept)
    assert not list(folder.glob(".*.tmp"))  # no half-written files left


def test_data_dir_parameter_that_does_not_exist_is_refused_first(tmp_path, monkeypatch):
    from toolkit.reports import children

    monkeypatch.setattr(children, "_Child", lambda *a: pytest.fail("a report was started"))
    with pytest.raises(ParameterError, match="data_dir"):
        batch("ok", "17001", tmp_path, parameters={"data_dir": str(tmp_path / "nirgends")})


def test_unknown_comparison_region_is_refused_first(tmp_path, monkeypatch):
    from toolkit.reports import children

    monkeypatch.setattr(children, "_Child", lambda *a: pytest.fail("a report was started"))
    with pytest.raises(ParameterError, match="Vergleichsregionen nicht in den Daten: 99"):
        batch("ok", "17001", tmp_path, parameters={"comparison": ["17", "99"]})


def test_period_without_data_is_refused_with_the_years_there_are(tmp_path):
    from toolkit.reports import run_batch

    with pytest.raises(ParameterError, match="Keine Daten für 1990") as info:
        run_batch("fakten_check", regions="17051", period=1990, out=tmp_path, progress=False)
    assert "Die Daten reichen von" in (info.value.hint or "")
    assert not (tmp_path / "1990").exists()


def test_a_report_deaf_to_its_time_limit_is_killed_after_the_grace(tmp_path):
    """A cell that blocks the engine's alarm: the parent kills it at the limit plus GRACE."""
    from toolkit.reports import run_batch
    from toolkit.reports.children import GRACE

    templates = tmp_path / "vorlagen"
    templates.mkdir()
    nb = nbformat.read(NOTEBOOKS / "sleeps.ipynb", as_version=4)
    nb.metadata["dkbm"]["name"] = "taub"
    for cell in nb.cells:
        if "time.sleep(600)" in cell.source:
            cell.source = cell.source.replace(
                "    time.sleep(600)",
                "    import signal\n\n"
                "    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})\n"
                "    time.sleep(600)",
            )
    nbformat.write(nb, templates / "taub.ipynb")
    run = dict(data_dir=DATA, templates_dir=templates, progress=False, period=2024, internal=True)
    started = time.monotonic()
    result = run_batch("taub", regions="17001,17002", out=tmp_path / "o", timeout=1, jobs=2, **run)
    took = time.monotonic() - started
    entries = {e.region: e for e in result.entries}
    assert entries["17001"].status == "ok"
    assert entries["17002"].status == "timeout"
    assert entries["17002"].error == "Timeout: Zeitlimit von 1 s überschritten; Prozess beendet"
    assert 1 + GRACE <= entries["17002"].duration < 1 + GRACE + 30 and took < 60


def test_full_disk_while_writing_one_report_fails_only_that_report(tmp_path, monkeypatch):
    from toolkit.reports import tasks

    real = tasks.write_atomic

    def full_for_17002(path, data):
        if Path(path).name.startswith("17002_"):
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(tasks, "write_atomic", full_for_17002)  # the forked children inherit it
    result = batch("ok", "17001,17002", tmp_path, jobs=2)
    entries = {e.region: e for e in result.entries}
    assert entries["17001"].status == "ok" and result.exit_code == 1
    assert entries["17002"].status == "failed"
    assert entries["17002"].error == "OSError: [Errno 28] No space left on device"
    assert not list((tmp_path / "2024" / "ok").glob("17002_*"))
