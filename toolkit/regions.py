"""The German region hierarchy built on the Amtlicher Gemeindeschlüssel (AGS).

Levels, from the top: Bund (``DG``) > Land (2 digits) > Regierungsbezirk (3 digits,
only where the third digit is not ``0``) > Kreis (5 digits) > Gemeinde (8-digit AGS)
> Sozialraum (``<AGS8>-<id>``, defined by the municipality). The code rules
(:func:`normalize_code`, :func:`level_of`, :func:`parent_of`, :func:`ags_from_rs`) are
explained in :mod:`toolkit._agscodes`; :class:`RegionHierarchy` is the tree built from
a ``regions.csv`` table or from any list of codes, such as those of a GENESIS export.
Official Kreis list: :func:`read_official_kreise`, :class:`KreisList` (:mod:`toolkit._kreise`).

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
    LAND_NAMES,
    LEVELS,
    REGBEZ_NAMES,
    ags_from_rs,
    level_of,
    normalize_code,
    parent_of,
)
from toolkit._kreise import KreisList, OfficialKreise, read_official_kreise
from toolkit._regions_table import FRAME_COLUMNS, table_from_codes, table_from_frame
from toolkit.errors import DataError, ParameterError

__all__ = [
    "LAND_NAMES",
    "LEVELS",
    "REGBEZ_NAMES",
    "KreisList",
    "OfficialKreise",
    "RegionHierarchy",
    "ags_from_rs",
    "level_of",
    "normalize_code",
    "parent_of",
    "read_official_kreise",
]


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
        df = frame.loc[:, list(FRAME_COLUMNS)].copy()
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
        return cls(table_from_codes(codes, names, kreisfrei=kreisfrei))

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
            df = df[df["region_code"].isin(df.loc[filled, "region_code"].unique())]
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
        return cls(table_from_frame(regions, file=file, complete=complete))

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
