"""Kreis, Regierungsbezirk, Land and Bund rows: right or absent (private).

Rules (``data_samples/README.md``, "Aggregate"):

1. A row the data bring for a region (an official Land, RB, Bund or Kreis
   row of the same source) is used as given.
2. Otherwise a Land, Regierungsbezirk or Bund (``DG``) value is the sum of
   its Kreise only when *every* Kreis of it (official list for the year, see
   :func:`toolkit.regions.read_official_kreise`) is in the data; if not, it is left
   out and a note says why ("nur 1 von 45 Kreisen in den Daten").
3. 8-digit units are summed into their Kreis only in a pure Gemeinde table
   (no Kreis rows at all). In a Kreis table (official Kreis tables list
   Region Hannover's city, Aachen, Saarbrücken and Berlin's Bezirke among the
   Kreise) they are parts and never added; a Kreis table in which a Kreis row
   is missing while its 8-digit units are there is an error that says what to
   do.
4. Sozialraum rows are never added to anything.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit._kreise import CITY_STATES
from toolkit.errors import DataError
from toolkit.indicators._counts import (
    as_category,
    concat_counts,
    group_sum,
    relabel,
    used_categories,
)
from toolkit.indicators._regions import RegionTable
from toolkit.regions import KreisList

__all__ = ["LEVEL_NAMES", "rollup"]

#: German names of the levels, for notes.
LEVEL_NAMES = {"land": "Landeswert", "regbez": "Wert des Regierungsbezirks", "bund": "Bundeswert"}


def rollup(
    counts: pd.DataFrame,
    regions: RegionTable,
    keys: Sequence[str],
    table: str,
    pairs: Sequence[tuple[str, str]] = (("n", "r"),),
    *,
    kreise: KreisList | None = None,
    notes: list[dict] | None = None,
) -> pd.DataFrame:
    """Add Kreis, Regierungsbezirk, Land and Bund rows by the rules of this module.

    Parameters
    ----------
    counts : DataFrame
        Count frame (``region_code, year, <keys>, <pairs>``).
    regions : RegionTable
        Region facts (extended with the codes made here).
    keys : sequence of str
        Key columns besides region and year.
    table : str
        Table name, for messages.
    pairs : sequence of (count, rank) column names
        Counts to sum, as in :func:`~toolkit.indicators._counts.group_sum`.
    kreise : KreisList, optional
        Which Kreise a Land/RB/Bund needs. Without it (or for a Land it does
        not know) the Kreise present are summed.
    notes : list, optional
        Receives one dict (``table, level, region_code, year, present,
        expected, text``) per value left out.

    Examples
    --------
    >>> df = pd.DataFrame({"region_code": ["17001000", "17001004", "17001000-SR1", "DG"],
    ...                    "year": 2024, "n": [10.0, 5.0, 4.0, 99.0], "r": 0})
    >>> out = rollup(df, RegionTable(df["region_code"]), [], "t")
    >>> out.set_index("region_code")["n"].to_dict()
    {'17001000': 10.0, '17001004': 5.0, '17001000-SR1': 4.0, 'DG': 99.0, '17001': 15.0, '17': 15.0}
    """
    if len(counts) == 0:
        return counts
    if not isinstance(counts["region_code"].dtype, pd.CategoricalDtype):
        counts = counts.assign(region_code=as_category(counts["region_code"]))
    counts = _city_states(counts, regions)
    level = _levels(counts, regions)
    cols = ["year", *keys]
    native_kreis = counts[level == "kreis"]
    gem = counts[level == "gemeinde"]
    parts = [counts]
    if len(native_kreis) and len(gem):
        _check_parts(native_kreis, gem, regions, table)
        kreis = gem.iloc[:0]
    elif len(gem):
        kreis = group_sum(_up(gem, regions, "kreis"), ["region_code", *cols], pairs)
        parts.append(kreis)
    else:
        kreis = gem
    all_kreis = concat_counts([native_kreis, kreis])
    if len(all_kreis) == 0:
        return concat_counts(parts)
    regions.extend(used_categories(all_kreis["region_code"].array))
    for to in ("regbez", "land", "bund"):
        native = counts[level == to]
        made = _complete_sums(all_kreis, native, regions, to, cols, pairs, kreise, notes, table)
        if len(made):
            parts.append(made)
    out = concat_counts(parts)
    regions.extend(used_categories(out["region_code"].array))
    for _, r in pairs:
        out[r] = out[r].astype("int8")
    return out


def _levels(counts: pd.DataFrame, regions: RegionTable) -> np.ndarray:
    cat = counts["region_code"].array
    regions.extend(used_categories(cat))
    info = regions.info.reindex(cat.categories)
    return info["level"].to_numpy(dtype=object)[cat.codes]


def _up(frame: pd.DataFrame, regions: RegionTable, to: str) -> pd.DataFrame:
    c = frame["region_code"].array
    if to == "bund":
        labels = np.array(["DG"] * len(c.categories), dtype=object)
    else:
        labels = regions.info.reindex(c.categories)[to].to_numpy(dtype=object)
    return frame.assign(region_code=relabel(c, labels))


def _city_states(counts: pd.DataFrame, regions: RegionTable) -> pd.DataFrame:
    """Berlin and Hamburg: the Land row stands for the Kreis 11000/02000 and vice versa."""
    present = set(used_categories(counts["region_code"].array))
    extra = []
    for land, kreis in CITY_STATES.items():
        if land in present and kreis not in present:
            src, dst = land, kreis
        elif kreis in present and land not in present:
            src, dst = kreis, land
        else:
            continue
        rows = counts[(counts["region_code"] == src).to_numpy()]
        extra.append(rows.assign(region_code=as_category(pd.Series([dst] * len(rows)))))
    if not extra:
        return counts
    return concat_counts([counts, *extra])


def _check_parts(kreis: pd.DataFrame, gem: pd.DataFrame, regions: RegionTable, table: str) -> None:
    have = set(used_categories(kreis["region_code"].array))
    parts = _up(gem, regions, "kreis")
    units = pd.DataFrame({"unit": gem["region_code"].astype(str), "kreis": parts["region_code"]})
    lacking = units[~units["kreis"].astype(str).isin(have)].drop_duplicates()
    if lacking.empty:
        return
    listed = ", ".join(
        f"{k} (nur {', '.join(sorted(g['unit'])[:3])})"
        for k, g in list(lacking.groupby("kreis"))[:5]
    )
    raise DataError(
        f"Tabelle '{table}' enthält Kreiszeilen (z. B. {', '.join(sorted(have)[:3])}) und "
        f"8-stellige Einheiten, aber für Kreis {listed} fehlt die Kreiszeile. 8-stellige "
        "Einheiten (z. B. Hannover 03241001 in der Region Hannover) sind Teile eines Kreises "
        "und werden nie zu ihm addiert.",
        file=table,
        column="region_code",
        hint="Die Kreiszeile(n) aus der amtlichen Tabelle übernehmen (nicht als Summenzeile "
        "löschen); oder, wenn die Tabelle nur Gemeinden enthalten soll, alle 5-stelligen "
        "Kreiszeilen entfernen und jede Gemeinde des Kreises aufnehmen.",
    )


def _codes(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and labels of a region column (no string copy of a Categorical)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy().astype("int64")
        return codes, np.array([str(c) for c in col.cat.categories], dtype=object)
    return pd.factorize(col.astype(str).to_numpy())


def _complete_sums(
    all_kreis: pd.DataFrame,
    native: pd.DataFrame,
    regions: RegionTable,
    to: str,
    cols: list[str],
    pairs: Sequence[tuple[str, str]],
    kreise: KreisList | None,
    notes: list[dict] | None,
    table: str,
) -> pd.DataFrame:
    """Return sums of Kreise into ``to`` where complete and no native row exists."""
    if to == "bund" and kreise is None:
        return all_kreis.iloc[:0]
    up_all = _up(all_kreis, regions, to)
    mask = (up_all["region_code"] != "").to_numpy()
    up = up_all[mask]
    if len(up) == 0:
        return up
    have = (
        set(zip(native["region_code"].astype(str), native["year"], strict=True))
        if len(native)
        else set()
    )
    t_codes, t_uniq = _codes(up["region_code"])
    y_codes, y_uniq = pd.factorize(up["year"].to_numpy())
    k_codes, k_uniq = _codes(all_kreis["region_code"][mask])
    combo = (t_codes * len(y_uniq) + y_codes) * len(k_uniq) + k_codes
    space = len(t_uniq) * len(y_uniq) * len(k_uniq)
    if space <= 4 * len(combo) + 1_000_000:
        combo = np.flatnonzero(np.bincount(combo, minlength=space))
    else:
        combo = np.unique(combo)
    ty, k = np.divmod(combo, len(k_uniq))
    t_of, y_of = np.divmod(ty, len(y_uniq))
    present: dict[tuple[int, int], set[str]] = {}
    for ti, yi, ki in zip(t_of, y_of, k, strict=True):
        present.setdefault((int(ti), int(yi)), set()).add(str(k_uniq[ki]))
    allowed = np.zeros((len(t_uniq), len(y_uniq)), dtype=bool)
    for (ti, yi), got in present.items():
        t, y = str(t_uniq[ti]), int(y_uniq[yi])
        if (t, y) in have:
            continue
        need = None if kreise is None else kreise.expected(t, y)
        if to == "bund" and need is None:
            continue
        if need is None or need <= got:
            allowed[ti, yi] = True
        elif notes is not None and (to != "bund" or need & got):
            n_in = len(need & got)
            notes.append(
                {
                    "table": table,
                    "level": to,
                    "region_code": t,
                    "year": y,
                    "present": n_in,
                    "expected": len(need),
                    "text": f"{LEVEL_NAMES[to]}: nicht berechenbar, nur {n_in} von "
                    f"{len(need)} Kreisen in den Daten",
                }
            )
    keep = allowed[t_codes, y_codes]
    if not keep.any():
        return up.iloc[:0]
    return group_sum(up[keep], ["region_code", *cols], pairs)
