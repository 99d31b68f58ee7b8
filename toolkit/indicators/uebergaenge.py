"""Übergänge Grundschule → Sekundarstufe I: Übergangsquoten by school type.

Übergangsquote to type X = pupils entering Jahrgangsstufe 5 of type X in
school year t/t+1 / pupils who left Jahrgangsstufe 4 of a Grundschule at the
end of the previous school year × 100 (``school_type == "jg4_abgaenge"``).
This denominator is the Grundschule leavers of the region's schools, not the
entrants of year 5 (Destatis divides by all Grundschule leavers as well).
Counted at the school's location, so a Gemeinde with a Gymnasium can exceed
100 % for that type.

Examples
--------
>>> t = pd.DataFrame({"region_code": "17001000", "year": 2024, "sex": "w",
...                   "school_type": ["gymnasium", "realschule", "jg4_abgaenge"],
...                   "pupils": [40, 30, 100]})
>>> uebergangsquote(t, "gymnasium")["value"].tolist()[:1]
[40.0]
"""

from __future__ import annotations

import pandas as pd

from toolkit.errors import ParameterError
from toolkit.indicators._build import Part, count_parts, ratio_parts
from toolkit.indicators._context import Context, run
from toolkit.indicators._spec import GEMEINDE_LEVELS, Spec

__all__ = ["SCHOOL_TYPES", "uebergaenge_jg5", "uebergangsquote"]

TABLES = ("transitions",)
DENOMINATOR = "jg4_abgaenge"

#: School type code → German name.
SCHOOL_TYPES: dict[str, str] = {
    "hauptschule": "Hauptschule",
    "realschule": "Realschule",
    "mehrere_bildungsgaenge": "Schularten mit mehreren Bildungsgängen",
    "gesamtschule": "Integrierte Gesamtschule",
    "gymnasium": "Gymnasium",
    "foerderschule": "Förderschule",
    "sonstige": "sonstige Schularten",
}
_SRC = "Schulstatistik der Länder (Übergänge Grundschule – Sekundarstufe I)"
_REF = "Schuljahr t/t+1 (Jahrgangsstufe 5); Nenner: Ende des Schuljahres t−1/t"
_DEN = "Abgänge aus Jahrgangsstufe 4 der Grundschulen am Ende des vorigen Schuljahres"


def _spec(code: str, name: str) -> Spec:
    return Spec(
        f"uebergangsquote_{code}",
        f"Übergangsquote Grundschule → {name}",
        f"Schülerinnen und Schüler, die in Jahrgangsstufe 5 der Schulart „{name}“ eintreten, je 100 Abgänge aus Jahrgangsstufe 4 der Grundschule im Vorjahr (am Schulort; über 100 möglich).",
        f"Eintritte in Jahrgangsstufe 5: {name}",
        _DEN,
        _REF,
        "%",
        _SRC,
        GEMEINDE_LEVELS,
        "uebergaenge",
        "neutral",
        0,
        400,
        ("sex",),
    )


SPECS = (
    *(_spec(c, n) for c, n in SCHOOL_TYPES.items()),
    Spec(
        "uebergaenge_jg5",
        "Eintritte in Jahrgangsstufe 5",
        "Schülerinnen und Schüler, die aus der Grundschule in Jahrgangsstufe 5 einer weiterführenden Schule eintreten.",
        "Eintritte in Jahrgangsstufe 5",
        "–",
        "Schuljahr t/t+1",
        "Anzahl",
        _SRC,
        GEMEINDE_LEVELS,
        "uebergaenge",
        "neutral",
        0,
        1e7,
        ("school_type", "sex"),
    ),
)
CODES = tuple(s.code for s in SPECS)


