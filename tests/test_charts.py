"""Tests for toolkit.charts: hidden values never drawn, German axes, alt text, findings."""

import math

import numpy as np
import pandas as pd
import pytest

from toolkit import charts
from toolkit.errors import DataError, ParameterError

NB = "\u00a0"


def _series(values_region, flags_region=None, values_land=None):
    years = list(range(2020, 2020 + len(values_region)))
    flags_region = flags_region or [""] * len(years)
    values_land = values_land or [20.0] * len(years)
    return pd.DataFrame(
        {
            "region_code": ["17051"] * len(years) + ["17"] * len(years),
            "region_name": ["Kreis A"] * len(years) + ["Musterland"] * len(years),
            "level": ["kreis"] * len(years) + ["land"] * len(years),
            "period": years * 2,
            "indicator": "q",
            "dimension": "",
            "category": "",
            "value": values_region + values_land,
            "unit": "%",
            "flag": flags_region + [""] * len(years),
        }
    )


def test_time_series_hides_suppressed_point_and_writes_finding():
    # 2021 carries a (stale) number but is flagged secret: it must not be drawn or named
    frame = _series([30.0, 99.9, 31.25], ["", ".", ""])
    chart = charts.time_series_chart(frame, "q", "17051", comparisons=["17"], title="Quote")
    ax = chart.figure.axes[0]
    own_line = ax.get_lines()[0]
    y = np.asarray(own_line.get_ydata(), dtype=float)
    assert y[0] == 30.0 and math.isnan(y[1]) and y[2] == 31.25
    assert "99,9" not in chart.alt_text and "99,9" not in chart.finding
    # two shown values give no trend: no "stieg" (issue #17: only where trend() says so)
    assert chart.finding == (
        f"Kreis A: Quote lag 2020 bei 30,0{NB}% und 2022 bei 31,3{NB}% (zu wenige Jahre für "
        f"eine Trendaussage); Musterland 2022: 20,0{NB}%."
    )
    # every line drawn is described (own region and comparison), the hidden value nowhere
    assert f"Kreis A von 30,0{NB}% (2020)" in chart.alt_text
    assert f"Musterland von 20,0{NB}% (2020)" in chart.alt_text
    assert "99,9" not in str(chart.data) and ("2021", ".", f"20,0{NB}%") in chart.data
    # German tick labels; years without thousands separator
    fmt = ax.yaxis.get_major_formatter()
    assert fmt(32.5, 0) == f"32,5{NB}%"
    assert ax.xaxis.get_major_formatter()(2021.0, 0) == "2021"


def test_time_series_falling_constant_and_all_hidden():
    # a steady fall: OLS slope -1,96 per year, 95 % interval -2,02 to -1,90 (statsmodels
    # OLS on x = 0..3, y = 40, 38, 36.1, 34.1) -> beyond noise
    falling = charts.time_series_chart(
        _series([40.0, 38.0, 36.1, 34.1]), "q", "17051", title="Quote"
    )
    assert "sank von 40,0" in falling.finding and "(2023)" in falling.finding
    # up and down around 40 (statsmodels: slope -0,01, interval -2,54 to 2,52): no trend
    noisy = charts.time_series_chart(_series([40.0, 41.5, 39.0, 40.8]), "q", "17051", title="Quote")
    assert "stieg" not in noisy.finding and "sank" not in noisy.finding
    assert noisy.finding.startswith(
        f"Kreis A: Quote blieb 2020–2023 etwa gleich (zwischen 39,0{NB}% und 41,5{NB}%)"
    )
    same = charts.time_series_chart(_series([40.0, 40.04, 40.0]), "q", "17051", title="Quote")
    assert same.finding.startswith(f"Kreis A: Quote blieb 2020–2022 bei 40,0{NB}%")
    single = charts.time_series_chart(_series([40.0, 41.0], [".", ""]), "q", "17051", title="Q")
    assert single.finding.startswith(f"Kreis A: Q lag 2021 bei 41,0{NB}%")
    hidden = charts.time_series_chart(_series([1.0, 2.0], [".", "."]), "q", "17051", title="Q")
    assert "nicht ausgewiesen" in hidden.finding
    assert "1,0" not in hidden.alt_text + hidden.finding


