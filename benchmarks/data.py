"""Speed of the official-data road (issue #11): table layout, data build, flat export.

Run from the project root: ``.venv/bin/python benchmarks/data.py``. Prints a Markdown
table for ``benchmarks/RESULTS.md`` with wall-clock and CPU seconds (median of the
repeats) and the load average, because the VM is shared.

- ``read_genesis`` of the 12411-02-03-4 table-layout CSV (9,684 value rows; goal < 0.5 s);
- ``dkbm data build`` over all files of ``tests/data/official/regionalstatistik`` (the copies
  of the shared Regionalstatistik folder), as a separate process like a user runs it,
  interpreter start included (goal < 10 s);
- ``read_genesis`` of the largest real flat export, 12531-0043 (Schutzsuchende, 33.5 MB,
  116,738 rows; the CSV inside the recorded GENESIS-Online answer in
  ``tests/data/genesis_ws/12531-0043.yaml``), and of an eight-year Gemeinde export
  (the real AI-N-01-2-5 export, 4.2 MB, with its data lines repeated for 2016-2023:
  34 MB, 217,056 rows), each against ``pandas.read_csv`` of the same file: every
  column as text (``dtype=str``, the only way pandas keeps the leading zeros of the
  region codes) and with default types (goal: within 1.5x).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from io import BytesIO
from pathlib import Path

import pandas as pd
import yaml

from toolkit.io import GENESIS_SAMPLE_DIR, read_genesis

ROOT = Path(__file__).resolve().parents[1]
RS = ROOT / "tests" / "data" / "official" / "regionalstatistik"
CASSETTE = ROOT / "tests" / "data" / "genesis_ws" / "12531-0043.yaml"


def recorded_flat_csv(folder: Path) -> Path:
    """Write the flat CSV of the recorded 12531-0043 resultfile answer into ``folder``."""
    with open(CASSETTE, "rb") as fh:
        data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    for item in data["interactions"]:
        body = item["response"]["body"]["string"]
        content = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        if content[:2] == b"PK":
            with zipfile.ZipFile(BytesIO(content)) as z:
                name = z.namelist()[0]
                (folder / name).write_bytes(z.read(name))
                return folder / name
    raise FileNotFoundError(f"no ZIP answer in {CASSETTE}")


def eight_years(folder: Path) -> Path:
    """The real AI-N-01-2-5 export with its data lines for 2016-2023 (valid: no repeated cell)."""
    src = (GENESIS_SAMPLE_DIR / "AI-N-01-2-5_de_flat.csv").read_bytes()
    head, _, body = src.partition(b"\n")
    years = [
        body.replace(b";JAHR;Jahr;2023;", f";JAHR;Jahr;{y};".encode()) for y in range(2016, 2024)
    ]
    path = folder / "AI-N-01-2-5x8_de_flat.csv"
    path.write_bytes(head + b"\n" + b"".join(years))
    return path


def flat_rows(path: Path, label: str) -> list[str]:
    """Rows for one flat file: the reader and two pandas.read_csv variants."""
    size = path.stat().st_size / 1e6
    n = len(read_genesis(path))
    r_wall, r_cpu = measure(lambda: read_genesis(path), repeat=5)
    s_wall, s_cpu = measure(
        lambda: pd.read_csv(path, sep=";", dtype=str, keep_default_na=False), repeat=5
    )
    d_wall, d_cpu = measure(lambda: pd.read_csv(path, sep=";"), repeat=5)
    return [
        f"| read_genesis {label} ({size:.1f} MB, {n:,} rows) | {r_wall:.2f} | {r_cpu:.2f} | – |",
        f"| pandas.read_csv same file, every column as text (dtype=str) | {s_wall:.2f} | "
        f"{s_cpu:.2f} | reader/pandas {r_wall / s_wall:.2f}x wall, {r_cpu / s_cpu:.2f}x CPU |",
        f"| pandas.read_csv same file, default types | {d_wall:.2f} | {d_cpu:.2f} | "
        f"reader/pandas {r_wall / d_wall:.2f}x wall, {r_cpu / d_cpu:.2f}x CPU |",
    ]


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
    load = os.getloadavg()
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
        rows += flat_rows(recorded_flat_csv(Path(tmp)), "12531-0043 Schutzsuchende, real")
        rows += flat_rows(eight_years(Path(tmp)), "AI-N-01-2-5 eight years")
    print(
        f"load average before {load[0]:.1f} / {load[1]:.1f}, after {os.getloadavg()[0]:.1f} / "
        f"{os.getloadavg()[1]:.1f} (1/5 min), {os.cpu_count()} cores"
    )
    print("| step | wall s | CPU s | goal / note |")
    print("| --- | --- | --- | --- |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
