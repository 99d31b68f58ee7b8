"""The protected publication on disk: Parquet + JSON with the input hash (internal)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.errors import DataError

__all__ = [
    "FORMAT_VERSION",
    "PROTECTION_ATTR",
    "ProtectedPublication",
    "input_hash",
    "is_protected",
    "load_publication",
    "mark",
]

#: Version of the protected set's format and rules; part of the input hash, so a set
#: cached by older rules is protected again. Raise it whenever the rules, the count
#: families or the relations change. 2: the sums of the true counts (breakdowns and
#: region hierarchy, also where no table grid could be built) are linked in the protection.
#: 3: variables straight from the count cells (rests of incomplete sums are sensitive; a
#: category equal to its total is hidden with it), ids in sorted order.
FORMAT_VERSION = 3
#: ``DataFrame.attrs`` key marking a protected IndicatorFrame (read by the map blocks).
PROTECTION_ATTR = "dkbm_protection"
_DATA = "publication.parquet"
_META = "publication.json"


@dataclass
class ProtectedPublication:
    """The protected IndicatorFrame of a publication and how it was made.

    Attributes
    ----------
    frame : pandas.DataFrame
        IndicatorFrame; suppressed rows have ``value``, ``numerator`` and
        ``denominator`` NaN and ``flag`` ``.``. Column ``sensitive`` is True
        where a count of the row is sensitive itself (not only hidden to
        protect another).
    meta : dict
        Input hash, periods, levels, rules, counts and timing.
    linked : LinkedTables or None
        The protected tables (only right after :func:`protect_publication`).
    """

    frame: pd.DataFrame
    meta: dict[str, Any]
    linked: Any = None

    def save(self, directory: str | Path) -> Path:
        """Write ``publication.parquet`` and ``publication.json`` to ``directory``.

        Examples
        --------
        >>> import tempfile
        >>> p = ProtectedPublication(pd.DataFrame({"a": [1]}), {"input_hash": "x"})
        >>> with tempfile.TemporaryDirectory() as d:
        ...     print(p.save(d).name, load_publication(d).meta["input_hash"])
        publication.parquet x
        """
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        self.frame.to_parquet(out / _DATA, index=False)
        (out / _META).write_text(
            json.dumps(self.meta, indent=1, ensure_ascii=False), encoding="utf-8"
        )
        return out / _DATA


def mark(frame: pd.DataFrame, meta: dict[str, Any]) -> pd.DataFrame:
    frame.attrs[PROTECTION_ATTR] = {
        "method": "suppression",
        "scope": "publication",
        "min_count": meta.get("min_count"),
        "group_min": meta.get("group_min"),
        "input_hash": meta.get("input_hash"),
    }
    return frame


def is_protected(frame: pd.DataFrame) -> bool:
    """Whether an IndicatorFrame carries the protection marker (``attrs["dkbm_protection"]``).

    Examples
    --------
    >>> is_protected(pd.DataFrame())
    False
    >>> is_protected(mark(pd.DataFrame(), {"min_count": 3}))
    True
    """
    return isinstance(getattr(frame, "attrs", {}).get(PROTECTION_ATTR), dict)


def load_publication(directory: str | Path) -> ProtectedPublication:
    """Read a protected publication written by :meth:`ProtectedPublication.save`.

    Raises
    ------
    DataError
        When the directory holds no protected publication.

    Examples
    --------
    >>> load_publication("/nonexistent")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: Kein geschützter Veröffentlichungsdatensatz in /nonexistent ...
    """
    d = Path(directory)
    if not (d / _DATA).is_file() or not (d / _META).is_file():
        raise DataError(
            f"Kein geschützter Veröffentlichungsdatensatz in {d}",
            file=str(d / _DATA),
            hint="Zuerst toolkit.disclosure.protect_publication (dkbm batch) ausführen.",
        )
    meta = json.loads((d / _META).read_text(encoding="utf-8"))
    return ProtectedPublication(mark(pd.read_parquet(d / _DATA), meta), meta)


def input_hash(data: Any, **params: Any) -> str:
    """Hash of the input tables (or frame) and the protection parameters.

    Examples
    --------
    >>> f = pd.DataFrame({"a": [1, 2]})
    >>> input_hash(f, min_count=3) == input_hash(f.copy(), min_count=3)
    True
    >>> input_hash(f, min_count=3) == input_hash(f, min_count=4)
    False
    """
    h = hashlib.sha256()
    tables = getattr(data, "tables", None)
    items = sorted(tables.items()) if isinstance(tables, dict) else [("frame", data)]
    for name, table in items:
        h.update(str(name).encode())
        h.update(pd.util.hash_pandas_object(table, index=False).to_numpy().tobytes())
        h.update(",".join(map(str, table.columns)).encode())
    params = {**params, "format": FORMAT_VERSION}
    h.update(json.dumps(params, sort_keys=True, default=str).encode())
    return h.hexdigest()[:32]
