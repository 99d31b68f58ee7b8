"""Batch runner benchmark: plain papermill + nbconvert loop vs ``dkbm batch --jobs 2``.

Usage::

    python benchmarks/batch.py [--kreise 400] [--regions 8] [--template fakten_check]
                               [--jobs 2] [--skip-full]

1. Generates (once) a synthetic Land with ``--kreise`` Kreise in
   ``benchmarks/out/musterland_<N>`` (``dkbm samples generate``, Parquet).
2. Runs the same template for the same ``--regions`` Kreise two ways, in this
   one run:
   - the plain loop a user would write: for each region ``papermill`` (CLI),
     then ``jupyter nbconvert --to html --no-input``, one after the other;
   - ``dkbm batch TEMPLATE --regions A,B,... --jobs 2``.
   Prints reports per minute for both and the ratio (goal: at least 4x).
3. Unless ``--skip-full``: ``dkbm batch TEMPLATE --regions kreise --jobs 2``
   for all Kreise (goal: 400 Kreise in under 5 minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = BIN / name
    return str(found) if found.exists() else (shutil.which(name) or name)


def run(cmd: list[str], **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, **kwargs)
    return time.perf_counter() - start


def ensure_sample(kreise: int) -> Path:
    target = HERE / "out" / f"musterland_{kreise}"
    meta = target / "meta.json"
    if meta.is_file():
        params = json.loads(meta.read_text(encoding="utf-8")).get("parameters", {})
        if params.get("kreise") == kreise:
            return target
    print(f"Erzeuge Beispieldaten mit {kreise} Kreisen in {target} ...", flush=True)
    seconds = run(
        [
            tool("dkbm"),
            "samples",
            "generate",
            "--out",
            str(target),
            "--kreise",
            str(kreise),
            "--format",
            "parquet",
        ]
    )
    print(f"  {seconds:.0f} s", flush=True)
    return target


def kreise_of(data: Path) -> list[str]:
    import pandas as pd

    files = sorted(data.glob("regions.*"))
    frame = (
        pd.read_parquet(files[0])
        if files[0].suffix == ".parquet"
        else pd.read_csv(files[0], dtype=str)
    )
    return sorted(str(c) for c in frame.loc[frame["level"] == "kreis", "region_code"])


def plain_loop(template: Path, regions: list[str], period: int, data: Path, out: Path) -> float:
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for region in regions:
        executed = out / f"{region}.ipynb"
        subprocess.run(
            [
                tool("papermill"),
                str(template),
                str(executed),
                "-p",
                "region",
                region,
                "-p",
                "period",
                str(period),
                "-p",
                "data_dir",
                str(data),
                "--no-progress-bar",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        subprocess.run(
            [tool("jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return time.perf_counter() - start


def dkbm_batch(template: str, regions: str, period: int, data: Path, out: Path, jobs: int) -> float:
    return run(
        [
            tool("dkbm"),
            "batch",
            template,
            "--regions",
            regions,
            "--period",
            str(period),
            "--jobs",
            str(jobs),
            "--data",
            str(data),
            "--out",
            str(out),
            "--no-progress",
        ],
        stdout=subprocess.DEVNULL,
    )


def per_minute(n: int, seconds: float) -> float:
    return 60.0 * n / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kreise", type=int, default=400)
    parser.add_argument("--regions", type=int, default=8, help="Kreise für den Vergleich")
    parser.add_argument("--template", default="fakten_check")
    parser.add_argument("--period", type=int, default=2024)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip-full", action="store_true")
    args = parser.parse_args()

    data = ensure_sample(args.kreise)
    template = ROOT / "templates" / f"{args.template}.ipynb"
    regions = kreise_of(data)[: args.regions]
    out = HERE / "out" / "batch"
    shutil.rmtree(out, ignore_errors=True)
    print(
        f"Maschine: {platform.node()}, {os.cpu_count()} Kerne, Python {platform.python_version()}",
        flush=True,
    )
    print(
        f"Vorlage {args.template}, {len(regions)} Kreise, Daten: {args.kreise} Kreise", flush=True
    )

    loop_s = plain_loop(template, regions, args.period, data, out / "loop")
    batch_s = dkbm_batch(
        args.template, ",".join(regions), args.period, data, out / "dkbm", args.jobs
    )
    loop_rate = per_minute(len(regions), loop_s)
    batch_rate = per_minute(len(regions), batch_s)
    print(f"plain loop (papermill + nbconvert): {loop_s:7.1f} s  {loop_rate:6.1f} Berichte/min")
    print(
        f"dkbm batch --jobs {args.jobs}:             {batch_s:7.1f} s  {batch_rate:6.1f} Berichte/min"
    )
    print(f"Verhältnis: {batch_rate / loop_rate:.1f}x (Ziel: mindestens 4x)", flush=True)

    if not args.skip_full:
        full_s = dkbm_batch(args.template, "kreise", args.period, data, out / "full", args.jobs)
        manifest = json.loads(
            (out / "full" / str(args.period) / args.template / "manifest.json").read_text()
        )
        n = len(manifest["reports"])
        print(
            f"dkbm batch --regions kreise --jobs {args.jobs}: {n} Berichte in {full_s:.0f} s "
            f"({per_minute(n, full_s):.0f} Berichte/min; Ziel: 400 in unter 300 s); "
            f"Status: {manifest['summary']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
