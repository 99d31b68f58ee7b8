"""Regions of the synthetic Land: Kreise, Gemeinden and Sozialräume with their traits.

The *units* are the smallest areas the generator draws numbers for: every Gemeinde
except the largest city, plus the Sozialräume of that city. The city's own row is
always the sum of its Sozialräume, so the two levels add up exactly.

Examples
--------
>>> import numpy as np
>>> geo = build_geography(np.random.default_rng(3), kreise=10)
>>> geo.kreis_codes[:2], int(geo.kreisfrei.sum())
(['17001', '17002'], 2)
>>> geo.city_code
'17001000'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.errors import ParameterError
from toolkit.samples._names import SOZIALRAUM_NAMES, place_names

__all__ = ["LAND", "LAND_NAME", "Geography", "build_geography"]

LAND = "17"
LAND_NAME = "Musterland"
_MAX_PER_BLOCK = 49  # Kreis numbers 01-49 for kreisfreie Städte, 51-99 for Landkreise


@dataclass(frozen=True)
class Geography:
    """Codes, names and traits of all generated regions (see module docstring).

    Examples
    --------
    >>> import numpy as np
    >>> geo = build_geography(np.random.default_rng(0), kreise=4)
    >>> geo.n_units == len(geo.unit_codes)
    True
    """

    regbez_codes: list[str]
    regbez_names: list[str]
    kreis_codes: list[str]
    kreis_names: list[str]
    kreisfrei: np.ndarray
    gemeinde_codes: list[str]
    gemeinde_names: list[str]
    gemeinde_kreis: np.ndarray  # index into kreis_codes
    city: int  # index of the largest city in gemeinde_codes
    sozialraum_codes: list[str]
    sozialraum_names: list[str]
    unit_codes: list[str]
    unit_gemeinde: np.ndarray  # index into gemeinde_codes
    unit_pop: np.ndarray  # expected population at the first generated year
    unit_urban: np.ndarray  # 0 (rural) .. 1 (urban)
    unit_growth: np.ndarray  # yearly growth rate
    unit_deprivation: np.ndarray  # 0 .. 1, social burden (Sozialräume, small effect elsewhere)
    unit_primary_host: np.ndarray  # unit whose Grundschule the unit's pupils attend
    unit_secondary_host: np.ndarray  # unit whose secondary school they attend
    kreis_university: np.ndarray  # Kreis has a Hochschule (iABE sector IV)

    @property
    def n_units(self) -> int:
        """Number of units (Gemeinden without the city, plus Sozialräume).

        Examples
        --------
        >>> import numpy as np
        >>> build_geography(np.random.default_rng(0), kreise=2).n_units > 8
        True
        """
        return len(self.unit_codes)

    @property
    def city_code(self) -> str:
        """AGS of the largest city (the one with Sozialräume).

        Examples
        --------
        >>> import numpy as np
        >>> build_geography(np.random.default_rng(0), kreise=2).city_code
        '17001000'
        """
        return self.gemeinde_codes[self.city]

    @property
    def unit_kreis(self) -> np.ndarray:
        """Kreis index of each unit.

        Examples
        --------
        >>> import numpy as np
        >>> build_geography(np.random.default_rng(0), kreise=2).unit_kreis[0]
        np.int64(0)
        """
        return self.gemeinde_kreis[self.unit_gemeinde]

    def regions_frame(self) -> pd.DataFrame:
        """Return the ``regions.csv`` table (Bund, Land, [RB], Kreise, Gemeinden, SR).

        Examples
        --------
        >>> import numpy as np
        >>> f = build_geography(np.random.default_rng(0), kreise=2).regions_frame()
        >>> f["level"].iloc[:3].tolist()
        ['bund', 'land', 'kreis']
        """
        rows: list[tuple[str, str, str, str, object]] = [
            ("DG", "Deutschland", "bund", "", None),
            (LAND, f"{LAND_NAME} (fiktiv)", "land", "DG", None),
        ]
        for code, name in zip(self.regbez_codes, self.regbez_names, strict=True):
            rows.append((code, name, "regbez", LAND, None))
        for code, name, kf in zip(self.kreis_codes, self.kreis_names, self.kreisfrei, strict=True):
            parent = code[:3] if code[2] != "0" else LAND
            rows.append((code, name, "kreis", parent, bool(kf)))
        for code, name in zip(self.gemeinde_codes, self.gemeinde_names, strict=True):
            rows.append((code, name, "gemeinde", code[:5], None))
        for code, name in zip(self.sozialraum_codes, self.sozialraum_names, strict=True):
            rows.append((code, name, "sozialraum", self.city_code, None))
        frame = pd.DataFrame(
            rows, columns=["region_code", "region_name", "level", "parent_code", "kreisfrei"]
        )
        frame["kreisfrei"] = frame["kreisfrei"].astype("boolean")
        return frame


def _kreis_numbers(n_kfs: int, n_lk: int) -> tuple[list[str], list[str], list[str]]:
    """Return Kreis codes of kreisfreie Städte and Landkreise and the RB codes used."""
    blocks = max(-(-n_kfs // _MAX_PER_BLOCK), -(-n_lk // _MAX_PER_BLOCK))
    if blocks <= 1:
        return (
            [f"{LAND}0{i:02d}" for i in range(1, n_kfs + 1)],
            [f"{LAND}0{50 + i:02d}" for i in range(1, n_lk + 1)],
            [],
        )
    rb_digits = [str(d) for d in range(1, blocks + 1)]
    kfs = [f"{LAND}{rb_digits[i % blocks]}{1 + i // blocks:02d}" for i in range(n_kfs)]
    lk = [f"{LAND}{rb_digits[i % blocks]}{51 + i // blocks:02d}" for i in range(n_lk)]
    return kfs, lk, [f"{LAND}{d}" for d in rb_digits]


def build_geography(rng: np.random.Generator, kreise: int) -> Geography:
    """Draw the regions of Musterland.

    About a quarter of the Kreise are kreisfreie Städte (at least one); a Landkreis
    has about 12 Gemeinden in the default Land and up to about 37 in a Land of 400
    Kreise, as in Germany. With more than 49 kreisfreie Städte or Landkreise the
    codes use Regierungsbezirk digits 1-9.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    kreise : int
        Number of Kreise, 2 to 800.

    Returns
    -------
    Geography

    Raises
    ------
    ParameterError
        If ``kreise`` is out of range.

    Examples
    --------
    >>> import numpy as np
    >>> geo = build_geography(np.random.default_rng(0), kreise=100)
    >>> geo.regbez_codes[:2], geo.kreis_codes[0]
    (['171', '172'], '17101')
    """
    if not 2 <= kreise <= 800:
        raise ParameterError(
            f"kreise={kreise} liegt außerhalb des erlaubten Bereichs.",
            hint="Zwischen 2 und 800 Kreise wählen (Deutschland hat 400).",
        )
    n_kfs = max(1, kreise // 4)
    n_lk = kreise - n_kfs
    kfs_codes, lk_codes, rb_codes = _kreis_numbers(n_kfs, n_lk)
    taken = {"Musterstadt", "Beispielstadt", "Beispielkreis"}
    names = place_names(rng, kreise, taken=taken)
    city_names = ["Musterstadt", "Beispielstadt", *names[: max(0, n_kfs - 2)]][:n_kfs]
    lk_names = ["Beispielkreis", *[f"{n}, Landkreis" for n in names[n_kfs:]]][:n_lk]
    kreis_names = [f"{n}, kreisfreie Stadt" for n in city_names] + lk_names
    kreis_codes = kfs_codes + lk_codes
    kreisfrei = np.array([True] * n_kfs + [False] * n_lk)

    # Populations: largest city 300k (sample Land) or more; Landkreise around 170k.
    city_pop = np.exp(rng.normal(np.log(110_000), 0.55, n_kfs)).clip(35_000, 900_000)
    city_pop[0] = max(city_pop.max() * 1.15, 300_000.0)
    lk_pop = np.exp(rng.normal(np.log(170_000), 0.35, n_lk)).clip(60_000, 650_000)
    mean_gem = 12.0 + 25.0 * min(1.0, max(0.0, (kreise - 10) / 390))
    n_gem = np.maximum(3, rng.poisson(mean_gem, n_lk))

    gem_codes = [f"{c}000" for c in kfs_codes]
    gem_kreis = list(range(n_kfs))
    gem_pop = list(city_pop)
    gem_urban = list(rng.uniform(0.75, 1.0, n_kfs))
    gem_urban[0] = 1.0
    gem_is_seat = [True] * n_kfs
    gem_names_all = place_names(rng, int(n_gem.sum()) - n_lk, taken=taken)
    gem_names = list(city_names)
    pos = 0
    for j in range(n_lk):
        k = n_kfs + j
        m = int(n_gem[j])
        weights = np.exp(rng.normal(0.0, 1.15, m))
        weights[0] = weights.max() * rng.uniform(1.5, 3.0)  # the Kreisstadt
        pops = lk_pop[j] * weights / weights.sum()
        numbers = np.sort(rng.choice(np.arange(1, min(999, 4 * m + 20) + 1), m, replace=False))
        seat_name = lk_names[j].split(",")[0] if j else "Beispielhausen"
        for i in range(m):
            gem_codes.append(f"{kreis_codes[k]}{numbers[i]:03d}")
            gem_kreis.append(k)
            gem_pop.append(float(max(pops[i], 180.0)))
            gem_urban.append(float(np.clip(0.15 + 0.6 * (pops[i] > 20_000), 0, 1)))
            gem_is_seat.append(i == 0)
            if i == 0:
                gem_names.append(f"{seat_name}, Stadt")
            else:
                name = gem_names_all[pos]
                pos += 1
                gem_names.append(f"{name}, Stadt" if pops[i] > 10_000 else name)
    order = np.argsort(np.array(gem_codes), kind="stable")
    gem_codes = [gem_codes[i] for i in order]
    gem_names = [gem_names[i] for i in order]
    gem_kreis_arr = np.array(gem_kreis)[order]
    gem_pop_arr = np.array(gem_pop)[order]
    gem_urban_arr = np.array(gem_urban)[order]
    gem_seat_arr = np.array(gem_is_seat)[order]
    city = gem_codes.index(f"{kfs_codes[0]}000")

    n_sr = int(rng.integers(8, 16))
    sr_codes = [f"{gem_codes[city]}-SR{i + 1:02d}" for i in range(n_sr)]
    sr_names = list(SOZIALRAUM_NAMES[:n_sr])
    sr_share = rng.dirichlet(np.full(n_sr, 6.0))
    sr_dep = rng.beta(2.0, 2.5, n_sr)

    others = np.array([i for i in range(len(gem_codes)) if i != city])
    unit_gem = np.concatenate([others, np.full(n_sr, city)])
    unit_codes = [gem_codes[i] for i in others] + sr_codes
    unit_order = np.argsort(np.array(unit_codes), kind="stable")
    unit_gem = unit_gem[unit_order]
    unit_codes = [unit_codes[i] for i in unit_order]
    is_sr = np.array(["-" in c for c in unit_codes])
    sr_index = {c: i for i, c in enumerate(sr_codes)}
    unit_pop = gem_pop_arr[unit_gem].copy()
    unit_dep = rng.beta(1.5, 5.0, len(unit_codes)) * 0.5
    for u in np.flatnonzero(is_sr):
        s = sr_index[unit_codes[u]]
        unit_pop[u] = gem_pop_arr[city] * sr_share[s]
        unit_dep[u] = sr_dep[s]
    unit_urban = gem_urban_arr[unit_gem]
    unit_growth = rng.normal(-0.002 + 0.007 * unit_urban, 0.004)

    # School locations: small Gemeinden send their pupils to the Kreisstadt.
    seat_of_kreis = {int(gem_kreis_arr[i]): i for i in np.flatnonzero(gem_seat_arr)}
    unit_of_gem = {int(g): u for u, g in enumerate(unit_gem) if not is_sr[u]}
    primary = np.arange(len(unit_codes))
    secondary = np.arange(len(unit_codes))
    for u in np.flatnonzero(~is_sr):
        seat = seat_of_kreis[int(gem_kreis_arr[unit_gem[u]])]
        if seat == city:
            continue
        if unit_pop[u] < 1_200:
            primary[u] = unit_of_gem[int(seat)]
        if unit_pop[u] < 7_000:
            secondary[u] = unit_of_gem[int(seat)]
    kreis_pop = np.bincount(gem_kreis_arr, weights=gem_pop_arr, minlength=kreise)
    university = kreisfrei & (kreis_pop >= np.quantile(kreis_pop[kreisfrei], 0.4))
    university[0] = True

    rb_names = [f"Regierungsbezirk {n}" for n in place_names(rng, len(rb_codes), taken=taken)]
    return Geography(
        regbez_codes=rb_codes,
        regbez_names=rb_names,
        kreis_codes=kreis_codes,
        kreis_names=kreis_names,
        kreisfrei=kreisfrei,
        gemeinde_codes=gem_codes,
        gemeinde_names=gem_names,
        gemeinde_kreis=gem_kreis_arr,
        city=city,
        sozialraum_codes=sr_codes,
        sozialraum_names=sr_names,
        unit_codes=unit_codes,
        unit_gemeinde=unit_gem,
        unit_pop=unit_pop,
        unit_urban=unit_urban,
        unit_growth=unit_growth,
        unit_deprivation=unit_dep,
        unit_primary_host=primary,
        unit_secondary_host=secondary,
        kreis_university=university,
    )