def compute(ctx: Context) -> list[Part]:
    """Compute all Übergangsquoten and the count of entrants.

    Examples
    --------
    >>> t = pd.DataFrame({"region_code": "17001000", "year": 2024, "sex": "w",
    ...                   "school_type": ["gymnasium", "jg4_abgaenge"], "pupils": [4, 10]})
    >>> len(compute(Context({"transitions": t})))
    17
    """
    c = ctx.counts("transitions")
    st = c["school_type"]
    masks = {f"uebergangsquote_{code}": (st == code).to_numpy() for code in SCHOOL_TYPES}
    return [
        *ratio_parts(c, numerators=masks, denominator=(st == DENOMINATOR).to_numpy(), dims=["sex"]),
        *count_parts(
            c[(st != DENOMINATOR).to_numpy()],
            indicator="uebergaenge_jg5",
            dims=["school_type", "sex"],
        ),
    ]


def uebergangsquote(
    transitions: pd.DataFrame, school_type: str, *, region_table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Übergangsquote from Grundschule to ``school_type``, total and by sex.

    Parameters
    ----------
    transitions : DataFrame
        Canonical ``transitions`` table.
    school_type : str
        One of :data:`SCHOOL_TYPES`.
    region_table : DataFrame, optional
        ``regions`` table for names.

    Returns
    -------
    DataFrame
        IndicatorFrame with indicator ``uebergangsquote_<school_type>``.

    Notes
    -----
    Quote = 100 × pupils entering Jahrgangsstufe 5 of the school type / pupils leaving
    Jahrgangsstufe 4 in the previous school year. Destatis divides by all Grundschule
    leavers; the denominator is stated in the catalogue. Rates for Kreis,
    Regierungsbezirk and Land are recomputed from summed numerators and denominators,
    never averaged from the rates below them.

    References
    ----------
    .. [1] Statistisches Bundesamt (Destatis): Fachserie 11 Reihe 1 bzw. Statistischer
           Bericht Allgemeinbildende Schulen (Schulstatistik der Länder).
    .. [2] Autorengruppe Bildungsberichterstattung: Bildung in Deutschland (nationaler
           Bildungsbericht), Kapitel D Allgemeinbildende Schule.

    Examples
    --------
    >>> t = pd.DataFrame({"region_code": "17001000", "year": 2024, "sex": "w",
    ...                   "school_type": ["realschule", "jg4_abgaenge"], "pupils": [1, 4]})
    >>> uebergangsquote(t, "realschule")["value"].tolist()[:1]
    [25.0]
    """
    if school_type not in SCHOOL_TYPES:
        raise ParameterError(
            f"school_type '{school_type}' unbekannt.", hint=f"Erlaubt: {', '.join(SCHOOL_TYPES)}"
        )
    return run(
        compute, {"transitions": transitions}, region_table, [f"uebergangsquote_{school_type}"]
    )


def uebergaenge_jg5(
    transitions: pd.DataFrame, *, region_table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Count of pupils entering Jahrgangsstufe 5, total and by school type and sex.

    Parameters
    ----------
    transitions : DataFrame
        Canonical ``transitions`` table.
    region_table : DataFrame, optional
        ``regions`` table for names.

    Returns
    -------
    DataFrame
        IndicatorFrame, unit ``Anzahl``.

    Notes
    -----
    Counts of pupils in Jahrgangsstufe 5 by school type at the school's location; higher
    levels are sums of the Gemeinde counts.

    References
    ----------
    .. [1] Statistisches Bundesamt (Destatis): Fachserie 11 Reihe 1 bzw. Statistischer
           Bericht Allgemeinbildende Schulen (Schulstatistik der Länder).
    .. [2] Autorengruppe Bildungsberichterstattung: Bildung in Deutschland (nationaler
           Bildungsbericht), Kapitel D Allgemeinbildende Schule.

    Examples
    --------
    >>> t = pd.DataFrame({"region_code": "17001000", "year": 2024, "sex": "w",
    ...                   "school_type": ["realschule", "gymnasium", "jg4_abgaenge"],
    ...                   "pupils": [1, 2, 4]})
    >>> uebergaenge_jg5(t)["value"].tolist()[:1]
    [3.0]
    """
    return run(compute, {"transitions": transitions}, region_table, ["uebergaenge_jg5"])
