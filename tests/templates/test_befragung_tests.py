"""Befragung Fakten-Check: differences only when significant after Holm; Rao-Scott cross-table."""

import re

import pytest

from toolkit.reports.content._befragung import SURVEY_ITEMS, survey_design, survey_report
from toolkit.reports.content._befragung_tests import age_cross_table, sozialraum_differences
from toolkit.reports.runtime import load_dataset
from toolkit.weighting import chisq_test, domain_means, holm


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


@pytest.fixture(scope="module")
def parts(dataset):
    return survey_report(dataset, "17001", 2024)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_report_names_the_tests_and_drops_the_overlap_rule(parts):
    text = _text(parts.key_figures + parts.notes + parts.appendix)
    assert "Unterschiede zwischen Sozialräumen" in text
    assert "nach Holm" in text and "Rao-Scott" in text
    assert "Überschneiden sich die Konfidenzintervalle" not in text
    assert "kein geeignetes Kriterium" in text


def test_only_holm_significant_pairs_are_reported(dataset, parts):
    tables = dataset.tables
    design = survey_design(tables["survey_families"], tables["survey_families_margins"])
    fig = parts.figures
    shown = {
        i: sorted(
            fig.loc[
                (fig["item"] == i) & (fig["flag"] == "") & (fig["region_code"] != "__gesamt__"),
                "region_code",
            ]
        )
        for i in SURVEY_ITEMS
    }
    html, pairs = sozialraum_differences(design, SURVEY_ITEMS, shown, str)
    for item, codes in shown.items():
        got = pairs[pairs["item"] == item]
        assert len(got) == len(codes) * (len(codes) - 1) // 2  # suppressed Sozialräume not compared
        # Holm over the pairs of this item only
        assert got["p_holm"].to_numpy() == pytest.approx(holm(got["p"].to_numpy()))
        assert (got["significant"] == (got["p_holm"] < 0.05)).all()
    text = _text(html)
    for r in pairs[pairs["significant"]].itertuples():
        if "weitere" not in text:
            assert r.a in text and r.b in text
    # an item without significant pairs says so
    for item, (_k, label, _u, _p) in SURVEY_ITEMS.items():
        if not pairs[(pairs["item"] == item) & pairs["significant"]].shape[0]:
            assert (
                f"{label}: zwischen den Sozialräumen gibt es keinen statistisch gesicherten" in text
            )
    # the differences are estimated with their covariance: SE of a pair from the domain covariance
    one = pairs[pairs["item"] == "bedarf_ganztag"].iloc[0]
    dm = domain_means(design, "bedarf_ganztag", "sozialraum", na_rm=True)
    i, j = dm.keys.index(one["a"]), dm.keys.index(one["b"])
    var = dm.cov[i, i] + dm.cov[j, j] - 2 * dm.cov[i, j]
    assert one["se"] == pytest.approx(var**0.5, rel=1e-12)


def test_cross_table_reports_the_rao_scott_result(dataset):
    tables = dataset.tables
    design = survey_design(tables["survey_families"], tables["survey_families_margins"])
    data = tables["survey_families"]
    html, test = age_cross_table(design, "bedarf_ganztag", "Bedarf", data[data["responded"]], 3)
    again = chisq_test(design, "child_age_group", "bedarf_ganztag")
    assert test.p_value == again.p_value
    assert "Rao-Scott" in html and "Freiheitsgraden" in html
    assert ("statistisch gesichert." in html) == (test.p_value < 0.05)
