"""The worked example of docs/vorlagen_schreiben.md (Fakten-Check Ganztag) runs as a template.

Values are checked against hand computations from the raw CSV files (expected.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import jupytext

import toolkit.blocks as b
from toolkit.reports.registry import list_templates

from .conftest import _run
from .expected import de, images, page_text

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLE = DOCS / "vorlagen" / "ganztag.ipynb"


def test_guide_shows_the_example_and_the_opt_out():
    guide = (DOCS / "vorlagen_schreiben.md").read_text(encoding="utf-8")
    assert "vorlagen/ganztag.py" in guide
    for name in ("report_context", "load_data", "internal_context", "Dienstgebrauch", "dkbm run"):
        assert name in guide, name


def test_example_is_a_valid_protected_template_with_its_twin():
    (template,) = list_templates(EXAMPLE.parent)
    assert template.name == "ganztag" and template.title == "Fakten-Check Ganztag"
    assert b.template_problems(EXAMPLE) == [] and not b.uses_internal_data(EXAMPLE)
    twin = jupytext.read(EXAMPLE.with_suffix(".py"))
    nb = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert [c.source for c in twin.cells] == ["".join(c["source"]) for c in nb["cells"]]


def test_example_runs_for_the_surveyed_city(tmp_path, publication, tables):
    (path,) = _run(
        "ganztag",
        "17001",
        tmp_path,
        templates_dir=EXAMPLE.parent,
        publication_dir=publication,
    ).values()
    text = page_text(path)
    assert "Fakten-Check Ganztag: Musterstadt, kreisfreie Stadt, 2024" in text
    rate = tables.betreuungsquote("17001", 2024, "3u6")
    assert f"Die Betreuungsquote 3 bis unter 6 Jahre lag 2024 bei {de(rate)} %" in text
    share = tables.survey_share(tables.sozialraeume("17001"), "bedarf_ganztag")
    assert f"insgesamt {de(share)} %" in text
    assert "Ganztagsplätze an Grundschulen" in text and "Definitionen und Quellen" in text
    alts = images(path)
    assert any(a.startswith("Karte: Betreuungsquote 3 bis unter 6 Jahre") for a in alts)
    assert "Traceback" not in text
