"""Count families of a publication: which published numbers are the same count (internal).

Every numerator and denominator of an IndicatorFrame is a count of some
population. Different indicators print the same counts and sums of them:
the entrants into Jahrgangsstufe 5 (``uebergaenge_jg5``) are the sum of the
numerators of the seven Übergangsquoten, the leavers (``schulabgaenge``) the
sum of the numerators of the five Abschluss shares, and so on. A *family* is
one such count with its breakdown axes (besides the region); every
(indicator, numerator/denominator) that prints a cell of it is a *member*
with the axis values it fixes. A member row with ``dimension == d`` and
``category == c`` is the cell with axis ``d`` at ``c``, its fixed axes at
their values and every other axis at its total.

Counts of an (indicator, quantity) that no family declares form a family
of their own with the indicator's dimensions as axes. Differences of counts
(``bevoelkerung_veraenderung``) are no counts and belong to no family; their
publication is ruled by the two counts they are the difference of.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit.errors import DisclosureError

__all__ = ["DIFFERENCES", "FAMILIES", "Family", "count_cells", "count_periods"]

#: Code of an axis at its total.
TOTAL = ""


@dataclass(frozen=True)
class Family:
    """One count and the members (indicator, quantity, fixed axes) printing it.

    Examples
    --------
    >>> Family("x", ("sex",), (("q", "numerator", ()),)).axes
    ('sex',)
    """

    name: str
    axes: tuple[str, ...]
    members: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]
    period_shift: dict[str, int] = field(default_factory=dict)


_SCHOOL_TYPES = (
    "hauptschule",
    "realschule",
    "mehrere_bildungsgaenge",
    "gesamtschule",
    "gymnasium",
    "foerderschule",
    "sonstige",
)
_ABSCHLUESSE = ("ohne_hsa", "hsa", "msa", "fhr", "ahr")
_SECTORS = {"i": "I", "ii": "II", "iii": "III", "iv": "IV"}

#: Declared families: the cross-indicator sums of the catalogue.
FAMILIES: tuple[Family, ...] = (
    Family(
        "eintritte_jg5",
        ("school_type", "sex"),
        (
            ("uebergaenge_jg5", "numerator", ()),
            *((f"uebergangsquote_{t}", "numerator", (("school_type", t),)) for t in _SCHOOL_TYPES),
        ),
    ),
    Family(
        "abgaenge_jg4",
        ("sex",),
        tuple((f"uebergangsquote_{t}", "denominator", ()) for t in _SCHOOL_TYPES),
    ),
    Family(
        "schulabgaenge",
        ("abschluss", "sex", "nationality"),
        (
            ("schulabgaenge", "numerator", ()),
            *((f"abgaenge_anteil_{a}", "numerator", (("abschluss", a),)) for a in _ABSCHLUESSE),
            *((f"abgaenge_anteil_{a}", "denominator", ()) for a in _ABSCHLUESSE),
        ),
    ),
    Family(
        "iabe",
        ("sector", "sex", "nationality"),
        (
            ("iabe_anfaenger", "numerator", ()),
            *(
                (f"iabe_anteil_sektor_{s}", "numerator", (("sector", c),))
                for s, c in _SECTORS.items()
            ),
            *((f"iabe_anteil_sektor_{s}", "denominator", ()) for s in _SECTORS),
        ),
    ),
    Family(
        "betreute_u3",
        ("care_type",),
        (
            ("betreuungsquote_u3", "numerator", ()),
            ("tagespflege_anteil_u3", "numerator", (("care_type", "tagespflege"),)),
            ("tagespflege_anteil_u3", "denominator", ()),
        ),
    ),
    Family(
        "vertragsloesungen",
        ("sex", "nationality", "schooling", "zustaendigkeit", "beruf"),
        (
            ("vertragsloesungen", "numerator", ()),
            ("vertragsloesungsquote", "numerator", ()),
            ("vertragsloesungen_probezeit_anteil", "denominator", ()),
        ),
    ),
    Family(
        "bevoelkerung",
        ("age_group", "sex"),
        (
            ("bevoelkerung", "numerator", ()),
            ("anteil_unter_18", "denominator", ()),
            ("anteil_65plus", "denominator", ()),
            ("anteil_65plus", "numerator", (("age_group", "65plus"),)),
            ("altenquotient", "numerator", (("age_group", "65plus"),)),
            ("bevoelkerung_veraenderung", "denominator", ()),
        ),
        # the change of year t divides by the population of year t - 1
        {"bevoelkerung_veraenderung": -1},
    ),
    Family(
        "bevoelkerung_20u65",
        ("sex",),
        (("jugendquotient", "denominator", ()), ("altenquotient", "denominator", ())),
    ),
)

#: Indicators whose numerator is the difference of a family count between two periods.
DIFFERENCES: dict[str, str] = {"bevoelkerung_veraenderung": "bevoelkerung"}

_COLUMNS = ["row", "quantity", "family", "period", "region", "coords", "n"]


def _member_index() -> dict[tuple[str, str], tuple[Family, dict[str, str]]]:
    out = {}
    for fam in FAMILIES:
        for ind, q, fixed in fam.members:
            out[(ind, q)] = (fam, dict(fixed))
    return out


def _check_dimensions(indicator: str, rows: pd.DataFrame, fam_axes: tuple[str, ...]) -> None:
    """Refuse a breakdown the indicator's family does not know.

    Its categories would take the key of the total and pass as that count, so
    a 2 in them would be published (a wrong publication is worse than an error).
    """
    odd = ~rows["dim"].isin(["", *fam_axes]).to_numpy()
    if odd.any():
        first = rows[odd].iloc[0]
        raise DisclosureError(
            f"Geheimhaltung: Indikator {indicator!r} hat die Aufgliederung "
            f"{first['dim']!r} (Zeile {int(first['row'])}, Region {first['region']}, "
            f"Kategorie {first['cat']!r}), die seine Zählfamilie nicht kennt "
            f"(bekannt: {', '.join(fam_axes) or 'keine'})",
            hint="Aufgliederungen so benennen wie im Indikatorenkatalog (Spalte dimensions) "
            "oder die Zeilen vor dem Schützen entfernen.",
        )


def count_periods(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Period of the numerator and of the denominator cell of every row (-1: no cell).

    A family may shift a member's period (the population change of year t
    divides by the population of year t - 1); the numerator of a difference
    is no count cell.

    Examples
    --------
    >>> f = pd.DataFrame({"indicator": ["bevoelkerung_veraenderung"], "period": [2024],
    ...     "numerator": [1.0], "denominator": [5.0], "unit": ["%"], "value": [20.0]})
    >>> [a.tolist() for a in count_periods(f)]
    [[-1], [2023]]
    """
    members = _member_index()
    ind = frame["indicator"].astype(str).to_numpy()
    period = frame["period"].astype(int).to_numpy()
    unit = frame["unit"].astype(str).to_numpy()
    out = []
    for q in ("numerator", "denominator"):
        vals = pd.to_numeric(frame[q], errors="coerce").to_numpy(dtype=float)
        present = ~np.isnan(vals)
        if q == "numerator":
            value = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float)
            present |= ~np.isnan(value) & (unit == "Anzahl")
            present &= ~np.isin(ind, list(DIFFERENCES))
        shift = np.zeros(len(ind), dtype=np.int64)
        for name in np.unique(ind):
            hit = members.get((str(name), q))
            if hit is not None and hit[0].period_shift.get(str(name)):
                shift[ind == name] = hit[0].period_shift[str(name)]
        out.append(np.where(present, period + shift, -1))
    return out[0], out[1]


