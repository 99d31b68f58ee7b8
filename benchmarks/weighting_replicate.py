"""Benchmark: replicate-weight designs, 200 replicates, mean by 20 domains on 100,000 respondents.

Synthetic respondents (fixed seed): 20 strata with 10 clusters each (200 PSUs), design
weights, a Sozialraum variable with 20 levels and a numeric outcome. Timed for the toolkit
(best of 3): creating the stratified jackknife (JKn, 200 replicates) and a 200-replicate
bootstrap from the design, accepting 200 delivered replicate-weight columns
(``replicate_design``), and the goal figure: ``mean(y, by="sozialraum")`` with replicate SEs
(goal: < 2 s on the 2-core machine). A proportion by domain is timed as well.

Peers: samplics (``ReplicateEstimator``) and svy (``Sample.estimation.mean(...,
method="replication")``), each in its own virtual environment under
``benchmarks/.venv-peers/<peer>`` (``python benchmarks/weighting_replicate.py --setup-peers``;
not part of CI). They get the same replicate weights (written by the toolkit) and the same
scale, so the SEs must agree; the script prints each peer's time for the domain means, the
ratio to the toolkit and the largest relative SE difference.

Usage: ``python benchmarks/weighting_replicate.py [--n 100000] [--no-peers] [--setup-peers]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from weighting import best_of  # benchmarks/weighting.py (script directory on sys.path)

from toolkit.weighting import SurveyDesign, as_replicate, replicate_design

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PEER_ROOT = HERE / ".venv-peers"
SEED = 2027
GOAL = 2.0


def make_data(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    stratum = rng.integers(0, 20, n)
    cluster = stratum * 10 + rng.integers(0, 10, n)
    df = pd.DataFrame(
        {
            "schicht": stratum,
            "cluster": cluster,
            "sozialraum": np.array([f"SR{i:02d}" for i in range(20)])[rng.integers(0, 20, n)],
            "w": rng.uniform(5.0, 40.0, n),
        }
    )
    effect = rng.normal(0, 3, 200)[cluster]
    df["y"] = rng.normal(50, 10, n) + effect
    df["ja"] = rng.random(n) < 0.3 + effect / 30
    return df


PEER_CODE = {
    "samplics": """
from samplics.estimation import ReplicateEstimator
from samplics.utils.types import PopParam, RepMethod
t0 = time.perf_counter()
est = ReplicateEstimator(method=RepMethod.jackknife, param=PopParam.mean).estimate(
    y=df["y"].to_numpy(), samp_weight=df["w"].to_numpy(), rep_weights=reps,
    rep_coefs=rscales, domain=df["sozialraum"].to_numpy(),
)
elapsed = time.perf_counter() - t0
se = [float(est.stderror[k]) for k in sorted(est.stderror)]
""",
    "svy": """
import polars as pl
import svy
frame = pl.from_pandas(df).with_columns(
    [pl.Series(f"rw{r + 1}", reps[:, r]) for r in range(reps.shape[1])]
)
# svy applies one scale to all replicates (rep_coefs are not used for the jackknife here);
# the benchmark design has the same (n_h - 1)/n_h in every stratum, so this is the same variance
assert np.allclose(rscales, rscales[0])
design = svy.Design(wgt="w", rep_wgts=svy.JackknifeWgts(prefix="rw", n_reps=reps.shape[1],
                                                       scale=float(rscales[0])))
