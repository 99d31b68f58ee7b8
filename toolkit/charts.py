r"""Report charts: colour-blind safe, German number format, alt text and finding.

Every chart function returns a :class:`Chart`: the matplotlib figure, an alt
text describing what the chart shows (for screen readers, written into the
``alt`` attribute of the image) and a one-line German finding printed under
it. Charts are drawn with matplotlib's object interface (no ``pyplot``), so
no figure is kept in global state between reports and nothing leaks from one
report of a batch into the next; the look follows seaborn's ``whitegrid``
style with the Okabe–Ito palette, which stays distinguishable for the common
forms of colour blindness.

Values hidden by disclosure control (NaN or a flag such as ``.``) are never
drawn: lines have a gap, bars are replaced by the symbol.

References
----------
Okabe, M. and Ito, K. (2008). Color Universal Design (CUD): How to make
figures and presentations that are friendly to colorblind people.

Examples
--------
>>> import pandas as pd
>>> est = pd.DataFrame({"label": ["A", "B"], "value": [40.0, 55.0],
...                     "ci_low": [35.0, 50.0], "ci_high": [45.0, 60.0]})
>>> chart = estimate_chart(est, title="Zufriedenheit")
>>> chart.finding
'Höchster Wert: B (55,0\xa0%), niedrigster: A (40,0\xa0%); die 95-%-Konfidenzintervalle überschneiden sich nicht.'
"""

from __future__ import annotations

import base64
import html
import io
import math
import textwrap
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass

import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from toolkit.errors import DataError, ParameterError
from toolkit.text import fmt_number, fmt_value, is_missing, join_de

__all__ = [
    "OKABE_ITO",
    "Chart",
    "breakdown_chart",
    "chain_chart",
    "estimate_chart",
    "german_axis_formatter",
    "time_series_chart",
]

#: Okabe–Ito colour-blind safe palette (blue first: the report's own region).
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#555555",  # dark grey (instead of black, for the Bund line)
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
)

_STYLE = {
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.edgecolor": "#cccccc",
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#e6e6e6",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "svg.hashsalt": "dkbm",
}


@dataclass(frozen=True)
class Chart:
    """A chart ready for a report.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The drawn figure.
    alt_text : str
        Text alternative describing the chart (German).
    finding : str
        One-line German finding shown under the chart.

    Examples
    --------
    >>> c = Chart(Figure(figsize=(1, 1)), "leeres Bild", "nichts")
    >>> c.to_html().startswith('<figure class="dkbm-chart"')
    True
    """

    figure: Figure
    alt_text: str
    finding: str

    def to_png(self, dpi: int = 100) -> bytes:
        r"""Render the figure as PNG bytes (deterministic: no timestamp).

        Parameters
        ----------
        dpi : int, default 100
            Resolution.

        Returns
        -------
        bytes
            The PNG file.

        Examples
        --------
        >>> Chart(Figure(figsize=(1, 1)), "a", "b").to_png()[:4]
        b'\x89PNG'
        """
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
        return buf.getvalue()

    def to_html(self, dpi: int = 100) -> str:
        """Return a self-contained ``<figure>`` with the image inlined.

        Parameters
        ----------
        dpi : int, default 100
            Resolution of the embedded PNG.

        Returns
        -------
        str
            HTML with ``alt`` text and the finding as ``<figcaption>``.

        Examples
        --------
        >>> 'alt="Balken"' in Chart(Figure(figsize=(1, 1)), "Balken", "x").to_html()
        True
        """
        data = base64.b64encode(self.to_png(dpi)).decode("ascii")
        return (
            '<figure class="dkbm-chart" style="break-inside:avoid;page-break-inside:avoid">'
            f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt_text)}" '
            'style="max-width:100%;height:auto">'
            f"<figcaption><strong>{html.escape(self.finding)}</strong></figcaption>"
            "</figure>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()


def _styled() -> AbstractContextManager[None]:
    """Matplotlib settings of all report charts, as a context (no global change)."""
    return mpl.rc_context(_STYLE)  # type: ignore[arg-type]


def german_axis_formatter(unit: str = "") -> FuncFormatter:
    r"""Tick formatter writing German numbers (``1.000``, ``2,5``) with a unit.

    Parameters
    ----------
    unit : str, optional
        ``%`` adds `` %`` to each tick; other units are left to the axis label.

    Returns
    -------
    matplotlib.ticker.FuncFormatter
        Formatter for ``axis.set_major_formatter``.

    Examples
    --------
    >>> f = german_axis_formatter("%")
    >>> f(2.5, 0), f(1000, 1)
    ('2,5\xa0%', '1.000\xa0%')
    """

    def _format(x: float, _pos: int | None = None) -> str:
        decimals = (
            0 if abs(x - round(x)) < 1e-9 else (1 if abs(x * 10 - round(x * 10)) < 1e-6 else 2)
        )
        text = fmt_number(x, decimals)
        return f"{text}\u00a0%" if unit in ("%", "Prozent") else text

    return FuncFormatter(_format)


