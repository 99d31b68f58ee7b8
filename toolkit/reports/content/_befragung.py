"""Fakten-Check "Familienbefragung": weighted survey results by Sozialraum with CIs."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from toolkit.charts import Chart, estimate_chart
from toolkit.disclosure import protect_indicators
from toolkit.errors import DataError
from toolkit.reports.content._befragung_tests import age_cross_table, sozialraum_differences
from toolkit.reports.content._common import report_header
from toolkit.reports.content._context import _hierarchy
from toolkit.reports.content._html import Html, esc, html_table, join_html
from toolkit.reports.content._parts import ReportParts
from toolkit.text import fmt_number, fmt_value, is_missing, missing_reason
from toolkit.weighting import SurveyDesign, adjust_nonresponse, mean, poststratify, proportion

__all__ = ["SURVEY_ITEMS", "survey_design", "survey_estimates", "survey_report"]

#: Survey items shown: column -> (kind, German label, unit, sentence phrase).
SURVEY_ITEMS: dict[str, tuple[str, str, str, str]] = {
    "bedarf_ganztag": (
        "proportion",
        "Bedarf an Ganztagsbetreuung",
        "%",
        "nennen einen Bedarf an Ganztagsbetreuung",
    ),
    "nutzt_familienzentrum": (
        "proportion",
        "Nutzung eines Familienzentrums",
        "%",
        "nutzen ein Familienzentrum",
    ),
    "bedarf_beratung": ("proportion", "Bedarf an Beratung", "%", "wünschen sich Beratung"),
    "zufriedenheit_kita": (
        "mean",
        "Zufriedenheit mit der Kita (1 bis 5)",
        "",
        "sind mit der Kita zufrieden",
    ),
}

_TABLES = ("survey_families", "survey_families_margins")
_TOTAL = "__gesamt__"


def survey_design(data: pd.DataFrame, margins: pd.DataFrame) -> Any:
    """Weighted design of the family survey: strata, nonresponse classes, post-strata.

    Examples
    --------
    >>> from toolkit.reports.runtime import load_dataset
    >>> t = load_dataset().tables
    >>> survey_design(t["survey_families"], t["survey_families_margins"]).n_strata
    14
    """
    design = SurveyDesign(data, weights="design_weight", strata="stratum", fpc="n_stratum_frame")
    design = adjust_nonresponse(design, "responded", "sozialraum")
    population = margins[["sozialraum", "child_age_group", "households"]]
    return poststratify(design, ["sozialraum", "child_age_group"], population)


def _protect(est: pd.DataFrame, min_count: int, min_n: int) -> pd.DataFrame:
    """Apply disclosure control to survey estimates (counts: respondents, 'yes' answers)."""
    frame = pd.DataFrame(
        {
            "region_code": est["region_code"],
            "region_name": est["label"],
            "level": "sozialraum",
            "period": 0,
            "indicator": est["item"],
            "dimension": "",
            "category": "",
            "value": est["value"],
            "numerator": est["count_yes"],
            "denominator": est["n"].astype(float),
            "unit": est["unit"],
            "flag": "",
        }
    )
    total = frame["region_code"] == _TOTAL
    protected = protect_indicators(frame[~total].reset_index(drop=True), min_count=min_count)
    flags = pd.concat([protected["flag"], frame.loc[total, "flag"]], ignore_index=True).to_numpy()
    out = pd.concat([est[~total], est[total]], ignore_index=True)
    out["flag"] = flags
    small = (out["n"] < min_n) & (out["flag"] == "")
    out.loc[small, "flag"] = "/"
    hidden = out["flag"].isin([".", "/", "x"])
    out.loc[hidden, ["value", "ci_low", "ci_high"]] = np.nan
    return out


def survey_estimates(
    dataset: Any, sozialraeume: Sequence[str], *, min_count: int = 3, min_n: int = 10
) -> pd.DataFrame:
    """Weighted survey results by Sozialraum and in total, after disclosure control.

    The design is stratified by Sozialraum with the frame size as fpc; the
    design weights are adjusted for nonresponse within Sozialräume and then
    post-stratified to the households by Sozialraum and age group of the
    youngest child (register margins). Estimates by Sozialraum are domain
    estimates on the whole design. Shares are in percent with logit
    confidence intervals (R ``svyciprop``), means with t intervals.

    Parameters
    ----------
    dataset : toolkit.io.Dataset
        Dataset with ``survey_families`` and ``survey_families_margins``.
    sozialraeume : sequence of str
        Sozialraum codes of the report region (whole strata).
    min_count : int, default 3
        Minimum number of respondents (and of "yes" answers) shown.
    min_n : int, default 10
        Estimates from fewer respondents are flagged ``/`` (too unreliable).

    Returns
    -------
    pandas.DataFrame
        Columns ``item, region_code, label, value, ci_low, ci_high, n,
        count_yes, unit, flag``; ``region_code`` ``__gesamt__`` is the total.

    Raises
    ------
    DataError
        When the survey tables are missing or hold no respondents there.

    Examples
    --------
    >>> from toolkit.reports.runtime import load_dataset
    >>> est = survey_estimates(load_dataset(), ["17001000-SR01", "17001000-SR02"])
    >>> total = est[(est["region_code"] == "__gesamt__") & (est["item"] == "bedarf_ganztag")]
    >>> round(float(total["value"].iloc[0]), 1), int(total["n"].iloc[0])
    (43.6, 55)
    """
    data, margins = _survey_tables(dataset, sozialraeume)
    design = survey_design(data, margins)
    resp = data[data["responded"].astype(bool)]
    names = _hierarchy(dataset)
    rows = []
    for item, (kind, _label, unit, _phrase) in SURVEY_ITEMS.items():
        if item not in data.columns:
            continue
        answered = resp[resp[item].notna()]
        for by in ("sozialraum", None):
            if kind == "proportion":
                est = proportion(design, item, by=by, na_rm=True, degenerate="nan")
                scale = 100.0
            else:
                est = mean(design, item, by=by, na_rm=True)
                scale = 1.0
            est_df = est if isinstance(est, pd.DataFrame) else est.to_frame().reset_index(drop=True)
            if by is None:
                est_df = est_df.assign(sozialraum=_TOTAL)
            for _, r in est_df.iterrows():
                code = str(r["sozialraum"])
                part = answered if code == _TOTAL else answered[answered["sozialraum"] == code]
                yes = float(part[item].astype(bool).sum()) if kind == "proportion" else math.nan
                rows.append(
                    {
                        "item": item,
                        "region_code": code,
                        "label": "insgesamt" if code == _TOTAL else names.name(code),
                        "value": float(r["value"]) * scale,
                        "ci_low": float(r["ci_low"]) * scale,
                        "ci_high": float(r["ci_high"]) * scale,
                        "n": len(part),
                        "count_yes": yes,
                        "unit": unit,
                    }
                )
    est = pd.DataFrame(rows)
    return _protect(est, min_count, min_n)


def _survey_tables(dataset: Any, sozialraeume: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Survey rows and margins of the given Sozialräume (whole strata)."""
    tables = getattr(dataset, "tables", {})
    if "survey_families" not in tables or "survey_families_margins" not in tables:
        raise DataError(
            "Die Familienbefragung fehlt in den Daten",
            file="survey_families.csv",
            hint="survey_families.csv und survey_families_margins.csv bereitstellen",
        )
    wanted = set(sozialraeume)
    data = tables["survey_families"]
    data = data[data["sozialraum"].isin(wanted)].reset_index(drop=True)
    margins = tables["survey_families_margins"]
    margins = margins[margins["sozialraum"].isin(wanted)]
    if data.empty or not data["responded"].astype(bool).any():
        raise DataError(
            "Für diese Sozialräume liegen keine Antworten der Familienbefragung vor",
            file="survey_families.csv",
        )
    return data, margins


