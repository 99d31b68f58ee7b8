"""toolkit.reports.content in-process: topics, disclosure in reports, comparisons, errors."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from toolkit.errors import ParameterError
from toolkit.io import Dataset, read_sample
from toolkit.reports import content as rc

from .expected import Tables, de, pct

P = 2024


def _text(*parts) -> str:
    raw = " ".join(str(p) for p in parts)
    raw = re.sub(r'src="data:[^"]*"', "", raw)
    return (
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", raw))
        .replace("\u00a0", " ")
        .replace("&quot;", '"')
    )


@pytest.fixture(scope="module")
def ds():
    return read_sample()


@pytest.fixture(scope="module")
def tables():
    return Tables()


def test_topic_schule_kreisfreie_stadt(ds, tables):
    parts = rc.fakten_check(ds, "17001", P, topic="schule")
    text = _text(parts.header, parts.summary, parts.key_figures)
    v = tables.abgaenge_anteil("17001", P, "ohne_hsa")
    prev = tables.abgaenge_anteil("17001", P - 1, "ohne_hsa")
    # the key figures table: value, case numbers next to the rate, change in Prozentpunkten
    s = tables.school_leavers
    s = s[s["region_code"].isin(tables.gemeinden("17001")) & (s["year"] == P)]
    num, den = s.loc[s["abschluss"] == "ohne_hsa", "leavers"].sum(), s["leavers"].sum()
    sign = "+" if v > prev else "\u2212"
    assert (
        f"Anteil Abgänge ohne Ersten Schulabschluss {pct(v)} {de(num, 0)} / {de(den, 0)} "
        f"{sign}{de(abs(v - prev))} Prozentpunkte"
    ) in text
    # "Das Wichtigste in Kürze", rule (1): the largest gap of a key rate to Land or Bund
    rates = {
        "Die Übergangsquote Grundschule → Gymnasium": [
            tables.uebergangsquote(c, P, "gymnasium") for c in ("17001", "17", "DG")
        ],
        "Der Anteil Abgänge ohne Ersten Schulabschluss": [
            tables.abgaenge_anteil(c, P, "ohne_hsa") for c in ("17001", "17", "DG")
        ],
        "Der Anteil Abgänge mit allgemeiner Hochschulreife": [
            tables.abgaenge_anteil(c, P, "ahr") for c in ("17001", "17", "DG")
        ],
    }
    subject, (own, land, bund) = max(
        rates.items(), key=lambda kv: max(abs(kv[1][0] - kv[1][1]), abs(kv[1][0] - kv[1][2]))
    )
    ref, word, other = (land, "Landeswert", f"Bund: {pct(bund)}")
    if abs(own - bund) > abs(own - land):
        ref, word, other = (bund, "Bundeswert", f"Land: {pct(land)}")
    side = "über" if own > ref else "unter"
    first = parts.summary.split("<li>")[1].split("</li>")[0].replace("\u00a0", " ")
    assert first == (
        f"{subject} lag {P} bei {pct(own)} und damit {de(abs(own - ref))} Prozentpunkte {side} "
        f"dem {word} ({pct(ref)}); {other}."
    )
    assert parts.summary.count("<li>") <= 3
    # counts are never compared with Land and Bund
    assert "Schulabgänge aus allgemeinbildenden Schulen" not in _text(parts.summary)
    assert "Fakten-Check Schule: Musterstadt, kreisfreie Stadt, 2024" in text
    assert 2 <= len(parts.charts) <= 5
    # the sex breakdown of the main indicator, computed by hand
    s = tables.school_leavers
    s = s[s["region_code"].isin(tables.gemeinden("17001")) & (s["year"] == P) & (s["sex"] == "w")]
    w = 100 * s.loc[s["abschluss"] == "ohne_hsa", "leavers"].sum() / s["leavers"].sum()
    data = {row[0]: row[1:] for c in parts.charts for row in (c.data or ())}
    assert data["weiblich"][0].replace("\u00a0", " ") == pct(w)
    assert all(len(c.alt_text) <= 250 for c in parts.charts)


def test_topic_ausbildung_gemeinde_uses_kreis_data(ds, tables):
    parts = rc.fakten_check(ds, "17051005", P, topic="ausbildung")
    text = _text(parts.summary, parts.notes)
    lq = tables.vertragsloesungsquote("17051", P)
    # no Gemeinde values: the sentence says so and gives the Kreis value
    assert "liegt für diese Gebietsebene nicht vor; Kreis: " + pct(lq) in text
    assert "liegen nur Kreisdaten vor; gezeigt wird Beispielkreis" in text
    assert parts.charts[0].finding.startswith("Beispielkreis: Vertragslösungsquote")


def test_small_counts_are_suppressed_in_the_report(ds, tables):
    kita = ds.kita.copy()
    rows = (kita["region_code"] == "17051005") & (kita["year"] == P) & (kita["age_group"] == "u3")
    kita.loc[rows, "children"] = 1  # 1 in Kita + 1 in Tagespflege: numerator 2 < 3
    changed = Dataset({**ds.tables, "kita": kita}, meta=ds.meta, synthetic=True)
    parts = rc.fakten_check(changed, "17051005", P)
    text = _text(parts.summary, parts.key_figures)
    assert (
        "Die Betreuungsquote unter 3 Jahren 2024: Wert aus Datenschutzgründen nicht ausgewiesen"
        in text
    )
    pop = tables.population
    den = pop[
        (pop["region_code"] == "17051005") & (pop["year"] == P - 1) & pop["age"].isin([0, 1, 2])
    ]
    assert pct(200 / den["population"].sum()) not in text
    row = parts.figures.set_index("indicator").loc["betreuungsquote_u3"]
    assert row["flag"] == "." and pd.isna(row["value"])
    # the Kreis, which contains the small cell, is still shown: 2 of its many children
    assert "Kreis: " in text


def test_explicit_comparison_regions_are_named(ds, tables):
    parts = rc.fakten_check(ds, "17051", P, comparison=["17052", "DG"])
    text = _text(parts.summary)
    other = tables.betreuungsquote("17052", P)
    table = _text(parts.key_figures)
    assert f"Veränderung zum Vorjahr {tables.name('17052')} Deutschland" in table
    assert f"{pct(other)} {pct(tables.betreuungsquote('DG', P))}" in table
    # a gap to an explicitly chosen region names it ("dem Wert von …"), never "Land"
    assert f"dem Wert von {tables.name('17052')} (" in text or "Bundeswert" in text
    assert "Land:" not in text and "Landeswert" not in text


def test_non_synthetic_data_have_no_sample_note(ds):
    real = Dataset(ds.tables, meta={**ds.meta, "synthetic": False}, synthetic=False)
    parts = rc.fakten_check(real, "17051", P)
    assert "Beispieldaten" not in str(parts.header)
    assert "Beispieldaten" in str(rc.fakten_check(ds, "17051", P).header)


def test_errors_name_the_problem(ds):
    with pytest.raises(ParameterError, match="99999"):
        rc.fakten_check(ds, "99999", P)
    with pytest.raises(ParameterError, match="Thema"):
        rc.fakten_check(ds, "17051", P, topic="sport")
    with pytest.raises(ParameterError, match="Keine Daten"):
        rc.uebergaenge(ds, "17051", 1990)
    with pytest.raises(ParameterError, match="Vergleichsregionen"):
        rc.fakten_check(ds, "17051", P, comparison=["12345"])


def test_appendix_from_catalogue():
    from toolkit.indicators import catalog

    cat = catalog()
    html = rc.appendix_definitions(
        ["betreuungsquote_u3", "vertragsloesungsquote"], cat, min_count=5
    )
    row = cat.set_index("code").loc["vertragsloesungsquote"]
    assert str(row["definition_de"]) in html.replace("&quot;", '"').replace("&#x27;", "'")
    assert "Fallzahlen unter 5" in html
    with pytest.raises(Exception, match="gibtsnicht"):
        rc.appendix_definitions(["gibtsnicht"], cat)


def test_key_figures_against_hand_values():
    cat = pd.DataFrame(
        {"code": ["q", "n"], "name_de": ["Quote", "Anzahl Fälle"], "unit": ["%", "Anzahl"]}
    )
    f = pd.DataFrame(
        {
            "region_code": ["01", "01", "DG", "01", "01"],
            "region_name": ["A", "A", "Deutschland", "A", "A"],
            "period": [2022, 2024, 2024, 2023, 2024],
            "indicator": ["q", "q", "q", "n", "n"],
            "dimension": "",
            "value": [30.0, 33.0, 40.0, 200.0, 150.0],
            "unit": ["%", "%", "%", "Anzahl", "Anzahl"],
            "flag": "",
        }
    )
    kf = rc.key_figures(f, "01", 2024, ["q", "n"], ["DG"], catalogue=cat, labels={"DG": "Bund"})
    q = kf.set_index("indicator").loc["q"]
    # previous period 2022 (no 2023 row): change named with its year, 3 points
    assert q["previous_period"] == 2022 and q["change"] == pytest.approx(3.0)
    assert (
        q["sentence"]
        == "Die Quote lag 2024 bei 33,0\u00a0% – 3,0 Prozentpunkte mehr als 2022; Bund: 40,0\u00a0%."
    )
    n = kf.set_index("indicator").loc["n"]
    assert n["change"] == pytest.approx(-25.0)  # counts: percent change
    assert (
        n["sentence"] == "Die Anzahl Fälle lag 2024 bei 150 – 25,0\u00a0% weniger als im Vorjahr."
    )


def test_warm_cache_gives_identical_reports(ds):
    from toolkit.reports.warmup import with_shared as _with_shared

    before = rc.ausbildungsabbrueche(ds, "17051005", P)
    shared = rc.warm(ds)
    warm = _with_shared(ds, shared)
    assert warm.shared is shared and warm.tables is ds.tables
    after = rc.ausbildungsabbrueche(warm, "17051005", P)
    pd.testing.assert_frame_equal(before.figures, after.figures)
    assert [c.alt_text for c in before.charts] == [c.alt_text for c in after.charts]
    assert [c.to_png() for c in before.charts] == [c.to_png() for c in after.charts]


def test_an_exact_zero_prints_as_dash_in_every_table(ds, tables):
    """Issue #17: an exact zero shows "–" (as the legend says), in the key figures (value and
    case numbers) and in the Kreis map's table; not "0" and not "0,0 %"."""
    kita = ds.tables["kita"].copy()
    gemeinde = "17051022"  # Minzenburg: no child under 3 in care in 2024 (planted)
    rows = (kita["region_code"] == gemeinde) & (kita["year"] == P) & (kita["age_group"] == "u3")
    kita.loc[rows, "children"] = 0
    data = Dataset({**ds.tables, "kita": kita}, meta=ds.meta, synthetic=True)
    population = tables.betreuung_counts(gemeinde, P)[1]  # raw population.csv, 31.12.2023
    own = rc.fakten_check(data, gemeinde, P)
    text = _text(own.key_figures)
    assert f"Betreuungsquote unter 3 Jahren – – / {de(population, 0)} " in text, text
    kreis = rc.fakten_check(data, "17051", P)
    (karte,) = [c for c in kreis.charts if c.alt_text.startswith("Karte")]
    row = karte.table.set_index("Schlüssel").loc[gemeinde]
    assert row["Wert"] == "–" and row["Fallzahl"] == de(population, 0)
    html = _text(karte.to_html())
    assert "0,0 %" not in html and " 0 / " not in text


