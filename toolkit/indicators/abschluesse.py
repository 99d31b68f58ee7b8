"""Schule: Abschlüsse of leavers of general schools (incl. Förderschulen).

Share of leavers with Abschluss X = leavers and graduates with X in the
school year ending in ``year`` / all leavers and graduates of general schools
in that year × 100, at the school's location. The denominator is all
leavers (not the same-age population, not the Quotensummenverfahren).

Examples
--------
>>> s = pd.DataFrame({"region_code": "17001000", "year": 2024, "sex": "m",
...                   "nationality": "deutsch", "abschluss": ["ohne_hsa", "msa"],
...                   "leavers": [5, 45]})
>>> abgaenge_anteil(s, "ohne_hsa")["value"].tolist()[:1]
[10.0]
"""

from __future__ import annotations

import pandas as pd

from toolkit.errors import ParameterError
from toolkit.indicators._build import Part, count_parts, ratio_parts, share_parts
from toolkit.indicators._context import Context, run
from toolkit.indicators._spec import GEMEINDE_LEVELS, Spec
from toolkit.indicators._totals import TOTAL

__all__ = ["ABSCHLUESSE", "abgaenge_anteil", "schulabgaenge"]

TABLES = ("school_leavers",)

#: Abschluss code → (German name, higher_is, range max). A single small
#: school can have any share, so the range is the full 0 to 100.
ABSCHLUESSE: dict[str, tuple[str, str, float]] = {
    "ohne_hsa": ("ohne Ersten Schulabschluss", "worse", 100),
    "hsa": ("mit Erstem Schulabschluss", "neutral", 100),
    "msa": ("mit Mittlerem Schulabschluss", "neutral", 100),
    "fhr": ("mit Fachhochschulreife", "neutral", 100),
    "ahr": ("mit allgemeiner Hochschulreife", "neutral", 100),
}
_SRC = "Statistik der allgemeinbildenden Schulen (21111)"
_REF = "Ende des Schuljahres (Berichtsjahr 2024 = Schuljahr 2023/24)"
_DEN = "alle Schulabgänge (mit und ohne Abschluss) aus allgemeinbildenden Schulen (inkl. Förderschulen) im Schuljahr"

SPECS = (
    *(
        Spec(
            f"abgaenge_anteil_{code}",
            f"Anteil Abgänge {name}",
            f"Anteil der Schulabgänge aus allgemeinbildenden Schulen {name} an allen Schulabgängen des Schuljahres (mit und ohne Abschluss, am Schulort). Der Erste Schulabschluss heißt in einigen Ländern Hauptschulabschluss.",
            f"Schulabgänge {name}",
            _DEN,
            _REF,
            "%",
            _SRC,
            GEMEINDE_LEVELS,
            "schule",
            higher,
            0,
            hi,
            ("sex", "nationality"),
        )
        for code, (name, higher, hi) in ABSCHLUESSE.items()
    ),
    Spec(
        "schulabgaenge",
        "Schulabgänge aus allgemeinbildenden Schulen",
        "Schulabgänge (mit und ohne Abschluss) aus allgemeinbildenden Schulen (inkl. Förderschulen) im Schuljahr, am Schulort.",
        "Schulabgänge",
        "–",
        _REF,
        "Anzahl",
        _SRC,
        GEMEINDE_LEVELS,
        "schule",
        "neutral",
        0,
        1e7,
        ("abschluss", "sex", "nationality"),
    ),
)
CODES = tuple(s.code for s in SPECS)