def _sentence(item: str, r: pd.Series) -> str:
    kind, label, unit, phrase = SURVEY_ITEMS[item]
    if is_missing(r["value"], r["flag"]):
        return f"{label}: {missing_reason(r['flag'])}."
    ci = f"{fmt_value(r['ci_low'], unit)} bis {fmt_value(r['ci_high'], unit)}"
    if kind == "proportion":
        return (
            f"{fmt_value(r['value'], unit)} der Familien {phrase} "
            f"(95-%-Konfidenzintervall {ci}; {fmt_number(r['n'])} Antworten)."
        )
    return (
        f"{label}: im Mittel {fmt_value(r['value'], unit, 2)} "
        f"(95-%-Konfidenzintervall {fmt_value(r['ci_low'], unit, 2)} bis "
        f"{fmt_value(r['ci_high'], unit, 2)}; {fmt_number(r['n'])} Antworten)."
    )


def _charts(est: pd.DataFrame) -> list[Chart]:
    charts = []
    for item, (_kind, label, unit, _phrase) in SURVEY_ITEMS.items():
        rows = est[(est["item"] == item) & (est["region_code"] != _TOTAL)]
        if len(rows) < 1:
            continue
        charts.append(
            estimate_chart(rows.sort_values("label"), unit=unit, title=f"{label} nach Sozialraum")
        )
    return charts


