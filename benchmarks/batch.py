"""Batch runner benchmark: plain papermill + nbconvert loop vs ``dkbm batch --jobs 2``.

Usage::

    python benchmarks/batch.py [--kreise 400] [--data DIR] [--publication DIR] [--regions 8]
                               [--template fakten_check] [--jobs 2] [--skip-full]
                               [--no-audit] [--dask-regions 40] [--dask-level kreis]
                               [--skip-dask] [--only-dask] [--only-overhead] [--only-full]

1. Generates (once) a synthetic Land with ``--kreise`` Kreise in
   ``benchmarks/out/musterland_<N>`` (``dkbm samples generate``, Parquet).
2. Runs the same template for the same ``--regions`` Kreise two ways, in this
   one run:
   - the plain loop a user would write: for each region ``papermill`` (CLI),
     then ``jupyter nbconvert --to html --no-input``, one after the other;
   - ``dkbm batch TEMPLATE --regions A,B,... --jobs 2``.
   Prints reports per minute for both and the ratio (goal: at least 4x).
3. Runner overhead per report: a template whose cells do nothing
   (``tests/reports/notebooks/empty.ipynb``) for every Gemeinde of the sample
   data with ``--jobs 1``, minus the same for one Gemeinde, divided by the
   number of extra reports (goal: under 0.15 s).
4. Unless ``--skip-dask``: ``--dask-regions`` Kreise on a Dask
   ``LocalCluster`` of 2 single-threaded workers against ``--jobs 2``
   (goal: within 1.3x), with fresh workers, with workers started with
   ``--preload toolkit.reports.dask``, and preloaded under
   ``toolkit.reports.dask.QUIET_WORKERS``.
5. Unless ``--skip-full``: ``dkbm batch TEMPLATE --regions kreise --jobs 2``
   for all Kreise (goal: 400 Kreise in at most 246 s, aim under 150 s).

``--publication DIR`` names a protected publication set already made for
``--data`` (protecting the 400-Kreise Land takes many minutes): every batch
gets a copy in its ``<out>/publication`` and reuses it by input hash, as a
second ``dkbm batch`` into the same folder does; the plain loop finds it in
its ``DKBM_CACHE_DIR``. ``--no-audit`` times the batches without the audit of
the publication after rendering (``run_batch(..., audit=False)``; the audit
is measured by ``benchmarks/disclosure.py``).

Each ``dkbm batch`` run also prints its peak memory: the largest resident
set of the batch process or any report process (``wait4`` rusage); it must
not grow with the number of reports.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = BIN / name
    return str(found) if found.exists() else (shutil.which(name) or name)


PEAK_KB: list[int] = []
CPU_S: list[float] = []  # CPU seconds of each run's process tree (wait4)


def run(cmd: list[str], **kwargs) -> float:
    """Run ``cmd``; return wall seconds and remember its peak RSS (with its children)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, **kwargs)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    PEAK_KB.append(usage.ru_maxrss)
    CPU_S.append(usage.ru_utime + usage.ru_stime)
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


def kreise_of(data: Path, level: str = "kreis") -> list[str]:
    import pandas as pd

    files = sorted(data.glob("regions.*"))
    frame = (
        pd.read_parquet(files[0])
        if files[0].suffix == ".parquet"
        else pd.read_csv(files[0], dtype=str)
    )
    return sorted(str(c) for c in frame.loc[frame["level"] == level, "region_code"])


