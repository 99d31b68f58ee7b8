"""Demografie: population, its change, Jugend- and Altenquotient, age shares.

Source table ``population`` (Fortschreibung, 31 December, single years of
age). All indicators exist wherever population rows exist (Sozialraum,
Gemeinde) and are recomputed from summed counts for Kreis and Land.

This module holds the catalogue entries (``SPECS``) and the public functions;
the computation from the population's age bins is in
:mod:`toolkit.indicators._demografie_compute` (``compute``, ``band`` and
``AGE_GROUPS`` are importable from here as well, e.g. ``demografie.compute``
in ``engine.STEPS``).

Examples
--------
>>> pop = pd.DataFrame({"region_code": "17001000", "year": 2024, "sex": "w",
...                     "age": [10, 30, 70], "population": [20, 50, 30]})
>>> jugendquotient(pop)["value"].tolist()[:1]
[40.0]
"""

from __future__ import annotations

import pandas as pd

from toolkit.indicators._context import run
from toolkit.indicators._demografie_compute import (  # noqa: F401  (re-exported)
    AGE_GROUPS,
    band,
    compute,
)
from toolkit.indicators._spec import GEMEINDE_LEVELS, Spec

__all__ = [
    "altenquotient",
    "anteil_65plus",
    "anteil_unter_18",
    "bevoelkerung",
    "bevoelkerung_veraenderung",
    "jugendquotient",
]

TABLES = ("population",)

_SRC = "Bevölkerungsfortschreibung (12411), Stichtag 31.12."
_REF = "31.12. des Jahres"

SPECS = (
    Spec(
        "bevoelkerung",
        "Bevölkerung",
        "Einwohnerinnen und Einwohner am Jahresende.",
        "Bevölkerung",
        "–",
        _REF,
        "Anzahl",
        _SRC,
        GEMEINDE_LEVELS,
        "demografie",
        "neutral",
        0,
        1e9,
        ("sex", "age_group"),
    ),
    Spec(
        "bevoelkerung_veraenderung",
        "Bevölkerungsveränderung zum Vorjahr",
        "Veränderung der Bevölkerung gegenüber dem 31.12. des Vorjahres in Prozent.",
        "Bevölkerung am 31.12. minus Bevölkerung am 31.12. des Vorjahres",
        "Bevölkerung am 31.12. des Vorjahres",
        _REF,
        "%",
        _SRC,
        GEMEINDE_LEVELS,
        "demografie",
        "neutral",
        -50,
        50,
        ("sex",),
    ),
    Spec(
        "jugendquotient",
        "Jugendquotient",
        "Personen unter 20 Jahren je 100 Personen von 20 bis unter 65 Jahren.",
        "Bevölkerung unter 20 Jahren",
        "Bevölkerung von 20 bis unter 65 Jahren",
        _REF,
        "je 100",
        _SRC,
        GEMEINDE_LEVELS,
        "demografie",
        "neutral",
        10,
        80,
        ("sex",),
    ),
    Spec(
        "altenquotient",
        "Altenquotient",
        "Personen ab 65 Jahren je 100 Personen von 20 bis unter 65 Jahren.",
        "Bevölkerung ab 65 Jahren",
        "Bevölkerung von 20 bis unter 65 Jahren",
        _REF,
        "je 100",
        _SRC,
        GEMEINDE_LEVELS,
        "demografie",
        "neutral",
        10,
        90,
        ("sex",),
    ),
    Spec(
        "anteil_unter_18",
        "Anteil Kinder und Jugendliche unter 18",
        "Anteil der Personen unter 18 Jahren an der Bevölkerung.",
        "Bevölkerung unter 18 Jahren",
        "Bevölkerung insgesamt",
        _REF,
        "%",
        _SRC,
        GEMEINDE_LEVELS,
        "demografie",
        "neutral",
        5,
        35,
        ("sex",),
    ),
    Spec(
        "anteil_65plus",
        "Anteil ab 65 Jahren",
        "Anteil der Personen ab 65 Jahren an der Bevölkerung.",
        "Bevölkerung ab 65 Jahren",
        "Bevölkerung insgesamt",
        _REF,
        "%",
        _SRC,
        GEMEINDE_LEVELS,
        "demografie",
        "neutral",
        5,
        45,
        ("sex",),
    ),
)
CODES = tuple(s.code for s in SPECS)


