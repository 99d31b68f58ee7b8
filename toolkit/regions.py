"""The German region hierarchy built on the Amtlicher Gemeindeschlüssel (AGS).

Levels, from the top: Bund (``DG``) > Land (2 digits) > Regierungsbezirk (3 digits,
only where the third digit is not ``0``) > Kreis (5 digits) > Gemeinde (8-digit AGS)
> Sozialraum (``<AGS8>-<id>``, defined by the municipality).

A 12-digit Regionalschlüssel (Land, RB, Kreis, 4-digit Gemeindeverband, Gemeinde)
is accepted wherever a Gemeinde code is; :func:`normalize_code` turns it into the
AGS, which is ``RS[0:5] + RS[9:12]``.

Codes are always strings. A code that lost its leading zero (``8111`` instead of
``08111``) is rejected rather than guessed.

Notes
-----
Two conventions of the Regionalstatistik are built in: the Berlin districts carry
pseudo-AGS ``110XX0XX`` whose Kreis part is not a Kreis, so their parent is Berlin
(``11000``); and the Regierungsbezirk digit is kept in the codes of Länder that
abolished their Regierungsbezirke (Niedersachsen, Rheinland-Pfalz, Sachsen), so
those codes form *statistische Regionen* at the ``regbez`` level.

References
----------
Statistisches Bundesamt, Gemeindeverzeichnis-Informationssystem GV-ISys:
Erläuterungen zum Amtlichen Gemeindeschlüssel und zum Regionalschlüssel.

Examples
--------
>>> level_of("09162000")
'gemeinde'
>>> parent_of("09162")
'091'
>>> normalize_code("091620000000")
'09162000'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

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

#: Levels from the top of the hierarchy to the bottom.
LEVELS: tuple[str, ...] = ("bund", "land", "regbez", "kreis", "gemeinde", "sozialraum")

#: Names of the Länder; ``17`` is the fictional sample Land.
LAND_NAMES: dict[str, str] = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
    "17": "Musterland (fiktiv)",
}

#: Names of the Regierungsbezirke and statistical regions that appear in AGS codes.
REGBEZ_NAMES: dict[str, str] = {
    "031": "Braunschweig (Statistische Region)",
    "032": "Hannover (Statistische Region)",
    "033": "Lüneburg (Statistische Region)",
    "034": "Weser-Ems (Statistische Region)",
    "051": "Düsseldorf, Regierungsbezirk",
    "053": "Köln, Regierungsbezirk",
    "055": "Münster, Regierungsbezirk",
    "057": "Detmold, Regierungsbezirk",
    "059": "Arnsberg, Regierungsbezirk",
    "064": "Darmstadt, Regierungsbezirk",
    "065": "Gießen, Regierungsbezirk",
    "066": "Kassel, Regierungsbezirk",
    "071": "Koblenz (ehem. Regierungsbezirk)",
    "072": "Trier (ehem. Regierungsbezirk)",
    "073": "Rheinhessen-Pfalz (ehem. Regierungsbezirk)",
    "081": "Stuttgart, Regierungsbezirk",
    "082": "Karlsruhe, Regierungsbezirk",
    "083": "Freiburg, Regierungsbezirk",
    "084": "Tübingen, Regierungsbezirk",
    "091": "Oberbayern, Regierungsbezirk",
    "092": "Niederbayern, Regierungsbezirk",
    "093": "Oberpfalz, Regierungsbezirk",
    "094": "Oberfranken, Regierungsbezirk",
    "095": "Mittelfranken, Regierungsbezirk",
    "096": "Unterfranken, Regierungsbezirk",
    "097": "Schwaben, Regierungsbezirk",
    "145": "Chemnitz (ehem. Direktionsbezirk)",
    "146": "Dresden (ehem. Direktionsbezirk)",
    "147": "Leipzig (ehem. Direktionsbezirk)",
    "151": "Dessau (ehem. Regierungsbezirk)",
    "152": "Halle (ehem. Regierungsbezirk)",
    "153": "Magdeburg (ehem. Regierungsbezirk)",
}

_CITY_STATES = frozenset({"02000", "11000"})
_LEVEL_BY_LENGTH = {2: "land", 3: "regbez", 5: "kreis", 8: "gemeinde", 12: "gemeinde"}
_SOZIALRAUM = re.compile(r"^(\d{8})-([A-Za-z0-9_]{1,30})$")
_FRAME_COLUMNS = ("region_code", "region_name", "level", "parent_code", "kreisfrei")
_HINT = (
    "Regionalschlüssel als Text einlesen (dtype=str), damit führende Nullen erhalten "
    "bleiben: 'DG', Land '09', Kreis '09162', Gemeinde '09162000', Sozialraum "
    "'09162000-SR01'."
)


def _bad(code: object, why: str) -> DataError:
    return DataError(f"Ungültiger Regionalschlüssel {code!r}: {why}.", hint=_HINT)


def normalize_code(code: str) -> str:
    """Return a region code in canonical form, or raise :class:`DataError`.

    Whitespace is stripped, ``dg`` becomes ``DG`` and a 12-digit Regionalschlüssel
    becomes the 8-digit AGS. Leading zeros are never added: a code that lost them
    is an error, because guessing could attach data to the wrong region.

    Parameters
    ----------
    code : str
        ``DG``, a Land (2 digits), Regierungsbezirk (3), Kreis (5), Gemeinde (8-digit
        AGS or 12-digit Regionalschlüssel) or Sozialraum (``<AGS8>-<id>``) code.

    Returns
    -------
    str
        The canonical code.

    Raises
    ------
    DataError
        If the code is not a string or not a well-formed code.

    Examples
    --------
    >>> normalize_code(" 09162 ")
    '09162'
    >>> normalize_code("17001000-SR03")
    '17001000-SR03'
    >>> normalize_code("8111")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: Ungültiger Regionalschlüssel '8111': ...
    """
    if not isinstance(code, str):
        raise _bad(code, f"erwartet wird Text, nicht {type(code).__name__}")
    text = code.strip()
    if text.upper() == "DG":
        return "DG"
    match = _SOZIALRAUM.match(text)
    if match:
        normalize_code(match.group(1))
        return text
    if not text.isascii() or not text.isdigit():
        raise _bad(code, "nur Ziffern, 'DG' oder '<AGS8>-<id>' sind erlaubt")
    if len(text) not in _LEVEL_BY_LENGTH:
        raise _bad(
            code,
            f"{len(text)} Ziffern; erlaubt sind 2 (Land), 3 (Regierungsbezirk), "
            "5 (Kreis), 8 (AGS) oder 12 (Regionalschlüssel) — fehlt eine führende Null?",
        )
    if text[:2] not in LAND_NAMES:
        raise _bad(code, f"Landesteil '{text[:2]}' ist kein Land (01 bis 16, 17 = Musterland)")
    if len(text) == 3 and text[2] == "0":
        raise _bad(code, "Regierungsbezirk '0' bedeutet 'kein Regierungsbezirk'")
    if len(text) == 12:
        return ags_from_rs(text)
    return text


def ags_from_rs(rs: str) -> str:
    """Return the 8-digit AGS of a 12-digit Regionalschlüssel.

    Parameters
    ----------
    rs : str
        Regionalschlüssel: Land (2), Regierungsbezirk (1), Kreis (2),
        Gemeindeverband (4), Gemeinde (3).

    Returns
    -------
    str
        ``rs[0:5] + rs[9:12]``.

    Raises
    ------
    DataError
        If ``rs`` is not 12 digits.

    Examples
    --------
    >>> ags_from_rs("081110000000")
    '08111000'
    >>> ags_from_rs("091805115113")
    '09180113'
    """
    text = rs.strip() if isinstance(rs, str) else rs
    if not isinstance(text, str) or len(text) != 12 or not text.isdigit():
        raise _bad(rs, "ein Regionalschlüssel hat genau 12 Ziffern")
    return text[0:5] + text[9:12]


def level_of(code: str) -> str:
    """Return the level of a region code.

    Parameters
    ----------
    code : str
        Any code accepted by :func:`normalize_code`.

    Returns
    -------
    str
        One of ``bund``, ``land``, ``regbez``, ``kreis``, ``gemeinde``, ``sozialraum``.

    Examples
    --------
    >>> [level_of(c) for c in ["DG", "09", "091", "09162", "09162000", "17001000-SR1"]]
    ['bund', 'land', 'regbez', 'kreis', 'gemeinde', 'sozialraum']
    """
    norm = normalize_code(code)
    if norm == "DG":
        return "bund"
    if "-" in norm:
        return "sozialraum"
    return _LEVEL_BY_LENGTH[len(norm)]


def parent_of(code: str) -> str | None:
    """Return the parent code implied by the structure of a code.

    A Kreis belongs to its Regierungsbezirk where the third digit is not ``0`` and to
    its Land otherwise; a Gemeinde to its Kreis; a Sozialraum to its Gemeinde.

    Parameters
    ----------
    code : str
        Any code accepted by :func:`normalize_code`.

    Returns
    -------
    str or None
        The parent code, ``None`` for ``DG``.

    Examples
    --------
    >>> [parent_of(c) for c in ["DG", "05", "051", "05111", "05111000", "05111000-A"]]
    [None, 'DG', '05', '051', '05111', '05111000']
    >>> parent_of("12072")
    '12'
    >>> parent_of("11003003")  # Berlin district
    '11000'
    """
    norm = normalize_code(code)
    level = level_of(norm)
    if level == "bund":
        return None
    if level == "land":
        return "DG"
    if level == "regbez":
        return norm[:2]
    if level == "kreis":
        return norm[:3] if norm[2] != "0" else norm[:2]
    if level == "gemeinde":
        if norm[:2] == "11" and norm[2:5] != "000":
            return "11000"
        return norm[:5]
    return norm.split("-", 1)[0]


def _guess_kreisfrei(name: str) -> bool:
    lowered = name.lower()
    if "kreisfrei" in lowered or "stadtkreis" in lowered:
        return True
    if "kreis" in lowered or "regionalverband" in lowered or lowered.startswith("region "):
        return False
    return "stadt" in lowered


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
    def from_frame(cls, regions: pd.DataFrame, *, file: str | None = None) -> RegionHierarchy:
        """Build the hierarchy from a table shaped like ``regions.csv``.

        Parameters
        ----------
        regions : pandas.DataFrame
            Columns ``region_code`` and ``region_name``; ``level``, ``parent_code``
            and ``kreisfrei`` are derived from the codes when absent and checked
            when present.
        file : str, optional
            File name to mention in error messages.

        Returns
        -------
        RegionHierarchy

        Raises
        ------
        DataError
            If columns are missing, codes are malformed or duplicated, a level or
            parent disagrees with the code, or a parent is missing.

        Examples
        --------
        >>> df = pd.DataFrame({"region_code": ["DG", "17", "17001", "17001000"],
        ...                    "region_name": ["Deutschland", "Musterland", "Musterstadt", "Musterstadt"]})
        >>> RegionHierarchy.from_frame(df).descendants("17")
        ['17001', '17001000']
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
        bad_rows = []
        normed = []
        for i, code in enumerate(codes, start=1):
            try:
                normed.append(normalize_code(code))
            except DataError:
                bad_rows.append(i)
                normed.append(None)
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
            wrong = [i + 1 for i, (g, d) in enumerate(zip(given, derived, strict=True)) if g != d]
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