def count_cells(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, tuple[str, ...]]]:
    """Map every numerator and denominator of an IndicatorFrame to its family cell.

    Returns
    -------
    cells : pandas.DataFrame
        Columns ``row, quantity, family, period, region, coords, n``;
        ``coords`` is a tuple of axis codes (``""`` = total).
    axes : dict
        Axes of every family that occurs.

    Examples
    --------
    >>> f = pd.DataFrame({"region_code": ["17", "17"], "period": 2024,
    ...     "indicator": ["uebergaenge_jg5", "uebergangsquote_gymnasium"],
    ...     "dimension": ["", "sex"], "category": ["", "w"], "value": [10.0, 30.0],
    ...     "numerator": [10.0, 3.0], "denominator": [None, 10.0], "unit": ["Anzahl", "%"]})
    >>> cells, axes = count_cells(f)
    >>> cells[["quantity", "family", "coords", "n"]].values.tolist()[:2]
    [['numerator', 'eintritte_jg5', ('', ''), 10.0], ['numerator', 'eintritte_jg5', ('gymnasium', 'w'), 3.0]]
    """
    members = _member_index()
    unit = frame["unit"].astype(str).to_numpy()
    base = pd.DataFrame(
        {
            "indicator": frame["indicator"].astype(str).to_numpy(),
            "dim": frame["dimension"].astype(str).to_numpy(),
            "cat": frame["category"].astype(str).to_numpy(),
            "region": frame["region_code"].astype(str).to_numpy(),
            "period": frame["period"].astype(int).to_numpy(),
        }
    )
    parts = []
    axes: dict[str, tuple[str, ...]] = {fam.name: fam.axes for fam in FAMILIES}
    for q in ("numerator", "denominator"):
        vals = pd.to_numeric(frame[q], errors="coerce").to_numpy(dtype=float)
        if q == "numerator":
            count = np.isnan(vals) & (unit == "Anzahl")
            vals = np.where(count, pd.to_numeric(frame["value"], errors="coerce"), vals)
        keep = ~np.isnan(vals)
        if q == "numerator":
            keep &= ~base["indicator"].isin(list(DIFFERENCES)).to_numpy()
        sub = base[keep].assign(row=np.flatnonzero(keep), n=vals[keep])
        for ind, g in sub.groupby("indicator", sort=False):
            hit = members.get((str(ind), q))
            if hit is None:
                name = f"{ind}:{q}"
                fam_axes = tuple(sorted(set(g["dim"]) - {""}))
                axes[name] = fam_axes
                fixed: dict[str, str] = {}
                shift = 0
            else:
                fam, fixed = hit
                name, fam_axes = fam.name, fam.axes
                shift = fam.period_shift.get(str(ind), 0)
                _check_dimensions(str(ind), g, fam_axes)
            dim, cat = g["dim"].to_numpy(), g["cat"].to_numpy()
            cols = [np.where(dim == a, cat, fixed.get(a, TOTAL)) for a in fam_axes]
            n = len(g)
            parts.append(
                pd.DataFrame(
                    {
                        "row": g["row"].to_numpy(),
                        # object columns: pandas 3 would infer Arrow strings, slow to iterate
                        "quantity": pd.Series([q] * n, dtype=object, index=g.index),
                        "family": pd.Series([name] * n, dtype=object, index=g.index),
                        "period": g["period"].to_numpy() + shift,
                        "region": pd.Series(
                            g["region"].to_numpy(dtype=object), dtype=object, index=g.index
                        ),
                        "coords": list(zip(*cols, strict=True)) if cols else [()] * len(g),
                        "n": g["n"].to_numpy(),
                    }
                )
            )
    if not parts:
        return pd.DataFrame(columns=_COLUMNS), axes
    cells = pd.concat(parts, ignore_index=True)
    return cells.sort_values(
        ["quantity", "row"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True), axes
