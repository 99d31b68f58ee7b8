"""Ausbildung: Ausbildungsanfängerquote and new training contracts.

Ausbildungsanfängerquote (BIBB) = Σ over ages a = 16..24 of first-time
entrants into dual training of age a / population of age a × 100; entrants
aged 16 and younger are set against the 16-year-olds, those aged 24 and older
against the 24-year-olds. It is a sum of age-specific rates, so the frame's
``numerator`` holds the entrants and ``denominator`` is NaN. Kreis level.

Examples
--------
>>> b = pd.DataFrame({"region_code": "17001", "year": 2024, "sex": "m",
...                   "age": [16, 20], "beginners": [10, 30]})
>>> p = pd.DataFrame({"region_code": "17001", "year": 2024, "sex": "m",
...                   "age": [16, 20], "population": [100, 100]})
>>> ausbildungsanfaengerquote(b, p)["value"].tolist()[:1]
[40.0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.errors import DataError
from toolkit.indicators._build import Part, count_parts, part
from toolkit.indicators._context import Context, run
from toolkit.indicators._counts import FLAG_OF_RANK, MISSING, group_sum
from toolkit.indicators._spec import KREIS_LEVELS, Spec

__all__ = ["ausbildungsanfaengerquote", "neue_ausbildungsvertraege"]

TABLES_AAQ = ("apprentice_beginners", "population")
TABLES_NEU = ("contracts_new",)
AGES = list(range(16, 25))
CONTRACT_DIMS = ("zustaendigkeit", "beruf", "sex", "nationality", "schooling")

SPECS = (
    Spec(
        "ausbildungsanfaengerquote",
        "Ausbildungsanfängerquote",
        "Summe der altersspezifischen Quoten der Ausbildungsanfängerinnen und -anfänger im dualen System (Alter 16 bis 24; 16 und jünger bzw. 24 und älter bezogen auf die 16- bzw. 24-Jährigen), in Prozent.",
        "Ausbildungsanfängerinnen und -anfänger (erstmals im dualen System) je Altersjahr",
        "Bevölkerung des jeweiligen Altersjahres am 31.12.",
        "Kalenderjahr; Bevölkerung am 31.12.",
        "%",
        "Berufsbildungsstatistik (21211), Bevölkerungsfortschreibung (12411), Berechnung nach BIBB",
        KREIS_LEVELS,
        "ausbildung",
        "better",
        10,
        90,
        ("sex",),
    ),
    Spec(
        "neue_ausbildungsvertraege",
        "Neu abgeschlossene Ausbildungsverträge",
        "Im Kalenderjahr neu abgeschlossene Ausbildungsverträge, deren Ausbildung in diesem Jahr begann.",
        "neue Ausbildungsverträge",
        "–",
        "Kalenderjahr (Beginn der Ausbildung)",
        "Anzahl",
        "Berufsbildungsstatistik (21211)",
        KREIS_LEVELS,
        "ausbildung",
        "neutral",
        0,
        1e7,
        CONTRACT_DIMS,
    ),
)
CODES = tuple(s.code for s in SPECS)


def compute_aaq(ctx: Context) -> list[Part]:
    """Compute the Ausbildungsanfängerquote, total and by sex.

    Examples
    --------
    >>> b = pd.DataFrame({"region_code": "17001", "year": 2024, "sex": "w",
    ...                   "age": [16], "beginners": [5]})
    >>> p = pd.DataFrame({"region_code": "17001", "year": 2024, "sex": "w",
    ...                   "age": [16], "population": [20]})
    >>> compute_aaq(Context({"apprentice_beginners": b, "population": p}))[0]["value"].tolist()
    [25.0, 25.0]
    """
    single = [ctx.age_bins(a, a + 1) for a in AGES]
    if any(b is None for b in single):
        ctx.omit(
            ["ausbildungsanfaengerquote"],
            "braucht die Bevölkerung in Einzelaltersjahren 16 bis 24 (Spalte age); "
            "die Daten haben nur Altersgruppen",
        )
        return []
    columns = [b[0] for b in single]  # type: ignore[index]
    c = ctx.counts("apprentice_beginners")
    age = pd.to_numeric(c["age"], errors="coerce")
    bad = ~age.isin(AGES)
    if bad.any():
        raise DataError(
            "Tabelle 'apprentice_beginners': Alter außerhalb 16..24.",
            file="apprentice_beginners",
            column="age",
            hint="16 steht für 16 und jünger, 24 für 24 und älter.",
        )
    c = c.assign(age=age.astype("int64"))
    parts = []
    for by_sex in (False, True):
        by = ["region_code", "year"] + (["sex"] if by_sex else [])
        g = group_sum(c, [*by, "age"])
        bn = g.pivot(index=by, columns="age", values="n").reindex(columns=AGES)
        br = g.pivot(index=by, columns="age", values="r").reindex(columns=AGES)
        absent = br.isna().to_numpy()
        b_n = np.where(absent, 0.0, bn.to_numpy(dtype="float64"))
        b_r = np.where(absent, 0, br.to_numpy(dtype="float64")).astype("int64")
        keys, pn, pr = ctx.population_wide(by_sex)
        pos = pd.MultiIndex.from_frame(keys).get_indexer(bn.index)
        found = pos >= 0
        b_n, b_r, idx = b_n[found], b_r[found], bn.index[found]
        p_n, p_r = pn[pos[found]][:, columns], pr[pos[found]][:, columns].astype("int64")
        rank = np.maximum(b_r.max(axis=1), p_r.max(axis=1))
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(p_n > 0, b_n / p_n, np.where(b_n > 0, np.inf, 0.0))
        undefined = np.isinf(terms).any(axis=1) | ~(p_n > 0).any(axis=1)
        value = 100.0 * terms.sum(axis=1)
        flag = FLAG_OF_RANK[rank].copy()
        missing = rank >= MISSING
        value[missing | undefined] = np.nan
        flag[~missing & undefined] = "x"
        k = idx.to_frame(index=False)
        cat = k["sex"] if by_sex else ""
        parts.append(
            part(
                k,
                indicator="ausbildungsanfaengerquote",
                unit="%",
                value=value,
                flag=flag,
                numerator=np.where(missing, np.nan, b_n.sum(axis=1)),
                dimension="sex" if by_sex else "",
                category=cat,
            )
        )
    return parts


def compute_neu(ctx: Context) -> list[Part]:
    """Compute the count of new contracts, total and by each breakdown.

    Examples
    --------
    >>> n = pd.DataFrame({"region_code": "17001", "year": 2024, "zustaendigkeit": "hw",
    ...                   "beruf": "b1", "sex": "w", "nationality": "deutsch",
    ...                   "schooling": "msa", "contracts": [4]})
    >>> compute_neu(Context({"contracts_new": n}))[0]["value"].tolist()
    [4.0, 4.0]
    """
    return count_parts(
        ctx.counts("contracts_new"), indicator="neue_ausbildungsvertraege", dims=CONTRACT_DIMS
    )


def ausbildungsanfaengerquote(
    apprentice_beginners: pd.DataFrame,
    population: pd.DataFrame,
    *,
    region_table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Ausbildungsanfängerquote (sum of age-specific rates, ages 16..24).

    Parameters
    ----------
    apprentice_beginners : DataFrame
        Canonical ``apprentice_beginners`` table.
    population : DataFrame
        Canonical ``population`` table (same year, 31 December).
    region_table : DataFrame, optional
        ``regions`` table for names.

    Returns
    -------
    DataFrame
        IndicatorFrame, unit ``%``, total and by sex. A population of zero
        for an age with entrants gives NaN with flag ``x``.

    Notes
    -----
    Definition of the Bundesinstitut für Berufsbildung (BIBB),
    Datenreport zum Berufsbildungsbericht, Kapitel A5.8.

    References
    ----------
    .. [1] Bundesinstitut für Berufsbildung (BIBB): Datenreport zum
           Berufsbildungsbericht, jährlich. Kapitel A5.8.
    .. [2] Statistisches Bundesamt (Destatis): Berufsbildungsstatistik (Erhebung zum 31.
           Dezember), Fachserie 11 Reihe 3 bzw. Statistischer Bericht Berufliche
           Bildung.
    .. [3] Statistisches Bundesamt (Destatis): Fortschreibung des Bevölkerungsstandes
           (Stichtag 31. Dezember).

    Examples
    --------
    >>> b = pd.DataFrame({"region_code": "17001", "year": 2024, "sex": "w",
    ...                   "age": [18, 24], "beginners": [5, 2]})
    >>> p = pd.DataFrame({"region_code": "17001", "year": 2024, "sex": "w",
    ...                   "age": [18, 30], "population": [50, 40]})
    >>> ausbildungsanfaengerquote(b, p)["flag"].tolist()[:1]
    ['x']
    """
    return run(
        compute_aaq,
        {"apprentice_beginners": apprentice_beginners, "population": population},
        region_table,
        ["ausbildungsanfaengerquote"],
    )


