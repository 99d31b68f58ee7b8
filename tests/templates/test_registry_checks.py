"""Static checks of a template (issue #18.3): unknown toolkit names, requirements, data."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from toolkit.cli import main
from toolkit.errors import Problem
from toolkit.reports.registry import get_template, load_template
from toolkit.reports.template_checks import (
    check_data,
    check_template_static,
    code_problems,
    uses_internal_data,
)

HERE = Path(__file__).parent
OK = HERE.parent / "reports" / "notebooks" / "ok.ipynb"
OK_DATA = HERE.parent / "reports" / "data"


def _notebook(path: Path, *cells: str, requires: dict | None = None) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("region = '17001'", metadata={"tags": ["parameters"]}),
        *(nbformat.v4.new_code_cell(c) for c in cells),
    ]
    meta = {"name": path.stem, "title": "T", "version": "1.0.0"}
    meta["parameters"] = {"region": {"type": "str", "default": "17001"}}
    if requires is not None:
        meta["requires"] = requires
    nb.metadata["dkbm"] = meta
    nbformat.write(nb, path)
    return load_template(path)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "from toolkit.reports.content import fakten_chek",
            "toolkit.reports.content hat keinen Namen 'fakten_chek' (meinten Sie 'fakten_check'?)",
        ),
        ("import toolkit.reprts", "toolkit hat keinen Namen 'reprts' (meinten Sie 'reports'?)"),
        ("from toolkit.gibtsnicht import x", "toolkit hat keinen Namen 'gibtsnicht'"),
        (
            "import toolkit.reports.content as c\n\nc.fakten_check\nc.uebergaenge_x(1)",
            "Zeile 4: toolkit.reports.content hat keinen Namen 'uebergaenge_x'",
        ),
        ("import toolkit\ntoolkit.indicators.katalog()", "Zeile 2: toolkit.indicators hat keinen"),
        ("x = (", "Zeile 1: kein gültiges Python"),
    ],
)
def test_unknown_toolkit_names_are_found_without_running(code, message):
    found = [p.message for p in code_problems(code)]
    assert len(found) == 1 and found[0].startswith(message), found


def test_existing_names_and_other_libraries_pass():
    code = (
        "import pandas as pd\nfrom toolkit.reports.content import fakten_check as fc\n"
        "from toolkit import indicators\nindicators.catalog()\nfc.__doc__\n"
        "from toolkit.reports import content\ncontent.fakten_check(1).header.anything\n"
    )
    assert code_problems(code) == []


def test_template_check_names_cell_and_line_and_reads_magics(tmp_path):
    template = _notebook(
        tmp_path / "t.ipynb",
        "%matplotlib inline\nfrom toolkit.reports import content",
        "x = 1\ncontent.fakten_chek(x)",
        requires={"tables": ["kitas"], "indicators": ["betreuungsquote_u33"]},
    )
    found = [p.message for p in check_template_static(template, publication=False)]
    assert found == [
        "Zelle 3, Zeile 2: toolkit.reports.content hat keinen Namen 'fakten_chek' "
        "(meinten Sie 'fakten_check'?)",
        "requires: Tabelle 'kitas' gibt es nicht (meinten Sie 'kita'?)",
        "requires: Indikator 'betreuungsquote_u33' gibt es nicht (meinten Sie 'betreuungsquote_u3'?)",
    ]


@pytest.mark.parametrize("name", ["fakten_check", "uebergaenge", "vertragsloesungen"])
def test_shipped_templates_pass_the_static_check(name):
    assert check_template_static(get_template(name)) == []


def test_internal_opt_out_is_refused_for_publication_only(tmp_path, monkeypatch):
    template = _notebook(tmp_path / "intern.ipynb", "ctx = internal_context(data, '17001', 2024)")
    fake = types.ModuleType("toolkit.blocks")  # the detector is the blocks module's (its own tests)
    fake.uses_internal_data = lambda path: (
        "internal_context" in Path(path).read_text(encoding="utf-8")
    )
    fake.template_problems = lambda path: []
    monkeypatch.setitem(sys.modules, "toolkit.blocks", fake)
    assert uses_internal_data(template)
    assert not uses_internal_data(get_template("uebergaenge"))
    fake.template_problems = lambda path: [Problem("'tables' Rohtabellen")]
    found = check_template_static(template, publication=True)
    assert [(p.message, p.column) for p in found] == [
        ("'tables' Rohtabellen", "internal"),
        ("Vorlage nutzt ungeschützte Daten (nur für den Dienstgebrauch)", "internal"),
    ]
    code = main(["templates", "validate", str(template.path), "--no-run", "--data", str(OK_DATA)])
    assert code == 1
    assert (
        main(
            [
                "templates",
                "validate",
                str(template.path),
                "--no-run",
                "--intern",
                "--data",
                str(OK_DATA),
            ]
        )
        == 0
    )
    assert not any(
        "ungeschützte" in p.message for p in check_template_static(template, publication=False)
    )


def test_data_check_names_missing_tables_and_indicators(tmp_path):
    template = _notebook(
        tmp_path / "t.ipynb",
        "pass",
        requires={"tables": ["regions", "kita"], "indicators": ["betreuungsquote_u3"]},
    )
    regions = pd.DataFrame({"region_code": ["17001"], "region_name": ["A"], "level": ["kreis"]})
    dataset = types.SimpleNamespace(tables={"regions": regions}, meta={})
    assert [p.message for p in check_data(template, dataset)] == [
        "Tabelle 'kita' fehlt im Datenverzeichnis",
        # population is not in requires: the indicator's own reason says so
        "Indikator betreuungsquote_u3: Tabelle 'kita', 'population' fehlt",
    ]
    kita = pd.DataFrame(
        {
            "region_code": ["17001"],
            "year": [2024],
            "age_group": ["u3"],
            "care_type": ["kita"],
            "children": [3],
        }
    )
    dataset.tables["kita"] = kita
    found = [p.message for p in check_data(template, dataset)]
    assert found == [
        "Indikator betreuungsquote_u3: Tabelle 'population' fehlt"
    ]  # requires incomplete


def test_validate_command_runs_the_template_once(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DKBM_USER_TEMPLATES_DIR", str(tmp_path / "user"))
    # the fixture reads raw data (load_dataset): an internal template
    assert main(["templates", "validate", str(OK), "--data", str(OK_DATA), "--intern"]) == 0
    out = capsys.readouterr().out
    assert "ok    Probelauf 17001 2024" in out and "Warnung: keine Versionsnummer" in out
    bad = _notebook(tmp_path / "bad.ipynb", "from toolkit.reports.content import fakten_chek")
    assert main(["templates", "validate", str(bad.path), "--data", str(OK_DATA), "--intern"]) == 1
    out = capsys.readouterr().out
    assert "fakten_chek" in out and "Probelauf" not in out and "Fehler gefunden" in out


def test_validate_lists_the_schema_problems_of_a_broken_template(tmp_path, capsys):
    path = tmp_path / "kaputt.ipynb"
    _notebook(path, "pass")
    nb = nbformat.read(path, as_version=4)
    nb.metadata["dkbm"]["parameters"]["region"]["alowed"] = ["17001"]
    nbformat.write(nb, path)
    assert main(["templates", "validate", str(path), "--no-run"]) == 1
    out = capsys.readouterr().out
    assert (
        "Parameterschema der Vorlage ist fehlerhaft" in out
        and "'alowed' (meinten Sie 'allowed'?)" in out
    )
