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

from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.disclosure._hierarchy import ags_ancestors
from toolkit.disclosure._lp import Relation
from toolkit.disclosure._relations import Sum
from toolkit.disclosure.attack import _printed
from toolkit.disclosure.reports import (
    STAMP_FILE,
    read_page,
    read_report_numbers,
    report_files,
    stamp_reports,
)

__all__ = ["FINDING_COLUMNS", "STAMP_FILE", "report_files", "report_findings", "stamp_reports"]


#: Columns of :func:`report_findings`' table.
FINDING_COLUMNS = ("file", "region", "period", "kind", "context", "value", "status")
_FACTOR = {"%": 100.0, "je 100": 100.0, "je 1000": 1000.0}


def _position(
    kind: str, context: str, by_name: dict[str, list[str]], allowed: set[str]
) -> tuple[list[str] | None, int | None]:
    """Regions and year a table cell stands for, from its row and column headers.

    The context of a table cell is ``figure | caption | column header | row
    header`` (:mod:`toolkit.disclosure.reports`). A header that is exactly the
    name of a region of the report (or a year) fixes the cell to it; None
    where the headers do not say. The caller takes a region's cell without a
    year header for the report's year (a survey share in a Sozialraum row is
    then not matched against that Sozialraum's hidden counts of older years).

    Examples
    --------
    >>> _position("table", "Abb. | Eintritte | 2024 | Adorf", {"Adorf": ["17001001"]}, {"17001001"})
    (['17001001'], 2024)
    >>> _position("text", "Adorf hat 2", {"Adorf": ["17001001"]}, {"17001001"})
    (None, None)
    """
    if kind != "table":
        return None, None
    heads = [h.strip() for h in context.split(" | ")[-2:]]
    here = [c for h in heads for c in by_name.get(h, ()) if c in allowed]
    years = [int(h) for h in heads if len(h) == 4 and h.isdigit() and 1900 < int(h) < 2100]
    return (here or None), (years[0] if len(years) == 1 else None)


def _class_bounds(numbers: pd.DataFrame, column: str) -> np.ndarray:
    """Numbers in a map table's class column: bounds computed from the shown values only.

    A map classifies the areas with a shown value (a hidden one is NaN in the
    protected set and gets no class), so its bounds tell nothing about a
    hidden cell; quantile bounds are interpolated and may equal a hidden value
    by chance, which the value match would take for a disclosure.

    Examples
    --------
    >>> n = pd.DataFrame({"kind": ["table", "table", "text", "text"], "context": [
    ...     "Karte | | Klasse | Adorf", "Karte | | Wert | Adorf", "Klasse | Adorf", "Seite 2"]})
    >>> _class_bounds(n, "Klasse").tolist()
    [True, False, False, False]
    """
    if numbers.empty:
        return np.zeros(0, dtype=bool)
    # the column header of a table cell; a text without headers (a PDF's) has none
    heads = np.array(
        [(c.split("|")[-2] if "|" in c else "").strip() for c in map(str, numbers["context"])]
    )
    return ((numbers["kind"] == "table") & (heads == column)).to_numpy()


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
    out["indicator"] = truth["indicator"].astype(str).to_numpy()[out["row"].to_numpy()]
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
                    "",  # a share of a sum's part: no indicator of the catalogue
                    kid,
                    s.parent,
                )  # type: ignore[index]
            )
    shares = pd.DataFrame(share_rows, columns=list(out.columns))
    return pd.concat([out, shares], ignore_index=True), key_shown


