"""The German region hierarchy built on the Amtlicher Gemeindeschlüssel (AGS).

Levels, from the top: Bund (``DG``) > Land (2 digits) > Regierungsbezirk (3 digits,
only where the third digit is not ``0``) > Kreis (5 digits) > Gemeinde (8-digit AGS)
> Sozialraum (``<AGS8>-<id>``, defined by the municipality). The code rules
(:func:`normalize_code`, :func:`level_of`, :func:`parent_of`, :func:`ags_from_rs`) are
explained in :mod:`toolkit._agscodes`; :class:`RegionHierarchy` is the tree built from
a ``regions.csv`` table or from any list of codes, such as those of a GENESIS export.

Examples
--------
>>> level_of("09162000")
'gemeinde'
>>> h = RegionHierarchy.from_codes(["09162000"])
>>> h.ancestor("09162000", "regbez")
'091'
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
    ags_from_rs,
    level_of,
    normalize_code,
    parent_of,
)
from toolkit.errors import DataError, ParameterError

__all__ = [
    "LAND_NAMES",
    "LEVELS",
    "REGBEZ_NAMES",
    "RegionHierarchy",
    "ags_from_rs",
    "level_of",
    "normalize_code",
    "parent_of",
]

_FRAME_COLUMNS = ("region_code", "region_name", "level", "parent_code", "kreisfrei")


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


class RegionHierarchy:
    """A validated tree of regions (Bund > Land > [RB] > Kreis > Gemeinde > Sozialraum).

    Build it with :meth:`from_frame` (a table like ``regions.csv``) or
    :meth:`from_codes` (any list of codes, e.g. the regions of a GENESIS export).

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``region_code, region_name, level, parent_code, kreisfrei``.
    validate : bool, default True
        Check the tree on construction (see :meth:`validate`).

    Examples
    --------
    >>> h = RegionHierarchy.from_codes(["09162000", "09184112"])
    >>> h.children("091")
    ['09162', '09184']
    >>> h.ancestor("09184112", "land")
    '09'
    """

    def __init__(self, frame: pd.DataFrame, *, validate: bool = True) -> None:
        df = frame.loc[:, list(_FRAME_COLUMNS)].copy()
        order = df["level"].map({lv: i for i, lv in enumerate(LEVELS)})
        df = df.assign(_o=order).sort_values(["_o", "region_code"], kind="stable")
        self._frame = df.drop(columns="_o").reset_index(drop=True)
        self._level = dict(zip(self._frame["region_code"], self._frame["level"], strict=True))
        self._name = dict(zip(self._frame["region_code"], self._frame["region_name"], strict=True))
        self._parent: dict[str, str | None] = {
            c: (p or None)
            for c, p in zip(self._frame["region_code"], self._frame["parent_code"], strict=True)
        }
        self._children: dict[str, list[str]] = {c: [] for c in self._level}
        for child, parent in self._parent.items():
            if parent in self._children:
                self._children[parent].append(child)
        if validate:
            self.validate()

    # ------------------------------------------------------------------ builders
    @classmethod
    def from_codes(
        cls,
        codes: Iterable[str],
        names: Mapping[str, str] | Sequence[str] | None = None,
        *,
        kreisfrei: Mapping[str, bool] | None = None,
    ) -> RegionHierarchy:
        """Build the hierarchy from region codes, adding every implied ancestor.

        Parameters
        ----------
        codes : iterable of str
            Region codes (duplicates are ignored; 12-digit keys become AGS).
        names : mapping or sequence of str, optional
            Names by code, or a sequence aligned with ``codes``. Länder and
            Regierungsbezirke without a name get their official name, other regions
            without a name get their code.
        kreisfrei : mapping of str to bool, optional
            Kreisfrei flags by Kreis code. Otherwise a Kreis counts as kreisfrei when
            a Gemeinde ``KKKKK000`` is among the codes, or when its name says so
            (``kreisfreie Stadt``, ``Stadtkreis``, a ``Stadt`` that is not a ``Kreis``).

        Returns
        -------
        RegionHierarchy

        Raises
        ------
        DataError
            If a code is malformed.

        Examples
        --------
        >>> h = RegionHierarchy.from_codes(["05111", "05158"], ["Düsseldorf, kreisfreie Stadt", "Mettmann, Kreis"])
        >>> h.codes("kreis"), h.name("051")
        (['05111', '05158'], 'Düsseldorf, Regierungsbezirk')
        >>> h.frame.set_index("region_code").loc["05111", "kreisfrei"]
        np.True_
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
        for code in wanted:
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
        return cls(pd.DataFrame(rows, columns=list(_FRAME_COLUMNS)))

    @classmethod
    def from_genesis(cls, frame: pd.DataFrame, *, drop_empty: bool = True) -> RegionHierarchy:
        """Build the hierarchy from the regions of a GENESIS export (``read_genesis`` output).

        Parameters
        ----------
        frame : pandas.DataFrame
            Output of :func:`toolkit.io.read_genesis`: columns ``region_code``,
            ``region_name`` and ``value``.
        drop_empty : bool, default True
            Leave out regions whose every value is missing or the symbol ``-``
            ("nothing there"; without a ``flag`` column: 0). Regionalstatistik exports
            list former Kreise (e.g. before a Kreisreform) with ``-`` only.

        Returns
        -------
        RegionHierarchy
            With the implied Länder, Regierungsbezirke and ``DG`` added.

        Raises
        ------
        DataError
            If a column is missing or a code is malformed.

        Examples
        --------
        >>> df = pd.DataFrame({"region_code": ["09162", "03152"],
        ...                    "region_name": ["München, kreisfreie Stadt", "Göttingen (alt)"],
        ...                    "value": [1_510_378.0, 0.0]})
        >>> RegionHierarchy.from_genesis(df).codes("kreis")
        ['09162']
        """
        missing = [c for c in ("region_code", "region_name", "value") if c not in frame.columns]
        if missing:
            raise DataError(
                f"GENESIS-Tabelle: Spalte(n) {', '.join(missing)} fehlen.",
                column=missing[0],
                hint="Die Tabelle mit toolkit.io.read_genesis einlesen.",
            )
        df = frame[["region_code", "region_name", "value"]]
        keep = frame["region_code"].notna() & (frame["region_code"] != "")
        if "flag" in frame.columns:
            filled = frame["value"].notna() & (frame["flag"].fillna("") != "-")
        else:
            filled = frame["value"].notna() & (frame["value"] != 0)
        df, filled = df[keep], filled[keep]
        if drop_empty:
            df = df[df["region_code"].isin(set(df.loc[filled, "region_code"]))]
        names = df.drop_duplicates("region_code").set_index("region_code")["region_name"]
        return cls.from_codes(names.index.tolist(), names.astype(str).to_dict())

    @classmethod
    def from_frame(
        cls, regions: pd.DataFrame, *, file: str | None = None, complete: bool = False
    ) -> RegionHierarchy:
        """Build the hierarchy from a table shaped like ``regions.csv``.

        Parameters
        ----------
        regions : pandas.DataFrame
            Columns ``region_code`` and ``region_name``; ``level``, ``parent_code``
            and ``kreisfrei`` are derived from the codes when absent and checked
            when present.
        file : str, optional
            File name to mention in error messages.
        complete : bool, default False
            Add missing ancestors (``DG``, Länder with their official names, Kreise
            named by their code) instead of failing, e.g. for a municipality's table
            that lists only its own Kreis and Gemeinden.

        Returns
        -------
        RegionHierarchy

        Raises
        ------
        DataError
            If columns are missing, codes are malformed or duplicated, a level or
            parent disagrees with the code, or (unless ``complete``) a parent is
            missing.

        Examples
        --------
        >>> df = pd.DataFrame({"region_code": ["DG", "17", "17001", "17001000"],
        ...                    "region_name": ["Deutschland", "Musterland", "Musterstadt", "Musterstadt"]})
        >>> RegionHierarchy.from_frame(df).descendants("17")
        ['17001', '17001000']
        >>> RegionHierarchy.from_frame(df.iloc[3:], complete=True).codes()
        ['DG', '17', '17001', '17001000']
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
        df = pd.DataFrame(
            {"region_code": normed, "region_name": regions["region_name"].astype(str)}
        )
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
            wrong = [
                i + 1 for i, (g, d) in enumerate(zip(given, df["level"], strict=True)) if g != d
            ]
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
        return cls(df)

    # ------------------------------------------------------------------ queries
    def _check(self, code: str) -> str:
        norm = normalize_code(code)
        if norm not in self._level:
            raise DataError(
                f"Region {norm!r} ist in der Regionshierarchie nicht enthalten.",
                column="region_code",
                hint="Schlüssel prüfen oder die Region in regions.csv ergänzen.",
            )
        return norm

    @staticmethod
    def _check_level(level: str) -> str:
        if level not in LEVELS:
            raise ParameterError(
                f"Unbekannte Ebene {level!r}.", hint=f"Erlaubt: {', '.join(LEVELS)}."
            )
        return level

    def __contains__(self, code: object) -> bool:
        try:
            return normalize_code(code) in self._level  # type: ignore[arg-type]
        except DataError:
            return False

    def __len__(self) -> int:
        return len(self._level)

    def __repr__(self) -> str:
        counts = self._frame["level"].value_counts()
        parts = ", ".join(f"{lv}={counts[lv]}" for lv in LEVELS if lv in counts)
        return f"RegionHierarchy({parts})"

    @property
    def frame(self) -> pd.DataFrame:
        """The regions as a table like ``regions.csv`` (a copy).

        Examples
        --------
        >>> list(RegionHierarchy.from_codes(["17"]).frame["region_code"])
        ['DG', '17']
        """
        return self._frame.copy()

    def level(self, code: str) -> str:
        """Return the level of a region in the hierarchy.

        Examples
        --------
        >>> RegionHierarchy.from_codes(["17001"]).level("17001")
        'kreis'
        """
        return self._level[self._check(code)]

    def name(self, code: str) -> str:
        """Return the name of a region.

        Examples
        --------
        >>> RegionHierarchy.from_codes(["09"]).name("09")
        'Bayern'
        """
        return self._name[self._check(code)]

    def parent(self, code: str) -> str | None:
        """Return the parent of a region (``None`` for the root).

        Examples
        --------
        >>> RegionHierarchy.from_codes(["17001000"]).parent("17001000")
        '17001'
        """
        return self._parent[self._check(code)]

    def children(self, code: str) -> list[str]:
        """Return the direct children of a region, sorted.

        Examples
        --------
        >>> RegionHierarchy.from_codes(["17001", "17002"]).children("17")
        ['17001', '17002']
        """
        return sorted(self._children[self._check(code)])

    def descendants(self, code: str, level: str | None = None) -> list[str]:
        """Return all regions below ``code`` (optionally only one level), sorted.

        Examples
        --------
        >>> h = RegionHierarchy.from_codes(["17001000", "17002001"])
        >>> h.descendants("17", level="gemeinde")
        ['17001000', '17002001']
        """
        if level is not None:
            self._check_level(level)
        stack = list(self._children[self._check(code)])
        found = []
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(self._children[node])
        return sorted(c for c in found if level is None or self._level[c] == level)

    def ancestor(self, code: str, level: str) -> str | None:
        """Return the region at ``level`` above (or equal to) ``code``.

        Returns ``None`` when the path has no region at that level, e.g. the
        Regierungsbezirk of a Kreis in a Land without Regierungsbezirke.

        Examples
        --------
        >>> h = RegionHierarchy.from_codes(["09162000", "12072001"])
        >>> h.ancestor("09162000", "regbez"), h.ancestor("12072001", "regbez")
        ('091', None)
        """
        self._check_level(level)
        node: str | None = self._check(code)
        while node is not None:
            if self._level[node] == level:
                return node
            node = self._parent[node]
        return None

    def codes(self, level: str | None = None) -> list[str]:
        """Return all codes (optionally of one level) in hierarchy order.

        Examples
        --------
        >>> RegionHierarchy.from_codes(["17001"]).codes()
        ['DG', '17', '17001']
        """
        if level is None:
            return self._frame["region_code"].tolist()
        self._check_level(level)
        return self._frame.loc[self._frame["level"] == level, "region_code"].tolist()

    def validate(self) -> RegionHierarchy:
        """Check the tree and return it; raise :class:`DataError` on the first kind of problem.

        Checks: codes well-formed and unique, level matches the code, every parent
        exists and is a structural ancestor one or more levels up (only a missing
        Regierungsbezirk may be skipped), exactly one root ``DG``.

        Examples
        --------
        >>> RegionHierarchy.from_codes(["17001"]).validate()
        RegionHierarchy(bund=1, land=1, kreis=1)
        """
        df = self._frame
        problems: list[tuple[str, str]] = []
        for code, level, parent in zip(
            df["region_code"], df["level"], df["parent_code"], strict=True
        ):
            if level_of(code) != level:
                problems.append((code, f"Ebene {level!r} passt nicht"))
            expected = parent_of(code)
            if expected is not None and expected not in self._level:
                if level_of(expected) == "regbez":
                    expected = parent_of(expected)
            if (parent or None) != expected:
                problems.append((code, f"übergeordnet {parent!r}, erwartet {expected!r}"))
            elif expected is not None and expected not in self._level:
                problems.append((code, f"übergeordnete Region {expected!r} fehlt"))
        if "DG" not in self._level:
            problems.append(("DG", "Wurzel 'DG' (Deutschland) fehlt"))
        if len(self._level) != len(df):
            problems.append(("", "Schlüssel mehrfach vorhanden"))
        if problems:
            raise DataError(
                f"Regionshierarchie ungültig ({len(problems)} Probleme): "
                + "; ".join(f"{c}: {m}" for c, m in problems[:10]),
                column="region_code",
                hint="Fehlende Länder/Kreise ergänzen oder RegionHierarchy.from_codes verwenden.",
            )
        return self
