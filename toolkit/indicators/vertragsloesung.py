"""Ausbildung: Vertragslösungsquote after the BIBB Schichtenmodell, Probezeit share.

The Vertragslösungsquote of reporting year t ("LQneu", BIBB) sums, over the
four start-year cohorts s = t−3 .. t, the dissolutions in year t of contracts
begun in s divided by the new contracts begun in s::

    LQ_t = 100 × Σ_{i=0..3} L_t(t−i) / N(t−i)

It cannot be computed from yearly totals; the ``contracts_dissolved`` table
carries the start year. Dissolutions of contracts begun before t−3 count in
the t−3 layer. Because it is a sum of cohort rates, the frame's ``numerator``
holds the dissolutions of year t and ``denominator`` is NaN. Higher levels
and breakdowns apply the same formula to summed counts. Kreis level.

Examples
--------
>>> new = pd.DataFrame({"region_code": "17001", "year": [2021, 2022, 2023, 2024],
...                     "zustaendigkeit": "hw", "beruf": "b", "sex": "w",
...                     "nationality": "deutsch", "schooling": "msa",
...                     "contracts": [100, 100, 100, 100]})
>>> dis = pd.DataFrame({"region_code": "17001", "year": 2024,
...                     "start_year": [2021, 2022, 2023, 2024], "zustaendigkeit": "hw",
...                     "beruf": "b", "sex": "w", "nationality": "deutsch",
...                     "schooling": "msa", "probezeit": [False, False, False, True],
...                     "dissolutions": [2, 5, 8, 10]})
>>> vertragsloesungsquote(new, dis)["value"].tolist()[:1]
[25.0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.errors import DataError
from toolkit.indicators._build import Part, count_parts, part, ratio_parts
from toolkit.indicators._context import Context, run
from toolkit.indicators._counts import FLAG_OF_RANK, MISSING, group_sum
from toolkit.indicators._spec import KREIS_LEVELS, Spec

__all__ = ["vertragsloesungen", "vertragsloesungen_probezeit_anteil", "vertragsloesungsquote"]

TABLES = ("contracts_new", "contracts_dissolved")
DIMS = ("zustaendigkeit", "beruf", "sex", "nationality", "schooling")
LAYERS = 4
_TRUE = {"true", "1", "ja", "yes", "wahr"}
_FALSE = {"false", "0", "nein", "no", "falsch"}
_SRC = "Berufsbildungsstatistik (21211), Berechnung nach BIBB (Schichtenmodell)"

SPECS = (
    Spec(
        "vertragsloesungsquote",
        "Vertragslösungsquote (Schichtenmodell)",
        "Anteil der vorzeitig gelösten Ausbildungsverträge nach dem Schichtenmodell des BIBB: Summe über die Beginnjahre t−3 bis t der im Jahr t gelösten Verträge je 100 im Beginnjahr neu abgeschlossene Verträge. Als Summe von vier Quoten kann sie bei kleinen Fallzahlen (z. B. nach Beruf) über 100 liegen.",
        "im Jahr t gelöste Verträge je Beginnjahr (ohne Lösungen vor Ausbildungsbeginn und wegen vorzeitig bestandener Prüfung)",
        "neu abgeschlossene Verträge des jeweiligen Beginnjahres",
        "Berichtsjahr t (31.12.)",
        "%",
        _SRC,
        KREIS_LEVELS,
        "ausbildung",
        "worse",
        0,
        200,
        DIMS,
    ),
    Spec(
        "vertragsloesungen",
        "Vorzeitig gelöste Ausbildungsverträge",
        "Im Berichtsjahr vorzeitig gelöste Ausbildungsverträge (alle Beginnjahre).",
        "gelöste Verträge",
        "–",
        "Berichtsjahr t",
        "Anzahl",
        _SRC,
        KREIS_LEVELS,
        "ausbildung",
        "worse",
        0,
        1e7,
        DIMS,
    ),
    Spec(
        "vertragsloesungen_probezeit_anteil",
        "Anteil der Vertragslösungen in der Probezeit",
        "Anteil der in der Probezeit gelösten Verträge an allen im Berichtsjahr gelösten Verträgen.",
        "in der Probezeit gelöste Verträge",
        "alle im Berichtsjahr gelösten Verträge",
        "Berichtsjahr t",
        "%",
        _SRC,
        KREIS_LEVELS,
        "ausbildung",
        "neutral",
        0,
        100,
        DIMS,
    ),
)
CODES = tuple(s.code for s in SPECS)


def _dissolved(ctx: Context) -> pd.DataFrame:
    return ctx.once("dissolved", lambda: _layers(ctx.counts("contracts_dissolved")))


def _layers(d: pd.DataFrame) -> pd.DataFrame:
    """Dissolutions with their layer (years since the start of training), checked."""
    s = pd.to_numeric(d["start_year"], errors="coerce")
    bad = np.flatnonzero((s.isna() | (s % 1 != 0) | (s > d["year"])).to_numpy())
    if len(bad):
        raise DataError(
            "Tabelle 'contracts_dissolved': start_year fehlt oder liegt nach dem Lösungsjahr.",
            file="contracts_dissolved",
            column="start_year",
            hint="start_year = Jahr des Ausbildungsbeginns, höchstens gleich year.",
        )
    p = d["probezeit"]
    if p.dtype != bool:
        text = p.astype("str").str.strip().str.lower()
        ok = text.isin(_TRUE | _FALSE)
        if not ok.all():
            raise DataError(
                "Tabelle 'contracts_dissolved': probezeit ist kein Wahrheitswert.",
                file="contracts_dissolved",
                column="probezeit",
                hint="true/false verwenden.",
            )
        p = text.isin(_TRUE)
    layer = (d["year"] - s.astype("int64")).clip(upper=LAYERS - 1)
    return d.assign(layer=layer.astype("int64"), probezeit=p.to_numpy(dtype=bool)).drop(
        columns="start_year"
    )


def compute_quote(ctx: Context) -> list[Part]:
    """Compute the Vertragslösungsquote, total and by each breakdown.

    Examples
    --------
    >>> compute_quote(Context({}))
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: Tabelle 'contracts_dissolved' fehlt, wird aber für dieses Indikator gebraucht.
    ...
    """
    dis = _dissolved(ctx)
    new = ctx.counts("contracts_new")
    years_new = set(new["year"].unique().tolist())
    periods = sorted(
        t for t in dis["year"].unique().tolist() if all(t - i in years_new for i in range(LAYERS))
    )
    known = pd.unique(dis["region_code"])
    new = new[new["region_code"].isin(known)]
    parts = []
    for dim in ["", *DIMS]:
        by = ["region_code"] + ([dim] if dim else [])
        n = group_sum(new, [*by, "year"])
        expanded = pd.concat(
            [n.assign(year=n["year"] + i, layer=i) for i in range(LAYERS)], ignore_index=True
        )
        expanded = expanded[expanded["year"].isin(periods)]
        ell = group_sum(dis[dis["year"].isin(periods)], [*by, "year", "layer"])
        m = expanded.merge(ell, on=[*by, "year", "layer"], how="outer", suffixes=("_n", "_l"))
        parts.append(_layer_sum(m, by, dim))
    return parts


def _layer_sum(m: pd.DataFrame, by: list[str], dim: str) -> Part:
    r_n = m["r_n"].fillna(0).to_numpy(dtype="int64")
    r_l = m["r_l"].fillna(0).to_numpy(dtype="int64")
    n = np.where(m["r_n"].isna(), 0.0, m["n_n"].to_numpy(dtype="float64"))
    ell = np.where(m["r_l"].isna(), 0.0, m["n_l"].to_numpy(dtype="float64"))
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(n > 0, ell / n, np.where(ell > 0, np.inf, 0.0))
    work = m[[*by, "year"]].assign(
        term=term, bad=np.isinf(term), pos=n > 0, ell=ell, rank=np.maximum(r_n, r_l)
    )
    g = work.groupby([*by, "year"], sort=False, observed=True)
    agg = pd.DataFrame(
        {
            "term": g["term"].sum(),
            "bad": g["bad"].any(),
            "pos": g["pos"].any(),
            "ell": g["ell"].sum(),
            "rank": g["rank"].max(),
        }
    ).reset_index()
    rank = agg["rank"].to_numpy(dtype="int64")
    missing = rank >= MISSING
    undefined = agg["bad"].to_numpy() | ~agg["pos"].to_numpy()
    value = 100.0 * agg["term"].to_numpy(dtype="float64")
    value[missing | undefined] = np.nan
    flag = FLAG_OF_RANK[rank].copy()
    flag[~missing & undefined] = "x"
    flag[~missing & ~undefined & (value == 0) & (rank == 0)] = "-"
    numerator = np.where(missing, np.nan, agg["ell"].to_numpy(dtype="float64"))
    cat = agg[dim] if dim else ""
    return part(
        agg,
        indicator="vertragsloesungsquote",
        unit="%",
        value=value,
        flag=flag,
        numerator=numerator,
        dimension=dim,
        category=cat,
    )


def compute_other(ctx: Context) -> list[Part]:
    """Compute the count of dissolutions and the Probezeit share.

    Examples
    --------
    >>> dis = pd.DataFrame({"region_code": "17001", "year": 2024, "start_year": 2024,
    ...                     "zustaendigkeit": "hw", "beruf": "b", "sex": "w",
    ...                     "nationality": "deutsch", "schooling": "msa",
    ...                     "probezeit": [True, False], "dissolutions": [1, 3]})
    >>> [p["value"].tolist() for p in compute_other(Context({"contracts_dissolved": dis}))][6]
    [25.0, 25.0]
    """
    dis = _dissolved(ctx)
    return [
        *count_parts(dis, indicator="vertragsloesungen", dims=DIMS),
        *ratio_parts(
            dis,
            numerators={"vertragsloesungen_probezeit_anteil": dis["probezeit"].to_numpy()},
            dims=DIMS,
        ),
    ]


def compute(ctx: Context) -> list[Part]:
    """Compute all indicators of this family.

    Examples
    --------
    >>> compute(Context({}))
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: Tabelle 'contracts_dissolved' fehlt, wird aber für dieses Indikator gebraucht.
    ...
    """
    return [*compute_quote(ctx), *compute_other(ctx)]


def vertragsloesungsquote(
    contracts_new: pd.DataFrame,
    contracts_dissolved: pd.DataFrame,
    *,
    region_table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Vertragslösungsquote after the BIBB Schichtenmodell, total and by breakdown.

    Parameters
    ----------
    contracts_new : DataFrame
        Canonical ``contracts_new`` table (``year`` = start year s).
    contracts_dissolved : DataFrame
        Canonical ``contracts_dissolved`` table (``year`` = t, ``start_year`` = s).
    region_table : DataFrame, optional
        ``regions`` table for names.

    Returns
    -------
    DataFrame
        IndicatorFrame, unit ``%``; dimensions ``zustaendigkeit``, ``beruf``,
        ``sex``, ``nationality``, ``schooling``. Computed for the years t
        whose four cohorts t−3..t are all in ``contracts_new``. A cohort with
        dissolutions but no new contracts gives NaN with flag ``x``.

    Notes
    -----
    Uhly, A.: Vorzeitige Vertragslösungen und Ausbildungsverlauf in der
    dualen Berufsausbildung, BIBB Wissenschaftliche Diskussionspapiere 157
    (2015), and the BIBB Datenreport, Kapitel A5.6 ("LQneu").

    References
    ----------
    .. [1] Bundesinstitut für Berufsbildung (BIBB): Datenreport zum
           Berufsbildungsbericht, Kapitel A5.6 Vorzeitige Lösung von
           Ausbildungsverträgen (Schichtenmodell, LQneu).
    .. [2] Statistisches Bundesamt (Destatis): Berufsbildungsstatistik (Erhebung zum 31.
           Dezember), Fachserie 11 Reihe 3 bzw. Statistischer Bericht Berufliche
           Bildung.

    Examples
    --------
    >>> new = pd.DataFrame({"region_code": "17001", "year": [2021, 2022, 2023, 2024],
    ...                     "zustaendigkeit": "ih", "beruf": "b", "sex": "m",
    ...                     "nationality": "deutsch", "schooling": "hsa",
    ...                     "contracts": [50, 100, 100, 200]})
    >>> dis = pd.DataFrame({"region_code": "17001", "year": 2024, "start_year": [2021, 2024],
    ...                     "zustaendigkeit": "ih", "beruf": "b", "sex": "m",
    ...                     "nationality": "deutsch", "schooling": "hsa",
    ...                     "probezeit": [False, True], "dissolutions": [5, 20]})
    >>> vertragsloesungsquote(new, dis)["value"].tolist()[:1]
    [20.0]
    """
    tables = {"contracts_new": contracts_new, "contracts_dissolved": contracts_dissolved}
    return run(compute_quote, tables, region_table, ["vertragsloesungsquote"])


