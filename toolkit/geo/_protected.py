"""The mark that an IndicatorFrame went through disclosure control (private).

See ``/work/coord/interfaces.md`` ("protected-frame marker"): a protected frame
carries ``frame.attrs["dkbm_protection"]``; pandas keeps ``attrs`` through
filtering and copies. Maps draw only frames that carry it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from toolkit.errors import DisclosureError

__all__ = ["PROTECTION_KEY", "is_protected", "mark_protected", "require_protected"]

PROTECTION_KEY = "dkbm_protection"


def mark_protected(frame: pd.DataFrame, **info: Any) -> pd.DataFrame:
    """Return ``frame`` marked as the output of disclosure control.

    Call it only on the result of :func:`toolkit.disclosure.protect_indicators`
    (or the publication's protected set); ``info`` records how it was protected.

    Parameters
    ----------
    frame : pandas.DataFrame
        Protected IndicatorFrame.
    **info
        E.g. ``method="suppression"``, ``min_count=3``.

    Returns
    -------
    pandas.DataFrame
        The same frame (attrs set in place).

    Examples
    --------
    >>> f = mark_protected(pd.DataFrame({"value": [1.0]}), min_count=3)
    >>> is_protected(f), is_protected(f[f["value"] > 0])
    (True, True)
    """
    frame.attrs[PROTECTION_KEY] = {"method": "suppression", **info}
    return frame


def is_protected(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` carries the disclosure-control mark.

    Examples
    --------
    >>> is_protected(pd.DataFrame({"value": [1.0]}))
    False
    """
    return bool(frame.attrs.get(PROTECTION_KEY))


def require_protected(frame: pd.DataFrame, what: str = "Die Karte") -> None:
    """Raise :class:`DisclosureError` unless ``frame`` is marked protected.

    Examples
    --------
    >>> require_protected(pd.DataFrame({"value": [1.0]}))
    Traceback (most recent call last):
    ...
    toolkit.errors.DisclosureError: Die Karte zeigt nur geheimhaltungsgeprüfte Werte; ...
    """
    if not is_protected(frame):
        raise DisclosureError(
            f"{what} zeigt nur geheimhaltungsgeprüfte Werte; diese Tabelle ist nicht "
            "als geschützt markiert.",
            hint="Erst die Geheimhaltung anwenden (toolkit.disclosure.protect_indicators bzw. "
            "den geschützten Veröffentlichungsdatensatz verwenden).",
        )
