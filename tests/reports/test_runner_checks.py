"""Checks before any report starts and what the resume hash covers (issues #12, #14, #15).

Every refusal here must happen before a report process is forked: the tests
make ``children._Child`` (a started child) fail the test if it is reached. Templates are
variants of the fixture notebook ``ok`` written into the test's folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from toolkit.errors import ParameterError, TemplateError
from toolkit.reports import get_template, read_manifest, run_batch
from toolkit.reports.checks import supported
from toolkit.reports.requirements import Requirements, report_requirements

from .conftest import DATA, NOTEBOOKS

ROOT = Path(__file__).resolve().parents[2]
DEUTSCHLAND = ROOT / "data_samples" / "deutschland"


@pytest.fixture
def no_report(monkeypatch):
    from toolkit.reports import children

    monkeypatch.setattr(children, "_Child", lambda *a: pytest.fail("a report was started"))


def _variant(folder: Path, name: str, *, meta: dict | None = None, code: str = "") -> Path:
    """The fixture template ``ok`` as ``name``, with extra metadata and an extra code cell."""
    folder.mkdir(exist_ok=True)
    nb = nbformat.read(NOTEBOOKS / "ok.ipynb", as_version=4)
    nb.metadata["dkbm"].update({"name": name, **(meta or {})})
    if code:
        nb.cells.append(nbformat.v4.new_code_cell(code))
    nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


def _batch(name: str, out: Path, templates: Path | None = None, **kwargs):
    """One batch for 17001 (or ``regions``) in 2024 (or ``period``) of the fixture data."""
    kwargs.setdefault("regions", "17001")
    kwargs.setdefault("period", 2024)
    kwargs.setdefault("data_dir", DATA)
    kwargs.setdefault("internal", True)  # variants of ``ok`` read raw data: internal use
    return run_batch(name, out=out, templates_dir=templates, progress=False, **kwargs)


def _data(tmp_path: Path) -> Path:
    data = tmp_path / "daten"
    data.mkdir()
    shutil.copy(DATA / "regions.csv", data)
    shutil.copy(ROOT / "data_samples" / "musterland" / "berufe.csv", data)
    return data


def test_resume_hashes_only_what_the_template_reads(tmp_path):
    reads = {"requires": {"tables": ["regions"]}}
    templates = _variant(tmp_path / "v", "liest", meta=reads)
    data, out = _data(tmp_path), tmp_path / "out"

    def again():
        return _batch("liest", out, templates, data_dir=data, resume=True).entries

    first = _batch("liest", out, templates, data_dir=data)
    assert first.exit_code == 0 and first.entries[0].toolkit_version
    # a table the template does not read: nothing to redo
    with open(data / "berufe.csv", "a", encoding="utf-8") as handle:
        handle.write("XX99,Neuer Beruf,ih\n")
    assert again() == []
    # bericht.toml changes the layout of every report
    (data / "bericht.toml").write_text('herausgeber = "Stadt X"\n', encoding="utf-8")
    assert len(again()) == 1 and again() == []
    # a new template version
    _variant(templates, "liest", meta={**reads, "version": "1.1.0"})
    assert [e.template_version for e in again()] == ["1.1.0"]
    # a table it reads
    with open(data / "regions.csv", "a", encoding="utf-8") as handle:
        handle.write("17003002,Neudorf,gemeinde,17003,\n")
    assert len(again()) == 1


def test_minimum_count_zero_and_values_outside_the_schema_range_are_refused(tmp_path, no_report):
    with pytest.raises(ParameterError, match="min_count: 0 ist kleiner als das Minimum 1"):
        _batch(
            "fakten_check", tmp_path, regions="17051", data_dir=None, parameters={"min_count": 0}
        )
    templates = _variant(tmp_path / "v", "spanne")
    nb = nbformat.read(templates / "spanne.ipynb", as_version=4)
    nb.metadata["dkbm"]["parameters"]["scale"]["maximum"] = 10
    nbformat.write(nb, templates / "spanne.ipynb")
    with pytest.raises(ParameterError, match=r"scale: 11\.5 ist größer als das Maximum 10"):
        _batch("spanne", tmp_path, templates, parameters={"scale": 11.5})
    with pytest.raises(ParameterError, match="scale: nan ist keine Zahl"):  # passed before
        _batch("spanne", tmp_path, templates, parameters={"scale": float("nan")})
    # a template whose schema gives min_count no range: at least 1 all the same
    nb.metadata["dkbm"]["parameters"]["min_count"] = {"type": "int", "default": 3}
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source += "\nmin_count = 3"
    nbformat.write(nb, templates / "spanne.ipynb")
    with pytest.raises(ParameterError, match="min_count: 0 ist kleiner als das Minimum 1"):
        _batch("spanne", tmp_path, templates, parameters={"min_count": 0})


def test_template_without_any_computable_indicator_fails_first_naming_the_tables(
    tmp_path, no_report
):
    needs = {"requires": {"indicators": ["betreuungsquote_u3", "tagespflege_anteil_u3"]}}
    templates = _variant(tmp_path / "v", "kita", meta=needs)
    with pytest.raises(ParameterError, match="Keiner der Indikatoren") as info:
        _batch("kita", tmp_path / "o", templates)
    assert "betreuungsquote_u3: Tabelle 'kita', 'population' fehlt" in str(info.value)
    assert info.value.hint == "Fehlende Tabellen ergänzen: kita, population"
    assert not (tmp_path / "o" / "2024").exists()


def test_period_the_templates_tables_lack_is_refused_naming_their_years(tmp_path, no_report):
    # population has 2017-2019, the school leavers only 2023: 2019 is no year for Schule
    with pytest.raises(ParameterError, match="Keine Daten für 2019") as info:
        _batch(
            "fakten_check",
            tmp_path,
            regions="03251",
            period=2019,
            data_dir=DEUTSCHLAND,
            parameters={"topic": "schule"},
        )
    assert "Jahre: 2023" in (info.value.hint or "")


def test_internal_template_is_refused_for_publication_unless_asked_for(tmp_path):
    # the fixture ``ok`` reads the raw tables (load_dataset) without the blocks' opt-out:
    # a publication batch refuses it all the same (toolkit.blocks.template_problems)
    templates = _variant(tmp_path / "v", "intern")
    with pytest.raises(TemplateError, match="nur für den Dienstgebrauch") as info:
        _batch("intern", tmp_path / "o", templates, internal=False)
    assert "--intern" in (info.value.hint or "")
    result = _batch("intern", tmp_path / "o", templates, internal=True)
    assert result.exit_code == 0
    assert read_manifest(result.out_dir) and '"internal": true' in (
        result.out_dir / "manifest.json"
    ).read_text(encoding="utf-8")


def test_static_check_failure_stops_the_batch_before_it_starts(tmp_path, no_report):
    templates = _variant(tmp_path / "v", "kaputt", code="from toolkit.reports import gibtsnicht")
    with pytest.raises(TemplateError, match="Prüfung vor dem Start") as info:
        _batch("kaputt", tmp_path, templates)
    assert "gibtsnicht" in str(info.value)


def test_requirements_of_the_shipped_templates_and_what_real_data_support():
    from toolkit.io import read_dataset

    fakten = get_template("fakten_check")
    schule = report_requirements(fakten, {"topic": "schule"})
    assert schule.tables == ("regions", "school_leavers", "transitions")
    dataset = read_dataset(DEUTSCHLAND)
    assert supported(dataset, schule, 2023) == (True, "")
    ok, why = supported(dataset, report_requirements(fakten, {"topic": "fruehe_bildung"}), 2023)
    assert not ok and "'kita'" in why
    assert supported(dataset, Requirements(("regions", "survey_families"))) == (
        False,
        "Tabelle 'survey_families' fehlt",
    )


def test_report_command_renders_only_what_real_data_support_and_says_what_it_skips(
    tmp_path, monkeypatch, capsys
):
    from toolkit.cli import main
    from toolkit.reports import running

    calls = []

    def fake(template, **kwargs):
        calls.append((template.name, kwargs["parameters"], kwargs["period"]))
        return running.BatchResult(tmp_path, [])

    monkeypatch.setattr(running, "run_batch", fake)
    assert main(["report", "--data", str(DEUTSCHLAND), "--out", str(tmp_path)]) == 0
    # the school leavers are from 2023, the templates' default year is 2024
    assert calls == [("fakten_check", {"topic": "schule"}, 2023)]
    out = capsys.readouterr().out
    assert "Fakten-Check Frühe Bildung: Tabelle 'kita' fehlt" in out
    assert "Übergänge: Tabelle 'kita' fehlt" in out
    assert "Vertragslösungen in der dualen Ausbildung: Tabelle 'contracts_new'" in out


def test_a_fully_resumed_batch_still_reports_the_audit_of_its_reports(tmp_path, monkeypatch):
    from toolkit.reports import running

    monkeypatch.setattr(running, "plan_publication", lambda plan: "geschützter Satz")
    given = []  # the set the batch holds goes to the audit (not read again)
    monkeypatch.setattr(
        running, "audit_batch", lambda folder, dataset, pub: given.append(pub) or {"disclosed": 2}
    )
    first = _batch("ok", tmp_path, NOTEBOOKS)
    assert first.exit_code == 1  # the audit found disclosed cells
    again = _batch("ok", tmp_path, NOTEBOOKS, resume=True)
    assert again.entries == [] and again.skipped == ("17001",)
    assert again.exit_code == 1 and again.audit == {"disclosed": 2}
    assert '"disclosure_audit"' in (again.out_dir / "manifest.json").read_text(encoding="utf-8")
    assert given == ["geschützter Satz"] * 2


def test_the_warm_context_is_released_before_the_audit(tmp_path, monkeypatch):
    import gc

    from toolkit.reports import running
    from toolkit.reports.runtime import Warm

    def audit(folder, dataset, pub):  # what the audit runs beside: no warm context left
        alive.append(sum(isinstance(o, Warm) for o in gc.get_objects()))
        return {"disclosed": 0}

    alive: list[int] = []
    monkeypatch.setattr(running, "plan_publication", lambda plan: "geschützter Satz")
    monkeypatch.setattr(running, "audit_batch", audit)
    assert _batch("ok", tmp_path, NOTEBOOKS).exit_code == 0
    assert alive == [0]


def test_kreise_without_data_in_the_period_are_left_out_not_failed(tmp_path):
    # real sample: Eisenach (16056) was merged into the Wartburgkreis in 2021, no 2023 rows
    from toolkit.reports.planning import plan_batch
    from toolkit.reports.running import BatchResult

    def plan(regions: str):
        topic = {"topic": "schule"}
        return plan_batch(
            "fakten_check", regions=regions, period=2023, parameters=topic, data_dir=DEUTSCHLAND,
            out=tmp_path,
        )  # fmt: skip

    kreise = plan("kreise")
    planned = {t.region for t in kreise.tasks}
    assert "16056" not in planned and "16063" in planned and len(planned) == 400
    assert kreise.header["absent"] == ["16056 Eisenach, krsfr. Stadt"]
    summary = BatchResult(kreise.out_dir, [], absent=tuple(kreise.header["absent"])).summary()
    assert "Übersprungen, keine Daten im Berichtsjahr (Gebiet aufgelöst?): 16056" in summary
    # a Kreis asked for by its code is still planned (and fails with the reason)
    named = plan("16056")
    assert [t.region for t in named.tasks] == ["16056"] and named.header["absent"] == []


def test_publication_run_without_a_publisher_says_so_once(tmp_path, monkeypatch, capsys):
    from toolkit.cli import main
    from toolkit.reports import running

    monkeypatch.setattr(running, "run_batch", lambda *a, **k: running.BatchResult(tmp_path, []))
    monkeypatch.setenv("DKBM_BERICHT", "")  # restored afterwards (--bericht below sets it)
    args = ["batch", "fakten_check", "--regions", "17001", "--period", "2024", "--data", str(DATA)]
    assert main([*args, "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().err.count("Hinweis: kein Herausgeber eingetragen") == 1
    assert main([*args, "--out", str(tmp_path), "--intern"]) == 0  # internal use: no hint
    bericht = tmp_path / "bericht.toml"
    bericht.write_text('herausgeber = "Landkreis Beispiel"\n', encoding="utf-8")
    assert main([*args, "--out", str(tmp_path), "--bericht", str(bericht)]) == 0
    assert "Herausgeber" not in capsys.readouterr().err
