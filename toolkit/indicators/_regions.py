"""Region facts the indicator engine needs: level, Kreis, Land and names.

Private helper. Levels and parents come from :mod:`toolkit.regions`; this
module only applies them once per distinct code of a table (a few thousand)
and looks up names.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd

from toolkit.regions import LAND_NAMES, REGBEZ_NAMES
from toolkit.regions import level_of as _level_of
from toolkit.regions import normalize_code as _normalize_code
from toolkit.regions import parent_of as _parent_of

# The same few thousand codes come back in every table: remember the answers.
level_of = lru_cache(maxsize=1 << 17)(_level_of)
parent_of = lru_cache(maxsize=1 << 17)(_parent_of)
normalize_code = lru_cache(maxsize=1 << 17)(_normalize_code)


@lru_cache(maxsize=1 << 17)
def _facts(code: str) -> tuple[str, str, str, str, str]:
    """Level, Gemeinde, Kreis, Regierungsbezirk and Land of one code (remembered)."""
    level = level_of(code)
    gem = gemeinde_of(code) if level in ("gemeinde", "sozialraum") else ""
    kreis = parent_of(gem) if gem else (code if level == "kreis" else "")
    above = parent_of(kreis) if kreis else ""
    regbez = above if above and level_of(above) == "regbez" else ""
    land = "" if level == "bund" else code[:2]
    return (level, gem, kreis, regbez, land)


def gemeinde_of(code: str) -> str:
    """Return the Gemeinde (8-digit AGS) of a normalised Gemeinde or Sozialraum code.

    Examples
    --------
    >>> gemeinde_of("17001000-SR03"), gemeinde_of("17001000")
    ('17001000', '17001000')
    """
    return code.split("-", 1)[0]


class RegionTable:
    """Level, Kreis, Land and name of each distinct region code.

    Parameters
    ----------
    codes : iterable of str
        Region codes seen in the data.
    names : dict, optional
        Code → name; codes without a name get their code as name.

    Examples
    --------
    >>> rt = RegionTable(["17001000", "17002004"], names={"17": "Musterland"})
    >>> rt.info.loc["17002004", ["level", "kreis", "land"]].tolist()
    ['gemeinde', '17002', '17']
    >>> rt.name("17")
    'Musterland'
    """

    def __init__(
        self,
        codes: Iterable[str],
        names: dict[str, str] | None = None,
    ) -> None:
        self.names = {**LAND_NAMES, **REGBEZ_NAMES, **(names or {})}
        self._lock = threading.Lock()
        self.info = self._build(pd.Index(pd.unique(pd.Series(list(codes), dtype="str"))))

    def _build(self, codes: pd.Index) -> pd.DataFrame:
        codes = pd.Index(codes, dtype=object)
        rows = [_facts(code) for code in codes]
        return pd.DataFrame(
            rows, index=codes, columns=["level", "gemeinde", "kreis", "regbez", "land"]
        )

    def extend(self, codes: Iterable[str]) -> None:
        """Add codes that are not known yet (e.g. aggregated Kreise).

        Examples
        --------
        >>> rt = RegionTable(["17001000"])
        >>> rt.extend(["17001", "17"])
        >>> sorted(rt.info.index)
        ['17', '17001', '17001000']
        """
        idx = codes if isinstance(codes, pd.Index) else pd.Index(list(codes))
        idx = pd.Index(idx.astype(object), dtype=object).unique()
        with self._lock:  # steps may run in two threads; no code may get lost
            new = idx[~idx.isin(self.info.index)]
            if len(new):
                self.info = pd.concat([self.info, self._build(pd.Index([str(c) for c in new]))])

    def name(self, code: str) -> str:
        """Return the name of ``code`` (the code itself if unknown).

        Examples
        --------
        >>> RegionTable([]).name("DG")
        'Deutschland'
        """
        if code in self.names:
            return self.names[code]
        return "Deutschland" if code == "DG" else code

    def names_for(self, codes: pd.Series) -> np.ndarray:
        """Return names for a column of codes.

        Examples
        --------
        >>> RegionTable([], names={"17": "M"}).names_for(pd.Series(["17", "DG"])).tolist()
        ['M', 'Deutschland']
        """
        uniq = pd.unique(codes)
        lookup = {c: self.name(c) for c in uniq}
        return codes.map(lookup).to_numpy(dtype=object)


def normalize_codes(codes: pd.Series | pd.Categorical, table: str | None = None) -> pd.Categorical:
    """Normalise a column of region codes once per distinct value.

    12-digit Regionalschlüssel become the 8-digit AGS; a bad code raises
    :class:`~toolkit.errors.DataError` naming ``table``, the column and the
    rows with that code. Returns a Categorical.

    Examples
    --------
    >>> normalize_codes(pd.Series(["170010000000", "DG"])).tolist()
    ['17001000', 'DG']
    """
    from toolkit.errors import DataError
    from toolkit.indicators._counts import as_category, relabel

    cat = as_category(pd.Series(codes), strip=True)
    labels = []
    for i, c in enumerate(cat.categories):
        try:
            labels.append(normalize_code(c))
        except DataError as exc:
            raise DataError(
                exc.message,
                file=table,
                column="region_code",
                rows=np.flatnonzero(cat.codes == i) + 1,
                hint=exc.hint,
            ) from None
    return relabel(cat, np.array(labels, dtype=object))