def test_time_series_errors():
    with pytest.raises(DataError, match="Keine Werte"):
        charts.time_series_chart(_series([1.0]), "q", "99999")
    with pytest.raises(DataError, match="Spalten fehlen"):
        charts.time_series_chart(pd.DataFrame({"value": [1.0]}), "q", "17051")


def test_breakdown_hidden_bars_have_no_length_and_no_number():
    frame = pd.DataFrame(
        {
            "category": ["Handwerk", "Freie Berufe", "Industrie und Handel"],
            "value": [36.5, 2.0, 26.84],
            "flag": ["", ".", ""],
        }
    )
    chart = charts.breakdown_chart(frame, title="LQ", reference=("insgesamt", 27.4))
    ax = chart.figure.axes[0]
    widths = [p.get_width() for p in ax.patches]
    assert widths == [36.5, 0.0, 26.84]
    texts = [t.get_text() for t in ax.texts]
    assert f"36,5{NB}%" in texts and f"26,8{NB}%" in texts
    assert not any(t.startswith("2,0") for t in texts)
    assert "nicht ausgewiesen" in texts  # words, not a bare symbol as a label
    assert ("Freie Berufe", ".") in chart.data and len(chart.alt_text) <= 250
    assert chart.finding == (
        f"Höchster Wert: Handwerk (36,5{NB}%), niedrigster: Industrie und Handel (26,8{NB}%); "
        "1 Wert nicht ausgewiesen."
    )
    # drawn top to bottom in the given order
    pos = {t.get_text(): t.get_position()[1] for t in ax.get_yticklabels()}
    assert pos["Handwerk"] > pos["Freie Berufe"] > pos["Industrie und Handel"]


def test_breakdown_counts_and_edge_cases():
    counts = pd.DataFrame({"category": ["a", "b"], "value": [1200.0, 800.0]})
    chart = charts.breakdown_chart(counts, unit="Anzahl", title="Zahl")
    assert chart.finding == "Höchster Wert: a (1.200), niedrigster: b (800)."
    one = charts.breakdown_chart(
        pd.DataFrame({"category": ["a", "b"], "value": [5.0, 3.0], "flag": ["", "/"]}), title="t"
    )
    assert one.finding == f"Ausgewiesen ist nur a (5,0{NB}%); 1 Wert nicht ausgewiesen."
    none = charts.breakdown_chart(
        pd.DataFrame({"category": ["a"], "value": [5.0], "flag": ["."]}), title="t"
    )
    assert none.finding == "Alle Werte aus Datenschutzgründen nicht ausgewiesen."
    with pytest.raises(DataError):
        charts.breakdown_chart(pd.DataFrame({"category": [], "value": []}))


def test_chain_chart_normalises_each_stage_and_skips_hidden():
    stages = pd.DataFrame(
        {
            "stage": ["Sek I"] * 3 + ["Abschluss"] * 2,
            "category": ["Gymnasium", "Realschule", "Hauptschule", "MSA", "AHR"],
            "value": [30.0, 10.0, 2.0, 45.0, 15.0],
            "flag": ["", "", ".", "", ""],
        }
    )
    chart = charts.chain_chart(stages, title="Kette")
    # one panel per stage; Sek I: 30/40 = 75 %, 10/40 = 25 %; the hidden 2 is left out
    assert len(chart.figure.axes) == 2
    widths = [round(p.get_width(), 6) for ax in chart.figure.axes for p in ax.patches]
    assert widths == [75.0, 25.0, 75.0, 25.0]
    assert ("Sek I", "Gymnasium", f"75,0{NB}%") in chart.data
    assert ("Sek I", "Realschule", f"25,0{NB}%") in chart.data and len(chart.data) == 5
    assert chart.finding == (
        f"Größte Gruppe je Stufe: Sek I – Gymnasium (75,0{NB}%); Abschluss – MSA (75,0{NB}%); "
        "1 Anteil nicht ausgewiesen."
    )
    assert len(chart.alt_text) <= 250 and "Sek I – Gymnasium" in chart.alt_text
    bad = stages.assign(flag=".")
    with pytest.raises(DataError, match="keine ausgewiesenen Werte"):
        charts.chain_chart(bad)


