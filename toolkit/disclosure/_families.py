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

__all__ = [
    "DIFFERENCES",
    "FAMILIES",
    "Family",
    "as_strings",
    "count_cells",
    "count_periods",
    "count_values",
    "factor",
    "family_axes",
]

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


def as_strings(column: pd.Series) -> np.ndarray:
    """Return ``column.astype(str).to_numpy()``, sharing a categorical's strings.

    ``astype(str).to_numpy()`` makes one Python string per row (about 60
    bytes); for a categorical column of strings the rows here point to the
    strings of its categories (8 bytes a row), with the same values.

    Examples
    --------
    >>> as_strings(pd.Series(["a", None, "a"], dtype="category")).tolist()
    ['a', nan, 'a']
    """
    dtype = column.dtype
    if not isinstance(dtype, pd.CategoricalDtype) or not all(
        isinstance(c, str) for c in dtype.categories
    ):
        return column.astype(str).to_numpy()
    cats = np.asarray(list(dtype.categories) or [""], dtype=object)
    codes = column.cat.codes.to_numpy()
    out = cats[np.maximum(codes, 0)]
    missing = codes < 0
    if missing.any():
        out[missing] = column[missing].astype(str).to_numpy()
    return out


def factor(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer code of every row (-1: missing) and the strings the codes stand for.

    A categorical column of strings gives its own codes, without hashing every row.

    Examples
    --------
    >>> codes, names = factor(pd.Series(["b", "a", "b"]))
    >>> codes.tolist(), names.tolist()
    ([0, 1, 0], ['b', 'a'])
    """
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype) and all(isinstance(c, str) for c in dtype.categories):
        return column.cat.codes.to_numpy(), np.asarray(list(dtype.categories), dtype=object)
    codes, names = pd.factorize(as_strings(column))
    return codes, np.asarray(names, dtype=object)


def _codes_of(names: np.ndarray, wanted: list[str]) -> np.ndarray:
    """Codes of the strings ``wanted`` among ``names`` (:func:`factor`)."""
    return np.flatnonzero(np.isin(names, wanted))


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
    ind, inds = factor(frame["indicator"])
    period = frame["period"].astype(int).to_numpy()
    out = []
    for q in ("numerator", "denominator"):
        present = _present(frame, q)[1]  # the rows count_cells maps to a cell
        shift = np.zeros(len(ind), dtype=np.int64)
        for k, name in enumerate(inds):
            hit = members.get((str(name), q))
            if hit is not None and hit[0].period_shift.get(str(name)):
                shift[ind == k] = hit[0].period_shift[str(name)]
        out.append(np.where(present, period + shift, -1))
    return out[0], out[1]


def count_values(frame: pd.DataFrame, q: str) -> np.ndarray:
    """Count of quantity ``q`` in every row (NaN: none): a count's value is its numerator.

    Examples
    --------
    >>> f = pd.DataFrame({"value": [2.0, 50.0], "numerator": [np.nan, np.nan],
    ...     "denominator": [np.nan, 4.0], "unit": ["Anzahl", "%"]})
    >>> count_values(f, "numerator").tolist(), count_values(f, "denominator").tolist()
    ([2.0, nan], [nan, 4.0])
    """
    vals = pd.to_numeric(frame[q], errors="coerce").to_numpy(dtype=float)
    if q == "numerator":
        unit, units = factor(frame["unit"])
        count = np.isnan(vals) & np.isin(unit, _codes_of(units, ["Anzahl"]))
        vals = np.where(count, pd.to_numeric(frame["value"], errors="coerce"), vals)
    return vals


def _present(frame: pd.DataFrame, q: str) -> tuple[np.ndarray, np.ndarray]:
    """Count of quantity ``q`` of every row and whether the row has one (a count cell)."""
    vals = count_values(frame, q)
    keep = ~np.isnan(vals)
    if q == "numerator":
        ind, inds = factor(frame["indicator"])
        keep &= ~np.isin(ind, _codes_of(inds, list(DIFFERENCES)))
    return vals, keep


def family_axes(frame: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Axes of the families no declaration names: the dimensions of the indicator's rows.

    :func:`count_cells` derives them from the rows it is given; passing the
    axes of a whole frame to the calls on its parts (one period at a time)
    gives every cell the key it has in the whole frame.

    Examples
    --------
    >>> f = pd.DataFrame({"indicator": "x", "period": [2023, 2024], "dimension": ["", "sex"],
    ...     "category": ["", "w"], "region_code": "17", "value": [3.0, 1.0],
    ...     "numerator": [3.0, 1.0], "denominator": None, "unit": "Anzahl"})
    >>> family_axes(f)
    {'x:numerator': ('sex',)}
    >>> count_cells(f.iloc[:1], axes=family_axes(f))[0]["coords"].tolist()
    [('',)]
    """
    members = _member_index()
    ind, inds = factor(frame["indicator"])
    dim, dims = factor(frame["dimension"])
    dims = np.r_[np.array([np.nan], dtype=object), dims]  # code -1 (missing) at 0
    out: dict[str, tuple[str, ...]] = {}
    for q in ("numerator", "denominator"):
        keep = _present(frame, q)[1] & (ind >= 0)
        pairs = np.unique(ind[keep].astype(np.int64) * len(dims) + dim[keep] + 1)
        for i in np.unique(pairs // len(dims)):
            if (str(inds[i]), q) not in members:
                mine = dims[pairs[pairs // len(dims) == i] % len(dims)]
                out[f"{inds[i]}:{q}"] = tuple(sorted(set(mine) - {""}))
    return out


def count_cells(
    frame: pd.DataFrame, *, axes: dict[str, tuple[str, ...]] | None = None
) -> tuple[pd.DataFrame, dict[str, tuple[str, ...]]]:
    """Map every numerator and denominator of an IndicatorFrame to its family cell.

    Parameters
    ----------
    frame : pandas.DataFrame
        IndicatorFrame rows.
    axes : dict, optional
        Axes of undeclared families (:func:`family_axes` of a larger frame);
        default: the dimensions of the indicator's rows in ``frame``.

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
    given = dict(axes or {})
    # object columns: the rows share the strings of the frame (pandas 3 would copy them into
    # Arrow strings, and every value read back would be a new Python string)
    base = pd.DataFrame(
        {
            "indicator": pd.Series(as_strings(frame["indicator"]), dtype=object),
            "dim": pd.Series(as_strings(frame["dimension"]), dtype=object),
            "cat": pd.Series(as_strings(frame["category"]), dtype=object),
            "region": pd.Series(as_strings(frame["region_code"]), dtype=object),
            "period": frame["period"].astype(int).to_numpy(),
        }
    )
    same: dict[tuple[str, ...], tuple[str, ...]] = {}  # one tuple object per distinct coords
    parts = []
    axes: dict[str, tuple[str, ...]] = {fam.name: fam.axes for fam in FAMILIES}
    for q in ("numerator", "denominator"):
        vals, keep = _present(frame, q)
        sub = base[keep].assign(row=np.flatnonzero(keep), n=vals[keep])
        for ind, g in sub.groupby("indicator", sort=False):
            hit = members.get((str(ind), q))
            if hit is None:
                name = f"{ind}:{q}"
                fam_axes = given.get(name) or tuple(sorted(set(g["dim"]) - {""}))
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
                        "coords": [same.setdefault(t, t) for t in zip(*cols, strict=True)]
                        if cols
                        else [()] * len(g),
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