def neue_ausbildungsvertraege(
    contracts_new: pd.DataFrame, *, region_table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Count new training contracts, total and by Zuständigkeit, Beruf, sex, nationality, schooling.

    Parameters
    ----------
    contracts_new : DataFrame
        Canonical ``contracts_new`` table.
    region_table : DataFrame, optional
        ``regions`` table for names.

    Returns
    -------
    DataFrame
        IndicatorFrame, unit ``Anzahl``.

    Notes
    -----
    Counts of newly concluded training contracts (duale Ausbildung) of the calendar year
    by Zuständigkeitsbereich, Beruf, sex, nationality and schooling; higher levels are
    sums.

    References
    ----------
    .. [1] Statistisches Bundesamt (Destatis): Berufsbildungsstatistik (Erhebung zum 31.
           Dezember), Fachserie 11 Reihe 3 bzw. Statistischer Bericht Berufliche
           Bildung.
    .. [2] Bundesinstitut für Berufsbildung (BIBB): Datenreport zum
           Berufsbildungsbericht, jährlich.

    Examples
    --------
    >>> n = pd.DataFrame({"region_code": ["17001", "17002"], "year": 2024,
    ...                   "zustaendigkeit": "hw", "beruf": "b1", "sex": "w",
    ...                   "nationality": "deutsch", "schooling": "msa", "contracts": [4, 5]})
    >>> f = neue_ausbildungsvertraege(n)
    >>> f[(f["region_code"] == "17") & (f["dimension"] == "")]["value"].tolist()
    [9.0]
    """
    return run(
        compute_neu, {"contracts_new": contracts_new}, region_table, ["neue_ausbildungsvertraege"]
    )
