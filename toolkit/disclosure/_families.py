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

__all__ = ["DIFFERENCES", "FAMILIES", "Family", "count_cells"]

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
    ind = frame["indicator"].astype(str).to_numpy()
    dim = frame["dimension"].astype(str).to_numpy()
    cat = frame["category"].astype(str).to_numpy()
    reg = frame["region_code"].astype(str).to_numpy()
    per = frame["period"].astype(int).to_numpy()
    own_axes: dict[str, set[str]] = {}
    rows: list[tuple[object, ...]] = []
    for q in ("numerator", "denominator"):
        vals = pd.to_numeric(frame[q], errors="coerce").to_numpy(dtype=float)
        if q == "numerator":
            as_count = np.isnan(vals) & (frame["unit"].astype(str).to_numpy() == "Anzahl")
            vals = np.where(as_count, pd.to_numeric(frame["value"], errors="coerce"), vals)
        for i in np.flatnonzero(~np.isnan(vals)):
            if q == "numerator" and ind[i] in DIFFERENCES:
                continue
            hit = members.get((ind[i], q))
            if hit is None:
                name = f"{ind[i]}:{q}"
                own_axes.setdefault(name, set())
                if dim[i]:
                    own_axes[name].add(dim[i])
                rows.append((int(i), q, name, int(per[i]), reg[i], (dim[i], cat[i]), vals[i]))
                continue
            fam, fixed = hit
            coords = dict(fixed)
            if dim[i]:
                coords[dim[i]] = cat[i]
            shift = fam.period_shift.get(ind[i], 0)
            key = tuple(coords.get(a, TOTAL) for a in fam.axes)
            rows.append((int(i), q, fam.name, int(per[i]) + shift, reg[i], key, vals[i]))
    axes = {fam.name: fam.axes for fam in FAMILIES}
    for name, dims in own_axes.items():
        axes[name] = tuple(sorted(dims))
    declared = {f.name for f in FAMILIES}
    fixed_rows = []
    for r in rows:
        if r[2] not in declared:
            d, c = r[5]  # type: ignore[misc]
            r = (*r[:5], tuple(c if a == d else TOTAL for a in axes[str(r[2])]), r[6])
        fixed_rows.append(r)
    return pd.DataFrame(fixed_rows, columns=_COLUMNS), axes
