"""Speed of the official-data road (issue #11): table layout, data build, flat export.

Run from the project root: ``.venv/bin/python benchmarks/data.py``. Prints a Markdown
table for ``benchmarks/RESULTS.md`` with wall-clock and CPU seconds (median of the
repeats) and the load average, because the VM is shared.

- ``read_genesis`` of the 12411-02-03-4 table-layout CSV (9,684 value rows; goal < 0.5 s);
- ``dkbm data build`` over all files of ``tests/data/official/regionalstatistik`` (the copies
  of the shared Regionalstatistik folder), as a separate process like a user runs it,
  interpreter start included (goal < 10 s);
- ``read_genesis`` of a 33 MB flat export against ``pandas.read_csv`` of the same file
  (goal: within 1.5x). The file is the real AI-N-01-2-5 export (Gemeinden, 4.2 MB) with its
  data lines repeated 8 times, written to a temporary folder.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from toolkit.io import GENESIS_SAMPLE_DIR, read_genesis

ROOT = Path(__file__).resolve().parents[1]
RS = ROOT / "tests" / "data" / "official" / "regionalstatistik"


def measure(func, repeat: int = 5) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of ``func()``."""
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        func()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def measure_process(cmd: list[str], repeat: int = 3) -> tuple[float, float]:
    """Median wall-clock and CPU (user + sys of the child) seconds of a command."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = os.times()
        w = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        walls.append(time.perf_counter() - w)
        after = os.times()
        cpus.append(
            (after.children_user - before.children_user)
            + (after.children_system - before.children_system)
        )
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    """Print the Markdown rows."""
    rows = []
    layout = RS / "12411-02-03-4 (2019).csv"
    n = len(read_genesis(layout))
    wall, cpu = measure(lambda: read_genesis(layout))
    rows.append(
        f"| read_genesis 12411-02-03-4 table layout ({n:,} values) | {wall:.2f} | {cpu:.2f} | < 0.5 s |"
    )
    xlsx = RS / "Abgehende-2019-2023.xlsx"
    wall, cpu = measure(lambda: read_genesis(xlsx), repeat=3)
    rows.append(f"| read_genesis 21121-02-02-4 XLSX (32,280 values) | {wall:.2f} | {cpu:.2f} | – |")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "daten"
        dkbm = str(Path(sys.executable).with_name("dkbm"))
        cmd = [dkbm, "data", "build", str(RS), "--out", str(out), "--force"]
        wall, cpu = measure_process(cmd)
        rows.append(
            f"| dkbm data build, all {len(list(RS.iterdir()))} files (own process) | {wall:.2f} | {cpu:.2f} | < 10 s |"
        )
        src = (GENESIS_SAMPLE_DIR / "AI-N-01-2-5_de_flat.csv").read_bytes()
        head, _, body = src.partition(b"\n")
        big = Path(tmp) / "AI-N-01-2-5x8_de_flat.csv"
        big.write_bytes(head + b"\n" + body * 8)
        size = big.stat().st_size / 1e6
        r_wall, r_cpu = measure(lambda: read_genesis(big), repeat=3)
        s_wall, s_cpu = measure(
            lambda: pd.read_csv(big, sep=";", dtype=str, keep_default_na=False), repeat=3
        )
        d_wall, d_cpu = measure(lambda: pd.read_csv(big, sep=";"), repeat=3)
        rows.append(f"| read_genesis flat export {size:.0f} MB | {r_wall:.2f} | {r_cpu:.2f} | – |")
        rows.append(
            f"| pandas.read_csv same file, all columns text (dtype=str) | {s_wall:.2f} | {s_cpu:.2f} | "
            f"ratio {r_wall / s_wall:.1f}x wall, {r_cpu / s_cpu:.1f}x CPU (goal 1.5x) |"
        )
        rows.append(
            f"| pandas.read_csv same file, default types | {d_wall:.2f} | {d_cpu:.2f} | "
            f"ratio {r_wall / d_wall:.1f}x wall, {r_cpu / d_cpu:.1f}x CPU |"
        )
    print(
        f"load average {os.getloadavg()[0]:.1f} / {os.getloadavg()[1]:.1f} (1/5 min), {os.cpu_count()} cores"
    )
    print("| step | wall s | CPU s | goal / note |")
    print("| --- | --- | --- | --- |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
