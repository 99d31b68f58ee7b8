"""The official Kreis list as the indicators' public API offers it (private).

The list itself and the rule which Kreise make a Land, Regierungsbezirk or Germany
complete live in the regions module (:func:`toolkit.regions.read_official_kreise`,
:class:`toolkit.regions.KreisList`). :func:`toolkit.indicators.compute_all` reads the
list once per call and passes it to the aggregation rules.
"""

from __future__ import annotations

from toolkit.regions import read_official_kreise

__all__ = ["official_kreise"]


def official_kreise(year: int | None = None) -> dict[str, str]:
    """Return the official Kreise (code → name) that existed on 31 December of ``year``.

    Reads the shipped list on every call; code that needs it more than once reads it
    once with :func:`toolkit.regions.read_official_kreise` and calls ``.on(year)``.

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
    return read_official_kreise().on(year)