def test_rows_indexed_by_region_equal_the_scan_of_the_whole_set(ds):
    """A batch reads each report's rows through the region index made once by warm();
    reference: the plain scan of the whole protected set (publication_rows), region by region."""
    from toolkit.reports.content._publication import read_rows, region_rows

    pub = rc.report_publication(ds)
    index = region_rows(pub.frame)
    codes = sorted(set(pub.frame["region_code"].astype(str)))
    assert len(index.slots) == len(codes)
    years = [2020, 2023, 2024]
    groups = [[c] for c in codes] + [codes[:7], ["17051", "17", "DG", "99999"]]
    for group in groups:
        plain = read_rows(pub, group, years, ["betreuungsquote_u3", "schulabgaenge"])
        indexed = read_rows(pub, group, years, ["betreuungsquote_u3", "schulabgaenge"], index)
        pd.testing.assert_frame_equal(indexed, plain)
        assert indexed.attrs == plain.attrs
    shared = rc.warm(ds, publication=pub)
    assert shared.rows is not None and shared.rows.rows == len(pub.frame)


def test_a_plausibility_note_is_published_without_its_raw_example(ds):
    """The note's example (region, year, value) comes from the unprotected frame; a report
    keeps the note but not the value (the 400-Kreise audit matched such a value to a hidden cell)."""
    import copy

    from toolkit.reports.content._publication import read_rows

    pub = copy.copy(rc.report_publication(ds))
    pub.frame = pub.frame.copy()
    raw = (
        "Unplausibel: ausbildungsanfaengerquote liegt bei 1 Wert(en) außerhalb des plausiblen "
        "Bereichs 0 bis 90 %, z. B. 17051 2015: 95,1 — Eingangsdaten prüfen."
    )
    pub.frame.attrs = {**pub.frame.attrs, "notes": (*pub.frame.attrs.get("notes", ()), raw)}
    notes = read_rows(pub, ["17051"], [2024], ["betreuungsquote_u3"]).attrs["notes"]
    shown = [n for n in notes if n.startswith("Unplausibel: ausbildungsanfaengerquote")]
    assert shown == [
        "Unplausibel: ausbildungsanfaengerquote liegt bei 1 Wert(en) außerhalb des plausiblen "
        "Bereichs 0 bis 90 % — Eingangsdaten prüfen."
    ]
    assert not any("95,1" in n for n in notes)
