"""The IndicatorFrame: the one long result shape of all indicators.

An IndicatorFrame is a plain :class:`pandas.DataFrame` with exactly the
columns of :data:`COLUMNS`, in that order. Charts, text, disclosure control,
time series and comparisons all take this shape.

The eight text columns are :class:`pandas.Categorical` of ``str`` labels: a
long frame repeats a few hundred distinct codes and names millions of times,
and as categories the full catalogue for Germany needs a tenth of the memory.
They compare, filter, group and sort like strings (``f["flag"] == "."``,
``.isin``, ``.str``); ``flag`` always knows every symbol of :data:`FLAGS`
and ``level`` every level of :data:`LEVELS` (in that order), so flags can be
set in place. Categories are sorted, so sorting by a text column sorts
alphabetically, except ``level`` (top to bottom) and ``flag``.

Examples
--------
>>> f = empty_indicator_frame()
>>> list(f.columns) == list(COLUMNS)
True
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from toolkit.errors import DataError, Problem

__all__ = [
    "COLUMNS",
    "FLAGS",
    "LEVELS",
    "TEXT_COLUMNS",
    "categories_for",
    "code_dtype",
    "empty_indicator_frame",
    "text_column",
    "validate_indicator_frame",
]

#: Column names of an IndicatorFrame, in order, with their dtypes
#: (``category``: a Categorical of ``str`` labels, see the module notes).
COLUMNS: dict[str, str] = {
    "region_code": "category",
    "region_name": "category",
    "level": "category",
    "period": "int64",
    "indicator": "category",
    "dimension": "category",
    "category": "category",
    "value": "float64",
    "numerator": "float64",
    "denominator": "float64",
    "unit": "category",
    "flag": "category",
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

#: The text columns (Categoricals of ``str``), in column order.
TEXT_COLUMNS: tuple[str, ...] = tuple(c for c, t in COLUMNS.items() if t == "category")
_FLOAT_COLUMNS = [c for c, t in COLUMNS.items() if t == "float64"]

#: Columns whose categories are fixed (all allowed values, in this order).
FIXED_CATEGORIES: dict[str, tuple[str, ...]] = {"level": LEVELS, "flag": tuple(FLAGS)}


def code_dtype(n: int) -> type[np.signedinteger]:
    """Return the integer type pandas uses for the codes of ``n`` categories.

    Building codes in this type from the start spares pandas a converting
    copy, which matters for millions of rows.

    Examples
    --------
    >>> code_dtype(100).__name__, code_dtype(1000).__name__
    ('int8', 'int16')
    """
    return np.int8 if n < 127 else np.int16 if n < 32767 else np.int32


def categories_for(labels: Iterable[str], column: str = "") -> pd.Index:
    """Return the categories an IndicatorFrame text column has for these labels.

    ``level`` and ``flag`` have fixed categories (unknown labels are
    appended, sorted, so that :func:`validate_indicator_frame` can name
    them); any other column has its labels, sorted.

    Examples
    --------
    >>> categories_for(["b", "a", "b"]).tolist()
    ['a', 'b']
    >>> categories_for(["x", "?"], "flag").tolist()[-1]
    '?'
    """
    labels = set(labels)
    fixed = FIXED_CATEGORIES.get(column)
    if fixed is None:
        return pd.Index(sorted(labels), dtype=object)
    extra = sorted(labels - set(fixed))
    return pd.Index([*fixed, *extra], dtype=object)


def text_column(values: object, column: str = "") -> pd.Categorical:
    """Return text values as the Categorical an IndicatorFrame column holds.

    Missing values become ``""``; labels are ``str``. ``level`` and ``flag``
    get their fixed categories (unknown values become missing there, which
    :func:`validate_indicator_frame` reports); other columns get the sorted
    labels that occur.

    Parameters
    ----------
    values : array-like
        Strings, a Categorical or a Series.
    column : str, optional
        Column name, to choose fixed categories for ``level`` and ``flag``.

    Returns
    -------
    pandas.Categorical

    Examples
    --------
    >>> text_column(["b", None, "a"]).categories.tolist()
    ['', 'a', 'b']
    >>> text_column(["."], "flag").categories.tolist()
    ['', '.', '-', 'x', '/', 'p']
    """
    series = pd.Series(values, copy=False) if not isinstance(values, pd.Series) else values
    if isinstance(series.dtype, pd.CategoricalDtype):
        cat = series.array
        labels = pd.Index([str(c) for c in cat.categories], dtype=object)
        codes = cat.codes
        if (codes < 0).any():
            labels = labels.append(pd.Index([""], dtype=object))
            codes = np.where(codes < 0, len(labels) - 1, codes)
        uniq_codes, inverse = np.unique(codes, return_inverse=True)
        strings = labels[uniq_codes]
    else:
        inverse, strings = pd.factorize(series.astype(object).where(series.notna(), ""))
        strings = pd.Index([str(x) for x in strings], dtype=object)
    categories = categories_for(strings, column)
    mapping = categories.get_indexer(strings).astype(code_dtype(len(categories)))
    return pd.Categorical.from_codes(
        np.take(mapping, np.asarray(inverse, dtype="int64")),
        categories=categories,
        validate=False,
    )


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
    return pd.DataFrame(
        {
            c: pd.Series(text_column([], c) if t == "category" else np.array([], dtype=t))
            for c, t in COLUMNS.items()
        }
    )


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
        text columns as Categoricals of ``str`` (missing → ``""``, see
        :func:`text_column`), floats as ``float64``
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
    for c in TEXT_COLUMNS:
        out[c] = text_column(frame[c], c)
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
