"""Hadamard matrices for balanced repeated replication, chosen as R's ``survey::hadamard``.

R picks, for ``n`` strata, the smallest matrix with more than ``n`` rows it can
build: Sylvester doubling of a 4 x 4 or 16 x 16 matrix, Paley's construction
for a prime ``p = 3 (mod 4)``, or two tabulated matrices (orders 28 and 36,
from N. J. A. Sloane's library of Hadamard matrices, as shipped with R's
``survey``). Matrices are 0/1 (``1`` = +1). Using the same matrix as R makes
the BRR replicate weights, and so every BRR estimate, equal to R's.

Examples
--------
>>> hadamard(3).tolist()
[[1, 1, 1, 1], [1, 0, 1, 0], [1, 1, 0, 0], [1, 0, 0, 1]]
>>> hadamard(11).shape
(12, 12)
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["hadamard", "paley"]

_H28 = (
    "1111111111111111111111111111",
    "1001110001110001110001111000",
    "1000001111001101001101111000",
    "1000001110110010111001100110",
    "1001101000001111100011010110",
    "1001010100101100010110101110",
    "1000110011010010001110011110",
    "0101100010101010011111110000",
    "0100010110110101100111010100",
    "0100011011001011110010101100",
    "0101011000010111011101001010",
    "0100101101100100111010011010",
    "0101100101011001101100100110",
    "0010110100011110101011101000",
    "0011011001100110101100110100",
    "0010101100111011010100011100",
    "0011000111010111010010110010",
    "0011001011111000100111001010",
    "0010110011101101011001000110",
    "1110101001010100010111100100",
    "1111000101100011001011001100",
    "1111000010011100111000011100",
    "1110010101001010110101010010",
    "1110011000111001001010110010",
    "1110100010100111100100101010",
    "1101111111111110000000000000",
    "1011111110000001111110000000",
    "0111111110000000000001111110",
)
_H36 = (
    "111111111111111111111111111111111111",
    "010111000111110111001000010101100100",
    "101110001111101110010000101011001000",
    "011100011111011100100001010110010010",
    "111000111110111001000010101100100100",
    "110001111101110010000101011001001010",
    "100011111011100100001010110010010110",
    "000111110111001000010101100100101110",
    "001111101110010000101011001001011100",
    "011111011100100001010110010010111000",
    "111110111001000010101100100101110000",
    "111101110010000101011001001011100010",
    "111011100100001010110010010111000110",
    "110111001000010101100100101110001110",
    "101110010000101011001001011100011110",
    "011100100001010110010010111000111110",
    "111001000010101100100101110001111100",
    "110010000101011001001011100011111010",
    "100100001010110010010111000111110110",
    "001000010101100100101110001111101110",
    "010000101011001001011100011111011100",
    "100001010110010010111000111110111000",
    "000010101100100101110001111101110010",
    "000101011001001011100011111011100100",
    "001010110010010111000111110111001000",
    "010101100100101110001111101110010000",
    "101011001001011100011111011100100000",
    "010110010010111000111110111001000010",
    "101100100101110001111101110010000100",
    "011001001011100011111011100100001010",
    "110010010111000111110111001000010100",
    "100100101110001111101110010000101010",
    "001001011100011111011100100001010110",
    "010010111000111110111001000010101100",
    "100101110001111101110010000101011000",
    "001011100011111011100100001010110010",
)


def _rows(rows: tuple[str, ...]) -> np.ndarray:
    return np.array([[int(c) for c in r] for r in rows], dtype=np.int64)


def _double(h: np.ndarray) -> np.ndarray:
    return np.block([[h, h], [h, 1 - h]])


def _base(k: int) -> np.ndarray:
    h4 = np.array([[1, 1, 1, 1], [1, 0, 1, 0], [1, 1, 0, 0], [1, 0, 0, 1]], dtype=np.int64)
    if k == 0:
        return h4
    if k == 1:
        return _double(_double(h4))
    return _rows(_H28 if k == 2 else _H36)


_SIZES = np.array([4, 16, 28, 36])


def _is_prime(p: int) -> bool:
    return p >= 2 and all(p % d for d in range(2, math.isqrt(p) + 1))


def _small_primes() -> list[int]:
    """Primes ``p = 3 (mod 4)`` up to 7919 (R's ``small.primes``)."""
    return [p for p in range(3, 7920) if p % 4 == 3 and _is_prime(p)]


def _paley_prime(p: int) -> np.ndarray:
    idx = np.arange(p)
    m = (idx[:, None] + idx[None, :]) % p
    residues = {0, 1} | {(i * i) % p for i in range(2, (p - 1) // 2 + 1)}
    core = np.where(np.isin(m, list(residues)), 0, 1)
    top = np.ones((1, p), dtype=np.int64)
    return np.hstack([np.ones((p + 1, 1), dtype=np.int64), np.vstack([top, core])])


def paley(n: int, nmax: int | None = None) -> np.ndarray | None:
    """Paley-type Hadamard matrix with more than ``n`` rows, or None (R ``survey::paley``).

    Parameters
    ----------
    n : int
        Number of strata to cover.
    nmax : int, optional
        Largest acceptable order (default ``2 n``).

    Returns
    -------
    numpy.ndarray or None
        0/1 matrix, or None when no suitable prime is known.

    Examples
    --------
    >>> paley(5).shape
    (8, 8)
    """
    nmax = 2 * n if nmax is None else nmax
    primes = _small_primes()
    nceil = nn = n + 4 - (n % 4)
    if (n % 4) + 4 == (n % 8):
        while nn % 8 == 0:
            nn //= 2
        if nn - 1 in primes:
            m = _paley_prime(nn - 1)
            while nn < nceil:
                m = _double(m)
                nn *= 2
            return m
    if n > primes[-1]:
        return None
    p = min(q for q in primes if q >= n)
    if p + 1 > nceil + 4 and nceil + 4 < nmax:
        return paley(nceil + 3)
    if p > nmax:
        return None
    return _paley_prime(p)


def hadamard(n: int) -> np.ndarray:
    """Smallest Hadamard matrix (0/1) with more than ``n`` rows that R's ``hadamard(n)`` returns.

    Parameters
    ----------
    n : int
        Number of strata (half-sample pairs).

    Returns
    -------
    numpy.ndarray
        Square 0/1 matrix; its first row and column are all 1 for the
        constructed matrices.

    Notes
    -----
    Mirrors R ``survey::hadamard`` (Lumley 2010, sec. 2.8): tabulated
    orders 4, 16, 28, 36 are used if one lies in ``(m, m + 4]`` with
    ``m = n - n mod 4``; otherwise the best doubling of a tabulated matrix
    or, if that is more than 4 rows too large, Paley's construction.

    References
    ----------
    Paley, R. E. A. C. (1933). On orthogonal matrices. *Journal of
    Mathematics and Physics* 12, 311–320.

    Examples
    --------
    >>> hadamard(16).shape
    (20, 20)
    """
    m = n - (n % 4)
    pre = np.flatnonzero((m < _SIZES) & (m + 4 >= _SIZES))
    if len(pre):
        return _base(int(pre.min()))
    if np.all(m < _SIZES):
        return _base(0)
    doublings = np.maximum(0, np.ceil(np.log2((n + 1) / _SIZES))).astype(int)
    sizes = _SIZES * 2.0**doublings
    best = int(np.argmin(sizes - n))
    h = None
    if sizes[best] - n > 4:
        h = paley(n, int(sizes[best]))
    if h is None:
        h = _base(best)
        for _ in range(int(np.ceil(np.log2(sizes[best] / _SIZES[best])))):
            h = _double(h)
    return h
