"""Benchmark: raking 1,000,000 respondents on 4 margins and 10 weighted means with SEs.

Synthetic respondents (fixed seed) with design weights and four categorical variables
with 40 / 8 / 2 / 2 levels (Sozialraum, age group, sex, migration), population margins
with a common total, and ten numeric outcomes.

Timed for the toolkit (best of 3): building the design, ``rake`` (goal: <= 0.3 s on a
2-core machine) and ten ``mean`` estimates with linearised SEs after raking.

Peers (weightipy, samplics, svy, balance) run side by side on the same data file with
the same convergence tolerance (1e-6, largest relative margin error), each in its own
virtual environment under ``benchmarks/.venv-peers/<peer>`` (created by
``python benchmarks/weighting.py --setup-peers``; not part of CI, gitignored), through a
subprocess. For every peer the script prints the raking time, the ratio to the toolkit
and the largest relative margin error of the weights it returned, i.e. whether the
margins were met.

Usage: ``python benchmarks/weighting.py [--setup-peers] [--n 1000000] [--no-peers] [--analysis]``
(``--analysis``: the Rao-Scott / regression benchmark of ``benchmarks/weighting_analysis.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.weighting import SurveyDesign, rake

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PEER_ROOT = HERE / ".venv-peers"
PEERS = ["weightipy", "samplics", "svy", "balance"]
SEED = 2026
TOL = 1e-6
LEVELS = {"sozialraum": 40, "alter": 8, "geschlecht": 2, "migration": 2}


def make_data(n: int) -> tuple[pd.DataFrame, dict[str, dict[str, float]]]:
    rng = np.random.default_rng(SEED)
    data = {}
    for var, k in LEVELS.items():
        p = rng.dirichlet(np.full(k, 5.0))
        data[var] = np.array([f"{var[:2]}{i:02d}" for i in range(k)])[rng.choice(k, n, p=p)]
    df = pd.DataFrame(data)
    df["d"] = rng.uniform(0.5, 3.0, n)
    for j in range(10):
        df[f"y{j}"] = rng.normal(50 + j, 10, n) + (df["alter"].str[-1].astype(int) * j)
    total = 2_000_000.0
    margins = {}
    for var, k in LEVELS.items():
        share = rng.dirichlet(np.full(k, 5.0))
        margins[var] = {f"{var[:2]}{i:02d}": float(total * share[i]) for i in range(k)}
    return df, margins


def margin_error(df: pd.DataFrame, w: np.ndarray, margins: dict) -> float:
    """Largest relative error of the weighted shares against the target shares (scale-free)."""
    worst = 0.0
    w = np.asarray(w, dtype=float)
    for var, targets in margins.items():
        tot = sum(targets.values())
        got = pd.Series(w).groupby(df[var].to_numpy()).sum() / w.sum()
        for cat, t in targets.items():
            worst = max(worst, abs(got.get(cat, 0.0) - t / tot) / (t / tot))
    return worst


def best_of(fn, repeat: int = 3):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


PEER_CODE = {
    "weightipy": """
import weightipy as wp
scheme = wp.scheme_from_dict(margins, rim_params={"max_iterations": 1000, "convcrit": TOL})
t0 = time.perf_counter()
w = wp.weight(df[list(margins)], scheme).to_numpy()
elapsed = time.perf_counter() - t0
note = "ignores design weights (raking starts from 1)"
""",
    "samplics": """
from samplics.weighting import SampleWeight
t0 = time.perf_counter()
w = SampleWeight().rake(samp_weight=df["d"].to_numpy(), margins={v: df[v].to_numpy() for v in margins},
                        control=margins, tol=TOL, ctrl_tol=TOL, max_iter=1000)
elapsed = time.perf_counter() - t0
note = ""
""",
    "svy": """
import polars as pl
import svy
sample = svy.Sample(pl.read_parquet(path), svy.Design(wgt="d"))
t0 = time.perf_counter()
raked = sample.weighting.rake(controls=margins, tol=TOL, max_iter=1000)
elapsed = time.perf_counter() - t0
w = raked.data["rk_wgt"].to_numpy() if hasattr(raked, "data") else raked._data["rk_wgt"].to_numpy()
note = ""
""",
    "balance": """
from balance.weighting_methods.rake import rake
t0 = time.perf_counter()
res = rake(df[list(margins)], df["d"], None, None, target_margins=margins, max_iteration=1000,
           convergence_rate=TOL, rate_tolerance=0.0, transformations=None, target_margins_max_length=2_000_000)
