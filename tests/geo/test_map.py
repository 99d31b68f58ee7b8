"""The choropleth block: classification, palette, legend, disclosure, labels, texts."""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb

from toolkit.charts import choropleth
from toolkit.charts._mapdraw import PALETTE, classify
from toolkit.errors import DisclosureError, ParameterError
from toolkit.geo import mark_protected, sample_boundaries
from toolkit.io import DataWarning

from ._rows import area_rows

KREIS = "17053"  # 19 Gemeinden


@pytest.fixture(scope="module")
def geo():
    return sample_boundaries()


def _frame(geo, values=None, flags=None, within=KREIS, level="gemeinde", protected=True):
    areas = geo[(geo["level"] == level) & geo["region_code"].str.startswith(within)]
    return area_rows(areas, level, values, "" if flags is None else flags, protected)


def test_unprotected_frames_are_refused(geo):
    with pytest.raises(DisclosureError, match="geheimhaltungsgeprüft"):
        choropleth(_frame(geo, protected=False), geo, indicator="q", within=KREIS)


def test_quantile_bounds_equal_numpy_percentiles():
    values = np.arange(1.0, 11.0)
    classes, bins = classify(values, "quantiles", 5)
    # Hand/numpy: the 20/40/60/80/100 % percentiles with linear interpolation.
    assert bins == pytest.approx(np.percentile(values, [20, 40, 60, 80, 100]))
    assert classes.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]


def test_natural_breaks_find_obvious_clusters():
    values = np.array([1.0, 1.1, 1.2, 5.0, 5.1, 9.0, 9.2])
    classes, bins = classify(values, "natural_breaks", 3)
    assert bins.tolist() == [1.2, 5.1, 9.2]
    assert classes.tolist() == [0, 0, 0, 1, 1, 2, 2]


def test_class_count_limits():
    with pytest.raises(ParameterError, match="1 bis 5"):
        classify(np.arange(10.0), "quantiles", 6)
    with pytest.raises(ParameterError, match="Klasseneinteilung"):
        classify(np.arange(10.0), "kmeans", 3)
    assert classify(np.array([2.0, 2.0, 3.0]), "quantiles", 5)[1].tolist() == [2.0, 3.0]


def test_palette_is_sequential_in_greyscale():
    # Relative luminance (ITU-R BT.709 on linearised sRGB), as a greyscale print shows it.
    def lum(hex_colour):
        rgb = np.array(to_rgb(hex_colour))
        lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
        return float(lin @ [0.2126, 0.7152, 0.0722])

    steps = np.diff([lum(c) for c in PALETTE])
    assert (steps < -0.05).all()  # strictly darker, each step clearly visible


def test_suppressed_areas_are_hatched_explained_and_never_coloured(geo):
    frame = _frame(geo)
    frame.loc[[2, 7], ["value", "flag"]] = [np.nan, "."]
    frame.loc[11, ["value", "flag"]] = [np.nan, "x"]
    m = choropleth(frame, geo, indicator="q", within=KREIS, title="Quote")
    legend = [t.get_text() for t in m.figure.legends[0].get_texts()]
    assert len([t for t in legend if "bis" in t]) == 5
    assert any("„.“" in t and "Datenschutz" in t for t in legend)
    assert any("„x“" in t for t in legend)
    ax = m.figure.axes[0]
    hatched = [c for c in ax.collections if c.get_hatch()]
    assert sorted(c.get_hatch() for c in hatched) == ["////", "xxxx"]
    assert [len(c.get_paths()) for c in hatched] == [2, 1]
    coloured = ax.collections[0]
    assert len(coloured.get_paths()) == len(frame) - 3
    table = m.table.set_index("Schlüssel")
    hidden = frame.loc[[2, 7, 11], "region_code"]
    assert table.loc[hidden, "Wert"].tolist() == [".", ".", "x"]
    assert (table.loc[hidden, "Klasse"] == "").all()
    assert "3 Gebiete ohne gezeigten Wert" in m.alt_text
    # the class bounds come from the shown values only (the disclosure audit relies on it)
    shown = frame.drop(index=[2, 7, 11])["value"].to_numpy(dtype=float)
    assert np.allclose(m.bins, classify(shown, "quantiles", 5)[1])


def test_no_hatch_entries_without_hidden_values(geo):
    m = choropleth(_frame(geo), geo, indicator="q", within=KREIS, scheme="natural_breaks", k=3)
    legend = [t.get_text() for t in m.figure.legends[0].get_texts()]
    assert len(legend) == 3 and not any("„" in t for t in legend)
    assert len(m.bins) == 3 and m.scheme == "natural_breaks"


