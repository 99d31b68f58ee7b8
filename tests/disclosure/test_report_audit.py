"""The audit reads rendered reports: numbers in tables, sentences and alt texts.

A Kreis (17001) with three Gemeinden: 2 + 12 + 16 = 30 entrants (by hand). The
protection hides the 2 and one partner; a report that prints only what the
protected set shows passes, a report that prints the hidden 2, or its share of
the Kreis (2 / 30 = 6,7 %), fails.
"""

import json

import numpy as np
import pandas as pd
import pytest

from toolkit.disclosure import audit_publication, audit_summary, disclosed, protect_publication
from toolkit.disclosure.report_audit import STAMP_FILE, stamp_reports
from toolkit.disclosure.reports import read_report_numbers
from toolkit.reports.publishing import audit_batch, audit_note

CODES = ["17001", "17001001", "17001002", "17001003"]
NAMES = ["Beispielkreis", "Adorf", "Bedorf", "Cedorf"]
COUNTS = [30.0, 2.0, 12.0, 16.0]


@pytest.fixture()
def truth():
    f = pd.DataFrame({"region_code": CODES, "region_name": NAMES, "value": COUNTS})
    return f.assign(
        level=["kreis", "gemeinde", "gemeinde", "gemeinde"],
        period=2024,
        indicator="uebergaenge_jg5",
        dimension="",
        category="",
        numerator=COUNTS,
        denominator=np.nan,
        unit="Anzahl",
        flag="",
    )


def _batch(tmp_path, truth, body: str):
    """A batch folder: the protected set in publication/, one rendered Kreis report."""
    pub = protect_publication(truth, out_dir=tmp_path / "publication")
    folder = tmp_path / "2024" / "uebergaenge"
    folder.mkdir(parents=True)
    (folder / "17001.html").write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    entry = {
        "region": "17001",
        "status": "ok",
        "outputs": ["17001.html"],
        "parameters": {"period": 2024},
    }
    (folder / "manifest.json").write_text(json.dumps({"period": 2024, "reports": [entry]}))
    stamp_reports(folder, ["17001"], pub.meta["input_hash"])  # as dkbm batch does before rendering
    return pub


