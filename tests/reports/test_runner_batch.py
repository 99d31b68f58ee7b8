"""Batch behaviour: faults, manifest, resume, isolation, determinism, self-contained HTML."""

from __future__ import annotations

import csv
import json
import re

import nbformat
import pytest

from toolkit.cli import main

from .conftest import DATA, NOTEBOOKS


def _manifest(out, template):
    folder = out / "2024" / template
    document = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    rows = list(csv.DictReader((folder / "manifest.csv").open(encoding="utf-8")))
    return folder, {e["region"]: e for e in document["reports"]}, document, rows


# --- faults -----------------------------------------------------------------


def test_cell_error_and_missing_region_do_not_stop_the_others(raise_runs):
    out, first, _ = raise_runs
    folder, entries, document, rows = _manifest(out, "raises_for_region")
    assert {r: e["status"] for r, e in entries.items()} == {
        "17001": "ok",
        "17002": "ok",
        "17003": "failed",
        "99999": "failed",
    }
    assert first.exit_code == 1
    assert document["summary"] == {"ok": 2, "failed": 2, "timeout": 0}
    assert "ValueError" in entries["17003"]["error"]
    assert "Absichtlicher Fehler für 17003" in entries["17003"]["error"]
    assert entries["99999"]["error"].startswith("DataError: Region 99999 ist nicht in den Daten")
    assert [r["region"] for r in rows] == ["17001", "17002", "17003", "99999"]
    assert rows[2]["status"] == "failed" and "ValueError" in rows[2]["error"]
    assert all(len(e["input_hash"]) == 64 for e in entries.values())
    assert (folder / "17001_testkreis-nord.html").is_file()
    assert not list(folder.glob("17003_*.html"))


def test_failing_notebook_is_kept_with_papermills_error_cell(raise_runs):
    out, _, _ = raise_runs
    folder, entries, _, _ = _manifest(out, "raises_for_region")
    assert entries["17003"]["outputs"] == ["17003_testkreis-sued.ipynb"]
    nb = nbformat.read(folder / "17003_testkreis-sued.ipynb", as_version=4)
    tags = [t for c in nb.cells for t in c.metadata.get("tags", [])]
    assert tags.count("papermill-error-cell-tag") == 2
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert [(e.ename, e.evalue) for e in errors] == [
        ("ValueError", "Absichtlicher Fehler für 17003")
    ]


def test_resume_redoes_only_the_failed_regions(raise_runs):
    out, _first, second = raise_runs
    assert sorted(e["region"] for e in second.entries) == ["17003", "99999"]
    assert sorted(second.skipped) == ["17001", "17002"]
    _, entries, _, _ = _manifest(out, "raises_for_region")
    assert entries["17001"]["status"] == "ok"  # kept from the first run


def test_killed_kernel_fails_only_its_region_and_the_next_kernel_works(kill_runs):
    out, _first, second = kill_runs
    _, entries, _, _ = _manifest(out, "kills_kernel")
    assert entries["17001"]["status"] == "failed"
    assert entries["17001"]["error_type"] == "DeadKernelError"
    assert "Kernel während der Ausführung beendet" in entries["17001"]["error"]
    assert entries["17002"]["status"] == "ok" and entries["17003"]["status"] == "ok"
    assert [e["region"] for e in second.entries] == ["17001"]
    assert second.exit_code == 1


def test_timeout_is_reported_and_the_other_region_finishes(sleep_run):
    out, result = sleep_run
    _folder, entries, _, _ = _manifest(out, "sleeps")
    assert entries["17001"]["status"] == "ok"
    assert entries["17002"]["status"] == "timeout"
    assert "Zeitlimit von 4 s überschritten" in entries["17002"]["error"]
    assert entries["17002"]["duration"] < 60  # cut off long before the 600 s sleep ends
    assert result.exit_code == 1
    assert "1 Zeitlimit" in result.summary()


def test_cli_batch_prints_summary_table_and_exit_code(tmp_path, capsys):
    code = main(
        [
            "batch",
            "raises_for_region",
            "--intern",
            "--templates-dir",
            str(NOTEBOOKS),
            "--regions",
            "17003,99999",
            "--period",
            "2024",
            "--data",
            str(DATA),
            "--out",
            str(tmp_path),
            "--no-progress",
        ]
    )
    printed = capsys.readouterr().out
    assert code == 1
    assert "Berichte: 0 erfolgreich, 2 fehlgeschlagen" in printed
    assert re.search(r"17003\s+Testkreis Süd\s+failed", printed)
    assert "99999" in printed


def test_retry_failed_runs_only_failed_regions(raise_runs, tmp_path):
    import shutil

    from .conftest import batch

    out, _, _ = raise_runs
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    result = batch("raises_for_region", "17001,17002,17003,99999", copy, retry_failed=True)
    assert sorted(e["region"] for e in result.entries) == ["17003", "99999"]


