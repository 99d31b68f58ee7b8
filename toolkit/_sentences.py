"""German sentences and dates: change against an earlier period, one sentence per value, dates.

Re-exported by :mod:`toolkit.text`; kept apart so that each module stays small.

Examples
--------
>>> fmt_change(34.1, 32.9)
'1,2 Prozentpunkte mehr als im Vorjahr'
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence

from babel.dates import format_date

from toolkit.errors import ParameterError
from toolkit.text import (
    _RATE_UNITS,
    LOCALE,
    _round,
    fmt_percent,
    fmt_pp,
    fmt_value,
    is_missing,
    missing_reason,
)

__all__ = ["fmt_change", "fmt_date", "fmt_school_year", "indicator_sentence"]


def _previous_label(period: int | None, previous_period: int | None) -> str:
    if period is None or previous_period is None or previous_period == period - 1:
        return "im Vorjahr"
    return str(previous_period)


def fmt_change(
    current: object,
    previous: object,
    *,
    unit: str = "%",
    decimals: int = 1,
    period: int | None = None,
    previous_period: int | None = None,
) -> str:
    r"""Describe the change against an earlier period in words.

    Rates (unit ``%`` or ``je 100``) change in Prozentpunkte (or Punkte);
    counts change in percent of the earlier value (DOMAIN.md, section 3).

    Parameters
    ----------
    current, previous : float
        Current and earlier value (both unrounded).
    unit : str, default "%"
        Unit of the values as in the IndicatorFrame.
    decimals : int, default 1
        Digits after the comma of the change.
    period, previous_period : int, optional
        When the earlier period is not the year before, it is named
        ("mehr als 2021"); otherwise the phrase says "im Vorjahr".

    Returns
    -------
    str
        e.g. ``1,2 Prozentpunkte mehr als im Vorjahr``; an empty string when
        either value is missing.

    Examples
    --------
    >>> fmt_change(34.1, 32.9)
    '1,2 Prozentpunkte mehr als im Vorjahr'
    >>> fmt_change(90, 100, unit="Anzahl")
    '10,0\xa0% weniger als im Vorjahr'
    >>> fmt_change(31.0, 31.02, unit="je 100", period=2024, previous_period=2020)
    'genauso hoch wie 2020'
    """
    if is_missing(current) or is_missing(previous):
        return ""
    cur, prev = float(current), float(previous)  # type: ignore[arg-type]
    label = _previous_label(period, previous_period)
    if unit in _RATE_UNITS:
        delta = cur - prev
        amount = fmt_pp(abs(delta), decimals, signed=False)
        if unit != "%" and unit != "Prozent":
            amount = amount.replace("Prozentpunkte", "Punkte").replace("Prozentpunkt", "Punkt")
    else:
        if prev == 0:
            return ""  # no percent change from zero
        delta = (cur - prev) / prev * 100
        amount = fmt_percent(abs(delta), decimals)
    if _round(delta, decimals) == 0:
        return f"genauso hoch wie {label}"
    direction = "mehr" if delta > 0 else "weniger"
    return f"{amount} {direction} als {label}"


def indicator_sentence(
    subject: str,
    period: int | str,
    value: object,
    unit: str = "%",
    *,
    flag: object = "",
    previous: object = None,
    previous_flag: object = "",
    previous_period: int | None = None,
    comparisons: Sequence[tuple[str, object, object]] = (),
    decimals: int | None = None,
) -> str:
    r"""Write one German sentence about an indicator value.

    Parameters
    ----------
    subject : str
        Subject of the sentence with article, e.g. ``"Die Betreuungsquote der
        unter Dreijährigen"``.
    period : int or str
        Period the value belongs to (a year or a label such as ``2024/25``).
    value : float
        The value (already protected by disclosure control).
    unit : str, default "%"
        Unit as in the IndicatorFrame.
    flag : str, optional
        Symbol of official statistics for ``value``.
    previous : float, optional
        Value of the earlier period; the change is added when both values
        can be shown.
    previous_flag : str, optional
        Symbol for ``previous``.
    previous_period : int, optional
        Earlier period; default: the year before.
    comparisons : sequence of (label, value, flag)
        Comparison values, e.g. ``[("Land", 31.0, "")]``.
    decimals : int, optional
        Digits after the comma (see :func:`fmt_value`).

    Returns
    -------
    str
        The sentence, ending with a full stop.

    Examples
    --------
    >>> indicator_sentence("Die Betreuungsquote der unter Dreijährigen", 2025, 34.1,
    ...     previous=32.9, comparisons=[("Land", 31.0, "")]).replace("\xa0", " ")
    'Die Betreuungsquote der unter Dreijährigen lag 2025 bei 34,1 % – 1,2 Prozentpunkte mehr als im Vorjahr; Land: 31,0 %.'
    >>> indicator_sentence("Die Zahl der Verträge", 2024, 2, "Anzahl", flag=".")
    'Die Zahl der Verträge 2024: Wert aus Datenschutzgründen nicht ausgewiesen.'
    """
    if is_missing(value, flag):
        text = f"{subject} {period}: {missing_reason(flag)}"
    else:
        text = f"{subject} lag {period} bei {fmt_value(value, unit, decimals, flag=flag)}"
        if not is_missing(previous, previous_flag):
            p = int(period) if str(period).isdigit() else None
            change = fmt_change(
                value,
                previous,
                unit=unit,
                period=p,
                previous_period=previous_period,
            )
            if change:
                text += f" – {change}"
    shown = [
        f"{label}: {fmt_value(v, unit, decimals, flag=f)}"
        for label, v, f in comparisons
        if not is_missing(v, f)
    ]
    if shown:
        text += "; " + ", ".join(shown)
    return text + "."


def fmt_date(value: object, *, style: str = "long") -> str:
    """Format a date in German.

    Parameters
    ----------
    value : datetime.date or str
        A date or an ISO string (``2025-03-01``).
    style : {"long", "short"}, default "long"
        ``long`` gives ``1. März 2025``, ``short`` gives ``01.03.2025``.

    Returns
    -------
    str
        Formatted date.

    Examples
    --------
    >>> fmt_date("2025-03-01")
    '1. März 2025'
    >>> fmt_date("2024-12-31", style="short")
    '31.12.2024'
    """
    if isinstance(value, str):
        try:
            value = _dt.date.fromisoformat(value.strip()[:10])
        except ValueError as exc:
            raise ParameterError(
                f"Kein gültiges Datum: {value!r}", hint="Datum als JJJJ-MM-TT angeben"
            ) from exc
    if isinstance(value, _dt.datetime):
        value = value.date()
    if not isinstance(value, _dt.date):
        raise ParameterError(f"Kein Datum: {value!r}", hint="datetime.date oder JJJJ-MM-TT")
    if style == "long":
        return format_date(value, format="d. MMMM y", locale=LOCALE)
    if style == "short":
        return format_date(value, format="dd.MM.y", locale=LOCALE)
    raise ParameterError(f"Unbekannter Stil {style!r}", hint="style='long' oder 'short'")


def fmt_school_year(year: int) -> str:
    """Write the school year that begins in ``year`` (``2024`` -> ``2024/25``).

    Parameters
    ----------
    year : int
        First calendar year of the school year.

    Returns
    -------
    str
        School year label.

    Examples
    --------
    >>> fmt_school_year(2024)
    '2024/25'
    >>> fmt_school_year(2099)
    '2099/00'
    """
    return f"{int(year)}/{(int(year) + 1) % 100:02d}"
