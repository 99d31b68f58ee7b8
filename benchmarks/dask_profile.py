"""Where a report forked from a Dask worker spends its time, against ``--jobs 2``.

Runs the same batch (Musterland Gemeinden, Fakten-Check, one protected set
made before, no audit) locally with ``--jobs 2`` and on a ``LocalCluster`` of
two single-threaded workers (``fresh``; ``preload``: started with ``--preload
toolkit.reports.dask``; ``quiet``: preloaded, with
:data:`toolkit.reports.dask.QUIET_WORKERS`; ``fresh-quiet``), in the order given, and records in every report
child (the forked process that runs :func:`toolkit.reports.tasks.produce`):

- wall time, CPU (user, system), and from ``/proc/self/schedstat`` the time
  the child was runnable but waiting for a core (run delay); wall minus CPU
  minus run delay is the time it slept (I/O, locks);
- minor / major page faults, voluntary / involuntary context switches;
- garbage collections per generation and the time they took, objects
  frozen, gc thresholds and callbacks inherited from the forking process;
- the time in papermill's execution and in rendering the HTML;
- threads, nice, affinity, autogroup, environment (BLAS threads, malloc).

Around every batch it also takes the CPU of every process on the machine
(``/proc``), so that what ran beside the children is known.

Modes ``local-pickled`` (the dataset sent through Dask's pickling before the
local warm-up) and ``local-daskenv`` (the environment a Dask nanny gives its
worker: ``PYTHONHASHSEED``, ``MALLOC_TRIM_THRESHOLD_``) run the local batch
with one of the worker's differences.

``python benchmarks/dask_profile.py --data data_samples/musterland --regions
60 --order local,fresh,preload,quiet``
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def install_probe(stats: str) -> str:
    """Wrap ``produce`` in this process so that every child forked from it records itself."""
    import gc
    import resource
    import time as _time

    import papermill

    import toolkit.reports.children as children
    import toolkit.reports.tasks as tasks

    if getattr(children.produce, "probe", None) == stats:
        return "already"
    produce = getattr(children.produce, "inner", children.produce)

    def schedstat() -> list[int]:
        with open("/proc/self/schedstat") as f:
            return [int(x) for x in f.read().split()]

    def timed(module, name, key, clock):
        inner = getattr(module, name)
        inner = getattr(inner, "inner", inner)

        def wrapper(*args, **kwargs):
            t = _time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                clock[key] = clock.get(key, 0.0) + _time.perf_counter() - t

        wrapper.inner = inner
        setattr(module, name, wrapper)

    real_fork = getattr(os.fork, "inner", os.fork)

    def fork() -> int:
        fork.called = _time.time()  # the child sees it: time from fork() to produce()
        pid = real_fork()
        if pid:
            fork.durations.append(_time.time() - fork.called)
        return pid

    fork.inner, fork.called, fork.durations = real_fork, 0.0, []
    os.fork = fork
    clock: dict[str, float] = {}
    timed(papermill, "execute_notebook", "execute", clock)
    timed(tasks, "render_html", "render", clock)

    def probe(task, warm):
        gcs = {"n": [0, 0, 0], "t": 0.0}

        def on_gc(phase, info):
            if phase == "start":
                gcs["t0"] = _time.perf_counter()
            else:
                gcs["n"][info["generation"]] += 1
                gcs["t"] += _time.perf_counter() - gcs["t0"]

        inherited = len(gc.callbacks)
        gc.callbacks.append(on_gc)
        count0 = gc.get_count()
        s0, r0 = schedstat(), resource.getrusage(resource.RUSAGE_SELF)
        forked = _time.time() - os.fork.called
        t0 = _time.perf_counter()
        entry = produce(task, warm)
        wall = _time.perf_counter() - t0
        s1, r1 = schedstat(), resource.getrusage(resource.RUSAGE_SELF)
        gc.callbacks.remove(on_gc)
        status = Path("/proc/self/status").read_text().splitlines()
        field = {line.split(":")[0]: line.split(":", 1)[1].strip() for line in status}
        record = {
            "region": task.region,
            "ppid": os.getppid(),
            "pid": os.getpid(),
            "fork_to_produce": forked,
            "start_oncpu": s0[0] / 1e9,  # since fork: a child's schedstat starts at zero
            "start_delay": s0[1] / 1e9,
            "start_minflt": r0.ru_minflt,
            "start": _time.time() - wall,
            "wall": wall,
            "user": r1.ru_utime - r0.ru_utime,
            "sys": r1.ru_stime - r0.ru_stime,
            "oncpu": (s1[0] - s0[0]) / 1e9,
            "delay": (s1[1] - s0[1]) / 1e9,
            "slices": s1[2] - s0[2],
            "minflt": r1.ru_minflt - r0.ru_minflt,
            "majflt": r1.ru_majflt - r0.ru_majflt,
            "nvcsw": r1.ru_nvcsw - r0.ru_nvcsw,
            "nivcsw": r1.ru_nivcsw - r0.ru_nivcsw,
            "gc0": gcs["n"][0],
            "gc1": gcs["n"][1],
            "gc2": gcs["n"][2],
            "gctime": gcs["t"],
            "gc_count_at_start": list(count0),
            "gc_threshold": list(gc.get_threshold()),
            "gc_callbacks_inherited": inherited,
            "frozen": gc.get_freeze_count(),
            "execute": clock.get("execute", 0.0),
            "render": clock.get("render", 0.0),
            "threads": int(field["Threads"]),
            "rss_mb": int(field["VmRSS"].split()[0]) / 1024,
            "nice": os.getpriority(os.PRIO_PROCESS, 0),
            "affinity": sorted(os.sched_getaffinity(0)),
            "autogroup": Path("/proc/self/autogroup").read_text().split()[0],
            "env": {
                k: os.environ.get(k)
                for k in (
                    "OMP_NUM_THREADS",
                    "MKL_NUM_THREADS",
                    "OPENBLAS_NUM_THREADS",
                    "MALLOC_TRIM_THRESHOLD_",
                    "PYTHONHASHSEED",
                )
            },
            "status": entry.status,
        }
        with open(stats, "a") as f:
            f.write(json.dumps(record) + "\n")
        return entry

    probe.probe, probe.inner = stats, produce
    children.produce = probe
    return "probe"


def install_worker_probe() -> str:
    """On a Dask worker: count its garbage collections and each thread's CPU over the tasks."""
    import gc
    import threading
    import time as _time

    import toolkit.reports.dask as dask_module

    me = os.getpid()
    state = {"gc": [[0, 0.0], [0, 0.0], [0, 0.0]], "marks": [], "t0": 0.0}

    def on_gc(phase, info):
        if os.getpid() != me:  # inherited by the report children: not theirs to count
            return
        if phase == "start":
            state["t0"] = _time.perf_counter()
        else:
            slot = state["gc"][info["generation"]]
            slot[0] += 1
            slot[1] += _time.perf_counter() - state["t0"]

    def threads() -> dict[str, float]:
        names = {t.native_id: t.name for t in threading.enumerate()}
        out = {}
        for tid in os.listdir("/proc/self/task"):
            try:
                stat = Path(f"/proc/self/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            name = names.get(int(tid), f"native-{tid}")
            out[name] = out.get(name, 0.0) + (int(stat[11]) + int(stat[12])) / TICK
        return out

    run = getattr(dask_module._run_on_worker, "inner", dask_module._run_on_worker)

    def wrapper(*args, **kwargs):
        state["marks"].append((_time.time(), threads(), [list(x) for x in state["gc"]]))
        try:
            return run(*args, **kwargs)
        finally:
            state["marks"].append((_time.time(), threads(), [list(x) for x in state["gc"]]))

    wrapper.inner = run
    dask_module._run_on_worker = wrapper
    gc.callbacks.append(on_gc)
    dask_module.probe_state = state
    return f"gc threshold {gc.get_threshold()}, count {gc.get_count()}"


def fetch_worker_probe() -> dict:
    """On a Dask worker: CPU per thread and collections between its first and last task."""
    import toolkit.reports.dask as dask_module

    marks = dask_module.probe_state["marks"]
    (t0, th0, gc0), (t1, th1, gc1) = marks[0], marks[-1]
    tasks = sum(a[0] - b[0] for b, a in zip(marks[::2], marks[1::2], strict=True))
    import statistics as stats

    durations = os.fork.durations
    return {
        "pid": os.getpid(),
        "memory": memory(),
        "tasks_at": [(b[0], a[0]) for b, a in zip(marks[::2], marks[1::2], strict=True)],
        "fork_in_parent_median": round(stats.median(durations), 4),
        "fork_in_parent_max": round(max(durations), 4),
        "span": t1 - t0,
        "in_tasks": tasks,
        "tasks": len(marks) // 2,
        "threads": {
            k: round(v - th0.get(k, 0.0), 2) for k, v in th1.items() if v - th0.get(k, 0.0)
        },
        "gc": [[b[0] - a[0], round(b[1] - a[1], 3)] for a, b in zip(gc0, gc1, strict=True)],
    }


def memory() -> str:
    """This process's size as fork sees it: resident, page tables, mappings, threads."""
    field = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        field[key] = value.strip()
    maps = len(Path("/proc/self/maps").read_text().splitlines())
    return (
        f"VmRSS {field['VmRSS']}, VmSize {field['VmSize']}, VmPTE {field['VmPTE']}, "
        f"{maps} mappings, {field['Threads']} threads"
    )


def timeline(pid: int, tasks_at: list, stats: str) -> None:
    """Print where a worker's time between its report children went (medians)."""
    records = [json.loads(line) for line in Path(stats).read_text().splitlines()]
    mine = sorted((r for r in records if r["ppid"] == pid), key=lambda r: r["start"])
    pre = [r["start"] - a for r, (a, b) in zip(mine, tasks_at, strict=True)]
    post = [b - r["start"] - r["wall"] for r, (a, b) in zip(mine, tasks_at, strict=True)]
    between = [n[0] - p[1] for p, n in itertools.pairwise(tasks_at)]
    print(
        f"    worker {pid}: task start -> produce() {statistics.median(pre):.3f} s, produce() "
        f"end -> task end {statistics.median(post):.3f} s, task end -> next task "
        f"{statistics.median(between):.3f} s (max {max(between):.3f})",
        flush=True,
    )


def processes() -> dict[int, tuple[str, float, float, int]]:
    """Every process now: command, user and system CPU seconds (own threads), minor faults."""
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        out[int(pid)] = (cmd[:80], int(stat[11]) / TICK, int(stat[12]) / TICK, int(stat[7]))
    return out


def machine() -> tuple[float, float, float]:
    """Busy, total and stolen (hypervisor) CPU seconds of the machine since boot."""
    values = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / TICK, sum(values[:8]) / TICK, values[7] / TICK


def batch(mode: str, regions: list[str], data: str, out: str, pub: str, scheduler: str) -> None:
    """One batch in this process, its children probed (local: here; Dask: on the workers)."""
    stats = f"{out}.jsonl"
    options = dict(
        regions=regions,
        period=2024,
        data_dir=data,
        out=out,
        jobs=2,
        publication_dir=pub,
        progress=False,
        audit=False,
    )
    if scheduler:
        from distributed import Client

        with Client(scheduler) as client:
            client.run(install_probe, stats)
            print("worker probe:", client.run(install_worker_probe), flush=True)
        options.update(executor="dask", scheduler=scheduler)
    else:
        install_probe(stats)
    if mode == "local-pickled":  # the dataset as a worker gets it: through Dask's pickling
        from distributed.protocol import deserialize, serialize

        import toolkit.reports.running as running

        warm_up = running.warm_up

        def pickled(template, data_dir, dataset, publication):
            dataset = deserialize(*serialize(dataset, serializers=("pickle",)))
            return warm_up(template, data_dir, dataset, publication)

        running.warm_up = pickled
    from toolkit.reports import run_batch

    result = run_batch("fakten_check", **options)
    print(result.summary().splitlines()[0], flush=True)
    if not scheduler:
        durations = os.fork.durations
        print(
            f"    fork() in the parent: median {statistics.median(durations):.4f} s, "
            f"max {max(durations):.4f} s; parent {memory()}",
            flush=True,
        )
    else:
        with Client(scheduler) as client:
            for worker, figures in client.run(fetch_worker_probe).items():
                timeline(figures.pop("pid"), figures.pop("tasks_at"), stats)
                print(f"    worker {worker}: {figures}", flush=True)


def summarize(name: str, stats: Path) -> dict[str, float]:
    """Median per child of each recorded figure; print one line."""
    records = [json.loads(line) for line in stats.read_text().splitlines()]
    keys = (
        "wall oncpu user sys delay slices minflt majflt nvcsw nivcsw "
        "gc0 gc1 gc2 gctime execute render threads rss_mb frozen"
    ).split()
    med = {k: statistics.median(r[k] for r in records) for k in keys}
    med["sleep"] = statistics.median(r["wall"] - r["oncpu"] - r["delay"] for r in records)
    med["n"] = len(records)
    first = records[0]
    print(
        f"  {name}: {len(records)} children; median wall {med['wall']:.3f} = on-CPU "
        f"{med['oncpu']:.3f} (user {med['user']:.3f} sys {med['sys']:.3f}) + run delay "
        f"{med['delay']:.3f} + asleep {med['sleep']:.3f}; execute {med['execute']:.3f} "
        f"render {med['render']:.3f}; minflt {med['minflt']:.0f} majflt {med['majflt']:.0f} "
        f"nvcsw {med['nvcsw']:.0f} nivcsw {med['nivcsw']:.0f}; gc {med['gc0']:.0f}/"
        f"{med['gc1']:.0f}/{med['gc2']:.0f} in {med['gctime']:.3f} s; frozen "
        f"{med['frozen']:.0f}; rss {med['rss_mb']:.0f} MB",
        flush=True,
    )
    print(
        f"    gc thresholds {first['gc_threshold']} count at start {first['gc_count_at_start']}"
        f" callbacks inherited {first['gc_callbacks_inherited']}; threads {first['threads']};"
        f" nice {first['nice']}; affinity {first['affinity']}; autogroups "
        f"{sorted({r['autogroup'] for r in records})}; env {first['env']}",
        flush=True,
    )
    return med


class Sampler:
    """Samples every process's CPU (and the machine's) every ``every`` seconds in a thread."""

    def __init__(self, every: float = 1.0) -> None:
        import threading

        self.samples: list[tuple[float, dict, tuple[float, float]]] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(every,), daemon=True)
        self.thread.start()

    def _run(self, every: float) -> None:
        while not self.stop.is_set():
            self.samples.append((time.time(), processes(), machine()))
            self.stop.wait(every)

    def close(self) -> None:
        self.stop.set()
        self.thread.join()

    def window(self, start: float, end: float, records: list[dict]) -> None:
        """Print who used the CPU between ``start`` and ``end`` (the report phase)."""
        inside = [s for s in self.samples if start <= s[0] <= end]
        if len(inside) < 2:
            return
        (t0, before, m0), (t1, after, m1) = inside[0], inside[-1]
        mine = {r["pid"] for r in records}
        used = []
        for pid, (cmd, user, system, minflt) in after.items():
            old = before.get(pid, (cmd, 0.0, 0.0, 0))
            delta = (user - old[1], system - old[2], minflt - old[3])
            if pid not in mine and sum(delta[:2]) >= 0.1:
                used.append((sum(delta[:2]), delta, pid, cmd))
        span = t1 - t0
        # children alive at only one of the two samples are missed: count them from records
        kids = sum((r["user"] + r["sys"]) * _overlap(r, t0, t1) for r in records)
        print(
            f"    report phase {t0 - start:+.1f}..{t1 - start:.1f} s ({span:.1f} s): machine busy "
            f"{m1[0] - m0[0]:.1f} of {m1[1] - m0[1]:.1f} CPU-s (stolen {m1[2] - m0[2]:.1f}); report children ~{kids:.1f}; "
            "other processes (>=0.1 s):",
            flush=True,
        )
        for total, (user, system, minflt), pid, cmd in sorted(used, reverse=True)[:8]:
            print(
                f"      {total:6.2f} s (user {user:.2f} sys {system:.2f}, {minflt} minflt)"
                f"  {pid} {cmd}",
                flush=True,
            )


