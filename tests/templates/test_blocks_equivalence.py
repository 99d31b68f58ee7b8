"""The templates rewritten on toolkit.blocks render what the one-call builders rendered.

Reference ("before"): the content builders the templates called until session 5
(:func:`toolkit.reports.content.fakten_check`, ``uebergaenge``,
``ausbildungsabbrueche``), run in this process on the same protected set and
rendered by the same renderer, cell by cell as the old templates showed them.
"After": the reports of the shared fixtures, made by the rewritten templates
through the batch runner. Visible text, alt texts and captions must be equal.
The one intended difference: no empty "Grafiken" heading when no chart can be drawn.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from toolkit.blocks._data import _WithShared
from toolkit.disclosure import load_publication
from toolkit.reports.content import (
    NoSurveyDataError,
    ausbildungsabbrueche,
    fakten_check,
    uebergaenge,
    warm,
)
from toolkit.reports.layout import load_bericht_config
from toolkit.reports.registry import get_template
from toolkit.reports.render import render_html
from toolkit.reports.runtime import load_dataset

from .expected import SAMPLE, captions, images, page_text

CAVEAT = (
    "**Vertragslösung ist nicht gleich Ausbildungsabbruch.** Die Vertragslösungsquote zählt\n"
    "vorzeitig gelöste Ausbildungsverträge (Schichtenmodell des BIBB). Viele Auszubildende, deren\n"
    "Vertrag gelöst wird, setzen ihre Ausbildung in einem anderen Betrieb oder einem anderen Beruf\n"
    "fort; die Quote misst daher keine endgültigen Abbrüche der Berufsausbildung."
)


def _html_cell(html: str):
    out = nbformat.v4.new_output("execute_result", {"text/html": str(html)}, execution_count=1)
    return nbformat.v4.new_code_cell("", outputs=[out])


def _before(parts, report: Path, *, caveat: bool = False) -> Path:
    """Render the builder's parts as the old eight-cell template showed them."""
    cells = [_html_cell(parts.header)]
    if caveat:
        cells.append(nbformat.v4.new_markdown_cell(CAVEAT))
    cells += [_html_cell(parts.summary), _html_cell(parts.key_figures)]
    if parts.charts:  # the old template showed an empty "Grafiken" heading here
        cells.append(_html_cell(parts.charts_html()))
    cells += [_html_cell(parts.notes), _html_cell(parts.appendix)]
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    # the executed template keeps its name and version (Impressum line); so does the reference
    folder = report.parent.name
    name = "fakten_check" if folder.startswith("fakten_check") else folder
    nb.metadata["dkbm"] = {"name": name, "version": get_template(name).version}
    raw = report.read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", raw, flags=re.S).group(1)
    region = re.search(r"<h1>[^:]*: (.*?), \d{4}", raw).group(1)
    html = render_html(
        nb,
        title=title,
        bericht=load_bericht_config(SAMPLE),
        region_name=region.replace("&#x27;", "'"),
    )
    out = report.with_suffix(".before.html")
    out.write_text(html, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def dataset(publication):
    ds = load_dataset()
    return _WithShared(ds, warm(ds, publication=load_publication(publication)))


def _first_difference(a: str, b: str) -> str:
    at = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    return f"at {at}: before …{a[max(0, at - 120) : at + 200]!r}… after …{b[max(0, at - 120) : at + 200]!r}…"


def _same(before: Path, after: Path) -> None:
    old, new = page_text(before), page_text(after)
    assert new == old, _first_difference(old, new)
    assert images(after) == images(before)
    assert captions(after) == captions(before)


@pytest.mark.parametrize("region", ["17051", "17051005"])
def test_fakten_check_equivalent(fakten_check, dataset, region):
    parts = fakten_check_builder(dataset, region)
    _same(_before(parts, fakten_check[region]), fakten_check[region])


def fakten_check_builder(dataset, region, **kwargs):
    return fakten_check(dataset, region, 2024, **kwargs)


def test_befragung_equivalent(befragung, dataset):
    parts = fakten_check_builder(dataset, "17001", topic="befragung")
    _same(_before(parts, befragung["17001"]), befragung["17001"])


def test_befragung_without_survey_fails_the_same_way(befragung, dataset):
    """A Kreis without survey data: the builder and the blocks template both refuse the report."""
    with pytest.raises(NoSurveyDataError) as before:
        fakten_check_builder(dataset, "17051", topic="befragung")
    after = befragung["17051"]  # the failed manifest entry of the blocks template
    assert after["status"] == "failed" and "NoSurveyDataError" in after["error"]
    assert str(before.value).splitlines()[0] in after["error"]


@pytest.mark.parametrize("region", ["17051", "17001000"])
def test_uebergaenge_equivalent(uebergaenge, dataset, region):
    _same(_before(uebergaenge_builder(dataset, region), uebergaenge[region]), uebergaenge[region])


def uebergaenge_builder(dataset, region):
    return uebergaenge(dataset, region, 2024)


@pytest.mark.parametrize("region", ["17051", "17001"])
def test_vertragsloesungen_equivalent(abbrueche, dataset, region):
    parts = ausbildungsabbrueche(dataset, region, 2024)
    _same(_before(parts, abbrueche[region], caveat=True), abbrueche[region])
