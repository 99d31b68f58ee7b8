"""Checking and decoding the inputs of :class:`~toolkit.weighting.design.SurveyDesign`.

Every problem becomes a :class:`~toolkit.errors.DataError` naming the column,
the rows (1 = first data row) and what to do.

Examples
--------
>>> import pandas as pd
>>> rows(np.array([False, True, True]))
[2, 3]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from toolkit.errors import DataError

if TYPE_CHECKING:
    from toolkit.weighting.variance import Stage

__all__ = [
    "as_list",
    "check_columns",
    "codes",
    "de",
    "numeric",
    "raw_weights",
    "rows",
    "weights_from_fpc",
]


def as_list(value: str | Sequence[str] | None) -> list[str]:
    """Return a column argument (None, one name or several) as a list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def de(value: float, decimals: int = 2) -> str:
    """Format a number the German way for messages (``29.507,00``)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def rows(mask: np.ndarray) -> list[int]:
    """Return the 1-based row numbers where ``mask`` is true."""
    return (np.flatnonzero(mask) + 1).tolist()


def check_columns(data: pd.DataFrame, names: list[str], role: str) -> None:
    """Fail with the list of available columns when a named column is missing."""
    missing = [c for c in names if c not in data.columns]
    if missing:
        raise DataError(
            f"Spalte(n) {missing} für {role} fehlen in den Daten.",
            column=missing[0],
            hint=f"Vorhandene Spalten: {', '.join(map(str, data.columns[:30]))}",
        )


def numeric(data: pd.DataFrame, col: str, role: str) -> np.ndarray:
    """Return a column as float array (NaN for missing) or fail if it is not numeric."""
    try:
        values = pd.to_numeric(data[col], errors="raise").to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise DataError(
            f"Spalte '{col}' ({role}) ist nicht numerisch.",
            column=col,
            hint="Nur Zahlen verwenden (Dezimalpunkt, keine Einheiten).",
        ) from exc
    return values


def codes(data: pd.DataFrame, col: str, role: str) -> np.ndarray:
    """Return integer codes of a design column (strata, clusters); fail on missing values."""
    found, _ = pd.factorize(data[col], sort=True)
    if (found < 0).any():
        raise DataError(
            f"Spalte '{col}' ({role}) hat fehlende Werte.",
            column=col,
            rows=rows(found < 0),
            hint="Jede befragte Einheit braucht Schicht und Cluster.",
        )
    return found.astype(np.int64)


def raw_weights(data: pd.DataFrame, weights: str | None, probs: list[str]) -> np.ndarray | None:
    if weights is not None:
        w = numeric(data, weights, "Gewichte")
        bad = ~np.isnan(w) & (~np.isfinite(w) | (w <= 0))
        if bad.any():
            raise DataError(
                f"{int(bad.sum())} Gewicht(e) sind null, negativ oder unendlich.",
                column=weights,
                rows=rows(bad),
                hint="Designgewichte müssen positiv sein; Fälle ohne Auswahlchance gehören nicht in die Stichprobe.",
            )
        return w
    if probs:
        p = np.ones(len(data))
        for col in probs:
            v = numeric(data, col, "Auswahlwahrscheinlichkeit")
            bad = ~np.isnan(v) & ((v <= 0) | (v > 1))
            if bad.any():
                raise DataError(
                    "Auswahlwahrscheinlichkeiten müssen in (0, 1] liegen.",
                    column=col,
                    rows=rows(bad),
                    hint="Wahrscheinlichkeit = Stichprobenumfang / Grundgesamtheit der Schicht.",
                )
            p = p * v
        return 1.0 / p
    return None


def weights_from_fpc(stages: list[Stage], fpcs: list[np.ndarray], n: int) -> np.ndarray:
    w = np.ones(n)
    for st, fpc in zip(stages, fpcs, strict=False):
        n_rows = st.n_per_stratum[st.unit_stratum[st.unit]]
        popsize = n_rows / fpc if np.all(fpc <= 1) else fpc
        w = w * popsize / n_rows
    return w
