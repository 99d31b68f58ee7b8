"""The official list of Kreise, and which Kreise a Land, Regierungsbezirk or Germany needs.

Private module behind :mod:`toolkit.regions` (which re-exports its public names). The
list ships with the toolkit (``toolkit/data/kreise.csv``, source in
``toolkit/data/SOURCE.md``): 400 Kreise and kreisfreie Städte since 1 July 2021, 401
from 2016 to 2020 (Eisenach 16056). :func:`read_official_kreise` reads it, once per call;
nothing is cached in the module: whoever needs the list reads it once and passes the
:class:`OfficialKreise` on (:func:`toolkit.indicators.compute_all` does so for its
aggregation rules).

Examples
--------
>>> official = read_official_kreise()
>>> len(official.on(2023)), len(official.on(2019)), official.on(2023)["03251"]
(400, 401, 'Diepholz, Landkreis')
>>> kl = KreisList(official)
>>> len(kl.expected("03", 2023)), len(kl.expected("DG", 2023)), kl.expected("17", 2023)
(45, 400, None)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import pandas as pd

from toolkit._agscodes import parent_of
from toolkit.errors import DataError

__all__ = ["CITY_STATES", "REAL_LAENDER", "KreisList", "OfficialKreise", "read_official_kreise"]

#: Länder whose Kreise the official list knows (the fictional Musterland 17 is not one).
REAL_LAENDER = tuple(f"{i:02d}" for i in range(1, 17))
#: City states: the Land row is also the row of its only Kreis.
CITY_STATES = {"02": "02000", "11": "11000"}


@dataclass(frozen=True)
class OfficialKreise:
    """The official Kreise: code, name and the last year each existed (None: still exists).

    Examples
    --------
    >>> k = OfficialKreise((("16056", "Eisenach", 2020), ("16063", "Wartburgkreis", None)))
    >>> k.on(2020), k.on(2021), k.on()
    ({'16056': 'Eisenach', '16063': 'Wartburgkreis'}, {'16063': 'Wartburgkreis'}, {'16063': 'Wartburgkreis'})
    """

    rows: tuple[tuple[str, str, int | None], ...]

    def on(self, year: int | None = None) -> dict[str, str]:
        """Return the Kreise (code → name) that existed on 31 December of ``year``.

        Without ``year``: the current list. Before 2016 the list of 2016 stands in
        (older Kreis structures are not in it; see ``toolkit/data/SOURCE.md``).

        Examples
        --------
        >>> read_official_kreise().on(2019)["16056"]
        'Eisenach, krsfr. Stadt'
        """
        return {
            code: name
            for code, name, until in self.rows
            if until is None or (year is not None and year <= until)
        }

    @property
    def names(self) -> dict[str, str]:
        """Every Kreis that ever was on the list, code → name.

        Examples
        --------
        >>> len(read_official_kreise().names)
        401
        """
        return {code: name for code, name, _ in self.rows}


def read_official_kreise() -> OfficialKreise:
    """Read the official list of Kreise shipped with the toolkit.

    Returns
    -------
    OfficialKreise

    Raises
    ------
    DataError
        If the shipped file is damaged (a broken installation).

    Examples
    --------
    >>> len(read_official_kreise().rows)
    401
    """
    path = resources.files("toolkit").joinpath("data/kreise.csv")
    rows = []
    for line, row in enumerate(csv.DictReader(io.StringIO(path.read_text("utf-8"))), start=2):
        until = (row.get("until") or "").strip()
        code = (row.get("region_code") or "").strip()
        if len(code) != 5 or not code.isdigit() or not (until == "" or until.isdigit()):
            raise DataError(
                f"Die mitgelieferte Kreisliste ist beschädigt (Zeile {line}: {row}).",
                file=str(path),
                rows=[line],
                hint="Das Toolkit neu installieren.",
            )
        rows.append((code, row["region_name"], int(until) if until else None))
    return OfficialKreise(tuple(rows))


class KreisList:
    """The Kreise each Land, Regierungsbezirk and Germany needs, per year.

    Parameters
    ----------
    official : OfficialKreise
        The official list (:func:`read_official_kreise`).
    regions : DataFrame, optional
        The dataset's ``regions`` table; its Kreis rows are the list for
        Länder the official list does not know (Musterland ``17``).

    Examples
    --------
    >>> sorted(KreisList(read_official_kreise()).expected("11", 2023))
    ['11000']
    """

    def __init__(self, official: OfficialKreise, regions: pd.DataFrame | None = None) -> None:
        self._official = [(code, until) for code, _, until in official.rows]
        self.names = official.names
        own: dict[str, set[str]] = {}
        if regions is not None and len(regions) and "region_code" in regions.columns:
            codes = regions["region_code"].astype("str").str.strip()
            for code in codes[codes.str.fullmatch(r"\d{5}")]:
                if code[:2] not in REAL_LAENDER:
                    own.setdefault(code[:2], set()).add(code)
        self._own = own
        #: What the answers depend on (for stores of results computed with this list).
        self.key = (official, tuple(sorted((land, tuple(sorted(k))) for land, k in own.items())))

    def _kreise(self, year: int) -> list[str]:
        # before 2016 the current structure is the reference: old structures count as incomplete
        return [c for c, until in self._official if until is None or year <= until]

    def expected(self, code: str, year: int) -> frozenset[str] | None:
        """Return the Kreise of a Land, Regierungsbezirk or ``DG``; None if unknown.

        Examples
        --------
        >>> len(KreisList(read_official_kreise()).expected("091", 2023))
        23
        """
        if code == "DG":
            return frozenset(self._kreise(year))
        land = code[:2]
        if land in self._own:
            kreise: Iterable[str] = self._own[land]
        elif land in REAL_LAENDER:
            kreise = self._kreise(year)
        else:
            return None
        if len(code) == 2:
            return frozenset(k for k in kreise if k[:2] == land)
        return frozenset(k for k in kreise if parent_of(k) == code)
