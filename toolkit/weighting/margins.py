"""Matching respondents to population margins (shared by raking, post-stratification, calibration).

A margin is given as a mapping or Series ``category -> population count``,
or as a DataFrame with the category column(s) and one count column.
Categories are matched by their text form, so ``1`` in the data matches
``"1"`` in a margin table read from CSV.

Examples
--------
>>> import pandas as pd
>>> from toolkit.weighting import SurveyDesign
>>> d = SurveyDesign(pd.DataFrame({"g": ["a", "b", "a"]}))
>>> m = match_margin(d, ["g"], {"a": 10, "b": 5})
>>> m.codes.tolist(), m.targets.tolist()
([0, 1, 0], [10.0, 5.0])
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from toolkit.errors import DataError, ParameterError
from toolkit.weighting._inputs import de

if TYPE_CHECKING:
    from toolkit.weighting.design import SurveyDesign

__all__ = ["Margin", "check_totals_agree", "match_margin", "row_categories"]


@dataclass(frozen=True)
class Margin:
    """Respondents matched to one population margin.

    Attributes
    ----------
    columns : tuple of str
        Data column(s) defining the categories.
    labels : tuple of tuple of str
        Category keys (text form), in the order of :attr:`targets`.
    targets : numpy.ndarray
        Population count per category.
    codes : numpy.ndarray
        Category index per data row (-1 for rows with weight 0 outside the margin).
    """

    columns: tuple[str, ...]
    labels: tuple[tuple[str, ...], ...]
    targets: np.ndarray
    codes: np.ndarray

    @property
    def name(self) -> str:
        """Margin name for messages (columns joined by ``×``).

        Examples
        --------
        >>> Margin(("a", "b"), (), np.array([]), np.array([])).name
        'a×b'
        """
        return "×".join(self.columns)


def _population_dict(columns: list[str], population: Any) -> dict[tuple[str, ...], float]:
    if isinstance(population, pd.DataFrame):
        value_cols = [c for c in population.columns if c not in columns]
        missing = [c for c in columns if c not in population.columns]
        if missing or len(value_cols) != 1:
            raise ParameterError(
                f"Randverteilung für {columns}: erwartet die Spalten {columns} und genau eine Anzahlspalte, "
                f"gefunden {list(population.columns)}.",
                hint="Andere Spalten vorher entfernen.",
            )
        keys = population[columns].astype(str).itertuples(index=False, name=None)
        values = population[value_cols[0]].to_numpy()
        items = list(zip(keys, values, strict=True))
    elif isinstance(population, pd.Series | Mapping):
        items = []
        for key, value in population.items():
            key_t = key if isinstance(key, tuple) else (key,)
            items.append((tuple(str(k) for k in key_t), value))
    else:
        raise ParameterError(
            f"Randverteilung für {columns} muss ein dict, eine pandas.Series oder ein DataFrame sein.",
            hint="z. B. {'A': 1200, 'B': 800}",
        )
    out: dict[tuple[str, ...], float] = {}
    for key, value in items:
        if len(key) != len(columns):
            raise ParameterError(f"Kategorie {key} passt nicht zu den Spalten {columns}.")
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = np.nan
        if not np.isfinite(number) or number < 0:
            raise DataError(
                f"Randverteilung {'×'.join(columns)}: Kategorie {'/'.join(key)} hat keinen gültigen "
                f"Wert ({value!r}).",
                hint="Nur endliche Anzahlen >= 0 angeben.",
            )
        if key in out:
            raise DataError(
                f"Randverteilung {'×'.join(columns)}: Kategorie {'/'.join(key)} doppelt."
            )
        out[key] = number
    if not out:
        raise DataError(f"Randverteilung für {columns} ist leer.")
    return out


def _fail_missing(col: str, bad: np.ndarray) -> None:
    if bad.any():
        raise DataError(
            f"Spalte '{col}' hat fehlende Werte bei Befragten; sie können keiner Kategorie "
            "der Randverteilung zugeordnet werden.",
            column=col,
            rows=(np.flatnonzero(bad) + 1).tolist(),
            hint="Fehlende Werte imputieren oder als eigene Kategorie in Daten und Randverteilung führen.",
        )


def row_categories(
    design: SurveyDesign, columns: list[str]
) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    """Category code of each row for the crossed ``columns`` and the category keys.

    Parameters
    ----------
    design : SurveyDesign
        The design; missing values among respondents raise :class:`DataError`.
    columns : list of str
        Category column(s).

    Returns
    -------
    tuple
        ``(codes, keys)``: code per row and the key (tuple of text) per code.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.weighting import SurveyDesign
    >>> row_categories(SurveyDesign(pd.DataFrame({"g": [2, 1, 2]})), ["g"])
    (array([1, 0, 1]), [('1',), ('2',)])
    """
    data = design._data
    missing_cols = [c for c in columns if c not in data.columns]
    if missing_cols:
        raise DataError(
            f"Spalte '{missing_cols[0]}' der Randverteilung fehlt in den Befragungsdaten.",
            column=missing_cols[0],
            hint=f"Vorhandene Spalten: {', '.join(map(str, data.columns[:30]))}",
        )
    active = design._w > 0
    if len(columns) == 1:
        codes, uniques = pd.factorize(data[columns[0]], sort=True)
        _fail_missing(columns[0], (codes < 0) & active)
        return codes.astype(np.int64, copy=False), [(str(u),) for u in uniques]
    combined = np.zeros(len(data), dtype=np.int64)
    uniques_per_col = []
    for col in columns:
        codes, uniques = pd.factorize(data[col], sort=True)
        _fail_missing(col, (codes < 0) & active)
        combined = combined * (len(uniques) + 1) + (codes + 1)
        uniques_per_col.append([str(u) for u in uniques])
    codes, uniq = pd.factorize(combined, sort=True)
    keys = []
    for value in uniq:
        parts = []
        for col_uniques in reversed(uniques_per_col):
            base = len(col_uniques) + 1
            value, c = divmod(int(value), base)
            parts.append(col_uniques[c - 1] if c > 0 else "")
        keys.append(tuple(reversed(parts)))
    return codes.astype(np.int64), keys


def match_margin(
    design: SurveyDesign, columns: Sequence[str], population: Any, *, partial: bool = False
) -> Margin:
    """Match the respondents of ``design`` to a population margin.

    Parameters
    ----------
    design : SurveyDesign
        The design (rows with weight 0 are ignored).
    columns : sequence of str
        Category column(s).
    population : dict, pandas.Series or pandas.DataFrame
        Population count per category.
    partial : bool
        Categories of the population without respondents are ignored (their
        target set to 0) with a warning instead of raising, as R's
        ``postStratify(partial = TRUE)``; the weights then sum to less than
        the population.

    Returns
    -------
    Margin
        Row codes and targets.

    Raises
    ------
    DataError
        Respondents in a category that the margin lacks, a margin category
        with population but no respondents, missing category values, invalid
        counts.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.weighting import SurveyDesign
    >>> d = SurveyDesign(pd.DataFrame({"g": ["a", "c"]}))
    >>> match_margin(d, ["g"], {"a": 1, "b": 1})
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: Randverteilung g: Befragte in Kategorie(n) ohne Populationswert: c
    ...
    """
    columns = list(columns)
    pop = _population_dict(columns, population)
    row_codes, keys = row_categories(design, columns)
    active = design._w > 0
    labels = list(pop)
    index = {k: i for i, k in enumerate(labels)}
    mapping = np.array([index.get(k, -1) for k in keys], dtype=np.int64)
    codes = mapping[row_codes]
    name = "×".join(columns)
    unknown = (codes < 0) & active
    if unknown.any():
        cats = sorted({"/".join(keys[c]) for c in row_codes[unknown]})
        raise DataError(
            f"Randverteilung {name}: Befragte in Kategorie(n) ohne Populationswert: {', '.join(cats[:10])}",
            column=columns[0],
            rows=(np.flatnonzero(unknown) + 1).tolist(),
            hint="Kategorie in der Randverteilung ergänzen oder in den Daten umkodieren (Schreibweise prüfen).",
        )
    targets = np.array([pop[k] for k in labels])
    codes = np.where(codes < 0, 0, codes)  # only rows with weight 0 can be outside the margin here
    sample = np.bincount(codes, weights=design._w, minlength=len(labels))
    empty = (sample <= 0) & (targets > 0)
    if empty.any() and partial:
        cats = ["/".join(labels[i]) for i in np.flatnonzero(empty)]
        warnings.warn(
            f"Randverteilung {name}: Kategorie(n) ohne Befragte werden ignoriert (partial): "
            f"{', '.join(cats[:10])}.",
            UserWarning,
            stacklevel=3,
        )
        targets = np.where(empty, 0.0, targets)
        empty[:] = False
    if empty.any():
        cats = ["/".join(labels[i]) for i in np.flatnonzero(empty)]
        raise DataError(
            f"Randverteilung {name}: Kategorie(n) ohne Befragte: {', '.join(cats[:10])}; "
            "ihr Populationsanteil kann nicht getragen werden.",
            column=columns[0],
            hint="Kategorien zusammenlegen (z. B. benachbarte Altersgruppen) oder die Kategorie weglassen.",
        )
    zero_pop = (sample > 0) & (targets == 0)
    if zero_pop.any():
        cats = ["/".join(labels[i]) for i in np.flatnonzero(zero_pop)]
        raise DataError(
            f"Randverteilung {name}: Kategorie(n) mit Befragten, aber Populationswert 0: {', '.join(cats[:10])}.",
            column=columns[0],
            hint="Randverteilung prüfen; Befragte dieser Kategorie würden Gewicht 0 erhalten.",
        )
    return Margin(tuple(columns), tuple(labels), targets, codes)


def check_totals_agree(margins: Sequence[Margin], rtol: float = 1e-6) -> float:
    """Check that all margins sum to the same population size.

    Parameters
    ----------
    margins : sequence of Margin
        Matched margins.
    rtol : float
        Largest accepted relative difference.

    Returns
    -------
    float
        The common total (of the first margin).

    Raises
    ------
    DataError
        If totals disagree; margins with different totals cannot all be met
        and raking would never converge.

    Examples
    --------
    >>> a = Margin(("x",), (("1",),), np.array([10.0]), np.zeros(1, dtype=int))
    >>> check_totals_agree([a, a])
    10.0
    """
    totals = [float(m.targets.sum()) for m in margins]
    base = totals[0]
    for m, t in zip(margins, totals, strict=True):
        if abs(t - base) > rtol * max(abs(base), 1.0):
            listing = ", ".join(
                f"{mm.name}={de(tt)}" for mm, tt in zip(margins, totals, strict=True)
            )
            raise DataError(
                f"Die Randverteilungen haben verschiedene Summen ({listing}); "
                f"relative Abweichung {abs(t - base) / max(abs(base), 1.0):.3g}.",
                column=m.columns[0],
                hint="Alle Ränder müssen dieselbe Grundgesamtheit beschreiben (Stichtag, Abgrenzung); "
                "ggf. auf eine gemeinsame Summe skalieren.",
            )
    return base
