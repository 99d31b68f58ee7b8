"""The IndicatorFrame: the one long result shape of all indicators.

An IndicatorFrame is a plain :class:`pandas.DataFrame` with exactly the
columns of :data:`COLUMNS`, in that order. Charts, text, disclosure control,
time series and comparisons all take this shape.

Examples
--------
>>> f = empty_indicator_frame()
>>> list(f.columns) == list(COLUMNS)
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.errors import DataError, Problem

__all__ = [
    "COLUMNS",
    "FLAGS",
    "LEVELS",
    "empty_indicator_frame",
    "validate_indicator_frame",
]

#: Column names of an IndicatorFrame, in order, with their dtypes.
COLUMNS: dict[str, str] = {
    "region_code": "str",
    "region_name": "str",
    "level": "str",
    "period": "int64",
    "indicator": "str",
    "dimension": "str",
    "category": "str",
    "value": "float64",
    "numerator": "float64",
    "denominator": "float64",
    "unit": "str",
    "flag": "str",
}

#: Allowed flags and their meaning (as in official German tables).
FLAGS: dict[str, str] = {
    "": "kein Zeichen",
    ".": "unbekannt oder geheim zu halten",
    "-": "genau null",
    "x": "Wert nicht sinnvoll (z. B. Nenner null)",
    "/": "zu unsicher, nicht ausgewiesen",
    "p": "vorläufig",
}

#: Region levels, from top to bottom.
LEVELS: tuple[str, ...] = ("bund", "land", "regbez", "kreis", "gemeinde", "sozialraum")

_STR_COLUMNS = [c for c, t in COLUMNS.items() if t == "str"]
_FLOAT_COLUMNS = [c for c, t in COLUMNS.items() if t == "float64"]


def empty_indicator_frame() -> pd.DataFrame:
    """Return an IndicatorFrame without rows.

    Returns
    -------
    pandas.DataFrame
        Zero rows, the columns and dtypes of :data:`COLUMNS`.

    Examples
    --------
    >>> empty_indicator_frame().shape
    (0, 12)
    """
    return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in COLUMNS.items()})


def validate_indicator_frame(frame: pd.DataFrame, *, name: str = "IndicatorFrame") -> pd.DataFrame:
    """Check that ``frame`` is an IndicatorFrame and return it with canonical dtypes.

    Parameters
    ----------
    frame : pandas.DataFrame
        Candidate frame.
    name : str, default "IndicatorFrame"
        Name used in error messages.

    Returns
    -------
    pandas.DataFrame
        A new frame with exactly the columns of :data:`COLUMNS` in order,
        string columns as ``str`` (missing → ``""``), floats as ``float64``
        and ``period`` as ``int64``.

    Raises
    ------
    DataError
        If columns are missing or extra, a period is not an integer, a flag
        is unknown, a value is infinite, a level is unknown, or a value is
        missing without a flag that says why.

    Examples
    --------
    >>> df = pd.DataFrame({
    ...     "region_code": ["17"], "region_name": ["Musterland"], "level": ["land"],
    ...     "period": [2024], "indicator": ["jugendquotient"], "dimension": [""],
    ...     "category": [""], "value": [31.5], "numerator": [315.0],
    ...     "denominator": [1000.0], "unit": ["je 100"], "flag": [""]})
    >>> validate_indicator_frame(df)["value"].tolist()
    [31.5]
    >>> validate_indicator_frame(df.drop(columns="flag"))
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: IndicatorFrame hat nicht die vereinbarten Spalten
    ...
    """
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"{name} muss ein pandas.DataFrame sein, nicht {type(frame).__name__}.")
    missing = [c for c in COLUMNS if c not in frame.columns]
    extra = [c for c in frame.columns if c not in COLUMNS]
    if missing or extra:
        raise DataError(
            f"{name} hat nicht die vereinbarten Spalten",
            problems=[Problem("fehlt", column=c) for c in missing]
            + [Problem("nicht vorgesehen", column=c) for c in extra],
            hint=f"Spalten genau so: {', '.join(COLUMNS)}",
        )
    out = {}
    for c in _STR_COLUMNS:
        out[c] = frame[c].astype("str").where(frame[c].notna(), "")
    for c in _FLOAT_COLUMNS:
        try:
            out[c] = pd.to_numeric(frame[c], errors="raise").astype("float64")
        except (TypeError, ValueError) as exc:
            raise DataError(f"{name}: Spalte '{c}' ist nicht numerisch ({exc}).", column=c) from exc
    period = pd.to_numeric(frame["period"], errors="coerce")
    bad = _rows(period.isna() | (period % 1 != 0))
    if bad:
        raise DataError(f"{name}: Zeitraum ist keine ganze Zahl.", column="period", rows=bad)
    out["period"] = period.astype("int64")
    result = pd.DataFrame(out, index=frame.index)[list(COLUMNS)].reset_index(drop=True)

    problems = []
    bad = _rows(~result["flag"].isin(list(FLAGS)))
    if bad:
        problems.append(Problem("unbekanntes Zeichen", column="flag", rows=bad))
    bad = _rows(~result["level"].isin(list(LEVELS)))
    if bad:
        problems.append(Problem("unbekannte Ebene", column="level", rows=bad))
    for c in _FLOAT_COLUMNS:
        bad = _rows(pd.Series(np.isinf(result[c].to_numpy())))
        if bad:
            problems.append(Problem("unendlicher Wert", column=c, rows=bad))
    bad = _rows(result["value"].isna() & ~result["flag"].isin([".", "x", "/"]))
    if bad:
        problems.append(
            Problem("Wert fehlt ohne Zeichen '.', 'x' oder '/'", column="value", rows=bad)
        )
    if problems:
        raise DataError(
            f"{name} ist ungültig",
            problems=problems,
            hint="Zeilennummern zählen ab 0 in der übergebenen Tabelle.",
        )
    return result


def _rows(mask: pd.Series) -> tuple[int, ...]:
    return tuple(int(i) for i in np.flatnonzero(np.asarray(mask, dtype=bool)))