def compute(ctx: Context) -> list[Part]:
    """Compute the Abschluss shares and the count of leavers.

    Examples
    --------
    >>> s = pd.DataFrame({"region_code": "17001000", "year": 2024, "sex": "m",
    ...                   "nationality": "deutsch", "abschluss": ["msa"], "leavers": [5]})
    >>> len(compute(Context({"school_leavers": s})))
    19
    """
    c = ctx.counts("school_leavers")
    cats = {code: f"abgaenge_anteil_{code}" for code in ABSCHLUESSE}
    total = (c["abschluss"].astype(str) == TOTAL).to_numpy()
    if not total.any():
        return [
            *share_parts(c, key="abschluss", categories=cats, dims=["sex", "nationality"]),
            *count_parts(c, indicator="schulabgaenge", dims=["abschluss", "sex", "nationality"]),
        ]
    # published total rows (official tables): the denominator is the total, not the
    # sum of (rounded, partly unknown) categories
    parts = count_parts(c[total], indicator="schulabgaenge", dims=["sex", "nationality"])
    parts += count_parts(c[~total], indicator="schulabgaenge", dims=["abschluss"])[1:]
    if not ctx.has_breakdown("school_leavers", "abschluss"):
        ctx.omit(list(cats.values()), "Tabelle 'school_leavers' ohne Aufgliederung nach abschluss")
        return parts
    masks = {code: (c["abschluss"] == cat).to_numpy() for cat, code in cats.items()}
    return [
        *ratio_parts(c, numerators=masks, dims=["sex", "nationality"], denominator=total),
        *parts,
    ]


def abgaenge_anteil(
    school_leavers: pd.DataFrame, abschluss: str, *, region_table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Share of leavers with ``abschluss``, total and by sex and nationality.

    Parameters
    ----------
    school_leavers : DataFrame
        Canonical ``school_leavers`` table.
    abschluss : str
        One of :data:`ABSCHLUESSE` (``ohne_hsa`` = without Hauptschulabschluss).
    region_table : DataFrame, optional
        ``regions`` table for names.

    Returns
    -------
    DataFrame
        IndicatorFrame with indicator ``abgaenge_anteil_<abschluss>``.

    Notes
    -----
    Share = 100 × leavers and graduates of general schools with the given Abschluss /
    all leavers and graduates of the school year, counted at the school's location and
    including Förderschulen. The denominator is all leavers, not the same-age population
    or the Quotensummenverfahren, which give other figures. Rates for Kreis,
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
    >>> s = pd.DataFrame({"region_code": "17001000", "year": 2024, "sex": "m",
    ...                   "nationality": "deutsch", "abschluss": ["ahr", "hsa"],
    ...                   "leavers": [3, 1]})
    >>> abgaenge_anteil(s, "ahr")["value"].tolist()[:1]
    [75.0]
    """
    if abschluss not in ABSCHLUESSE:
        raise ParameterError(
            f"abschluss '{abschluss}' unbekannt.", hint=f"Erlaubt: {', '.join(ABSCHLUESSE)}"
        )
    return run(
        compute, {"school_leavers": school_leavers}, region_table, [f"abgaenge_anteil_{abschluss}"]
    )


def schulabgaenge(
    school_leavers: pd.DataFrame, *, region_table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Count of leavers, total and by Abschluss, sex and nationality.

    Parameters
    ----------
    school_leavers : DataFrame
        Canonical ``school_leavers`` table.
    region_table : DataFrame, optional
        ``regions`` table for names.

    Returns
    -------
    DataFrame
        IndicatorFrame, unit ``Anzahl``.

    Notes
    -----
    Counts of leavers and graduates of general schools at the school's location; higher
    levels are sums of the Gemeinde counts.

    References
    ----------
    .. [1] Statistisches Bundesamt (Destatis): Fachserie 11 Reihe 1 bzw. Statistischer
           Bericht Allgemeinbildende Schulen (Schulstatistik der Länder).
    .. [2] Autorengruppe Bildungsberichterstattung: Bildung in Deutschland (nationaler
           Bildungsbericht), Kapitel D Allgemeinbildende Schule.

    Examples
    --------
    >>> s = pd.DataFrame({"region_code": "17001000", "year": 2024, "sex": "m",
    ...                   "nationality": "deutsch", "abschluss": ["ahr", "hsa"],
    ...                   "leavers": [3, 1]})
    >>> schulabgaenge(s)["value"].tolist()[:1]
    [4.0]
    """
    return run(compute, {"school_leavers": school_leavers}, region_table, ["schulabgaenge"])