def _wrap(text: str, width: int) -> str:
    """Break a long title or label into lines (charts have a fixed width)."""
    return textwrap.fill(str(text), width=width, break_long_words=False) if text else ""


def _title(fig: Figure, title: str) -> None:
    """Chart title at the figure's left edge, wrapped to the figure width."""
    if title:
        fig.suptitle(_wrap(title, 68), fontsize=11, fontweight="bold", x=0.01, ha="left")


def _year_formatter() -> FuncFormatter:
    return FuncFormatter(lambda x, _pos=None: str(round(x)))


def _new_figure(width: float = 7.0, height: float = 3.4) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"{what}: Spalten fehlen: {', '.join(missing)}",
            column=missing[0],
            hint="Eine IndicatorFrame bzw. Tabelle mit diesen Spalten übergeben",
        )


def _shown(row: Mapping[str, object]) -> bool:
    return not is_missing(row.get("value"), row.get("flag", ""))


def _axis_unit_label(unit: str) -> str:
    return "" if unit in ("%", "Prozent", "") else unit


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
    'Nord: Quote stieg von 30,0\xa0% (2023) auf 32,5\xa0% (2024); Deutschland 2024: 36,0\xa0%.'
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
        for i, code in enumerate(codes):
            part = sel[sel["region_code"] == code].sort_values("period")
            if part.empty:
                continue
            names[code] = str(part["region_name"].iloc[0])
            shown = part.apply(lambda r: _shown(r), axis=1)
            y = part["value"].where(shown)
            ax.plot(
                part["period"].to_numpy(),
                y.to_numpy(dtype=float),
                marker="o",
                linewidth=2.4 if code == region else 1.6,
                color=OKABE_ITO[i % len(OKABE_ITO)],
                label=names[code],
            )
        _title(fig, title)
        ax.yaxis.set_major_formatter(german_axis_formatter(unit))
        ax.set_ylabel(_axis_unit_label(unit))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(_year_formatter())
        ax.legend(loc="best")
    own_shown = own[own.apply(lambda r: _shown(r), axis=1)]
    first_p, last_p = int(own["period"].min()), int(own["period"].max())
    alt = (
        f"Liniendiagramm „{title}“ von {first_p} bis {last_p} für {join_de(list(names.values()))}."
    )
    if own_shown.empty:
        finding = f"{names[region]}: {title} – alle Werte aus Datenschutzgründen nicht ausgewiesen."
        return Chart(fig, alt, finding)
    a, b = own_shown.iloc[0], own_shown.iloc[-1]
    va, vb = fmt_value(a["value"], unit), fmt_value(b["value"], unit)
    alt += " " + "; ".join(
        f"{int(r['period'])}: {fmt_value(r['value'], unit)}" for _, r in own_shown.iterrows()
    )
    alt += f" ({names[region]})."
    if len(own_shown) == 1 or va == vb:
        verb = f"lag {int(b['period'])} bei {vb}" if len(own_shown) == 1 else f"blieb bei {vb}"
        finding = f"{names[region]}: {title} {verb}"
    else:
        verb = "stieg" if float(b["value"]) > float(a["value"]) else "sank"
        finding = (
            f"{names[region]}: {title} {verb} von {va} ({int(a['period'])}) "
            f"auf {vb} ({int(b['period'])})"
        )
    last = sel[(sel["period"] == b["period"]) & (sel["region_code"] != region)]
    last = last.set_index("region_code")
    extra = [
        f"{names[code]} {int(b['period'])}: {fmt_value(last.at[code, 'value'], unit)}"
        for code in codes[1:]
        if code in last.index and _shown(last.loc[code])
    ]
    finding += ("; " + ", ".join(extra) if extra else "") + "."
    return Chart(fig, alt, finding)


