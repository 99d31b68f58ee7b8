"""Population by single year of age and sex (mirrors 12411, 31 December).

Each unit's age structure follows the German birth cohorts (so cohorts age from
year to year), a Gompertz survival curve, and a migration pattern: cities gain
young adults, rural Gemeinden lose them. Counts are Poisson draws around the
expected values; the Bund series is the expected value scaled to the national
total, without noise.

Examples
--------
>>> import numpy as np
>>> from toolkit.samples._geography import build_geography
>>> geo = build_geography(np.random.default_rng(0), kreise=2)
>>> pop = draw_population(geo, np.random.default_rng(1), np.arange(2014, 2017))
>>> pop.units.shape[1:], pop.bund.shape
((3, 91, 2), (3, 91, 2))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from toolkit.samples._anchors import births, values
from toolkit.samples._geography import Geography

__all__ = ["AGES", "Population", "draw_population", "expected_profile"]

AGES = np.arange(91)
_MAX_AGE = 106


@dataclass(frozen=True)
class Population:
    """Population counts: ``units[u, y, age, sex]`` and ``bund[y, age, sex]`` (sex 0=m, 1=w).

    Examples
    --------
    >>> Population(np.zeros((1, 1, 91, 2)), np.zeros((1, 91, 2)), np.array([2020])).years
    array([2020])
    """

    units: np.ndarray
    bund: np.ndarray
    years: np.ndarray

    def at(self, year: int | np.ndarray) -> np.ndarray:
        """Return year indices for calendar years, clamped to the generated range.

        Examples
        --------
        >>> p = Population(np.zeros((1, 2, 91, 2)), np.zeros((2, 91, 2)), np.array([2014, 2015]))
        >>> p.at(np.array([2010, 2015, 2030])).tolist()
        [0, 1, 1]
        """
        return np.clip(np.asarray(year) - self.years[0], 0, len(self.years) - 1)


def _male_share(ages: np.ndarray) -> np.ndarray:
    return np.interp(ages, [0, 50, 75, 95], [0.513, 0.505, 0.47, 0.33])


def expected_profile(years: np.ndarray, urban: np.ndarray, deprivation: np.ndarray) -> np.ndarray:
    """Return age shares ``[unit, year, age 0..90]`` (each row sums to 1).

    Parameters
    ----------
    years : numpy.ndarray
        Reference years (31 December).
    urban, deprivation : numpy.ndarray
        Traits of each unit, 0..1.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> p = expected_profile(np.array([2024]), np.array([0.0, 1.0]), np.array([0.0, 0.0]))
    >>> bool(p[1, 0, 25] > p[0, 0, 25])  # cities have more 25-year-olds
    True
    """
    ages = np.arange(_MAX_AGE)
    survival = np.exp(-0.00003 * (np.exp(0.09 * ages) - 1) / 0.09)
    cohort = births(years[:, None] - ages[None, :]) * survival[None, :]  # (Y, A)
    young_adult = np.exp(-(((ages - 25) / 6.0) ** 2))
    city = 0.55 * young_adult - 0.12 * (ages < 15) - 0.15 * (ages >= 65)
    rural = -0.22 * young_adult + 0.05 * ((ages >= 40) & (ages < 65)) + 0.05 * (ages >= 65)
    factor = 1 + urban[:, None] * city[None, :] + (1 - urban[:, None]) * rural[None, :]
    factor = factor * (1 + 0.25 * deprivation[:, None] * (ages < 18)[None, :])
    weights = factor[:, None, :] * cohort[None, :, :]  # (U, Y, A)
    weights = np.concatenate(
        [weights[:, :, :90], weights[:, :, 90:].sum(axis=2, keepdims=True)], axis=2
    )
    return weights / weights.sum(axis=2, keepdims=True)


def draw_population(geo: Geography, rng: np.random.Generator, years: np.ndarray) -> Population:
    """Draw population counts for every unit and the Bund.

    Parameters
    ----------
    geo : Geography
        The regions.
    rng : numpy.random.Generator
        Source of randomness.
    years : numpy.ndarray
        Consecutive reference years.

    Returns
    -------
    Population

    Examples
    --------
    >>> import numpy as np
    >>> from toolkit.samples._geography import build_geography
    >>> geo = build_geography(np.random.default_rng(0), kreise=2)
    >>> p = draw_population(geo, np.random.default_rng(0), np.array([2024]))
    >>> bool(80e6 < p.bund.sum() < 90e6)
    True
    """
    years = np.asarray(years)
    share = expected_profile(years, geo.unit_urban, geo.unit_deprivation)
    total = geo.unit_pop[:, None] * np.exp(geo.unit_growth[:, None] * (years - years[0])[None, :])
    expected = total[:, :, None] * share
    male = _male_share(AGES)
    expected = np.stack([expected * male, expected * (1 - male)], axis=3)
    units = rng.poisson(expected).astype(np.int64)

    bund_share = expected_profile(years, np.array([0.3]), np.array([0.1]))[0]
    bund_total = values("population", years) * 1e6
    bund = bund_total[:, None] * bund_share
    bund = np.rint(np.stack([bund * male, bund * (1 - male)], axis=2)).astype(np.int64)
    return Population(units=units, bund=bund, years=years)
