"""Kita, Übergänge Grundschule → Sek I and Schulabgänge, drawn from the population.

Every count is drawn from the population of the matching age, so a count can never
exceed the children who exist: Kita children (1 March of year t) from the ages 0-2
and 3-5 on 31 December t-1; pupils leaving Jahrgangsstufe 4 from the 9-year-olds on
31 December t-1; school leavers from the 16-year-olds. Small Gemeinden have no
school of their own: their pupils are counted at the Kreisstadt (Grundschule below
1,200 inhabitants, secondary schools below 7,000), as official school statistics
count at the school's location.

Examples
--------
>>> SCHOOL_TYPES[-1], ABSCHLUESSE[0]
('sonstige', 'ohne_hsa')
"""

from __future__ import annotations

import numpy as np

from toolkit.io import TABLES
from toolkit.samples._anchors import values
from toolkit.samples._geography import Geography
from toolkit.samples._population import Population
from toolkit.samples._tables import sum_by

__all__ = ["ABSCHLUESSE", "SCHOOL_TYPES", "draw_kita", "draw_leavers", "draw_transitions"]


def _categories(table: str, column: str) -> tuple[str, ...]:
    """Return the allowed values of a column from the table contract (``toolkit.io``)."""
    spec = next(c for c in TABLES[table].columns if c.name == column)
    return tuple(spec.categories or ())


#: School types of Sekundarstufe I (the contract's values without ``jg4_abgaenge``).
SCHOOL_TYPES = tuple(t for t in _categories("transitions", "school_type") if t != "jg4_abgaenge")
ABSCHLUESSE = _categories("school_leavers", "abschluss")


def _at_host(counts: np.ndarray, host: np.ndarray) -> np.ndarray:
    return sum_by(host, counts, counts.shape[0])


