"""Reports from real official data with parts missing (issue #15).

Reference values are hand computations from 21111-02-06-4 (Stand 13.03.2025):
Diepholz 03251: 138 of 2101 leavers without Hauptschulabschluss = 6,6 %;
Niedersachsen (official row 03): 5895 / 76856 = 7,7 %; Deutschland: 55708 / 782423 = 7,1 %.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest

import toolkit.reports.content as rc
from toolkit._regions_table import table_from_codes
from toolkit.errors import ParameterError
from toolkit.indicators import official_kreise
from toolkit.io import Dataset, read_dataset

from .expected import page_text

OFFICIAL = Path(__file__).parents[1] / "data" / "official"
META = {
    "synthetic": False,
    "tables": {
        "school_leavers": {
            "sources": [
                {
                    "table": "21111-02-06-4",
                    "database": "regio",
                    "stand": "2025-03-13",
                    "reference_date": "Schuljahr 2022/23",
                    "licence": "Datenlizenz Deutschland – Namensnennung – Version 2.0",
                    "attribution": "© Statistische Ämter des Bundes und der Länder, 2025",
                }
            ]
        }
    },
}


@pytest.fixture(scope="module")
def leavers():
    return read_dataset(OFFICIAL).tables["school_leavers"]


def _dataset(sl):
    regions = table_from_codes(sorted(set(sl["region_code"])), official_kreise(2023))
    return Dataset({"school_leavers": sl, "regions": regions}, meta=META)


def test_schule_without_transitions_renders_with_official_comparisons(leavers):
    parts = rc.fakten_check(_dataset(leavers), "03251", 2023, topic="schule")
    fig = parts.figures.set_index("indicator")
    row = fig.loc["abgaenge_anteil_ohne_hsa"]
    assert np.isclose(row["value"], 100 * 138 / 2101)
    assert np.isclose(row["value_03"], 100 * 5895 / 76856)
    assert np.isclose(row["value_DG"], 100 * 55708 / 782423)
    assert "uebergangsquote_gymnasium" not in fig.index
    assert "Nicht enthalten" in parts.notes and "transitions" in parts.notes
    # Datenstand and sources per table from meta.json
    assert "Datenstand: 13. März 2025" in parts.header
    assert "21111-02-06-4" in parts.appendix and "Datenlizenz Deutschland" in parts.appendix


def test_only_one_kreis_gives_no_land_value_and_says_so(leavers):
    only = leavers[leavers["region_code"] == "03251"]
    parts = rc.fakten_check(_dataset(only), "03251", 2023, topic="schule")
    row = parts.figures.set_index("indicator").loc["abgaenge_anteil_ohne_hsa"]
    assert np.isnan(row["value_03"]) and np.isnan(row["value_DG"])
    assert "Landeswert: nicht berechenbar, nur 1 von 45 Kreisen in den Daten" in parts.notes
    assert "Bundeswert: nicht berechenbar" in parts.notes


def test_a_report_whose_every_table_is_missing_fails_early(leavers):
    with pytest.raises(ParameterError, match="kita"):
        rc.fakten_check(_dataset(leavers), "03251", 2023, topic="fruehe_bildung")


def test_period_outside_the_data_names_the_years(leavers):
    with pytest.raises(ParameterError, match="vorhanden: 2023"):
        rc.fakten_check(_dataset(leavers), "03251", 1990, topic="schule")


def test_special_and_random_kreise_render_with_hand_values(leavers):
    import random

    regions = table_from_codes(
        sorted(set(leavers["region_code"]) | set(official_kreise(2023))), official_kreise(2023)
    )
    ds = Dataset({"school_leavers": leavers, "regions": regions}, meta=META)
    tot = leavers[(leavers["sex"] == "insgesamt")].pivot(
        index="region_code", columns="abschluss", values="leavers"
    )
    special = ["02000", "11000", "03241", "05334", "10041", "03251", "09461"]
    picked = random.Random(2023).sample(sorted(official_kreise(2023)), 8)
    for code in special + picked:
        parts = rc.fakten_check(ds, code, 2023, topic="schule")
        row = parts.figures.set_index("indicator").loc["abgaenge_anteil_ahr"]
        src = tot.loc[code[:2] if code in ("02000", "11000") else code]
        assert np.isclose(row["value"], 100 * src["ahr"] / src["insgesamt"]), code
        if code in ("02000", "11000"):
            # Hamburg and Berlin are Kreis and Land at once: the old expectation (a Land column
            # equal to the region's own value) printed a comparison that says nothing, so the
            # report leaves the Land out (#17) and compares with the Bund only
            assert f"value_{code[:2]}" not in row.index, code
            bund = tot.loc["DG"]
            assert np.isclose(row["value_DG"], 100 * bund["ahr"] / bund["insgesamt"]), code
            continue
        land = tot.loc[code[:2]]
        assert np.isclose(row[f"value_{code[:2]}"], 100 * land["ahr"] / land["insgesamt"]), code


def test_warmed_land_values_keep_their_notes(leavers):
    import toolkit.reports.content._context as report_context

    if not hasattr(report_context, "warm"):  # the runner may replace the process-wide warm-up
        pytest.skip("no warm-up cache in this version")
    ds = _dataset(leavers[leavers["region_code"] == "03251"])
    report_context.warm(ds)
    try:
        parts = rc.fakten_check(ds, "03251", 2023, topic="schule")
    finally:
        getattr(report_context, "_SHARED", {}).pop(id(ds), None)
    assert "Landeswert: nicht berechenbar, nur 1 von 45 Kreisen" in parts.notes


def test_an_empty_bund_column_is_explained():
    from toolkit.reports.runtime import load_dataset

    ds = load_dataset()
    tables = {
        k: v if k == "regions" or "region_code" not in v.columns else v[v["region_code"] != "DG"]
        for k, v in ds.tables.items()
    }
    parts = rc.fakten_check(Dataset(tables, meta=ds.meta, synthetic=True), "17051", 2024)
    assert "Bund: keine Vergleichswerte in den Daten" in parts.notes


DEUTSCHLAND = Path(__file__).parents[2] / "data_samples" / "deutschland"


def test_real_reports_render_for_a_few_kreise(tmp_path):
    """The real sample (dkbm data build) through the batch runner: Diepholz, Bamberg, Berlin."""
    from toolkit.reports import run_batch

    result = run_batch(
        "fakten_check",
        regions="03251,09461,11000",
        period=2023,
        parameters={"topic": "schule"},
        data_dir=DEUTSCHLAND,
        out=tmp_path,
        jobs=2,
        formats="html",
        progress=False,
    )
    entries = result.entries
    assert {e["status"] for e in entries} == {"ok"}, [e.get("error") for e in entries]
    folder = result.out_dir  # one folder per Fakten-Check topic
    html = {e["region"]: (folder / e["outputs"][0]).read_text("utf-8") for e in entries}
    # 21111-02-06-4: Diepholz 138 / 2101 = 6,6 %; Niedersachsen 5895 / 76856 = 7,7 %;
    # Bamberg 651 / 1163 = 56,0 % allgemeine Hochschulreife; Bayern 32584 / 120736 = 27,0 %
    rows = {
        code: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).replace("\xa0", " ")
        for code, page in html.items()
    }
    # key figures rows: rate, its case numbers, change, Land, Bund
    assert re.search(
        r"Anteil Abgänge ohne Ersten Schulabschluss 6,6 % 138 / 2\.101 .{1,40}? 7,7 % 7,1 %",
        rows["03251"],
    )
    assert re.search(
        r"Anteil Abgänge mit allgemeiner Hochschulreife 56,0 % 651 / 1\.163 .{1,40}? 27,0 %",
        rows["09461"],
    )
    # Berlin (Kreis 11000 = Land 11): no Land column, no Landeswert sentence, a note why;
    # 21111-02-06-4: Berlin 2535 / 31475 = 8,1 %, 13982 / 31475 = 44,4 % Hochschulreife;
    # Deutschland 55708 / 782423 = 7,1 %, 259230 / 782423 = 33,1 % (11,3 Prozentpunkte darunter)
    berlin = rows["11000"]
    assert re.search(r"Kennzahl Berlin, kreisfreie Stadt 2023 .{1,80}? Vorjahr Bund Anteil", berlin)
    assert re.search(
        r"Anteil Abgänge ohne Ersten Schulabschluss 8,1 % 2\.535 / 31\.475 x 7,1 % Anteil", berlin
    )
    assert "11,3 Prozentpunkte über dem Bundeswert (33,1 %)" in berlin
    summary = berlin.split("Das Wichtigste in Kürze")[1].split("Kennzahlen")[0]
    assert "Bundeswert" in summary and "Landeswert" not in summary
    assert "Kein Vergleich mit dem Land: Berlin ist Kreis und Land zugleich" in berlin
    assert "Land: " not in berlin.replace("dem Land: Berlin ist", "") and "(Land)" not in berlin
    for code, page in html.items():
        assert "Nicht enthalten" in page and "Datenlizenz Deutschland" in page
        assert "Beispieldaten" not in page
        # no code leftovers (issue #17): the sources' notes on the data column stay out
        assert "Stichtag/Zeitraum: Ende des Schuljahres" in rows[code]
        text = page_text(folder / next(e for e in entries if e["region"] == code)["outputs"][0])
        assert "year =" not in text and "(year" not in text, code
        assert not re.search(r"(?<![\w\-–/.])-\d", text), code  # U+2212, not "-"
    # the real report printed: A4, 2-4 pages (a Fakten-Check's promise), numbered pages
    from toolkit.reports.render import find_chromium, html_to_pdf

    from .test_pages import page_count, page_texts

    if find_chromium() and shutil.which("pdftotext"):
        report = folder / next(e for e in entries if e["region"] == "03251")["outputs"][0]
        pdf = html_to_pdf(report, tmp_path / "diepholz.pdf")
        n = page_count(pdf)
        assert 2 <= n <= 4, n
        pages = page_texts(pdf)
        assert all(f"Seite {i} von {n}" in t for i, t in enumerate(pages, start=1))
        assert "Diepholz" in pages[0] and "Impressum" in pages[-1]


def test_an_indicator_without_the_report_year_is_listed(leavers):
    # population (12411) only 2017-2019: for a 2023 report the share under 18 is listed with the year
    ds = read_dataset(DEUTSCHLAND)
    ctx = rc.prepare_report(
        ds, "03251", 2023, indicators=["abgaenge_anteil_ohne_hsa", "anteil_unter_18"]
    )
    assert dict(ctx.omitted)["anteil_unter_18"] == "Tabelle 'population': Jahr 2023 fehlt"


def test_a_stadtstaat_chart_draws_the_bund_but_no_land_line():
    # Berlin's Land value is Berlin's own: a Land line would lie on top of Berlin's (#17)
    from toolkit.reports.content._sections import series_chart

    ds = read_dataset(DEUTSCHLAND)
    ctx = rc.prepare_report(
        ds, "11000", 2019, indicators=["anteil_unter_18"], series=["anteil_unter_18"]
    )
    assert ctx.comparison == ("DG",)
    assert "11" not in set(ctx.frame["region_code"])
    chart = series_chart(ctx, "anteil_unter_18")
    drawn = [line.get_label() for line in chart.figure.axes[0].get_lines()]
    assert drawn == ["Berlin, kreisfreie Stadt", "Deutschland"]
    assert chart.data[0] == ("Jahr", "Berlin, kreisfreie Stadt", "Deutschland")
    assert "2 Linien" in chart.alt_text and "Land" not in chart.finding
    hamburg = rc.prepare_report(ds, "02000", 2019, indicators=["anteil_unter_18"])
    diepholz = rc.prepare_report(ds, "03251", 2019, indicators=["anteil_unter_18"])
    assert hamburg.comparison == ("DG",) and diepholz.comparison == ("03", "DG")
