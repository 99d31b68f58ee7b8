"""What a computation is asked for: the tables, and the regions, periods and levels (private).

:func:`tables_of` takes the tables out of a Dataset or a mapping;
:func:`make_restriction` checks and normalises the ``regions``, ``periods``
and ``levels`` arguments of :func:`toolkit.indicators.compute_all` into a
:class:`Restriction`, which a :class:`~toolkit.indicators._context.Context`
applies to its tables. Both raise a :class:`~toolkit.errors.ParameterError`
for arguments they cannot use.

Examples
--------
>>> make_restriction(["17001"], None, "kreis")
Restriction(regions=frozenset({'17001'}), periods=None, levels=frozenset({'kreis'}))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.errors import ParameterError
from toolkit.regions import normalize_code

__all__ = ["Restriction", "make_restriction", "tables_of"]


@dataclass(frozen=True)
class Restriction:
    """Which regions, periods and levels the caller wants (None = all)."""

    regions: frozenset[str] | None = None
    periods: frozenset[int] | None = None
    levels: frozenset[str] | None = None


def tables_of(data: object) -> dict[str, pd.DataFrame]:
    """Return the table dict of a Dataset or a mapping of DataFrames.

    Examples
    --------
    >>> tables_of({"kita": pd.DataFrame()}).keys()
    dict_keys(['kita'])
    """
    tables = getattr(data, "tables", data)
    if not isinstance(tables, Mapping):
        raise ParameterError(
            f"Erwartet wird ein Dataset (toolkit.io.read_dataset) oder ein dict von Tabellen, "
            f"nicht {type(data).__name__}.",
            hint="z. B. compute_all(toolkit.io.read_sample())",
        )
    return {str(k): v for k, v in tables.items() if v is not None}


def make_restriction(
    regions: Iterable[str] | str | None,
    periods: Iterable[int] | int | None,
    levels: Iterable[str] | str | None,
) -> Restriction:
    """Check and normalise the restriction arguments of ``compute_all``.

    Examples
    --------
    >>> make_restriction("17", 2024, None).periods
    frozenset({2024})
    """
    from toolkit.indicators.frame import LEVELS

    def _set(x: object) -> list:
        if x is None:
            return []
        if isinstance(x, (str, int, np.integer)):
            return [x]
        return list(x)  # type: ignore[call-overload]

    reg = None
    if regions is not None:
        reg = frozenset(normalize_code(str(c)) for c in _set(regions))
    per = None
    if periods is not None:
        try:
            per = frozenset(int(p) for p in _set(periods))
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"periods: ganze Jahreszahlen erwartet ({exc}).") from exc
    lev = None
    if levels is not None:
        lev = frozenset(str(v) for v in _set(levels))
        bad = sorted(lev - set(LEVELS))
        if bad:
            raise ParameterError(
                f"levels: unbekannte Ebene(n) {', '.join(bad)}.",
                hint=f"Erlaubt: {', '.join(LEVELS)}",
            )
    return Restriction(reg, per, lev)
