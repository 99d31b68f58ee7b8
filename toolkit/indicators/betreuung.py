"""Frühe Bildung: Betreuungsquoten (Kita and Kindertagespflege).

Betreuungsquote = children of an age group in Kindertageseinrichtungen or
öffentlich geförderter Kindertagespflege on 1 March / population of that age
on 31 December of the previous year × 100. Children are counted at the place
of care, so a region with many places for children from elsewhere can exceed
100 %.

Examples
--------
>>> kita = pd.DataFrame({"region_code": "17001000", "year": 2024, "age_group": "u3",
...                      "care_type": ["kita", "tagespflege"], "children": [30, 6]})
>>> pop = pd.DataFrame({"region_code": "17001000", "year": 2023, "sex": "w",
...                     "age": [0, 1, 2], "population": [40, 30, 30]})
>>> betreuungsquote_u3(kita, pop)["value"].tolist()[:1]
[36.0]
"""

from __future__ import annotations

import pandas as pd

from toolkit.indicators._build import Part, part, rate_values
from toolkit.indicators._context import Context, run
from toolkit.indicators._counts import group_sum
from toolkit.indicators._spec import GEMEINDE_LEVELS, Spec
from toolkit.indicators.demografie import band

__all__ = ["betreuungsquote_3u6", "betreuungsquote_u3", "tagespflege_anteil_u3"]

TABLES = ("kita", "population")

_SRC = "Kinder- und Jugendhilfestatistik (22541, 22543); Bevölkerungsfortschreibung (12411)"
_REF = "Kinder: 1.3. des Jahres; Bevölkerung: 31.12. des Vorjahres"

SPECS = (
    Spec(
        "betreuungsquote_u3",
        "Betreuungsquote unter 3 Jahren",
        "Kinder unter 3 Jahren in Kindertageseinrichtungen oder öffentlich geförderter Kindertagespflege je 100 Kinder dieses Alters (Zählung am Ort der Betreuung, daher über 100 möglich).",
        "Kinder unter 3 Jahren in Kita und Kindertagespflege",
        "Bevölkerung unter 3 Jahren am 31.12. des Vorjahres",
        _REF,
        "%",
        _SRC,
        GEMEINDE_LEVELS,
        "fruehe_bildung",
        "better",
        0,
        150,
        ("care_type",),
    ),
    Spec(
        "betreuungsquote_3u6",
        "Betreuungsquote 3 bis unter 6 Jahre",
        "Kinder von 3 bis unter 6 Jahren in Kindertageseinrichtungen oder öffentlich geförderter Kindertagespflege je 100 Kinder dieses Alters (Zählung am Ort der Betreuung, daher über 100 möglich).",
        "Kinder von 3 bis unter 6 Jahren in Kita und Kindertagespflege",
        "Bevölkerung von 3 bis unter 6 Jahren am 31.12. des Vorjahres",
        _REF,
        "%",
        _SRC,
        GEMEINDE_LEVELS,
        "fruehe_bildung",
        "better",
        0,
        150,
        ("care_type",),
    ),
    Spec(
        "tagespflege_anteil_u3",
        "Anteil Kindertagespflege unter 3 Jahren",
        "Anteil der Kinder unter 3 Jahren in öffentlich geförderter Kindertagespflege an allen betreuten Kindern unter 3 Jahren.",
        "Kinder unter 3 Jahren in Kindertagespflege",
        "Kinder unter 3 Jahren in Kita und Kindertagespflege",
        "1.3. des Jahres",
        "%",
        _SRC,
        GEMEINDE_LEVELS,
        "fruehe_bildung",
        "neutral",
        0,
        100,
    ),
)
CODES = tuple(s.code for s in SPECS)
_GROUPS = {"u3": ("betreuungsquote_u3", (0, 3)), "3u6": ("betreuungsquote_3u6", (3, 6))}


def compute(ctx: Context) -> list[Part]:
    """Compute all Betreuung indicators.

    Examples
    --------
    >>> compute(Context({}))
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: Tabelle 'kita' fehlt, wird aber für dieses Indikator gebraucht.
    ...
    """
    return [*compute_quoten(ctx), *compute_tagespflege(ctx)]