def test_estimate_chart_no_overlap_claims_small_base_and_reference():
    est = pd.DataFrame(
        {
            "label": ["Nord", "Süd", "Mitte", "West"],
            "value": [40.0, 70.0, 50.0, 95.0],
            "ci_low": [35.0, 60.0, np.nan, 70.0],
            "ci_high": [45.0, 80.0, np.nan, 99.0],
            "flag": ["", "", "", ""],
            "n": [120, 90, 40, 12],
        }
    )
    chart = charts.estimate_chart(est, title="Bedarf", reference=52.5)
    # West (95 %) rests on 12 answers: never named as highest; no claim from interval overlap
    assert chart.finding == (
        f"Höchster Wert: Süd (70,0{NB}%), niedrigster: Nord (40,0{NB}%); insgesamt 52,5{NB}%."
    )
    assert "überschneid" not in chart.finding + chart.alt_text
    assert len(chart.alt_text) <= 250 and "4 Gruppen" in chart.alt_text
    rows = {r[0]: r[1:] for r in chart.data}
    assert rows["West"] == (f"95,0{NB}%* (70,0{NB}% bis 99,0{NB}%)", "12")
    assert rows["Mitte"][0] == "."  # no interval: not shown
    assert rows["Nord"] == (f"40,0{NB}% (35,0{NB}% bis 45,0{NB}%)", "120")
    # the "insgesamt" line is drawn (dashed, reference colour) at 52,5
    ax = chart.figure.axes[0]
    assert any(
        list(line.get_xdata()) == [52.5, 52.5] and line.get_linestyle() == "--"
        for line in ax.get_lines()
    )
    # items side by side: one panel each, rows shared
    two = pd.concat([est.assign(panel="A"), est.assign(panel="B", value=est["value"] - 1)])
    assert len(charts.estimate_chart(two, title="Zwei").figure.axes) == 2
    with pytest.raises(ParameterError):
        charts.estimate_chart(est, level=95)
    with pytest.raises(DataError):
        charts.estimate_chart(est.iloc[0:0])


def test_html_embeds_png_with_escaped_alt_and_is_deterministic():
    chart = charts.breakdown_chart(
        pd.DataFrame({"category": ["<b>", "c"], "value": [1.0, 2.0]}), title='"x"'
    )
    html = chart._repr_html_()
    assert html.count("<img ") == 1
    assert 'src="data:image/png;base64,' in html
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert "http" not in html
    assert chart.to_png() == chart.to_png()
    # the same chart drawn twice gives the same bytes
    again = charts.breakdown_chart(
        pd.DataFrame({"category": ["<b>", "c"], "value": [1.0, 2.0]}), title='"x"'
    )
    assert again.to_png() == chart.to_png()


def test_palette_is_distinct_okabe_ito():
    assert len(set(charts.OKABE_ITO)) == len(charts.OKABE_ITO) == 8
    assert charts.OKABE_ITO[0] == "#0072B2" and charts.OKABE_ITO[1] == "#E69F00"


def test_axis_formatter_counts():
    f = charts.german_axis_formatter()
    assert f(1500000, 0) == "1.500.000"
    assert f(0.25, 0) == "0,25"
    assert f(-2.5, 0) == "\u22122,5"  # minus sign, not a hyphen


# --- honest charts (#17) ---------------------------------------------------------------


def _three_regions():
    years = [2022, 2023, 2024]
    rows = []
    for code, name, values in (
        ("17051", "Kreis A", [31.0, 32.0, 33.0]),
        ("17", "Musterland", [34.0, 35.0, 36.0]),
        ("DG", "Deutschland", [35.5, 36.0, 37.0]),
    ):
        for year, value in zip(years, values, strict=True):
            rows.append((code, name, year, value))
    frame = pd.DataFrame(rows, columns=["region_code", "region_name", "period", "value"])
    return frame.assign(indicator="q", dimension="", unit="%", flag="")


