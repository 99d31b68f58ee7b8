"""Population by age groups, and the age intervals of population bins (private).

The wide population frame has one count per age bin. With single years of
age the bins are :data:`SINGLE_YEAR_BINS`; a table by age groups (the 17
groups of 12411-02-03-4 or any other official grouping) has one bin per
group. An indicator asks :func:`bins_within` for the bins that make up the
ages it needs and is left out when they do not tile them exactly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from toolkit.errors import DataError
from toolkit.indicators._counts import group_sum, prepare
from toolkit.indicators._population import AGE_BIN_25U65, widen

__all__ = ["RATE_AGES", "SINGLE_YEAR_BINS", "bins_within", "grouped_population", "missing_ages"]

#: Age interval ``[from, to)`` of each single-year bin (``to`` None: open).
SINGLE_YEAR_BINS: tuple[tuple[int, int | None], ...] = (
    *((a, a + 1) for a in range(AGE_BIN_25U65)),
    (25, 65),
    (65, None),
)


def bins_within(
    bins: tuple[tuple[int, int | None], ...], lo: int, hi: int | None
) -> list[int] | None:
    """Return the bins that tile the ages ``[lo, hi)`` exactly; None if they do not.

    Examples
    --------
    >>> b = ((0, 3), (3, 6), (6, 10), (10, None))
    >>> bins_within(b, 0, 6), bins_within(b, 3, None), bins_within(b, 0, 5)
    ([0, 1], [1, 2, 3], None)
    """
    inf = 10**6
    top = inf if hi is None else hi
    inside = [i for i, (a, b) in enumerate(bins) if a >= lo and (inf if b is None else b) <= top]
    covered = sorted((bins[i][0], inf if bins[i][1] is None else bins[i][1]) for i in inside)
    edge = lo
    for a, b in covered:
        if a != edge:
            return None
        edge = b
    return inside if edge == top and inside else None


def grouped_population(
    df: pd.DataFrame, value: str = "population"
) -> tuple[pd.DataFrame, tuple[tuple[int, int | None], ...]]:
    """Check a population table by age groups and make its wide frame (one bin per group).

    Rows ``age_group = insgesamt`` are used only when a table has no other
    groups (then the one bin is all ages); otherwise they are left aside.

    Returns
    -------
    tuple of (DataFrame, tuple of (int, int or None))
        Wide frame as :func:`binned_population` gives it, and the age
        interval of each bin.

    Examples
    --------
    >>> pop = pd.DataFrame({"region_code": "03251", "year": 2019, "sex": "w",
    ...                     "age_group": ["3u6", "u3"], "population": [5, 7]})
    >>> wide, bins = grouped_population(pop)
    >>> bins, wide[["n0", "n1"]].values.tolist()
    (((0, 3), (3, 6)), [[7.0, 5.0]])
    """
    from toolkit.indicators._regions import normalize_codes
    from toolkit.io._specs import TOTAL, age_interval

    out = prepare(df, "population", value, ("age_group", "sex"))
    out["region_code"] = normalize_codes(out["region_code"], "population")
    labels = out["age_group"].astype(str).str.strip()
    spans = {lab: age_interval(lab) for lab in pd.unique(labels)}
    bad = [lab for lab, span in spans.items() if span is None]
    if bad:
        raise DataError(
            f"Tabelle 'population': unbekannte Altersgruppe {bad[0]!r}.",
            file="population",
            column="age_group",
            rows=np.flatnonzero(labels.isin(bad).to_numpy())[:20] + 1,
            hint="Altersgruppen schreiben wie 'u3', '3u6', '75plus' (data_samples/README.md).",
        )
    groups = [lab for lab in spans if lab != TOTAL]
    if groups:
        keep = (labels != TOTAL).to_numpy()
        out, labels = out[keep], labels[keep]
    else:
        groups = [TOTAL]
    order = sorted(groups, key=lambda lab: spans[lab][0])
    bins = tuple(spans[lab] for lab in order)
    index = {lab: i for i, lab in enumerate(order)}
    binned = group_sum(
        out.assign(age=labels.map(index).to_numpy(dtype="int64")),
        ["region_code", "year", "sex", "age"],
    )
    return widen(binned, len(bins)), bins


#: Ages each rate needs: numerator and denominator (None: all ages).
RATE_AGES: dict[str, tuple[tuple[int, int | None], tuple[int, int | None] | None]] = {
    "jugendquotient": ((0, 20), (20, 65)),
    "altenquotient": ((65, None), (20, 65)),
    "anteil_unter_18": ((0, 18), None),
    "anteil_65plus": ((65, None), None),
}


def _ages(lo: int, hi: int | None) -> str:
    if hi is None:
        return f"ab {lo} Jahren"
    return f"unter {hi} Jahren" if lo == 0 else f"von {lo} bis unter {hi} Jahren"


def missing_ages(ctx: Any, code: str) -> str:
    """Return why ``code`` cannot be computed from the population's age bins ("" if it can).

    Examples
    --------
    >>> pop = pd.DataFrame({"region_code": "03251", "year": 2019, "sex": "w",
    ...                     "age_group": ["u3", "3u6", "6plus"], "population": [1, 2, 3]})
    >>> from toolkit.indicators._context import Context
    >>> missing_ages(Context({"population": pop}), "anteil_unter_18")
    'Bevölkerung unter 18 Jahren nicht aus den Altersgruppen der Daten bildbar (vorhanden: u3, 3u6, 6plus)'
    """
    from toolkit.io._specs import age_group_label

    num, den = RATE_AGES[code]
    for lo, hi in (num,) if den is None else (num, den):
        if ctx.age_bins(lo, hi) is None:
            have = ", ".join(age_group_label(a, b) for a, b in ctx.population_bins())
            return (
                f"Bevölkerung {_ages(lo, hi)} nicht aus den Altersgruppen der Daten bildbar "
                f"(vorhanden: {have})"
            )
    return ""