def _overlap(record: dict, t0: float, t1: float) -> float:
    """Fraction of a child's life inside ``[t0, t1]``."""
    a, b = record["start"], record["start"] + record["wall"]
    return max(0.0, min(b, t1) - max(a, t0)) / max(b - a, 1e-9)


def gaps(records: list[dict]) -> list[float]:
    """Seconds from a child's end to the start of the next child in the same slot.

    A slot is one forking process (a Dask worker) or, within one forking
    process, the child that ended last before the next one started (``--jobs 2``).
    """
    out = []
    for ppid in {r["ppid"] for r in records}:
        ends: list[float] = []
        for r in sorted((r for r in records if r["ppid"] == ppid), key=lambda r: r["start"]):
            done = [e for e in ends if e <= r["start"]]
            if done:
                ends.remove(max(done))
                out.append(r["start"] - max(done))
            ends.append(r["start"] + r["wall"])
    return out


def concurrency(records: list[dict]) -> tuple[int, float]:
    """Most children alive at once, and the mean number alive over the phase."""
    events = sorted(
        [(r["start"], 1) for r in records] + [(r["start"] + r["wall"], -1) for r in records]
    )
    alive = most = 0
    area, last = 0.0, events[0][0]
    for t, step in events:
        area += alive * (t - last)
        alive += step
        most, last = max(most, alive), t
    return most, area / (events[-1][0] - events[0][0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("data_samples/musterland"))
    parser.add_argument("--regions", type=int, default=40)
    parser.add_argument("--skip", type=int, default=0, help="Gemeinden am Anfang auslassen")
    parser.add_argument("--order", default="local,preload,local,preload")
    parser.add_argument("--out", type=Path, default=Path("/tmp/dask_profile"))
    parser.add_argument("--batch", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.batch:
        mode, regions, out, pub, scheduler = args.batch
        batch(mode, regions.split(","), str(args.data), out, pub, scheduler)
        return 0
    import pandas as pd

    data = args.data.resolve()
    table = pd.read_csv(data / "regions.csv", dtype=str)
    codes = list(table.loc[table["level"] == "gemeinde", "region_code"])
    regions = codes[args.skip : args.skip + args.regions]
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    pub = args.out / "publication"
    here = [sys.executable, __file__, "--data", str(data)]

    def run(mode: str, target: Path, scheduler: str = "", only: list[str] = regions) -> float:
        cmd = [*here, "--batch", mode, ",".join(only), str(target), str(pub), scheduler]
        # "local-daskenv": the environment a Dask nanny gives its worker
        env = {"PYTHONHASHSEED": "6640", "MALLOC_TRIM_THRESHOLD_": "65536"}
        env = dict(os.environ, **env) if mode == "local-daskenv" else None
        t = time.perf_counter()
        subprocess.run(cmd, check=True, env=env)
        return time.perf_counter() - t

    run("local", args.out / "protect", only=regions[:1])  # the protected set, made once, untimed
    (args.out / "protect.jsonl").unlink(missing_ok=True)
    from batch import report_cluster  # benchmarks/batch.py, next to this script

    from toolkit.reports.dask import QUIET_WORKERS

    for i, mode in enumerate(args.order.split(",")):
        target = args.out / f"{i}-{mode}"
        load = os.getloadavg()[0]
        sampler = Sampler()
        if mode.startswith("local"):
            seconds = run(mode, target)
        else:
            preload = [] if mode.startswith("fresh") else ["toolkit.reports.dask"]
            quiet = QUIET_WORKERS if mode.endswith("quiet") else {}
            with report_cluster(preload, quiet) as cluster:
                seconds = run(mode, target, cluster.scheduler_address)
        sampler.close()
        records = [json.loads(x) for x in Path(f"{target}.jsonl").read_text().splitlines()]
        first = min(r["start"] for r in records)
        phase = max(r["start"] + r["wall"] for r in records) - first
        most, mean = concurrency(records)
        between = gaps(records)
        print(
            f"[{i}] {mode}: {seconds:.1f} s, report phase {phase:.1f} s, children alive at once "
            f"max {most} mean {mean:.2f}, gap between children of one parent median "
            f"{statistics.median(between):.3f} s max {max(between):.3f} s; load before "
            f"{load:.2f} after {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        summarize(mode, Path(f"{target}.jsonl"))
        after_fork = statistics.median(r["fork_to_produce"] for r in records)
        print(
            f"    fork() called -> produce() starts in the child: median {after_fork:.4f} s "
            f"(child on CPU {statistics.median(r['start_oncpu'] for r in records):.4f} s, "
            f"waiting for a core {statistics.median(r['start_delay'] for r in records):.4f} s, "
            f"{statistics.median(r['start_minflt'] for r in records):.0f} minor faults)",
            flush=True,
        )
        sampler.window(first, first + phase, records)
    return 0


if __name__ == "__main__":
    sys.exit(main())