def _table(cells: list[str]) -> str:
    rows = "".join(f"<tr><td>{n}</td><td>{c}</td></tr>" for n, c in zip(NAMES, cells, strict=True))
    return (
        "<table><caption>Eintritte in Jahrgangsstufe 5, 2024</caption><thead><tr><th>Region</th>"
        f"<th>Anzahl</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _shown(pub) -> list[str]:
    return [("." if np.isnan(v) else f"{v:.0f}") for v in pub.frame["value"]]


def test_a_report_printing_only_the_protected_set_passes(tmp_path, truth):
    pub = _batch(tmp_path, truth, "")
    shown = _shown(pub)
    assert shown[1] == "."  # the 2 is hidden, and one partner with it
    (tmp_path / "2024" / "uebergaenge" / "17001.html").write_text(_table(shown))
    result = audit_publication(tmp_path / "publication", truth, reports=tmp_path)
    assert disclosed(result).empty
    findings = result.attrs["reports"]
    assert set(findings["status"]) == {"erklärt"}
    assert len(findings) == len(shown) - shown.count(".")  # every printed count was read


def test_a_hidden_count_in_an_alt_text_is_disclosed(tmp_path, truth):
    pub = _batch(tmp_path, truth, "")
    body = _table(_shown(pub)) + '<img alt="Balkendiagramm Eintritte: Adorf 2, Bedorf 12.">'
    # a number nothing explains, printed before: the manifest lists the revealing one first
    body = "<p>Es gab 999 Anmeldungen.</p>" + body
    (tmp_path / "2024" / "uebergaenge" / "17001.html").write_text(body)
    result = audit_publication(tmp_path / "publication", truth, reports=tmp_path)
    bad = disclosed(result)
    assert bad["region"].tolist() == ["17001001"]
    summary = audit_summary(result)
    assert not summary["ok"] and summary["reports"]["verrät"] >= 1
    assert summary["reports"]["unerklärt"] >= 1
    assert summary["reports"]["examples"][0]["status"] == "verrät"


def test_the_share_of_a_hidden_part_in_a_sentence_is_disclosed(tmp_path, truth):
    pub = _batch(tmp_path, truth, "")
    # 2 / 30 = 6,67 %: with the shown 30, the band 6,65-6,75 % leaves only 2
    body = _table(_shown(pub)) + "<p>Adorf stellt 6,7&nbsp;% der Eintritte des Kreises.</p>"
    (tmp_path / "2024" / "uebergaenge" / "17001.html").write_text(body)
    result = audit_publication(tmp_path / "publication", truth, reports=tmp_path)
    assert disclosed(result)["region"].tolist() == ["17001001"]


@pytest.mark.parametrize("stamp", ["another set", None])
def test_reports_of_an_older_set_are_named_not_judged(tmp_path, truth, stamp):
    """A report left from a batch under older rules (or before stamping) printed the 2.

    Before, the audit read it with the current set and failed without saying why;
    now it judges only the reports made from the current set and names the others.
    """
    pub = _batch(tmp_path, truth, "")
    folder = tmp_path / "2024" / "uebergaenge"
    old = tmp_path / "2023" / "uebergaenge"
    old.mkdir(parents=True)
    (old / "17001.html").write_text(_table(["30", "2", "12", "16"]))
    entry = {"region": "17001", "status": "ok", "outputs": ["17001.html"]}
    (old / "manifest.json").write_text(json.dumps({"period": 2024, "reports": [entry]}))
    if stamp is not None:
        stamp_reports(old, ["17001"], stamp)
    (folder / "17001.html").write_text(_table(_shown(pub)))
    result = audit_publication(tmp_path / "publication", truth, reports=tmp_path)
    assert disclosed(result).empty
    assert result.attrs["reports"].attrs["stale"] == [str(old / "17001.html")]
    assert set(result.attrs["reports"]["file"]) == {str(folder / "17001.html")}
    # the batch's audit says which folder and what to do, in German
    audit = audit_batch(tmp_path / "publication", truth)
    assert audit["ok"] and audit["reports"]["stale"]["files"] == 1
    note = audit_note(audit)
    assert str(old) in note and "löschen" in note and "neu erstellen" in note
    assert json.loads((folder / STAMP_FILE).read_text()) == {"17001": pub.meta["input_hash"]}


def test_a_hidden_partner_equal_to_a_shown_value_is_matched_by_its_row(tmp_path, truth):
    """34 = 2 + 16 + 16: the 2 is hidden with the partner Bedorf 16; Cedorf's 16 is shown.

    A table printing 16 in Bedorf's row gives Bedorf away, hence Adorf = 34 - 16 - 16 = 2.
    Matched by value only, the 16 passed as Cedorf's shown 16; now the row decides.
    """
    counts = [34.0, 2.0, 16.0, 16.0]
    truth = truth.assign(value=counts, numerator=counts)
    pub = _batch(tmp_path, truth, "")
    shown = _shown(pub)
    assert shown == ["34", ".", ".", "16"]
    leak = _table([shown[0], ".", "16", "16"])  # Bedorf's hidden 16 printed in its row
    (tmp_path / "2024" / "uebergaenge" / "17001.html").write_text(leak)
    result = audit_publication(tmp_path / "publication", truth, reports=tmp_path)
    assert sorted(disclosed(result)["region"]) == ["17001001"]
    findings = result.attrs["reports"]
    assert (findings["status"] == "verrät").sum() == 1
    # the same numbers in the right rows pass
    (tmp_path / "2024" / "uebergaenge" / "17001.html").write_text(_table(shown))
    assert disclosed(audit_publication(tmp_path / "publication", truth, reports=tmp_path)).empty


def test_a_report_made_only_as_pdf_is_read_with_pdftotext(tmp_path, truth):
    """--format pdf keeps no HTML: the audit reads the PDF's text instead (before: nothing)."""
    import shutil

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext fehlt (Debian: apt-get install poppler-utils)")
    pub = _batch(tmp_path, truth, "")
    folder = tmp_path / "2024" / "uebergaenge"
    (folder / "17001.html").unlink()
    fig = Figure(figsize=(6, 3))
    lines = ["Eintritte in Jahrgangsstufe 5, 2024", "Beispielkreis 30", "Adorf 2", "Cedorf 16"]
    for i, line in enumerate(lines):
        fig.text(0.1, 0.9 - 0.15 * i, line)
    fig.savefig(folder / "17001.pdf")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["reports"][0]["outputs"] = ["17001.pdf"]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    result = audit_publication(tmp_path / "publication", truth, reports=tmp_path)
    assert disclosed(result)["region"].tolist() == ["17001001"]
    assert set(result.attrs["reports"]["file"]) == {str(folder / "17001.pdf")}
    assert pub.meta["cells_suppressed"] == 2


def test_numbers_nothing_explains_are_listed_not_failed(tmp_path, truth):
    pub = _batch(tmp_path, truth, "")
    body = _table(_shown(pub)) + "<li>Im Kreis gibt es 99 Schulen.</li>"
    (tmp_path / "2024" / "uebergaenge" / "17001.html").write_text(body)
    result = audit_publication(tmp_path / "publication", truth, reports=tmp_path)
    assert disclosed(result).empty
    summary = audit_summary(result)
    assert summary["ok"] and summary["reports"]["unerklärt"] == 1
    assert summary["reports"]["examples"][0]["value"] == 99.0


def test_years_codes_figure_numbers_and_name_numbers_are_no_figures():
    page = (
        "<h2>Abbildung 3: Beispielkreis (17001), 2024</h2><p>Datenstand: 13. März 2025</p>"
        "<li>Betreuungsquote 3 bis unter 6 Jahre: 2 Werte nicht ausgewiesen; 14 Gemeinden.</li>"
        "<p>Nenner: Ende des Schuljahres t\u22121/t (2023/24), § 16 BStatG</p>"
        '<img alt="Balkendiagramm „Anteil nach Geschlecht“ mit 2 Balken; höchstens 3 Aussagen.">'
        "<p>Größte Gruppe je Stufe: Gymnasium; 2 Anteile nicht ausgewiesen.</p>"
    )
    assert read_report_numbers(page).empty


def test_method_notes_and_per_cent_figures_are_not_counts(tmp_path, truth):
    # the hidden count is 2: "ab 2 Prozentpunkten" (a rule) and "2 %" (a rate) do not print it
    pub = _batch(tmp_path, truth, "")
    notes = (
        "<li>Auswahl: der größte Abstand (ab 2 Prozentpunkten), mindestens 2 Jahre.</li>"
        "<li>Im Kreis wechseln 2 % der Kinder die Schule.</li>"
    )
    (tmp_path / "2024" / "uebergaenge" / "17001.html").write_text(_table(_shown(pub)) + notes)
    result = audit_publication(tmp_path / "publication", truth, reports=tmp_path)
    findings = result.attrs["reports"]
    assert "verrät" not in set(findings["status"]) and disclosed(result).empty
    assert findings["value"].tolist().count(2.0) == 1  # only the per-cent figure is read


def test_a_table_cell_without_a_year_stands_for_the_report_year(tmp_path, truth):
    """A region's row in a 2024 table is compared with that region's 2024 values only.

    2023: 30 = 2 + 12 + 16 (the 2 and a partner hidden); 2024: 40 = 10 + 14 + 16 (all
    shown). A 2024 survey table printing "2" answers in Adorf's row is no official
    figure; matched against every earlier year it passed as Adorf's hidden 2023 count
    (the Befragung report of Musterstadt failed the audit so), now it stays unexplained:
    a table cell is linked only to the report's year (unless a header names another)
    and to the indicator the table names.
    """
    older = truth.assign(period=2023)
    newer = truth.assign(value=[40.0, 10.0, 14.0, 16.0], numerator=[40.0, 10.0, 14.0, 16.0])
    both = pd.concat([older, newer], ignore_index=True)
    pub = _batch(tmp_path, both, "")
    assert pub.frame.loc[pub.frame["period"] == 2023, "value"].isna().sum() == 2
    survey = (
        "<table><caption>Befragung 2024: Antworten nach Gemeinde</caption><thead><tr>"
        "<th>Gemeinde</th><th>Antworten</th></tr></thead><tbody>"
        "<tr><td>Adorf</td><td>2</td></tr><tr><td>Cedorf</td><td>5</td></tr></tbody></table>"
    )
    (tmp_path / "2024" / "uebergaenge" / "17001.html").write_text(survey)
    result = audit_publication(tmp_path / "publication", both, reports=tmp_path)
    assert disclosed(result).empty
    findings = result.attrs["reports"].set_index("value")
    assert findings.loc[2.0, "status"] == "unerklärt"
    # in a table of the indicator with a column headed 2023, the same 2 is Adorf's hidden count
    leak = survey.replace("<th>Antworten</th>", "<th>2023</th>").replace(
        "Befragung 2024: Antworten nach Gemeinde", "Eintritte in Jahrgangsstufe 5"
    )
    (tmp_path / "2024" / "uebergaenge" / "17001.html").write_text(leak)
    assert disclosed(audit_publication(tmp_path / "publication", both, reports=tmp_path))[
        "region"
    ].tolist() == ["17001001"]


def _sex_truth(truth):
    """Totals 50 = 20 + 14 + 16; by sex 19 = 10 + 7 + 2 boys, 31 = 10 + 7 + 14 girls."""
    totals = truth.assign(value=[50.0, 20.0, 14.0, 16.0], numerator=[50.0, 20.0, 14.0, 16.0])
    boys = totals.assign(dimension="sex", category="m")
    girls = totals.assign(dimension="sex", category="w")
    boys[["value", "numerator"]] = np.c_[[19.0, 10.0, 7.0, 2.0], [19.0, 10.0, 7.0, 2.0]]
    girls[["value", "numerator"]] = np.c_[[31.0, 10.0, 7.0, 14.0], [31.0, 10.0, 7.0, 14.0]]
    return pd.concat([totals, boys, girls], ignore_index=True)


def _map_table(classes: list[str]) -> str:
    rows = "".join(
        f"<tr><td>{n}</td><td>{v}</td><td>{c}</td></tr>"
        for n, v, c in zip(NAMES[1:], ["20", "14", "16"], classes, strict=True)
    )
    return (
        "<table><caption>Eintritte in Jahrgangsstufe 5, 2024</caption><thead><tr><th>Region</th>"
        f"<th>Wert</th><th>Klasse</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def test_a_map_class_bound_is_no_figure_of_its_row(tmp_path, truth):
    """The Übergänge report of Kreis 17057 (2024) failed the audit so (session 7).

    Its map table gave Oberbiberhorst the class "über 42,9 bis 52,2"; the audit
    took 42,9 for a hidden rate of Oberbiberhorst that happened to be 42,9 % too,
    and narrowed a count of another Gemeinde from it. A map classifies only the
    shown values (a hidden one is NaN in the protected set and has no class), so
    its bounds are no figures: quantile bounds are interpolated and may equal any
    hidden value by chance. Here Cedorf's class "über 14 bis 20" and "2 bis 16"
    equal Cedorf's hidden 14 girls and 2 boys (16 = 2 + 14, by hand).
    """
    both = _sex_truth(truth)
    pub = _batch(tmp_path, both, "")
    frame = pub.frame
    cedorf = frame[frame["region_code"] == "17001003"].set_index("category")["value"]
    assert np.isnan(cedorf["m"]) and np.isnan(cedorf["w"]) and cedorf[""] == 16
    page = tmp_path / "2024" / "uebergaenge" / "17001.html"
    page.write_text(_map_table(["über 16 bis 20", "2 bis 16", "über 14 bis 20"]))
    result = audit_publication(tmp_path / "publication", both, reports=tmp_path)
    assert disclosed(result).empty
    findings = result.attrs["reports"]
    assert sorted(findings["value"]) == [14.0, 16.0, 20.0]  # the Wert column only
    assert set(findings["status"]) == {"erklärt"}
    # the same 14 as a value in Cedorf's row is its hidden girls, hence 2 boys
    page.write_text(
        _map_table(["über 16 bis 20", "2 bis 16", "über 14 bis 20"]).replace(
            "<td>16</td><td>über 14", "<td>14</td><td>über 14"
        )
    )
    result = audit_publication(tmp_path / "publication", both, reports=tmp_path)
    assert "17001003" in set(disclosed(result)["region"])


def test_a_breakdown_the_family_does_not_know_is_refused(tmp_path, truth):
    """Sex coded as "geschlecht" instead of the catalogue's "sex" (session 8).

    The categories took the key of Cedorf's total 16, so its 2 boys passed as that
    shown 16 and were published; now the protection refuses the frame and says why.
    """
    from toolkit.errors import DisclosureError

    both = _sex_truth(truth)
    both["dimension"] = both["dimension"].replace({"sex": "geschlecht"})
    with pytest.raises(
        DisclosureError, match=r"geschlecht.*Region 17001.*bekannt: school_type, sex"
    ):
        protect_publication(both, out_dir=tmp_path / "publication")


def test_the_batch_attacks_the_set_once_and_again_only_for_revealing_numbers(
    tmp_path, truth, monkeypatch
):
    """A quarter is six batches into one folder; each used to attack the whole set again.

    The set's attack is kept beside it; a later batch whose reports reveal nothing
    (no number only a hidden cell explains) adds no relation and reuses it. A
    report that prints the hidden 2 is attacked with it and fails.
    """
    import toolkit.disclosure.attack as attack

    pub = _batch(tmp_path, truth, "")
    page = tmp_path / "2024" / "uebergaenge" / "17001.html"
    page.write_text(_table(_shown(pub)))
    first = audit_batch(tmp_path / "publication", truth)
    assert first["ok"] and first["sensitive"] == 1 and first["reports"]["erklärt"] == 2

    def no_attack(*args, **kwargs):
        raise AssertionError("the set was attacked again")

    monkeypatch.setattr(attack, "attack_periods", no_attack)
    page.write_text("<p>Es gab 999 Anmeldungen.</p>" + _table(_shown(pub)))
    second = audit_batch(tmp_path / "publication", truth)
    assert second["ok"] and second["reports"]["unerklärt"] == 1  # reports read anew
    monkeypatch.undo()
    page.write_text(_table(["30", "2", ".", "16"]))
    third = audit_batch(tmp_path / "publication", truth)
    assert not third["ok"] and third["cells"][0]["region"] == "17001001"
    assert third["reports"]["verrät"] == 1
