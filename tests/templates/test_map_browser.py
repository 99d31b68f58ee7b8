"""A map's values reach a screen reader (issue #17), checked in headless Chromium.

The rendered Fakten-Check of the shared fixture is opened with Playwright: the map's
image has a short accessible name and points (``aria-describedby``) to the table; the
caption's link opens the folded table, whose row headers are every Gemeinde of the Kreis
(names from regions.csv) with the value as shown.
"""

from __future__ import annotations

import shutil

import pytest

pytestmark = pytest.mark.browser


def test_map_link_opens_a_table_with_every_area_as_row_header(fakten_check, tables):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium fehlt (Debian: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    gemeinden = sorted(tables.name(c) for c in tables.gemeinden("17051"))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.goto(fakten_check["17051"].resolve().as_uri())
            figure = page.locator("figure.dkbm-map")
            image = figure.get_by_role("img")
            name = image.get_attribute("alt")
            assert name and len(name) <= 250 and "Tabelle zur Karte" in name
            described = image.get_attribute("aria-describedby")
            assert page.locator(f"#{described}").inner_text().startswith("Tabelle zur Karte")
            table = figure.locator("details.dkbm-maptable")
            assert table.get_attribute("open") is None  # folded until asked for
            figure.locator("a.dkbm-tablelink").click()
            assert table.get_attribute("open") is not None  # the link unfolds it
            headers = table.get_by_role("rowheader").all_inner_texts()
            assert sorted(h.strip() for h in headers) == gemeinden
            assert table.get_by_role("columnheader").all_inner_texts()[:3] == [
                "Region",
                "Schlüssel",
                "Wert",
            ]
        finally:
            browser.close()
