"""Report parts every template shows: header, Datenstand, notes, key figures, appendix."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from toolkit.errors import DataError, ParameterError
from toolkit.reports.content._html import Html, esc, html_table, join_html
from toolkit.text import (
    MISSING_TEXT,
    fmt_date,
    fmt_percent,
    fmt_pp,
    fmt_value,
    indicator_sentence,
    is_missing,
)

__all__ = [
    "TABLE_LABELS",
    "appendix_definitions",
    "datenstand",
    "key_figures",
    "key_figures_html",
    "report_header",
    "sample_data_note",
    "sentences_html",
    "subject_of",
]

#: German names of the canonical tables (for the Datenstand line).
TABLE_LABELS: dict[str, str] = {
    "population": "Bevölkerung",
    "kita": "Kindertagesbetreuung",
    "transitions": "Übergänge in die Sekundarstufe I",
    "school_leavers": "Schulabgänge",
    "iabe": "Ausbildungsgeschehen (iABE)",
    "contracts_new": "Neue Ausbildungsverträge",
    "contracts_dissolved": "Vertragslösungen",
    "apprentice_beginners": "Ausbildungsanfänger",
    "survey_families": "Familienbefragung",
    "survey_families_margins": "Haushalte (Register)",
    "regions": "Gebietsstand",
    "berufe": "Ausbildungsberufe",
}

_RATE_UNITS = frozenset({"%", "je 100", "je 1000"})


def _meta(dataset: Any) -> Mapping[str, Any]:
    meta = getattr(dataset, "meta", None)
    return meta if isinstance(meta, Mapping) else {}


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def datenstand(dataset: Any, tables: Sequence[str] | None = None) -> str:
    """Return the one "Datenstand" line of a report, taken from the data.

    Parameters
    ----------
    dataset : toolkit.io.Dataset
        Dataset whose ``meta["datenstand"]`` holds a date per table (or one
        date for all).
    tables : sequence of str, optional
        Tables the report uses; default all tables with a date. The latest
        of their dates is shown.

    Returns
    -------
    str
        e.g. ``Datenstand: 1. März 2025``; says "nicht angegeben" when the
        data carry no date.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> ds = SimpleNamespace(meta={"datenstand": {"kita": "2025-03-01", "population": "2024-12-31"}})
    >>> datenstand(ds)
    'Datenstand: 1. März 2025'
    >>> datenstand(ds, ["population"])
    'Datenstand: 31. Dezember 2024'
    """
    raw = _meta(dataset).get("datenstand")
    if isinstance(raw, Mapping):
        wanted = raw if tables is None else {k: v for k, v in raw.items() if k in tables}
        dates = [d for d in (_as_date(v) for v in wanted.values()) if d is not None]
    else:
        one = _as_date(raw) if raw is not None else None
        dates = [one] if one is not None else []
    if not dates:
        return "Datenstand: nicht angegeben (keine Angabe in meta.json)"
    return f"Datenstand: {fmt_date(max(dates))}"


def sample_data_note(dataset: Any) -> Html:
    """Return a visible note when the data are the synthetic sample.

    Parameters
    ----------
    dataset : toolkit.io.Dataset
        Dataset; ``synthetic`` (or ``meta["synthetic"]``) marks sample data.

    Returns
    -------
    Html
        A highlighted box for synthetic data, an empty string otherwise.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> "Beispieldaten" in sample_data_note(SimpleNamespace(synthetic=True, meta={}))
    True
    >>> sample_data_note(SimpleNamespace(synthetic=False, meta={}))
    ''
    """
    synthetic = bool(getattr(dataset, "synthetic", False) or _meta(dataset).get("synthetic"))
    if not synthetic:
        return Html("")
    return Html(
        '<div class="dkbm-sample-note" role="note" style="border:2px solid #D55E00;'
        'padding:0.6em 1em;margin:1em 0;background:#fff4ec">'
        "<strong>Hinweis: synthetische Beispieldaten.</strong> Dieser Bericht beruht auf dem "
        "erfundenen Musterland (Land 17). Alle Zahlen sind künstlich erzeugt und beschreiben "
        "keine reale Kommune.</div>"
    )


def report_header(
    title: str,
    region_name: str,
    period_label: str,
    dataset: Any,
    tables: Sequence[str] | None = None,
) -> Html:
    """Return the report title block: title, region, period, Datenstand, sample note.

    Parameters
    ----------
    title : str
        Report title, e.g. ``Fakten-Check Frühe Bildung``.
    region_name : str
        Name of the report region.
    period_label : str
        Period as shown (``2024`` or ``2024/25``).
    dataset : toolkit.io.Dataset
        For the Datenstand and the sample-data note.
    tables : sequence of str, optional
        Tables used (for the Datenstand).

    Returns
    -------
    Html
        Heading, sub-heading and notes.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> h = report_header("Fakten-Check", "Musterstadt", "2024", SimpleNamespace(meta={}))
    >>> h.startswith('<h1>Fakten-Check: Musterstadt, 2024</h1>')
    True
    """
    return join_html(
        [
            f"<h1>{esc(title)}: {esc(region_name)}, {esc(period_label)}</h1>",
            f'<p class="dkbm-datenstand">{esc(datenstand(dataset, tables))}</p>',
            sample_data_note(dataset),
        ]
    )


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
        return math.nan, "–"
    delta = (cur - prev) / prev * 100
    sign = "+" if round(delta, 1) > 0 else ""
    return delta, sign + fmt_percent(delta)


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
        change, change_text = math.nan, "–"
        if not is_missing(value, flag) and not is_missing(prev, prev_flag):
            change, change_text = _signed_change(value, prev, unit)
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
        }
        comps = []
        for c in comparison:
            cv, cf = _lookup(rows, c, period)
            record[f"value_{c}"], record[f"flag_{c}"] = cv, cf
            label = labels.get(c) or _name_in(frame, c)
            comps.append((label, cv, cf))
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
        else:
            shown = "; ".join(f"{lab}: {fmt_value(v, unit, flag=f)}" for lab, v, f in comps)
            record["sentence"] = (
                f"{subject_of(name)} liegt für diese Gebietsebene nicht vor; {shown}."
            )
        out.append(record)
    return pd.DataFrame(out)


def _name_in(frame: pd.DataFrame, code: str) -> str:
    hit = frame.loc[frame["region_code"] == code, "region_name"]
    return str(hit.iloc[0]) if not hit.empty else code


def key_figures_html(
    figures: pd.DataFrame,
    region_label: str,
    period: int | str,
    comparison_labels: Mapping[str, str],
) -> Html:
    r"""Render key figures as a table (value, change, comparisons).

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

    Returns
    -------
    Html
        An accessible table; hidden values show their symbol.

    Examples
    --------
    >>> import pandas as pd
    >>> kf = pd.DataFrame({"name": ["Quote"], "unit": ["%"], "value": [31.5], "flag": [""],
    ...     "change_text": ["+1,5 Prozentpunkte"], "value_DG": [36.0], "flag_DG": [""]})
    >>> "<td style=\"text-align:right\">31,5\xa0%</td>" in key_figures_html(kf, "A", 2024, {"DG": "Bund"})
    True
    """
    header = ["Kennzahl", f"{region_label} {period}", "Veränderung zum Vorjahr"]
    header += list(comparison_labels.values())
    rows = []
    for _, r in figures.iterrows():
        cells = [str(r["name"]), fmt_value(r["value"], r["unit"], flag=r["flag"])]
        cells.append(str(r["change_text"]))
        for c in comparison_labels:
            cells.append(fmt_value(r.get(f"value_{c}"), r["unit"], flag=r.get(f"flag_{c}", "")))
        rows.append(cells)
    return html_table(
        header,
        rows,
        caption="Kennzahlen im Überblick",
        numeric=[False] + [True] * (len(header) - 1),
    )


def sentences_html(sentences: Sequence[str]) -> Html:
    """Render sentences as a bulleted list.

    Examples
    --------
    >>> sentences_html(["A.", "B."])
    '<ul class="dkbm-facts"><li>A.</li><li>B.</li></ul>'
    """
    items = "".join(f"<li>{esc(s)}</li>" for s in sentences)
    return Html(f'<ul class="dkbm-facts">{items}</ul>')


def appendix_definitions(
    indicator_codes: Sequence[str],
    catalogue: pd.DataFrame,
    *,
    min_count: int = 3,
    extra_sources: Sequence[str] = (),
) -> Html:
    """Definitions-and-sources appendix drawn from the indicator catalogue.

    Parameters
    ----------
    indicator_codes : sequence of str
        Indicators shown in the report (duplicates are dropped).
    catalogue : pandas.DataFrame
        Indicator catalogue (``toolkit.indicators.catalog()``).
    min_count : int, default 3
        Minimum count of the disclosure control, explained in the notes.
    extra_sources : sequence of str, optional
        Further source lines (e.g. the survey).

    Returns
    -------
    Html
        Heading, one definition block per indicator, sign legend and the
        disclosure note.

    Raises
    ------
    DataError
        If a code is missing from the catalogue.

    Examples
    --------
    >>> import pandas as pd
    >>> cat = pd.DataFrame({"code": ["q"], "name_de": ["Quote"], "definition_de": ["Anteil"],
    ...     "numerator_de": ["Kinder"], "denominator_de": ["Bevölkerung"],
    ...     "reference_date_de": ["1. März"], "unit": ["%"], "source": ["Kita-Statistik"]})
    >>> "<dt>Quote</dt>" in appendix_definitions(["q"], cat)
    True
    """
    cat = catalogue.set_index("code")
    codes = list(dict.fromkeys(indicator_codes))
    missing = [c for c in codes if c not in cat.index]
    if missing:
        raise DataError(
            f"Indikatoren fehlen im Katalog: {', '.join(missing)}",
            hint="Katalog (toolkit.indicators.catalog()) ergänzen",
        )
    parts = ["<h2>Definitionen und Quellen</h2>", '<dl class="dkbm-definitions">']
    sources: list[str] = []
    for code in codes:
        r = cat.loc[code]
        parts.append(f"<dt>{esc(r['name_de'])}</dt>")
        parts.append(
            f"<dd>{esc(r['definition_de'])} <br>Zähler: {esc(r['numerator_de'])}; "
            f"Nenner: {esc(r['denominator_de'])}; Stichtag: {esc(r['reference_date_de'])}; "
            f"Einheit: {esc(r['unit'])}. <br>Quelle: {esc(r['source'])}</dd>"
        )
        sources.append(str(r["source"]))
    parts.append("</dl>")
    legend = "; ".join(f"„{k}“ {v}" for k, v in MISSING_TEXT.items() if k) + "; „-“ genau null"
    parts.append(f"<p><strong>Zeichen:</strong> {esc(legend)}.</p>")
    parts.append(
        "<p><strong>Geheimhaltung:</strong> Fallzahlen unter "
        f"{int(min_count)} und Werte, aus denen sie sich zurückrechnen ließen, sind durch "
        "„.“ ersetzt (§ 16 BStatG). Quoten werden aus summierten Fallzahlen berechnet; "
        "Veränderungen von Quoten sind in Prozentpunkten angegeben.</p>"
    )
    for s in extra_sources:
        parts.append(f"<p>{esc(s)}</p>")
    return join_html(parts)
