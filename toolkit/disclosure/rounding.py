"""Rounding as an alternative to suppression.

Every published count, totals included, is rounded on its own to the
nearest multiple of the base (3 or 5; halves go up). Nothing is suppressed,
but **totals no longer equal the sum of their rounded parts**: a reader who
adds up the rounded Gemeinden gets a number that may differ from the rounded
Kreis. Zeros stay zero; 1 becomes 0 with base 3 or 5, so small counts are
hidden among the zeros.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from toolkit.errors import ParameterError

__all__ = ["BASES", "round_counts"]

#: Rounding bases in use by German statistical offices.
BASES = (3, 5)


def round_counts(values: ArrayLike, base: int = 5) -> np.ndarray:
    """Round counts independently to the nearest multiple of ``base``.

    Parameters
    ----------
    values : array_like
        Non-negative counts (NaN stays NaN).
    base : {3, 5}
        Rounding base.

    Returns
    -------
    numpy.ndarray of float

    Examples
    --------
    >>> round_counts([0, 1, 2, 3, 7, 8, 12]).tolist()
    [0.0, 0.0, 0.0, 5.0, 5.0, 10.0, 10.0]
    >>> round_counts([1, 2, 4], base=3).tolist()
    [0.0, 3.0, 3.0]
    """
    if base not in BASES:
        raise ParameterError(f"rounding_base={base!r} ist nicht vorgesehen", hint="3 oder 5")
    v = np.asarray(values, dtype=float)
    return base * np.floor(v / base + 0.5)
