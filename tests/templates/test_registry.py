"""Registry (issue #18.4): strict schema, broken templates isolated, edited parameters cell."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from toolkit.cli import main
from toolkit.errors import TemplateError
from toolkit.indicators.engine import STEPS
from toolkit.reports.registry import (
    default_templates_dir,
    get_template,
    list_templates,
    load_template,
    scan_templates,
)
from toolkit.reports.schema import ParameterSpec
from toolkit.reports.template_checks import requirement_problems

OK = Path(__file__).parents[1] / "reports" / "notebooks" / "ok.ipynb"
SHIPPED = sorted(default_templates_dir().glob("*.ipynb"))


@pytest.fixture(autouse=True)
def _own_user_folder(tmp_path, monkeypatch):
    """Never read or write the real user templates folder."""
    monkeypatch.setenv("DKBM_USER_TEMPLATES_DIR", str(tmp_path / "user"))
    monkeypatch.delenv("DKBM_TEMPLATES_DIR", raising=False)


def _template(path: Path, schema: dict, cell: str, **meta) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(cell, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("print(region)"),
    ]
    nb.metadata["dkbm"] = {"name": path.stem, "title": path.stem, "parameters": schema, **meta}
    nbformat.write(nb, path)
    return path


REGION = {"region": {"type": "str", "default": "17001"}}


def _messages(path: Path) -> list[str]:
    with pytest.raises(TemplateError) as info:
        load_template(path)
    return [p.describe() for p in info.value.problems]


def test_misspelt_keys_are_errors_with_the_meant_key(tmp_path):
    path = _template(
        tmp_path / "t.ipynb",
        {"region": {"typ": "str", "default": "17001", "alowed": ["17001"]}},
        "region = '17001'",
        titel="T",
    )
    text = _messages(path)
    assert any("unbekannter Schlüssel 'typ' (meinten Sie 'type'?)" in t for t in text)
    assert any("unbekannter Schlüssel 'alowed' (meinten Sie 'allowed'?)" in t for t in text)
    assert any("'titel' (meinten Sie 'title'?)" in t for t in text)
    assert any("'type' fehlt" in t for t in text)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            {"type": "int", "default": 0, "minimum": 1},
            "Standardwert 0 ist kleiner als das Minimum 1",
        ),
        (
            {"type": "int", "default": 30, "maximum": 20},
            "Standardwert 30 ist größer als das Maximum",
        ),
        ({"type": "str", "default": "a", "minimum": 1}, "minimum gilt nur für Zahlen"),
        ({"type": "int", "default": 3, "minimum": "eins"}, "minimum 'eins' ist keine Zahl"),
        ({"type": "int", "default": 5, "minimum": 9, "maximum": 2}, "minimum 9 > maximum 2"),
        ({"type": "str", "default": "x", "allowed": "x"}, "'allowed' muss eine Liste"),
        ({"type": "str", "default": "x", "allowed": ["y"]}, "Standardwert 'x' ist nicht erlaubt"),
        ({"type": "int", "default": 1, "required": "ja"}, "'required' muss true oder false"),
    ],
)
def test_parameter_spec_values_are_checked(tmp_path, spec, expected):
    path = _template(
        tmp_path / "t.ipynb", {**REGION, "n": spec}, f"region = '17001'\nn = {spec['default']!r}"
    )
    assert any(expected in t for t in _messages(path)), _messages(path)


def test_version_and_requires_are_checked(tmp_path):
    path = _template(
        tmp_path / "t.ipynb",
        REGION,
        "region = '17001'",
        version="neu",
        requires={
            "tabels": ["kita"],
            "indicators": "betreuungsquote_u3",
            "variants": {"region": {}},
        },
    )
    text = _messages(path)
    assert any("'neu' ist keine Versionsnummer" in t for t in text)
    assert any("'tabels' (meinten Sie 'tables'?)" in t for t in text)
    assert any("'indicators' muss eine Liste von Namen sein" in t for t in text)
    assert any("'region' ist kein Parameter mit erlaubten Werten" in t for t in text)


def test_range_of_a_run_value():
    spec = ParameterSpec("min_count", "int", 3, minimum=1)
    assert [p.message for p in spec.check_range(0)] == [
        "min_count: 0 ist kleiner als das Minimum 1"
    ]
    assert spec.check_range(1) == [] and spec.check_range(True) == []


def test_edited_parameters_cell_is_a_warning_and_runs_take_the_schema_default(tmp_path, capsys):
    path = _template(tmp_path / "vorschau.ipynb", REGION, "region = '17002'", version="1.0.0")
    template = load_template(path)
    assert template.defaults() == {"region": "17001"}
    assert [w.message for w in template.warnings] == [
        "Zelle 'parameters' setzt region = '17002', Läufe nehmen den Schema-Standard '17001'"
    ]
    assert main(["templates", "list", "--templates-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "vorschau" in out and "Warnung: Zelle 'parameters' setzt region = '17002'" in out


def test_broken_template_is_listed_with_its_reason_and_the_others_work(tmp_path, capsys):
    shutil.copy(OK, tmp_path / "ok.ipynb")
    _template(tmp_path / "kaputt.ipynb", {"region": {"type": "text"}}, "region = '1'")
    (tmp_path / "zerbrochen.ipynb").write_text('{"metadata": {"dkbm": ', encoding="utf-8")
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "analyse.ipynb")  # no template at all

    catalog = scan_templates(tmp_path)
    assert [t.name for t in catalog.templates] == ["ok"]
    reasons = {b.name: b.reason for b in catalog.broken}
    assert set(reasons) == {"kaputt", "zerbrochen"}
    assert "unbekannter Typ 'text'" in reasons["kaputt"]
    assert "kann nicht gelesen werden" in reasons["zerbrochen"]
    assert get_template("ok", tmp_path).name == "ok"
    assert [t.name for t in list_templates(tmp_path)] == ["ok"]
    with pytest.raises(TemplateError, match="unbekannter Typ 'text'"):
        get_template("kaputt", tmp_path)

    assert main(["templates", "list", "--templates-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "ok " in out and "Fehlerhafte Vorlagen" in out and "kaputt" in out
    assert main(["templates", "show", "ok", "--templates-dir", str(tmp_path)]) == 0


def test_two_templates_of_one_name_are_both_broken(tmp_path):
    shutil.copy(OK, tmp_path / "a.ipynb")
    shutil.copy(OK, tmp_path / "b.ipynb")
    catalog = scan_templates(tmp_path)
    assert catalog.templates == ()
    assert [b.error.message for b in catalog.broken] == ["Zwei Vorlagen heißen 'ok'"] * 2


def test_user_template_hides_the_shipped_one_with_a_warning(tmp_path):
    user = tmp_path / "user"
    user.mkdir()
    shutil.copy(default_templates_dir() / "uebergaenge.ipynb", user / "uebergaenge.ipynb")
    template = get_template("uebergaenge")
    assert template.path == (user / "uebergaenge.ipynb").resolve()
    assert template.origin == "eigene Vorlage"
    assert template.warnings[-1].message == "verdeckt mitgeliefert uebergaenge 1.0.0"
    assert get_template("fakten_check").origin == "mitgeliefert"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_templates_declare_version_and_complete_requirements(path):
    template = load_template(path)
    assert template.version == "1.0.0" and template.warnings == ()
    assert requirement_problems(template) == []
    needed = {code: tables for tables, _, codes in STEPS for code in codes}
    req = template.requires
    runs = [{}] + [{n: v} for n, vs in req.variants.items() for v in vs]
    for params in runs:
        need = req.for_parameters(params)
        # independent reference: the tables the indicator engine reads for each indicator
        missing = {t for code in need.indicators for t in needed[code]} - set(need.tables)
        assert not missing, (params, missing)
        assert "regions" in need.tables
    if template.variants:
        assert set(req.variants) == set(template.variants)
        for name, labels in template.variants.items():
            assert set(req.variants[name]) == set(labels)
    assert template.parameters["min_count"].minimum == 1


def test_shipped_fakten_check_needs_the_tables_of_its_topic():
    req = get_template("fakten_check").requires
    assert "survey_families" in req.for_parameters({"topic": "befragung"}).tables
    assert "survey_families" not in req.for_parameters({"topic": "schule"}).tables
    assert set(req.for_parameters({"topic": "fruehe_bildung"}).indicators) == {
        "betreuungsquote_u3",
        "betreuungsquote_3u6",
        "tagespflege_anteil_u3",
    }


def test_metadata_twins_carry_the_same_schema():
    import jupytext

    for path in SHIPPED:
        twin = jupytext.read(path.with_suffix(".py"))
        meta = json.loads(path.read_text(encoding="utf-8"))["metadata"]["dkbm"]
        assert twin.metadata["dkbm"] == meta, path.name


def test_quarterly_run_lists_a_broken_template_runs_the_others_and_exits_1(tmp_path, capsys):
    shutil.copy(OK, tmp_path / "ok.ipynb")
    _template(tmp_path / "kaputt.ipynb", {"region": {"type": "str", "alowed": []}}, "region = '1'")
    data = Path(__file__).parents[1] / "reports" / "data"
    code = main(
        [
            "report",
            "--templates-dir",
            str(tmp_path),
            "--data",
            str(data),
            "--regions",
            "17001",
            "--out",
            str(tmp_path / "out"),
            "--jobs",
            "1",
            "--no-progress",
            "--intern",  # the fixture ``ok`` reads raw tables: an internal run
        ]
    )
    out = capsys.readouterr().out
    assert "Fehlerhafte Vorlage übersprungen: kaputt" in out and "'alowed'" in out
    assert list((tmp_path / "out" / "2024" / "ok").glob("17001_*.html"))
    assert code == 1
