"""Benchmark: the full indicator catalogue on a Germany-sized synthetic Land.

Generates (once, cached under benchmarks/out/, which git ignores) 400 Kreise /
about 11,000 Gemeinden / 10 years with ``toolkit.samples.generate``, reads the
Parquet tables, and times

1. ``compute_all`` over everything (the vectorised engine),
2. a naive loop: for each Kreis, cut every table down to that Kreis and
   compute its indicators on its own (measured on a sample of Kreise and
   scaled to all of them), and
3. the template path: ``compute_all(..., regions=[Kreis, Land, DG])`` for
   one region on the loaded data.

CPU time is split into user time (the computation) and system time (mostly
the kernel clearing fresh memory pages for the large result; on a virtual
machine this can cost as much as the computation itself).

Usage: ``python benchmarks/indicators.py [--kreise 400] [--years 2015-2024]
[--naive-sample 8]``. Prints seconds, rows per second and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from toolkit.indicators import compute_all  # noqa: E402
from toolkit.samples import TABLE_NAMES, generate  # noqa: E402

#: The generator's tables that indicators use (not the survey, not the Beruf names).
TABLES = tuple(
    n for n in TABLE_NAMES if n not in ("berufe", "survey_families", "survey_families_margins")
)


def machine() -> str:
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in subprocess.run(
                ["lscpu"], capture_output=True, text=True, check=False
            ).stdout.splitlines()
            if line.startswith("Model name")
        )
    except StopIteration:
        model = platform.processor() or "unknown CPU"
    load = os.getloadavg()
    return f"{model}, nproc={os.cpu_count()}, load average {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}, Python {platform.python_version()}, pandas {pd.__version__}"


def ensure_data(out: Path, kreise: int, years: str, seed: int) -> float:
    params = {"kreise": kreise, "years": years, "seed": seed, "fmt": "parquet"}
    stamp = out / "benchmark_params.json"
    if stamp.exists() and json.loads(stamp.read_text()) == params:
        return 0.0
    start = time.perf_counter()
    generate(out, kreise=kreise, seed=seed, years=years, fmt="parquet")
    stamp.write_text(json.dumps(params))
    return time.perf_counter() - start


def load(out: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(out / f"{name}.parquet") for name in TABLES}


def kreis_subset(tables: dict[str, pd.DataFrame], kreis: str) -> dict[str, pd.DataFrame]:
    out = {}
    for name, df in tables.items():
        codes = df["region_code"].astype("str")
        out[name] = df[codes.str.startswith(kreis) | (codes == "DG")]
    return out


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kreise", type=int, default=400)
    p.add_argument("--years", default="2015-2024")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--naive-sample", type=int, default=8, help="Kreise timed in the naive loop")
    p.add_argument("--out", default=str(HERE / "out" / "indicators"))
    args = p.parse_args(argv)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(f"Datum: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"Rechner: {machine()}")
    gen = ensure_data(out, args.kreise, args.years, args.seed)
    print(f"Daten erzeugt in {gen:.1f} s" if gen else f"Daten aus {out} wiederverwendet")
    start = time.perf_counter()
    tables = load(out)
    in_rows = sum(len(df) for name, df in tables.items() if name != "regions")
    regions = tables["regions"]
    kreise = sorted(regions.loc[regions["level"] == "kreis", "region_code"].astype("str"))
    n_gem = int((regions["level"] == "gemeinde").sum())
    print(
        f"Eingelesen in {time.perf_counter() - start:.1f} s: {len(kreise)} Kreise, {n_gem} Gemeinden, {in_rows:,} Eingabezeilen"
    )

    before = os.times()
    start, cpu = time.perf_counter(), time.process_time()
    frame = compute_all(tables)
    full, full_cpu = time.perf_counter() - start, time.process_time() - cpu
    after = os.times()
    print(
        f"compute_all (alles): {full:.1f} s Wanduhr, {full_cpu:.1f} s CPU-Zeit dieses Prozesses "
        f"(davon {after.user - before.user:.1f} s user, {after.system - before.system:.1f} s system), "
        f"{len(frame):,} Ergebniszeilen, {len(frame) / full:,.0f} Zeilen/s "
        f"({len(frame) / full_cpu:,.0f} je CPU-Sekunde), {in_rows / full:,.0f} Eingabezeilen/s"
    )

    sample = kreise[:: max(1, len(kreise) // args.naive_sample)][: args.naive_sample]
    start, cpu = time.perf_counter(), time.process_time()
    for kreis in sample:
        compute_all(kreis_subset(tables, kreis))
    per_kreis = (time.perf_counter() - start) / len(sample)
    per_kreis_cpu = (time.process_time() - cpu) / len(sample)
    naive, naive_cpu = per_kreis * len(kreise), per_kreis_cpu * len(kreise)
    print(
        f"naive Schleife je Kreis: {per_kreis:.2f} s je Kreis ({per_kreis_cpu:.2f} s CPU; "
        f"Stichprobe {len(sample)}), hochgerechnet {naive:.0f} s ({naive_cpu:.0f} s CPU) für {len(kreise)} Kreise"
    )
    print(
        f"Verhältnis naiv / vektorisiert: {naive / full:.1f}x Wanduhr, {naive_cpu / full_cpu:.1f}x CPU-Zeit"
    )

    region = kreise[0]
    compute_all(
        tables, regions=[region, region[:2], "DG"]
    )  # first call checks and remembers the tables
    start, cpu = time.perf_counter(), time.process_time()
    one = compute_all(tables, regions=[region, region[:2], "DG"])
    print(
        f"Vorlagen-Aufruf compute_all(regions=[{region}, {region[:2]}, DG]), Tabellen schon geprüft: "
        f"{time.perf_counter() - start:.2f} s ({time.process_time() - cpu:.2f} s CPU), {len(one):,} Zeilen"
    )
    print(f"Last am Ende: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
