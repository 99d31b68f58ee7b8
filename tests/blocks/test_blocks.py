"""Building blocks: disclosure by construction, the opt-out, errors that help.

Reference values come from the raw CSV files of the sample data read with
plain pandas (never from the toolkit's own computations).
"""

from __future__ import annotations

import pandas as pd
import pytest

import toolkit.blocks as b
from tests.templates.expected import SAMPLE, Tables, de
from toolkit.disclosure import publication_rows
from toolkit.errors import ParameterError

#: A Gemeinde with 1 child under 3 in Kita and Tagespflege in 2024 (kita.csv).
SMALL = "17053047"


@pytest.fixture(scope="module")
def data():
    return b.load_data()


def _raw_u3_children(code: str, year: int) -> int:
    kita = Tables(SAMPLE).kita
    rows = kita[(kita["region_code"] == code) & (kita["year"] == year)]
    return int(rows.loc[rows["age_group"] == "u3", "children"].sum())


def test_a_count_of_one_never_reaches_a_block(data):
    assert _raw_u3_children(SMALL, 2024) == 1  # the raw count a template must not show
    pop = Tables(SAMPLE).population
    p = pop[(pop["region_code"] == SMALL) & (pop["year"] == 2023) & pop["age"].isin([0, 1, 2])]
    raw_rate = 100 * 1 / p["population"].sum()
    shown = de(raw_rate)
    ctx = b.report_context(data, SMALL, 2024, indicators=["betreuungsquote_u3"])
    row = ctx.frame.query("period == 2024 and region_code == @SMALL and dimension == ''")
    assert row["flag"].tolist() == ["."] and row["value"].isna().all()
    for block in (b.key_figures(ctx), b.key_messages(ctx)):
        assert shown not in block
    assert "nicht ausgewiesen" in b.key_messages(ctx)
    # the Kreis report's Gemeinde chart does not show it either
    kreis = b.report_context(data, "17053", 2024, indicators=["betreuungsquote_u3"])
    chart = b.sub_region_chart(kreis, "betreuungsquote_u3").chart
    name = kreis.prepared.hierarchy.name(SMALL)
    assert [row for row in chart.data if row[0] == name] == [(name, ".", "")]
    assert shown not in chart.alt_text + " ".join(" ".join(row) for row in chart.data)


def test_context_holds_exactly_rows_of_the_protected_publication_set(data):
    ctx = b.report_context(data, "17051005", 2024, topic="schule")
    assert b.breakdown(ctx, ctx.main, "sex").chart is not None  # reads more rows on demand
    frame = ctx.frame
    pub = data._dataset.shared.publication
    full = publication_rows(
        pub, regions=sorted(set(frame["region_code"])), indicators=sorted(set(frame["indicator"]))
    )
    keys = ["region_code", "period", "indicator", "dimension", "category"]
    merged = frame.merge(full, on=keys, how="left", suffixes=("", "_pub"), indicator=True)
    assert (merged["_merge"] == "both").all()
    assert merged["flag"].equals(merged["flag_pub"])
    same = (merged["value"] == merged["value_pub"]) | (
        merged["value"].isna() & merged["value_pub"].isna()
    )
    assert same.all()
    assert (frame["dimension"] == "sex").any()


def test_publication_context_gives_no_raw_data(data):
    ctx = b.report_context(data, "17051", 2024, topic="fruehe_bildung")
    assert not ctx.internal
    with pytest.raises(ParameterError, match="Rohdaten"):
        ctx.dataset  # noqa: B018
    with pytest.raises(ParameterError, match="Rohdaten"):
        ctx.unprotected_frame()
    assert b.INTERNAL_MARK not in b.header(ctx) + b.key_figures(ctx) + b.definitions(ctx)


def test_internal_context_marks_every_block_and_reads_raw_tables(data):
    ctx = b.internal_context(data, "17051", 2024, topic="fruehe_bildung")
    blocks = [
        b.header(ctx),
        b.key_messages(ctx),
        b.key_figures(ctx),
        b.charts(ctx, b.time_series(ctx, ctx.main)),
        b.notes(ctx, "Interner Hinweis."),
        b.definitions(ctx),
        b.survey_results(ctx),
    ]
    assert all(blk.count(b.INTERNAL_MARK) >= 1 for blk in blocks)
    assert "@top-center" in blocks[0]  # repeated on every printed page
    raw = ctx.unprotected_frame(["betreuungsquote_u3"])
    kita = Tables(SAMPLE).kita
    rows = kita[
        (kita["region_code"] == SMALL) & (kita["year"] == 2024) & (kita["age_group"] == "u3")
    ]
    got = raw.query("region_code == @SMALL and period == 2024 and dimension == ''")
    assert got["numerator"].tolist() == [rows["children"].sum()]


