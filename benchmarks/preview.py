"""Preview benchmark: one region's report once the data are loaded (goal: at most 5 s).

Usage::

    python benchmarks/preview.py [--repeat 3] [--skip-cli]

1. Loads the sample data once, as a warm batch parent or a JupyterLab session
   does: the dataset, the protected publication set (from the cache after
   the first run), the shared region hierarchy, nbconvert's templates.
2. **Template preview**: for each shipped template (the Fakten-Check in all
   four topics) and three regions (a Landkreis, one of its Gemeinden, a
   kreisfreie Stadt), the runner's own one-report path in this process
   (:func:`toolkit.reports.tasks.produce`: papermill with the in-process
   engine executes the template notebook on the blocks, then the HTML is
   rendered and written). Median of ``--repeat`` runs.
3. **Blocks in a notebook**: the same Fakten-Check shown block by block
   (``report_context`` and every block of the template, charts drawn to
   PNG), what re-running the cells for another region costs in JupyterLab.
4. Unless ``--skip-cli``: ``dkbm run fakten_check --region 17051`` as a new
   process (imports, data and protected set read from disk), for reference.

Prints one table with the machine load (``uptime``) before and after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent

#: (template, parameters) previewed; the Fakten-Check in every topic.
TEMPLATES = [
    ("fakten_check", {"topic": "fruehe_bildung"}),
    ("fakten_check", {"topic": "schule"}),
    ("fakten_check", {"topic": "ausbildung"}),
    ("fakten_check", {"topic": "befragung"}),
    ("uebergaenge", {}),
    ("vertragsloesungen", {}),
]
REGIONS = ("17051", "17051005", "17001")
PERIOD = 2024


def load() -> float:
    with open("/proc/loadavg", encoding="ascii") as handle:
        return float(handle.read().split()[0])


def warm_plan(template: str, parameters: dict, out: Path):
    """Plan one template for all REGIONS and warm up as the batch parent does."""
    from toolkit.reports.planning import plan_batch
    from toolkit.reports.publishing import plan_publication
    from toolkit.reports.warmup import warm_up

    plan = plan_batch(
        template, regions=list(REGIONS), period=PERIOD, parameters=parameters, out=out
    )
    return plan, warm_up(plan.template, plan.data_dir, plan.dataset, plan_publication(plan))


def template_previews(repeat: int, out: Path) -> list[tuple[str, str, float, float]]:
    from toolkit.reports.tasks import produce

    rows = []
    for template, parameters in TEMPLATES:
        plan, warm = warm_plan(template, parameters, out)
        label = template + (f" ({parameters['topic']})" if parameters else "")
        for task in plan.tasks:
            times, cpu = [], []
            for _ in range(repeat):
                start, start_cpu = time.perf_counter(), time.process_time()
                entry = produce(task, warm)
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
                if entry.status != "ok" and "NoSurveyDataError" not in str(entry.error):
                    raise SystemExit(f"{label} {task.region}: {entry.error}")
            # a region without survey data is refused (NoSurveyDataError): timed all the same
            rows.append((label, task.region, statistics.median(times), statistics.median(cpu)))
    return rows


def block_previews(repeat: int) -> list[tuple[str, float]]:
    import toolkit.blocks as b

    data = b.load_data()
    rows = []
    for region in REGIONS:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            ctx = b.report_context(data, region, PERIOD, topic="fruehe_bildung")
            shown = [
                b.header(ctx),
                b.key_messages(ctx),
                b.key_figures(ctx),
                b.charts(
                    ctx,
                    b.time_series(ctx, ctx.main),
                    b.time_series(ctx, ctx.indicator(1)),
                    b.breakdown(ctx, ctx.main, ctx.dimension),
                    b.sub_region_chart(ctx, ctx.main),
                    b.sub_region_map(ctx, ctx.main),
                ),
                b.notes(ctx),
                b.definitions(ctx),
            ]
            assert all(isinstance(s, str) for s in shown)
            times.append(time.perf_counter() - start)
        rows.append((region, statistics.median(times)))
    return rows


def cli_run(out: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(BIN / "dkbm"), "run", "fakten_check", "--region", "17051", "--period", str(PERIOD),
         "--out", str(out)],
        check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-cli", action="store_true")
    args = parser.parse_args(argv)
    print(f"load before: {load():.1f} ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory(prefix="dkbm-preview-") as tmp:
        out = Path(tmp)
        start = time.perf_counter()
        warm_plan("fakten_check", {}, out / "warm")  # imports, data, protected set, exporter
        print(f"loading the data once (warm parent): {time.perf_counter() - start:.1f} s")
        rows = template_previews(args.repeat, out / "reports")
        print(
            "\n| template | region | preview, data loaded: wall s | CPU s |\n| --- | --- | --- | --- |"
        )
        for label, region, seconds, cpu in rows:
            print(f"| {label} | {region} | {seconds:.2f} | {cpu:.2f} |")
        worst = max(s for _, _, s, _ in rows)
        print(f"\nslowest preview: {worst:.2f} s (goal <= 5 s): {'ok' if worst <= 5 else 'MISSED'}")
        print(
            "\n| blocks of the Fakten-Check in a notebook | region | seconds |\n| --- | --- | --- |"
        )
        for region, seconds in block_previews(args.repeat):
            print(f"| report_context + 8 blocks | {region} | {seconds:.2f} |")
        if not args.skip_cli:
            print(
                f"\n`dkbm run fakten_check --region 17051` (new process): {cli_run(out / 'cli'):.1f} s"
            )
    print(f"load after: {load():.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
