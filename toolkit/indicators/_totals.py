"""Breakdown columns with total rows (``insgesamt``), made consistent (private).

Official tables often publish a total and some categories only, e.g.
21111-02-06-4 "Insgesamt" and "weiblich". The contract lets a breakdown
column hold the value ``insgesamt``; before any sum is formed, each such
column is brought into one of two forms for the whole table:

- **complete categories**: where a group (all other keys equal) has the total
  and all categories but one, the missing one is the total minus the others
  (``m = insgesamt - w``); where it has the total and all categories, they
  must add up to it (else :class:`~toolkit.errors.DataError`); the total rows
  are then dropped;
- **totals only**: if any group has fewer categories, every group is reduced
  to its total (its ``insgesamt`` row, or the sum of its categories) and the
  breakdown is not shown.

Either way a sum over the column is the right total, and a breakdown by it
never mixes totals with categories.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit.errors import DataError
from toolkit.indicators._counts import MISSING, concat_counts, finite, group_codes, group_sum
from toolkit.io._specs import TABLES as SPECS
from toolkit.io._specs import TOTAL

__all__ = ["KEEP_TOTAL", "TOTAL", "fill_absent", "resolve_totals"]

#: Breakdowns whose ``insgesamt`` row is kept as the published total (the
#: denominator of shares): official school-leaver tables are rounded, so the
#: categories need not add up to it, and a category left out (``.``, ``x``)
#: is unknown, not zero.
KEEP_TOTAL = frozenset({"abschluss"})


def fill_absent(df: pd.DataFrame, table: str, keys: Sequence[str]) -> pd.DataFrame:
    """Add absent optional breakdown columns as ``insgesamt`` (every row a total).

    Examples
    --------
    >>> df = pd.DataFrame({"region_code": ["03251"], "year": [2023], "abschluss": ["hsa"],
    ...                    "leavers": [10]})
    >>> fill_absent(df, "school_leavers", ["abschluss", "sex", "nationality"]).columns.tolist()
    ['region_code', 'year', 'abschluss', 'leavers', 'sex', 'nationality']
    """
    spec = SPECS.get(table)
    if spec is None:
        return df
    absent = [k for k in keys if k not in df.columns and k in spec.breakdowns]
    return df.assign(**{k: TOTAL for k in absent}) if absent else df


def resolve_totals(
    df: pd.DataFrame,
    table: str,
    keys: Sequence[str],
    pairs: Sequence[tuple[str, str]] = (("n", "r"),),
    notes: list[str] | None = None,
) -> pd.DataFrame:
    """Bring every breakdown column with ``insgesamt`` rows into a consistent form.

    Parameters
    ----------
    df : DataFrame
        Count frame ``region_code, year, <keys>, <pairs>``.
    table : str
        Canonical table name (its spec names the categories).
    keys : sequence of str
        Key columns besides region and year.
    pairs : sequence of (count, rank)
        Count and flag-rank columns.
    notes : list of str, optional
        Receives a German note for every breakdown reduced to totals.

    Returns
    -------
    DataFrame

    Raises
    ------
    DataError
        Categories larger than their total, or all categories present but
        not adding up to it.

    Examples
    --------
    >>> df = pd.DataFrame({"region_code": "03251", "year": 2023, "abschluss": "hsa",
    ...                    "sex": ["insgesamt", "w"], "n": [60.0, 25.0], "r": 0})
    >>> out = resolve_totals(df, "school_leavers", ["abschluss", "sex"])
    >>> sorted(zip(out["sex"].astype(str), out["n"]))
    [('m', 35.0), ('w', 25.0)]
    """
    spec = SPECS.get(table)
    if spec is None:
        return df
    for dim in keys:
        if dim not in spec.breakdowns or dim not in df.columns:
            continue
        if not _holds_total(df[dim]):
            continue
        is_total = (df[dim].astype(str) == TOTAL).to_numpy()
        if is_total.all():
            continue
        cats = spec.column(dim).categories
        other = ["region_code", "year", *[k for k in keys if k != dim]]
        if dim in KEEP_TOTAL:
            df = _keep_total(df, dim, cats, other, pairs)
            continue
        inv, ng = group_codes(df, other)
        has_total = np.bincount(inv[is_total], minlength=ng) > 0
        n_cat = np.bincount(inv[~is_total], minlength=ng)
        if cats and (n_cat[has_total] >= len(cats) - 1).all():
            df = _complete(df, table, dim, cats, inv, ng, is_total, has_total, n_cat, pairs)
        else:
            keep = is_total | ~has_total[inv]
            df = group_sum(df[keep].assign(**{dim: TOTAL}), [*other, dim], pairs)
            df = df[["region_code", "year", *keys, *[c for p in pairs for c in p]]]
            if notes is not None:
                notes.append(
                    f"Tabelle '{table}': Aufgliederung nach {dim} unvollständig "
                    f"(nur '{TOTAL}' und einzelne Kategorien); nur Summen verwendet."
                )
    return df


def _holds_total(col: pd.Series) -> bool:
    """Whether a column holds ``insgesamt`` (cheap for Categoricals: categories only)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return TOTAL in set(map(str, col.cat.categories)) and bool(
            (col.cat.codes == list(map(str, col.cat.categories)).index(TOTAL)).any()
        )
    return bool((col.astype(str) == TOTAL).any())


