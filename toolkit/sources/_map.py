"""Apply a catalogue entry to a frame of ``read_genesis``: canonical rows.

Private helper of :mod:`toolkit.sources.build`.

Examples
--------
>>> import pandas as pd
>>> from toolkit.sources import source_for
>>> df = pd.DataFrame({"region_code": ["03251", "03251"], "region_level": "kreis",
...     "year": [2023, 2023], "time": "2023",
...     "variable": ["x/insgesamt/insgesamt", "x/ohne_hauptschulabschluss/weiblich"],
...     "variable_label": "", "value": [2101.0, 57.0], "flag": ""})
>>> df.attrs = {"layout": "tabelle-csv"}
>>> feed = source_for("21111-02-06-4").feeds[0]
>>> out, dropped = to_canonical(df, feed, "21111-02-06-4", "f.csv", require=False)
>>> out.to_dict("records")
[{'region_code': '03251', 'year': 2023, 'abschluss': 'insgesamt', 'sex': 'insgesamt', 'leavers': 2101}, {'region_code': '03251', 'year': 2023, 'abschluss': 'ohne_hsa', 'sex': 'w', 'leavers': 57}]
"""

from __future__ import annotations

import fnmatch

import numpy as np
import pandas as pd

from toolkit.errors import DataError
from toolkit.sources import ColumnMap, Feed

__all__ = ["layout_of", "to_canonical"]


def layout_of(frame: pd.DataFrame) -> str:
    """Return ``tabelle`` or ``flat`` for a frame of ``read_genesis``.

    Examples
    --------
    >>> layout_of(pd.DataFrame())
    'flat'
    """
    return "tabelle" if str(frame.attrs.get("layout", "")).startswith("tabelle") else "flat"


def _per_distinct(columns: list[pd.Series], func) -> pd.Series:
    """``func(*cells)`` for every row, computed once per distinct combination of cells."""
    codes = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        own, uniques = pd.factorize(column, use_na_sentinel=False)
        codes = codes * max(len(uniques), 1) + own
    combos, first = np.unique(codes, return_index=True)
    results = np.array([func(*(c.iat[i] for c in columns)) for i in first] or [""], dtype=object)
    return pd.Series(results[np.searchsorted(combos, codes)], index=columns[0].index)


def _codes(frame: pd.DataFrame, col: ColumnMap, table: str, file: str) -> pd.Series:
    src = col.source
    if src.startswith("variable:"):
        level = int(src.split(":", 1)[1])

        def part(code: str) -> str:
            parts = str(code).split("/")
            return parts[level] if level < len(parts) else ""

        return _per_distinct([frame["variable"]], part)
    if src == "label":
        keys = set(col.match) | set(col.map)

        def pick(label: str, group: str | None = None) -> str:
            items = str(label).split(" / ") + ([group] if group is not None else [])
            found = [x for x in items if x in keys]
            return found[0] if len(found) == 1 else ("" if not found else "\x00mehrdeutig")

        labels = [frame["variable_label"]]
        if "gruppe_label" in frame:
            labels.append(frame["gruppe_label"])
        return _per_distinct(labels, pick)
    names = [c for c in frame.columns if fnmatch.fnmatchcase(c, src) and not c.endswith("_label")]
    if not names:
        raise DataError(
            f"Tabelle {table}: Merkmal {src!r} fehlt (für Spalte {col.name!r}).",
            file=file,
            column=src,
            hint="Die Tabelle mit allen Merkmalen herunterladen, die der Quellenkatalog "
            "nennt (toolkit/sources/), oder eine andere Tabelle verwenden.",
        )
    out = frame[names[0]].fillna("")
    for extra in names[1:]:
        out = out.where(out != "", frame[extra].fillna(""))
    return out


def _column(
    frame: pd.DataFrame, col: ColumnMap, table: str, file: str, require: bool
) -> tuple[pd.Series, np.ndarray]:
    """Return the canonical values of one column and the mask of rows to keep."""
    if col.const is not None:
        return pd.Series(col.const, index=frame.index), np.ones(len(frame), dtype=bool)
    codes = _codes(frame, col, table, file)
    present = set(pd.unique(codes))
    if "\x00mehrdeutig" in present:
        raise DataError(
            f"Tabelle {table}: eine Zeile passt zu mehreren Ausprägungen von {col.name!r}.",
            file=file,
            column=col.name,
            hint="Eintrag im Quellenkatalog (toolkit/sources/) präzisieren.",
        )
    lookup = {**col.map, **col.match}
    if col.map:
        unknown = sorted(present - set(col.map) - set(col.skip) - set(col.match))
        if unknown:
            raise DataError(
                f"Tabelle {table}: unbekannte Ausprägung(en) für {col.name!r} "
                f"(Quelle {col.source}): {', '.join(repr(u) for u in unknown[:8])}.",
                file=file,
                column=col.name,
                hint="Die Tabelle hat andere Kopfzeilen oder Codes als im Quellenkatalog "
                "beschrieben; Datei prüfen (dkbm read) und den Eintrag in toolkit/sources/ "
                "ergänzen.",
            )
    missing = sorted((set(col.map) | set(col.match)) - present) if require else []
    if missing:
        raise DataError(
            f"Tabelle {table}: für {col.name!r} fehlt {', '.join(repr(m) for m in missing[:8])} "
            f"(Quelle {col.source}).",
            file=file,
            column=col.name,
            hint="Die Tabelle mit allen Ausprägungen herunterladen, die der Quellenkatalog "
            "nennt, oder eine andere Tabelle verwenden.",
        )
    keep = codes.isin(list(lookup)).to_numpy()
    return codes.map(lookup), keep


def to_canonical(
    frame: pd.DataFrame, feed: Feed, table: str, file: str, *, require: bool = True
) -> tuple[pd.DataFrame, int]:
    """Map a frame of ``read_genesis`` onto one canonical table.

    Parameters
    ----------
    frame : pandas.DataFrame
        Result of :func:`toolkit.io.read_genesis`.
    feed : Feed
        The catalogue's mapping for this layout.
    table, file : str
        Table code and file name for messages.
    require : bool, default True
        Require every mapped category to occur in the file.

    Returns
    -------
    tuple of (pandas.DataFrame, int)
        Rows ``region_code, year, <columns>, <count>`` (counts as int64) and
        the number of cells left out because the value is a symbol such as
        ``.`` or ``x`` (canonical counts cannot be missing).

    Raises
    ------
    DataError
        Missing variable, unknown or missing categories.
    """
    if feed.value_variable and "variable" in frame:
        frame = frame[frame["variable"] == feed.value_variable]
    keep = np.ones(len(frame), dtype=bool)
    columns: dict[str, pd.Series] = {}
    for name, col in feed.columns.items():
        values, mask = _column(frame, col, table, file, require)
        columns[name] = values
        keep &= mask
    value = frame["value"].to_numpy(dtype=float)
    missing = keep & np.isnan(value)
    keep &= ~missing
    out = pd.DataFrame(
        {
            "region_code": frame["region_code"].to_numpy(dtype=object)[keep],
            "year": frame["year"].to_numpy(dtype="int64")[keep],
            **{k: v.to_numpy(dtype=object)[keep] for k, v in columns.items()},
            feed.count: value[keep].round().astype("int64"),
        }
    )
    return out, int(missing.sum())