def _one(code: str, population: pd.DataFrame, region_table: pd.DataFrame | None) -> pd.DataFrame:
    return run(compute, {"population": population}, region_table, [code])


def bevoelkerung(
    population: pd.DataFrame, *, region_table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Count the population at 31 December, total and by sex and age group.

    Parameters
    ----------
    population : DataFrame
        Canonical ``population`` table.
    region_table : DataFrame, optional
        ``regions`` table for names.

    Returns
    -------
    DataFrame
        IndicatorFrame at every level with population rows.

    Notes
    -----
    Population on 31 December; higher levels are sums of the Gemeinde counts.

    References
    ----------
    .. [1] Statistisches Bundesamt (Destatis): Fortschreibung des Bevölkerungsstandes
           (Stichtag 31. Dezember).
    .. [2] Autorengruppe Bildungsberichterstattung: Bildung in Deutschland (nationaler
           Bildungsbericht), Kapitel A Rahmenbedingungen (Demografie).

    Examples
    --------
    >>> pop = pd.DataFrame({"region_code": ["17001000", "17001004"], "year": 2024,
    ...                     "sex": "w", "age": 40, "population": [3, 4]})
    >>> f = bevoelkerung(pop)
    >>> f[(f["dimension"] == "") & (f["level"] == "kreis")]["value"].tolist()
    [7.0]
    """
    return _one("bevoelkerung", population, region_table)


def bevoelkerung_veraenderung(
    population: pd.DataFrame, *, region_table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Change of population against the previous 31 December, in %.

    Parameters
    ----------
    population : DataFrame
        Canonical ``population`` table (needs two consecutive years).
    region_table : DataFrame, optional
        ``regions`` table for names.

    Returns
    -------
    DataFrame
        IndicatorFrame; numerator = difference, denominator = previous year.

    Notes
    -----
    Change = 100 × (population on 31 December of t − population a year earlier) /
    population a year earlier: a change of a count in per cent, computed from the summed
    counts at every level.

    References
    ----------
    .. [1] Statistisches Bundesamt (Destatis): Fortschreibung des Bevölkerungsstandes
           (Stichtag 31. Dezember).
    .. [2] Autorengruppe Bildungsberichterstattung: Bildung in Deutschland (nationaler
           Bildungsbericht), Kapitel A Rahmenbedingungen (Demografie).

    Examples
    --------
    >>> pop = pd.DataFrame({"region_code": "17001000", "year": [2023, 2024], "sex": "w",
    ...                     "age": 40, "population": [200, 210]})
    >>> bevoelkerung_veraenderung(pop)["value"].tolist()[:1]
    [5.0]
    """
    return _one("bevoelkerung_veraenderung", population, region_table)


def jugendquotient(
    population: pd.DataFrame, *, region_table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Jugendquotient: under 20 per 100 aged 20 to under 65.

    Parameters
    ----------
    population : DataFrame
        Canonical ``population`` table.
    region_table : DataFrame, optional
        ``regions`` table for names.

    Returns
    -------
    DataFrame
        IndicatorFrame, unit ``je 100``.

    Notes
    -----
    Quotient = 100 × people under 20 / people aged 20 to under 65 on 31 December.

    References
    ----------
    .. [1] Statistisches Bundesamt (Destatis): Fortschreibung des Bevölkerungsstandes
           (Stichtag 31. Dezember).
    .. [2] Statistisches Bundesamt (Destatis): Bevölkerungsvorausberechnung und
           Bevölkerungsstand – Jugend- und Altenquotient (Abgrenzung 20 und 65 Jahre).
    .. [3] Autorengruppe Bildungsberichterstattung: Bildung in Deutschland (nationaler
           Bildungsbericht), Kapitel A Rahmenbedingungen (Demografie).

    Examples
    --------
    >>> pop = pd.DataFrame({"region_code": "17001000", "year": 2024, "sex": "m",
    ...                     "age": [5, 19, 20, 64], "population": [10, 20, 50, 50]})
    >>> jugendquotient(pop)["value"].tolist()[:1]
    [30.0]
    """
    return _one("jugendquotient", population, region_table)


def altenquotient(
    population: pd.DataFrame, *, region_table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Altenquotient: 65 and older per 100 aged 20 to under 65.

    Parameters
    ----------
    population : DataFrame
        Canonical ``population`` table.
    region_table : DataFrame, optional
        ``regions`` table for names.

    Returns
    -------
    DataFrame
        IndicatorFrame, unit ``je 100``.

    Notes
    -----
    Quotient = 100 × people aged 65 and older / people aged 20 to under 65 on 31
    December.

    References
    ----------
    .. [1] Statistisches Bundesamt (Destatis): Fortschreibung des Bevölkerungsstandes
           (Stichtag 31. Dezember).
    .. [2] Statistisches Bundesamt (Destatis): Bevölkerungsvorausberechnung und
           Bevölkerungsstand – Jugend- und Altenquotient (Abgrenzung 20 und 65 Jahre).
    .. [3] Autorengruppe Bildungsberichterstattung: Bildung in Deutschland (nationaler
           Bildungsbericht), Kapitel A Rahmenbedingungen (Demografie).

    Examples
    --------
    >>> pop = pd.DataFrame({"region_code": "17001000", "year": 2024, "sex": "m",
    ...                     "age": [65, 90, 30], "population": [10, 5, 60]})
    >>> altenquotient(pop)["value"].tolist()[:1]
    [25.0]
    """
    return _one("altenquotient", population, region_table)


def anteil_unter_18(
    population: pd.DataFrame, *, region_table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Share of people under 18 in the population, in %.

    Parameters
    ----------
    population : DataFrame
        Canonical ``population`` table.
    region_table : DataFrame, optional
        ``regions`` table for names.

    Returns
    -------
    DataFrame
        IndicatorFrame, unit ``%``.

    Notes
    -----
    Share = 100 × people under 18 / total population on 31 December.

    References
    ----------
    .. [1] Statistisches Bundesamt (Destatis): Fortschreibung des Bevölkerungsstandes
           (Stichtag 31. Dezember).
    .. [2] Autorengruppe Bildungsberichterstattung: Bildung in Deutschland (nationaler
           Bildungsbericht), Kapitel A Rahmenbedingungen (Demografie).

    Examples
    --------
    >>> pop = pd.DataFrame({"region_code": "17001000", "year": 2024, "sex": "m",
    ...                     "age": [17, 18], "population": [1, 3]})
    >>> anteil_unter_18(pop)["value"].tolist()[:1]
    [25.0]
    """
    return _one("anteil_unter_18", population, region_table)


def anteil_65plus(
    population: pd.DataFrame, *, region_table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Share of people aged 65 and older in the population, in %.

    Parameters
    ----------
    population : DataFrame
        Canonical ``population`` table.
    region_table : DataFrame, optional
        ``regions`` table for names.

    Returns
    -------
    DataFrame
        IndicatorFrame, unit ``%``.

    Notes
    -----
    Share = 100 × people aged 65 and older / total population on 31 December.

    References
    ----------
    .. [1] Statistisches Bundesamt (Destatis): Fortschreibung des Bevölkerungsstandes
           (Stichtag 31. Dezember).
    .. [2] Autorengruppe Bildungsberichterstattung: Bildung in Deutschland (nationaler
           Bildungsbericht), Kapitel A Rahmenbedingungen (Demografie).

    Examples
    --------
    >>> pop = pd.DataFrame({"region_code": "17001000", "year": 2024, "sex": "m",
    ...                     "age": [64, 65], "population": [3, 1]})
    >>> anteil_65plus(pop)["value"].tolist()[:1]
    [25.0]
    """
    return _one("anteil_65plus", population, region_table)
