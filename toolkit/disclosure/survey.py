"""Disclosure control of survey tables: Sozialräume, their total row and sentences.

Notes
-----
A survey result by Sozialraum is a table: per item, the respondents ``n``
split into "ja" (``count_yes``) and "nein" (``n - count_yes``), one row per
Sozialraum and one total row. The total row, and any sentence that states
the total ("43,6 % von 55 Befragten"), are cells of the same table: an
outsider subtracts the shown Sozialräume from the total. So the table
Sozialraum (with total) × answer (with total) is protected as one:

- primary: "ja" or "nein" counts of 1 to ``min_count - 1`` (attribute
  disclosure), and Sozialräume with fewer than ``min_n`` respondents (too
  unreliable to show; flagged ``/``) — both force the protection of their
  complement, exactly like a small count;
- secondary suppression with tau-Argus (``OPT``) so that no hidden count
  can be recomputed from the shown ones and the total;
- a Sozialraum with any hidden cell is hidden as a whole (estimate,
  interval, counts); the weighted estimates of shown rows and the total
  then cannot be combined to recover it either, because at least two rows
  of every item are hidden whenever one is (the weighted total is a fixed
  combination of the rows).

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4
(frequency tables, secondary suppression). Wiley.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.disclosure._hierarchy import flat_dimension
from toolkit.disclosure._tables import build_grid
from toolkit.disclosure.primary import protection_levels
from toolkit.disclosure.secondary import suppress_secondary
from toolkit.errors import DataError

__all__ = ["SURVEY_TOTAL", "protect_survey"]

#: Region code of the total row of survey estimates.
SURVEY_TOTAL = "__gesamt__"

_ANSWERS = ("ja", "nein")


def _item_table(
    part: pd.DataFrame, total: str, min_count: int, min_n: int
) -> tuple[set[str], set[str]]:
    """Protect one item; return (hidden rows, rows hidden for too few respondents)."""
    rows = part[part["region_code"] != total]
    n = rows["n"].to_numpy(dtype=float)
    has_yes = rows["count_yes"].notna().to_numpy()
    yes = np.where(has_yes, rows["count_yes"].to_numpy(dtype=float), 0.0)
    codes = rows["region_code"].astype(str).tolist()
    if has_yes.any():
        regions = codes * 2
        answers = ["ja"] * len(codes) + ["nein"] * len(codes)
        vals = np.concatenate([yes, n - yes])
    else:
        regions, answers, vals = codes, ["ja"] * len(codes), n
    dims = [
        flat_dimension("region_code", regions, total=total),
        flat_dimension("answer", answers, total=""),
    ]
    table = build_grid(
        [regions, answers], vals, ["region_code", "answer"], dims, source="Befragung"
    )
    table.published[...] = True  # the total row and the respondents are shown too
    grid_codes = table.codes[0]
    small_n = {c for c, k in zip(codes, n, strict=True) if k < min_n}
    prim = (
        (table.values > 0) & (table.values < min_count)
        if has_yes.any()
        else np.zeros(table.shape, bool)
    )
    for i, c in enumerate(grid_codes):
        if c in small_n:
            prim[i, 0] = True  # the row's respondents: protected like a small count
    lo, up = protection_levels(table.values.ravel(), prim.ravel())
    table.primary[...] = prim
    table.lower[...] = lo.reshape(table.shape)
    table.upper[...] = up.reshape(table.shape)
    if prim.any():
        suppress_secondary(table, method="OPT", cost="cells", max_time=1)
    hidden_grid = table.primary | table.secondary
    hidden = {c for i, c in enumerate(grid_codes) if hidden_grid[i].any()}
    return hidden, small_n


def protect_survey(
    estimates: pd.DataFrame,
    *,
    min_count: int = 3,
    min_n: int = 10,
    total: str = SURVEY_TOTAL,
) -> pd.DataFrame:
    """Protect survey estimates by Sozialraum together with their total row.

    Parameters
    ----------
    estimates : pandas.DataFrame
        One row per item and Sozialraum plus a total row per item
        (``region_code == total``); columns ``item, region_code, value,
        ci_low, ci_high, n, count_yes`` (``count_yes`` NaN for means).
    min_count : int, default 3
        Smallest publishable number of "ja" or "nein" answers.
    min_n : int, default 10
        Smallest number of respondents for an estimate.
    total : str
        Region code of the total row.

    Returns
    -------
    pandas.DataFrame
        The estimates with ``flag``: ``/`` too few respondents, ``.``
        hidden to protect another cell; hidden rows have ``value``,
        ``ci_low``, ``ci_high``, ``n`` and ``count_yes`` NaN. The total row
        (and sentences made from it) stays shown unless the protection
        chose it.

    Notes
    -----
    See the module notes: the total row is a cell of the table, and a
    Sozialraum under ``min_n`` respondents forces the protection of its
    complement like a small count.

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4.
    Wiley.

    Examples
    --------
    >>> est = pd.DataFrame({"item": "x", "region_code": ["A", "B", "C", "__gesamt__"],
    ...     "value": [10.0, 40.0, 50.0, 35.0], "ci_low": 0.0, "ci_high": 99.0,
    ...     "n": [20, 25, 30, 75], "count_yes": [2.0, 10.0, 15.0, 27.0]})
    >>> protect_survey(est)[["region_code", "flag"]].values.tolist()
    [['A', '.'], ['B', '.'], ['C', ''], ['__gesamt__', '']]
    """
    need = {"item", "region_code", "n", "count_yes", "value"}
    missing = sorted(need - set(estimates.columns))
    if missing:
        raise DataError(
            f"Befragungsergebnisse: Spalten fehlen: {missing}",
            column=missing[0],
            hint="Ergebnis von survey_estimates verwenden",
        )
    out = estimates.copy().reset_index(drop=True)
    flag = np.full(len(out), "", dtype=object)
    for item, part in out.groupby("item", sort=False):
        hidden, small_n = _item_table(part, total, min_count, min_n)
        idx = part.index.to_numpy()
        codes = part["region_code"].astype(str).to_numpy()
        for i, c in zip(idx, codes, strict=True):
            if c in small_n:
                flag[i] = "/"
            elif c in hidden or (c == total and total in hidden):
                flag[i] = "."
        del item
    out["flag"] = flag
    cols = [c for c in ("value", "ci_low", "ci_high", "n", "count_yes") if c in out.columns]
    hide = out["flag"] != ""
    out[cols] = out[cols].astype(float)
    out.loc[hide, cols] = np.nan
    return out