# --- isolation, determinism, HTML ---------------------------------------------


def _text(path):
    return path.read_text(encoding="utf-8")


def test_no_state_leaks_between_reports(isolation_run):
    out, result, start = isolation_run
    assert list(start.iterdir()) == []  # nothing written where the batch was started
    assert result.exit_code == 0
    folder = out / "2024" / "prints_region"
    pages = {p.name.split("_")[0]: _text(p) for p in folder.glob("*.html")}
    assert sorted(pages) == ["17001", "17002", "17003"]
    for region, page in pages.items():
        assert "VORHER: None" in page, region
        # each kernel has its own empty working directory
        assert (
            "DATEIEN: [&#x27;arbeitsdatei.txt&#x27;]" in page
            or "DATEIEN: ['arbeitsdatei.txt']" in page
        )
    marked = [r for r, page in pages.items() if "Zauberstadt-Unikat-4711" in page]
    assert marked == ["17002"]


def test_reports_for_kreis_and_gemeinde(ok_runs):
    outs, results = ok_runs
    assert all(r.exit_code == 0 for r in results)
    folder = outs[0] / "2024" / "ok"
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "17001_testkreis-nord.html",
        "17001_testkreis-nord.ipynb",
        "17002000_zauberstadt-unikat-4711-stadt.html",
        "17002000_zauberstadt-unikat-4711-stadt.ipynb",
        "manifest.csv",
        "manifest.json",
    ]
    page = _text(folder / "17002000_zauberstadt-unikat-4711-stadt.html")
    assert "Zauberstadt-Unikat-4711, Stadt (17002000), 2024" in page
    assert "Stufe <strong>gemeinde</strong>" in page
    assert "<title>Testbericht: Zauberstadt-Unikat-4711, Stadt 2024</title>" in page


def test_two_runs_give_byte_identical_html_and_notebooks(ok_runs):
    outs, _ = ok_runs
    for name in ("17001_testkreis-nord", "17002000_zauberstadt-unikat-4711-stadt"):
        a = (outs[0] / "2024" / "ok" / f"{name}.html").read_bytes()
        b = (outs[1] / "2024" / "ok" / f"{name}.html").read_bytes()
        assert a == b, name
        a = (outs[0] / "2024" / "ok" / f"{name}.ipynb").read_bytes()
        b = (outs[1] / "2024" / "ok" / f"{name}.ipynb").read_bytes()
        assert a == b, name


def test_html_is_self_contained_german_and_without_code(ok_runs):
    outs, _ = ok_runs
    page = _text(outs[0] / "2024" / "ok" / "17001_testkreis-nord.html")
    assert re.match(r"<!DOCTYPE html>\s*<html lang=\"de\">", page)
    # nothing is fetched from anywhere: no external src/href, no @import, no url(http...)
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page)
    assert all(r.startswith(("data:", "#")) for r in refs), refs
    assert "<script src" not in page and "@import" not in page
    assert not re.search(r"url\(\s*['\"]?https?:", page)
    assert not re.search(r"require\.js|mathjax|unpkg|cdnjs|jsdelivr", page, re.I)
    # the chart is embedded, the code and stderr are not shown
    assert re.search(r'<img[^>]+src="data:image/png;base64,', page)
    assert "load_dataset" not in page and "plt.subplots" not in page
    assert "nur im Notebook sichtbar" not in page
    assert not re.search(r"(In|Out)(&nbsp;|\s)*\[\d+\]", page)  # no prompts
    assert "<table" in page and "Kennzahl" in page


def test_executed_notebook_records_parameters_without_timings(ok_runs):
    outs, _ = ok_runs
    nb = nbformat.read(outs[0] / "2024" / "ok" / "17001_testkreis-nord.ipynb", as_version=4)
    meta = nb.metadata["papermill"]
    assert meta["parameters"]["region"] == "17001" and meta["parameters"]["period"] == 2024
    assert "start_time" not in meta and "duration" not in meta
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and 'region = "17001"' in injected[0].source


def _threads_and_files() -> tuple[int, int]:
    import os

    return len(os.listdir("/proc/self/task")), len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not __import__("os").path.isdir("/proc/self/task"), reason="needs /proc")
def test_reports_leave_no_threads_or_descriptors_behind(tmp_path):
    """A batch runs hundreds of reports: nothing may pile up per report in the parent."""
    from .conftest import batch

    batch("ok", "17001", tmp_path / "warm")  # first run: imports, thread pools
    before = _threads_and_files()
    result = batch("ok", "17001,17002,17002000,17003", tmp_path / "four", jobs=2)
    assert result.exit_code == 0
    after = _threads_and_files()
    assert after[0] <= before[0] + 1, (before, after)
    assert after[1] <= before[1] + 2, (before, after)