def test_unknown_codes_and_parameters_say_what_to_do(data):
    with pytest.raises(ParameterError, match="meinten Sie betreuungsquote_u3"):
        b.report_context(data, "17051", 2024, indicators=["betreuungsquote_u"])
    with pytest.raises(ParameterError, match="Unbekanntes Thema"):
        b.report_context(data, "17051", 2024, topic="ganztag")
    with pytest.raises(ParameterError, match="min_count=5 weicht"):
        b.report_context(data, "17051", 2024, topic="schule", min_count=5)
    with pytest.raises(ParameterError, match=r"Thema .* oder Indikatoren"):
        b.report_context(data, "17051", 2024)
    with pytest.raises(ParameterError, match="kommt in den Daten nicht vor"):
        b.report_context(data, "99999", 2024, topic="schule")
    with pytest.raises(ParameterError, match="load_data"):
        b.report_context(pd.DataFrame(), "17051", 2024, topic="schule")
    with pytest.raises(ParameterError, match="Unbekannte Fragen"):
        b.survey_results(b.report_context(data, "17001", 2024, topic="schule"), ["ganztag"])


def test_blocks_read_what_they_need_and_define_it(data):
    ctx = b.report_context(data, "17051", 2024, title="Kurz", indicators=["betreuungsquote_u3"])
    assert b.time_series(ctx, "altenquotient").chart is not None  # not declared up front
    assert b.breakdown(ctx, "abgaenge_anteil_ohne_hsa", "sex").chart is not None
    appendix = b.definitions(ctx)
    for name in ("Betreuungsquote unter 3 Jahren", "Altenquotient", "Anteil Abgänge ohne Ersten"):
        assert name in appendix
    assert b.charts(ctx, None) == ""
    assert b.time_series(ctx, None) is None and b.breakdown(ctx, ctx.main, "") is None


def test_survey_results_match_the_weighted_estimate(data):
    ctx = b.report_context(data, "17001", 2024, title="Ganztag", indicators=["betreuungsquote_3u6"])
    html = b.survey_results(ctx, ["bedarf_ganztag"], chart=False)
    t = Tables(SAMPLE)
    srs = t.sozialraeume("17001")
    share = t.survey_share(srs, "bedarf_ganztag")  # weighted by hand in expected.py
    assert f"{de(share)}\xa0%" in html or f"{de(share)} %" in html
    other = b.report_context(data, "17051", 2024, topic="schule")
    assert "liegt keine Familienbefragung vor" in b.survey_results(other)


def test_internal_report_is_marked_on_every_printed_page(data, tmp_path):
    import shutil
    import subprocess

    import nbformat

    from toolkit.reports.render import html_to_pdf, render_html

    if shutil.which("chromium") is None or shutil.which("pdftotext") is None:
        pytest.skip("chromium/pdftotext fehlen (Debian: apt-get install chromium poppler-utils)")
    ctx = b.internal_context(data, "17051", 2024, topic="schule")
    shown = [
        b.header(ctx),
        b.key_messages(ctx),
        b.key_figures(ctx),
        b.charts(ctx, b.time_series(ctx, ctx.main), b.breakdown(ctx, ctx.main, "sex")),
        b.charts(ctx, b.time_series(ctx, ctx.indicator(1)), b.time_series(ctx, ctx.indicator(2))),
        b.notes(ctx),
        b.definitions(ctx),
    ]
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "",
            outputs=[nbformat.v4.new_output("execute_result", {"text/html": h}, execution_count=1)],
        )
        for h in shown
    ]
    page = tmp_path / "intern.html"
    page.write_text(render_html(nb, title="Intern"), encoding="utf-8")
    pdf = html_to_pdf(page, tmp_path / "intern.pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")[:-1]
    assert len(pages) >= 2
    for i, p in enumerate(pages, start=1):
        assert "Nur für den Dienstgebrauch" in p, i
