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

import bisect
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.disclosure._candidates import Wanted, candidates, cell_keys, printed_code
from toolkit.disclosure._families import as_strings, factor
from toolkit.disclosure._hierarchy import ags_ancestors
from toolkit.disclosure._lp import Relation
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


def _relations(hit: pd.DataFrame, truth: pd.DataFrame, cells: dict) -> list[Relation]:
    """Relations an outsider gets from revealing numbers (``cells``: :func:`cell_keys`)."""
    rels: list[Relation] = []
    if hit.empty:
        return rels
    unit = as_strings(truth["unit"])
    keys = {rq: k[0] for rq, k in cells.items() if isinstance(rq, tuple)}
    n_of = {k[0]: k[1] for rq, k in cells.items() if isinstance(rq, tuple)}

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
            band(cells[c.key], cells[c.parent], float(c.value), 100.0, 0.05)
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


def _region_names(truth: pd.DataFrame) -> dict[str, str]:
    """Name of every region code (codes in order of appearance, the last name of a code)."""
    code, codes = factor(truth["region_code"])
    name, names = factor(truth["region_name"])
    # missing (-1) as a value of its own, as in the frame
    codes, names = np.r_[codes, np.nan], np.r_[names, np.nan]
    pair = code.astype(np.int64) % len(codes) * len(names) + name % len(names)
    # each (code, name) pair at its last row, in row order: the last one of a code wins
    name_of = {codes[p // len(names)]: names[p % len(names)] for p in pd.unique(pair[::-1])[::-1]}
    return {codes[c]: name_of[codes[c]] for c in pd.unique(code % len(codes))}


def _pages(files: list, names: dict[str, str], ignore: tuple[str, ...]) -> list[tuple]:
    """Every report with its regions (its own, above, below) and the numbers it prints."""
    from toolkit.charts._maptext import CLASS_COLUMN

    codes = sorted(names)
    out = []
    for path, region, period in files:
        above = [a for a in ags_ancestors(region) if a in names] if region in names else []
        # the codes below a region are the sorted codes that start with it
        start = bisect.bisect_left(codes, region)
        below = (
            [] if region == "DG" else codes[start : bisect.bisect_left(codes, region + "\uffff")]
        )
        below = [c for c in below if c != region]
        numbers = read_report_numbers(read_page(path), ignore=ignore)
        numbers = numbers[~_class_bounds(numbers, CLASS_COLUMN)].reset_index(drop=True)
        value, dec = np.abs(numbers["value"].to_numpy(dtype=float)), numbers["decimals"].to_numpy()
        as_rate = printed_code(value, dec, np.ones(len(numbers), dtype=bool))
        as_count = printed_code(value, dec, np.zeros(len(numbers), dtype=bool))
        # a number with a per cent sign is a rate; one without may be a count or a rate
        percent = numbers["percent"].to_numpy(dtype=bool)
        lo = np.where(percent, as_rate, as_count)
        out.append((path, region, period, above, below, numbers, lo, as_rate))
    return out


def report_findings(
    root: str | Path,
    pub: pd.DataFrame,
    truth: pd.DataFrame,
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

    Notes
    -----
    The reports are read first; the candidates are then built period by
    period and only for the regions and printed forms the reports print
    (:mod:`toolkit.disclosure._candidates`), so memory grows with what the
    reports print, not with the rows of the publication.

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4.3.
    Wiley.

    Examples
    --------
    >>> f, rels = report_findings("/nonexistent", pd.DataFrame(), pd.DataFrame())
    >>> len(f), rels
    (0, [])
    """
    files = list(report_files(root, input_hash=input_hash, stale=stale))
    if not files:
        return pd.DataFrame(columns=list(FINDING_COLUMNS)), []
    # positions are labels (without a copy when they already are)
    pub, truth = (
        f if f.index.equals(pd.RangeIndex(len(f))) else f.reset_index(drop=True)
        for f in (pub, truth)
    )
    names = _region_names(truth)
    pages = _pages(files, names, ignore)
    wanted = Wanted.of(
        list(names),
        [([r, *a, *b], np.r_[lo, hi]) for _, r, _, a, b, _, lo, hi in pages],
    )
    cand = candidates(pub, truth, wanted)
    # one integer per printed form (value, decimals): candidates sorted by it, looked up by bisection
    rate_kind = cand["what"].isin(["rate", "change", "share"]).to_numpy()
    cand["code"] = printed_code(
        cand["value"].to_numpy(dtype=float), cand["decimals"].to_numpy(), rate_kind
    )
    region_of, region_codes = factor(cand["region"])
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
    from toolkit.indicators import catalog

    cat = catalog()
    titles = [(str(c), str(t)) for c, t in zip(cat["code"], cat["name_de"], strict=True)]
    found, hits = [], []
    for path, region, period, above, below, numbers, lo, hi in pages:
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
        lo = np.searchsorted(code, lo, "left")
        hi = np.searchsorted(code, hi, "right")
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
    return findings, _relations(hit, truth, cell_keys(truth, *_cells_of(hit)))


def _cells_of(hit: pd.DataFrame) -> tuple[set[tuple[int, str]], set[int]]:
    """Return the (row, quantity) cells and the share keys revealing numbers refer to."""
    cells: set[tuple[int, str]] = set()
    shares: set[int] = set()
    for what, row, other, key, parent in zip(
        hit["what"], hit["row"], hit["other"], hit["key"], hit["parent"], strict=True
    ):
        if what == "count":
            cells.add((int(row), "numerator"))
        elif what in ("numerator", "denominator"):
            cells.add((int(row), str(what)))
        elif what in ("rate", "change"):
            cells |= {(int(row), "numerator"), (int(row), "denominator")}
            if what == "change":
                cells.add((int(other), "numerator"))
        elif what == "share":
            shares |= {int(key), int(parent)}
    return cells, shares
