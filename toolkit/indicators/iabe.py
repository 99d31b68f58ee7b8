"""Übergänge Schule – Beruf: sectors of the integrierte Ausbildungsberichterstattung.

Share of sector X = entrants into sector X / entrants into all four sectors
(I Berufsausbildung, II Übergangsbereich, III Erwerb der
Hochschulzugangsberechtigung, IV Studium) × 100. Kreis level.

Examples
--------
>>> t = pd.DataFrame({"region_code": "17001", "year": 2024, "sex": "m",
...                   "nationality": "deutsch", "sector": ["I", "II", "III", "IV"],
...                   "entrants": [36, 14, 25, 25]})
>>> iabe_anteil(t, "II")["value"].tolist()[:1]
[14.0]
"""

from __future__ import annotations

import pandas as pd

from toolkit.errors import ParameterError
from toolkit.indicators._build import Part, count_parts, share_parts
from toolkit.indicators._context import Context, run
from toolkit.indicators._spec import KREIS_LEVELS, Spec

__all__ = ["SECTORS", "iabe_anfaenger", "iabe_anteil"]

TABLES = ("iabe",)

#: Sector code → (German name, range max of its share).
SECTORS: dict[str, tuple[str, float]] = {
    "I": ("Berufsausbildung", 70),
    "II": ("Übergangsbereich", 50),
    "III": ("Erwerb der Hochschulzugangsberechtigung", 60),
    "IV": ("Studium", 60),
}
_SRC = "Integrierte Ausbildungsberichterstattung (iABE)"
_REF = "Kalenderjahr bzw. Schuljahresbeginn"

SPECS = (
    *(
        Spec(
            f"iabe_anteil_sektor_{code.lower()}",
            f"iABE-Anteil Sektor {code}: {name}",
            f"Anteil der Anfängerinnen und Anfänger im Sektor {code} ({name}) an allen Anfängerinnen und Anfängern im Ausbildungsgeschehen (Sektoren I bis IV).",
            f"Anfängerinnen und Anfänger im Sektor {code}",
            "Anfängerinnen und Anfänger in den Sektoren I bis IV",
            _REF,
            "%",
            _SRC,
            KREIS_LEVELS,
            "uebergaenge",
            "worse" if code == "II" else "neutral",
            0,
            hi,
            ("sex", "nationality"),
        )
        for code, (name, hi) in SECTORS.items()
    ),
    Spec(
        "iabe_anfaenger",
        "Anfängerinnen und Anfänger im Ausbildungsgeschehen",
        "Anfängerinnen und Anfänger in den Sektoren I bis IV der iABE.",
        "Anfängerinnen und Anfänger in den Sektoren I bis IV",
        "–",
        _REF,
        "Anzahl",
        _SRC,
        KREIS_LEVELS,
        "uebergaenge",
        "neutral",
        0,
        1e7,
        ("sector", "sex", "nationality"),
    ),
)
CODES = tuple(s.code for s in SPECS)


def compute(ctx: Context) -> list[Part]:
    """Compute the iABE sector shares and the count of entrants.

    Examples
    --------
    >>> t = pd.DataFrame({"region_code": "17001", "year": 2024, "sex": "m",
    ...                   "nationality": "deutsch", "sector": ["I"], "entrants": [3]})
    >>> len(compute(Context({"iabe": t})))
    16
    """
    c = ctx.counts("iabe")
    cats = {code: f"iabe_anteil_sektor_{code.lower()}" for code in SECTORS}
    return [
        *share_parts(c, key="sector", categories=cats, dims=["sex", "nationality"]),
        *count_parts(c, indicator="iabe_anfaenger", dims=["sector", "sex", "nationality"]),
    ]


def iabe_anteil(
    iabe: pd.DataFrame, sector: str, *, region_table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Share of entrants in iABE ``sector``, total and by sex and nationality.

    Parameters
    ----------
    iabe : DataFrame
        Canonical ``iabe`` table.
    sector : str
        ``I``, ``II``, ``III`` or ``IV``.
    region_table : DataFrame, optional
        ``regions`` table for names.

    Returns
    -------
    DataFrame
        IndicatorFrame with indicator ``iabe_anteil_sektor_<sector lower>``.

    Notes
    -----
    Share = 100 × entrants of one iABE sector (I Berufsausbildung, II Übergangsbereich,
    III Erwerb der Hochschulzugangsberechtigung, IV Studium) / entrants of all sectors
    in the year. Rates for Kreis, Regierungsbezirk and Land are recomputed from summed
    numerators and denominators, never averaged from the rates below them.

    References
    ----------
    .. [1] Statistisches Bundesamt (Destatis): Integrierte Ausbildungsberichterstattung
           (iABE) – Anfänger, Teilnehmende und Absolventen im Ausbildungsgeschehen.
    .. [2] Autorengruppe Bildungsberichterstattung: Bildung in Deutschland (nationaler
           Bildungsbericht), Kapitel E Berufliche Ausbildung.

    Examples
    --------
    >>> t = pd.DataFrame({"region_code": "17001", "year": 2024, "sex": "m",
    ...                   "nationality": "deutsch", "sector": ["I", "IV"], "entrants": [1, 3]})
    >>> iabe_anteil(t, "I")["value"].tolist()[:1]
    [25.0]
    """
    if sector not in SECTORS:
        raise ParameterError(f"sector '{sector}' unbekannt.", hint="Erlaubt: I, II, III, IV")
    return run(compute, {"iabe": iabe}, region_table, [f"iabe_anteil_sektor_{sector.lower()}"])


def iabe_anfaenger(iabe: pd.DataFrame, *, region_table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Count of entrants, total and by sector, sex and nationality.

    Parameters
    ----------
    iabe : DataFrame
        Canonical ``iabe`` table.
    region_table : DataFrame, optional
        ``regions`` table for names.

    Returns
    -------
    DataFrame
        IndicatorFrame, unit ``Anzahl``.

    Notes
    -----
    Counts of entrants by iABE sector; higher levels are sums of the counts below them.

    References
    ----------
    .. [1] Statistisches Bundesamt (Destatis): Integrierte Ausbildungsberichterstattung
           (iABE) – Anfänger, Teilnehmende und Absolventen im Ausbildungsgeschehen.
    .. [2] Autorengruppe Bildungsberichterstattung: Bildung in Deutschland (nationaler
           Bildungsbericht), Kapitel E Berufliche Ausbildung.

    Examples
    --------
    >>> t = pd.DataFrame({"region_code": "17001", "year": 2024, "sex": "m",
    ...                   "nationality": "deutsch", "sector": ["I", "IV"], "entrants": [1, 3]})
    >>> iabe_anfaenger(t)["value"].tolist()[:1]
    [4.0]
    """
    return run(compute, {"iabe": iabe}, region_table, ["iabe_anfaenger"])
