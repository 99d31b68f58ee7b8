"""Primary suppression rules: which cells are sensitive themselves.

Notes
-----
*Frequency rule* (Mindestfallzahl): a count below ``min_count`` (in practice
3, so 1 and 2) is sensitive. A zero is not sensitive unless ``zeros=True``
(an empty cell tells nothing about a person).

*Dominance rule* ``(n, k)`` for magnitude tables: a cell is sensitive when
its ``n`` largest contributions make up more than ``k`` per cent of the cell
total. Its required protection is ``100/k * (x_1 + ... + x_n) - X`` on both
sides, the amount by which the total would have to differ for the rule to be
met.

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4.2
(sensitivity rules). Wiley.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from toolkit.errors import ParameterError

__all__ = ["dominance_rule", "frequency_rule", "protection_levels"]


def frequency_rule(values: ArrayLike, *, min_count: int = 3, zeros: bool = False) -> np.ndarray:
    """Flag counts below the minimum frequency.

    Parameters
    ----------
    values : array_like
        Counts.
    min_count : int, default 3
        Smallest count that may be published.
    zeros : bool, default False
        Whether zero counts are sensitive too.

    Returns
    -------
    numpy.ndarray of bool
        True where the count is sensitive.

    Examples
    --------
    >>> frequency_rule([0, 1, 2, 3, 10]).tolist()
    [False, True, True, False, False]
    >>> frequency_rule([0, 4], min_count=5, zeros=True).tolist()
    [True, True]
    """
    if not isinstance(min_count, int | np.integer) or min_count < 1:
        raise ParameterError(
            f"min_count={min_count!r} ist ungültig", hint="eine ganze Zahl >= 1 angeben, z. B. 3"
        )
    v = np.asarray(values, dtype=float)
    small = v < min_count
    return small if zeros else small & (v > 0)


def dominance_rule(totals: ArrayLike, top: ArrayLike, *, n: int, k: float) -> np.ndarray:
    """Flag magnitude cells dominated by their ``n`` largest contributions.

    Parameters
    ----------
    totals : array_like
        Cell totals, shape ``(cells,)``.
    top : array_like
        Largest contributions per cell, shape ``(cells, m)`` with ``m >= n``;
        missing contributors as 0.
    n : int
        Size of the dominating coalition.
    k : float
        Percentage (0 < k < 100).

    Returns
    -------
    numpy.ndarray of bool

    Examples
    --------
    >>> dominance_rule([100, 100], [[90, 5], [40, 30]], n=1, k=85).tolist()
    [True, False]
    """
    t, s = _dominance_inputs(totals, top, n, k)
    return (s > k / 100.0 * t) & (t > 0)


def _dominance_inputs(
    totals: ArrayLike, top: ArrayLike, n: int, k: float
) -> tuple[np.ndarray, np.ndarray]:
    if not 0 < k < 100 or n < 1:
        raise ParameterError(
            f"Dominanzregel (n={n}, k={k}) ist ungültig",
            hint="n >= 1 und 0 < k < 100, z. B. (1, 85)",
        )
    t = np.asarray(totals, dtype=float)
    tops = np.atleast_2d(np.asarray(top, dtype=float))
    if tops.shape[1] < n:
        raise ParameterError(
            f"Für die Dominanzregel mit n={n} fehlen Beitragsspalten ({tops.shape[1]} angegeben)",
            hint=f"mindestens {n} Spalten mit den größten Beiträgen angeben",
        )
    srt = -np.sort(-np.nan_to_num(tops), axis=1)
    return t, srt[:, :n].sum(axis=1)


def protection_levels(
    values: ArrayLike,
    sensitive: ArrayLike,
    *,
    protection: float = 1.0,
    top: ArrayLike | None = None,
    dominance: tuple[int, float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Compute the required protection below and above each sensitive cell.

    Parameters
    ----------
    values : array_like
        Cell values.
    sensitive : array_like of bool
        Cells that need protection.
    protection : float, default 1
        Absolute protection for frequency-rule cells: an attacker must not be
        able to exclude ``value - protection`` (at least 0) and
        ``value + protection``.
    top, dominance : optional
        Largest contributions and ``(n, k)``; the dominance protection
        ``100/k * (x_1 + ... + x_n) - X`` is used where it is larger.

    Returns
    -------
    lower, upper : numpy.ndarray
        Zero for cells that are not sensitive.

    Examples
    --------
    >>> lo, up = protection_levels([1, 2, 10], [True, True, False])
    >>> lo.tolist(), up.tolist()
    ([1.0, 1.0, 0.0], [1.0, 1.0, 0.0])
    >>> lo, up = protection_levels([0], [True])
    >>> lo.tolist(), up.tolist()
    ([0.0], [1.0])
    """
    v = np.asarray(values, dtype=float)
    s = np.asarray(sensitive, dtype=bool)
    if protection <= 0:
        raise ParameterError(f"protection={protection!r} muss positiv sein", hint="z. B. 1")
    upper = np.full(v.shape, float(protection))
    if top is not None and dominance is not None:
        t, top_sum = _dominance_inputs(v, top, *dominance)
        upper = np.maximum(upper, 100.0 / dominance[1] * top_sum - t)
    lower = np.minimum(upper, v)
    return np.where(s, lower, 0.0), np.where(s, upper, 0.0)
