"""Region rows of official Kreis tables before they become canonical rows.

Private helper of :mod:`toolkit.sources.build`.

- Former Kreise are listed with ``-`` in every cell ("nothing there"): such a
  region and time is dropped, not read as zero.
- Berlin and Hamburg are Land and kreisfreie Stadt at once. Kreis tables in
  the table layout list them only as Land (``11``, ``02``) with Berlin's
  Bezirke (``11001001`` …) below; the Kreis row ``11000``/``02000`` that the
  region hierarchy expects is added as a copy of the Land row.
- 8-digit units that Kreis tables list among the Kreise (city of Hannover in
  Region Hannover ``03241``, Aachen ``05334002``, Saarbrücken ``10041100``,
  Berlin's Bezirke) stay as their own regions, below their Kreis. They are
  parts of their Kreis: the Kreis row is always the official one, they are
  never added to it (see :func:`check_units`).

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"region_code": ["11", "11001001", "03251"],
...     "region_name": ["Berlin", "Berlin-Mitte", "Diepholz, Landkreis"],
...     "region_level": ["land", "gemeinde", "kreis"], "time": "2023",
...     "value": [3.0, 1.0, 2.0], "flag": ""})
>>> add_city_states(df)["region_code"].tolist()
['11', '11001001', '03251', '11000']
"""

from __future__ import annotations

import pandas as pd

from toolkit.errors import DataError
from toolkit.regions import parent_of

__all__ = ["CITY_STATES", "add_city_states", "check_units", "drop_former"]

#: Land code -> (Kreis code, official Kreis name as in 12411-01-01-4).
CITY_STATES = {
    "02": ("02000", "Hamburg, kreisfreie Stadt, Freie und Hansestadt"),
    "11": ("11000", "Berlin, kreisfreie Stadt"),
}


def drop_former(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop regions whose every value at a time is ``-`` (Kreise that no longer exist).

    Examples
    --------
    >>> df = pd.DataFrame({"region_code": ["03152", "03159"], "time": "2023",
    ...                    "value": [0.0, 5.0], "flag": ["-", ""]})
    >>> drop_former(df)["region_code"].tolist()
    ['03159']
    """
    if len(frame) == 0:
        return frame
    dash = (frame["flag"] == "-").to_numpy()
    keys = [frame["region_code"], frame["time"]]
    all_dash = pd.Series(dash, index=frame.index).groupby(keys).transform("all")
    return frame[~all_dash.to_numpy()]


def add_city_states(frame: pd.DataFrame) -> pd.DataFrame:
    """Add Kreis rows ``02000``/``11000`` from the Land rows of a Kreis table.

    Only when the frame has Kreis rows, the Land row, and no row of that
    Kreis code yet.

    Examples
    --------
    >>> df = pd.DataFrame({"region_code": ["02"], "region_name": ["Hamburg"],
    ...                    "region_level": ["land"], "value": [1.0]})
    >>> len(add_city_states(df))  # no Kreis rows: not a Kreis table
    1
    """
    level = frame["region_level"]
    if not (level == "kreis").any():
        return frame
    codes = set(pd.unique(frame["region_code"]))
    extra = []
    for land, (kreis, name) in CITY_STATES.items():
        if land in codes and kreis not in codes:
            rows = frame[frame["region_code"] == land].copy()
            rows["region_code"] = kreis
            rows["region_name"] = name
            rows["region_level"] = "kreis"
            extra.append(rows)
    return pd.concat([frame, *extra], ignore_index=True) if extra else frame


def check_units(table: pd.DataFrame, name: str, file: str) -> None:
    """Refuse a Kreis table in which a Kreis row is missing but its 8-digit units exist.

    A Kreis value must never be replaced by (or summed from) the 8-digit
    units an official Kreis table lists among the Kreise.

    Examples
    --------
    >>> t = pd.DataFrame({"region_code": ["03241001", "03251"], "year": [2023, 2023]})
    >>> check_units(t, "school_leavers", "f.csv")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: school_leavers: Kreis 03241 fehlt, aber seine Teile (8-stellige Einheiten 03241001) stehen in der Tabelle.
    ...
    """
    codes = table["region_code"].astype(str)
    # distinct values first: iterating an Arrow-backed column element by element is slow
    kreise = codes[codes.str.len() == 5].unique()
    if not len(kreise):
        return
    units = codes[codes.str.len() == 8]
    parents = units.map({u: parent_of(u) for u in units.unique()})
    lost = sorted(parents[~parents.isin(kreise)].unique())
    if lost:
        parts = sorted(units[parents.isin(lost)].unique())
        raise DataError(
            f"{name}: Kreis {', '.join(lost[:5])} fehlt, aber seine Teile (8-stellige "
            f"Einheiten {', '.join(parts[:5])}) stehen in der Tabelle.",
            file=file,
            column="region_code",
            hint=f"Die Kreiszeile (z. B. {lost[0]}) aus der amtlichen Tabelle übernehmen; "
            "8-stellige Einheiten sind Teile ihres Kreises, nie seine Summe.",
        )
