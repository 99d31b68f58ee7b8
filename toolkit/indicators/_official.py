"""Which Kreise make up a Land, Regierungsbezirk or Germany (private).

A higher level is computed from Kreise only when all of them are present.
The official list of Kreise ships with the toolkit (``data/kreise.csv``,
see ``data/SOURCE.md``); for regions outside Germany's Länder 01..16 (the
fictional Musterland ``17``) the dataset's ``regions`` table is the list.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from importlib import resources

import pandas as pd

from toolkit.regions import parent_of

__all__ = ["KreisList", "official_kreise"]

#: Länder whose Kreise the official list knows.
REAL_LAENDER = tuple(f"{i:02d}" for i in range(1, 17))
#: City states: the Land row is also the row of its only Kreis.
CITY_STATES = {"02": "02000", "11": "11000"}


def _rows() -> list[tuple[str, str, int | None]]:
    text = resources.files("toolkit.indicators").joinpath("data/kreise.csv").read_text("utf-8")
    out = []
    for row in csv.DictReader(io.StringIO(text)):
        until = row["until"].strip()
        out.append((row["region_code"], row["region_name"], int(until) if until else None))
    return out


def official_kreise(year: int | None = None) -> dict[str, str]:
    """Return the official Kreise (code → name) that existed on 31 December of ``year``.

    Parameters
    ----------
    year : int, optional
        Reference year; by default the current list (400 Kreise).

    Returns
    -------
    dict of str to str

    Examples
    --------
    >>> len(official_kreise()), len(official_kreise(2019)), official_kreise()["03251"]
    (400, 401, 'Diepholz, Landkreis')
    """
    return {
        code: name
        for code, name, until in _rows()
        if until is None or (year is not None and year <= until)
    }


class KreisList:
    """The Kreise each Land, Regierungsbezirk and Germany needs, per year.

    Parameters
    ----------
    regions : DataFrame, optional
        The dataset's ``regions`` table; its Kreis rows are the list for
        Länder the official list does not know (Musterland ``17``).

    Examples
    --------
    >>> kl = KreisList()
    >>> len(kl.expected("03", 2023)), len(kl.expected("DG", 2023))
    (45, 400)
    >>> kl.expected("17", 2023) is None
    True
    """

    def __init__(self, regions: pd.DataFrame | None = None) -> None:
        rows = _rows()
        self._official = [(code, until) for code, _, until in rows]
        self.names = {code: name for code, name, _ in rows}
        own: dict[str, set[str]] = {}
        if regions is not None and len(regions) and "region_code" in regions.columns:
            codes = regions["region_code"].astype("str").str.strip()
            for code in codes[codes.str.fullmatch(r"\d{5}")]:
                if code[:2] not in REAL_LAENDER:
                    own.setdefault(code[:2], set()).add(code)
        self._own = own

    def _kreise(self, year: int) -> list[str]:
        # before 2016 the current structure is the reference: old structures count as incomplete
        return [c for c, until in self._official if until is None or year <= until]

    def expected(self, code: str, year: int) -> frozenset[str] | None:
        """Return the Kreise of a Land, Regierungsbezirk or ``DG``; None if unknown.

        Examples
        --------
        >>> sorted(KreisList().expected("11", 2023))
        ['11000']
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
