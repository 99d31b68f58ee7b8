"""Dual training: new contracts, dissolutions (BIBB Schichtenmodell), beginners, iABE.

Dissolutions are drawn from the contract cohorts: each cell of new contracts begun in
year s loses contracts in the reporting years t = s .. s+3 by sequential binomial
draws, so a cohort can never lose more contracts than it had, and the layer
structure L_t(s) that the Vertragslösungsquote (LQneu) needs exists by construction.
The hazard depends on the Zuständigkeitsbereich (Handwerk highest), the occupation,
the school qualification, nationality, the Kreis and the reporting year; about a
third of all dissolutions fall into the Probezeit (most of the first layer).

Examples
--------
>>> len(BERUFE), sorted({b[2] for b in BERUFE})
(27, ['fb', 'hausw', 'hw', 'ih', 'lw', 'oed'])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from toolkit.samples._anchors import SERIES, value, values
from toolkit.samples._geography import Geography

__all__ = [
    "AGE_SHARES",
    "BERUFE",
    "LAYER_SHARES",
    "SCHOOLING",
    "ZUSTAENDIGKEIT",
    "Contracts",
    "draw_beginners",
    "draw_contracts",
    "draw_iabe",
]

ZUSTAENDIGKEIT = ("ih", "hw", "oed", "lw", "fb", "hausw")
SCHOOLING = ("ohne_hsa", "hsa", "msa", "hzb", "unbekannt")
#: code, name, Zuständigkeit, share of contracts, female share, schooling mix, hazard factor
BERUFE: tuple[tuple[str, str, str, float, float, tuple[float, ...], float], ...] = (
    ("IH01", "Kaufmann/Kauffrau für Büromanagement", "ih", 6.2, 0.70, (1, 10, 52, 34, 3), 0.85),
    ("IH02", "Kaufmann/Kauffrau im Einzelhandel", "ih", 5.5, 0.48, (3, 30, 45, 18, 4), 1.05),
    ("IH03", "Verkäufer/Verkäuferin", "ih", 4.5, 0.55, (6, 50, 32, 6, 6), 1.25),
    ("IH04", "Industriekaufmann/Industriekauffrau", "ih", 3.0, 0.60, (0, 3, 40, 55, 2), 0.55),
    ("IH05", "Fachinformatiker/Fachinformatikerin", "ih", 3.5, 0.10, (0, 5, 35, 57, 3), 0.75),
    ("IH06", "Industriemechaniker/Industriemechanikerin", "ih", 2.8, 0.06, (1, 20, 60, 16, 3), 0.6),
    ("IH07", "Fachkraft für Lagerlogistik", "ih", 3.0, 0.12, (5, 48, 35, 6, 6), 1.15),
    ("IH08", "Mechatroniker/Mechatronikerin", "ih", 1.8, 0.06, (0, 10, 60, 27, 3), 0.55),
    ("IH09", "Koch/Köchin", "ih", 2.0, 0.25, (8, 52, 28, 6, 6), 1.9),
    ("IH10", "Hotelfachmann/Hotelfachfrau", "ih", 1.5, 0.65, (3, 30, 45, 18, 4), 1.6),
    ("IH11", "Elektroniker/Elektronikerin für Betriebstechnik", "ih", 1.7, 0.05, (1, 12, 62, 22, 3), 0.6),
    ("IH12", "Bankkaufmann/Bankkauffrau", "ih", 1.8, 0.52, (0, 1, 25, 72, 2), 0.45),
    ("IH13", "Kaufmann/Kauffrau im Groß- und Außenhandelsmanagement", "ih", 2.5, 0.40, (1, 6, 45, 45, 3), 0.75),
    ("HW01", "Kraftfahrzeugmechatroniker/Kraftfahrzeugmechatronikerin", "hw", 5.5, 0.05, (3, 40, 47, 7, 3), 0.95),
    ("HW02", "Elektroniker/Elektronikerin (Handwerk)", "hw", 3.6, 0.03, (2, 35, 50, 10, 3), 1.0),
    ("HW03", "Anlagenmechaniker/Anlagenmechanikerin SHK", "hw", 3.4, 0.02, (4, 50, 38, 5, 3), 1.15),
    ("HW04", "Friseur/Friseurin", "hw", 1.5, 0.80, (7, 55, 30, 4, 4), 1.6),
    ("HW05", "Tischler/Tischlerin", "hw", 1.8, 0.15, (2, 30, 45, 20, 3), 0.9),
    ("HW06", "Maler und Lackierer/Malerin und Lackiererin", "hw", 2.0, 0.15, (10, 60, 22, 3, 5), 1.45),
    ("HW07", "Fachverkäufer/Fachverkäuferin im Lebensmittelhandwerk", "hw", 1.2, 0.80, (10, 55, 27, 3, 5), 1.6),
    ("OD01", "Verwaltungsfachangestellter/Verwaltungsfachangestellte", "oed", 3.0, 0.72, (0, 2, 50, 46, 2), 1.0),
    ("LW01", "Landwirt/Landwirtin", "lw", 1.2, 0.18, (2, 30, 48, 17, 3), 0.8),
    ("LW02", "Gärtner/Gärtnerin", "lw", 1.3, 0.25, (6, 45, 35, 10, 4), 1.15),
    ("FB01", "Medizinischer Fachangestellter/Medizinische Fachangestellte", "fb", 3.7, 0.95, (1, 14, 58, 24, 3), 1.0),
    ("FB02", "Zahnmedizinischer Fachangestellter/Zahnmedizinische Fachangestellte", "fb", 3.3, 0.97, (2, 22, 55, 17, 4), 1.15),
    ("FB03", "Steuerfachangestellter/Steuerfachangestellte", "fb", 1.4, 0.70, (0, 2, 40, 56, 2), 0.65),
    ("HA01", "Hauswirtschafter/Hauswirtschafterin", "hausw", 0.5, 0.85, (8, 50, 32, 5, 5), 1.0),
)  # fmt: skip
_BASE_HAZARD = {"ih": 0.237, "hw": 0.322, "oed": 0.075, "lw": 0.23, "fb": 0.28, "hausw": 0.27}
_SCHOOLING_HAZARD = np.array([1.5, 1.3, 0.95, 0.65, 1.2])
_NATIONALITY_HAZARD = np.array([1.0, 1.15])
#: Share of a cohort's dissolutions falling into reporting years s, s+1, s+2, s+3.
LAYER_SHARES = np.array([0.33, 0.42, 0.18, 0.07])
_PROBEZEIT = np.array([0.9, 0.12, 0.0, 0.0])
#: Age distribution of first-time entrants into dual training, ages 16 (and younger) .. 24+.
AGE_SHARES = np.array([0.10, 0.14, 0.17, 0.16, 0.13, 0.10, 0.07, 0.05, 0.08])
_AAQ_SEX = np.array([1.25, 0.74])


@dataclass(frozen=True)
class Contracts:
    """New contracts and their dissolutions per Kreis, and the same for the Bund.

    ``new[k, s, beruf, sex, nat, schooling]`` for start years ``cohorts``;
    dissolutions ``dissolved[k, s, layer, probezeit(0 no, 1 yes), beruf, sex, nat, schooling]``
    (layer i = reporting year s+i); the same for the Bund without the first axis.

    Examples
    --------
    >>> Contracts.__dataclass_fields__.keys() >= {"new", "dissolved", "cohorts"}
    True
    """

    new: np.ndarray
    dissolved: np.ndarray
    bund_new: np.ndarray
    bund_dissolved: np.ndarray
    cohorts: np.ndarray


def _cell_probs() -> tuple[np.ndarray, np.ndarray]:
    """National cell distribution ``p[beruf, sex, nat, schooling]`` and hazards."""
    share = np.array([b[3] for b in BERUFE])
    share = share / share.sum()
    female = np.array([b[4] for b in BERUFE])
    school = np.array([b[5] for b in BERUFE], dtype=float)
    school = school / school.sum(axis=1, keepdims=True)
    sex = np.stack([1 - female, female], axis=1)
    nat = np.array([0.88, 0.12])
    p = share[:, None, None, None] * sex[:, :, None, None] * nat[None, None, :, None]
    p = p * school[:, None, None, :]
    zust = [b[2] for b in BERUFE]
    raw = (
        np.array([b[6] for b in BERUFE])[:, None, None, None]
        * _NATIONALITY_HAZARD[None, None, :, None]
        * _SCHOOLING_HAZARD[None, None, None, :]
    )
    hazard = np.empty_like(raw)
    for z in ZUSTAENDIGKEIT:
        rows = [i for i, zz in enumerate(zust) if zz == z]
        mean = (p[rows] * raw[rows]).sum() / p[rows].sum()
        hazard[rows] = _BASE_HAZARD[z] * raw[rows] / mean
    return p, np.broadcast_to(hazard, p.shape)


def _largest_remainder(expected: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Round each row of ``expected`` (last axis flattened) to integers summing to ``total``."""
    flat = expected.reshape(expected.shape[0], -1)
    floor = np.floor(flat).astype(np.int64)
    missing = (np.asarray(total, dtype=np.int64) - floor.sum(axis=1)).clip(min=0)
    order = np.argsort(-(flat - floor), axis=1, kind="stable")
    ranks = np.argsort(order, axis=1, kind="stable")
    floor += ranks < missing[:, None]
    return floor.reshape(expected.shape)