def vertragsloesungen(
    contracts_dissolved: pd.DataFrame, *, region_table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Dissolved contracts in the reporting year, total and by breakdown.

    Parameters
    ----------
    contracts_dissolved : DataFrame
        Canonical ``contracts_dissolved`` table.
    region_table : DataFrame, optional
        ``regions`` table for names.

    Returns
    -------
    DataFrame
        IndicatorFrame, unit ``Anzahl``.

    Notes
    -----
    Counts of training contracts dissolved early in the calendar year (all start years
    together); contracts ended by a passed final exam and dissolutions before the
    training began are not counted.

    References
    ----------
    .. [1] Statistisches Bundesamt (Destatis): Berufsbildungsstatistik (Erhebung zum 31.
           Dezember), Fachserie 11 Reihe 3 bzw. Statistischer Bericht Berufliche
           Bildung.
    .. [2] Bundesinstitut für Berufsbildung (BIBB): Datenreport zum
           Berufsbildungsbericht, Kapitel A5.6 Vorzeitige Lösung von
           Ausbildungsverträgen (Schichtenmodell, LQneu).

    Examples
    --------
    >>> dis = pd.DataFrame({"region_code": "17001", "year": 2024, "start_year": 2023,
    ...                     "zustaendigkeit": "hw", "beruf": "b", "sex": "w",
    ...                     "nationality": "deutsch", "schooling": "msa",
    ...                     "probezeit": [True, False], "dissolutions": [1, 3]})
    >>> vertragsloesungen(dis)["value"].tolist()[:1]
    [4.0]
    """
    return run(
        compute_other,
        {"contracts_dissolved": contracts_dissolved},
        region_table,
        ["vertragsloesungen"],
    )


def vertragsloesungen_probezeit_anteil(
    contracts_dissolved: pd.DataFrame, *, region_table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Share of dissolutions within the Probezeit, total and by breakdown.

    Parameters
    ----------
    contracts_dissolved : DataFrame
        Canonical ``contracts_dissolved`` table.
    region_table : DataFrame, optional
        ``regions`` table for names.

    Returns
    -------
    DataFrame
        IndicatorFrame, unit ``%``.

    Notes
    -----
    Share = 100 × dissolutions during the Probezeit / all dissolutions of the year.
    Rates for Kreis, Regierungsbezirk and Land are recomputed from summed numerators and
    denominators, never averaged from the rates below them.

    References
    ----------
    .. [1] Statistisches Bundesamt (Destatis): Berufsbildungsstatistik (Erhebung zum 31.
           Dezember), Fachserie 11 Reihe 3 bzw. Statistischer Bericht Berufliche
           Bildung.
    .. [2] Bundesinstitut für Berufsbildung (BIBB): Datenreport zum
           Berufsbildungsbericht, Kapitel A5.6 Vorzeitige Lösung von
           Ausbildungsverträgen (Schichtenmodell, LQneu).

    Examples
    --------
    >>> dis = pd.DataFrame({"region_code": "17001", "year": 2024, "start_year": 2024,
    ...                     "zustaendigkeit": "hw", "beruf": "b", "sex": "w",
    ...                     "nationality": "deutsch", "schooling": "msa",
    ...                     "probezeit": [True, False], "dissolutions": [1, 1]})
    >>> vertragsloesungen_probezeit_anteil(dis)["value"].tolist()[:1]
    [50.0]
    """
    return run(
        compute_other,
        {"contracts_dissolved": contracts_dissolved},
        region_table,
        ["vertragsloesungen_probezeit_anteil"],
    )