def test_rate_axis_starts_at_zero_and_colours_mean_one_role():
    frame = _three_regions()
    chart = charts.time_series_chart(frame, "q", "17051", comparisons=["17", "DG"], title="Quote")
    ax = chart.figure.axes[0]
    assert ax.get_ylim()[0] == 0  # values 31-37 %: an axis from 30 % would exaggerate
    colours = [line.get_color() for line in ax.get_lines()]
    assert colours == [charts.ROLE_COLOURS[r] for r in ("region", "land", "bund")]
    # the same roles keep their colours when the order of the comparisons changes
    other = charts.time_series_chart(frame, "q", "17051", comparisons=["DG", "17"], title="Quote")
    by_label = {ln.get_label(): ln.get_color() for ln in other.figure.axes[0].get_lines()}
    assert by_label["Musterland"] == charts.ROLE_COLOURS["land"]
    assert by_label["Deutschland"] == charts.ROLE_COLOURS["bund"]
    # bars are the own region's colour; the reference line is never a Land/Bund colour
    bars = charts.breakdown_chart(
        pd.DataFrame({"category": ["a", "b"], "value": [10.0, 20.0]}), reference=("insgesamt", 15)
    )
    bar_ax = bars.figure.axes[0]
    from matplotlib.colors import to_rgba

    assert {tuple(p.get_facecolor()) for p in bar_ax.patches} == {
        to_rgba(charts.ROLE_COLOURS["region"])
    }
    ref = bar_ax.get_lines()[0].get_color()
    assert ref == charts.REFERENCE_COLOUR and ref not in charts.ROLE_COLOURS.values()


def test_series_alt_text_describes_every_line_and_stays_short():
    chart = charts.time_series_chart(
        _three_regions(), "q", "17051", comparisons=["17", "DG"], title="Betreuungsquote"
    )
    alt = chart.alt_text
    assert len(alt) <= 250, len(alt)
    assert f"Kreis A von 31,0{NB}% (2022) auf 33,0{NB}% (2024)" in alt
    assert f"Musterland von 34,0{NB}% (2022) auf 36,0{NB}% (2024)" in alt
    assert f"Deutschland von 35,5{NB}% (2022) auf 37,0{NB}% (2024)" in alt
    assert chart.data[0] == ("Jahr", "Kreis A", "Musterland", "Deutschland")
    assert chart.data[2] == ("2023", f"32,0{NB}%", f"35,0{NB}%", f"36,0{NB}%")
    html = chart.to_html()
    assert 'data-title="Betreuungsquote"' in html and "Daten zur Abbildung" in html


def test_top_n_bars_sorted_by_size_with_labels_not_overlapping():
    names = [f"Ausbildungsberuf mit sehr langem Namen Nr. {i}" for i in range(12)]
    values = [5.0, 40.0, 12.5, 33.0, 7.0, 21.0, 18.0, 2.5, 29.0, 11.0, 45.0, 16.0]
    frame = pd.DataFrame({"category": names, "value": values, "flag": [""] * 11 + ["."]})
    chart = charts.breakdown_chart(frame, title="Top 12", sort=True)
    ax = chart.figure.axes[0]
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    shown = sorted(zip(values[:11], names[:11], strict=True), reverse=True)
    # top to bottom: largest first, the hidden value last
    assert labels == [n for _, n in shown] + [names[11]]
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(chart.figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.get_yticklabels()]
    boxes += [t.get_window_extent(renderer) for t in ax.texts]  # value labels at the bars
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap_w = min(a.x1, b.x1) - max(a.x0, b.x0)
            overlap_h = min(a.y1, b.y1) - max(a.y0, b.y0)
            assert overlap_w <= 0.5 or overlap_h <= 0.5, (a, b)
