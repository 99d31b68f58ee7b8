"""Values outside the catalogue's plausible range become notes (issue #14).

The indicator catalogue gives every indicator a plausible range
(``range_min``/``range_max``, e.g. Betreuungsquote 0 to 150 %). A value
outside it is not refused — a very small Gemeinde can be unusual — but it is
never passed on silently: :func:`implausible_notes` returns one German note
per indicator (how many values, the first example), which
:func:`~toolkit.indicators.compute_all` adds to ``frame.attrs["notes"]`` and
reports show under "Hinweise". Counts that no region can have are refused
earlier, when the tables are read (``toolkit.io._guards.MAX_COUNT``).

Examples
--------
>>> import pandas as pd
>>> f = pd.DataFrame({"region_code": ["17001", "17002"], "period": [2024, 2024],
...                   "indicator": ["betreuungsquote_u3"] * 2, "value": [3.5e17, 40.0]})
>>> implausible_notes(f)[0][:60]
'Unplausibel: betreuungsquote_u3 liegt bei 1 Wert(en) außerha'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["implausible_notes", "without_example"]


_EXAMPLE = ", z. B. "
_END = " — Eingangsdaten prüfen."


def without_example(note: str) -> str:
    """Return a plausibility note without its example (region, year, raw value).

    The example comes from the unprotected frame: a published report keeps the
    note but not a value that the protection may have hidden. Other notes are
    returned unchanged.

    Examples
    --------
    >>> without_example("Unplausibel: q liegt bei 1 Wert(en) außerhalb des plausiblen Bereichs "
    ...                 "0 bis 100 %, z. B. 17108 2015: 195,1 — Eingangsdaten prüfen.")
    'Unplausibel: q liegt bei 1 Wert(en) außerhalb des plausiblen Bereichs 0 bis 100 % — Eingangsdaten prüfen.'
    """
    if not note.startswith("Unplausibel: ") or _EXAMPLE not in note or not note.endswith(_END):
        return note
    return note[: note.index(_EXAMPLE)] + _END


def _number(x: float) -> str:
    text = f"{x:,.1f}" if abs(x) < 1e9 else f"{x:.3g}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".").removesuffix(",0")


def implausible_notes(frame: pd.DataFrame) -> tuple[str, ...]:
    """Return one note per indicator that has values outside its plausible range.

    Parameters
    ----------
    frame : pandas.DataFrame
        An IndicatorFrame (``region_code``, ``period``, ``indicator``, ``value``).

    Returns
    -------
    tuple of str
        German notes, e.g. ``Unplausibel: betreuungsquote_u3 liegt bei 1
        Wert(en) außerhalb des plausiblen Bereichs 0 bis 150 %, z. B. 17001
        2024: 3,5e+17 — Eingangsdaten prüfen.``

    Examples
    --------
    >>> implausible_notes(pd.DataFrame(columns=["region_code", "period", "indicator", "value"]))
    ()
    """
    if len(frame) == 0:
        return ()
    from toolkit.indicators.catalog import catalog

    ranges = catalog().set_index("code")[["range_min", "range_max", "unit"]]
    notes = []
    codes = frame["indicator"].astype("str").to_numpy()
    values = frame["value"].to_numpy(dtype=float)
    for code in pd.unique(codes):
        if code not in ranges.index:
            continue
        low, high, unit = ranges.loc[code]
        mask = (codes == code) & ~np.isnan(values) & ((values < low) | (values > high))
        if not mask.any():
            continue
        first = int(np.flatnonzero(mask)[0])
        row = frame.iloc[first]
        notes.append(
            f"Unplausibel: {code} liegt bei {int(mask.sum())} Wert(en) außerhalb des "
            f"plausiblen Bereichs {_number(low)} bis {_number(high)} {unit}, z. B. "
            f"{row['region_code']} {row['period']}: {_number(values[first])}{_END}"
        )
    return tuple(notes)
