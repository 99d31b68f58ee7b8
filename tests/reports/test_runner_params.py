"""Parameter schema and validation: every problem at once, before any kernel starts."""

from __future__ import annotations

import json
import time

import nbformat
import pytest

from toolkit.cli import main
from toolkit.errors import ParameterError, TemplateError
from toolkit.reports import (
    get_template,
    list_templates,
    load_template,
    parse_assignments,
    run_batch,
    validate_parameters,
)
from toolkit.reports.params import parse_formats, resolve_regions
from toolkit.reports.planning import slugify
from toolkit.reports.registry import default_templates_dir

from .conftest import DATA, NOTEBOOKS


def test_fixture_templates_are_listed_with_their_schema():
    names = [t.name for t in list_templates(NOTEBOOKS)]
    assert names == [
        "empty",
        "kills_kernel",
        "ok",
        "prints_region",
        "raises_for_region",
        "sleeps",
        "slow",
    ]
    ok = get_template("ok", NOTEBOOKS)
    assert ok.parameters["topic"].allowed == ("schule", "ausbildung")
    assert ok.parameters["comparison"].default == ["17", "DG"]
    assert ok.defaults()["scale"] == 1.0


@pytest.mark.parametrize(
    "path", sorted(default_templates_dir().glob("*.ipynb")), ids=lambda p: p.name
)
def test_every_real_template_has_a_consistent_schema(path):
    template = load_template(path)
    assert {"region", "period"} <= set(template.parameters)
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code"), (
        "templates are stored without outputs"
    )


def test_unknown_names_and_wrong_types_are_listed_together():
    ok = get_template("ok", NOTEBOOKS)
    with pytest.raises(ParameterError) as info:
        validate_parameters(
            ok,
            {
                "region": "17001",
                "period": "2024",  # str instead of int
                "topic": "kita",  # not allowed
                "scale": True,  # bool is not a float
                "comparison": "17",  # str instead of list
                "farbe": "rot",  # unknown
            },
        )
    text = [p.describe() for p in info.value.problems]
    assert len(text) == 5
    assert any(t.startswith("farbe: unbekannter Parameter") for t in text)
    assert any("period: '2024' hat den Typ str, erwartet int" == t for t in text)
    assert any(t.startswith("topic: 'kita' nicht erlaubt") for t in text)
    assert any(t.startswith("scale: True") for t in text)
    assert any(t.startswith("comparison: '17'") for t in text)


def test_defaults_fill_in_and_int_is_accepted_for_float():
    ok = get_template("ok", NOTEBOOKS)
    params = validate_parameters(ok, {"region": "17003", "scale": 2})
    assert params["scale"] == 2.0 and isinstance(params["scale"], float)
    assert params["topic"] == "schule" and params["period"] == 2024
    assert list(params) == list(ok.parameters)


def test_required_parameter_without_value():
    ok = get_template("ok", NOTEBOOKS)
    with pytest.raises(ParameterError, match="region: Pflichtparameter ohne Wert"):
        validate_parameters(ok, {"region": None})


def test_command_line_values_are_converted_by_declared_type():
    ok = get_template("ok", NOTEBOOKS)
    values = parse_assignments(
        ok, ["scale=2,5", "draft=ja", "comparison=17,DG", "topic=ausbildung", "data_dir=/x"]
    )
    assert values == {
        "scale": 2.5,
        "draft": True,
        "comparison": ["17", "DG"],
        "topic": "ausbildung",
        "data_dir": "/x",
    }
    with pytest.raises(ParameterError) as info:
        parse_assignments(ok, ["scale=viel", "draft=vielleicht", "kaputt", "farbe=rot"])
    assert len(info.value.problems) == 4


def test_batch_rejects_bad_parameters_before_any_kernel_starts(tmp_path, monkeypatch):
    from toolkit.reports import children

    def no_reports(*args, **kwargs):
        raise AssertionError("a report process was started")

    monkeypatch.setattr(children, "_Child", no_reports)
    started = time.monotonic()
    with pytest.raises(ParameterError) as info:
        run_batch(
            "ok",
            regions="17001",
            period=2024,
            parameters={"topic": "kita", "farbe": "rot"},
            out=tmp_path,
            data_dir=DATA,
            templates_dir=NOTEBOOKS,
            progress=False,
        )
    assert len(info.value.problems) == 2
    assert time.monotonic() - started < 5
    assert not (tmp_path / "2024").exists()


