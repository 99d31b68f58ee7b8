"""The Familienbefragung: a stratified household sample in the largest city.

Frame: households with children per Sozialraum, by age group of the youngest child,
derived from the city's population (these are the weighting margins). Design: one
stratum per Sozialraum, simple random sampling without replacement in each, with a
square-root allocation so that small Sozialräume are oversampled and design weights
differ. Response depends on migration background, single parenthood, the age of the
youngest child and the Sozialraum's social burden, and so do the answers: an
unweighted mean is biased, nonresponse adjustment and raking reduce the bias.

Examples
--------
>>> ITEMS[:2]
('zufriedenheit_kita', 'zufriedenheit_schule')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.samples._geography import Geography
from toolkit.samples._population import Population

__all__ = ["AGE_GROUPS", "ITEMS", "draw_survey"]

AGE_GROUPS = ("u3", "3u6", "6u10", "10u18")
ITEMS = (
    "zufriedenheit_kita",
    "zufriedenheit_schule",
    "zufriedenheit_freizeit",
    "nutzt_familienzentrum",
    "bedarf_ganztag",
    "bedarf_beratung",
)
_AGE_BOUNDS = ((0, 3), (3, 6), (6, 10), (10, 18))
_HOUSEHOLDS_PER_CHILD = np.array([0.80, 0.55, 0.50, 0.45])
_SAMPLE_SIZE = 1_400


def _scale(rng: np.random.Generator, latent: np.ndarray) -> np.ndarray:
    noisy = latent + rng.logistic(0, 0.7, latent.shape)
    return np.digitize(noisy, [1.5, 2.5, 3.5, 4.5]) + 1


def draw_survey(
    geo: Geography, pop: Population, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw the survey sample (respondents and nonrespondents) and its margins.

    Parameters
    ----------
    geo : Geography
        The regions (the Sozialräume of the largest city are the strata).
    pop : Population
        Population; the last year gives the frame.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        ``survey_families`` and ``survey_families_margins``.

    Examples
    --------
    >>> import numpy as np
    >>> from toolkit.samples._geography import build_geography
    >>> from toolkit.samples._population import draw_population
    >>> geo = build_geography(np.random.default_rng(0), kreise=2)
    >>> pop = draw_population(geo, np.random.default_rng(0), np.array([2024]))
    >>> sample, margins = draw_survey(geo, pop, np.random.default_rng(0))
    >>> bool(0.2 < sample["responded"].mean() < 0.5)
    True
    """
    is_sr = np.array(["-" in c for c in geo.unit_codes])
    units = np.flatnonzero(is_sr)
    codes = [geo.unit_codes[u] for u in units]
    dep = geo.unit_deprivation[units]
    kids = pop.units[units, -1].sum(axis=2)  # (SR, age)
    frame = np.stack([kids[:, lo:hi].sum(axis=1) for lo, hi in _AGE_BOUNDS], axis=1)
    frame = np.rint(frame * _HOUSEHOLDS_PER_CHILD).astype(np.int64)
    n_frame = frame.sum(axis=1)
    root = np.sqrt(n_frame)
    n_sample = np.minimum(np.maximum(np.rint(_SAMPLE_SIZE * root / root.sum()), 40), n_frame)
    n_sample = n_sample.astype(np.int64)

    parts = []
    for s in range(len(codes)):
        groups = rng.multivariate_hypergeometric(frame[s], int(n_sample[s]))
        age = np.repeat(np.arange(4), groups)
        parts.append(pd.DataFrame({"s": s, "age": age}))
    df = pd.concat(parts, ignore_index=True)
    n = len(df)
    d = dep[df["s"].to_numpy()]
    age = df["age"].to_numpy()
    young = age <= 1
    single = rng.random(n) < 0.12 + 0.25 * d + 0.05 * (age == 3)
    migration = rng.random(n) < 0.20 + 0.45 * d
    logit = 0.0 - 0.6 * migration - 0.4 * single + 0.3 * young - 0.9 * d
    responded = rng.random(n) < 1 / (1 + np.exp(-logit))

    satisfaction = 3.9 - 0.8 * d - 0.3 * migration - 0.2 * single
    kita = _scale(rng, satisfaction + 0.1).astype(float)
    schule = _scale(rng, satisfaction - 0.2).astype(float)
    freizeit = _scale(rng, satisfaction - 0.4 + 0.2 * young).astype(float)
    kita[~young] = np.nan
    schule[young] = np.nan
    family_centre = rng.random(n) < 0.15 + 0.30 * d + 0.10 * young
    ganztag = rng.random(n) < np.array([0.30, 0.45, 0.55, 0.15])[age] + 0.10 * single
    beratung = rng.random(n) < 0.12 + 0.15 * single + 0.10 * d

    out = pd.DataFrame(
        {
            "hh_id": [f"HH{i + 1:05d}" for i in range(n)],
            "sozialraum": [codes[s] for s in df["s"]],
        }
    )
    out["stratum"] = out["sozialraum"]
    out["n_stratum_frame"] = n_frame[df["s"].to_numpy()]
    out["design_weight"] = (n_frame / n_sample)[df["s"].to_numpy()]
    out["responded"] = responded
    out["child_age_group"] = [AGE_GROUPS[a] for a in age]
    out["single_parent"] = single
    out["migration"] = migration
    answers = {
        "zufriedenheit_kita": kita,
        "zufriedenheit_schule": schule,
        "zufriedenheit_freizeit": freizeit,
        "nutzt_familienzentrum": family_centre,
        "bedarf_ganztag": ganztag,
        "bedarf_beratung": beratung,
    }
    for name, values in answers.items():
        missing = ~responded | (rng.random(n) < 0.04)
        if name.startswith("zufriedenheit"):
            col = pd.array(np.where(missing | np.isnan(values), 0, values).astype(int), "Int64")
            col[missing | np.isnan(values)] = pd.NA
        else:
            col = pd.array(values, dtype="boolean")
            col[missing] = pd.NA
        out[name] = col

    margins = pd.DataFrame(
        {
            "sozialraum": np.repeat(codes, 4),
            "child_age_group": np.tile(AGE_GROUPS, len(codes)),
            "households": frame.reshape(-1),
        }
    )
    return out, margins
