"""Honest charts in the rendered reports (issue #17): one meaning per colour across a
report's charts, Top-N bars sorted by size.

Read from the rendered HTML: the embedded chart images (pixel colours, decoded with
Pillow) and the data tables under the charts. The role colours are the Okabe-Ito values
written out here (own region blue #0072B2, Land orange #E69F00, Bund dark grey #555555),
not taken from the toolkit.
"""

from __future__ import annotations

import base64
import html
import io
import re

import numpy as np
from PIL import Image

REGION, LAND, BUND = (0, 114, 178), (230, 159, 0), (85, 85, 85)


def _charts(path) -> list[tuple[str, np.ndarray]]:
    """(alt text, RGB pixels) of every PNG chart in a report."""
    raw = path.read_text(encoding="utf-8")
    out = []
    for tag in re.findall(r"<img [^>]*>", raw):
        data = re.search(r'src="data:image/png;base64,([^"]+)"', tag)
        if data is None:
            continue  # maps are SVG (their colours are tested in tests/geo)
        alt = re.search(r'alt="([^"]*)"', tag).group(1)
        with Image.open(io.BytesIO(base64.b64decode(data.group(1)))) as img:
            out.append((html.unescape(alt), np.asarray(img.convert("RGB"), dtype=int)))
    return out


def _pixels(image: np.ndarray, colour: tuple[int, int, int], tol: int = 12) -> int:
    return int((np.abs(image - np.array(colour)).max(axis=2) <= tol).sum())


def test_one_meaning_per_colour_in_every_chart_of_a_report(fakten_check, uebergaenge):
    """Line charts draw the own region blue, Land orange, Bund grey; orange appears in no
    other chart (it always means the Land)."""
    for path in (fakten_check["17051"], uebergaenge["17051"]):
        charts = _charts(path)
        lines = [(a, img) for a, img in charts if a.startswith("Liniendiagramm")]
        assert lines, path.name
        for alt, img in lines:
            assert "Musterland" in alt and "Deutschland" in alt, alt
            for colour in (REGION, LAND, BUND):
                assert _pixels(img, colour) > 30, (alt[:60], colour)
        for alt, img in charts:
            if not alt.startswith("Liniendiagramm"):  # bars: blue bars, never Land's orange
                assert _pixels(img, LAND) < 5, alt[:60]


def test_top_n_berufe_sorted_by_size(abbrueche):
    """The Berufe chart (top N) lists its bars by size, largest first, hidden values last."""
    for path in abbrueche.values():
        raw = path.read_text(encoding="utf-8")
        figures = re.findall(r'<figure class="dkbm-chart".*?</figure>', raw, flags=re.S)
        (figure,) = [f for f in figures if "größten Ausbildungsberufen" in f]
        body = figure.split("<tbody>", 1)[1]
        rows = [re.findall(r"<td>(.*?)</td>", r) for r in re.findall(r"<tr>(.*?)</tr>", body)]
        assert len(rows) >= 5, rows
        values = [html.unescape(r[1]).replace("\u00a0", " ").rstrip("*") for r in rows]

        def number(cell: str) -> float:  # "27,4 %"; "–" is an exact zero
            return 0.0 if cell == "–" else float(cell.replace(" %", "").replace(",", "."))

        shown = [number(v) for v in values if v not in (".", "x", "/")]
        assert shown == sorted(shown, reverse=True), values
        hidden = [i for i, v in enumerate(values) if v in (".", "x", "/")]
        assert all(i >= len(shown) for i in hidden), values
