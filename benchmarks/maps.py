"""Map benchmark: 400 Kreis maps, the map's share of a Kreis report, explorer redraw.

Usage::

    python benchmarks/maps.py [--maps 400] [--jobs 2]

1. One map per Kreis of Germany (its Gemeinden, BKG VG5000 on VG1000 Kreise) for
   one indicator, as a batch (``toolkit.charts.choropleths``): map + SVG (what
   reports embed), sequential and on ``--jobs`` processes, wall and CPU time;
   for comparison the matplotlib figure + PNG path on the first 40 Kreise.
   Values are seeded random numbers with 5 % suppressed cells (the drawing does
   not depend on where they come from). Goal: all 400 in under 10 s.
2. A Kreis Fakten-Check (content built in-process, as in a warm batch worker)
   with its Gemeinde map, against the same report without the map. Goal: at most
   1.2x.
3. The explorer's map redraw after a selection (Musterland). Goal: under 1 s.

Prints machine, date and load with the figures.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import time
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from toolkit.charts import choropleth, choropleths
from toolkit.geo import load_boundaries, mark_protected

STATE: dict = {}


def _frame(geo: pd.DataFrame) -> pd.DataFrame:
    gem = geo[geo["level"] == "gemeinde"]
    rng = np.random.default_rng(19)
    value = rng.uniform(10, 60, len(gem)).round(1)
    flag = np.where(rng.uniform(size=len(gem)) < 0.05, ".", "")
    value[flag == "."] = np.nan
    return mark_protected(
        pd.DataFrame(
            {
                "region_code": gem["region_code"].to_numpy(),
                "region_name": gem["region_name"].to_numpy(),
                "level": "gemeinde",
                "period": 2024,
                "indicator": "q",
                "dimension": "",
                "category": "",
                "value": value,
                "numerator": 1.0,
                "denominator": 1.0,
                "unit": "%",
                "flag": flag,
            }
        )
    )


def _svgs(kreise: list[str]) -> tuple[int, float]:
    """Write the SVG of each Kreis map; return bytes written and the CPU seconds used."""
    cpu = time.process_time()
    written = sum(
        len(m.to_svg())
        for _, m in choropleths(
            STATE["frame"], STATE["geo"], indicator="q", within=kreise, title="Quote 2024"
        )
    )
    return written, time.process_time() - cpu


def _pngs(kreise: list[str]) -> int:
    return sum(
        len(choropleth(STATE["frame"], STATE["geo"], indicator="q", within=k, title="Q").to_png())
        for k in kreise
    )


def kreis_maps(n: int, jobs: int) -> None:
    geo = load_boundaries()
    STATE["geo"] = geo
    STATE["frame"] = _frame(geo)
    kreise = geo.loc[geo["level"] == "kreis", "region_code"].tolist()[:n]
    _svgs(kreise[:2])  # imports and first-call costs outside the timing
    _pngs(kreise[:1])
    start = time.perf_counter()
    size, cpu = _svgs(kreise)
    seq = time.perf_counter() - start
    chunks = [kreise[i::jobs] for i in range(jobs)]
    start = time.perf_counter()
    with mp.get_context("fork").Pool(jobs) as pool:
        results = pool.map(_svgs, chunks)
    par = time.perf_counter() - start
    print(
        f"{len(kreise)} Kreis maps, SVG ({size / 2**20:.1f} MB): {seq:5.1f} s sequential "
        f"(CPU {cpu:.1f} s, {1000 * cpu / len(kreise):.0f} ms/map), {par:5.1f} s on {jobs} "
        f"processes (CPU {sum(c for _, c in results):.1f} s in the workers)"
    )
    start, cpu0 = time.perf_counter(), time.process_time()
    _pngs(kreise[:40])
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
    print(
        f"40 Kreis maps, matplotlib figure + PNG (notebook/explorer path): {wall:.1f} s "
        f"(CPU {cpu:.1f} s, {1000 * cpu / 40:.0f} ms/map)"
    )


def report_share() -> None:
    from toolkit.reports.content import _fakten as fakten
    from toolkit.reports.content import fakten_check
    from toolkit.reports.runtime import load_dataset

    data = load_dataset()
    fakten_check(data, "17053", 2024).charts_html()  # warm: imports, caches
    original = fakten.subregion_map
    times: dict[str, list[float]] = {"mit Karte": [], "ohne Karte": []}
    cpus: dict[str, list[float]] = {"mit Karte": [], "ohne Karte": []}
    for _ in range(7):
        for label in times:
            fakten.subregion_map = original if label == "mit Karte" else (lambda ctx, code: None)
            start, cpu = time.perf_counter(), time.process_time()
            parts = fakten_check(data, "17053", 2024)
            parts.charts_html()
            times[label].append(time.perf_counter() - start)
            cpus[label].append(time.process_time() - cpu)
    fakten.subregion_map = original
    with_map, without = np.median(times["mit Karte"]), np.median(times["ohne Karte"])
    cpu_with, cpu_without = np.median(cpus["mit Karte"]), np.median(cpus["ohne Karte"])
    print(
        f"Kreis Fakten-Check 17053 (content + charts HTML, median of 7): "
        f"{without:.2f} s without map, {with_map:.2f} s with map: ratio {with_map / without:.2f}; "
        f"CPU {cpu_without:.2f} s vs {cpu_with:.2f} s: ratio {cpu_with / cpu_without:.2f}"
    )


def explorer_redraw() -> None:
    from toolkit.geo import sample_boundaries
    from toolkit.indicators import compute_all
    from toolkit.io import read_sample
    from toolkit.widgets import IndicatorExplorer

    rows = mark_protected(compute_all(read_sample(), indicators=["betreuungsquote_u3"]))
    ex = IndicatorExplorer(rows, region="17", boundaries=sample_boundaries())
    seconds, cpus = [], []
    for code in ["17051001", "17053001", "17056003", "17001000-SR03", "17052", "17"]:
        if code in ex._region_names:
            cpu = time.process_time()
            ex._select_region_option(code)
            cpus.append(time.process_time() - cpu)
            seconds.append(ex.map.last_seconds)
    print(
        f"explorer map redraw: median {np.median(seconds):.2f} s, max {max(seconds):.2f} s "
        f"(CPU of the whole selection incl. chart and table: median {np.median(cpus):.2f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--maps", type=int, default=400)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    kreis_maps(args.maps, args.jobs)
    report_share()
    explorer_redraw()
    print(f"load at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
