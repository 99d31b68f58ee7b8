"""Catalogue entry of one indicator (private; collected by ``catalog()``)."""

from __future__ import annotations

from dataclasses import dataclass

#: Levels of indicators from Gemeinde tables (Sozialraum where rows exist).
GEMEINDE_LEVELS = "sozialraum, gemeinde, kreis, land, bund"
#: Levels of indicators from Kreis tables.
KREIS_LEVELS = "kreis, land, bund"


@dataclass(frozen=True)
class Spec:
    """Metadata of one indicator, one row of the catalogue.

    Examples
    --------
    >>> Spec("x", "X", "d", "n", "z", "31.12.", "%", "s", KREIS_LEVELS, "schule", "neutral", 0, 100).code
    'x'
    """

    code: str
    name_de: str
    definition_de: str
    numerator_de: str
    denominator_de: str
    reference_date_de: str
    unit: str
    source: str
    levels: str
    topic: str
    higher_is: str
    range_min: float
    range_max: float
    dimensions: tuple[str, ...] = ()
