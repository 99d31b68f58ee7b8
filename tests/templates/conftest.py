"""Session-wide runs of the real report templates through the batch runner.

Kernels are slow, so each template runs once per session for two regions of
different levels, and the tests read the rendered HTML.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from toolkit.reports import run_batch

from .expected import SAMPLE, Tables

#: Region planted with a unique value in the isolation test, and its neighbours.
PLANTED = "17051005"
OTHERS = ("17051012", "17052")
PLANTED_RATE = 71.3


def _run(
    template: str, regions: str, out: Path, *, may_fail: tuple[str, ...] = (), **kwargs
) -> dict[str, Path]:
    """Run a batch; regions in ``may_fail`` map to their failed manifest entry instead."""
    result = run_batch(
        template,
        regions=regions,
        period=2024,
        out=out,
        jobs=2,
        formats="html",
        progress=False,
        **kwargs,
    )
    failed = [
        (e["region"], e["error"])
        for e in result.entries
        if e["status"] != "ok" and e["region"] not in may_fail
    ]
    assert not failed, failed
    folder = Path(result.out_dir)  # the template's own name, also when called by an alias
    return {
        e["region"]: folder / e["outputs"][0] if e["status"] == "ok" else e for e in result.entries
    }


@pytest.fixture(scope="session")
def publication(tmp_path_factory) -> Path:
    """One protected set for every Musterland batch of the session, protected and audited once.

    Batches reuse it by input hash, as the batches of a real quarter do.
    """
    return tmp_path_factory.mktemp("publication")


@pytest.fixture(scope="session")
def tables() -> Tables:
    return Tables()


@pytest.fixture(scope="session")
def fakten_check(tmp_path_factory, publication) -> dict[str, Path]:
    """Fakten-Check Frühe Bildung for a Kreis and one of its Gemeinden."""
    out = tmp_path_factory.mktemp("fc")
    return _run("fakten_check", "17051,17051005", out, publication_dir=publication)


@pytest.fixture(scope="session")
def befragung(tmp_path_factory, publication) -> dict[str, Path]:
    """Fakten-Check Familienbefragung: the surveyed kreisfreie Stadt and a Kreis without survey.

    The Kreis has no survey data: its report fails (NoSurveyDataError), its entry is kept.
    """
    out = tmp_path_factory.mktemp("fcb")
    return _run(
        "fakten_check",
        "17001,17051",
        out,
        may_fail=("17051",),
        parameters={"topic": "befragung"},
        publication_dir=publication,
    )


@pytest.fixture(scope="session")
def uebergaenge(tmp_path_factory, publication) -> dict[str, Path]:
    """Übergänge for a Landkreis and the Gemeinde of a kreisfreie Stadt."""
    out = tmp_path_factory.mktemp("ue")
    return _run("uebergaenge", "17051,17001000", out, publication_dir=publication)


@pytest.fixture(scope="session")
def abbrueche(tmp_path_factory, publication) -> dict[str, Path]:
    """Ausbildungsabbrüche for a Landkreis and a kreisfreie Stadt."""
    out = tmp_path_factory.mktemp("ab")
    return _run("ausbildungsabbrueche", "17051,17001", out, publication_dir=publication)


@pytest.fixture(scope="session")
def topics(tmp_path_factory, publication) -> dict[str, dict[str, Path]]:
    """Fakten-Check Schule and Ausbildung for a Kreis and a kreisfreie Stadt.

    With ``fakten_check`` (Frühe Bildung) and ``befragung`` every topic has a rendered
    report; the PDF tests print them (page counts, page fill).
    """
    return {
        topic: _run(
            "fakten_check",
            "17051,17001",
            tmp_path_factory.mktemp(f"fc_{topic}"),
            parameters={"topic": topic},
            publication_dir=publication,
        )
        for topic in ("schule", "ausbildung")
    }


class Printed:
    """PDFs printed from the session's rendered reports, each at most once.

    ``pdfs.of("uebergaenge", "17051")`` prints the report of that fixture and region
    with Chromium (the step ``--format pdf`` runs) on first use and hands the same
    file to every later test. Fixtures are asked for only when a test needs them.
    """

    def __init__(self, request: pytest.FixtureRequest, folder: Path) -> None:
        self._request = request
        self._folder = folder
        self._done: dict[tuple[str, str], Path] = {}

    def of(self, report: str, region: str) -> Path:
        from toolkit.reports.render import find_chromium, html_to_pdf

        if not find_chromium():
            pytest.skip("Chromium fehlt (Debian: apt-get install chromium poppler-utils)")
        key = (report, region)
        if key not in self._done:
            html_path = self.html(report, region)
            self._done[key] = html_to_pdf(html_path, self._folder / f"{report}_{region}.pdf")
        return self._done[key]

    def html(self, report: str, region: str) -> Path:
        """The rendered HTML report a PDF is printed from."""
        if report in ("schule", "ausbildung"):
            return self._request.getfixturevalue("topics")[report][region]
        return self._request.getfixturevalue(report)[region]


@pytest.fixture(scope="session")
def pdfs(request, tmp_path_factory) -> Printed:
    """The session's PDFs (printed on demand, once each)."""
    return Printed(request, tmp_path_factory.mktemp("pdf"))


def plant_unique_rate(directory: Path) -> float:
    """Change the Kita counts of one Gemeinde so its 2024 u3 rate is about PLANTED_RATE %.

    Returns the planted rate computed from the modified tables.
    """
    t = Tables(directory)
    pop = t.population
    p = pop[(pop["region_code"] == PLANTED) & (pop["year"] == 2023) & pop["age"].isin([0, 1, 2])]
    target = round(PLANTED_RATE / 100 * p["population"].sum())
    kita = t.kita.copy()
    rows = (kita["region_code"] == PLANTED) & (kita["year"] == 2024) & (kita["age_group"] == "u3")
    tagespflege = kita.loc[rows & (kita["care_type"] == "tagespflege"), "children"].sum()
    kita.loc[rows & (kita["care_type"] == "kita"), "children"] = target - tagespflege
    kita.to_csv(directory / "kita.csv", index=False)
    return Tables(directory).betreuungsquote(PLANTED, 2024)


@pytest.fixture(scope="session")
def isolation(tmp_path_factory) -> tuple[float, dict[str, Path]]:
    data = tmp_path_factory.mktemp("planted") / "musterland"
    shutil.copytree(SAMPLE, data)
    rate = plant_unique_rate(data)
    assert abs(rate - PLANTED_RATE) < 0.1
    assert isinstance(pd.read_csv(data / "kita.csv"), pd.DataFrame)
    reports = _run(
        "fakten_check",
        ",".join([PLANTED, *OTHERS]),
        tmp_path_factory.mktemp("iso"),
        data_dir=data,
        audit=False,  # other data: its own protected set; the audit is tested on Musterland
    )
    return rate, reports
