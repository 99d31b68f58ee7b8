"""National reference values the synthetic Bund (``DG``) series is anchored to.

Values marked *published* are official figures (Statistisches Bundesamt, BIBB
Datenreport, Bildungsbericht "Bildung in Deutschland"); values marked *approx.* are
rounded approximations of the official series, used only to give the synthetic
Bund series a realistic course between the published points. Years outside a
series take the value of the nearest year.

Examples
--------
>>> value("lq", 2023)
29.7
>>> value("lq", 2040)  # nearest year: 2024
29.5
"""

from __future__ import annotations

import numpy as np

__all__ = ["SERIES", "births", "value", "values"]

#: name -> (unit, {year: value}, note)
SERIES: dict[str, tuple[str, dict[int, float], str]] = {
    "population": (
        "Mio.",
        {2012: 80.5, 2013: 80.8, 2014: 81.2, 2015: 82.2, 2016: 82.5, 2017: 82.8,
         2018: 83.0, 2019: 83.2, 2020: 83.2, 2021: 83.2, 2022: 84.4, 2023: 84.7,
         2024: 83.6},
        "approx. Fortschreibung 31.12. (2024 on the Zensus 2022 basis)",
    ),
    "betreuungsquote_u3": (
        "%",
        {2015: 32.9, 2016: 32.7, 2017: 33.1, 2018: 33.6, 2019: 34.3, 2020: 35.0,
         2021: 34.4, 2022: 35.5, 2023: 36.4, 2024: 37.4},
        "published 2022, 2023; other years approx.",
    ),
    "betreuungsquote_3u6": (
        "%",
        {2015: 94.9, 2016: 93.6, 2017: 93.4, 2018: 92.9, 2019: 93.0, 2020: 92.5,
         2021: 91.9, 2022: 91.7, 2023: 91.3, 2024: 91.0},
        "approx.",
    ),
    "gymnasium_share": (
        "%",
        {2015: 42.5, 2016: 42.8, 2017: 42.6, 2018: 42.9, 2019: 43.1, 2020: 43.4,
         2021: 44.0, 2022: 43.8, 2023: 43.5, 2024: 43.6},
        "approx. share of Gymnasium among pupils entering Jahrgangsstufe 5",
    ),
    "ohne_hsa_share": (
        "%",
        {2015: 5.9, 2016: 5.7, 2017: 6.0, 2018: 6.4, 2019: 6.5, 2020: 6.2,
         2021: 6.2, 2022: 6.9, 2023: 6.9, 2024: 7.0},
        "approx. share of leavers without Hauptschulabschluss",
    ),
    "iabe_total": (
        "Anzahl",
        {2015: 1_955_000, 2016: 1_965_000, 2017: 1_935_000, 2018: 1_915_000,
         2019: 1_905_000, 2020: 1_860_000, 2021: 1_870_000, 2022: 1_880_000,
         2023: 1_895_000, 2024: 1_913_610},
        "published 2024; other years approx.",
    ),
    "iabe_share_I": (
        "%",
        {2015: 36.3, 2016: 36.0, 2017: 36.5, 2018: 37.1, 2019: 37.0, 2020: 35.7,
         2021: 35.5, 2022: 35.6, 2023: 35.9, 2024: 36.1},
        "published 2024; other years approx.",
    ),
    "iabe_share_II": (
        "%",
        {2015: 14.5, 2016: 15.5, 2017: 14.8, 2018: 14.0, 2019: 13.6, 2020: 12.8,
         2021: 12.6, 2022: 13.0, 2023: 13.4, 2024: 13.6},
        "published 2024; other years approx.",
    ),
    "iabe_share_III": (
        "%",
        {2015: 25.0, 2016: 24.5, 2017: 24.0, 2018: 23.8, 2019: 24.0, 2020: 25.5,
         2021: 25.3, 2022: 24.8, 2023: 24.6, 2024: 24.4},
        "approx.",
    ),
    "contracts_new": (
        "Anzahl",
        {2012: 551_000, 2013: 530_000, 2014: 523_000, 2015: 522_000, 2016: 520_000,
         2017: 523_000, 2018: 531_000, 2019: 525_000, 2020: 467_000, 2021: 473_000,
         2022: 469_000, 2023: 479_790, 2024: 476_000},
        "published 2023 (21211); other years approx.",
    ),
    "lq": (
        "%",
        {2015: 24.9, 2016: 25.8, 2017: 25.7, 2018: 26.5, 2019: 26.9, 2020: 25.1,
         2021: 26.7, 2022: 29.5, 2023: 29.7, 2024: 29.5},
        "Vertragslösungsquote (BIBB LQneu): published 2019-2023; other years approx.",
    ),
    "lq_hw": ("%", {2023: 36.5}, "published 2023: Vertragslösungsquote Handwerk"),
    "lq_ih": ("%", {2023: 26.8}, "published 2023: Vertragslösungsquote Industrie und Handel"),
    "probezeit_share": (
        "%",
        {2023: 35.3},
        "published 2023: share of dissolutions within the Probezeit",
    ),
    "aaq": (
        "%",
        {2015: 52.5, 2016: 53.0, 2017: 54.0, 2018: 54.5, 2019: 53.5, 2020: 49.5,
         2021: 50.7, 2022: 51.0, 2023: 51.5, 2024: 51.0},
        "Ausbildungsanfängerquote: published 2021; other years approx.",
    ),
}  # fmt: skip

# Live births in Germany by year of birth (thousands, approx.), knots for interpolation.
_BIRTH_KNOTS: dict[int, float] = {
    1915: 900, 1920: 1150, 1930: 1100, 1940: 1200, 1945: 750, 1950: 1120, 1955: 1110,
    1964: 1357, 1970: 1050, 1975: 780, 1980: 865, 1985: 815, 1990: 905, 1995: 765,
    2000: 767, 2005: 686, 2011: 663, 2016: 792, 2021: 795, 2022: 739, 2023: 693,
    2024: 677,
}  # fmt: skip


def value(name: str, year: int) -> float:
    """Return the reference value of a series for a year (nearest year if outside).

    Parameters
    ----------
    name : str
        Key of :data:`SERIES`.
    year : int
        Calendar year.

    Returns
    -------
    float

    Examples
    --------
    >>> value("betreuungsquote_u3", 2022)
    35.5
    """
    points = SERIES[name][1]
    nearest = min(points, key=lambda y: (abs(y - year), y))
    return float(points[nearest])


def values(name: str, years: np.ndarray | list[int]) -> np.ndarray:
    """Return :func:`value` for an array of years (same shape).

    Examples
    --------
    >>> values("lq", [2019, 2020]).tolist()
    [26.9, 25.1]
    """
    arr = np.asarray(years)
    flat = [value(name, int(y)) for y in arr.reshape(-1)]
    return np.array(flat, dtype=float).reshape(arr.shape)


def births(birth_years: np.ndarray) -> np.ndarray:
    """Return approximate live births (thousands) for years of birth.

    Examples
    --------
    >>> births(np.array([1964, 2024])).tolist()
    [1357.0, 677.0]
    """
    xs = np.array(sorted(_BIRTH_KNOTS), dtype=float)
    ys = np.array([_BIRTH_KNOTS[int(x)] for x in xs], dtype=float)
    return np.interp(np.asarray(birth_years, dtype=float), xs, ys)
