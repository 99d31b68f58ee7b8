"""Shares and rates that do not reveal what protection hides.

Notes
-----
A share of a part in a total is a count divided by another count. Shown
next to the total, a share is a count (up to rounding), so:

- shares are taken of the **full** total, never of the sum of the parts
  that are shown: normalising over the shown parts makes the hidden
  remainder computable (total − shown parts);
- a share is shown only when its part and the total are both publishable
  (:func:`publishable_rate`), and the hidden parts stay hidden and are
  labelled as such (:func:`shares_of_total`);
- a rate of 0 % or 100 % of a group smaller than ``group_min`` states
  something about every member of the group and is not shown
  (:func:`group_disclosure`).

These rules apply to anything computed from the protected set after
protection (a chart's shares, a sentence's "x von y"); the protected set
itself already follows them for the catalogue's rates.

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4.2.3
(group disclosure) and 4.5 (information in published ratios). Wiley.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

__all__ = ["group_disclosure", "publishable_rate", "shares_of_total"]


def group_disclosure(
    numerator: ArrayLike, denominator: ArrayLike, *, group_min: int = 10
) -> np.ndarray:
    """Mask of rates that are 0 % or 100 % of a group smaller than ``group_min``.

    Parameters
    ----------
    numerator, denominator : array_like
        Counts (NaN = not available).
    group_min : int, default 10
        Smallest group for which "none" or "all" may be published.

    Returns
    -------
    numpy.ndarray of bool

    Notes
    -----
    "0 % of the 4 foreign girls" or "100 % of 3" tells something about
    every member of the group (group or attribute disclosure), even though
    no count is below the minimum.

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4.2.3.
    Wiley.

    Examples
    --------
    >>> group_disclosure([0, 3, 2, 0], [4, 3, 5, 40]).tolist()
    [True, True, False, False]
    """
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    with np.errstate(invalid="ignore"):
        return (den > 0) & (den < group_min) & ((num == 0) | (num == den))


def publishable_rate(
    numerator: ArrayLike,
    denominator: ArrayLike,
    *,
    min_count: int = 3,
    group_min: int = 10,
) -> np.ndarray:
    """Mask of rates that may be shown: both counts publishable, no group disclosure.

    Parameters
    ----------
    numerator, denominator : array_like
        Counts after protection (NaN = hidden).
    min_count : int, default 3
        Smallest publishable count (1 to ``min_count - 1`` are never shown).
    group_min : int, default 10
        See :func:`group_disclosure`.

    Returns
    -------
    numpy.ndarray of bool

    Notes
    -----
    A rate with one decimal next to its published denominator fixes the
    numerator to within ``den / 2000``; for denominators under 1,000 that
    is the exact count. A rate is therefore only as publishable as both of
    its counts.

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4.5.
    Wiley.

    Examples
    --------
    >>> publishable_rate([5, np.nan, 2, 0, 6], [20, 20, 20, 5, 40]).tolist()
    [True, False, False, False, True]
    """
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    with np.errstate(invalid="ignore"):
        ok = ~np.isnan(num) & ~np.isnan(den) & (den > 0)
        ok &= ~((num > 0) & (num < min_count)) & ~((den > 0) & (den < min_count))
    return ok & ~group_disclosure(num, den, group_min=group_min)


def shares_of_total(
    parts: pd.Series,
    total: float,
    *,
    min_count: int = 3,
    group_min: int = 10,
    hidden_label: str = "nicht ausgewiesen",
) -> pd.DataFrame:
    """Shares of protected parts in their full total, the hidden ones kept hidden.

    Parameters
    ----------
    parts : pandas.Series
        Protected counts by category (NaN = suppressed).
    total : float
        The protected total (NaN = suppressed: then no share is shown).
    min_count, group_min : int
        See :func:`publishable_rate`.
    hidden_label : str
        Label of the combined hidden parts.

    Returns
    -------
    pandas.DataFrame
        Index = categories plus ``hidden_label`` when parts are hidden;
        columns ``count`` and ``share`` (percent of the full total, NaN when
        not publishable). The hidden row has no count and no share: its
        share would be 100 % minus the shown shares, i.e. the hidden sum.

    Notes
    -----
    The shown shares do not add up to 100 % when parts are hidden; that is
    intended. Normalising them over the shown parts instead would publish
    the hidden remainder (Alt-Biberberg: 22 entrants, shown shares over 21
    → one Hauptschule entrant).

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4.5.
    Wiley.

    Examples
    --------
    >>> s = shares_of_total(pd.Series({"gym": 14.0, "rs": 4.0, "hs": np.nan, "ges": 3.0}), 22.0)
    >>> s["share"].round(1).tolist()
    [63.6, 18.2, nan, 13.6, nan]
    >>> s.index.tolist()[-1], s["count"].isna().tolist()[-1]
    ('nicht ausgewiesen', True)
    """
    counts = pd.to_numeric(parts, errors="coerce").astype(float)
    tot = float(total) if total is not None else np.nan
    den = np.full(len(counts), tot)
    ok = publishable_rate(counts.to_numpy(), den, min_count=min_count, group_min=group_min)
    share = np.where(ok, 100.0 * counts.to_numpy() / np.where(den > 0, den, np.nan), np.nan)
    out = pd.DataFrame({"count": counts.to_numpy(), "share": share}, index=counts.index)
    if counts.isna().any():
        out.loc[hidden_label] = [np.nan, np.nan]
    return out
