"""Run every benchmark in this folder, one after the other.

Usage: ``make benchmarks`` or ``python benchmarks/run_all.py [NAME ...]``.
Each benchmark prints its own figures and ratios against the peer it names;
record them in ``benchmarks/RESULTS.md`` together with machine and date.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["indicators", "weighting", "weighting_replicate", "disclosure", "batch"]


def main(argv: list[str]) -> int:
    names = argv or [n for n in ORDER if (HERE / f"{n}.py").exists()]
    failed = []
    for name in names:
        script = HERE / f"{name}.py"
        if not script.exists():
            print(f"Benchmark '{name}' gibt es nicht ({script}).", file=sys.stderr)
            failed.append(name)
            continue
        print(f"\n=== {name} ===", flush=True)
        start = time.perf_counter()
        rc = subprocess.call([sys.executable, str(script)])
        print(f"=== {name}: exit {rc}, {time.perf_counter() - start:.1f} s ===", flush=True)
        if rc != 0:
            failed.append(name)
    if failed:
        print(f"Fehlgeschlagen: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