def draw_kita(
    geo: Geography, pop: Population, rng: np.random.Generator, years: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Children in care ``[unit, year, age_group (u3, 3u6), care_type (kita, tagespflege)]``.

    Examples
    --------
    >>> import numpy as np
    >>> from toolkit.samples._geography import build_geography
    >>> from toolkit.samples._population import draw_population
    >>> geo = build_geography(np.random.default_rng(0), kreise=2)
    >>> pop = draw_population(geo, np.random.default_rng(0), np.arange(2019, 2021))
    >>> units, bund = draw_kita(geo, pop, np.random.default_rng(0), np.array([2020]))
    >>> units.shape[1:], bund.shape
    ((1, 2, 2), (1, 2, 2))
    """
    k = geo.unit_kreis
    n_k = len(geo.kreis_codes)
    t = (years - years[0])[None, :]
    prev = pop.at(years - 1)
    kids = np.stack(
        [pop.units[:, prev, 0:3, :].sum(axis=(2, 3)), pop.units[:, prev, 3:6, :].sum(axis=(2, 3))],
        axis=2,
    )  # (U, Y, 2)
    base_u3 = rng.uniform(0.25, 0.37, n_k) + 0.06 * geo.kreisfrei
    slope_u3 = rng.uniform(0.004, 0.012, n_k)
    base_3u6 = rng.uniform(0.87, 0.95, n_k)
    tp_u3 = rng.uniform(0.08, 0.25, n_k)
    dep = geo.unit_deprivation[:, None]
    q_u3 = base_u3[k][:, None] + slope_u3[k][:, None] * t - 0.10 * dep
    q_u3 = q_u3 + rng.normal(0, 0.03, (len(k), 1))
    q_3u6 = base_3u6[k][:, None] - 0.002 * t - 0.05 * dep + rng.normal(0, 0.015, (len(k), 1))
    q = np.stack([np.clip(q_u3, 0.12, 0.62), np.clip(q_3u6, 0.80, 0.985)], axis=2)
    in_care = rng.binomial(kids, q)
    tp_share = np.stack(
        [np.broadcast_to(tp_u3[k][:, None], q_u3.shape), np.full(q_u3.shape, 0.015)], axis=2
    )
    tp = rng.binomial(in_care, tp_share)
    units = np.stack([in_care - tp, tp], axis=3)

    bund_kids = np.stack(
        [pop.bund[prev, 0:3, :].sum(axis=(1, 2)), pop.bund[prev, 3:6, :].sum(axis=(1, 2))], axis=1
    )
    quota = np.stack(
        [values("betreuungsquote_u3", years), values("betreuungsquote_3u6", years)], axis=1
    )
    care = np.rint(bund_kids * quota / 100).astype(np.int64)
    bund_tp = np.rint(care * np.array([0.155, 0.012])).astype(np.int64)
    return units, np.stack([care - bund_tp, bund_tp], axis=2)


def draw_transitions(
    geo: Geography, pop: Population, rng: np.random.Generator, years: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Pupils ``[unit, year, sex, school type + jg4_abgaenge (last)]`` at the school's location.

    Examples
    --------
    >>> import numpy as np
    >>> from toolkit.samples._geography import build_geography
    >>> from toolkit.samples._population import draw_population
    >>> geo = build_geography(np.random.default_rng(0), kreise=2)
    >>> pop = draw_population(geo, np.random.default_rng(0), np.arange(2019, 2021))
    >>> units, bund = draw_transitions(geo, pop, np.random.default_rng(0), np.array([2020]))
    >>> bool((units[..., :7].sum(axis=-1) <= units[..., 7]).all())
    True
    """
    k = geo.unit_kreis
    n_k, n_u = len(geo.kreis_codes), geo.n_units
    prev = pop.at(years - 1)
    jg4 = rng.binomial(pop.units[:, prev, 9, :], 0.965)  # (U, Y, 2)
    jg4 = _at_host(jg4, geo.unit_primary_host)
    t = (years - years[0])[None, :, None]
    gym = (rng.uniform(0.39, 0.44, n_k)[k] + 0.04 * geo.kreisfrei[k] - 0.18 * geo.unit_deprivation)[
        :, None, None
    ] + rng.normal(0, 0.02, (n_u, 1, 1))
    gym = np.clip(gym + 0.002 * t + np.array([-0.025, 0.025])[None, None, :], 0.2, 0.7)
    foerder = 0.012 + 0.02 * geo.unit_deprivation[:, None, None] + 0.004 * np.array([1, -1])
    other = rng.dirichlet([1.0, 3.0, 2.0, 3.0], n_k)[k][:, None, None, :]
    rest = 1 - gym - foerder - 0.02
    probs = np.concatenate(
        [
            rest[..., None] * other,
            gym[..., None],
            np.broadcast_to(foerder, gym.shape)[..., None],
            np.full((*gym.shape, 1), 0.02),
        ],
        axis=3,
    )
    probs = np.broadcast_to(probs, (*jg4.shape, 7))
    entering = jg4 - rng.binomial(jg4, 0.01)
    by_type = rng.multinomial(entering, probs / probs.sum(axis=-1, keepdims=True))
    units = np.concatenate([by_type, jg4[..., None]], axis=3)

    bund_jg4 = np.rint(pop.bund[prev, 9, :] * 0.965).astype(np.int64)  # (Y, 2)
    share_gym = values("gymnasium_share", years)[:, None] / 100 + np.array([-0.025, 0.025])
    base = np.array([0.05, 0.18, 0.10, 0.19, 0.0, 0.015, 0.025])
    shares = np.broadcast_to(base, (*share_gym.shape, 7)).copy()
    shares[..., :4] *= ((1 - share_gym - 0.04) / base[:4].sum())[..., None]
    shares[..., 4] = share_gym
    bund = np.rint(bund_jg4[..., None] * 0.99 * shares).astype(np.int64)
    return units, np.concatenate([bund, bund_jg4[..., None]], axis=2)


def draw_leavers(
    geo: Geography, pop: Population, rng: np.random.Generator, years: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Leavers ``[unit, year, abschluss, sex, nationality (deutsch, auslaendisch)]``.

    Examples
    --------
    >>> import numpy as np
    >>> from toolkit.samples._geography import build_geography
    >>> from toolkit.samples._population import draw_population
    >>> geo = build_geography(np.random.default_rng(0), kreise=2)
    >>> pop = draw_population(geo, np.random.default_rng(0), np.arange(2019, 2021))
    >>> units, bund = draw_leavers(geo, pop, np.random.default_rng(0), np.array([2020]))
    >>> units.shape[1:], bund.shape
    ((1, 5, 2, 2), (1, 5, 2, 2))
    """
    k = geo.unit_kreis
    n_k, n_u = len(geo.kreis_codes), geo.n_units
    prev = pop.at(years - 1)
    cohort = _at_host(rng.binomial(pop.units[:, prev, 16, :], 0.98), geo.unit_secondary_host)
    dep, urban = geo.unit_deprivation, geo.unit_urban
    foreign = np.clip(0.06 + 0.10 * urban + 0.35 * dep, 0.03, 0.45)
    aus = rng.binomial(cohort, foreign[:, None, None])
    by_nat = np.stack([cohort - aus, aus], axis=3)  # (U, Y, sex, nat)

    t = (years - years[0])[None, :]
    p0 = rng.uniform(0.042, 0.058, n_k)[k][:, None] * (1 + 0.8 * dep[:, None]) + 0.0008 * t
    ahr = (0.29 + 0.08 * urban - 0.12 * dep + rng.normal(0, 0.02, n_u))[:, None] + 0.0015 * t
    sex = np.array([[1.3, 0.7], [-0.04, 0.04]])  # multipliers for ohne_hsa, offsets for ahr
    nat = np.array([[0.9, 2.2], [1.0, 0.5]])  # multipliers: ohne_hsa, ahr
    p_ohne = p0[:, :, None, None] * sex[0][:, None] * nat[0][None, :]
    p_ahr = (ahr[:, :, None, None] + sex[1][:, None]) * nat[1][None, :]
    p_hsa = (0.13 + 0.06 * (1 - urban))[:, None, None, None] * np.array([1.0, 1.6])
    p_fhr = np.full(p_ohne.shape, 0.008)
    p_hsa = np.broadcast_to(p_hsa, p_ohne.shape)
    p_msa = 1 - p_ohne - p_hsa - p_fhr - p_ahr
    probs = np.stack([p_ohne, p_hsa, p_msa, p_fhr, p_ahr], axis=-1)
    probs = np.clip(probs, 0.001, None)
    by_abschluss = rng.multinomial(by_nat, probs / probs.sum(axis=-1, keepdims=True))
    units = np.moveaxis(by_abschluss, 4, 2)  # (U, Y, abschluss, sex, nat)

    total = pop.bund[prev, 16, :] * 0.98  # (Y, sex)
    cells = total[:, :, None] * np.array([0.86, 0.14])  # (Y, sex, nat)
    weights = np.array([1.3, 0.7])[:, None] * np.array([0.9, 2.2])[None, :]
    share0 = values("ohne_hsa_share", years)[:, None, None] / 100
    share0 = (
        share0
        * weights
        / (
            (cells * weights).sum(axis=(1, 2), keepdims=True)
            / cells.sum(axis=(1, 2), keepdims=True)
        )
    )
    ahr_b = np.array([[0.31, 0.38]]).T * np.array([1.0, 0.5])[None, :]
    hsa_b = np.full((2, 2), 0.16) * np.array([1.0, 1.6])
    fhr_b = np.full((2, 2), 0.008)
    msa_b = 1 - share0 - ahr_b - hsa_b - fhr_b
    shares = np.stack([share0, np.broadcast_to(hsa_b, share0.shape), msa_b,
                       np.broadcast_to(fhr_b, share0.shape), np.broadcast_to(ahr_b, share0.shape)], axis=1)  # fmt: skip
    bund = np.rint(cells[:, None, :, :] * shares).astype(np.int64)
    return units, bund
