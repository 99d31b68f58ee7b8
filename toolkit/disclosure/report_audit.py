"""Match the numbers of rendered reports to the publication (the audit's report side).

:func:`report_findings` reads every HTML report listed in the batch
manifests under a folder, classifies each printed number (``erklärt``,
``verrät``, ``unerklärt``; see :mod:`toolkit.disclosure.reports`) and returns
the relations the revealing numbers give an outsider, for
:func:`toolkit.disclosure.audit_publication` (``extra=``).

Notes
-----
Candidates of a report are the rows of the publication for its region, the
regions above it and the regions below it, periods up to the report's: the
value (counts whole, rates with one decimal), the numerator and denominator,
the change from the year before (per cent of a count, percentage points of a
rate) and the share of every part in its total (one decimal). A number that
no shown candidate explains but a hidden one does reveals that candidate:

- a count: it is known (``count = value``);
- a rate, a share or a change: a rounding band, e.g.
  ``(v - 0.05) * den <= 100 * num <= (v + 0.05) * den``.

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4.3.
Wiley.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.disclosure._hierarchy import ags_ancestors
from toolkit.disclosure._lp import Relation
from toolkit.disclosure._relations import Sum
from toolkit.disclosure.attack import _printed
from toolkit.disclosure.reports import read_report_numbers

__all__ = ["FINDING_COLUMNS", "report_files", "report_findings"]

#: Columns of :func:`report_findings`' table.
FINDING_COLUMNS = ("file", "region", "period", "kind", "context", "value", "status")
_FACTOR = {"%": 100.0, "je 100": 100.0, "je 1000": 1000.0}


def report_files(root: str | Path) -> Iterator[tuple[Path, str, int]]:
    """(HTML file, region, period) of every successful report in the manifests under ``root``.

    Examples
    --------
    >>> list(report_files("/nonexistent"))
    []
    """
    for manifest in sorted(Path(root).rglob("manifest.json")):
        data = json.loads(manifest.read_text(encoding="utf-8"))
        for e in data.get("reports", []):
            if e.get("status") != "ok":
                continue
            period = int(e.get("parameters", {}).get("period", data.get("period")))
            for out in e.get("outputs", []):
                if str(out).endswith(".html") and (manifest.parent / out).is_file():
                    yield manifest.parent / out, str(e["region"]), period


def _candidates(pub: pd.DataFrame, truth: pd.DataFrame, cells: pd.DataFrame, sums: list[Sum]):
    """All numbers the publication could explain: one row per (candidate, value as printed)."""
    unit = truth["unit"].astype(str).to_numpy()
    value = pd.to_numeric(truth["value"], errors="coerce").to_numpy(dtype=float)
    shown = pd.to_numeric(pub["value"], errors="coerce").notna().to_numpy()
    region = truth["region_code"].astype(str).to_numpy()
    period = truth["period"].astype(int).to_numpy()
    count = unit == "Anzahl"
    rows = np.flatnonzero(~np.isnan(value))
    parts = [
        pd.DataFrame(
            {
                "what": np.where(count[rows], "count", "rate"),
                "row": rows,
                "other": -1,
                "value": np.where(count[rows], np.round(value[rows]), np.round(value[rows], 1)),
                "decimals": np.where(count[rows], 0, 1),
                "shown": shown[rows],
            }
        )
    ]
    for q in ("numerator", "denominator"):
        v = pd.to_numeric(truth[q], errors="coerce").to_numpy(dtype=float)
        printed = pd.to_numeric(pub[q], errors="coerce").notna().to_numpy()
        r = np.flatnonzero(~np.isnan(v) & ~count)
        parts.append(
            pd.DataFrame(
                {"what": q, "row": r, "other": -1, "value": np.round(v[r]), "decimals": 0}
            ).assign(shown=printed[r])
        )
    printed = {q: _printed(pub, q) for q in ("numerator", "denominator")}
    rows_of = cells["row"].to_numpy(dtype=np.int64)
    is_num = (cells["quantity"] == "numerator").to_numpy()
    flag = np.where(is_num, printed["numerator"][rows_of], printed["denominator"][rows_of])
    codes, uniq = pd.factorize(cells["key"])
    any_shown = np.zeros(len(uniq), dtype=bool)
    np.logical_or.at(any_shown, codes, flag)
    key_shown = dict(zip(uniq, any_shown.tolist(), strict=True))
    # change from the year before: per cent of a count, percentage points of a rate
    base = truth[["region_code", "indicator", "dimension", "category", "period"]].copy()
    base["row"] = np.arange(len(truth))
    later = base.assign(period=base["period"] - 1)
    pairs = later.merge(base, on=["region_code", "indicator", "dimension", "category", "period"])
    now, before = pairs["row_x"].to_numpy(), pairs["row_y"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(
            count[now], (value[now] / value[before] - 1) * 100, value[now] - value[before]
        )
    ok = np.isfinite(change)
    parts.append(
        pd.DataFrame(
            {
                "what": "change",
                "row": now[ok],
                "other": before[ok],
                "value": np.round(np.abs(change[ok]), 1),
                "decimals": 1,
                "shown": shown[now[ok]] & shown[before[ok]],
            }
        )
    )
    out = pd.concat(parts, ignore_index=True)
    out["region"] = region[out["row"].to_numpy()]
    out["period"] = period[out["row"].to_numpy()]
    out["key"] = None
    out["parent"] = None
    share_rows = []
    n_of = dict(zip(cells["key"], cells["n"], strict=True))
    for s in sums:
        p = n_of.get(s.parent, 0.0)
        if not s.exact or p <= 0:
            continue
        for kid in s.kids:
            share_rows.append(
                (
                    "share",
                    -1,
                    -1,
                    round(100 * n_of[kid] / p, 1),
                    1,
                    key_shown.get(kid, False) and key_shown.get(s.parent, False),
                    kid[2],
                    kid[1],
                    kid,
                    s.parent,
                )  # type: ignore[index]
            )
    shares = pd.DataFrame(share_rows, columns=list(out.columns))
    return pd.concat([out, shares], ignore_index=True), key_shown


def _keys_of(cells: pd.DataFrame) -> dict[tuple[int, str], object]:
    return {
        (int(r), str(q)): k
        for r, q, k in zip(cells["row"], cells["quantity"], cells["key"], strict=True)
    }


def _relations(hit: pd.DataFrame, truth: pd.DataFrame, keys: dict, n_of: dict) -> list[Relation]:
    """Relations an outsider gets from revealing numbers."""
    unit = truth["unit"].astype(str).to_numpy()
    rels: list[Relation] = []

    def band(num: object, den: object, v: float, f: float, tol: float) -> None:
        rels.append(({num: f, den: -(v + tol)} if num != den else {num: f - v - tol}, "<=", 0.0))
        rels.append(({num: -f, den: v - tol} if num != den else {num: v - tol - f}, "<=", 0.0))

    for c in hit.itertuples(index=False):
        r = int(c.row)
        if c.what in ("count", "numerator", "denominator"):
            q = "numerator" if c.what == "count" else c.what
            k = keys.get((r, q))
            if k is not None:
                rels.append(({k: 1.0}, "=", float(n_of[k])))
        elif c.what == "share":
            band(c.key, c.parent, float(c.value), 100.0, 0.05)
        elif c.what in ("rate", "change"):
            num, den, f = (
                keys.get((r, "numerator")),
                keys.get((r, "denominator")),
                _FACTOR.get(unit[r]),
            )
            if c.what == "change" and unit[r] == "Anzahl":
                now, before = keys.get((r, "numerator")), keys.get((int(c.other), "numerator"))
                if now is not None and before is not None:
                    ch = 100 * (n_of[now] / n_of[before] - 1)
                    rels.append(({now: 100.0, before: -100.0 - (round(ch, 1) + 0.05)}, "<=", 0.0))
                    rels.append(({now: -100.0, before: 100.0 + (round(ch, 1) - 0.05)}, "<=", 0.0))
            elif num is not None and den is not None and f is not None:
                v = round(float(pd.to_numeric(truth.at[r, "value"])), 1)
                band(num, den, v, f, 0.05 if c.what == "rate" else 0.1)
    return rels


def report_findings(
    root: str | Path,
    pub: pd.DataFrame,
    truth: pd.DataFrame,
    cells: pd.DataFrame,
    sums: list[Sum],
    *,
    ignore: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, list[Relation]]:
    """Classify every number of the reports under ``root``; relations of the revealing ones.

    Parameters
    ----------
    root : str or Path
        Folder with batch manifests (``manifest.json``) and their reports.
    pub, truth : pandas.DataFrame
        Protected and true IndicatorFrame (same rows).
    cells : pandas.DataFrame
        Count cells of ``truth`` with their keys.
    sums : list of Sum
        Breakdown and hierarchy sums of the true counts.
    ignore : tuple of str
        Phrases whose numbers are no figures (indicator names and definitions).

    Returns
    -------
    findings : pandas.DataFrame
        Columns :data:`FINDING_COLUMNS`; ``status`` is ``erklärt``,
        ``verrät`` or ``unerklärt``.
    relations : list
        What the revealing numbers tell an outsider.

    Examples
    --------
    >>> f, rels = report_findings("/nonexistent", pd.DataFrame(), pd.DataFrame(), None, [])
    >>> len(f), rels
    (0, [])
    """
    files = list(report_files(root))
    if not files:
        return pd.DataFrame(columns=list(FINDING_COLUMNS)), []
    pub = pub.reset_index(drop=True)
    truth = truth.reset_index(drop=True)
    cand, _ = _candidates(pub, truth, cells, sums)
    names = dict(
        zip(truth["region_code"].astype(str), truth["region_name"].astype(str), strict=True)
    )
    codes = np.asarray(sorted(names))
    n_of = dict(zip(cells["key"], cells["n"], strict=True))
    keys = _keys_of(cells)
    found, hits = [], []
    for path, region, period in files:
        above = [a for a in ags_ancestors(region) if a in names] if region in names else []
        below = [c for c in codes if region != "DG" and c != region and c.startswith(region)]
        mine = cand[cand["region"].isin([region, *above, *below]) & (cand["period"] <= period)]
        by_value = {k: g for k, g in mine.groupby(["value", "decimals"], sort=False)}
        numbers = read_report_numbers(path.read_text(encoding="utf-8"), ignore=ignore)
        for n in numbers.itertuples(index=False):
            g = by_value.get((round(abs(n.value), int(n.decimals)), int(n.decimals)))
            status = "unerklärt"
            if g is not None and g["shown"].any():
                status = "erklärt"
            elif g is not None:
                words = f"{n.context} {n.text}"
                named = [c for c in set(g["region"]) if names.get(c, "\0") in words]
                near = g["region"].isin([region, *above, *named])
                if near.any():
                    status = "verrät"
                    hits.append(g[near])
            found.append((str(path), region, period, n.kind, n.context, n.value, status))
    findings = pd.DataFrame(found, columns=list(FINDING_COLUMNS))
    hit = pd.concat(hits, ignore_index=True) if hits else cand.iloc[:0]
    return findings, _relations(hit, truth, keys, n_of)