def _code(value: np.ndarray, decimals: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """One integer per printed form: value in units of its last decimal, decimals, count/rate.

    A count and a rate of the same printed form are neighbours (count first), so
    one bisection range covers both.
    """
    scaled = np.round(value * 10.0 ** decimals.astype(float)).astype(np.int64)
    return (scaled * 4 + decimals.astype(np.int64)) * 2 + rate.astype(np.int64)


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
    input_hash: str | None = None,
    stale: list[Path] | None = None,
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
    input_hash, stale
        Read only the reports made from this protected set; list the others
        in ``stale`` (:func:`report_files`).

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
    files = list(report_files(root, input_hash=input_hash, stale=stale))
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
    # one integer per printed form (value, decimals): candidates sorted by it, looked up by bisection
    rate_kind = cand["what"].isin(["rate", "change", "share"]).to_numpy()
    cand["code"] = _code(
        cand["value"].to_numpy(dtype=float), cand["decimals"].to_numpy(), rate_kind
    )
    region_of, region_codes = pd.factorize(cand["region"].astype(str))
    # candidates by region, each region's block by printed form: a report takes its regions'
    # blocks (no scan of every candidate per report) and sorts only those
    order = np.lexsort((cand["code"].to_numpy(), region_of))
    cand, region_of = cand.iloc[order].reset_index(drop=True), region_of[order]
    bounds = np.searchsorted(region_of, np.arange(len(region_codes) + 1))
    region_id = {str(c): i for i, c in enumerate(region_codes)}
    period_of = cand["period"].to_numpy()
    code_of = cand["code"].to_numpy()
    by_name: dict[str, list[str]] = {}
    for c, name in names.items():
        by_name.setdefault(name.strip(), []).append(c)
    from toolkit.charts._maptext import CLASS_COLUMN
    from toolkit.indicators import catalog

    cat = catalog()
    titles = [(str(c), str(t)) for c, t in zip(cat["code"], cat["name_de"], strict=True)]
    found, hits = [], []
    for path, region, period in files:
        above = [a for a in ags_ancestors(region) if a in names] if region in names else []
        below = [c for c in codes if region != "DG" and c != region and c.startswith(region)]
        ids = [region_id[c] for c in (region, *above, *below) if c in region_id]
        take = np.concatenate([np.arange(bounds[i], bounds[i + 1]) for i in ids] or [[]])
        take = take.astype(np.int64)
        take = take[period_of[take] <= period]
        mine = cand.iloc[take[np.argsort(code_of[take], kind="stable")]]
        code = mine["code"].to_numpy()
        shown = mine["shown"].to_numpy()
        mine_region = mine["region"].astype(str).to_numpy()
        mine_period = mine["period"].to_numpy()
        mine_indicator = mine["indicator"].to_numpy()
        allowed = {region, *above, *below}
        numbers = read_report_numbers(read_page(path), ignore=ignore)
        numbers = numbers[~_class_bounds(numbers, CLASS_COLUMN)].reset_index(drop=True)
        value, dec = np.abs(numbers["value"].to_numpy(dtype=float)), numbers["decimals"].to_numpy()
        as_rate = _code(value, dec, np.ones(len(numbers), dtype=bool))
        as_count = _code(value, dec, np.zeros(len(numbers), dtype=bool))
        # a number with a per cent sign is a rate; one without may be a count or a rate
        lo = np.where(numbers["percent"].to_numpy(dtype=bool), as_rate, as_count)
        lo = np.searchsorted(code, lo, "left")
        hi = np.searchsorted(code, as_rate, "right")
        for n, a, b in zip(numbers.itertuples(index=False), lo, hi, strict=True):
            status = "unerklärt"
            # a table cell belongs to the region (and year) of its row and column headers
            here, year = _position(n.kind, n.context, by_name, allowed)
            if here is not None and year is None:
                year = period  # a region's row without a year header shows the report's year
            sel = np.ones(b - a, dtype=bool) if b > a else np.zeros(0, dtype=bool)
            if here is not None:
                sel &= np.isin(mine_region[a:b], here)
                # ... and to the indicator its caption or headers name: a number in a region's
                # row of a table that names no indicator (a survey table, a map's class
                # bounds) is no official figure an outsider could link to a hidden cell
                named = [c for c, t in titles if t in n.context]
                sel &= np.isin(mine_indicator[a:b], named)
            if year is not None:
                sel &= mine_period[a:b] == year
            if sel.any() and shown[a:b][sel].any():
                status = "erklärt"
            elif sel.any():
                g = mine.iloc[a:b][sel]
                if here is not None:
                    near = np.ones(len(g), dtype=bool)
                else:
                    words = f"{n.context} {n.text}"
                    named = [c for c in set(g["region"]) if names.get(c, "\0") in words]
                    near = g["region"].isin([region, *above, *named]).to_numpy()
                if near.any():
                    status = "verrät"
                    hits.append(g[near])
            found.append((str(path), region, period, n.kind, n.context, n.value, status))
    findings = pd.DataFrame(found, columns=list(FINDING_COLUMNS))
    hit = pd.concat(hits, ignore_index=True) if hits else cand.iloc[:0]
    return findings, _relations(hit, truth, keys, n_of)
