"""Report parts every template shows: header, Datenstand, sample-data note, appendix."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from toolkit.errors import DataError
from toolkit.reports.content._html import Html, esc, join_html
from toolkit.text import SYMBOL_LEGEND, fmt_date

__all__ = [
    "TABLE_LABELS",
    "appendix_definitions",
    "datenstand",
    "report_header",
    "sample_data_note",
    "sources_block",
]

#: German names of the canonical tables (for the Datenstand line).
TABLE_LABELS: dict[str, str] = {
    "population": "Bevölkerung",
    "kita": "Kindertagesbetreuung",
    "transitions": "Übergänge in die Sekundarstufe I",
    "school_leavers": "Schulabgänge",
    "iabe": "Integrierte Ausbildungsberichterstattung",
    "contracts_new": "Neue Ausbildungsverträge",
    "contracts_dissolved": "Vertragslösungen",
    "apprentice_beginners": "Ausbildungsanfängerinnen und -anfänger",
    "survey_families": "Familienbefragung",
    "survey_families_margins": "Haushalte (Register)",
    "regions": "Gebietsstand",
    "berufe": "Ausbildungsberufe",
}


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


def datenstand(
    dataset: Any,
    tables: Sequence[str] | None = None,
    *,
    period: int | None = None,
    offsets: Mapping[str, int] | None = None,
) -> str:
    """Return the "Datenstand" line of a report: one date per table, taken from the data.

    Parameters
    ----------
    dataset : toolkit.io.Dataset
        Dataset whose ``meta["datenstand"]`` holds a date per table (or one
        date for all).
    tables : sequence of str, optional
        Tables the report uses; default all tables with a date.
    period : int, optional
        Report period. With it, each table's date is its reference day
        (Stichtag: month and day of the table's date) in the year the report
        shows, e.g. Kita on 1 March of the report year; never later than the
        table's own date.
    offsets : mapping of str to int, optional
        Years to add per table, e.g. ``{"population": -1}`` where rates use
        the population on 31 December of the previous year.

    Returns
    -------
    str
        ``Datenstand: 1. März 2024`` for one date, else the dates (oldest
        first) with their tables (``Datenstand: 31. Dezember 2023
        (Bevölkerung); 1. März 2024 (Kindertagesbetreuung)``); "nicht
        angegeben" when the data carry no date.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> ds = SimpleNamespace(meta={"datenstand": {"kita": "2025-03-01", "population": "2024-12-31"}})
    >>> datenstand(ds)
    'Datenstand: 31. Dezember 2024 (Bevölkerung); 1. März 2025 (Kindertagesbetreuung)'
    >>> datenstand(ds, ["population"])
    'Datenstand: 31. Dezember 2024'
    >>> datenstand(ds, ["population", "kita"], period=2024, offsets={"population": -1})
    'Datenstand: 31. Dezember 2023 (Bevölkerung); 1. März 2024 (Kindertagesbetreuung)'
    """
    per_table = _table_dates(dataset, tables)
    # meta["datenstand"] gives the date the data represent (a Stichtag); the sources' "stand"
    # of real data is their publication date, which stays as it is
    if period is not None and isinstance(_meta(dataset).get("datenstand"), Mapping):
        per_table = {
            t: _reference_day(d, int(period) + int((offsets or {}).get(t, 0)))
            for t, d in per_table.items()
        }
    if not per_table:
        return "Datenstand: nicht angegeben (keine Angabe in meta.json)"
    dates = set(per_table.values())
    if len(dates) == 1:
        return f"Datenstand: {fmt_date(dates.pop())}"
    # oldest date first, tables of one date in the order of TABLE_LABELS: the same line
    # whatever order a template lists its tables in
    canon = list(TABLE_LABELS)
    order = sorted(per_table, key=lambda t: (canon.index(t) if t in canon else len(canon), t))
    groups: dict[dt.date, list[str]] = {}
    for t in sorted(order, key=lambda t: per_table[t]):
        groups.setdefault(per_table[t], []).append(TABLE_LABELS.get(t, t))
    parts = [f"{fmt_date(d)} ({', '.join(labels)})" for d, labels in groups.items()]
    return "Datenstand: " + "; ".join(parts)


def _reference_day(stand: dt.date, year: int) -> dt.date:
    """Return the table's reference day (month and day of its Stand) in ``year``, not after the Stand."""
    try:
        day = stand.replace(year=year)
    except ValueError:  # 29 February
        day = stand.replace(year=year, day=28)
    return min(day, stand)


def _table_dates(dataset: Any, tables: Sequence[str] | None) -> dict[str, dt.date]:
    """Date per table from ``meta["datenstand"]`` (or the sources' Stand), in table order."""
    meta = _meta(dataset)
    raw = meta.get("datenstand")
    if raw is None and isinstance(meta.get("tables"), Mapping):
        raw = {
            t: max((str(s.get("stand") or "") for s in srcs), default="")
            for t, srcs in _sources(meta).items()
        }
    if not isinstance(raw, Mapping):
        one = _as_date(raw) if raw is not None else None
        if one is None:
            return {}
        names = list(tables) if tables is not None else ["alle"]
        return dict.fromkeys(names, one)
    names = list(tables) if tables is not None else list(raw)
    out = {}
    for name in names:
        if name in raw and (d := _as_date(raw[name])) is not None:
            out[name] = d
    return out


def _sources(meta: Mapping[str, Any]) -> dict[str, list[Mapping[str, Any]]]:
    """Return the sources per table from ``meta["tables"]`` (format of interfaces.md)."""
    tables = meta.get("tables")
    if not isinstance(tables, Mapping):
        return {}
    out: dict[str, list[Mapping[str, Any]]] = {}
    for name, entry in tables.items():
        srcs = entry.get("sources", []) if isinstance(entry, Mapping) else []
        out[str(name)] = [s for s in srcs if isinstance(s, Mapping)]
    return out


def sources_block(dataset: Any, tables: Sequence[str] | None = None) -> Html:
    """Return "Datenstand und Quellen": per table its source tables, reference date, Stand, licence.

    Empty when ``meta.json`` has no ``tables`` entry (the synthetic sample
    states its Datenstand in the header only).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> meta = {"tables": {"school_leavers": {"sources": [{"table": "21111-02-06-4",
    ...     "stand": "2025-03-13", "reference_date": "Schuljahr 2022/23",
    ...     "licence": "Datenlizenz Deutschland – Namensnennung – Version 2.0",
    ...     "attribution": "© Statistische Ämter des Bundes und der Länder"}]}}}
    >>> html = sources_block(SimpleNamespace(meta=meta))
    >>> "21111-02-06-4" in html and "13. März 2025" in html and "Datenlizenz" in html
    True
    """
    per_table = _sources(_meta(dataset))
    if not per_table:
        return Html("")
    items = []
    for name, srcs in per_table.items():
        if tables is not None and name not in tables:
            continue
        for src in srcs:
            stand = _as_date(src.get("stand"))
            bits = [
                f"Tabelle {src.get('table', '?')}"
                + (f" ({src['database']})" if src.get("database") else ""),
                f"Stichtag/Zeitraum: {_reference(src['reference_date'])}"
                if src.get("reference_date")
                else "",
                f"Stand: {fmt_date(stand)}" if stand else "Stand: nicht angegeben",
                str(src.get("licence") or ""),
                str(src.get("attribution") or ""),
            ]
            label = TABLE_LABELS.get(name, name)
            items.append(f"<li>{esc(label)}: {esc('; '.join(b for b in bits if b))}</li>")
    if not items:
        return Html("")
    return join_html(["<h2>Datenstand und Quellen</h2><ul>", *items, "</ul>"])


def _reference(text: object) -> str:
    """Return a source's reference date as readers see it, notes on the data column left out.

    The source catalogues say how a period maps to the ``year`` column ("(year = 2023)");
    that is for whoever reads the data, not for a report (issue #17: no code leftovers).

    Examples
    --------
    >>> _reference("Ende des Schuljahres; GENESIS-Zeit 2023 = Schuljahr 2022/23 (year = 2023)")
    'Ende des Schuljahres; GENESIS-Zeit 2023 = Schuljahr 2022/23'
    >>> _reference("31.12. des Jahres (year = Jahr des Stichtags)")
    '31.12. des Jahres'
    """
    return re.sub(r"\s*\((?:year|Spalte)\b[^)]*\)", "", str(text)).strip()


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
    *,
    period: int | None = None,
    offsets: Mapping[str, int] | None = None,
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
    period, offsets : optional
        Report period and year offsets per table: the Datenstand then gives
        each table's reference day in that year (see :func:`datenstand`).

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
            f'<p class="dkbm-datenstand">'
            f"{esc(datenstand(dataset, tables, period=period, offsets=offsets))}</p>",
            sample_data_note(dataset),
        ]
    )


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
    legend = "; ".join(f"„{k}“ {v}" for k, v in SYMBOL_LEGEND.items())
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
