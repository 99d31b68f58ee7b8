"""Versions (issue #18.5): template and toolkit version in manifest and Impressum; resume redoes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat

import toolkit
from toolkit.reports import run_batch

NOTEBOOKS = Path(__file__).parents[1] / "reports" / "notebooks"
DATA = Path(__file__).parents[1] / "reports" / "data"


def _template(folder: Path, version: str) -> Path:
    folder.mkdir(exist_ok=True)
    nb = nbformat.read(NOTEBOOKS / "ok.ipynb", as_version=4)
    nb.metadata["dkbm"].update(version=version, requires={"tables": ["regions"]})
    nbformat.write(nb, folder / "ok.ipynb")
    return folder


def _resume(templates: Path, out: Path, resume: bool = True):
    return run_batch(
        "ok",
        regions="17001",
        period=2024,
        out=out,
        data_dir=DATA,
        templates_dir=templates,
        resume=resume,
        progress=False,
        internal=True,  # the fixture ``ok`` reads raw tables: an internal run
    )


def test_versions_in_manifest_and_resume_redoes_after_a_toolkit_update(tmp_path, monkeypatch):
    templates = _template(tmp_path / "vorlagen", "1.0.0")
    out = tmp_path / "out"
    first = _resume(templates, out, resume=False)
    assert first.exit_code == 0
    manifest = json.loads((Path(first.out_dir) / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["reports"][0]
    assert entry["template_version"] == "1.0.0" and entry["toolkit_version"] == toolkit.__version__
    assert manifest["template_version"] == "1.0.0"  # also in the header
    page = (Path(first.out_dir) / entry["outputs"][0]).read_text(encoding="utf-8")
    assert f"Erstellt mit dkbm-toolkit {toolkit.__version__} · Vorlage ok 1.0.0</p>" in page
    assert _resume(templates, out).entries == []  # nothing changed: nothing to do

    monkeypatch.setattr(toolkit, "__version__", "0.2.0")  # the toolkit was updated
    again = _resume(templates, out).entries
    assert [(e.template_version, e.toolkit_version) for e in again] == [("1.0.0", "0.2.0")]
    assert _resume(templates, out).entries == []

    shutil.rmtree(templates)
    _template(templates, "1.1.0")  # a new template version installed
    redone = _resume(templates, out).entries
    assert [e.template_version for e in redone] == ["1.1.0"]
    page = (Path(first.out_dir) / redone[0].outputs[0]).read_text(encoding="utf-8")
    assert "· Vorlage ok 1.1.0</p>" in page  # the footer (Impressum) of every report