def _complete(
    df: pd.DataFrame,
    table: str,
    dim: str,
    cats: tuple[str, ...],
    inv: np.ndarray,
    ng: int,
    is_total: np.ndarray,
    has_total: np.ndarray,
    n_cat: np.ndarray,
    pairs: Sequence[tuple[str, str]],
) -> pd.DataFrame:
    """Derive the missing category per group, check full groups, drop total rows."""
    labels = df[dim].astype(str).to_numpy()
    part = ~is_total
    bit = np.zeros(len(df), dtype="int64")
    for i, c in enumerate(cats):
        bit[labels == c] = 1 << i
    mask = np.bincount(inv[part], weights=bit[part], minlength=ng).astype("int64")
    total_row = np.full(ng, -1, dtype="int64")
    total_row[inv[is_total]] = np.flatnonzero(is_total)
    derive = has_total & (n_cat == len(cats) - 1)
    full = has_total & (n_cat == len(cats))
    new_cols: dict[str, np.ndarray] = {}
    bad = np.zeros(ng, dtype=bool)
    for v, r in pairs:
        values = df[v].to_numpy(dtype="float64")
        ranks = df[r].to_numpy().astype("int8")
        s = np.bincount(inv[part], weights=finite(values[part]), minlength=ng)
        s_r = np.zeros(ng, dtype="int8")
        np.maximum.at(s_r, inv[part], ranks[part])
        t = np.where(total_row >= 0, values[np.maximum(total_row, 0)], np.nan)
        t_r = np.where(total_row >= 0, ranks[np.maximum(total_row, 0)], 0).astype("int8")
        known = (s_r < MISSING) & (t_r < MISSING)
        bad |= known & full & ~np.isclose(s, t)
        bad |= known & derive & (t - s < -1e-9)
        rank = np.maximum(s_r, t_r).astype("int8")
        new_cols[v] = np.where(rank >= MISSING, np.nan, t - s)[derive]
        new_cols[r] = rank[derive]
    if bad.any():
        rows = np.flatnonzero(np.isin(inv, np.flatnonzero(bad)))
        raise DataError(
            f"Tabelle '{table}': die Kategorien von {dim} passen nicht zur Zeile '{TOTAL}' "
            "(größer als die Summe oder, wenn alle da sind, ungleich).",
            file=table,
            column=dim,
            rows=rows[:20] + 1,
            hint=f"Zeilen '{TOTAL}' und die Kategorien aus derselben Tabelle nehmen; "
            "redundante Summenzeilen weglassen.",
        )
    full_mask = (1 << len(cats)) - 1
    missing_bit = (full_mask - mask[derive]).astype("int64")
    missing_cat = np.array(cats, dtype=object)[np.log2(np.maximum(missing_bit, 1)).astype(int)]
    base = df.iloc[total_row[derive]].reset_index(drop=True)
    derived = base.assign(**{dim: pd.Categorical(missing_cat)}, **new_cols)
    kept = df[part]
    kept = kept.assign(**{dim: pd.Categorical(kept[dim].astype(str))})
    return concat_counts([kept, derived])


def _keep_total(
    df: pd.DataFrame,
    dim: str,
    cats: tuple[str, ...],
    other: list[str],
    pairs: Sequence[tuple[str, str]],
) -> pd.DataFrame:
    """Give every group a total row; absent categories of groups with a total are unknown."""
    is_total = (df[dim].astype(str) == TOTAL).to_numpy()
    inv, ng = group_codes(df, other)
    has_total = np.bincount(inv[is_total], minlength=ng) > 0
    no_total = ~has_total[inv]
    made = group_sum(df[no_total].assign(**{dim: TOTAL}), [*other, dim], pairs)
    first = df[is_total]
    labels = df[dim].astype(str).to_numpy()
    extra = []
    for c in cats:
        have = np.zeros(ng, dtype=bool)
        have[inv[labels == c]] = True
        lacking = first[~have[inv[is_total]]]
        if len(lacking):
            unknown = {v: np.nan for v, _ in pairs} | {r: 4 for _, r in pairs}
            extra.append(lacking.assign(**{dim: c}, **unknown))
    out = [df.assign(**{dim: pd.Categorical(labels)}), made]
    out += [e.assign(**{dim: pd.Categorical(e[dim].astype(str))}) for e in extra]
    return concat_counts([f[df.columns] for f in out if len(f)])