sample = svy.Sample(frame, design)
t0 = time.perf_counter()
est = sample.estimation.mean("y", by="sozialraum", method="replication")
elapsed = time.perf_counter() - t0
se = est.to_polars().sort("sozialraum")["se"].to_list()
""",
}

PEER_HEADER = """
import json, sys, time
import numpy as np, pandas as pd
df = pd.read_parquet(sys.argv[1])
reps = np.load(sys.argv[2])
rscales = np.load(sys.argv[3])
"""


def run_peer(peer: str, data_path: Path, reps_path: Path, rscales_path: Path) -> dict:
    python = PEER_ROOT / peer / "bin" / "python"
    if not python.exists():
        return {"error": f"nicht installiert ({python}); --setup-peers"}
    code = (
        PEER_HEADER
        + PEER_CODE[peer]
        + '\nprint("RESULT " + json.dumps({"seconds": elapsed, "se": se}))\n'
    )
    proc = subprocess.run(
        [str(python), "-c", code, str(data_path), str(reps_path), str(rscales_path)],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    return {"error": " | ".join(tail)[:300]}


def setup_peers() -> None:
    for peer in PEER_CODE:
        venv = PEER_ROOT / peer
        if not (venv / "bin" / "python").exists():
            subprocess.check_call([sys.executable, "-m", "venv", str(venv)])
        extra = ["pandas", "pyarrow"] if peer == "svy" else ["pyarrow"]
        subprocess.check_call([str(venv / "bin" / "pip"), "install", "-q", peer, *extra])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--setup-peers", action="store_true")
    parser.add_argument("--no-peers", action="store_true")
    args = parser.parse_args()
    if args.setup_peers:
        setup_peers()
    print(
        f"Maschine: {platform.platform()}, {os.cpu_count()} CPU, Python {platform.python_version()}, "
        f"Last {os.getloadavg()[0]:.1f}"
    )
    df = make_data(args.n)
    design = SurveyDesign(df, weights="w", strata="schicht", cluster="cluster")
    t_jkn, jkn = best_of(lambda: as_replicate(design, "JKn"))
    t_boot, _ = best_of(lambda: as_replicate(design, "bootstrap", replicates=200, seed=1))
    reps = jkn.replicate_weights
    info = jkn.replicate_info
    cols = pd.DataFrame(reps, columns=[f"rw{r}" for r in range(reps.shape[1])], index=df.index)
    delivered = pd.concat([df, cols], axis=1)
    t_deliv, deliv = best_of(
        lambda: replicate_design(delivered, "^rw", "w", type="JKn", rscales=info.rscales)
    )
    t_mean, by = best_of(lambda: jkn.mean("y", by="sozialraum"))
    t_prop, _ = best_of(lambda: jkn.proportion("ja", by="sozialraum"))
    t_lin, lin = best_of(lambda: design.mean("y", by="sozialraum"))
    print(
        f"{len(df):,} Befragte, {design.n_psu} PSU in {design.n_strata} Schichten, {reps.shape[1]} Replikate"
    )
    print(
        f"toolkit  JKn erzeugen {t_jkn:.3f} s | Bootstrap (200) erzeugen {t_boot:.3f} s "
        f"| 200 gelieferte Spalten übernehmen {t_deliv:.3f} s"
    )
    print(
        f"         Mittelwert nach 20 Domänen {t_mean:.3f} s (Ziel < {GOAL:g} s: "
        f"{'erreicht' if t_mean < GOAL else 'VERFEHLT'}) | Anteil nach 20 Domänen {t_prop:.3f} s "
        f"| Linearisierung zum Vergleich {t_lin:.3f} s"
    )
    ratio = (by["se"] / lin["se"]).to_numpy()
    print(f"         SE Replikate / SE Linearisierung: {ratio.min():.3f} .. {ratio.max():.3f}")
    assert np.allclose(deliv.mean("y", by="sozialraum")["se"], by["se"], rtol=1e-10)
    if args.no_peers:
        return 0
    OUT.mkdir(exist_ok=True)
    data_path = OUT / "replicate_bench.parquet"
    reps_path, rscales_path = OUT / "replicate_weights.npy", OUT / "replicate_rscales.npy"
    df.to_parquet(data_path)
    np.save(reps_path, reps)
    np.save(rscales_path, info.rscales * info.scale)
    print(f"\n{'Peer':<10} {'[s]':>8} {'Faktor':>8} {'max. rel. SE-Abw.':>18}")
    for peer in PEER_CODE:
        res = run_peer(peer, data_path, reps_path, rscales_path)
        if "error" in res:
            print(f"{peer:<10} {'-':>8} {'-':>8} {'-':>18}  Fehler: {res['error']}")
            continue
        diff = np.max(np.abs(np.asarray(res["se"]) / by["se"].to_numpy() - 1))
        print(f"{peer:<10} {res['seconds']:>8.3f} {res['seconds'] / t_mean:>7.1f}x {diff:>18.2e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
