"""Survey estimates with confidence intervals (private)."""

from __future__ import annotations

import math

import pandas as pd

from toolkit.charts._base import (
    OKABE_ITO,
    Chart,
    _axis_unit_label,
    _new_figure,
    _require,
    _short_alt,
    _styled,
    _title,
    _wrap,
    german_axis_formatter,
)
from toolkit.errors import DataError, ParameterError
from toolkit.text import fmt_number, fmt_value, is_missing

__all__ = ["SURVEY_SOURCE", "estimate_chart"]

#: Source line of survey charts.
SURVEY_SOURCE = "Befragung (gewichtete Schätzung); eigene Berechnungen"


def estimate_chart(
    estimates: pd.DataFrame,
    *,
    label: str = "label",
    unit: str = "%",
    title: str = "",
    level: float = 0.95,
    source: str = SURVEY_SOURCE,
) -> Chart:
    r"""Dot plot of survey estimates with confidence intervals.

    Parameters
    ----------
    estimates : pandas.DataFrame
        One row per estimate with columns ``label``, ``value``, ``ci_low``,
        ``ci_high`` and optionally ``flag``; rows drawn top to bottom.
    label : str, default "label"
        Column with the row labels (e.g. the Sozialraum name).
    unit : str, default "%"
        Unit of value and interval bounds.
    title : str, optional
        Chart title.
    level : float, default 0.95
        Confidence level, used in the text only.
    source : str, optional
        Source line under the chart (default: a weighted survey estimate, not
        the official statistics named under the other charts).

    Returns
    -------
    Chart
        Figure, alt text with every estimate and interval and a finding
        comparing the highest and lowest estimate. Non-overlapping
        intervals imply a significant difference; overlapping ones do not
        prove the absence of one, so the finding says "nicht eindeutig".

    Raises
    ------
    DataError
        If columns are missing or no estimate is given.
    ParameterError
        If ``level`` is not between 0 and 1.

    Examples
    --------
    >>> import pandas as pd
    >>> e = pd.DataFrame({"label": ["Nord", "Süd"], "value": [60.0, 64.0],
    ...                   "ci_low": [50.0, 55.0], "ci_high": [70.0, 73.0]})
    >>> estimate_chart(e, title="Bedarf").finding
    'Höchster Wert: Süd (64,0\xa0%), niedrigster: Nord (60,0\xa0%); die 95-%-Konfidenzintervalle überschneiden sich, der Unterschied ist nicht eindeutig.'
    """
    _require(estimates, [label, "value", "ci_low", "ci_high"], "Schätzungen")
    if estimates.empty:
        raise DataError(f"Schätzungen „{title}“: keine Werte", hint="Auswahl prüfen")
    if not 0 < level < 1:
        raise ParameterError(f"level muss zwischen 0 und 1 liegen, nicht {level}")
    rows = estimates.reset_index(drop=True)
    flags = rows["flag"] if "flag" in rows.columns else pd.Series("", index=rows.index)
    shown = [
        not is_missing(v, f) and not math.isnan(float(lo)) and not math.isnan(float(hi))
        for v, f, lo, hi in zip(rows["value"], flags, rows["ci_low"], rows["ci_high"], strict=True)
    ]
    pct = fmt_number(level * 100, 0)
    fig = _new_figure(height=max(2.2, 0.4 * len(rows) + 1.1))
    with _styled():
        ax = fig.add_subplot()
        ypos = list(range(len(rows)))[::-1]
        for y, (_, r), s, f in zip(ypos, rows.iterrows(), shown, flags, strict=True):
            if s:
                v = float(r["value"])
                ax.errorbar(
                    v,
                    y,
                    xerr=[[v - float(r["ci_low"])], [float(r["ci_high"]) - v]],
                    fmt="o",
                    color=OKABE_ITO[0],
                    ecolor=OKABE_ITO[6],
                    elinewidth=3,
                    capsize=0,
                )
            else:
                ax.annotate(str(f) or "–", (0, y), va="center")
        ax.set_yticks(ypos, [_wrap(str(x), 32) for x in rows[label]])
        ax.grid(axis="y", visible=False)
        ax.xaxis.set_major_formatter(german_axis_formatter(unit))
        ax.set_xlabel(_axis_unit_label(unit))
        if unit in ("%", "Prozent"):  # shares: the axis starts at 0 (no exaggerated gaps)
            ax.set_xlim(left=0)
        _title(fig, title)
    parts = []
    for (_, r), s in zip(rows.iterrows(), shown, strict=True):
        if s:
            parts.append(
                f"{r[label]}: {fmt_value(r['value'], unit)} "
                f"({fmt_value(r['ci_low'], unit)} bis {fmt_value(r['ci_high'], unit)})"
            )
        else:
            parts.append(f"{r[label]}: nicht ausgewiesen")
    alt = _short_alt(
        f"Punktdiagramm „{title}“ mit {pct}-%-Konfidenzintervallen. " + "; ".join(parts) + "."
    )
    table = [("", "Schätzwert", f"{pct}-%-Konfidenzintervall")]
    for (_, r), s in zip(rows.iterrows(), shown, strict=True):
        ci = f"{fmt_value(r['ci_low'], unit)} bis {fmt_value(r['ci_high'], unit)}"
        table.append((str(r[label]), fmt_value(r["value"], unit) if s else ".", ci if s else ""))
    extra = {"title": title, "source": source, "data": tuple(table)}
    visible = rows[shown]
    if visible.empty:
        return Chart(
            fig, alt, "Alle Schätzwerte aus Datenschutzgründen nicht ausgewiesen.", **extra
        )
    hi = visible.loc[visible["value"].astype(float).idxmax()]
    lo = visible.loc[visible["value"].astype(float).idxmin()]
    if len(visible) == 1:
        only = f"Ausgewiesen ist nur {hi[label]} ({fmt_value(hi['value'], unit)})."
        return Chart(fig, alt, only, **extra)
    finding = (
        f"Höchster Wert: {hi[label]} ({fmt_value(hi['value'], unit)}), "
        f"niedrigster: {lo[label]} ({fmt_value(lo['value'], unit)}); "
    )
    if float(lo["ci_high"]) < float(hi["ci_low"]):
        finding += f"die {pct}-%-Konfidenzintervalle überschneiden sich nicht."
    else:
        finding += f"die {pct}-%-Konfidenzintervalle überschneiden sich, der Unterschied ist nicht eindeutig."
    return Chart(fig, alt, finding, **extra)
