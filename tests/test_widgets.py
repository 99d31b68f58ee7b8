"""The indicator explorer: selection logic, disclosure, and the real Voilà app in Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
import pytest

from toolkit.errors import ParameterError
from toolkit.widgets import IndicatorExplorer, voila_command

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
    assert ex.map.image.value[:4] == b"\x89PNG"
    ax = ex.map._axes
    target = (
        ex.map._areas.set_index("region_code").loc["17053014", "geometry"].representative_point()
    )
    x, y = ax.transData.transform((target.x, target.y))
    height = ax.figure.get_figheight() * ax.figure.dpi
    ex.map._on_click({"type": "click", "dataX": x, "dataY": height - y})
    assert ex.region.value == "17053014"
    assert ex.table()["Region"].iloc[0] == ex._region_names["17053014"]
    # The redraw after a selection is fast (issue: under 1 s on the idle machine; the bound
    # scales with the load of a shared machine, figures in RESULTS.md).
    assert ex.map.last_seconds < 1.0 * max(1.0, os.getloadavg()[0] / 2.0)


def test_map_falls_back_to_the_kreis_level_and_reports_missing_map(sample_explorer):
    ex = sample_explorer
    ex.region.value = "17"
    assert "Kreise" in ex.map.note.value or "Höchster" in ex.map.note.value
    assert ex.map._areas["region_code"].str.len().eq(5).all()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="Debian 'chromium' not installed (apt-get install chromium)",
)


@contextlib.contextmanager
def _voila(tmp_path: Path, *, pool_size: int = 1, cull_after: int = 120):
    """Serve the explorer notebook; yield (port, server) once the kernel pool is filled."""
    from toolkit.widgets import prepare_explorer

    prepare_explorer()  # the protected data set is computed (or found in the cache) first
    port = _free_port()
    args, env = voila_command(
        ROOT / "notebooks" / "03_indikatoren_erkunden.ipynb",
        port=port,
        pool_size=pool_size,
        cull_after=cull_after,
    )
    log = tmp_path / "voila.log"
    with log.open("w") as sink:
        server = subprocess.Popen(args, env=env, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while "dkbm-explorer bereit" not in log.read_text():  # the pre-heated kernel ran
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("Voilà did not fill its kernel pool:\n" + log.read_text()[-3000:])
            time.sleep(0.5)
        yield port, server
    finally:
        server.terminate()
        server.wait(timeout=60)


def _kernels(server: subprocess.Popen) -> list[psutil.Process]:
    """Running kernels of the server; a culled kernel that is already gone or a zombie
    (exited, not yet reaped) holds no memory and is not counted."""
    found = []
    for p in psutil.Process(server.pid).children(recursive=True):
        try:
            if p.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(p.cmdline()):
                found.append(p)
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
    return found


def _rss(p: psutil.Process) -> int:
    try:
        return p.memory_info().rss
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return 0  # exited between listing and reading: holds no memory


@pytest.mark.browser
@needs_chromium
def test_voila_explorer_in_headless_chromium(tmp_path):
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    errors: list[str] = []
    with _voila(tmp_path) as (port, _server), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=_CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1400})
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        start = time.monotonic()
        page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
        page.wait_for_selector("figure.dkbm-chart img", timeout=120_000)
        first_paint = time.monotonic() - start
        first = page.locator("figure.dkbm-chart figcaption").first.text_content()
        assert "Betreuungsquote" in first
        assert page.locator("text=Für Analystinnen").count() == 0  # analyst notes stay hidden
        # Indicator by its German name.
        page.locator(".widget-dropdown select").first.select_option(label="Altenquotient")
        page.wait_for_function(
            "() => [...document.querySelectorAll('figure.dkbm-chart figcaption')]"
            ".some(e => e.textContent.includes('Altenquotient'))",
            timeout=60_000,
        )
        # A breakdown keeps a chart (bars by category, German labels) on screen.
        page.locator(".widget-dropdown select").first.select_option(label="Bevölkerung")
        page.locator(".widget-dropdown select").nth(1).select_option(label="Geschlecht")
        page.wait_for_function(
            "() => [...document.querySelectorAll('figure.dkbm-chart figcaption')]"
            ".length > 0 && document.body.innerText.includes('weiblich')",
            timeout=60_000,
        )
        page.locator(".widget-dropdown select").nth(1).select_option(label="(insgesamt)")
        # Search a region by name and pick it.
        page.locator("input[placeholder^='Name oder Schlüssel']").fill("Klein Schilfau, Stadt")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.widget-select select option')]"
            ".some(o => o.textContent.replace(/\\u00a0/g, ' ').startsWith('Klein Schilfau, Stadt'))",
            timeout=30_000,
        )
        page.locator(".widget-select select").first.select_option(index=0)
        page.wait_for_selector("table.dkbm-table td:has-text('Klein Schilfau')", timeout=30_000)
        # Click in the map: the middle of the image lies in some Gemeinde of the Kreis.
        table_before = page.locator("table.dkbm-table").first.inner_text()
        box = page.locator(".widget-image").first.bounding_box()
        start = time.monotonic()
        page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.55)
        page.wait_for_function(
            "(before) => document.querySelector('table.dkbm-table').innerText !== before",
            arg=table_before,
            timeout=30_000,
        )
        click_to_table = time.monotonic() - start
        assert page.locator("a[download$='.csv']").count() == 1
        assert page.locator("a[download$='.xlsx']").count() == 1
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "voila_explorer.png"), full_page=True)
        browser.close()
    foreign = [
        u
        for u in requests
        # blob: URLs are the map image held in the page itself (same origin)
        if not u.startswith(
            (f"http://127.0.0.1:{port}/", f"blob:http://127.0.0.1:{port}/", "data:")
        )
    ]
    assert foreign == []
    assert errors == []
    load = os.getloadavg()[0]
    (ARTIFACTS / "voila_timing.txt").write_text(
        f"first_paint_s={first_paint:.2f}\nclick_to_table_s={click_to_table:.2f}\nload={load:.1f}\n"
    )
    # Goal (issue 19): content within 3 s on the idle 2-core machine. On a machine shared
    # by several jobs (load above 2) the bound scales with the load; RESULTS.md has figures.
    assert first_paint < 3.0 * max(1.0, load / 2.0), f"first content after {first_paint:.1f} s"
    assert click_to_table < 3.0 * max(1.0, load / 2.0)


@pytest.mark.browser
@needs_chromium
def test_voila_memory_stays_bounded_over_twenty_visits(tmp_path):
    from playwright.sync_api import sync_playwright

    cull_after = 8
    with (
        _voila(tmp_path, pool_size=1, cull_after=cull_after) as (port, server),
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=_CHROMIUM_ARGS)
        peak = 0
        for _visit in range(20):
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/", timeout=180_000)
            page.wait_for_selector("figure.dkbm-chart img", timeout=180_000)
            page.close()
            peak = max(peak, len(_kernels(server)))
        browser.close()
        deadline = time.monotonic() + 120
        while len(_kernels(server)) > 2 and time.monotonic() < deadline:
            time.sleep(1)
        kernels = _kernels(server)
        rss = (
            sum(_rss(k) for k in kernels) + psutil.Process(server.pid).memory_info().rss
        )
    (ARTIFACTS / "voila_memory.txt").write_text(
        f"visits=20 peak_kernels={peak} kernels_after={len(kernels)} rss_after_mb={rss / 2**20:.0f}\n"
    )
    # What stays: the pre-heated kernel (and at most one still refilling), never one per visit.
    assert len(kernels) <= 2
    assert rss < 1.5 * 2**30
