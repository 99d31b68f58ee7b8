"""The indicator catalogue: code, definition, units, sources and ranges.

Every indicator's metadata lives next to its computation in its family
module (``SPECS``); this module collects them in a fixed order.

Examples
--------
>>> cat = catalog()
>>> cat.loc[cat["code"] == "altenquotient", "unit"].item()
'je 100'
"""

from __future__ import annotations

from dataclasses import fields

import pandas as pd

from toolkit.errors import ParameterError
from toolkit.indicators import (
    abschluesse,
    ausbildung,
    betreuung,
    demografie,
    iabe,
    uebergaenge,
    vertragsloesung,
)
from toolkit.indicators._spec import Spec

__all__ = ["CATALOG_COLUMNS", "TOPICS", "catalog", "catalog_markdown", "spec"]

#: Topics in report order, with German names.
TOPICS: dict[str, str] = {
    "fruehe_bildung": "Frühe Bildung",
    "schule": "Allgemeinbildende Schule",
    "uebergaenge": "Übergänge",
    "ausbildung": "Berufliche Ausbildung",
    "demografie": "Demografie",
}

_FAMILIES = (betreuung, abschluesse, uebergaenge, iabe, ausbildung, vertragsloesung, demografie)
_SPECS: tuple[Spec, ...] = tuple(
    sorted((s for fam in _FAMILIES for s in fam.SPECS), key=lambda s: list(TOPICS).index(s.topic))
)
CATALOG_COLUMNS = [f.name for f in fields(Spec)]


def catalog() -> pd.DataFrame:
    """Return the catalogue of all indicators.

    Returns
    -------
    pandas.DataFrame
        One row per indicator with columns ``code, name_de, definition_de,
        numerator_de, denominator_de, reference_date_de, unit, source,
        levels, topic, higher_is, range_min, range_max, dimensions``
        (``dimensions``: breakdowns, comma separated).

    Examples
    --------
    >>> len(catalog()) >= 20
    True
    >>> catalog()["code"].is_unique
    True
    """
    # the fields are strings, numbers and a tuple of strings: no deep copy needed (asdict)
    rows = [
        [", ".join(s.dimensions) if c == "dimensions" else getattr(s, c) for c in CATALOG_COLUMNS]
        for s in _SPECS
    ]
    df = pd.DataFrame(rows, columns=CATALOG_COLUMNS)
    df["range_min"] = df["range_min"].astype("float64")
    df["range_max"] = df["range_max"].astype("float64")
    return df


def spec(code: str) -> Spec:
    """Return the catalogue entry of one indicator.

    Parameters
    ----------
    code : str
        Indicator code.

    Returns
    -------
    Spec
        The entry (frozen dataclass).

    Examples
    --------
    >>> spec("vertragsloesungsquote").higher_is
    'worse'
    """
    for s in _SPECS:
        if s.code == code:
            return s
    raise ParameterError(
        f"Indikator '{code}' gibt es nicht.", hint="dkbm indicators list zeigt alle Codes."
    )


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _number(x: float) -> str:
    if x >= 1e6:
        return "–"
    return f"{x:g}".replace(".", ",")


def catalog_markdown() -> str:
    """Return the catalogue as a Markdown document (``docs/indicators.md``).

    Returns
    -------
    str
        A heading, a note on how it was made and one table per topic.

    Examples
    --------
    >>> catalog_markdown().splitlines()[0]
    '# Indikatorenkatalog'
    """
    cat = catalog()
    lines = [
        "# Indikatorenkatalog",
        "",
        "Erzeugt mit `dkbm indicators list --markdown > docs/indicators.md`; nicht von Hand ändern.",
        "Ebenen: Werte höherer Ebenen sind amtliche Zeilen der Daten oder werden aus summierten",
        "Anzahlen neu berechnet, wenn alle Kreise vorliegen (sonst fehlen sie mit Hinweis).",
        "Breakdowns (`dimension`) stehen in der Spalte *Aufgliederung*; *Bereich* ist der",
        "plausible Wertebereich, gegen den die Beispieldaten geprüft werden.",
        "",
    ]
    for topic, title in TOPICS.items():
        sub = cat[cat["topic"] == topic]
        if sub.empty:
            continue
        lines += [
            f"## {title}",
            "",
            "| Code | Name | Definition | Zähler | Nenner | Stichtag | Einheit | Ebenen | Aufgliederung | Bereich | Quelle |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for r in sub.itertuples(index=False):
            cells = [
                f"`{r.code}`",
                r.name_de,
                r.definition_de,
                r.numerator_de,
                r.denominator_de,
                r.reference_date_de,
                r.unit,
                r.levels,
                r.dimensions or "–",
                f"{_number(r.range_min)} bis {_number(r.range_max)}",
                r.source,
            ]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)
