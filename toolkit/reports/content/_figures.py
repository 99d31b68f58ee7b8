"""Key figures of a report: values, change against the previous period, comparisons, sentences."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from toolkit.charts import RATE_UNITS as _RATE_UNITS
from toolkit.charts import SMALL_BASE as _CHART_SMALL_BASE
from toolkit.errors import ParameterError
from toolkit.reports.content._html import Html, esc, html_table
from toolkit.text import (
    fmt_number,
    fmt_pp,
    fmt_value,
    indicator_sentence,
    is_missing,
    round_half_up,
)

__all__ = [
    "SMALL_BASE",
    "is_small_base",
    "key_figures",
    "key_figures_html",
    "rounding_differs",
    "sentences_html",
    "subject_of",
]

#: Rule for rates on a small base: a rate whose denominator is under 20 cases
#: (or, for rates without one denominator such as the Vertragslösungsquote after
#: the Schichtenmodell, whose numerator is under 20) is flagged in tables
#: ("kleine Basis") and never drives a sentence about the highest or lowest
#: value or a key message: a handful of cases moves it by many Prozentpunkte.
SMALL_BASE = _CHART_SMALL_BASE  # the same rule as the charts' and maps' "*" marks


def is_small_base(numerator: object, denominator: object, unit: str) -> bool:
    """Tell whether a rate rests on a small base (see :data:`SMALL_BASE`).

    Counts are never "small base"; a rate without numerator and denominator
    cannot be judged and is not flagged.

    Examples
    --------
    >>> is_small_base(9, float("nan"), "%"), is_small_base(9, 40, "%"), is_small_base(3, 12, "%")
    (True, False, True)
    >>> is_small_base(5, float("nan"), "Anzahl")
    False
    """
    if unit not in _RATE_UNITS:
        return False
    for base in (denominator, numerator):
        try:
            b = float(base)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        if not math.isnan(b):
            return b < SMALL_BASE
    return False


def rounding_differs(value: float, previous: float, change: float, unit: str) -> bool:
    """Tell whether a change (from unrounded values) differs from the difference of the shown values.

    Changes are computed from unrounded values, as in official tables; where
    the shown change differs from the difference of the two shown (rounded)
    values, the report adds a "Rundungsdifferenzen" note.

    Examples
    --------
    >>> rounding_differs(36.64, 35.26, 36.64 - 35.26, "%")  # shown 36,6 and 35,3, change 1,4
    True
    >>> rounding_differs(36.6, 35.3, 36.6 - 35.3, "%")
    False
    """
    if unit not in _RATE_UNITS or is_missing(value) or is_missing(previous) or is_missing(change):
        return False
    shown = round_half_up(value, 1) - round_half_up(previous, 1)
    return round_half_up(change, 1) != round_half_up(shown, 1)


def subject_of(name: str) -> str:
    """Return the subject of a German sentence about an indicator.

    The article follows the head noun of the catalogue name (``…quote`` and
    ``Anzahl`` are feminine, ``Anteil`` and ``…quotient`` masculine); other
    names are quoted after "Der Wert".

    Parameters
    ----------
    name : str
        Indicator name from the catalogue.

    Returns
    -------
    str
        Subject with article.

    Examples
    --------
    >>> subject_of("Betreuungsquote unter 3 Jahren")
    'Die Betreuungsquote unter 3 Jahren'
    >>> subject_of("Anteil der Abgänge ohne Abschluss")
    'Der Anteil der Abgänge ohne Abschluss'
    >>> subject_of("Neue Ausbildungsverträge")
    'Der Wert „Neue Ausbildungsverträge“'
    """
    head = name.split(" ", 1)[0].lower()
    if head.endswith(("quote", "rate")) or head in ("anzahl", "zahl", "summe"):
        return f"Die {name}"
    if head.endswith(("quotient", "anteil")) or head == "anteil":
        return f"Der {name}"
    return f"Der Wert „{name}“"


def _total_rows(frame: pd.DataFrame) -> pd.DataFrame:
    if "dimension" in frame.columns:
        return frame[frame["dimension"].fillna("") == ""]
    return frame


def _lookup(rows: pd.DataFrame, code: str, period: int) -> tuple[float, str]:
    hit = rows[(rows["region_code"] == code) & (rows["period"] == period)]
    if hit.empty:
        return math.nan, ""
    r = hit.iloc[0]
    return float(r["value"]), str(r["flag"])


def _signed_change(cur: float, prev: float, unit: str) -> tuple[float, str]:
    if unit in _RATE_UNITS:
        delta = cur - prev
        text = fmt_pp(delta)
        if unit != "%":
            text = text.replace("Prozentpunkte", "Punkte").replace("Prozentpunkt", "Punkt")
        return delta, text
    if prev == 0:
        return math.nan, "x"  # no percent change from zero
    delta = (cur - prev) / prev * 100
    sign = "+" if round(delta, 1) > 0 else ""
    return delta, sign + fmt_number(delta, 1) + "\u00a0%"


def key_figures(
    frame: pd.DataFrame,
    region: str,
    period: int,
    indicators: Sequence[str],
    comparison: Sequence[str] = (),
    *,
    catalogue: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    r"""Collect the key figures of a report: value, change, comparison values.

    Parameters
    ----------
    frame : pandas.DataFrame
        IndicatorFrame **after** disclosure control; total rows are used.
    region : str
        Region code of the report.
    period : int
        Report period.
    indicators : sequence of str
        Indicator codes in display order; codes without any row for the
        region or a comparison region are left out.
    comparison : sequence of str, optional
        Comparison region codes (e.g. Land and ``DG``).
    catalogue : pandas.DataFrame
        Indicator catalogue (``toolkit.indicators.catalog()``).
    labels : mapping, optional
        Short labels for the comparison regions (default: their names).

    Returns
    -------
    pandas.DataFrame
        One row per indicator with ``indicator, name, unit, value, flag,
        previous_period, previous, previous_flag, change, change_text,
        sentence`` and, per comparison region ``c``, ``value_c`` and
        ``flag_c``. ``change`` is in Prozentpunkte for rates and in percent
        for counts, computed from unrounded values; it is NaN when either
        value is hidden.

    Raises
    ------
    ParameterError
        If an indicator code is not in the catalogue.

    Examples
    --------
    >>> import pandas as pd
    >>> cat = pd.DataFrame({"code": ["q"], "name_de": ["Betreuungsquote"], "unit": ["%"]})
    >>> f = pd.DataFrame({"region_code": ["01", "01", "DG"], "region_name": ["A", "A", "Deutschland"],
    ...     "period": [2023, 2024, 2024], "indicator": "q", "dimension": "", "value": [30.0, 31.5, 36.0],
    ...     "unit": "%", "flag": ""})
    >>> kf = key_figures(f, "01", 2024, ["q"], ["DG"], catalogue=cat, labels={"DG": "Bund"})
    >>> kf.loc[0, "sentence"].replace("\xa0", " ")
    'Die Betreuungsquote lag 2024 bei 31,5 % – 1,5 Prozentpunkte mehr als im Vorjahr; Bund: 36,0 %.'
    """
    cat = catalogue.set_index("code")
    unknown = [c for c in indicators if c not in cat.index]
    if unknown:
        raise ParameterError(
            f"Unbekannte Indikatoren: {', '.join(unknown)}",
            hint="Codes aus toolkit.indicators.catalog() verwenden",
        )
    labels = dict(labels or {})
    totals = _total_rows(frame)
    out = []
    for code in indicators:
        rows = totals[totals["indicator"] == code]
        codes_present = set(rows["region_code"])
        if region not in codes_present and not codes_present & set(comparison):
            continue
        name = str(cat.at[code, "name_de"])
        unit = str(rows["unit"].iloc[0]) if not rows.empty else str(cat.at[code, "unit"])
        value, flag = _lookup(rows, region, period)
        earlier = rows[(rows["region_code"] == region) & (rows["period"] < period)]
        prev_period = int(earlier["period"].max()) if not earlier.empty else None
        prev, prev_flag = _lookup(rows, region, prev_period) if prev_period else (math.nan, "")
        # "." a value is hidden or unknown; "x" no earlier period to compare with
        change, change_text = math.nan, ("x" if prev_period is None else ".")
        if not is_missing(value, flag) and not is_missing(prev, prev_flag):
            change, change_text = _signed_change(value, prev, unit)
        num, den = _base(rows, region, period)
        record: dict[str, object] = {
            "indicator": code,
            "name": name,
            "unit": unit,
            "value": value,
            "flag": flag,
            "previous_period": prev_period,
            "previous": prev,
            "previous_flag": prev_flag,
            "change": change,
            "change_text": change_text,
            "numerator": num,
            "denominator": den,
            "small_base": is_small_base(num, den, unit),
        }
        comps = []
        for c in comparison:
            cv, cf = _lookup(rows, c, period)
            record[f"value_{c}"], record[f"flag_{c}"] = cv, cf
            label = labels.get(c) or _name_in(frame, c)
            comps.append((label, cv, cf))
        if unit not in _RATE_UNITS:
            comps = []  # counts of regions of different size are not compared
        if region in codes_present:
            record["sentence"] = indicator_sentence(
                subject_of(name),
                period,
                value,
                unit,
                flag=flag,
                previous=prev,
                previous_flag=prev_flag,
                previous_period=prev_period,
                comparisons=comps,
            )
        elif not comps:
            record["sentence"] = f"{subject_of(name)} liegt für diese Gebietsebene nicht vor."
        else:
            shown = "; ".join(f"{lab}: {fmt_value(v, unit, flag=f)}" for lab, v, f in comps)
            record["sentence"] = (
                f"{subject_of(name)} liegt für diese Gebietsebene nicht vor; {shown}."
            )
        out.append(record)
    return pd.DataFrame(out)


def _base(rows: pd.DataFrame, code: str, period: int) -> tuple[float, float]:
    """Numerator and denominator of a region's value (NaN where not in the frame)."""
    hit = rows[(rows["region_code"] == code) & (rows["period"] == period)]
    if hit.empty:
        return math.nan, math.nan
    r = hit.iloc[0]
    return float(r.get("numerator", math.nan)), float(r.get("denominator", math.nan))