elapsed = time.perf_counter() - t0
w = res["weight"].to_numpy()
note = "margins realised as a synthetic target frame; stops on an absolute difference of shares"
""",
}

PEER_HEADER = """
import json, sys, time
import numpy as np, pandas as pd
path, margins_path, TOL = sys.argv[1], sys.argv[2], float(sys.argv[3])
margins = json.load(open(margins_path))
df = pd.read_parquet(path)
"""

PEER_FOOTER = """
np.save(sys.argv[4], np.asarray(w, dtype=float))
print("RESULT " + json.dumps({"seconds": elapsed, "note": note}))
"""


def run_peer(peer: str, data_path: Path, margins_path: Path) -> dict:
    """Run one peer's raking in its own interpreter; the margins are checked here."""
    python = PEER_ROOT / peer / "bin" / "python"
    weights_path = OUT / f"weights_{peer}.npy"
    weights_path.unlink(missing_ok=True)
    if not python.exists():
        return {"error": f"not installed ({python}); run --setup-peers"}
    code = PEER_HEADER + PEER_CODE[peer] + PEER_FOOTER
    try:
        proc = subprocess.run(
            [
                str(python),
                "-c",
                code,
                str(data_path),
                str(margins_path),
                str(TOL),
                str(weights_path),
            ],
            capture_output=True,
            text=True,
            timeout=900,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
    except subprocess.TimeoutExpired:
        return {"error": "timeout after 900 s"}
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT ") and weights_path.exists():
            res = json.loads(line[7:])
            df = pd.read_parquet(data_path, columns=list(LEVELS))
            res["margin_error"] = margin_error(
                df, np.load(weights_path), json.loads(margins_path.read_text())
            )
            return res
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    return {"error": " | ".join(tail)[:300]}


def setup_peers() -> None:
    for peer in PEERS:
        venv = PEER_ROOT / peer
        if not (venv / "bin" / "python").exists():
            subprocess.check_call([sys.executable, "-m", "venv", str(venv)])
        # balance pins numpy < 2, which needs an older pyarrow; svy is polars-based
        extra = {"svy": ["pandas", "pyarrow"], "balance": ["pyarrow<16"]}.get(peer, ["pyarrow"])
        subprocess.check_call([str(venv / "bin" / "pip"), "install", "-q", peer, *extra])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--setup-peers", action="store_true")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--analysis", action="store_true")
    args = parser.parse_args()
    if args.setup_peers:
        setup_peers()
    if args.analysis:
        from weighting_analysis import main as analysis

        return analysis(["--no-peers"] if args.no_peers else [])

    print(
        f"Maschine: {platform.platform()}, {os.cpu_count()} CPU, Python {platform.python_version()}"
    )
    df, margins = make_data(args.n)
    print(
        f"{len(df):,} Befragte, Ränder {', '.join(f'{k} ({v})' for k, v in LEVELS.items())}, Toleranz {TOL:g}"
    )

    t_design, design = best_of(lambda: SurveyDesign(df, weights="d"))
    t_rake, raked = best_of(lambda: rake(design, margins, tol=TOL, max_iter=1000))
    ys = [f"y{j}" for j in range(10)]
    t_means, means = best_of(lambda: [raked.mean(y) for y in ys])
    ours_err = margin_error(df, raked.weights.to_numpy(), margins)
    report = raked.history[-1]
    print(
        f"toolkit  design {t_design:.3f} s | rake {t_rake:.3f} s ({report.iterations} Sweeps) "
        f"| 10 Mittelwerte mit SE {t_means:.3f} s | Randfehler {ours_err:.2e} "
        f"| Ziel rake <= 0.3 s: {'erreicht' if t_rake <= 0.3 else 'VERFEHLT'}"
    )
    print(
        f"         mean(y0) = {means[0].value:.4f}, SE {means[0].se:.5f}, deff {means[0].deff:.3f}"
    )

    if args.no_peers:
        return 0
    OUT.mkdir(exist_ok=True)
    data_path, margins_path = OUT / "weighting_bench.parquet", OUT / "weighting_margins.json"
    df.to_parquet(data_path)
    margins_path.write_text(json.dumps(margins))
    print(f"\n{'Peer':<10} {'rake [s]':>9} {'Faktor':>8} {'Randfehler':>11}  Ränder erfüllt?")
    for peer in PEERS:
        res = run_peer(peer, data_path, margins_path)
        if "error" in res:
            print(f"{peer:<10} {'-':>9} {'-':>8} {'-':>11}  Fehler: {res['error']}")
            continue
        met = "ja" if res["margin_error"] <= 10 * TOL else "NEIN"
        note = f" ({res['note']})" if res.get("note") else ""
        print(
            f"{peer:<10} {res['seconds']:>9.3f} {res['seconds'] / t_rake:>7.1f}x {res['margin_error']:>11.2e}  {met}{note}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
