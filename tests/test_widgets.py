"""The indicator explorer: selection logic, disclosure, and the real Voilà app in Chromium."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
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
    shown = ex.output.value
    assert 'class="dkbm-chart"' in shown and "alt=" in shown and "44,0" in shown


def test_changing_the_region_and_the_indicator_updates_the_view(frame):
    ex = IndicatorExplorer(frame, region="17", indicator="q", protect=False)
    ex.comparisons.value = ()
    assert ex.table()["Wert"].tolist() == ["27,5\xa0%", "26,5\xa0%"]
    ex.indicator.value = "n"
    assert ex.table()["Wert"].tolist() == ["3.023", "3.024"]
    ex.region.value = "17051002"
    assert ex.table().empty  # no counts of "n" for the Gemeinde


def test_breakdown_dimension_offered_and_shown(frame):
    ex = IndicatorExplorer(frame, region="17", indicator="q", protect=False)
    assert [value for _, value in ex.dimension.options] == ["", "sex"]
    ex.comparisons.value = ()
    ex.dimension.value = "sex"
    table = ex.table()
    assert table["Kategorie"].tolist() == ["w", "w"]
    assert table["Wert"].tolist() == ["30,0\xa0%", "30,0\xa0%"]


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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.browser
@pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="Debian 'chromium' not installed (apt-get install chromium)",
)
def test_voila_explorer_in_headless_chromium():
    from playwright.sync_api import sync_playwright

    port = _free_port()
    args, env = voila_command(ROOT / "notebooks" / "03_indikatoren_erkunden.ipynb", port=port)
    server = subprocess.Popen(
        args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    requests: list[str] = []
    errors: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/api/shutdown", timeout=1)
            except OSError as exc:
                if getattr(exc, "code", None) is not None:
                    break  # the server answers (with an HTTP error): it is up
                if time.monotonic() > deadline:
                    pytest.fail("Voilà did not start within 60 s")
                time.sleep(0.5)
            else:
                break
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium"),
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--no-first-run",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            )
            page = browser.new_page(viewport={"width": 1100, "height": 1300})
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
            page.wait_for_selector("figure.dkbm-chart img", timeout=180_000)
            first = page.locator("figure.dkbm-chart figcaption").first.text_content()
            assert "Betreuungsquote" in first
            page.locator(".widget-dropdown select").first.select_option(label="Altenquotient")
            page.wait_for_function(
                "() => [...document.querySelectorAll('figure.dkbm-chart figcaption')]"
                ".some(e => e.textContent.includes('Altenquotient'))",
                timeout=120_000,
            )
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "voila_explorer.png"), full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    foreign = [
        u
        for u in requests
        if not u.startswith(f"http://127.0.0.1:{port}/") and not u.startswith("data:")
    ]
    assert foreign == []
    assert errors == []
