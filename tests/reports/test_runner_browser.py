"""Open a rendered report in headless Chromium; print one to PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.reports.render import html_to_pdf

from .conftest import ARTIFACTS, batch

pytestmark = pytest.mark.browser


def test_report_opens_without_console_errors_or_foreign_requests(ok_runs, chromium):
    from playwright.sync_api import sync_playwright

    outs, _ = ok_runs
    page_path = outs[0] / "2024" / "ok" / "17001_testkreis-nord.html"
    url = page_path.resolve().as_uri()
    requests: list[str] = []
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(url, wait_until="networkidle")
            heading = page.locator("h2").first.inner_text()
            lang = page.evaluate("document.documentElement.lang")
            image_ok = page.evaluate(
                "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"
            )
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report_ok_17001.png"), full_page=True)
        finally:
            browser.close()
    assert problems == []
    foreign = [r for r in requests if not r.startswith(("file://", "data:"))]
    assert foreign == []
    assert requests[0] == url
    assert heading.startswith("Testkreis Nord (17001), 2024")
    assert lang == "de" and image_ok
    assert (ARTIFACTS / "report_ok_17001.png").stat().st_size > 10_000


def test_pdf_output_from_the_same_html(tmp_path, chromium):
    result = batch("ok", "17003", tmp_path, formats="html,pdf")
    assert result.exit_code == 0, result.entries
    folder = tmp_path / "2024" / "ok"
    pdf = folder / "17003_testkreis-sued.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 5_000
    assert sorted(result.entries[0]["outputs"]) == [
        "17003_testkreis-sued.html",
        "17003_testkreis-sued.pdf",
    ]


def test_missing_chromium_gives_install_hint(tmp_path, monkeypatch):
    from toolkit.errors import DkbmError

    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("DKBM_CHROMIUM", raising=False)
    source = Path(tmp_path, "r.html")
    source.write_text("<html lang='de'></html>", encoding="utf-8")
    with pytest.raises(DkbmError, match="apt-get install chromium"):
        html_to_pdf(source, tmp_path / "r.pdf")