def test_texts_attribution_north_and_table(geo):
    frame = _frame(geo)
    top = frame.loc[frame["value"].idxmax()]
    m = choropleth(
        frame, geo, indicator="q", within=KREIS, title="Quote", highlight=top["region_code"]
    )
    texts = [t.get_text() for t in m.figure.texts]
    assert any("Gebietsgrenzen synthetisch" in t and "Quantile" in t for t in texts)
    assert any(t.get_text() == "N" for t in m.figure.axes[0].texts)
    assert f"Höchster Wert in {top['region_name']}" in m.finding
    assert m.alt_text.startswith("Karte: Quote 2024 für die 19 Gemeinden des Kreises")
    columns = ["Region", "Schlüssel", "Wert", "Klasse", "Fallzahl", "Hinweis"]
    assert list(m.table.columns) == columns
    assert "Berichtsregion" in [t.get_text() for t in m.figure.legends[0].get_texts()]
    html = m.to_html()
    assert "<details" in html and 'alt="Karte: Quote' in html


def _table_rows(page: str) -> dict[str, list[str]]:
    """Rows of the map table in the HTML: area (row header) -> the other cells."""
    body = page.split('class="dkbm-figdata dkbm-maptable"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr><th scope="row">([^<]*)</th>(.*?)</tr>', body, flags=re.S)
    return {html.unescape(h): re.findall(r"<td>([^<]*)</td>", r) for h, r in rows}


def test_alt_text_short_and_every_area_reachable_through_the_linked_table(geo):
    """Issue #17: alt text ≤ 250 characters; every area with its value in a table the
    figure links to (caption link and aria-describedby), region names as row headers."""
    frame = _frame(geo)
    frame.loc[4, ["value", "flag"]] = [np.nan, "."]
    long_title = "Anteil der Schulabgängerinnen und Schulabgänger mit allgemeiner Hochschulreife"
    m = choropleth(frame, geo, indicator="q", within=KREIS, title=long_title)
    assert len(m.alt_text) <= 250, m.alt_text
    assert m.alt_text.endswith("Alle 19 Werte in der Tabelle zur Karte."), m.alt_text
    page = m.to_html()
    ident = re.search(r'<details class="dkbm-figdata dkbm-maptable" id="([^"]+)"', page).group(1)
    assert (
        f'<a class="dkbm-tablelink" href="#{ident}-tabelle">' in page
    )  # the caption links the table
    assert f'aria-describedby="{ident}-titel"' in page and f'<summary id="{ident}-titel">' in page
    rows = _table_rows(page)
    areas = geo[(geo["level"] == "gemeinde") & geo["region_code"].str.startswith(KREIS)]
    assert set(rows) == set(areas["region_name"])  # every area, by name
    for code, value, flag in zip(frame["region_code"], frame["value"], frame["flag"], strict=True):
        name = areas.loc[areas["region_code"] == code, "region_name"].iloc[0]
        shown = "." if flag else f"{value:.1f}".replace(".", ",") + "\u00a0%"
        assert rows[name][:2] == [code, shown], (name, rows[name])


def test_small_base_areas_are_marked_and_never_named_highest_or_lowest(geo):
    """A rate on fewer than 20 cases (its denominator) gets "*", a Fallzahl and a note,
    and the texts name the highest/lowest value among the others (issue #17)."""
    frame = _frame(geo)
    top = frame["value"].idxmax()
    frame.loc[top, ["numerator", "denominator"]] = [3.0, 15.0]  # 15 cases: small base
    m = choropleth(frame, geo, indicator="q", within=KREIS, title="Quote")
    rest = frame.drop(index=top)
    second = rest.loc[rest["value"].idxmax(), "region_name"]
    assert f"Höchster Wert in {second} " in m.finding
    assert frame.loc[top, "region_name"] not in m.finding + m.alt_text
    assert "1 Wert auf kleiner Basis (*) nicht verglichen" in m.finding
    row = m.table.set_index("Schlüssel").loc[frame.loc[top, "region_code"]]
    assert row["Wert"].endswith("*") and row["Fallzahl"] == "15"
    assert row["Hinweis"] == "kleine Basis (*): nicht verglichen"


def test_labels_do_not_collide(geo):
    m = choropleth(_frame(geo), geo, indicator="q", within=KREIS)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(m.figure).get_renderer()
    boxes = [t.get_window_extent(renderer) for t in m.figure.axes[0].texts if t.get_text() != "N"]
    assert len(boxes) >= 5
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)


def test_missing_boundaries_or_values_are_named(geo):
    frame = _frame(geo)
    extra = frame.iloc[[0]].assign(region_code="17053999", region_name="Neudorf")
    frame = mark_protected(pd.concat([frame.iloc[1:], extra], ignore_index=True))
    with pytest.warns(DataWarning, match=r"17053999.*Grenze ohne Daten: 17053001"):
        m = choropleth(frame, geo, indicator="q", within=KREIS)
    row = m.table.set_index("Schlüssel").loc["17053001"]
    assert row["Wert"] == "–" and row["Hinweis"] == "keine Daten vorhanden"


def test_kreise_of_a_land_and_sozialraeume_of_a_city(geo):
    kreise = _frame(geo, within="17", level="kreis")
    assert len(choropleth(kreise, geo, indicator="q", within="17").table) == 10
    sr = _frame(geo, within="17001000", level="sozialraum")
    m = choropleth(sr, geo, indicator="q", within="17001000")
    assert len(m.table) == 14 and "Sozialräume" in m.alt_text