def _name_in(frame: pd.DataFrame, code: str) -> str:
    hit = frame.loc[frame["region_code"] == code, "region_name"]
    return str(hit.iloc[0]) if not hit.empty else code


def key_figures_html(
    figures: pd.DataFrame,
    region_label: str,
    period: int | str,
    comparison_labels: Mapping[str, str],
    *,
    datenstand: str = "",
) -> Html:
    r"""Render key figures as a table (value, case numbers, change, comparisons).

    Rates show their case numbers (numerator and denominator; ``x`` where a
    rate has no single denominator) next to the value; rates on a small base
    (:data:`SMALL_BASE`) are marked with ``*`` and explained under the table.
    Where a change differs from the difference of the shown rounded values,
    a "Rundungsdifferenzen" note follows.

    Parameters
    ----------
    figures : pandas.DataFrame
        Result of :func:`key_figures`.
    region_label : str
        Column heading of the report region.
    period : int or str
        Period shown in the heading.
    comparison_labels : mapping
        Comparison region code to column heading, in column order.
    datenstand : str, optional
        Datenstand of the tables the figures come from, shown under the table.

    Returns
    -------
    Html
        An accessible table and its notes; hidden values show their symbol.

    Examples
    --------
    >>> import pandas as pd
    >>> kf = pd.DataFrame({"name": ["Quote"], "unit": ["%"], "value": [31.5], "flag": [""],
    ...     "change_text": ["+1,5 Prozentpunkte"], "value_DG": [36.0], "flag_DG": [""],
    ...     "numerator": [9.0], "denominator": [float("nan")], "small_base": [True]})
    >>> html = key_figures_html(kf, "A", 2024, {"DG": "Bund"})
    >>> '<td style="text-align:right">31,5 %*</td>' in html and "9 / x" in html
    True
    """
    header = ["Kennzahl", f"{region_label} {period}", "Fallzahlen (Zähler / Nenner)"]
    header += ["Veränderung zum Vorjahr", *comparison_labels.values()]
    rows, small, rounding = [], False, False
    for _, r in figures.iterrows():
        mark = (
            "*"
            if bool(r.get("small_base", False)) and not is_missing(r["value"], r["flag"])
            else ""
        )
        small |= bool(mark)
        cells = [str(r["name"]), fmt_value(r["value"], r["unit"], flag=r["flag"]) + mark]
        cells.append(_cases(r))
        change = str(r["change_text"])
        if rounding_differs(r["value"], r.get("previous"), r.get("change"), str(r["unit"])):
            change += "²"
            rounding = True
        cells.append(change)
        for c in comparison_labels:
            if str(r["unit"]) not in _RATE_UNITS:  # counts of regions of different size:
                cells.append("x")  # "x" = a comparison would make no sense
                continue
            cells.append(fmt_value(r.get(f"value_{c}"), r["unit"], flag=r.get(f"flag_{c}", "")))
        rows.append(cells)
    table = html_table(
        header,
        rows,
        caption="Kennzahlen im Überblick",
        numeric=[False] + [True] * (len(header) - 1),
    )
    notes = []
    if small:
        notes.append(
            f"* Kleine Basis: weniger als {SMALL_BASE} Fälle im Nenner (bzw. im Zähler, wo es "
            "keinen einzelnen Nenner gibt); schon wenige Fälle verschieben den Wert stark."
        )
    if rounding:
        notes.append(
            "² Rundungsdifferenzen: Veränderungen sind aus den ungerundeten Werten berechnet "
            "und können von der Differenz der gezeigten, gerundeten Werte abweichen."
        )
    if datenstand:
        notes.append(datenstand)
    foot = "".join(f'<p class="dkbm-tablenote">{esc(n)}</p>' for n in notes)
    return Html(table + foot)


def _cases(r: pd.Series) -> str:
    """Numerator and denominator of a rate as shown next to it ("3.996 / 8.840")."""
    if str(r["unit"]) not in _RATE_UNITS:
        return ""
    if is_missing(r["value"], r["flag"]):
        return str(r["flag"] or ".")
    num, den = r.get("numerator"), r.get("denominator")
    # counts as table cells: an exact zero is "–" (official sign), as the legend says
    left = fmt_value(num, "Anzahl") if not is_missing(num) else "."
    right = fmt_value(den, "Anzahl") if not is_missing(den) else "x"
    return f"{left} / {right}"


def sentences_html(sentences: Sequence[str]) -> Html:
    """Render sentences as a bulleted list.

    Examples
    --------
    >>> sentences_html(["A.", "B."])
    '<ul class="dkbm-facts"><li>A.</li><li>B.</li></ul>'
    """
    items = "".join(f"<li>{esc(s)}</li>" for s in sentences)
    return Html(f'<ul class="dkbm-facts">{items}</ul>')