def survey_report(
    dataset: Any,
    region: str,
    period: int,
    *,
    comparison: Sequence[str] | None = None,
    min_count: int = 3,
    min_n: int = 10,
) -> ReportParts:
    r"""Build the Fakten-Check "Familienbefragung" for the Sozialräume of a region.

    Parameters
    ----------
    dataset : toolkit.io.Dataset
        Dataset.
    region : str
        Region code; its Sozialräume are used.
    period : int
        Report year (shown in the title; the survey has one wave).
    comparison : sequence of str, optional
        Not used: a municipal survey has no Land or Bund values; the
        Sozialräume are compared with the region's total.
    min_count : int, default 3
        Minimum count of disclosure control.
    min_n : int, default 10
        Minimum respondents of a shown estimate.

    Returns
    -------
    ReportParts
        Header, sentences, table, one chart per item, notes and method appendix.

    Examples
    --------
    >>> from toolkit.reports.runtime import load_dataset
    >>> parts = survey_report(load_dataset(), "17001", 2024)
    >>> parts.summary.split("<li>")[1][:70]
    '36,1\xa0% der Familien nennen einen Bedarf an Ganztagsbetreuung (95-%-Kon'
    """
    del comparison  # the survey has no comparison regions
    hierarchy = _hierarchy(dataset)
    region = str(region).strip()
    title = "Fakten-Check Familienbefragung"
    name = hierarchy.name(region) if region in hierarchy else region
    header = report_header(title, name, str(period), dataset, _TABLES)
    sozialraeume = []
    if region in hierarchy:
        sozialraeume = [
            c for c in hierarchy.descendants(region) if hierarchy.level(c) == "sozialraum"
        ]
        if hierarchy.level(region) == "sozialraum":
            sozialraeume = [region]
    tables = getattr(dataset, "tables", {})
    surveyed = (
        set(tables["survey_families"]["sozialraum"]) if "survey_families" in tables else set()
    )
    sozialraeume = [c for c in sozialraeume if c in surveyed]
    if not sozialraeume:
        note = Html(
            f"<p>Für {esc(name)} liegt keine Familienbefragung vor. Die Befragung wurde nur in "
            "den Sozialräumen der teilnehmenden Kommune durchgeführt.</p>"
        )
        empty = Html("")
        return ReportParts(header, note, empty, (), empty, _appendix(min_count, min_n))
    est = survey_estimates(dataset, sozialraeume, min_count=min_count, min_n=min_n)
    totals = est[est["region_code"] == _TOTAL].set_index("item")
    sentences = [_sentence(item, totals.loc[item]) for item in SURVEY_ITEMS if item in totals.index]
    summary = join_html(
        [
            "<h2>Das Wichtigste in Kürze</h2><ul>",
            *(f"<li>{esc(s)}</li>" for s in sentences),
            "</ul>",
        ]
    )
    header_row = ["Sozialraum", *[SURVEY_ITEMS[i][1] for i in SURVEY_ITEMS if i in totals.index]]
    body = []
    for code in [*sorted(sozialraeume), _TOTAL]:
        part = est[est["region_code"] == code].set_index("item")
        label = "insgesamt" if code == _TOTAL else hierarchy.name(code)
        cells = [label]
        for item in header_row[1:]:
            key = next(k for k, v in SURVEY_ITEMS.items() if v[1] == item)
            r = part.loc[key]
            decimals = 1 if SURVEY_ITEMS[key][0] == "proportion" else 2
            cells.append(fmt_value(r["value"], SURVEY_ITEMS[key][2], decimals, flag=r["flag"]))
        body.append(cells)
    table = html_table(
        header_row,
        body,
        caption="Gewichtete Ergebnisse nach Sozialraum",
        numeric=[False] + [True] * (len(header_row) - 1),
    )
    data, margins = _survey_tables(dataset, sozialraeume)
    design = survey_design(data, margins)
    shown = {
        item: sorted(
            est.loc[
                (est["item"] == item) & (est["flag"] == "") & (est["region_code"] != _TOTAL),
                "region_code",
            ]
        )
        for item in SURVEY_ITEMS
    }
    differences, _pairs = sozialraum_differences(design, SURVEY_ITEMS, shown, hierarchy.name)
    cross = Html("")
    if "bedarf_ganztag" in data.columns:
        cross, _test = age_cross_table(
            design,
            "bedarf_ganztag",
            SURVEY_ITEMS["bedarf_ganztag"][1],
            data[data["responded"].astype(bool)],
            min_count,
        )
    notes = Html(
        "<h2>Hinweise</h2><ul><li>Die Befragung liegt für einen Zeitpunkt vor; ein Vergleich mit "
        "dem Vorjahr, dem Land oder dem Bund ist nicht möglich.</li><li>Unterschiede zwischen "
        "Sozialräumen werden nur genannt, wenn sie nach einem Test aller Paarvergleiche mit "
        "Holm-Korrektur statistisch gesichert sind (5 %). Ob sich Konfidenzintervalle "
        "überschneiden, ist dafür kein geeignetes Kriterium.</li></ul>"
    )
    return ReportParts(
        header=header,
        summary=summary,
        key_figures=join_html(["<h2>Ergebnisse</h2>", table, differences, cross]),
        charts=tuple(_charts(est))[:5],
        notes=notes,
        appendix=_appendix(min_count, min_n),
        figures=est,
    )


