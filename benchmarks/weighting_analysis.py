"""Benchmark: Rao-Scott test and a 10-term logistic regression on 100,000 respondents in 200 clusters.

Synthetic stratified cluster sample (fixed seed): 20 strata with 10 clusters each,
unequal weights, two categorical items (4 x 5 levels) for the table and a binary outcome
from a logistic model with 3 numeric and two categorical predictors (10 coefficients
besides the intercept).

Timed for the toolkit (best of 3; goal each under 2 s on a 2-core machine):
``chisq_test`` (Rao-Scott F, R ``svychisq``) and ``glm(..., family="quasibinomial")``
(R ``svyglm``) with design-based SEs, plus ``domain_means`` + ``pairwise`` (Holm) over
20 domains. Peers that offer the same (samplics: ``CrossTabulation`` and ``SurveyGLM``)
run on the same data in their own virtual environment (``benchmarks/.venv-peers/<peer>``,
see ``benchmarks/weighting.py --setup-peers``) through a subprocess; the script prints
their time, the ratio to the toolkit and whether their result agrees (statistic,
coefficients and SEs, relative difference).

Usage: ``python benchmarks/weighting_analysis.py [--n 100000] [--no-peers]``
(also run by ``python benchmarks/weighting.py --analysis``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
from weighting import best_of  # benchmarks/weighting.py (script directory on sys.path)

from toolkit.weighting import SurveyDesign, chisq_test, domain_means, glm, pairwise

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PEER_ROOT = HERE / ".venv-peers"
SEED = 2026
FORMULA = "y ~ x1 + x2 + x3 + c1 + c2"  # text columns are categorical without C()


def make_data(n: int) -> pd.DataFrame:
    """Stratified two-stage-like sample: 20 strata x 10 clusters, cluster effects, unequal weights."""
    rng = np.random.default_rng(SEED)
    stratum = rng.integers(0, 20, n)
    cluster = stratum * 10 + rng.integers(0, 10, n)
    effect = rng.normal(0, 0.5, 200)[cluster]
    df = pd.DataFrame({"stratum": stratum, "cluster": cluster, "w": rng.uniform(1.0, 4.0, n)})
    df["a"] = np.array(list("ABCD"))[
        np.clip((rng.normal(1.5, 1, n) + effect).round(), 0, 3).astype(int)
    ]
    df["b"] = np.array(list("vwxyz"))[
        np.clip((rng.normal(2, 1.2, n) + effect + (df["a"] == "A")).round(), 0, 4).astype(int)
    ]
    df["c1"] = df["a"]
    df["c2"] = df["b"]
    for j in (1, 2, 3):
        df[f"x{j}"] = rng.normal(0, 1, n) + effect
    eta = -0.5 + 0.4 * df["x1"] - 0.3 * df["x2"] + 0.2 * df["x3"] + effect + (df["a"] == "B") * 0.5
    df["y"] = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(float)
    df["domain"] = [f"d{k:02d}" for k in cluster % 20]
    return df


PEER_CODE = {
    # samplics 0.6.0: CrossTabulation.tabulate fails with current polars ("can't broadcast
    # Series 'key'"), so only its SurveyGLM is timed.
    "samplics": """
import json, sys, time
import numpy as np, pandas as pd
from samplics.regression import SurveyGLM
from samplics.utils.types import ModelType
df = pd.read_parquet(sys.argv[1])
out = {}
X = pd.concat([df[["x1", "x2", "x3"]], pd.get_dummies(df[["c1", "c2"]], drop_first=True)], axis=1)
t0 = time.perf_counter()
m = SurveyGLM(model=ModelType.LOGISTIC)
m.estimate(y=df["y"].to_numpy(), x=X.astype(float).to_numpy(), samp_weight=df["w"].to_numpy(),
           stratum=df["stratum"].to_numpy(), psu=df["cluster"].to_numpy(), add_intercept=True)
out["glm_seconds"] = time.perf_counter() - t0
out["glm_coef"] = [float(v) for v in m.beta["point_est"]]
out["glm_se"] = [float(v) for v in m.beta["stderror"]]
print("RESULT " + json.dumps(out))
""",
    "svy": """
