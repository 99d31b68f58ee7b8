"""Typed values from the checked strings of a table column (private).

Integers and decimals (comma or point) go through Arrow's fast casts;
booleans accept German and English words. Used by :mod:`toolkit.io.tables`.
"""

from __future__ import annotations

import pandas as pd

from toolkit.errors import Problem
from toolkit.io._columns import ColumnSpec
from toolkit.io._problems import examples

__all__ = ["convert_column"]

_TRUE = {"true", "1", "ja", "wahr", "yes", "j", "x"}
_FALSE = {"false", "0", "nein", "falsch", "no", "n"}
_INT = r"[+-]?[0-9]{1,18}"
_FLOAT = r"[+-]?(?:[0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?"


def _cast(s: pd.Series, arrow: str, final: str) -> pd.Series:
    """Cast checked number strings (NA elsewhere); Arrow's cast is fast, to_numeric is the net."""
    try:
        return s.astype(arrow).astype(final)
    except (TypeError, ValueError, ArithmeticError, ImportError):
        return pd.to_numeric(s, errors="coerce").astype(final)


def convert_column(s: pd.Series, spec: ColumnSpec) -> tuple[pd.Series, Problem | None]:
    """Convert one column of strings to its kind; return typed values and a parse problem.

    Empty strings become missing values; a string that does not parse is kept
    out of the values (missing) and named in the problem with its rows and a
    hint for the usual mistakes (thousands separators, decimals in counts).

    Examples
    --------
    >>> from toolkit.io._columns import ColumnSpec
    >>> values, problem = convert_column(pd.Series(["12", "", "1.234"]), ColumnSpec("n", "count"))
    >>> values.tolist()[:2], problem.rows, problem.hint
    ([12, <NA>], (2,), 'ohne Tausendertrennzeichen schreiben (1234, nicht 1.234)')
    """
    empty = s == ""
    kind = spec.kind
    if kind in ("code", "sozialraum", "text", "category", "age_group"):
        return s.where(~empty).astype("str"), None
    if kind in ("year", "int", "count"):
        ok = s.str.fullmatch(_INT)
        values = _cast(s.where(ok), "int64[pyarrow]", "Int64")
    elif kind == "float":
        ok = s.str.fullmatch(_FLOAT)
        values = _cast(s.where(ok).str.replace(",", ".", regex=False), "double[pyarrow]", "float64")
    else:
        low = s.str.lower()
        ok = low.isin(_TRUE | _FALSE)
        values = pd.Series(pd.NA, index=s.index, dtype="boolean")
        values[low.isin(_TRUE)] = True
        values[low.isin(_FALSE)] = False
    bad = ~ok & ~empty
    if kind == "float":  # 1e400 is a well-formed number but infinite
        bad |= values.abs().eq(float("inf")).fillna(False)
    if not bad.any():
        return values, None
    found = s[bad]
    hint = None
    if kind in ("year", "int", "count"):
        if found.str.fullmatch(r"\d{1,3}([.,]\d{3})+").any():
            hint = "ohne Tausendertrennzeichen schreiben (1234, nicht 1.234)"
        elif found.str.fullmatch(_FLOAT).any():
            hint = "Anzahlen sind ganze Zahlen; Dezimalstellen prüfen"
    problem = Problem(
        f"ungültiger Wert; erwartet {spec.expected()}; gefunden: {examples(found)}",
        column=spec.name,
        rows=tuple(int(i) for i in found.index),
        hint=hint,
    )
    return values, problem
