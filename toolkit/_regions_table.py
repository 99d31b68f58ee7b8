"""Building the ``regions.csv``-shaped table behind :class:`toolkit.regions.RegionHierarchy`.

Private module: :meth:`RegionHierarchy.from_codes` and :meth:`RegionHierarchy.from_frame`
call :func:`table_from_codes` and :func:`table_from_frame`.

Examples
--------
>>> table_from_codes(["17001"])["region_code"].tolist()
['17', '17001', 'DG']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from toolkit._agscodes import (
    _CITY_STATES,
    _HINT,
    LAND_NAMES,
    LEVELS,
    REGBEZ_NAMES,
    _guess_kreisfrei,
    level_of,
    normalize_code,
    parent_of,
)
from toolkit.errors import DataError, ParameterError

__all__ = ["FRAME_COLUMNS", "table_from_codes", "table_from_frame"]

FRAME_COLUMNS = ("region_code", "region_name", "level", "parent_code", "kreisfrei")


def _missing_ancestors(codes: list[str]) -> list[str]:
    """Return the structural ancestors of ``codes`` that are missing (without RBs)."""
    present = set(codes)
    missing: list[str] = []
    for code in codes:
        node = parent_of(code)
        while node is not None:
            if node not in present and level_of(node) != "regbez":
                present.add(node)
                missing.append(node)
            node = parent_of(node)
    return sorted(missing)


def table_from_codes(
    codes: Iterable[str],
    names: Mapping[str, str] | Sequence[str] | None = None,
    *,
    kreisfrei: Mapping[str, bool] | None = None,
) -> pd.DataFrame:
    """Return the region table for ``codes`` and all their ancestors (see ``from_codes``).

    Examples
    --------
    >>> table_from_codes(["09162000"], {"09162000": "München"})["region_name"].tolist()
    ['Bayern', 'Oberbayern, Regierungsbezirk', '09162', 'München', 'Deutschland']
    """
    raw = list(codes)
    if names is None:
        name_map: dict[str, str] = {}
    elif isinstance(names, Mapping):
        name_map = {normalize_code(str(k)): str(v) for k, v in names.items()}
    else:
        name_list = list(names)
        if len(name_list) != len(raw):
            raise ParameterError(
                f"'names' hat {len(name_list)} Einträge, 'codes' aber {len(raw)}.",
                hint="Namen als Zuordnung {Schlüssel: Name} oder in gleicher Länge übergeben.",
            )
        name_map = {normalize_code(c): str(n) for c, n in zip(raw, name_list, strict=True)}
    wanted: set[str] = set()
    for code in raw:
        node: str | None = normalize_code(code)
        while node is not None and node not in wanted:
            wanted.add(node)
            node = parent_of(node)
    gemeinden = {c for c in wanted if level_of(c) == "gemeinde"}
    with_gemeinden = {parent_of(g) for g in gemeinden}
    defaults = {"DG": "Deutschland", **LAND_NAMES, **REGBEZ_NAMES}
    rows = []
    for code in sorted(wanted):
        level = level_of(code)
        name = name_map.get(code, defaults.get(code, code))
        flag = False
        if level == "kreis":
            if kreisfrei is not None and code in kreisfrei:
                flag = bool(kreisfrei[code])
            elif code in _CITY_STATES:
                flag = True
            elif code in with_gemeinden:
                flag = f"{code}000" in gemeinden
            elif code in name_map:
                flag = _guess_kreisfrei(name)
        rows.append((code, name, level, parent_of(code) or "", flag))
    return pd.DataFrame(rows, columns=list(FRAME_COLUMNS))


def table_from_frame(
    regions: pd.DataFrame, *, file: str | None = None, complete: bool = False
) -> pd.DataFrame:
    """Return the checked region table for a ``regions.csv``-like frame (see ``from_frame``).

    Examples
    --------
    >>> df = pd.DataFrame({"region_code": ["DG", "17"], "region_name": ["D", "M"]})
    >>> table_from_frame(df)["parent_code"].tolist()
    ['', 'DG']
    """
    missing = [c for c in ("region_code", "region_name") if c not in regions.columns]
    if missing:
        raise DataError(
            f"Regionstabelle: Spalte(n) {', '.join(missing)} fehlen.",
            file=file,
            column=missing[0],
            hint="Benötigt werden region_code und region_name (siehe data_samples/README.md).",
        )
    codes = regions["region_code"].tolist()
    bad_rows: list[int] = []
    normed: list[str] = []
    for i, code in enumerate(codes, start=1):
        try:
            normed.append(normalize_code(code))
        except DataError:
            bad_rows.append(i)
            normed.append("")
    if bad_rows:
        raise DataError(
            "Regionstabelle: ungültige Regionalschlüssel "
            + ", ".join(repr(codes[r - 1]) for r in bad_rows[:5]),
            file=file,
            column="region_code",
            rows=bad_rows,
            hint=_HINT,
        )
    df = pd.DataFrame({"region_code": normed, "region_name": regions["region_name"].astype(str)})
    dup = df["region_code"].duplicated(keep=False)
    if dup.any():
        raise DataError(
            "Regionstabelle: Schlüssel mehrfach vorhanden: "
            + ", ".join(sorted(set(df.loc[dup, "region_code"]))[:5]),
            file=file,
            column="region_code",
            rows=[i + 1 for i in df.index[dup]],
            hint="Jede Region darf nur einmal vorkommen.",
        )
    df["level"] = [level_of(c) for c in normed]
    if "level" in regions.columns:
        given = regions["level"].astype(str).str.strip().to_numpy()
        wrong = [i + 1 for i, (g, d) in enumerate(zip(given, df["level"], strict=True)) if g != d]
        if wrong:
            raise DataError(
                "Regionstabelle: Ebene passt nicht zum Schlüssel.",
                file=file,
                column="level",
                rows=wrong,
                hint=f"Erlaubte Ebenen: {', '.join(LEVELS)}; sie folgen aus der Länge des Schlüssels.",
            )
    if complete:
        extra = _missing_ancestors(normed)
        normed = normed + extra
        regions = pd.concat([regions, pd.DataFrame({"region_code": extra})], ignore_index=True)
        df = pd.concat(
            [df, pd.DataFrame({"region_code": extra, "region_name": extra,
                               "level": [level_of(c) for c in extra]})],
            ignore_index=True,
        )  # fmt: skip
        defaults = {"DG": "Deutschland", **LAND_NAMES, **REGBEZ_NAMES}
        df["region_name"] = [
            defaults.get(c, c) if c in extra else n
            for c, n in zip(df["region_code"], df["region_name"], strict=True)
        ]
        gemeinden = {c for c in normed if level_of(c) == "gemeinde"}
        kreisfrei_extra = {c: f"{c}000" in gemeinden for c in extra if level_of(c) == "kreis"}
    present = set(normed)
    derived = []
    for code in normed:
        parent = parent_of(code)
        while parent is not None and parent not in present and level_of(parent) == "regbez":
            parent = parent_of(parent)
        derived.append(parent or "")
    df["parent_code"] = derived
    if "parent_code" in regions.columns:
        given = regions["parent_code"].fillna("").astype(str).str.strip().tolist()
        n_given = len(codes)  # rows added by ``complete`` have no parent_code to check
        wrong = [
            i + 1
            for i, (g, d) in enumerate(zip(given[:n_given], derived[:n_given], strict=True))
            if g != d
        ]
        if wrong:
            raise DataError(
                "Regionstabelle: übergeordnete Region passt nicht zum Schlüssel "
                f"(z. B. {normed[wrong[0] - 1]!r}: {given[wrong[0] - 1]!r} statt "
                f"{derived[wrong[0] - 1]!r}).",
                file=file,
                column="parent_code",
                rows=wrong,
                hint="parent_code leer lassen oder den Schlüssel der nächsthöheren Region eintragen.",
            )
    if "kreisfrei" in regions.columns:
        values = regions["kreisfrei"].map(
            lambda v: str(v).strip().lower() in {"true", "1", "ja", "wahr"}
        )
        df["kreisfrei"] = values.to_numpy(dtype=bool) & (df["level"] == "kreis").to_numpy()
    else:
        df["kreisfrei"] = [
            lv == "kreis" and _guess_kreisfrei(n)
            for lv, n in zip(df["level"], df["region_name"], strict=True)
        ]
    if complete:
        df["kreisfrei"] = [
            kreisfrei_extra.get(c, k)
            for c, k in zip(df["region_code"], df["kreisfrei"], strict=True)
        ]
    return df
