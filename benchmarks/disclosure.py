"""Benchmark: disclosure control of large regional tables.

Two synthetic tables (counts drawn with a fixed seed, many of them small):

1. 400 Kreise x 5 categories with margins, inside 16 Länder and the Bund
   (2-D table, hierarchical region dimension);
2. a Kreis > Gemeinde hierarchy: 400 Kreise with 11,000 Gemeinden in one Land
   (1-D hierarchical table);
3. all indicators of the synthetic Musterland (10 Kreise, their Gemeinden and
   Sozialräume, Land, Bund) for one year as an IndicatorFrame (many small
   linked tables).

For each: seconds of ``toolkit.disclosure.protect`` end to end and the ratio
to the tau-Argus engine call alone (reading the table, suppressing, writing
the result inside ``pytauargus.engine.run_batch``), i.e. the overhead of
building and checking the grid, writing the input and mapping the result back.
The audit (2 LPs per sensitive cell) is timed too.

4. the whole publication with :func:`toolkit.disclosure.protect_publication`
   (all indicators, Land/Kreise/Gemeinden/Sozialräume/Bund, 2023 and 2024) and
   the outsider's audit :func:`toolkit.disclosure.audit_publication`, for the
   Musterland sample and, with ``--land DIR``, a generated Land
   (``dkbm samples generate --out DIR --kreise 400``).

Usage: ``python benchmarks/disclosure.py [--publication-only] [--land DIR] [--all-periods]``
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
import pandas as pd

from toolkit.disclosure import audit, protect
from toolkit.indicators import compute_all
from toolkit.samples import build_tables

SEED = 2026


def small_counts(rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
    """Mixture: a third of the cells tiny (Poisson 1.5), the rest larger."""
    tiny = rng.poisson(1.5, size)
    large = rng.negative_binomial(3, 0.05, size)
    return np.where(rng.random(size) < 1 / 3, tiny, large)


def kreise_by_category(rng: np.random.Generator) -> pd.DataFrame:
    cats = [f"k{i}" for i in range(1, 6)]
    rows = []
    values = small_counts(rng, (400, 5))
    lands: dict[str, np.ndarray] = {}
    for i in range(400):
        land = f"{i // 25 + 1:02d}"
        kreis = f"{land}{i % 25 + 1:03d}"
        v = values[i]
        rows += [(kreis, c, int(x)) for c, x in zip(cats, v, strict=True)]
        rows.append((kreis, "", int(v.sum())))
        lands[land] = lands.get(land, 0) + v
    for land, v in lands.items():
        rows += [(land, c, int(x)) for c, x in zip(cats, v, strict=True)]
        rows.append((land, "", int(v.sum())))
    total = values.sum(axis=0)
    rows += [("DG", c, int(x)) for c, x in zip(cats, total, strict=True)]
    rows.append(("DG", "", int(total.sum())))
    return pd.DataFrame(rows, columns=["region_code", "category", "n"])


def gemeinden_hierarchy(rng: np.random.Generator, n_gemeinden: int = 11_000) -> pd.DataFrame:
    per_kreis = np.full(400, n_gemeinden // 400)
    per_kreis[: n_gemeinden % 400] += 1
    rows = []
    for k, n in enumerate(per_kreis, start=1):
        kreis = f"17{k:03d}"
        v = small_counts(rng, int(n))
        rows += [(f"{kreis}{g:03d}", int(x)) for g, x in enumerate(v, start=1)]
        rows.append((kreis, int(v.sum())))
    total = sum(x for code, x in rows if len(code) == 5)
    rows.append(("17", total))
    return pd.DataFrame(rows, columns=["region_code", "n"])


def run(name: str, df: pd.DataFrame, keys: list[str] | None, do_audit: bool) -> None:
    start = time.perf_counter()
    p = protect(df, keys=keys, count="n") if keys else protect(df)
    total = time.perf_counter() - start
    r = p.report
    print(
        f"{name}: {r.cells:,} published count cells, {r.primary:,} primary + {r.secondary:,} secondary "
        f"suppressed ({r.information_loss:.1%}), method {'/'.join(r.engine)}"
    )
    print(
        f"  protect {total:.2f} s, tau-Argus engine alone {r.engine_seconds:.2f} s, "
        f"ratio {total / r.engine_seconds:.2f}"
    )
    if do_audit:
        start = time.perf_counter()
        a = audit(p)
        print(
            f"  audit {time.perf_counter() - start:.2f} s for {len(a):,} sensitive cells, "
            f"{int((~a['protected']).sum())} not protected"
        )


def _cpu() -> float:
    """CPU seconds of this process and of its finished worker processes."""
    import resource

    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


def publication(name: str, dataset: object, periods: list[int] | None = None) -> None:
    """Protect and audit a whole publication (``periods``, all when None) and print the figures."""
    from toolkit.disclosure import audit_publication, disclosed, protect_publication

    t0 = time.perf_counter()
    truth = compute_all(dataset, periods=periods).reset_index(drop=True)
    t1, c1 = time.perf_counter(), _cpu()
    pub = protect_publication(truth)
    t2, c2 = time.perf_counter(), _cpu()
    result = audit_publication(pub, truth)
    t3, c3 = time.perf_counter(), _cpu()
    m = pub.meta
    print(
        f"{name}: {len(truth):,} rows, {m['cells']:,} cells, {m['cells_sensitive']:,} sensitive, "
        f"{m['cells_suppressed']:,} hidden, {m['rounds']} rounds; indicators {t1 - t0:.1f} s, "
        f"protect {t2 - t1:.1f} s ({c2 - c1:.1f} s CPU with workers), audit {t3 - t2:.1f} s "
        f"({c3 - c2:.1f} s CPU): {len(disclosed(result))} of {len(result):,} narrowed below ±1; "
        f"load {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publication-only", action="store_true")
    parser.add_argument("--land", help="directory of a generated Land (dkbm samples generate)")
    parser.add_argument(
        "--all-periods", action="store_true", help="every period of the data, not 2023-2024"
    )
    args = parser.parse_args()
    periods = None if args.all_periods else [2023, 2024]
    rng = np.random.default_rng(SEED)
    print(
        f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    from toolkit.reports.runtime import load_dataset

    publication("Musterland publication", load_dataset(), periods)
    if args.land:
        from toolkit.io import read_dataset

        publication(f"generated Land {args.land}", read_dataset(args.land), periods)
    if args.publication_only:
        return
    run(
        "400 Kreise x 5 categories (+ Länder, Bund, margins)",
        kreise_by_category(rng),
        ["region_code", "category"],
        True,
    )
    run("Land > 400 Kreise > 11,000 Gemeinden", gemeinden_hierarchy(rng), ["region_code"], True)
    frame = compute_all(build_tables(kreise=10, years="2023-2024"), periods=[2024])
    run(f"IndicatorFrame Musterland 2024, 33 indicators ({len(frame):,} rows)", frame, None, True)


if __name__ == "__main__":
    main()
