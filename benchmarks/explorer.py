"""Explorer benchmark: first content after page load and map-click -> table, wall and CPU.

Usage::

    python benchmarks/explorer.py [--data data_samples/deutschland] [--visits 5]

Serves ``notebooks/03_indikatoren_erkunden.ipynb`` with Voilà as ``make explore`` does
(protected data from the cache, one pre-heated kernel), then opens the page
``--visits`` times in headless Chromium (Playwright, Debian ``chromium``), each in
a fresh browser context (nothing cached), and measures

- first content: from ``page.goto`` to the first chart image on screen;
- a click in the map -> the table shows the clicked region;
- the CPU seconds the browser, the Voilà server and its kernels used in the
  meantime (``psutil``; comparable on a shared machine, unlike wall time).

Visits come one after the other, each once the pool holds a pre-heated kernel again.

Goals (issue 19): first content under 3 s, map redraw under 1 s. Prints the load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from playwright.sync_api import sync_playwright

from toolkit.widgets import prepare_explorer, voila_command

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def _cpu(pids: list[int]) -> float:
    """User + system CPU seconds of processes and their children (alive ones)."""
    total = 0.0
    for pid in pids:
        try:
            root = psutil.Process(pid)
            for p in [root, *root.children(recursive=True)]:
                t = p.cpu_times()
                total += t.user + t.system
        except psutil.NoSuchProcess:
            continue
    return total


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=None, help="data directory (default: Musterland)")
    parser.add_argument("--visits", type=int, default=5)
    args = parser.parse_args()
    data = Path(args.data).resolve() if args.data else None
    prepare_explorer(data)
    port = _port()
    command, env = voila_command(ROOT / "notebooks" / "03_indikatoren_erkunden.ipynb", port=port)
    if data is not None:
        env["DKBM_EXPLORER_DATA"] = str(data)
    log = Path(tempfile.mkdtemp()) / "voila.log"
    with log.open("w") as sink:
        server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT)
    try:
        start = time.monotonic()
        while "dkbm-explorer bereit" not in log.read_text():
            if server.poll() is not None or time.monotonic() - start > 300:
                sys.exit("Voilà did not start:\n" + log.read_text()[-2000:])
            time.sleep(0.2)
        print(
            f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, {os.cpu_count()} CPUs, "
            f"load {os.getloadavg()[0]:.1f}; data: {data or 'Musterland'}; "
            f"server + pre-heated kernel ready after {time.monotonic() - start:.1f} s"
        )
        firsts, first_cpu, clicks, click_cpu = [], [], [], []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
            pids = [server.pid, browser_pid(browser)]
            for visit in range(args.visits):
                # One visitor after the other, as on a Bildungsbüro's server: the pool has
                # refilled its pre-heated kernel before the next visit (the 20-visit test in
                # tests/test_explorer_browser.py covers visits back to back).
                wait = time.monotonic()
                while log.read_text().count("dkbm-explorer bereit") < visit + 1:
                    if time.monotonic() - wait > 300:
                        sys.exit("the kernel pool did not refill")
                    time.sleep(0.2)
                context = browser.new_context(viewport={"width": 1200, "height": 1400})
                page = context.new_page()
                cpu, start = (_cpu(pids[:1]), _cpu(pids[1:])), time.monotonic()
                page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
                page.wait_for_selector("figure.dkbm-chart img", timeout=120_000)
                firsts.append(time.monotonic() - start)
                first_cpu.append((_cpu(pids[:1]) - cpu[0], _cpu(pids[1:]) - cpu[1]))
                page.wait_for_selector(".widget-image", timeout=30_000)
                before = page.locator("table.dkbm-table").first.inner_text()
                box = page.locator(".widget-image").first.bounding_box()
                cpu, start = _cpu(pids), time.monotonic()
                page.mouse.click(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5)
                page.wait_for_function(
                    "(b) => document.querySelector('table.dkbm-table').innerText !== b",
                    arg=before,
                    timeout=60_000,
                )
                clicks.append(time.monotonic() - start)
                click_cpu.append(_cpu(pids) - cpu)
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=60)
    print(
        f"first content after page load: median {statistics.median(firsts):.2f} s "
        f"(min {min(firsts):.2f}, max {max(firsts):.2f}; {len(firsts)} visits), "
        f"CPU median {statistics.median(a + b for a, b in first_cpu):.2f} s: server + kernels "
        f"{statistics.median(a for a, _ in first_cpu):.2f} s, browser "
        f"{statistics.median(b for _, b in first_cpu):.2f} s"
    )
    print(
        f"map click -> table updated: median {statistics.median(clicks):.2f} s "
        f"(max {max(clicks):.2f}), CPU median {statistics.median(click_cpu):.2f} s"
    )
    print(f"load at the end {os.getloadavg()[0]:.1f}")


def browser_pid(browser) -> int:
    """Process id of the Chromium Playwright started (its children are the renderers)."""
    me = psutil.Process()
    found = [p for p in me.children(recursive=True) if "chrom" in p.name().lower()]
    roots = [p for p in found if p.parent() is None or "chrom" not in p.parent().name().lower()]
    return (roots or found)[0].pid


if __name__ == "__main__":
    main()
