"""The indicator explorer: selection logic, disclosure, and the real Voilà app in Chromium."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import ParameterError
from toolkit.widgets import IndicatorExplorer

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"


def _row(code, name, level, period, indicator, value, num, den, unit="%", dim="", cat=""):
    return {
        "region_code": code,
        "region_name": name,
        "level": level,
        "period": period,
        "indicator": indicator,
        "dimension": dim,
        "category": cat,
        "value": value,
        "numerator": num,
        "denominator": den,
        "unit": unit,
        "flag": "",
    }


@pytest.fixture
def frame() -> pd.DataFrame:
    rows = []
    # Two Gemeinden in one Kreis; Gemeinde B has a count of 2 in 2024.
    for period, (a_num, b_num) in {2023: (40, 10), 2024: (44, 2)}.items():
        a_den, b_den = 100, 50
        rows += [
            _row("17051001", "A-Dorf", "gemeinde", period, "q", 100 * a_num / a_den, a_num, a_den),
            _row("17051002", "B-Stadt", "gemeinde", period, "q", 100 * b_num / b_den, b_num, b_den),
            _row(
                "17051",
                "Kreis",
                "kreis",
                period,
                "q",
                100 * (a_num + b_num) / (a_den + b_den),
                a_num + b_num,
                a_den + b_den,
            ),
            _row(
                "17",
                "Land",
                "land",
                period,
                "q",
                100 * (a_num + b_num + 60) / 400,
                a_num + b_num + 60,
                400,
            ),
        ]
        rows.append(_row("17", "Land", "land", period, "q", 30.0, 30, 100, dim="sex", cat="w"))
        rows.append(
            _row(
                "17",
                "Land",
                "land",
                period,
                "n",
                1000.0 + period,
                1000.0 + period,
                np.nan,
                "Anzahl",
            )
        )
    return pd.DataFrame(rows)


def test_table_follows_selection_without_protection(frame):
    ex = IndicatorExplorer(frame, region="17051001", indicator="q", protect=False)
    ex.comparisons.value = ("17051",)
    table = ex.table()
    # Hand-formatted: A-Dorf 40/100 and 44/100, Kreis 50/150 and 46/150.
    assert table["Region"].tolist() == ["A-Dorf", "A-Dorf", "Kreis", "Kreis"]
    assert table["Wert"].tolist() == ["40,0\xa0%", "44,0\xa0%", "33,3\xa0%", "30,7\xa0%"]
    assert table["Zähler"].tolist() == ["40", "44", "50", "46"]
    assert 'class="dkbm-chart"' in ex.chart.value and "alt=" in ex.chart.value
    assert "44,0" in ex.output.value


def test_changing_the_region_and_the_indicator_updates_the_view(frame):
    ex = IndicatorExplorer(frame, region="17", indicator="q", protect=False)
    ex.comparisons.value = ()
    assert ex.table()["Wert"].tolist() == ["27,5\xa0%", "26,5\xa0%"]
    ex.indicator.value = "n"
    assert ex.table()["Wert"].tolist() == ["3.023", "3.024"]
    ex.region.value = "17051002"
    # Comparisons follow the region (its Kreis and Land); "n" has no Gemeinde rows.
    assert ex.comparisons.value == ("17051", "17")
    assert "B-Stadt" not in ex.table()["Region"].tolist()
    assert "nur für Länder" in ex.message.value


def test_breakdown_dimension_offered_and_shown(frame):
    ex = IndicatorExplorer(frame, region="17", indicator="q", protect=False)
    assert [value for _, value in ex.dimension.options] == ["", "sex"]
    assert [label for label, _ in ex.dimension.options] == ["(insgesamt)", "Geschlecht"]
    ex.comparisons.value = ()
    ex.dimension.value = "sex"
    table = ex.table()
    assert table["Geschlecht"].tolist() == ["weiblich", "weiblich"]
    assert table["Wert"].tolist() == ["30,0\xa0%", "30,0\xa0%"]
    # The chart stays: bars by category instead of the time series.
    assert 'class="dkbm-chart"' in ex.chart.value and "weiblich" in ex.chart.value


def test_changing_the_indicator_keeps_a_breakdown_it_also_has(frame):
    extra = frame[(frame["indicator"] == "q") & (frame["dimension"] == "sex")].assign(indicator="r")
    extra = pd.concat([extra, frame[frame["indicator"] == "q"].assign(indicator="r")])
    ex = IndicatorExplorer(pd.concat([frame, extra]), region="17", indicator="q", protect=False)
    ex.dimension.value = "sex"
    ex.indicator.value = "r"  # r has the sex breakdown as well: it stays chosen
    assert ex.dimension.value == "sex"
    assert ex.table()["Geschlecht"].tolist()[:1] == ["weiblich"]
    ex.indicator.value = "n"  # n has no breakdown: back to the total
    assert ex.dimension.value == ""
    assert [value for _, value in ex.dimension.options] == [""]


def test_protection_hides_small_counts_and_what_would_reveal_them(frame):
    ex = IndicatorExplorer(frame, region="17051002", indicator="q")
    ex.comparisons.value = ()
    table = ex.table()
    shown_2024 = table[table["Jahr"] == 2024].iloc[0]
    assert shown_2024["Wert"] == "."
    protected = ex.protected()
    hidden = protected[(protected["flag"] == ".") & (protected["period"] == 2024)]
    # B-Stadt's 2 is primary; with the Kreis total published, A-Dorf must go too.
    assert {"17051001", "17051002"} <= set(hidden["region_code"])
    assert (protected.loc[protected["flag"] == ".", "value"].isna()).all()


def test_unknown_region_is_a_clear_error(frame):
    with pytest.raises(ParameterError, match="17999"):
        IndicatorExplorer(frame, region="17999")
    with pytest.raises(ParameterError, match="leer"):
        IndicatorExplorer(frame.iloc[0:0])


def test_region_search_is_fast_with_eleven_thousand_gemeinden():
    from toolkit._explorer import search_regions

    rng = np.random.default_rng(0)
    syllables = np.array(["berg", "dorf", "au", "hausen", "feld", "stadt", "wald", "bach"])
    names = ["".join(rng.choice(syllables, 3)).capitalize() for _ in range(11_000)]
    regions = pd.DataFrame(
        {
            "region_code": [f"09{i:06d}" for i in range(11_000)],
            "region_name": names,
            "level": "gemeinde",
        }
    )
    regions.loc[4711, "region_name"] = "Neumarkt i.d.OPf."
    start = time.perf_counter()
    found = search_regions(regions, "neumarkt")
    elapsed = time.perf_counter() - start
    assert found[0] == ("Neumarkt i.d.OPf. (Gemeinde, 09004711)", "09004711")
    assert len(search_regions(regions, "")) == 200  # the list stays short
    assert search_regions(regions, "09004711")[0][1] == "09004711"
    assert elapsed < 0.2


def test_message_names_the_levels_an_indicator_exists_at(frame):
    kreis_rows = frame[(frame["indicator"] == "q") & frame["level"].isin(["kreis", "land"])]
    frame = pd.concat([frame, kreis_rows.assign(indicator="k")], ignore_index=True)
    ex = IndicatorExplorer(frame, region="17051001", indicator="n", protect=False)
    # "n" exists only for the Land: the message says so and names the nearest region with data.
    assert "gibt es nur für Länder, nicht für Gemeinden" in ex.message.value
    assert "Land (17)" in ex.message.value
    ex.indicator.value = "k"
    assert "nur für Kreise und Länder" in ex.message.value and "Kreis (17051)" in ex.message.value
    ex.indicator.value = "q"
    assert ex.message.value == ""


def test_export_links_hold_the_shown_table(frame):
    import base64
    import io
    import re

    ex = IndicatorExplorer(frame, region="17051001", indicator="q", protect=False)
    links = dict(
        re.findall(
            r'download="[^"]+\.(csv|xlsx)" href="data:[^;]+;(?:charset=utf-8;)?base64,([^"]+)"',
            ex.output.value,
        )
    )
    csv = base64.b64decode(links["csv"]).decode("utf-8-sig")
    assert csv.splitlines()[0] == "Region;Jahr;Wert;Zähler;Nenner;Hinweis"
    assert (
        pd.read_csv(io.StringIO(csv), sep=";", dtype=str)["Wert"].tolist()
        == ex.table()["Wert"].tolist()
    )
    xlsx = pd.read_excel(io.BytesIO(base64.b64decode(links["xlsx"])), dtype=str)
    assert xlsx["Region"].tolist() == ex.table()["Region"].tolist()


@pytest.fixture(scope="module")
def sample_explorer():
    from toolkit.geo import mark_protected, sample_boundaries
    from toolkit.indicators import compute_all
    from toolkit.io import read_sample

    rows = compute_all(read_sample(), indicators=["altenquotient"], periods=[2023, 2024])
    # Marked as if protected: this test is about the map view, not about disclosure.
    return IndicatorExplorer(
        mark_protected(rows), region="17053001", boundaries=sample_boundaries()
    )


def test_map_click_selects_the_area_under_the_pointer(sample_explorer):
    ex = sample_explorer
    ex.region.value = "17053001"
    assert bytes(ex.map.image.value[:5]) == b"<?xml" and ex.map.image.format == "svg+xml"
    target = (
        ex.map._areas.set_index("region_code").loc["17053014", "geometry"].representative_point()
    )
    layout = ex.map._chart.layout
    (px, py), *_ = layout.to_pixels(np.array([[target.x, target.y]])).tolist()
    width, height = layout.pixels
    # The image shown at 60 % of its size: ipyevents reports the pointer relative to it.
    ex.map._on_click(
        {
            "type": "click",
            "relativeX": 0.6 * px,
            "relativeY": 0.6 * py,
            "boundingRectWidth": 0.6 * width,
            "boundingRectHeight": 0.6 * height,
        }
    )
    assert ex.region.value == "17053014"
    assert ex.table()["Region"].iloc[0] == ex._region_names["17053014"]
    # The redraw after a selection is fast (issue: under 1 s on the idle machine; the bound
    # scales with the load of a shared machine, figures in RESULTS.md).
    assert ex.map.last_seconds < 1.0 * max(1.0, os.getloadavg()[0] / 2.0)


def test_one_selection_draws_map_and_chart_once(sample_explorer, monkeypatch):
    ex = sample_explorer
    ex.region.value = "17053001"
    calls = []
    original = ex.refresh
    monkeypatch.setattr(
        ex, "refresh", lambda map_too=True: (calls.append(map_too), original(map_too))[1]
    )
    ex._select_region_option("17053014")  # new comparison regions come with it, no second redraw
    assert calls == [True]
    ex.comparisons.value = ex.comparisons.value[:1]  # the user's own change redraws the chart
    assert calls == [True, False]


def test_map_falls_back_to_the_kreis_level_and_reports_missing_map(sample_explorer):
    ex = sample_explorer
    ex.region.value = "17"
    assert "Kreise" in ex.map.note.value or "Höchster" in ex.map.note.value
    assert ex.map._areas["region_code"].str.len().eq(5).all()
