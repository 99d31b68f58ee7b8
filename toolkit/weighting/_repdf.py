"""Degrees of freedom of a replicate-weight design: the rank of its replicate weights (R ``degf``).

Private helpers of :mod:`toolkit.weighting._repvar` (which re-exports them):
:func:`row_patterns` finds the distinct replicate-weight rows once per
design, :func:`replicate_df` counts the rank of those rows.

Examples
--------
>>> import numpy as np
>>> replicate_df(np.array([[0.0, 2.0], [2.0, 0.0], [0.0, 4.0]]))
1
"""

from __future__ import annotations

import numpy as np

__all__ = ["replicate_df", "row_patterns"]


def row_patterns(repweights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct replicate-weight rows up to a factor (one per PSU for generated weights).

    Parameters
    ----------
    repweights : numpy.ndarray
        Replicate weights ``(n, R)``.

    Returns
    -------
    tuple of numpy.ndarray
        Pattern number of each row and the distinct rows scaled to a maximum
        of 1 (``(patterns, R)``).

    Notes
    -----
    Duplicates are found through two fixed random projections of the scaled
    rows, so rows that differ are kept apart.

    Examples
    --------
    >>> ids, rows = row_patterns(np.array([[0.0, 2.0], [0.0, 4.0], [2.0, 0.0]]))
    >>> ids.tolist(), rows.tolist()
    ([0, 0, 1], [[0.0, 1.0], [1.0, 0.0]])
    """
    top = np.maximum(repweights.max(axis=1), -repweights.min(axis=1))
    top = np.where(top > 0, top, 1.0)
    probe = np.random.default_rng(0).uniform(0.5, 1.5, (repweights.shape[1], 2))
    keys = np.round((repweights @ probe) / top[:, None], 9)  # projections of the scaled rows
    _, first, ids = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    rows = first[order]
    return rank[ids.ravel()], repweights[rows] / top[rows, None]


def replicate_df(
    repweights: np.ndarray,
    rows: np.ndarray | None = None,
    patterns: tuple[np.ndarray, np.ndarray] | None = None,
) -> int:
    """Degrees of freedom of a replicate design: rank of its replicate weights minus one (R ``degf``).

    Parameters
    ----------
    repweights : numpy.ndarray
        Analysis replicate weights ``(n, R)``.
    rows : numpy.ndarray, optional
        Boolean mask of the rows of a domain (R computes the rank of the
        subset's weights).
    patterns : tuple, optional
        :func:`row_patterns` of ``repweights``, computed once per design.

    Returns
    -------
    int
        ``rank - 1``.

    Notes
    -----
    Scaling rows and removing duplicate rows (:func:`row_patterns`) leave
    the rank unchanged; the rank counts singular values above ``1e-5``
    times the largest (from the eigenvalues of the Gram matrix), close to
    R's ``qr(tol = 1e-5)``.

    Examples
    --------
    >>> w = np.array([[0.0, 2.0, 2.0], [2.0, 0.0, 2.0], [2.0, 2.0, 0.0]])
    >>> replicate_df(w)
    2
    """
    ids, distinct = patterns if patterns is not None else row_patterns(repweights)
    if rows is not None:
        ids = ids[rows]
    if len(ids) == 0:
        return -1
    unique = distinct[np.unique(ids)]
    if not unique.any():
        return -1
    # squared singular values from the smaller Gram matrix (no multithreaded LAPACK decomposition
    # of a tall matrix; the 1e-10 threshold on s^2 is far above the Gram matrix's rounding)
    gram = unique.T @ unique if unique.shape[0] > unique.shape[1] else unique @ unique.T
    s2 = np.linalg.eigvalsh(gram)
    return int((s2 > 1e-10 * s2.max()).sum()) - 1