def test_cli_lists_all_parameter_problems_and_exits_2(tmp_path, capsys):
    code = main(
        [
            "batch",
            "ok",
            "--templates-dir",
            str(NOTEBOOKS),
            "--regions",
            "17001",
            "--period",
            "2024",
            "--data",
            str(DATA),
            "--out",
            str(tmp_path),
            "-p",
            "farbe=rot",
            "-p",
            "scale=viel",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "farbe: unbekannter Parameter" in err and "scale: 'viel' ist kein float" in err


def test_bad_period_and_format_are_parameter_errors(tmp_path):
    with pytest.raises(ParameterError, match="Ungültige Periode"):
        run_batch(
            "ok",
            regions="17001",
            period="zwanzig",
            out=tmp_path,
            data_dir=DATA,
            templates_dir=NOTEBOOKS,
            progress=False,
        )
    with pytest.raises(ParameterError, match="docx"):
        parse_formats("html,docx")


def _write_template(path, cell_source, schema):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(cell_source, metadata={"tags": ["parameters"]})]
    nb.metadata["dkbm"] = {"name": "kaputt", "title": "Kaputt", "parameters": schema}
    nbformat.write(nb, path)


def test_template_whose_cell_disagrees_with_its_schema_is_rejected(tmp_path):
    path = tmp_path / "kaputt.ipynb"
    _write_template(
        path,
        "region = '17'\nperiod = 2023\nextra = 1",
        {
            "region": {"type": "str", "default": "17"},
            "period": {"type": "int", "default": 2024},
            "topic": {"type": "text", "default": "x"},
        },
    )
    with pytest.raises(TemplateError) as info:
        load_template(path)
    problems = [p.describe() for p in info.value.problems]
    assert any("unbekannter Typ 'text'" in p for p in problems)
    # issue 18.4: another value in the parameters cell is a warning (tests/templates/test_registry.py)
    assert not any("period" in p and "2023" in p for p in problems)
    assert any("'topic' fehlt in der Zelle" in p for p in problems)
    assert any("'extra'" in p for p in problems)
    assert info.value.file == str(path)


def test_notebook_without_schema_is_not_a_template(tmp_path):
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "analyse.ipynb")
    assert list_templates(tmp_path) == []
    with pytest.raises(TemplateError, match="metadata\\['dkbm'\\] fehlt"):
        load_template(tmp_path / "analyse.ipynb")


def test_report_command_errors_clearly_without_templates(tmp_path, capsys):
    code = main(["report", "--templates-dir", str(tmp_path), "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Keine Berichtsvorlagen gefunden" in err and str(tmp_path) in err


def test_region_selection(tmp_path):
    import pandas as pd

    frame = pd.read_csv(DATA / "regions.csv", dtype=str)
    assert resolve_regions("kreise", frame) == ["17001", "17002", "17003"]
    assert resolve_regions("gemeinden", frame) == ["17001001", "17002000", "17003001"]
    assert resolve_regions("all", frame)[0] == "17" and len(resolve_regions("all", frame)) == 7
    listing = tmp_path / "regionen.txt"
    listing.write_text("# Auswahl\n17003\n17001  # Nord\n\n17003\n", encoding="utf-8")
    assert resolve_regions(str(listing), frame) == ["17003", "17001"]
    with pytest.raises(ParameterError):
        resolve_regions(" , ", frame)
    # a list of hundreds of codes is longer than any file name the OS accepts
    many = ",".join(f"17{i:03d}" for i in range(1, 300))
    assert resolve_regions(many, frame)[:2] == ["17001", "17002"]


def test_slugs_are_ascii_file_names():
    assert slugify("Zauberstadt-Unikat-4711, kreisfreie Stadt") == (
        "zauberstadt-unikat-4711-kreisfreie-stadt"
    )
    assert slugify("Südhausen an der Öde (Groß)") == "suedhausen-an-der-oede-gross"
