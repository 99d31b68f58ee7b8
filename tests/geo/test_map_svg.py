"""The map's two renderers (direct SVG, matplotlib figure) and the batch of many maps."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from toolkit.charts import choropleth, choropleths
from toolkit.charts._mapdraw import PALETTE
from toolkit.geo import sample_boundaries

from ._rows import area_rows

SVG = "{http://www.w3.org/2000/svg}"
KREIS = "17053"


@pytest.fixture(scope="module")
def geo():
    return sample_boundaries()


def _gemeinden(geo, within=KREIS):
    areas = geo[(geo["level"] == "gemeinde") & geo["region_code"].str.startswith(within)]
    return area_rows(areas, "gemeinde")


def _areas(svg: bytes) -> dict[str, str]:
    root = ET.fromstring(svg)
    return {
        p.get("data-region"): p.get("fill") for p in root.iter(f"{SVG}path") if p.get("data-region")
    }


def _texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return ["\n".join(s.text or "" for s in t.iter(f"{SVG}tspan")) for t in root.iter(f"{SVG}text")]


def test_svg_colours_every_area_by_its_quantile_class_and_hatches_hidden_ones(geo):
    frame = _gemeinden(geo)
    frame.loc[[2, 7], ["value", "flag"]] = [np.nan, "."]
    frame.loc[11, ["value", "flag"]] = [np.nan, "x"]
    m = choropleth(frame, geo, indicator="q", within=KREIS, title="Quote", highlight="17053001")
    fills = _areas(m.to_svg())
    assert set(fills) == set(frame["region_code"])  # every area drawn once, with its code
    shown = frame.dropna(subset=["value"])
    # Independent reference: quintile bounds as numpy computes them, upper bound included.
    bins = np.percentile(shown["value"], [20, 40, 60, 80, 100])
    expected = np.searchsorted(bins, shown["value"], side="left")
    for code, cls in zip(shown["region_code"], expected, strict=True):
        assert fills[code] == PALETTE[cls]
    hidden = frame.loc[[2, 7, 11], "region_code"].tolist()
    patterns = {fills[c] for c in hidden}
    assert all(f.startswith("url(#dkbm-hatch-") for f in patterns) and len(patterns) == 2
    assert fills[hidden[0]] == fills[hidden[1]] != fills[hidden[2]]
    texts = _texts(m.to_svg())
    assert "Quote" in texts and "Wert (%)" in texts and "Berichtsregion" in texts
    assert any(t.startswith("„.“") and "Datenschutz" in t for t in texts)
    assert any("Gebietsgrenzen synthetisch" in t for t in texts)
    assert "N" in texts


def test_svg_and_figure_draw_the_same_map(geo):
    m = choropleth(_gemeinden(geo), geo, indicator="q", within=KREIS, title="Quote")
    svg = m.to_svg()
    assert svg == m.to_svg()  # deterministic
    ax = m.figure.axes[0]
    figure_fills = sorted(to_hex(c) for c in ax.collections[0].get_facecolors())
    assert sorted(_areas(svg).values()) == figure_fills
    figure_labels = sorted(t.get_text() for t in ax.texts if t.get_text() != "N")
    names = set(m.table["Region"].str.split(",").str[0])
    assert sorted(t for t in _texts(svg) if t in names) == figure_labels
    legend = [t.get_text() for t in m.figure.legends[0].get_texts()]
    assert all(label in _texts(svg) for label in legend)


def test_batch_gives_the_same_maps_as_one_call_per_region(geo):
    gem = geo[geo["level"] == "gemeinde"]
    rng = np.random.default_rng(3)
    frame = area_rows(gem, "gemeinde", rng.uniform(0, 50, len(gem)).round(1))
    kreise = geo.loc[geo["level"] == "kreis", "region_code"].tolist()
    batch = dict(choropleths(frame, geo, indicator="q", within=[*kreise, "17999"], title="Q"))
    assert sorted(batch) == sorted(kreise)  # a region without areas is skipped
    for code in kreise:
        single = choropleth(frame, geo, indicator="q", within=code, title="Q")
        assert batch[code].to_svg() == single.to_svg()
        pd.testing.assert_frame_equal(batch[code].table, single.table)
        assert batch[code].alt_text == single.alt_text


def test_batch_refuses_unprotected_frames(geo):
    from toolkit.errors import DisclosureError

    frame = _gemeinden(geo).copy()
    frame.attrs.clear()
    with pytest.raises(DisclosureError):
        list(choropleths(frame, geo, indicator="q", within=[KREIS]))