def breakdown_chart(
    frame: pd.DataFrame,
    *,
    label: str = "category",
    unit: str = "%",
    title: str = "",
    reference: tuple[str, float] | None = None,
) -> Chart:
    r"""Horizontal bar chart of one value per category (e.g. by Zuständigkeit).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per bar with columns ``label`` (see below), ``value`` and
        optionally ``flag`` (hidden values are drawn as the symbol, no bar).
        Rows are drawn in the given order from top to bottom.
    label : str, default "category"
        Column with the bar labels.
    unit : str, default "%"
        Unit of the values.
    title : str, optional
        Chart title.
    reference : (str, float), optional
        A reference value drawn as a dashed line, e.g. ``("insgesamt", 27.4)``.

    Returns
    -------
    Chart
        Figure, alt text listing every value and a finding naming the
        highest and lowest shown value.

    Raises
    ------
    DataError
        If columns are missing or no row is given.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"category": ["Handwerk", "Industrie und Handel", "Freie Berufe"],
    ...                   "value": [36.5, 26.8, 2.0], "flag": ["", "", "."]})
    >>> breakdown_chart(f, title="Vertragslösungsquote").finding
    'Höchster Wert: Handwerk (36,5\xa0%), niedrigster: Industrie und Handel (26,8\xa0%); 1 Wert nicht ausgewiesen.'
    """
    _require(frame, [label, "value"], "Balkendiagramm")
    if frame.empty:
        raise DataError(f"Balkendiagramm „{title}“: keine Werte", hint="Auswahl prüfen")
    rows = frame.reset_index(drop=True)
    flags = rows["flag"] if "flag" in rows.columns else pd.Series("", index=rows.index)
    shown = [not is_missing(v, f) for v, f in zip(rows["value"], flags, strict=True)]
    labels = [str(x) for x in rows[label]]
    values = [float(v) if s else 0.0 for v, s in zip(rows["value"], shown, strict=True)]
    per_bar = 0.42 if len(rows) <= 12 else 0.24
    fig = _new_figure(height=max(2.2, per_bar * len(rows) + 1.1))
    with _styled():
        ax = fig.add_subplot()
        ypos = list(range(len(rows)))[::-1]
        ax.barh(ypos, values, color=[OKABE_ITO[0] if s else "none" for s in shown], height=0.6)
        for y, v, s, f in zip(ypos, values, shown, flags, strict=True):
            txt = fmt_value(v, unit) if s else f"{str(f) or '–'} nicht ausgewiesen"
            ax.annotate(txt, (v, y), xytext=(4, 0), textcoords="offset points", va="center")
        if reference is not None:
            ax.axvline(
                reference[1],
                color=OKABE_ITO[1],
                linestyle="--",
                linewidth=1.5,
                label=f"{reference[0]}: {fmt_value(reference[1], unit)}",
            )
            fig.legend(loc="outside lower right")
        ax.set_yticks(ypos, [_wrap(x, 32) for x in labels])
        ax.grid(axis="y", visible=False)
        ax.xaxis.set_major_formatter(german_axis_formatter(unit))
        ax.set_xlabel(_axis_unit_label(unit))
        ax.set_xlim(0, max([*values, reference[1] if reference else 0.0, 1e-9]) * 1.18)
        _title(fig, title)
    parts = [
        f"{lab}: {fmt_value(v, unit) if s else 'nicht ausgewiesen'}"
        for lab, v, s in zip(labels, values, shown, strict=True)
    ]
    alt = f"Balkendiagramm „{title}“. " + "; ".join(parts) + "."
    visible = [(lab, v) for lab, v, s in zip(labels, values, shown, strict=True) if s]
    n_hidden = len(labels) - len(visible)
    if not visible:
        finding = "Alle Werte aus Datenschutzgründen nicht ausgewiesen."
        return Chart(fig, alt, finding)
    hi = max(visible, key=lambda t: t[1])
    lo = min(visible, key=lambda t: t[1])
    if len(visible) == 1:
        finding = f"Ausgewiesen ist nur {hi[0]} ({fmt_value(hi[1], unit)})"
    else:
        finding = (
            f"Höchster Wert: {hi[0]} ({fmt_value(hi[1], unit)}), "
            f"niedrigster: {lo[0]} ({fmt_value(lo[1], unit)})"
        )
    if n_hidden:
        finding += f"; {n_hidden} {'Wert' if n_hidden == 1 else 'Werte'} nicht ausgewiesen"
    return Chart(fig, alt, finding + ".")