def plain_loop(
    template: Path, regions: list[str], period: int, data: Path, out: Path, env: dict | None = None
) -> float:
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
            env=env,
        )
        subprocess.run(
            [tool("jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return time.perf_counter() - start


def dkbm_batch(
    template: str, regions: str, period: int, data: Path, out: Path, jobs: int, *extra: str
) -> float:
    cmd = [tool("dkbm"), "batch", template, "--regions", regions, "--period", str(period)]
    cmd += ["--jobs", str(jobs), "--data", str(data), "--out", str(out), "--no-progress"]
    return run([*cmd, *extra], stdout=subprocess.DEVNULL)


def provide_publication(publication: Path | None, out: Path) -> None:
    """Copy an existing protected set into ``<out>/publication`` (untimed; reused by hash)."""
    if publication is not None:
        shutil.copytree(publication, out / "publication", dirs_exist_ok=True)


def loop_env(data: Path, publication: Path | None, out: Path) -> dict | None:
    """Environment of the plain loop: a cache folder holding ``publication`` for ``data``."""
    if publication is None:
        return None
    code = (
        "import sys\n"
        "from toolkit.io import read_dataset\n"
        "from toolkit.disclosure.publication import input_hash\n"
        "print(input_hash(read_dataset(sys.argv[1]), min_count=3)[:16])\n"
    )
    key = subprocess.run(
        [sys.executable, "-c", code, str(data)], check=True, capture_output=True, text=True
    ).stdout.strip()
    cache = out / "cache"
    shutil.copytree(publication, cache / f"publication-{key}", dirs_exist_ok=True)
    return {**os.environ, "DKBM_CACHE_DIR": str(cache)}


def timed_batch(
    template: str,
    regions: str | list[str],
    period: int,
    data: Path,
    out: Path,
    jobs: int,
    publication: Path | None,
    audit: bool,
) -> float:
    """One batch, timed: ``dkbm batch`` (with the audit) or ``run_batch(..., audit=False)``."""
    provide_publication(publication, out)
    if audit:
        codes = regions if isinstance(regions, str) else ",".join(regions)
        return dkbm_batch(template, codes, period, data, out, jobs)
    return _batch_via_python(
        regions, period, data, out, out / "publication", template=template, jobs=jobs, audit=False
    )


def overhead(out: Path) -> None:
    """Per-report cost of the runner itself, with a template that does nothing."""
    import pandas as pd

    from toolkit.samples import sample_dir

    data = Path(sample_dir())
    regions = pd.read_csv(data / "regions.csv", dtype=str)
    gemeinden = sorted(regions.loc[regions["level"] == "gemeinde", "region_code"])
    extra = ("--templates-dir", str(ROOT / "tests" / "reports" / "notebooks"))
    one = dkbm_batch("empty", gemeinden[0], 2024, data, out / "one", 1, *extra)
    many = dkbm_batch("empty", ",".join(gemeinden), 2024, data, out / "many", 1, *extra)
    per = (many - one) / (len(gemeinden) - 1)
    print(
        f"Runner-Overhead (leere Vorlage, --jobs 1): 1 Bericht {one:.2f} s, "
        f"{len(gemeinden)} Berichte {many:.2f} s -> {per:.3f} s je weiteren Bericht "
        f"(Ziel: unter 0,15 s)",
        flush=True,
    )


def _batch_via_python(
    regions: str | list[str],
    period: int,
    data: Path,
    out: Path,
    publication: Path,
    template: str = "fakten_check",
    jobs: int = 2,
    **extra,
) -> float:
    """``run_batch`` in a fresh process (timed with its children), reading one protected set."""
    args = dict(
        regions=regions,
        period=period,
        data_dir=str(data),
        out=str(out),
        jobs=jobs,
        publication_dir=str(publication),
        progress=False,
        **extra,
    )
    code = (
        "import json, sys\n"
        "from toolkit.reports import run_batch\n"
        "r = run_batch(sys.argv[1], **json.loads(sys.argv[2]))\n"
        "print(r.summary())\n"
    )
    return run([sys.executable, "-c", code, template, json.dumps(args)])


def report_phase(out: Path) -> tuple[float, float, int]:
    """First to last report written (s), median report duration in its child (s), reports."""
    import statistics

    [manifest] = out.rglob("manifest.json")
    entries = json.loads(manifest.read_text(encoding="utf-8"))["reports"]
    times = [(manifest.parent / name).stat().st_mtime for e in entries for name in e["outputs"][:1]]
    durations = [float(e["duration"]) for e in entries]
    # the first report's own duration counts: it started before it was written
    first = min(times) - durations[times.index(min(times))]
    return max(times) - first, statistics.median(durations), len(entries)


@contextlib.contextmanager
def report_cluster(preload: list[str], settings: dict) -> Iterator[Any]:
    """A ``LocalCluster`` of 2 single-threaded worker processes under Dask ``settings``."""
    import dask
    from distributed import LocalCluster

    with (
        dask.config.set(settings),
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            preload=preload,
        ) as cluster,
    ):
        yield cluster


def dask_vs_local(
    template: str,
    regions: list[str],
    period: int,
    data: Path,
    out: Path,
    given: Path | None = None,
) -> None:
    """``--jobs 2`` against a Dask ``LocalCluster`` of 2 single-threaded workers, three ways.

    Once with fresh workers (they import the report stack during the batch),
    once with workers started with ``--preload toolkit.reports.dask``
    (imported at worker start, as on a cluster that outlives one batch), and
    once preloaded with Dask's periodic work slowed down
    (``toolkit.reports.dask.QUIET_WORKERS``, as the README recommends).
    ``--jobs 2`` runs first and again last; ratios are to the mean of the two.
    All read the same protected publication set, made before (untimed), so
    that none pays the protection, and none audits (the audit is the same
    work after the reports either way); each cluster is started before the
    clock. Prints the whole batch process, the report phase and the median
    report duration in its child.
    """
    from toolkit.reports.dask import QUIET_WORKERS

    publication = out / "publication-dask"
    if given is not None:  # an existing set for these data (see --publication)
        shutil.copytree(given, publication, dirs_exist_ok=True)
    _batch_via_python(regions[:1], period, data, out / "protect", publication, template=template)
    print(f"Last vor dem Vergleich: {os.getloadavg()[0]:.1f} (1 min)", flush=True)
    runs: dict[str, tuple[Path, list[str] | None, dict]] = {"--jobs 2": (out / "local", None, {})}
    runs["Dask LocalCluster(2)"] = (out / "dask", [], {})
    preload_dask = ["toolkit.reports.dask"]
    runs["Dask LocalCluster(2), --preload toolkit.reports.dask"] = (
        out / "dask-preload",
        preload_dask,
        {},
    )
    runs["Dask LocalCluster(2), --preload, QUIET_WORKERS"] = (
        out / "dask-quiet",
        preload_dask,
        QUIET_WORKERS,
    )
    # the same local batch again at the end: on a shared VM the CPU a report needs moves by up to
    # 1.4x within minutes (RESULTS "Session 10, dask"), so the ratios use the mean of both
    runs["--jobs 2, danach"] = (out / "local-after", None, {})
    seconds, cpu = {}, {}
    for name, (target, preload, settings) in runs.items():
        print(f"  {name}: Last vorher {os.getloadavg()[0]:.1f}", flush=True)
        batch = dict(template=template, audit=False)
        if preload is None:
            seconds[name] = _batch_via_python(regions, period, data, target, publication, **batch)
            cpu[name] = CPU_S[-1]
            continue
        with report_cluster(preload, settings) as cluster:
            batch.update(executor="dask", scheduler=cluster.scheduler_address)
            before = _cluster_cpu()
            seconds[name] = _batch_via_python(regions, period, data, target, publication, **batch)
            cpu[name] = CPU_S[-1] + _cluster_cpu() - before
    both = ("--jobs 2", "--jobs 2, danach")
    local = sum(seconds[k] for k in both) / 2
    local_cpu = sum(cpu[k] for k in both) / 2
    lp = sum(report_phase(runs[k][0])[0] for k in both) / 2
    print("Verhältnisse zum Mittel der beiden Läufe mit --jobs 2:", flush=True)
    for name, (target, *_) in runs.items():
        phase, median, n = report_phase(target)
        print(
            f"{len(regions)} Regionen, {name}: {seconds[name]:.1f} s -> Verhältnis "
            f"{seconds[name] / local:.2f} (Ziel: höchstens 1,3); Berichtsphase {phase:.1f} s "
            f"({phase / lp:.2f}); Median je Bericht {median:.2f} s ({n} Berichte); CPU aller "
            f"Prozesse {cpu[name]:.1f} s ({cpu[name] / local_cpu:.2f})",
            flush=True,
        )
    print(f"Last danach {os.getloadavg()[0]:.1f}", flush=True)


def _cluster_cpu() -> float:
    """CPU seconds so far of this process (scheduler, nannies) and its worker processes.

    Includes the report children the workers have reaped.
    """
    import psutil

    me = psutil.Process()
    total = sum(me.cpu_times()[:2])
    for worker in me.children():
        with contextlib.suppress(psutil.NoSuchProcess):
            t = worker.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
    return total


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
    parser.add_argument("--data", type=Path, default=None, help="vorhandene Daten verwenden")
    parser.add_argument("--dask-regions", type=int, default=40)
    parser.add_argument(
        "--dask-level", default="kreis", help="Ebene der Regionen für Dask (kreis, gemeinde)"
    )
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--only-dask", action="store_true", help="nur Dask gegen --jobs 2")
    parser.add_argument("--only-overhead", action="store_true", help="nur der Runner-Overhead")
    parser.add_argument("--only-full", action="store_true", help="nur der Lauf über alle Kreise")
    parser.add_argument(
        "--publication", type=Path, default=None, help="vorhandener geschützter Satz zu --data"
    )
    parser.add_argument("--no-audit", action="store_true", help="Batches ohne Audit messen")
    args = parser.parse_args()
    audit = not args.no_audit

    data = args.data or ensure_sample(args.kreise)
    template = ROOT / "templates" / f"{args.template}.ipynb"
    regions = kreise_of(data)[: args.regions]
    out = HERE / "out" / "batch"
    shutil.rmtree(out, ignore_errors=True)
    print(
        f"Maschine: {platform.node()}, {os.cpu_count()} Kerne, Python {platform.python_version()}",
        flush=True,
    )
    print(f"Vorlage {args.template}, {len(regions)} Kreise, Daten: {data}", flush=True)

    print(f"Last: {os.getloadavg()[0]:.1f} (1 min)", flush=True)
    if args.only_overhead:
        overhead(out / "overhead")
        return 0
    if args.only_dask:
        dask_regions = kreise_of(data, args.dask_level)[: args.dask_regions]
        dask_vs_local(args.template, dask_regions, args.period, data, out, args.publication)
        return 0
    if args.only_full:
        full(args, data, out, audit)
        return 0
    env = loop_env(data, args.publication, out / "loop")
    loop_s = plain_loop(template, regions, args.period, data, out / "loop", env)
    batch_s = timed_batch(
        args.template, regions, args.period, data, out / "dkbm", args.jobs, args.publication, audit
    )
    loop_rate = per_minute(len(regions), loop_s)
    batch_rate = per_minute(len(regions), batch_s)
    print(f"plain loop (papermill + nbconvert): {loop_s:7.1f} s  {loop_rate:6.1f} Berichte/min")
    print(
        f"dkbm batch --jobs {args.jobs}:             {batch_s:7.1f} s  {batch_rate:6.1f} Berichte/min"
    )
    print(
        f"Verhältnis: {batch_rate / loop_rate:.1f}x (Ziel: mindestens 4x)"
        + ("" if audit else "; beide ohne Audit"),
        flush=True,
    )
    print(f"Spitzen-Speicher dkbm batch ({len(regions)} Berichte): {PEAK_KB[-1] / 1024:.0f} MB")
    overhead(out / "overhead")
    if not args.skip_dask:
        dask_regions = kreise_of(data, args.dask_level)[: args.dask_regions]
        dask_vs_local(args.template, dask_regions, args.period, data, out, args.publication)
    if not args.skip_full:
        full(args, data, out, audit)
    return 0


def full(args: argparse.Namespace, data: Path, out: Path, audit: bool) -> None:
    """Every Kreis, ``--jobs``: wall time, report phase, peak memory."""
    print(f"Last vor dem vollen Lauf: {os.getloadavg()[0]:.1f} (1 min)", flush=True)
    target = out / "full"
    full_s = timed_batch(
        args.template, "kreise", args.period, data, target, args.jobs, args.publication, audit
    )
    [path] = target.rglob("manifest.json")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    n = len(manifest["reports"])
    phase, median, _ = report_phase(target)
    print(
        f"dkbm batch --regions kreise --jobs {args.jobs}{'' if audit else ' (ohne Audit)'}: "
        f"{n} Berichte in {full_s:.0f} s ({per_minute(n, full_s):.0f} Berichte/min; Ziel: "
        f"400 in höchstens 246 s, angestrebt 150 s); Berichtsphase {phase:.0f} s, Median je "
        f"Bericht {median:.2f} s; CPU {CPU_S[-1]:.0f} s; Status: {manifest['summary']}; Spitzen-Speicher "
        f"{PEAK_KB[-1] / 1024:.0f} MB; Last danach {os.getloadavg()[0]:.1f}",
        flush=True,
    )


if __name__ == "__main__":
    raise SystemExit(main())
