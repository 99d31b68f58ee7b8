"""Line chart of an indicator over time with comparison regions (private)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from matplotlib.ticker import MaxNLocator

from toolkit.charts._base import (
    Chart,
    _axis_unit_label,
    _new_figure,
    _require,
    _shown,
    _shown_rows,
    _styled,
    _title,
    _year_formatter,
    german_axis_formatter,
    role_colour,
)
from toolkit.errors import DataError
from toolkit.indicators import line_trend
from toolkit.text import fmt_value, join_de

__all__ = ["course_phrase", "time_series_chart"]


def time_series_chart(
    frame: pd.DataFrame,
    indicator: str,
    region: str,
    *,
    comparisons: Sequence[str] = (),
    title: str | None = None,
) -> Chart:
    r"""Line chart of one indicator over time for a region and its comparisons.

    Parameters
    ----------
    frame : pandas.DataFrame
        IndicatorFrame (already protected); total rows (``dimension == ""``)
        are used.
    indicator : str
        Indicator code.
    region : str
        Region code of the report region (drawn first, in blue).
    comparisons : sequence of str, optional
        Codes of comparison regions, e.g. the Land and ``DG``.
    title : str, optional
        Chart title; defaults to the indicator code.

    Returns
    -------
    Chart
        Figure, alt text and a finding about the change of the region's
        value from the first to the last period shown.

    Raises
    ------
    DataError
        If columns are missing or the region has no value for the indicator.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"region_code": ["01"] * 2 + ["DG"] * 2,
    ...     "region_name": ["Nord"] * 2 + ["Deutschland"] * 2, "period": [2023, 2024] * 2,
    ...     "indicator": "q", "dimension": "", "value": [30.0, 32.5, 35.0, 36.0],
    ...     "unit": "%", "flag": ""})
    >>> time_series_chart(f, "q", "01", comparisons=["DG"], title="Quote").finding
    'Nord: Quote lag 2023 bei 30,0\xa0% und 2024 bei 32,5\xa0% (zu wenige Jahre für eine Trendaussage); Deutschland 2024: 36,0\xa0%.'
    """
    _require(
        frame, ["region_code", "region_name", "period", "indicator", "value", "unit"], "Zeitreihe"
    )
    codes = [region, *[c for c in comparisons if c != region]]
    sel = frame[(frame["indicator"] == indicator) & frame["region_code"].isin(codes)]
    if "dimension" in sel.columns:
        sel = sel[sel["dimension"].fillna("") == ""]
    own = sel[sel["region_code"] == region].sort_values("period")
    if own.empty:
        raise DataError(
            f"Keine Werte für Indikator '{indicator}' in Region {region}",
            hint="Region, Zeitraum und Indikator prüfen",
        )
    unit = str(own["unit"].iloc[0])
    title = title or indicator
    fig = _new_figure()
    with _styled():
        ax = fig.add_subplot()
        names: dict[str, str] = {}
        drawn: list[pd.DataFrame] = []
        for i, code in enumerate(codes):
            part = sel[sel["region_code"] == code].sort_values("period")
            if part.empty:
                continue
            names[code] = str(part["region_name"].iloc[0])
            shown = _shown_rows(part)
            y = part["value"].where(shown)
            ax.plot(
                part["period"].to_numpy(),
                y.to_numpy(dtype=float),
                marker="o",
                linewidth=2.4 if code == region else 1.6,
                color=role_colour(code, region, i),
                label=names[code],
            )
            drawn.append(part[shown])
        _title(fig, title)
        ax.yaxis.set_major_formatter(german_axis_formatter(unit))
        ax.set_ylabel(_axis_unit_label(unit))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(_year_formatter())
        years = sel["period"].astype(int)
        if years.nunique() <= 2:  # no invented axis range around one or two years
            ax.set_xlim(int(years.min()) - 0.5, int(years.max()) + 0.5)
            ax.set_xticks(sorted(years.unique()))
        ax.legend(loc="best")
        _honest_axis(ax, sel["value"], unit)
    own_shown = own[_shown_rows(own)]
    first_p, last_p = int(own["period"].min()), int(own["period"].max())
    alt = _series_alt(title, first_p, last_p, drawn, names, unit)
    table = _series_table(drawn, names, unit)
    if own_shown.empty:
        finding = f"{names[region]}: {title} – alle Werte aus Datenschutzgründen nicht ausgewiesen."
        return Chart(fig, alt, finding, title=title, data=table)
    b = own_shown.iloc[-1]
    finding = f"{names[region]}: {title} {course_phrase(own_shown, unit)}"
    last = sel[(sel["period"] == b["period"]) & (sel["region_code"] != region)]
    last = last.set_index("region_code")
    extra = [
        f"{names[code]} {int(b['period'])}: {fmt_value(last.at[code, 'value'], unit)}"
        for code in codes[1:]
        if code in last.index and _shown(last.loc[code])
    ]
    finding += ("; " + ", ".join(extra) if extra else "") + "."
    return Chart(fig, alt, finding, title=title, data=table)


def _honest_axis(ax: Any, values: pd.Series, unit: str) -> None:
    """Start the value axis at 0 (rates and all non-negative series); mark 0 otherwise.

    A rate axis that starts above 0 exaggerates changes, so rates always
    include 0; a series with negative values (a change) gets a line at 0.
    """
    finite = pd.to_numeric(values, errors="coerce").dropna()
    low = float(finite.min()) if not finite.empty else 0.0
    if unit in ("%", "Prozent") or low >= 0:
        ax.set_ylim(bottom=0)
    else:
        ax.axhline(0, color="#999999", linewidth=0.8)


def _series_alt(
    title: str,
    first: int,
    last: int,
    drawn: list[pd.DataFrame],
    names: dict[str, str],
    unit: str,
) -> str:
    """Alt text naming every line drawn with its first and last shown value."""
    parts = []
    for part in drawn:
        if part.empty:
            continue
        name = names[str(part["region_code"].iloc[0])]
        a, b = part.iloc[0], part.iloc[-1]
        if len(part) == 1:
            parts.append(f"{name} {fmt_value(a['value'], unit)} ({int(a['period'])})")
        else:
            parts.append(
                f"{name} von {fmt_value(a['value'], unit)} ({int(a['period'])}) "
                f"auf {fmt_value(b['value'], unit)} ({int(b['period'])})"
            )
    head = f"Liniendiagramm „{title}“, {first}–{last}, {len(names)} Linien"
    text = head + (": " + "; ".join(parts) if parts else "") + "."
    if len(text) > 250:  # too long for a screen reader: names only, values in the table
        text = f"{head}: {join_de(list(names.values()))}; Werte in der Tabelle."
    return text


def _series_table(
    drawn: list[pd.DataFrame], names: dict[str, str], unit: str
) -> tuple[tuple[str, ...], ...]:
    """Return the lines drawn as a table: one row per year, one column per region."""
    shown = [p for p in drawn if not p.empty]
    if not shown:
        return ()
    codes = [str(p["region_code"].iloc[0]) for p in shown]
    periods = sorted({int(x) for p in shown for x in p["period"]})
    header = ("Jahr", *(names[c] for c in codes))
    rows = [header]
    firsts = []  # each line's first value of a year, as the rows are ordered
    for part in shown:
        first: dict[int, object] = {}
        for period, value in zip(part["period"], part["value"], strict=True):
            first.setdefault(int(period), value)
        firsts.append(first)
    for period in periods:
        cells = [fmt_value(f[period], unit) if period in f else "." for f in firsts]
        rows.append((str(period), *cells))
    return tuple(rows)


def course_phrase(rows: pd.DataFrame, unit: str) -> str:
    r"""Describe the course of a series in words: "stieg"/"sank" only beyond noise.

    The words "stieg" and "sank" are used only when the linear trend over the
    years shown exceeds the year-to-year scatter (:func:`toolkit.indicators.line_trend`,
    ``exceeds_noise``); otherwise the series "blieb etwa gleich" (with its
    range). Two values give no trend statement at all.

    Parameters
    ----------
    rows : pandas.DataFrame
        Shown values of one region, sorted by ``period`` (columns ``period``, ``value``).
    unit : str
        Unit of the values.

    Returns
    -------
    str
        Predicate of a German sentence, e.g. ``stieg von 30,0 % (2019) auf 36,6 % (2024)``.

    Examples
    --------
    >>> import pandas as pd
    >>> up = pd.DataFrame({"period": [2021, 2022, 2023, 2024], "value": [30.0, 31.1, 32.0, 33.2]})
    >>> course_phrase(up, "%").replace("\xa0", " ")
    'stieg von 30,0 % (2021) auf 33,2 % (2024)'
    >>> flat = pd.DataFrame({"period": [2021, 2022, 2023, 2024], "value": [30.0, 31.5, 29.8, 30.9]})
    >>> course_phrase(flat, "%").replace("\xa0", " ")
    'blieb 2021–2024 etwa gleich (zwischen 29,8 % und 31,5 %)'
    """
    a, b = rows.iloc[0], rows.iloc[-1]
    va, vb = fmt_value(a["value"], unit), fmt_value(b["value"], unit)
    pa, pb = int(a["period"]), int(b["period"])
    if len(rows) == 1:
        return f"lag {pb} bei {vb}"
    t = line_trend(rows["period"].tolist(), rows["value"].astype(float).tolist())
    if t is None:
        return f"lag {pa} bei {va} und {pb} bei {vb} (zu wenige Jahre für eine Trendaussage)"
    if bool(t["exceeds_noise"]):
        verb = "stieg" if float(t["slope"]) > 0 else "sank"
        return f"{verb} von {va} ({pa}) auf {vb} ({pb})"
    low, high = float(rows["value"].min()), float(rows["value"].max())
    if fmt_value(low, unit) == fmt_value(high, unit):
        return f"blieb {pa}–{pb} bei {vb}"
    return (
        f"blieb {pa}–{pb} etwa gleich (zwischen {fmt_value(low, unit)} und {fmt_value(high, unit)})"
    )