def compute_quoten(ctx: Context) -> list[Part]:
    """Compute both Betreuungsquoten, total and by care type.

    Examples
    --------
    >>> kita = pd.DataFrame({"region_code": "17001000", "year": 2024, "age_group": "3u6",
    ...                      "care_type": "kita", "children": [9]})
    >>> pop = pd.DataFrame({"region_code": "17001000", "year": 2023, "sex": "w",
    ...                     "age": [4], "population": [10]})
    >>> compute_quoten(Context({"kita": kita, "population": pop}))[2]["value"].tolist()
    [90.0, 90.0, 90.0]
    """
    kita = ctx.counts("kita")
    keys, n, r = ctx.population_wide(False)
    parts = []
    for group, (code, ages) in _GROUPS.items():
        bins = ctx.age_bins(*ages)
        if bins is None:
            ctx.omit([code], f"Bevölkerung {ages[0]} bis unter {ages[1]} Jahre nicht in den Daten")
            continue
        pop_n, pop_r = band(n, r, bins)
        den = keys.assign(year=keys["year"] + 1, n_d=pop_n, r_d=pop_r)
        sub = kita[kita["age_group"].astype("str") == group]
        for dim in ("", "care_type"):
            by = ["region_code", "year"] + ([dim] if dim else [])
            num = group_sum(sub, by)
            m = num.merge(den, on=["region_code", "year"], how="inner")
            v, f = rate_values(m["n"], m["r"], m["n_d"], m["r_d"], 100.0)
            cat = m[dim] if dim else ""
            parts.append(
                part(
                    m,
                    indicator=code,
                    unit="%",
                    value=v,
                    flag=f,
                    numerator=m["n"],
                    denominator=m["n_d"],
                    dimension=dim,
                    category=cat,
                )
            )
    return parts


def compute_tagespflege(ctx: Context) -> list[Part]:
    """Compute the share of Kindertagespflege among children under 3 in care.

    Examples
    --------
    >>> kita = pd.DataFrame({"region_code": "17001000", "year": 2024, "age_group": "u3",
    ...                      "care_type": ["kita", "tagespflege"], "children": [3, 1]})
    >>> compute_tagespflege(Context({"kita": kita}))[0]["value"].tolist()
    [25.0, 25.0, 25.0]
    """
    kita = ctx.counts("kita")
    sub = kita[kita["age_group"].astype("str") == "u3"]
    if not ctx.has_breakdown("kita", "care_type"):
        ctx.omit(["tagespflege_anteil_u3"], "Tabelle 'kita' ohne Aufgliederung nach care_type")
        return []
    tot = group_sum(sub, ["region_code", "year"])
    tp = group_sum(sub[sub["care_type"].astype("str") == "tagespflege"], ["region_code", "year"])
    m = tot.merge(tp, on=["region_code", "year"], how="left", suffixes=("_d", ""))
    m["n"] = m["n"].fillna(0.0)
    m["r"] = m["r"].fillna(0).astype("int8")
    v, f = rate_values(m["n"], m["r"], m["n_d"], m["r_d"], 100.0)
    return [
        part(
            m,
            indicator="tagespflege_anteil_u3",
            unit="%",
            value=v,
            flag=f,
            numerator=m["n"],
            denominator=m["n_d"],
        )
    ]


def _one(
    code: str, kita: pd.DataFrame, population: pd.DataFrame, region_table: pd.DataFrame | None
) -> pd.DataFrame:
    return run(compute, {"kita": kita, "population": population}, region_table, [code])