import json, sys, time
import polars as pl, svy
smp = svy.Sample(pl.read_parquet(sys.argv[1]), svy.Design(stratum="stratum", psu="cluster", wgt="w"))
out = {}
t0 = time.perf_counter()
tab = smp.categorical.tabulate("a", "b")
out["chisq_seconds"] = time.perf_counter() - t0
out["chisq_F"] = float(tab.stats.f.value)
t0 = time.perf_counter()
fit = smp.glm.fit(y="y", x=["x1", "x2", "x3", svy.Cat("c1"), svy.Cat("c2")], family="binomial")
out["glm_seconds"] = time.perf_counter() - t0
out["glm_coef"] = [float(c.est) for c in fit.coefs]
out["glm_se"] = [float(c.se) for c in fit.coefs]
print("RESULT " + json.dumps(out))
""",
}


def run_peer(peer: str, data_path: Path) -> dict:
    python = PEER_ROOT / peer / "bin" / "python"
    if not python.exists():
        return {"error": f"not installed ({python}); run benchmarks/weighting.py --setup-peers"}
    try:
        proc = subprocess.run(
            [str(python), "-c", PEER_CODE[peer], str(data_path)],
            capture_output=True,
            text=True,
            timeout=900,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
    except subprocess.TimeoutExpired:
        return {"error": "timeout after 900 s"}
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    return {"error": " | ".join(tail)[:400]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--no-peers", action="store_true")
    args = parser.parse_args(argv)
    print(
        f"Maschine: {platform.platform()}, {os.cpu_count()} CPU, Python {platform.python_version()}"
    )
    print(
        f"Last (uptime): {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}"
    )
    df = make_data(args.n)
    design = SurveyDesign(df, weights="w", strata="stratum", cluster="cluster")
    print(
        f"{len(df):,} Befragte, {design.n_psu} Cluster in {design.n_strata} Schichten, df {design.df}"
    )

    t_chi, test = best_of(lambda: chisq_test(design, "a", "b"))
    t_glm, fit = best_of(lambda: glm(design, FORMULA, family="quasibinomial"))
    t_pairs, pairs = best_of(lambda: pairwise(domain_means(design, "y", "domain")))
    n_coef = len(fit.coef) - 1
    verdict = "erreicht" if max(t_chi, t_glm) < 2 else "VERFEHLT"
    print(
        f"toolkit  Rao-Scott (4x5) {t_chi:.3f} s (F = {test.statistic:.3f}, p = {test.p_value:.3g}) "
        f"| logistische Regression ({n_coef} Terme) {t_glm:.3f} s ({fit.iterations} IRLS) "
        f"| 20 Domänen paarweise + Holm {t_pairs:.3f} s ({len(pairs)} Paare) | Ziel < 2 s: {verdict}"
    )
    if args.no_peers:
        return 0
    OUT.mkdir(exist_ok=True)
    data_path = OUT / "weighting_analysis.parquet"
    df.to_parquet(data_path)
    print(f"\n{'Peer':<10} {'Test':<22} {'Zeit [s]':>9} {'Faktor':>8}  Übereinstimmung")
    for peer in PEER_CODE:
        res = run_peer(peer, data_path)
        if "error" in res:
            print(f"{peer:<10} Fehler: {res['error']}")
            continue
        if "chisq_seconds" in res:
            chi_rel = abs(res["chisq_F"] / test.statistic - 1)
            print(
                f"{peer:<10} {'Rao-Scott F':<22} {res['chisq_seconds']:>9.3f} "
                f"{res['chisq_seconds'] / t_chi:>7.1f}x  F {res['chisq_F']:.4f} (rel. Abw. {chi_rel:.1e})"
            )
        else:
            print(f"{peer:<10} {'Rao-Scott F':<22} {'-':>9} {'-':>8}  nicht verfügbar")
        ours = fit.table()
        coef_rel = np.max(np.abs(np.array(res["glm_coef"]) / _peer_order(ours["estimate"]) - 1))
        se_rel = np.max(np.abs(np.array(res["glm_se"]) / _peer_order(ours["se"]) - 1))
        print(
            f"{'':<10} {'logistische Regression':<22} {res['glm_seconds']:>9.3f} "
            f"{res['glm_seconds'] / t_glm:>7.1f}x  Koeff. rel. Abw. {coef_rel:.1e}, SE {se_rel:.1e}"
        )
    return 0


def _peer_order(col: pd.Series) -> np.ndarray:
    """Our coefficients in the peer's column order (const, x1..x3, c1 dummies, c2 dummies)."""
    names = ["Intercept", "x1", "x2", "x3"] + [n for n in col.index if n.startswith("c1[")]
    names += [n for n in col.index if n.startswith("c2[")]
    return col.loc[names].to_numpy()


if __name__ == "__main__":
    raise SystemExit(main())