def chain_chart(stages: pd.DataFrame, *, title: str = "") -> Chart:
    r"""Transition chain: one panel of share bars per stage, stages top to bottom.

    Parameters
    ----------
    stages : pandas.DataFrame
        Columns ``stage`` (label of the step, in chain order), ``category``
        and ``value`` (a count or share; normalised to 100 % per stage), and
        optionally ``flag``. Rows with a hidden value (disclosure control)
        are left out of their stage and mentioned in the alt text.
    title : str, optional
        Chart title.

    Returns
    -------
    Chart
        Figure, alt text with every share and a finding naming the largest
        group of each stage.

    Raises
    ------
    DataError
        If columns are missing or a stage has no shown value.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"stage": ["Sek I"] * 2 + ["Abschluss"] * 2,
    ...     "category": ["Gymnasium", "andere", "MSA", "andere"], "value": [40, 60, 30, 10]})
    >>> chain_chart(s, title="Kette").finding
    'Größte Gruppe je Stufe: Sek I – andere (60,0\xa0%); Abschluss – MSA (75,0\xa0%).'
    """
    _require(stages, ["stage", "category", "value"], "Übergangskette")
    order = list(dict.fromkeys(stages["stage"]))
    panels = []
    for stage in order:
        part = stages[stages["stage"] == stage]
        flags = part["flag"] if "flag" in part.columns else pd.Series("", index=part.index)
        ok = [not is_missing(v, f) for v, f in zip(part["value"], flags, strict=True)]
        shown = part[ok]
        total = float(shown["value"].sum())
        if shown.empty or total <= 0:
            raise DataError(
                f"Übergangskette: Stufe „{stage}“ hat keine ausgewiesenen Werte",
                hint="Stufe weglassen oder Daten prüfen",
            )
        shares = [
            (str(c), float(v) / total * 100)
            for c, v in zip(shown["category"], shown["value"], strict=True)
        ]
        panels.append((stage, shares, len(ok) - sum(ok)))
    sizes = [len(p[1]) for p in panels]
    fig = _new_figure(height=0.24 * sum(sizes) + 0.55 * len(panels) + 0.6)
    alt_parts, finding_parts = [], []
    with _styled():
        axes = fig.subplots(len(panels), 1, sharex=True, gridspec_kw={"height_ratios": sizes})
        axes = [axes] if len(panels) == 1 else list(axes)
        for i, (ax, (stage, shares, n_hidden)) in enumerate(zip(axes, panels, strict=True)):
            ypos = list(range(len(shares)))[::-1]
            ax.barh(ypos, [v for _, v in shares], color=OKABE_ITO[i % len(OKABE_ITO)], height=0.7)
            for y, (_, v) in zip(ypos, shares, strict=True):
                ax.annotate(
                    fmt_value(v, "%"),
                    (v, y),
                    xytext=(3, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=8,
                )
            ax.set_yticks(ypos, [_wrap(c, 32) for c, _ in shares])
            ax.grid(axis="y", visible=False)
            ax.set_title(("→ " if i else "") + stage, fontsize=9.5)
            alt_parts.append(
                f"{stage}: "
                + ", ".join(f"{c} {fmt_value(v, '%')}" for c, v in shares)
                + (f" ({n_hidden} nicht ausgewiesen)" if n_hidden else "")
            )
            top = max(shares, key=lambda t: t[1])
            finding_parts.append(f"{stage} – {top[0]} ({fmt_value(top[1], '%')})")
        top_share = max(v for _, shares, _ in panels for _, v in shares)
        axes[-1].set_xlim(0, min(100.0, top_share * 1.25 + 1))
        axes[-1].xaxis.set_major_formatter(german_axis_formatter("%"))
        _title(fig, title)
    alt = f"Balkendiagramme „{title}“, Anteile je Stufe. " + "; ".join(alt_parts) + "."
    finding = "Größte Gruppe je Stufe: " + "; ".join(finding_parts) + "."
    return Chart(fig, alt, finding)


def estimate_chart(
    estimates: pd.DataFrame,
    *,
    label: str = "label",
    unit: str = "%",
    title: str = "",
    level: float = 0.95,
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
    alt = f"Punktdiagramm „{title}“ mit {pct}-%-Konfidenzintervallen. " + "; ".join(parts) + "."
    visible = rows[shown]
    if visible.empty:
        return Chart(fig, alt, "Alle Schätzwerte aus Datenschutzgründen nicht ausgewiesen.")
    hi = visible.loc[visible["value"].astype(float).idxmax()]
    lo = visible.loc[visible["value"].astype(float).idxmin()]
    if len(visible) == 1:
        return Chart(fig, alt, f"Ausgewiesen ist nur {hi[label]} ({fmt_value(hi['value'], unit)}).")
    finding = (
        f"Höchster Wert: {hi[label]} ({fmt_value(hi['value'], unit)}), "
        f"niedrigster: {lo[label]} ({fmt_value(lo['value'], unit)}); "
    )
    if float(lo["ci_high"]) < float(hi["ci_low"]):
        finding += f"die {pct}-%-Konfidenzintervalle überschneiden sich nicht."
    else:
        finding += f"die {pct}-%-Konfidenzintervalle überschneiden sich, der Unterschied ist nicht eindeutig."
    return Chart(fig, alt, finding)
