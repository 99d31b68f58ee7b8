"""The explorer served by Voilà, driven in headless Chromium (Playwright + Debian chromium).

Musterland (the sample Land) and the real data set ``data_samples/deutschland``
(official figures of all 400 Kreise, BKG boundaries). Marked ``browser``; skipped
without ``chromium``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from toolkit.widgets import voila_command

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"


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
def _voila(
    tmp_path: Path,
    *,
    pool_size: int = 1,
    cull_after: int = 120,
    fill_delay: float = 3.0,
    data_dir: Path | None = None,
):
    """Serve the explorer notebook; yield (port, server) once the kernel pool is filled."""
    from toolkit.widgets import prepare_explorer

    prepare_explorer(data_dir)  # the protected data set is computed (or found in the cache) first
    port = _free_port()
    args, env = voila_command(
        ROOT / "notebooks" / "03_indikatoren_erkunden.ipynb",
        port=port,
        pool_size=pool_size,
        cull_after=cull_after,
        fill_delay=fill_delay,
    )
    if data_dir is not None:
        env["DKBM_EXPLORER_DATA"] = str(data_dir)
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


def _check_visit(
    port: int,
    requests: list[str],
    errors: list[str],
    first_paint: float,
    click_to_table: float,
    timing_file: str,
) -> None:
    """What every visit must satisfy: same-origin requests only, no console errors, timing.

    ``blob:`` URLs are the map image held in the page itself (same origin). Goal (issue
    19): content within 3 s on the idle 2-core machine; on a machine shared by several
    jobs (load above 2) the bound scales with the load; RESULTS.md has the figures.
    """
    own = (f"http://127.0.0.1:{port}/", f"blob:http://127.0.0.1:{port}/", "data:")
    assert [u for u in requests if not u.startswith(own)] == []
    assert errors == []
    load = os.getloadavg()[0]
    (ARTIFACTS / timing_file).write_text(
        f"first_paint_s={first_paint:.2f}\nclick_to_table_s={click_to_table:.2f}\nload={load:.1f}\n"
    )
    bound = 3.0 * max(1.0, load / 2.0)
    assert first_paint < bound, f"first content after {first_paint:.1f} s (load {load:.1f})"
    assert click_to_table < bound, f"click to table {click_to_table:.1f} s (load {load:.1f})"


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
        # Altenquotient has a Geschlecht breakdown too: wait for Bevölkerung's own breakdowns
        # (Altersgruppe) before choosing one, or the indicator's update may arrive after the choice.
        page.locator(".widget-dropdown select").first.select_option(label="Bevölkerung")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.widget-dropdown select')][1]"
            ".textContent.includes('Altersgruppe')",
            timeout=60_000,
        )
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
    _check_visit(port, requests, errors, first_paint, click_to_table, "voila_timing.txt")


@pytest.mark.browser
@needs_chromium
def test_voila_memory_stays_bounded_over_twenty_visits(tmp_path):
    from playwright.sync_api import sync_playwright

    cull_after = 8
    with (
        # refills start at once, as close to each other as they can come
        _voila(tmp_path, pool_size=1, cull_after=cull_after, fill_delay=0) as (port, server),
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
        rss = sum(_rss(k) for k in kernels) + psutil.Process(server.pid).memory_info().rss
    (ARTIFACTS / "voila_memory.txt").write_text(
        f"visits=20 peak_kernels={peak} kernels_after={len(kernels)} rss_after_mb={rss / 2**20:.0f}\n"
    )
    # What stays: the pre-heated kernel (and at most one still refilling), never one per visit.
    assert len(kernels) <= 2
    assert rss < 1.5 * 2**30


DEUTSCHLAND = ROOT / "data_samples" / "deutschland"


def _kreise(land: str) -> set[str]:
    with (DEUTSCHLAND / "regions.csv").open(encoding="utf-8") as f:
        return {
            r["region_name"]
            for r in csv.DictReader(f)
            if r["level"] == "kreis" and r["region_code"].startswith(land)
        }


@pytest.mark.browser
@needs_chromium
def test_voila_explorer_on_the_real_data_set(tmp_path):
    """Official figures of all 400 Kreise with the BKG boundaries, as a user drives it."""
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    errors: list[str] = []
    hessen = _kreise("06")
    with (
        _voila(tmp_path, data_dir=DEUTSCHLAND) as (port, _server),
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=_CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1400}, accept_downloads=True)
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        start = time.monotonic()
        page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
        page.wait_for_selector("figure.dkbm-chart img", timeout=120_000)
        first_paint = time.monotonic() - start
        # First view: Schleswig-Holstein with its Kreise on the map (BKG VG1000).
        page.wait_for_selector(".widget-image", timeout=30_000)
        note = page.locator(".widget-image + .widget-html").first.inner_text()
        assert "Höchster Wert in" in note
        # the map names areas as the BKG does ("Neumünster"; the data: "Neumünster, Stadt")
        assert any(name.split(",")[0] in note for name in _kreise("01"))
        # The region picker finds a real Kreis by part of its name.
        page.locator("input[placeholder^='Name oder Schlüssel']").fill("gießen")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.widget-select select option')]"
            ".some(o => o.textContent.replace(/\\u00a0/g, ' ').startsWith('Gießen, Landkreis'))",
            timeout=30_000,
        )
        option = page.locator(".widget-select select option", has_text="Gießen, Landkreis")
        page.locator(".widget-select select").first.select_option(
            value=option.first.get_attribute("value")
        )
        page.wait_for_selector("table.dkbm-table td:has-text('Gießen, Landkreis')", timeout=30_000)
        # The map now shows the Kreise of Hessen, the report region's neighbours.
        page.wait_for_function(
            "(names) => { const t = document.querySelector('.widget-image + .widget-html')"
            ".innerText; return names.some(n => t.includes(n)); }",
            arg=sorted({name.split(",")[0] for name in hessen}),
            timeout=30_000,
        )
        # A click in the map selects the Kreis under the pointer; the table follows.
        table_before = page.locator("table.dkbm-table").first.inner_text()
        map_before = page.locator(".widget-image").first.get_attribute("src")
        box = page.locator(".widget-image").first.bounding_box()
        start = time.monotonic()
        page.mouse.click(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.35)
        page.wait_for_function(
            "(before) => document.querySelector('table.dkbm-table').innerText !== before",
            arg=table_before,
            timeout=30_000,
        )
        click_to_table = time.monotonic() - start
        picked = page.locator("table.dkbm-table tbody tr td").first.inner_text()
        assert picked in hessen and picked != "Gießen, Landkreis"
        # ... and the map is redrawn with the picked Kreis outlined (a new image).
        page.wait_for_function(
            "(before) => document.querySelector('.widget-image').src !== before",
            arg=map_before,
            timeout=30_000,
        )
        # Export: the CSV holds the table shown.
        with page.expect_download() as download:
            page.locator("a[download$='.csv']").first.click()
        text = Path(download.value.path()).read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert rows[0][0] == "Region" and rows[1][0] == picked
        assert page.locator("a[download$='.xlsx']").count() == 1
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "voila_explorer_deutschland.png"), full_page=True)
        browser.close()
    _check_visit(
        port, requests, errors, first_paint, click_to_table, "voila_timing_deutschland.txt"
    )
