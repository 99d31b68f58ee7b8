"""Publishable reports (#17): print layout, PDF (A4, page numbers, footer), figure numbers,
Impressum, renamed Vertragslösungen template with its alias, Fakten-Check topics in names.

Reuses the session's rendered reports (conftest); only the PDF is printed here, from the
already rendered HTML. PDF checks read the file with poppler's pdfinfo/pdftotext.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from toolkit import __version__
from toolkit.reports.planning import plan_batch
from toolkit.reports.registry import get_template

from .expected import page_text

A4 = (595.0, 842.0)  # points, ISO 216


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} fehlt (Debian: apt-get install chromium poppler-utils)")
    return path


@pytest.fixture(scope="module")
def pdf(pdfs) -> Path:
    return pdfs.of("fakten_check", "17051")  # printed once per session (conftest)


def _pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run([_tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True)
    return dict(
        (k.strip(), v.strip()) for k, _, v in (ln.partition(":") for ln in out.stdout.splitlines())
    )


def _pages(path: Path, *, layout: bool = True) -> list[str]:
    """Text of each page; ``layout=False`` keeps the reading order of columns."""
    mode = ["-layout"] if layout else []
    out = subprocess.run(
        [_tool("pdftotext"), *mode, str(path), "-"], capture_output=True, text=True, check=True
    )
    return out.stdout.split("\f")[:-1]


def test_pdf_is_a4_tagged_with_footer_and_page_x_of_y(pdf):
    info = _pdfinfo(pdf)
    width, height = map(float, re.findall(r"[\d.]+", info["Page size"])[:2])
    assert abs(width - A4[0]) < 1.5 and abs(height - A4[1]) < 1.5, info["Page size"]
    assert info["Tagged"] == "yes"
    n = int(info["Pages"])
    assert 2 <= n <= 4, n  # a Fakten-Check keeps its promise of 2-4 pages
    pages = _pages(pdf)
    assert len(pages) == n
    for i, text in enumerate(pages, start=1):
        lines = [ln for ln in text.splitlines() if ln.strip()]
        footer = lines[-1]
        assert f"Seite {i} von {n}" in footer, footer
        # the Datenstand is given per table (Kita 1 March, population 31 Dec of the year
        # before) in the report head; the footer points there instead of one latest date
        assert "Datenstand: je Tabelle, siehe Berichtskopf" in footer
        assert "Bildungsmonitoring" in footer
    head = re.sub(r"\s+", " ", pages[0])
    assert (
        "Datenstand: 31. Dezember 2023 (Bevölkerung); 1. März 2024 (Kindertagesbetreuung)" in head
    )
    text = "\n".join(pages)
    assert "Abbildung 1: Betreuungsquote unter 3 Jahren – Beispielkreis" in text
    assert "Impressum" in pages[-1] and f"Erstellt mit dkbm-toolkit {__version__}" in pages[-1]
    # the definitions appendix is not cut: every term appears whole
    assert "Anteil Kindertagespflege unter 3 Jahren" in text


def test_html_figures_numbered_with_region_and_source(fakten_check):
    raw = fakten_check["17051"].read_text(encoding="utf-8")
    figures = re.findall(r'<figure class="dkbm-chart".*?</figure>', raw, flags=re.S)
    assert len(figures) >= 2
    for n, fig in enumerate(figures, start=1):
        title = re.search(r'<p class="dkbm-figtitle">(.*?)</p>', fig).group(1)
        assert f"Abbildung {n}:" in title and "Beispielkreis" in title, title
        assert '<p class="dkbm-source">Quelle: ' in fig
        alt = re.search(r'alt="([^"]*)"', fig).group(1)
        if "Liniendiagramm" in alt:  # every line drawn is described, briefly
            assert len(alt) <= 250 and "Musterland" in alt and "Deutschland" in alt, alt
    assert "size: A4" in raw and "counter(pages)" in raw
    assert '<dl class="dkbm-definitions">' in raw and "grid-template-columns" in raw
    text = page_text(fakten_check["17051"])
    assert "Impressum" in text and "Datenlizenz Deutschland" in text


def test_vertragsloesungen_renamed_alias_runs_and_caveat(abbrueche):
    # the shared fixture runs the batch under the former name "ausbildungsabbrueche" (an alias
    # of vertragsloesungen, so that existing batch scripts keep running)
    path = abbrueche["17051"]
    assert path.parent.name == "vertragsloesungen"
    text = page_text(path)
    assert "Vertragslösungen in der dualen Ausbildung: Beispielkreis, 2024" in text
    assert "Ausbildungsabbrüche:" not in text
    assert "Vertragslösung ist nicht gleich Ausbildungsabbruch" in text
    assert "in einem anderen Betrieb oder einem anderen Beruf fort" in text
    assert get_template("ausbildungsabbrueche").name == "vertragsloesungen"


@pytest.mark.parametrize(
    ("topic", "label"), [("schule", "Schule"), ("befragung", "Familienbefragung")]
)
def test_fakten_check_topic_in_folder_file_name_and_title(tmp_path, topic, label):
    plan = plan_batch(
        "fakten_check", regions=["17051"], period=2024, parameters={"topic": topic}, out=tmp_path
    )
    assert plan.out_dir.name == f"fakten_check_{topic}"
    (task,) = plan.tasks
    assert task.stem == f"17051_beispielkreis_{topic}"
    assert task.title == f"Fakten-Check {label}: Beispielkreis 2024"


def test_dkbm_report_renders_every_topic():
    from toolkit.reports._cli import _variants

    topics = [v["topic"] for v in _variants(get_template("fakten_check"))]
    assert sorted(topics) == ["ausbildung", "befragung", "fruehe_bildung", "schule"]
    assert _variants(get_template("uebergaenge")) == [{}]


def test_survey_figures_name_the_survey_as_source(befragung):
    raw = befragung["17001"].read_text(encoding="utf-8")
    figures = re.findall(r'<figure class="dkbm-chart".*?</figure>', raw, flags=re.S)
    survey = [f for f in figures if "Punktdiagramm" in f]
    assert survey
    for fig in survey:
        assert "Quelle: Befragung (gewichtete Schätzung); eigene Berechnungen</p>" in fig
        assert "Statistische Ämter" not in fig


def test_definitions_appendix_whole_in_pdf(uebergaenge, pdfs):
    """The appendix terms are never cut off (once: "Übergangsbereic") in print."""
    pdf = pdfs.of("uebergaenge", "17051")
    raw = uebergaenge["17051"].read_text(encoding="utf-8")
    terms = re.findall(r"<dt>([^<]*)</dt>", raw.split('<dl class="dkbm-definitions">')[1])
    # the appendix is printed in two columns: read in reading order, not side by side
    text = re.sub(r"\s+", " ", " ".join(_pages(pdf, layout=False)))
    assert "iABE-Anteil Sektor II: Übergangsbereich" in terms
    for term in terms:
        if term in ("Herausgeber", "Veröffentlicht"):
            break  # the Impressum follows
        assert term in text, term
    assert _pdfinfo(pdf)["Page size"].endswith("(A4)")


def test_befragung_pdf_fits_and_states_the_survey(pdfs, befragung):
    """The survey Fakten-Check keeps its 2-4 pages and says how the survey was made (#17)."""
    pdf = pdfs.of("befragung", "17001")
    # its definitions are a term/definition list (once scrambled on screen), whole in print
    raw = befragung["17001"].read_text(encoding="utf-8")
    block = raw.split('<dl class="dkbm-definitions">', 1)[1].split("</dl>", 1)[0]
    pairs = re.findall(r"<dt>([^<]*)</dt>\s*<dd>", block)
    assert "Zufriedenheit mit der Kita (1 bis 5)" in pairs and len(pairs) >= 4, block[:300]
    reading = re.sub(r"\s+", " ", " ".join(_pages(pdf, layout=False)))
    assert all(term in reading for term in pairs), pairs
    n = int(_pdfinfo(pdf)["Pages"])
    assert 2 <= n <= 4, n
    text = re.sub(r"\s+", " ", " ".join(_pages(pdf)))
    assert "Feldzeit: 2. September 2024 bis 25. Oktober 2024" in text
    assert "Rücklaufquote beträgt" in text and "Gezogen wurden" in text
    assert "insgesamt" in text  # the reference line and row
    # no claims from overlapping intervals (the old, wrong rule)
    assert "Überschneiden sich die Konfidenzintervalle" not in text
    assert "nicht eindeutig" not in text
    assert "Spalte" not in text and "bedarf_ganztag" not in text  # no code leftovers


def test_pdf_text_has_rule_based_messages_signs_and_case_numbers(pdf):
    """pdftotext of the Fakten-Check: ≤ 3 key messages, U+2212, case numbers, symbol legend."""
    pages = _pages(pdf)
    text = re.sub(r"\s+", " ", " ".join(pages))
    summary = text.split("Das Wichtigste in Kürze", 1)[1].split("Kennzahlen", 1)[0]
    sentences = re.split(r"(?<=[.)%])\.?\s+(?=(?:Die|Der|Das) )", summary.strip())
    assert 1 <= len(sentences) <= 3, sentences
    assert "Prozentpunkte unter dem" in summary or "Prozentpunkte über dem" in summary
    assert "Fallzahlen" in text  # the column header (wrapped in print)
    assert re.search(r"\b\d{1,3}(?:\.\d{3})* / \d{1,3}(?:\.\d{3})*\b", text)  # "229 / 1.353"
    # the minus sign, not a hyphen (the table cell may wrap before "Prozentpunkte")
    assert "\u22121,8" in text and "-1,8" not in text
    assert "„–“ genau null" in text and "„x“ Tabellenfach gesperrt" in text
    assert "Auswahl der Aussagen" in text and "year =" not in text


def test_terminology_sweep_over_every_rendered_report(
    fakten_check, uebergaenge, abbrueche, befragung
):
    """One term per concept, no code leftovers, minus signs, gender-fair forms (#17)."""
    paths = [
        p
        for fixture in (fakten_check, uebergaenge, abbrueche, befragung)
        for p in fixture.values()
        if isinstance(p, Path)
    ]
    assert len(paths) == 7
    for path in paths:
        text = page_text(path)
        assert "(Hauptschulabschluss)" not in text and "ohne Hauptschulabschluss" not in text
        assert "Studienberechtigung" not in text
        assert "year =" not in text and "Spalte " not in text and "__gesamt__" not in text
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", text.split("Impressum")[0]), path.name
        assert not re.search(r"(?<![\w\-–/.])-\d", text), path.name  # "−1,8", never "-1,8"
        assert not re.search(r"(?<!innen und )\b(Anfänger|Absolventen|Schüler)\b", text), path.name
        assert "x nicht ausgewiesen" not in text and ". nicht ausgewiesen" not in text
        assert "))" not in text, path.name  # no nested brackets ("(Ausbildungsgeschehen (iABE))")
        # a Vertragslösung is never called an Abbruch (only the caveat names the difference)
        caveat = re.compile(r"Vertragslösung ist nicht gleich Ausbildungsabbruch.*?Kürze", re.S)
        rest = caveat.sub(" ", text).lower()
        assert "abbruch" not in rest and "abbrüche" not in rest, path.name


def test_dkbm_report_leaves_out_regions_without_survey_and_exits_0(tmp_path, monkeypatch, capsys):
    """`dkbm report` renders what the data support: no survey report where there is no survey."""
    from toolkit.cli import main
    from toolkit.reports import running
    from toolkit.reports.tasks import ManifestEntry

    def fake(template, **kwargs):
        entries = [ManifestEntry("17001", "Musterstadt", "ok")]
        if kwargs["parameters"].get("topic") == "befragung":
            entries.append(
                ManifestEntry(
                    "17051", "Beispielkreis", "failed", error="NoSurveyDataError: Für Beispielkreis"
                )
            )
        return running.BatchResult(tmp_path, entries)

    monkeypatch.setattr(running, "run_batch", fake)
    assert main(["report", "--out", str(tmp_path)]) == 0
    assert "Ohne Befragungsdaten, kein Bericht: 17051" in capsys.readouterr().out

    def broken(template, **kwargs):  # any other failure still fails the run
        return running.BatchResult(tmp_path, [ManifestEntry("17051", "B", "failed", error="X")])

    monkeypatch.setattr(running, "run_batch", broken)
    assert main(["report", "--out", str(tmp_path)]) == 1


def test_rendered_fakten_checks_carry_their_topic_in_folder_file_and_title(
    fakten_check, topics, befragung
):
    """Every topic's rendered report: own folder, topic in the file name and in the title,
    so topics never overwrite each other in one output folder (#17)."""
    from .expected import page_text

    rendered = {
        "fruehe_bildung": (fakten_check["17051"], "Frühe Bildung", "Beispielkreis"),
        "schule": (topics["schule"]["17051"], "Schule", "Beispielkreis"),
        "ausbildung": (topics["ausbildung"]["17001"], "Ausbildung", "Musterstadt"),
        "befragung": (befragung["17001"], "Familienbefragung", "Musterstadt"),
    }
    for topic, (path, label, region) in rendered.items():
        assert path.parent.name == f"fakten_check_{topic}"
        assert path.stem.endswith(f"_{topic}"), path.name
        assert f"Fakten-Check {label}: {region}" in page_text(path)
    assert len({p.parent for p, _, _ in rendered.values()}) == 4