def _appendix(min_count: int, min_n: int) -> Html:
    items = "".join(
        f"<dt>{esc(label)}</dt><dd>{'Anteil der Haushalte mit „ja“' if kind == 'proportion' else 'Mittelwert der Antworten von 1 (sehr unzufrieden) bis 5 (sehr zufrieden)'} "
        f"(Spalte {esc(col)}).</dd>"
        for col, (kind, label, _u, _p) in SURVEY_ITEMS.items()
    )
    return Html(
        "<h2>Definitionen und Quellen</h2>"
        f'<dl class="dkbm-definitions">{items}</dl>'
        "<p><strong>Methode:</strong> Geschichtete Zufallsstichprobe von Haushalten mit Kindern je "
        "Sozialraum. Die Designgewichte werden je Sozialraum um den Ausfall (Nichtteilnahme) "
        "bereinigt und an die Zahl der Haushalte nach Sozialraum und Alter des jüngsten Kindes "
        "aus dem Melderegister angepasst (Nachschichtung). Standardfehler: Taylor-Linearisierung "
        "unter Berücksichtigung der Gewichtung (Ausfall als zweite Auswahlphase); "
        "Konfidenzintervalle für Anteile auf der Logit-Skala. Vergleiche zwischen Sozialräumen: "
        "t-Tests aller Paare mit der Kovarianz der Schätzungen, p-Werte nach Holm korrigiert; "
        "Kreuztabelle: Chi-Quadrat-Test mit Rao-Scott-Korrektur (F-Form) für die Gewichtung und "
        "Schichtung.</p>"
        f"<p><strong>Geheimhaltung:</strong> Ergebnisse aus weniger als {int(min_count)} Antworten "
        f"(oder mit weniger als {int(min_count)} Ja-Antworten) sind durch „.“ ersetzt, Ergebnisse "
        f"aus weniger als {int(min_n)} Antworten durch „/“ (zu unsicher).</p>"
        "<p>Quelle: Kommunale Familienbefragung.</p>"
    )
