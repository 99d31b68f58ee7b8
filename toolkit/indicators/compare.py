"""Compare a region with its Land, Bund and a comparison set chosen by the caller.

Comparisons are side by side, never a ranking: the output keeps the order
region, Land, Bund, comparison regions (in the order given), and the pooled
comparison group; nothing is sorted by value.

Examples
--------
>>> f = pd.DataFrame({"region_code": ["17001", "17", "DG"], "region_name": ["A", "M", "D"],
...                   "level": ["kreis", "land", "bund"], "period": 2024,
...                   "indicator": "jugendquotient", "dimension": "", "category": "",
...                   "value": [30.0, 32.0, 31.0], "numerator": [30.0, 320, 3100],
...                   "denominator": [100.0, 1000, 10000], "unit": "je 100", "flag": ""})
>>> compare(f, "17001")[["role", "difference"]].values.tolist()
[['region', 0.0], ['land', 2.0], ['bund', 1.0]]
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from toolkit.errors import ParameterError
from toolkit.indicators.frame import validate_indicator_frame
from toolkit.indicators.timeseries import RATE_UNITS
from toolkit.regions import level_of, normalize_code

__all__ = ["ROLES", "compare"]

#: Roles in output order, with German labels.
ROLES: dict[str, str] = {
    "region": "Region",
    "land": "Land",
    "bund": "Deutschland",
    "vergleich": "Vergleichsregion",
    "vergleichsgruppe": "Vergleichsgruppe (zusammengefasst)",
}
_KEYS = ["indicator", "dimension", "category", "period"]


def compare(
    frame: pd.DataFrame,
    region: str,
    comparison: Iterable[str] = (),
    *,
    land: bool = True,
    bund: bool = True,
    pooled: bool = True,
) -> pd.DataFrame:
    """Put a region's indicators next to its Land, Bund and comparison regions.

    Parameters
    ----------
    frame : DataFrame
        IndicatorFrame holding the region and the comparison regions (e.g.
        from ``compute_all(..., regions=[region, *comparison, land, "DG"])``).
    region : str
        Code of the region of interest.
    comparison : iterable of str, optional
        Codes of comparison regions chosen by the caller (e.g. similar Kreise).
    land, bund : bool, default True
        Include the region's Land and Germany (``DG``) when in ``frame``.
    pooled : bool, default True
        Add the comparison group as one region: sum of numerators / sum of
        denominators over the comparison regions (rates only; for
        indicators without a plain numerator/denominator the pooled value is
        NaN with flag ``x``; when a member's count is missing, NaN with
        that flag).

    Returns
    -------
    DataFrame
        IndicatorFrame columns plus ``role`` (see :data:`ROLES`),
        ``difference`` (value minus the region's value in the same
        indicator, breakdown and period; in points for rates, NaN for counts)
        and ``difference_unit``. Rows follow the order of roles, not values.

    Raises
    ------
    ParameterError
        If ``region`` or a comparison code is not in ``frame``.

    Notes
    -----
    A region is set beside its Land, Bund and a comparison set chosen by the caller; no
    ranking is made, as the kommunales Bildungsmonitoring compares regions instead of
    ordering them.

    References
    ----------
    .. [1] Statistische Ämter des Bundes und der Länder: Anwendungsleitfaden zum Aufbau
           eines kommunalen Bildungsmonitorings.
    .. [2] Autorengruppe Bildungsberichterstattung: Bildung in Deutschland (nationaler
           Bildungsbericht), Kapitel A Rahmenbedingungen (Demografie).

    Examples
    --------
    >>> f = pd.DataFrame({"region_code": ["17001", "17002", "17003"], "region_name": ["A", "B", "C"],
    ...                   "level": "kreis", "period": 2024, "indicator": "altenquotient",
    ...                   "dimension": "", "category": "", "value": [30.0, 20.0, 40.0],
    ...                   "numerator": [30.0, 20, 120], "denominator": [100.0, 100, 300],
    ...                   "unit": "je 100", "flag": ""})
    >>> c = compare(f, "17001", ["17002", "17003"])
    >>> c[["region_code", "role", "value"]].values.tolist()
    [['17001', 'region', 30.0], ['17002', 'vergleich', 20.0], ['17003', 'vergleich', 40.0], ['Vergleichsgruppe', 'vergleichsgruppe', 35.0]]
    """
    f = validate_indicator_frame(frame)
    region = normalize_code(str(region))
    comp = [normalize_code(str(c)) for c in comparison]
    present = set(f["region_code"].unique())
    missing = [c for c in [region, *comp] if c not in present]
    if missing:
        raise ParameterError(
            f"compare: Region(en) {', '.join(missing)} nicht in den Indikatorwerten.",
            hint="compute_all(..., regions=[...]) mit diesen Regionen aufrufen.",
        )
    level = level_of(region)
    roles: list[tuple[str, str]] = [(region, "region")]
    if land and level not in ("bund", "land") and region[:2] in present:
        roles.append((region[:2], "land"))
    if bund and level != "bund" and "DG" in present:
        roles.append(("DG", "bund"))
    roles += [(c, "vergleich") for c in comp if c not in {r for r, _ in roles}]
    parts = []
    for code, role in roles:
        parts.append(f[f["region_code"] == code].assign(role=role))
    if pooled and comp:
        parts.append(_pool(f[f["region_code"].isin(comp)]))
    out = pd.concat(parts, ignore_index=True)
    ref = f.loc[f["region_code"] == region, [*_KEYS, "value"]].rename(columns={"value": "_ref"})
    out = out.merge(ref, on=_KEYS, how="left")
    rate = out["unit"].isin(list(RATE_UNITS)).to_numpy()
    out["difference"] = np.where(rate, out["value"] - out["_ref"], np.nan)
    out["difference_unit"] = np.where(
        out["unit"] == "%", "Prozentpunkte", np.where(rate, "Punkte", "")
    )
    order = {r: i for i, r in enumerate(ROLES)}
    out["_o"] = out["role"].map(order)
    out = out.sort_values([*_KEYS, "_o"], kind="stable").drop(columns=["_o", "_ref"])
    return out.reset_index(drop=True)


def _pool(sub: pd.DataFrame) -> pd.DataFrame:
    rate = sub[sub["unit"].isin(list(RATE_UNITS))]
    if rate.empty:
        return rate.assign(role="vergleichsgruppe")
    order = {"": 0, "-": 0, "p": 1, "x": 2, "/": 3, ".": 4}
    work = rate.assign(
        _r=rate["flag"].map(order).fillna(0),
        _plain=rate["numerator"].notna() & rate["denominator"].notna(),
        _nv=rate["value"].isna(),
    )
    g = work.groupby([*_KEYS, "unit"], sort=False)
    agg = g.agg(
        numerator=("numerator", "sum"),
        denominator=("denominator", "sum"),
        _r=("_r", "max"),
        _plain=("_plain", "all"),
        _any_nan=("_nv", "any"),
    ).reset_index()
    missing = agg["_r"].to_numpy() >= 2
    plain = agg["_plain"].to_numpy()
    den = agg["denominator"].to_numpy()
    ok = plain & ~missing & (den > 0)
    value = np.full(len(agg), np.nan)
    value[ok] = agg["numerator"].to_numpy()[ok] / den[ok] * 100.0
    names = np.array(["", "p", "x", "/", "."], dtype=object)
    flag = names[agg["_r"].to_numpy().astype(int)].copy()
    flag[~missing & ~ok] = "x"
    flag[ok & (value == 0) & (flag == "")] = "-"
    return pd.DataFrame(
        {
            "region_code": "Vergleichsgruppe",
            "region_name": "Vergleichsgruppe",
            "level": "",
            "period": agg["period"],
            "indicator": agg["indicator"],
            "dimension": agg["dimension"],
            "category": agg["category"],
            "value": value,
            "numerator": np.where(ok, agg["numerator"], np.nan),
            "denominator": np.where(ok, den, np.nan),
            "unit": agg["unit"],
            "flag": flag,
            "role": "vergleichsgruppe",
        }
    )
