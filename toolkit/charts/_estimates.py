"""Survey estimates with confidence intervals (private)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from toolkit.charts._base import (
    OKABE_ITO,
    REFERENCE_COLOUR,
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
    reference: Mapping[str, float] | float | None = None,
    small_base: int = 20,
) -> Chart:
    r"""Dot plot of survey estimates with confidence intervals, one panel per item.

    Parameters
    ----------
    estimates : pandas.DataFrame
        One row per estimate with columns ``label``, ``value``, ``ci_low``,
        ``ci_high`` and optionally ``flag``, ``n`` (respondents) and ``panel``
        (item name: one panel per item side by side, rows shared); rows
        drawn top to bottom.
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
    reference : float or mapping of panel to float, optional
        The "insgesamt" value drawn as a dashed line in each panel.
    small_base : int, default 20
        Estimates from fewer respondents (column ``n``) are marked ``*`` in
        the table and never named as highest or lowest value.

    Returns
    -------
    Chart
        Figure, a short alt text (what is drawn, highest and lowest value,
        the "insgesamt" line; every value in the data table under it) and a
        finding naming the highest and lowest estimate. Whether groups differ
        is a question for a test (``toolkit.weighting.pairwise``), not for
        overlapping intervals: the finding makes no such claim.

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
    ...                   "ci_low": [50.0, 55.0], "ci_high": [70.0, 73.0], "n": [80, 75]})
    >>> estimate_chart(e, title="Bedarf", reference=62.0).finding
    'Höchster Wert: Süd (64,0\xa0%), niedrigster: Nord (60,0\xa0%); insgesamt 62,0\xa0%.'
    """
    _require(estimates, [label, "value", "ci_low", "ci_high"], "Schätzungen")
    if estimates.empty:
        raise DataError(f"Schätzungen „{title}“: keine Werte", hint="Auswahl prüfen")
    if not 0 < level < 1:
        raise ParameterError(f"level muss zwischen 0 und 1 liegen, nicht {level}")
    rows = estimates.reset_index(drop=True)
    if "panel" not in rows.columns:
        rows = rows.assign(panel="")
    rows = rows.assign(
        flag=rows["flag"] if "flag" in rows.columns else "",
        n=rows["n"] if "n" in rows.columns else float("nan"),
    )
    rows["_shown"] = [
        not is_missing(v, f) and not math.isnan(float(lo)) and not math.isnan(float(hi))
        for v, f, lo, hi in zip(
            rows["value"], rows["flag"], rows["ci_low"], rows["ci_high"], strict=True
        )
    ]
    rows["_small"] = pd.to_numeric(rows["n"], errors="coerce") < small_base
    panels = list(dict.fromkeys(rows["panel"]))
    labels = list(dict.fromkeys(rows[label].astype(str)))
    refs = _references(reference, panels)
    pct = fmt_number(level * 100, 0)
    fig = _new_figure(height=max(2.2, 0.26 * len(labels) + 1.2))
    with _styled():
        axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
        ypos = {lab: y for lab, y in zip(labels, range(len(labels))[::-1], strict=True)}
        for ax, panel in zip(axes, panels, strict=True):
            _draw_panel(ax, rows[rows["panel"] == panel], label, ypos, refs.get(panel), unit)
            if panel:
                ax.set_title(_wrap(panel, 28), fontsize=9)
        axes[0].set_yticks(list(ypos.values()), [_wrap(x, 26) for x in ypos])
        _title(fig, title)
    alt, finding = _texts(rows, label, unit, title, pct, refs, len(labels))
    table = [("", *(f"{p} ({pct}-%-KI)" if p else f"Schätzwert ({pct}-%-KI)" for p in panels))]
    if rows["n"].notna().any():
        table[0] = (*table[0], "Antworten")
    for lab in labels:
        part = rows[rows[label].astype(str) == lab].set_index("panel")
        cells = [_cell(part.loc[p], unit) if p in part.index else "" for p in panels]
        if rows["n"].notna().any():
            n = part["n"].dropna()
            cells.append(fmt_number(n.max()) if not n.empty else ".")
        table.append((lab, *cells))
    extra = {"title": title, "source": source, "data": tuple(table)}
    return Chart(fig, alt, finding, **extra)


def _references(reference: Any, panels: list[str]) -> dict[str, float]:
    if reference is None:
        return {}
    if isinstance(reference, Mapping):
        return {str(k): float(v) for k, v in reference.items()}
    return dict.fromkeys(panels, float(reference))


def _draw_panel(
    ax: Any, part: pd.DataFrame, label: str, ypos: dict[str, int], ref: float | None, unit: str
) -> None:
    for _, r in part.iterrows():
        y = ypos[str(r[label])]
        if r["_shown"]:
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
            ax.annotate(str(r["flag"]) or ".", (0, y), va="center")
    if ref is not None:
        ax.axvline(ref, color=REFERENCE_COLOUR, linestyle="--", linewidth=1.3)
        ax.annotate(
            f"insgesamt {fmt_value(ref, unit)}",
            (ref, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(3, -2),
            textcoords="offset points",
            fontsize=7.5,
            va="top",
        )
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(german_axis_formatter(unit))
    ax.set_xlabel(_axis_unit_label(unit))
    if unit in ("%", "Prozent"):  # shares: the axis starts at 0 (no exaggerated gaps)
        ax.set_xlim(left=0)


def _cell(r: pd.Series, unit: str) -> str:
    if not r["_shown"]:
        return str(r["flag"]) or "."
    mark = "*" if bool(r["_small"]) else ""
    return (
        f"{fmt_value(r['value'], unit)}{mark} "
        f"({fmt_value(r['ci_low'], unit)} bis {fmt_value(r['ci_high'], unit)})"
    )


def _texts(
    rows: pd.DataFrame, label: str, unit: str, title: str, pct: str, refs: dict, n_rows: int
) -> tuple[str, str]:
    """Short alt text and finding: highest and lowest shown value on a sufficient base."""
    alt_parts, findings = [], []
    for panel in dict.fromkeys(rows["panel"]):
        part = rows[(rows["panel"] == panel) & rows["_shown"] & ~rows["_small"]]
        head = f"{panel}: " if panel else ""
        ref = refs.get(panel)
        tail = f"; insgesamt {fmt_value(ref, unit)}" if ref is not None else ""
        if part.empty:
            findings.append(f"{head}kein Wert auf ausreichender Basis ausgewiesen")
            alt_parts.append(f"{head}keine Werte")
            continue
        hi = part.loc[part["value"].astype(float).idxmax()]
        lo = part.loc[part["value"].astype(float).idxmin()]
        if len(part) == 1:
            findings.append(
                f"{head}Ausgewiesen ist nur {hi[label]} ({fmt_value(hi['value'], unit)}){tail}"
            )
        else:
            findings.append(
                f"{head}Höchster Wert: {hi[label]} ({fmt_value(hi['value'], unit)}), "
                f"niedrigster: {lo[label]} ({fmt_value(lo['value'], unit)}){tail}"
            )
        alt_parts.append(
            f"{head}{hi[label]} {fmt_value(hi['value'], unit)} bis {lo[label]} "
            f"{fmt_value(lo['value'], unit)}{tail}"
        )
    alt = (
        f"Punktdiagramm „{title}“ mit {pct}-%-Konfidenzintervallen für {n_rows} Gruppen. "
        + "; ".join(alt_parts)
        + ". Alle Werte in der Tabelle."
    )
    return _short_alt(alt, 250), "; ".join(findings) + "."
