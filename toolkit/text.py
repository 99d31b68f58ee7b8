r"""German formatting of numbers, changes, dates and report sentences.

All numbers shown in a report pass through this module, so that every report
writes ``34,1 %``, ``1.234`` and ``1,2 Prozentpunkte`` the same way. Numbers are
formatted with babel in the ``de_DE`` locale. Rounding is *kaufmännisch*
(half up, as in official German tables), not banker's rounding: ``2,25``
becomes ``2,3``.

Missing values carry the symbols of official statistics (see
:data:`SYMBOL_LEGEND`): ``.`` unknown or secret (disclosure control), ``x``
not meaningful, ``/`` too unreliable, ``...`` available later, ``–`` (en
dash) exactly zero. Number formatters return the symbol; sentence builders
write the reason in words, e.g. "Wert aus Datenschutzgründen nicht
ausgewiesen". Negative numbers carry the minus sign U+2212 (``−1,3``), not a
hyphen.

Examples
--------
>>> fmt_percent(34.14)
'34,1\xa0%'
>>> fmt_change(34.1, 32.9, unit="%")
'1,2 Prozentpunkte mehr als im Vorjahr'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal

from toolkit.errors import ParameterError

__all__ = [
    "LOCALE",
    "MINUS",
    "MISSING_TEXT",
    "NBSP",
    "SYMBOL_LEGEND",
    "ZERO",
    "fmt_change",
    "fmt_date",
    "fmt_number",
    "fmt_percent",
    "fmt_pp",
    "fmt_school_year",
    "fmt_value",
    "indicator_sentence",
    "is_missing",
    "join_de",
    "missing_reason",
    "round_half_up",
]

LOCALE = "de_DE"
NBSP = "\u00a0"
#: Minus sign of negative numbers (U+2212, typographically right, never a hyphen).
MINUS = "\u2212"
#: Symbol of an exact zero ("nichts vorhanden"), an en dash as in official tables.
ZERO = "\u2013"

#: Reason in words for each symbol of official statistics that hides a value.
MISSING_TEXT: dict[str, str] = {
    ".": "Wert aus Datenschutzgründen nicht ausgewiesen",
    "x": "Wert nicht sinnvoll (keine Bezugsgröße)",
    "/": "Wert zu unsicher, nicht ausgewiesen",
    "...": "Wert noch nicht verfügbar",
    "": "keine Daten vorhanden",
}

#: The legend of the symbols printed in tables and charts (Zeichenerklärung of
#: official statistics): one meaning per symbol.
SYMBOL_LEGEND: dict[str, str] = {
    ZERO: "genau null (nichts vorhanden)",
    ".": "Zahlenwert unbekannt oder aus Datenschutzgründen nicht ausgewiesen",
    "x": "Tabellenfach gesperrt, weil Aussage nicht sinnvoll",
    "/": "Wert zu unsicher, nicht ausgewiesen",
    "...": "Wert noch nicht verfügbar",
}

_HIDING_FLAGS = frozenset({".", "x", "/", "..."})
_RATE_UNITS = frozenset({"%", "je 100", "je 1000", "Prozent"})


def _flag(flag: object) -> str:
    if flag is None or (isinstance(flag, float) and math.isnan(flag)):
        return ""
    return str(flag).strip()


def is_missing(value: object, flag: object = "") -> bool:
    """Tell whether a value must not be shown.

    Parameters
    ----------
    value : object
        The number (``None`` and NaN count as missing).
    flag : str, optional
        Symbol of official statistics; ``.``, ``x``, ``/`` and ``...`` hide
        the value even when a number is present. ``-`` is a true zero.

    Returns
    -------
    bool
        True when the value is missing or hidden.

    Examples
    --------
    >>> is_missing(3.0), is_missing(3.0, "."), is_missing(float("nan")), is_missing(0, "-")
    (False, True, True, False)
    """
    f = _flag(flag)
    if f in _HIDING_FLAGS:
        return True
    if f == "-":
        return False
    if value is None:
        return True
    try:
        return bool(math.isnan(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def missing_reason(flag: object = "") -> str:
    """Return the German reason why a value is not shown.

    Parameters
    ----------
    flag : str, optional
        Symbol of official statistics (empty: no data at all).

    Returns
    -------
    str
        Reason in words.

    Examples
    --------
    >>> missing_reason(".")
    'Wert aus Datenschutzgründen nicht ausgewiesen'
    >>> missing_reason("")
    'keine Daten vorhanden'
    """
    return MISSING_TEXT.get(_flag(flag), MISSING_TEXT[""])


def _symbol(value: object, flag: object) -> str | None:
    """Return the symbol to print instead of a number, or None to print it."""
    f = _flag(flag)
    if f in _HIDING_FLAGS:
        return f
    if f == "-":
        return ZERO
    if is_missing(value):
        return "."  # unknown (official sign "Zahlenwert unbekannt")
    return None


def _is_zero(value: object) -> bool:
    try:
        return float(value) == 0.0  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _round(value: float, decimals: int) -> Decimal:
    if decimals < 0:
        raise ParameterError(
            f"decimals muss >= 0 sein, nicht {decimals}", hint="z. B. decimals=1 angeben"
        )
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0,0"
    return rounded


def round_half_up(value: float, decimals: int = 1) -> float:
    """Round half up (*kaufmännisch*) as the shown numbers are rounded.

    Examples
    --------
    >>> round_half_up(2.25, 1), round_half_up(-1.25, 1)
    (2.3, -1.3)
    """
    return float(_round(float(value), decimals))


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def fmt_number(value: object, decimals: int = 0, *, flag: object = "") -> str:
    """Format a number the German way (``1.234,5``).

    Parameters
    ----------
    value : float or int
        The number.
    decimals : int, default 0
        Digits after the decimal comma (rounded half up).
    flag : str, optional
        Symbol of official statistics. ``.``, ``x``, ``/`` and ``...`` are
        returned instead of the number; ``-`` (true zero) returns ``–``
        (en dash). A missing value without a flag gives ``.`` (unknown).

    Returns
    -------
    str
        The formatted number or the symbol.

    Examples
    --------
    >>> fmt_number(1234567)
    '1.234.567'
    >>> fmt_number(2.25, 1)
    '2,3'
    >>> fmt_number(17, flag=".")
    '.'
    >>> fmt_number(None), fmt_number(0, flag="-"), fmt_number(-1.25, 1)
    ('.', '–', '−1,3')
    """
    symbol = _symbol(value, flag)
    if symbol is not None:
        return symbol
    text = format_decimal(_round(float(value), decimals), _pattern(decimals), locale=LOCALE)  # type: ignore[arg-type]
    return MINUS + text[1:] if text.startswith("-") else text


def fmt_percent(value: object, decimals: int = 1, *, flag: object = "") -> str:
    r"""Format a value given in percent (``34.1`` -> ``34,1 %``).

    Parameters
    ----------
    value : float
        Value in percent (not a fraction): 34.1 means 34,1 %.
    decimals : int, default 1
        Digits after the decimal comma.
    flag : str, optional
        Symbol of official statistics, see :func:`fmt_number`.

    Returns
    -------
    str
        Number, no-break space and ``%``; or the symbol.

    Examples
    --------
    >>> fmt_percent(34.14)
    '34,1\xa0%'
    >>> fmt_percent(5, flag="."), fmt_percent(0.0)
    ('.', '–')
    """
    symbol = _symbol(value, flag)
    if symbol is not None:
        return symbol
    if _is_zero(value):
        return ZERO
    return f"{fmt_number(value, decimals)}{NBSP}%"


def fmt_value(value: object, unit: str, decimals: int | None = None, *, flag: object = "") -> str:
    r"""Format a value with its unit as stored in an IndicatorFrame.

    Parameters
    ----------
    value : float
        The value.
    unit : str
        ``%`` gives ``34,1 %``; ``Anzahl`` gives a whole number; any other
        unit (``je 100``, ``Jahre``) is written after the number.
    decimals : int, optional
        Digits after the comma; default 1, and 0 for ``Anzahl``.
    flag : str, optional
        Symbol of official statistics, see :func:`fmt_number`.

    Returns
    -------
    str
        Formatted value.

    Examples
    --------
    >>> fmt_value(1234, "Anzahl")
    '1.234'
    >>> fmt_value(31.04, "je 100")
    '31,0 je 100'
    >>> fmt_value(31.04, "%"), fmt_value(0, "Anzahl")
    ('31,0\xa0%', '–')
    """
    if decimals is None:
        decimals = 0 if unit == "Anzahl" else 1
    symbol = _symbol(value, flag)
    if symbol is not None:
        return symbol
    if _is_zero(value):
        return ZERO  # an exact zero is "–", as the legend says
    if unit in ("%", "Prozent"):
        return fmt_percent(value, decimals)
    text = fmt_number(value, decimals)
    if unit and unit != "Anzahl":
        text += f" {unit}"
    return text


def fmt_pp(delta: object, decimals: int = 1, *, signed: bool = True) -> str:
    """Format a difference of two rates in Prozentpunkte.

    Parameters
    ----------
    delta : float
        Difference in percentage points.
    decimals : int, default 1
        Digits after the comma.
    signed : bool, default True
        Write ``+`` before positive differences.

    Returns
    -------
    str
        e.g. ``+1,2 Prozentpunkte``; ``1 Prozentpunkt`` in the singular.

    Examples
    --------
    >>> fmt_pp(1.23), fmt_pp(-1.25)
    ('+1,2 Prozentpunkte', '−1,3 Prozentpunkte')
    >>> fmt_pp(-0.04)
    '0,0 Prozentpunkte'
    >>> fmt_pp(1, 0, signed=False)
    '1 Prozentpunkt'
    """
    if is_missing(delta):
        return "."
    number = fmt_number(delta, decimals)
    if signed and _round(float(delta), decimals) > 0:  # type: ignore[arg-type]
        number = "+" + number
    word = "Prozentpunkt" if number.lstrip("+-" + MINUS) == "1" else "Prozentpunkte"
    return f"{number} {word}"


def join_de(items: Sequence[str], conjunction: str = "und") -> str:
    """Join words as a German list (``a, b und c``).

    Parameters
    ----------
    items : sequence of str
        Parts to join.
    conjunction : str, default "und"
        Word before the last part.

    Returns
    -------
    str
        Joined text.

    Examples
    --------
    >>> join_de(["Land", "Bund"])
    'Land und Bund'
    >>> join_de(["a", "b", "c"], "oder")
    'a, b oder c'
    """
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


# sentence builders live in toolkit._sentences (re-exported here, module size)
from toolkit._sentences import (  # noqa: E402
    fmt_change,
    fmt_date,
    fmt_school_year,
    indicator_sentence,
)