def _dissolve(rng: np.random.Generator, new: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Sequential binomial layers; returns ``[..., layer, probezeit]`` moved to axes 1, 2."""
    remaining = new.copy()
    left = np.ones_like(probs[..., 0])
    out = []
    for i in range(4):
        p = np.clip(probs[..., i] / np.maximum(left, 1e-12), 0, 1)
        layer = rng.binomial(remaining, p)
        remaining -= layer
        left = left - probs[..., i]
        in_probezeit = rng.binomial(layer, _PROBEZEIT[i])
        out.append(np.stack([layer - in_probezeit, in_probezeit], axis=0))
    stacked = np.stack(out, axis=0)  # (layer, probezeit, K, S, ...)
    return np.moveaxis(stacked, (0, 1), (2, 3))


def draw_contracts(
    geo: Geography, kreis_age18: np.ndarray, rng: np.random.Generator, cohorts: np.ndarray
) -> Contracts:
    """Draw new contracts per Kreis and start year, and their dissolutions.

    Parameters
    ----------
    geo : Geography
        The regions.
    kreis_age18 : numpy.ndarray
        Population aged 18 per Kreis and cohort year ``[k, s]`` (both sexes).
    rng : numpy.random.Generator
        Source of randomness.
    cohorts : numpy.ndarray
        Start years (three before the first reporting year up to the last).

    Returns
    -------
    Contracts

    Examples
    --------
    >>> import numpy as np
    >>> from toolkit.samples._geography import build_geography
    >>> geo = build_geography(np.random.default_rng(0), kreise=2)
    >>> c = draw_contracts(geo, np.full((2, 4), 2000), np.random.default_rng(0), np.arange(2012, 2016))
    >>> bool((c.dissolved.sum(axis=(2, 3)) <= c.new).all())
    True
    """
    n_k = len(geo.kreis_codes)
    p, hazard = _cell_probs()
    zust = np.array([ZUSTAENDIGKEIT.index(b[2]) for b in BERUFE])
    year_factor = values("contracts_new", cohorts) / value("contracts_new", 2019)
    q = 0.62 * np.exp(rng.normal(0, 0.1, n_k)) * np.where(geo.kreisfrei, 1.15, 1.0)
    totals = rng.poisson(q[:, None] * kreis_age18 * year_factor[None, :])
    # Kreis mix: cities more Industrie und Handel / Freie Berufe, rural more Handwerk.
    tilt = np.where(geo.kreisfrei[:, None], np.array([1.1, 0.8, 1.1, 0.5, 1.15, 1.0]), 1.0)
    tilt = tilt[:, zust] * np.exp(rng.normal(0, 0.15, (n_k, len(BERUFE))))
    foreign = np.clip(0.08 + 0.06 * geo.kreisfrei + rng.normal(0, 0.02, n_k), 0.03, 0.3)
    nat = np.stack([1 - foreign, foreign], axis=1) / np.array([0.88, 0.12])
    pk = p[None] * tilt[:, :, None, None, None] * nat[:, None, None, :, None]
    pk = (pk / pk.sum(axis=(1, 2, 3, 4), keepdims=True)).reshape(n_k, -1)
    pk = np.broadcast_to(pk[:, None, :], (*totals.shape, pk.shape[1]))
    new = rng.multinomial(totals, pk).reshape(*totals.shape, *p.shape)

    reporting = values("lq", cohorts[:, None] + np.arange(4)[None, :]) / 27.0  # (S, layer)
    kreis_risk = np.exp(rng.normal(0, 0.07, n_k))
    probs = (
        hazard[None, None, ..., None]
        * kreis_risk[:, None, None, None, None, None, None]
        * (reporting * LAYER_SHARES)[None, :, None, None, None, None, :]
    )
    dissolved = _dissolve(rng, new, np.broadcast_to(probs, (*new.shape, 4)))

    bund_totals = values("contracts_new", cohorts).astype(np.int64)
    bund_new = _largest_remainder(bund_totals[:, None] * p.reshape(1, -1), bund_totals)
    bund_new = bund_new.reshape(len(cohorts), *p.shape)
    return Contracts(new, dissolved, bund_new, _bund_dissolved(bund_new, hazard, cohorts), cohorts)


def _bund_dissolved(new: np.ndarray, hazard: np.ndarray, cohorts: np.ndarray) -> np.ndarray:
    """Return expected dissolutions scaled to the anchored national values.

    Each reporting year t gets LQneu = the anchored value; where a value is published
    for a Zuständigkeitsbereich (Handwerk, Industrie und Handel 2023) that area is
    scaled to it and the others share the rest; where the Probezeit share is
    published, the Probezeit split of year t is scaled to it.
    """
    n_s = len(cohorts)
    zust = np.array([ZUSTAENDIGKEIT.index(b[2]) for b in BERUFE])
    expected = (
        new[:, None, ...] * hazard[None, None] * LAYER_SHARES[None, :, None, None, None, None]
    )  # (S, layer, beruf, ...)
    per_cell = expected.sum(axis=(3, 4, 5))  # (S, layer, beruf)
    by_zust = np.stack([per_cell[:, :, zust == z].sum(axis=2) for z in range(6)], axis=2)
    n_total = new.reshape(n_s, -1).sum(axis=1)
    n_zust = np.stack([new[:, zust == z].sum(axis=(1, 2, 3, 4)) for z in range(6)], axis=1)
    scale = np.ones((n_s, 4, 6))
    probezeit = np.broadcast_to(_PROBEZEIT, (n_s, 4)).copy()
    for t in range(n_s):
        year = int(cohorts[t])
        layers = [(t - i, i) for i in range(4) if t - i >= 0]
        share = sum(by_zust[s, i] / n_total[s] for s, i in layers)  # contribution per zust
        factor = np.full(6, np.nan)
        for z, name in ((1, "lq_hw"), (0, "lq_ih")):
            published = SERIES[name][1].get(year)
            if published is not None:
                own = sum(by_zust[s, i, z] / n_zust[s, z] for s, i in layers)
                factor[z] = published / 100 / own
        fixed = ~np.isnan(factor)
        rest = value("lq", year) / 100 - (factor[fixed] * share[fixed]).sum()
        factor[~fixed] = rest / share[~fixed].sum()
        for s, i in layers:
            scale[s, i] = factor
        target = SERIES["probezeit_share"][1].get(year)
        if target is not None:
            weights = np.array([(by_zust[s, i] * factor).sum() for s, i in layers])
            current = (weights * _PROBEZEIT[[i for _, i in layers]]).sum() / weights.sum()
            for s, i in layers:
                probezeit[s, i] = min(1.0, _PROBEZEIT[i] * target / 100 / current)
    expected = expected * scale[:, :, zust][:, :, :, None, None, None]
    # Round, then cap the running total of each cohort cell at its new contracts.
    cumulative = np.minimum(np.rint(np.cumsum(expected, axis=1)), new[:, None])
    total = np.diff(cumulative, axis=1, prepend=0).astype(np.int64)
    in_probezeit = np.rint(total * probezeit[:, :, None, None, None, None]).astype(np.int64)
    return np.stack([total - in_probezeit, in_probezeit], axis=2)  # (S, layer, probezeit, ...)


def draw_beginners(
    contracts: Contracts,
    kreis_pop: np.ndarray,
    bund_pop: np.ndarray,
    rng: np.random.Generator,
    years: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """First-time entrants ``[k, year, age 16..24, sex]`` and Bund ``[year, age, sex]``.

    ``kreis_pop`` / ``bund_pop`` hold population aged 16..24 on 31 December of each
    reporting year (``[k, year, age, sex]``).

    Examples
    --------
    >>> import numpy as np
    >>> from toolkit.samples._geography import build_geography
    >>> geo = build_geography(np.random.default_rng(0), kreise=2)
    >>> c = draw_contracts(geo, np.full((2, 4), 2000), np.random.default_rng(0), np.arange(2012, 2016))
    >>> k, b = draw_beginners(c, np.full((2, 1, 9, 2), 1000), np.full((1, 9, 2), 400_000),
    ...                       np.random.default_rng(0), np.array([2015]))
    >>> k.shape, b.shape
    ((2, 1, 9, 2), (1, 9, 2))
    """
    idx = np.searchsorted(contracts.cohorts, years)
    by_sex = contracts.new[:, idx].sum(axis=(2, 4, 5))  # (K, Y, sex)
    first_time = rng.binomial(by_sex, 0.9)
    shares = np.broadcast_to(AGE_SHARES, (*first_time.shape, 9))
    kreis = np.moveaxis(rng.multinomial(first_time, shares), 3, 2)  # (K, Y, age, sex)

    weight = AGE_SHARES[None, :, None] * _AAQ_SEX[None, None, :]
    denom = (weight * bund_pop).sum(axis=2) / bund_pop.sum(axis=2)  # (Y, age)
    norm = denom.sum(axis=1)
    aaq = values("aaq", years) / 100
    bund = np.rint(aaq[:, None, None] * weight * bund_pop / norm[:, None, None])
    return kreis, bund.astype(np.int64)


def draw_iabe(
    geo: Geography, kreis_youth: np.ndarray, rng: np.random.Generator, years: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """IABE entrants ``[k, year, sector I..IV, sex, nat]`` and the Bund ``[year, ...]``.

    ``kreis_youth`` is the mean population of one age year among the 16- to
    20-year-olds per Kreis (``[k, year]``); the Bund series is anchored to the
    published totals and sector shares.

    Examples
    --------
    >>> import numpy as np
    >>> from toolkit.samples._geography import build_geography
    >>> geo = build_geography(np.random.default_rng(0), kreise=2)
    >>> k, b = draw_iabe(geo, np.full((2, 1), 1500.0), np.random.default_rng(0), np.array([2024]))
    >>> int(b.sum())
    1913610
    """
    n_k = len(geo.kreis_codes)
    uni = geo.kreis_university
    sector = np.where(
        uni[:, None], np.array([0.32, 0.12, 0.22, 0.34]), np.array([0.42, 0.15, 0.29, 0.14])
    )
    sector = sector * np.exp(rng.normal(0, 0.08, (n_k, 4)))
    sector /= sector.sum(axis=1, keepdims=True)
    male = np.array([0.60, 0.62, 0.47, 0.47])
    sex = np.stack([male, 1 - male], axis=1)  # (sector, sex)
    foreign = np.clip(0.08 + 0.07 * geo.kreisfrei + rng.normal(0, 0.02, n_k), 0.03, 0.35)
    tilt = np.array([0.9, 2.5, 0.8, 0.8])  # foreign entrants more often in sector II
    f = foreign[:, None] * tilt[None, :] / (1 - foreign[:, None] + foreign[:, None] * tilt)
    nat = np.stack([1 - f, f], axis=2)  # (K, sector, nat)
    probs = sector[:, :, None, None] * sex[None, :, :, None] * nat[:, :, None, :]
    probs = probs.reshape(n_k, 1, -1)
    attract = np.where(uni, 1.35, 0.95)
    totals = rng.poisson(2.3 * kreis_youth * attract[:, None])
    kreis = rng.multinomial(totals, np.broadcast_to(probs, (*totals.shape, 16)))
    kreis = kreis.reshape(*totals.shape, 4, 2, 2)

    total = values("iabe_total", years)
    shares = np.stack([values(f"iabe_share_{s}", years) / 100 for s in ("I", "II", "III")], axis=1)
    shares = np.concatenate([shares, 1 - shares.sum(axis=1, keepdims=True)], axis=1)
    nat_b = np.array([0.1, 0.1 * 2.5, 0.08, 0.08])
    nat_b = np.stack([1 - nat_b, nat_b], axis=1)
    expected = total[:, None, None, None] * shares[:, :, None, None]
    expected = expected * sex[None, :, :, None] * nat_b[None, :, None, :]
    bund = _largest_remainder(expected, total.astype(np.int64))
    return kreis, bund
