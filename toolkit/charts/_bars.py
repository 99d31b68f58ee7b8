"""Bar charts: values by category and the transition chain (private)."""

from __future__ import annotations

import pandas as pd

from toolkit.charts._base import (
    REFERENCE_COLOUR,
    ROLE_COLOURS,
    SMALL_BASE,
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
from toolkit.errors import DataError
from toolkit.text import fmt_value, is_missing

__all__ = ["breakdown_chart", "chain_chart"]


def breakdown_chart(
    frame: pd.DataFrame,
    *,
    label: str = "category",
    unit: str = "%",
    title: str = "",
    reference: tuple[str, float] | None = None,
    sort: bool = False,
    source: str = "",
    small_base: int = SMALL_BASE,
) -> Chart:
    r"""Horizontal bar chart of one value per category (e.g. by Zuständigkeit).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per bar with columns ``label`` (see below), ``value`` and
        optionally ``flag`` (hidden values are drawn as the symbol, no bar)
        and ``base`` (cases the value rests on: the denominator of a rate, or
        its numerator where there is no single denominator). Rows are drawn
        in the given order from top to bottom.
    label : str, default "category"
        Column with the bar labels.
    unit : str, default "%"
        Unit of the values.
    title : str, optional
        Chart title.
    reference : (str, float), optional
        A reference value drawn as a dashed line, e.g. ``("insgesamt", 27.4)``.
    sort : bool, default False
        Draw the bars by size, largest on top (Top-N charts); hidden values last.
    source : str, optional
        Source line under the chart.
    small_base : int, default 20
        Values resting on fewer cases (column ``base``) are marked ``*`` in
        the data table and never named as highest or lowest value.

    Returns
    -------
    Chart
        Figure, a short alt text (at most about 250 characters: what is
        drawn, highest and lowest value; every value is in the data table
        under the chart) and a finding naming the highest and lowest value
        on a sufficient base.

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
    >>> small = f.assign(base=[9, 400, 50])  # Handwerk on 9 cases: not "highest"
    >>> breakdown_chart(small, title="LQ").finding
    'Ausgewiesen ist nur Industrie und Handel (26,8\xa0%); 1 Wert nicht ausgewiesen; 1 Wert auf kleiner Basis (*) nicht verglichen.'
    """
    _require(frame, [label, "value"], "Balkendiagramm")
    if frame.empty:
        raise DataError(f"Balkendiagramm „{title}“: keine Werte", hint="Auswahl prüfen")
    rows = frame.reset_index(drop=True)
    if sort:  # largest on top; hidden values (NaN or a flag) last
        hidden_rows = [
            is_missing(v, f)
            for v, f in zip(rows["value"], rows.get("flag", [""] * len(rows)), strict=True)
        ]
        key = pd.to_numeric(rows["value"], errors="coerce").where(~pd.Series(hidden_rows))
        rows = rows.assign(_key=key.to_numpy()).sort_values(
            "_key", ascending=False, na_position="last", kind="stable"
        )
        rows = rows.drop(columns="_key").reset_index(drop=True)
    flags = rows["flag"] if "flag" in rows.columns else pd.Series("", index=rows.index)
    shown = [not is_missing(v, f) for v, f in zip(rows["value"], flags, strict=True)]
    bases = pd.to_numeric(rows["base"], errors="coerce") if "base" in rows.columns else None
    small = [bool(b < small_base) for b in bases] if bases is not None else [False] * len(rows)
    labels = [str(x) for x in rows[label]]
    values = [float(v) if s else 0.0 for v, s in zip(rows["value"], shown, strict=True)]
    per_bar = 0.42 if len(rows) <= 12 else 0.24
    fig = _new_figure(height=max(2.2, per_bar * len(rows) + 1.1))
    with _styled():
        ax = fig.add_subplot()
        ypos = list(range(len(rows)))[::-1]
        ax.barh(
            ypos, values, color=[ROLE_COLOURS["region"] if s else "none" for s in shown], height=0.6
        )
        for y, v, s, f, sm in zip(ypos, values, shown, flags, small, strict=True):
            txt = fmt_value(v, unit) + ("*" if sm else "") if s else _HIDDEN_WORDS.get(str(f), ".")
            ax.annotate(txt, (v, y), xytext=(4, 0), textcoords="offset points", va="center")
        if reference is not None:
            ax.axvline(
                reference[1],
                color=REFERENCE_COLOUR,
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
    head = ["Kategorie", "Wert"] + (["Fallzahl"] if bases is not None else [])
    table = [tuple(head)]
    for i, (lab, v, s, f) in enumerate(zip(labels, values, shown, flags, strict=True)):
        cell = fmt_value(v, unit) + ("*" if small[i] else "") if s else str(f) or "."
        row = [lab, cell]
        if bases is not None:
            b = bases.iloc[i]
            row.append(fmt_value(b, "Anzahl") if s and b == b else "")  # zero: "–"
        table.append(tuple(row))
    extra = {"title": title, "source": source, "data": tuple(table)}
    n_hidden = sum(not s for s in shown)
    n_small = sum(s and sm for s, sm in zip(shown, small, strict=True))
    visible = [
        (lab, v) for lab, v, s, sm in zip(labels, values, shown, small, strict=True) if s and not sm
    ]
    finding, ends = _extremes(visible, unit)
    if not any(shown):
        finding, ends, n_hidden = "Alle Werte aus Datenschutzgründen nicht ausgewiesen", "", 0
    if n_hidden:
        finding += f"; {n_hidden} {'Wert' if n_hidden == 1 else 'Werte'} nicht ausgewiesen"
    if n_small:
        finding += f"; {n_small} {'Wert' if n_small == 1 else 'Werte'} auf kleiner Basis (*) nicht verglichen"
    ref = f"; Linie {reference[0]} {fmt_value(reference[1], unit)}" if reference else ""
    alt = _short_alt(
        f"Balkendiagramm „{title}“ mit {len(labels)} Balken. {ends}{ref}. Alle Werte in der Tabelle.",
        250,
    )
    return Chart(fig, alt, finding + ".", **extra)


#: Words for hidden values drawn instead of a bar (no bare code symbols as labels).
_HIDDEN_WORDS = {
    ".": "nicht ausgewiesen",
    "x": "nicht sinnvoll",
    "/": "zu unsicher",
    "...": "noch nicht verfügbar",
}


def _extremes(visible: list[tuple[str, float]], unit: str) -> tuple[str, str]:
    """Return the finding and alt-text phrase naming the highest and lowest of the comparable values."""
    if not visible:
        return "Kein Wert auf ausreichender Basis ausgewiesen", "Keine vergleichbaren Werte"
    hi = max(visible, key=lambda t: t[1])
    lo = min(visible, key=lambda t: t[1])
    if len(visible) == 1:
        text = f"Ausgewiesen ist nur {hi[0]} ({fmt_value(hi[1], unit)})"
        return text, text
    finding = (
        f"Höchster Wert: {hi[0]} ({fmt_value(hi[1], unit)}), "
        f"niedrigster: {lo[0]} ({fmt_value(lo[1], unit)})"
    )
    return finding, finding


def chain_chart(
    stages: pd.DataFrame, *, title: str = "", normalise: bool = True, source: str = ""
) -> Chart:
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
    normalise : bool, default True
        Normalise the shown values of a stage to 100 %. With ``False`` the
        values are shares of the stage's full total and are drawn as given:
        use this whenever values are hidden, since shares normalised over
        the shown parts reveal the hidden remainder
        (:func:`toolkit.disclosure.shares_of_total`).

    source : str, optional
        Source line under the chart.

    Returns
    -------
    Chart
        Figure, a short alt text and a finding naming the largest group of
        each stage; every share is in the data table under the chart.

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
        total = float(shown["value"].sum()) if normalise else 100.0
        if shown.empty or float(shown["value"].sum()) <= 0:
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
    finding_parts = []
    with _styled():
        axes = fig.subplots(len(panels), 1, sharex=True, gridspec_kw={"height_ratios": sizes})
        axes = [axes] if len(panels) == 1 else list(axes)
        for i, (ax, (stage, shares, _hidden)) in enumerate(zip(axes, panels, strict=True)):
            ypos = list(range(len(shares)))[::-1]
            ax.barh(ypos, [v for _, v in shares], color=ROLE_COLOURS["region"], height=0.7)
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
            top = max(shares, key=lambda t: t[1])
            finding_parts.append(f"{stage} – {top[0]} ({fmt_value(top[1], '%')})")
        top_share = max(v for _, shares, _ in panels for _, v in shares)
        axes[-1].set_xlim(0, min(100.0, top_share * 1.25 + 1))
        axes[-1].xaxis.set_major_formatter(german_axis_formatter("%"))
        _title(fig, title)
    finding = "Größte Gruppe je Stufe: " + "; ".join(finding_parts) + "."
    hidden = sum(n for _, _, n in panels)
    gone = f" ({hidden} nicht ausgewiesen)" if hidden else ""
    alt = _short_alt(
        f"Balkendiagramme „{title}“, Anteile in {len(panels)} Stufen{gone}. {finding} "
        "Alle Anteile in der Tabelle.",
        250,
    )
    table = [("Stufe", "Gruppe", "Anteil")]
    table += [(stage, c, fmt_value(v, "%")) for stage, shares, _ in panels for c, v in shares]
    if hidden:
        finding = (
            finding[:-1] + f"; {hidden} {'Anteil' if hidden == 1 else 'Anteile'} nicht ausgewiesen."
        )
    return Chart(fig, alt, finding, title=title, data=tuple(table), source=source)