def betreuungsquote_u3(
    kita: pd.DataFrame, population: pd.DataFrame, *, region_table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Betreuungsquote of children under 3, total and by care type.

    Parameters
    ----------
    kita : DataFrame
        Canonical ``kita`` table (reference date 1 March of ``year``).
    population : DataFrame
        Canonical ``population`` table; the denominator is taken from the
        previous year (31 December).
    region_table : DataFrame, optional
        ``regions`` table for names.

    Returns
    -------
    DataFrame
        IndicatorFrame, unit ``%``; breakdown dimension ``care_type``.

    Notes
    -----
    Quote = 100 × children under 3 in Kindertageseinrichtungen and öffentlich
    geförderter Kindertagespflege on 1 March / population under 3 on 31 December of the
    previous year. Children are counted where they are cared for, so a Kreis can exceed
    100 %. Rates for Kreis, Regierungsbezirk and Land are recomputed from summed
    numerators and denominators, never averaged from the rates below them.

    References
    ----------
    .. [1] Statistisches Bundesamt (Destatis): Statistiken der Kinder- und Jugendhilfe –
           Kinder und tätige Personen in Tageseinrichtungen und in öffentlich
           geförderter Kindertagespflege (Stichtag 1. März).
    .. [2] Statistisches Bundesamt (Destatis): Fortschreibung des Bevölkerungsstandes
           (Stichtag 31. Dezember).
    .. [3] Autorengruppe Bildungsberichterstattung: Bildung in Deutschland (nationaler
           Bildungsbericht), Kapitel C Frühkindliche Bildung, Betreuung und Erziehung.

    Examples
    --------
    >>> kita = pd.DataFrame({"region_code": "17001000", "year": 2024, "age_group": "u3",
    ...                      "care_type": "kita", "children": [15]})
    >>> pop = pd.DataFrame({"region_code": "17001000", "year": 2023, "sex": "m",
    ...                     "age": [0], "population": [60]})
    >>> betreuungsquote_u3(kita, pop)["value"].tolist()[:1]
    [25.0]
    """
    return _one("betreuungsquote_u3", kita, population, region_table)


def betreuungsquote_3u6(
    kita: pd.DataFrame, population: pd.DataFrame, *, region_table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Betreuungsquote of children aged 3 to under 6, total and by care type.

    Parameters
    ----------
    kita : DataFrame
        Canonical ``kita`` table.
    population : DataFrame
        Canonical ``population`` table (previous year is the denominator).
    region_table : DataFrame, optional
        ``regions`` table for names.

    Returns
    -------
    DataFrame
        IndicatorFrame, unit ``%``.

    Notes
    -----
    Quote = 100 × children aged 3 to under 6 in care on 1 March / population aged 3 to
    under 6 on 31 December of the previous year (place of care, so values above 100 %
    are possible). Rates for Kreis, Regierungsbezirk and Land are recomputed from summed
    numerators and denominators, never averaged from the rates below them.

    References
    ----------
    .. [1] Statistisches Bundesamt (Destatis): Statistiken der Kinder- und Jugendhilfe –
           Kinder und tätige Personen in Tageseinrichtungen und in öffentlich
           geförderter Kindertagespflege (Stichtag 1. März).
    .. [2] Statistisches Bundesamt (Destatis): Fortschreibung des Bevölkerungsstandes
           (Stichtag 31. Dezember).
    .. [3] Autorengruppe Bildungsberichterstattung: Bildung in Deutschland (nationaler
           Bildungsbericht), Kapitel C Frühkindliche Bildung, Betreuung und Erziehung.

    Examples
    --------
    >>> kita = pd.DataFrame({"region_code": "17001000", "year": 2024, "age_group": "3u6",
    ...                      "care_type": "kita", "children": [45]})
    >>> pop = pd.DataFrame({"region_code": "17001000", "year": 2023, "sex": "m",
    ...                     "age": [3, 4, 5], "population": [20, 20, 10]})
    >>> betreuungsquote_3u6(kita, pop)["value"].tolist()[:1]
    [90.0]
    """
    return _one("betreuungsquote_3u6", kita, population, region_table)


def tagespflege_anteil_u3(
    kita: pd.DataFrame, *, region_table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Share of Kindertagespflege among all children under 3 in care, in %.

    Parameters
    ----------
    kita : DataFrame
        Canonical ``kita`` table.
    region_table : DataFrame, optional
        ``regions`` table for names.

    Returns
    -------
    DataFrame
        IndicatorFrame, unit ``%``.

    Notes
    -----
    Share = 100 × children under 3 in öffentlich geförderter Kindertagespflege / all
    children under 3 in care (Kita and Tagespflege), both on 1 March. Rates for Kreis,
    Regierungsbezirk and Land are recomputed from summed numerators and denominators,
    never averaged from the rates below them.

    References
    ----------
    .. [1] Statistisches Bundesamt (Destatis): Statistiken der Kinder- und Jugendhilfe –
           Kinder und tätige Personen in Tageseinrichtungen und in öffentlich
           geförderter Kindertagespflege (Stichtag 1. März).
    .. [2] Autorengruppe Bildungsberichterstattung: Bildung in Deutschland (nationaler
           Bildungsbericht), Kapitel C Frühkindliche Bildung, Betreuung und Erziehung.

    Examples
    --------
    >>> kita = pd.DataFrame({"region_code": "17001000", "year": 2024, "age_group": "u3",
    ...                      "care_type": ["kita", "tagespflege"], "children": [30, 10]})
    >>> tagespflege_anteil_u3(kita)["value"].tolist()[:1]
    [25.0]
    """
    return run(compute_tagespflege, {"kita": kita}, region_table, ["tagespflege_anteil_u3"])
