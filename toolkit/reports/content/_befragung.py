"""Fakten-Check "Familienbefragung": weighted survey results by Sozialraum with CIs."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from toolkit.disclosure import protect_survey
from toolkit.errors import DataError
from toolkit.reports.content._befragung_tests import age_cross_table, sozialraum_differences
from toolkit.reports.content._common import report_header
from toolkit.reports.content._context import _hierarchy
from toolkit.reports.content._figures import SMALL_BASE
from toolkit.reports.content._html import Html, esc, html_table, join_html
from toolkit.reports.content._parts import ReportParts
from toolkit.reports.content._survey_text import (
    NoSurveyDataError,
    survey_appendix,
    survey_chart,
    survey_facts,
    survey_messages,
)
from toolkit.text import fmt_number, fmt_value
from toolkit.weighting import SurveyDesign, adjust_nonresponse, mean, poststratify, proportion

__all__ = [
    "SURVEY_ITEMS",
    "NoSurveyDataError",
    "survey_design",
    "survey_estimates",
    "survey_report",
]

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
    """Protect survey estimates with their total row as one table (:func:`protect_survey`)."""
    return protect_survey(est, min_count=min_count, min_n=min_n, total=_TOTAL)


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
        Header, at most three key messages, the survey's fieldwork and
        response, table, tested differences, one chart of the shares by
        Sozialraum with the "insgesamt" line, notes and method appendix.

    Raises
    ------
    NoSurveyDataError
        When the region has no surveyed Sozialraum: the report is not made
        (a batch marks it failed and exits non-zero) instead of an empty one.

    Examples
    --------
    >>> from toolkit.reports.runtime import load_dataset
    >>> parts = survey_report(load_dataset(), "17001", 2024)
    >>> parts.summary.split("<li>")[1][:70]
    '36,1\xa0% der Familien nennen einen Bedarf an Ganztagsbetreuung (95-%-Kon'
    >>> survey_report(load_dataset(), "17051", 2024)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    toolkit.reports.content._survey_text.NoSurveyDataError: Für Beispielkreis (17051) liegt keine Familienbefragung vor...
    """
    del comparison  # the survey has no comparison regions
    hierarchy = _hierarchy(dataset)
    region = str(region).strip()
    name = hierarchy.name(region) if region in hierarchy else region
    sozialraeume = _surveyed(dataset, hierarchy, region)
    if not sozialraeume:
        raise NoSurveyDataError.for_region(dataset, hierarchy, region, name)
    header = report_header("Fakten-Check Familienbefragung", name, str(period), dataset, _TABLES)
    est = survey_estimates(dataset, sozialraeume, min_count=min_count, min_n=min_n)
    data, margins = _survey_tables(dataset, sozialraeume)
    design = survey_design(data, margins)
    # Sozialräume compared in the tests: value shown and at least SMALL_BASE answers (a
    # difference on a handful of answers is never named; the small ones are listed)
    own = est[(est["flag"] == "") & (est["region_code"] != _TOTAL)]
    enough = own["n"].astype(float) >= SMALL_BASE
    compared = {
        i: sorted(own.loc[enough & (own["item"] == i), "region_code"]) for i in SURVEY_ITEMS
    }
    small = {i: sorted(own.loc[~enough & (own["item"] == i), "region_code"]) for i in SURVEY_ITEMS}
    differences, pairs = sozialraum_differences(
        design, SURVEY_ITEMS, compared, hierarchy.name, small=small
    )
    summary = join_html(
        [
            "<h2>Das Wichtigste in Kürze</h2><ul>",
            *(
                f"<li>{esc(s)}</li>"
                for s in survey_messages(est, pairs, SURVEY_ITEMS, hierarchy.name)
            ),
            "</ul>",
            survey_facts(dataset, data, margins),
        ]
    )
    table = _result_table(est, sozialraeume, hierarchy, data)
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
        "Sozialräumen werden nur genannt, wenn ein Test aller Paarvergleiche sie nach der "
        "Holm-Korrektur für die Zahl der Vergleiche als statistisch gesichert ausweist (5 %), "
        f"und nur zwischen Sozialräumen mit mindestens {SMALL_BASE} Antworten zum Merkmal. "
        "Ob sich Konfidenzintervalle überschneiden, ist dafür kein geeignetes Kriterium.</li></ul>"
    )
    return ReportParts(
        header=header,
        summary=summary,
        key_figures=join_html(["<h2>Ergebnisse</h2>", table, differences, cross]),
        charts=tuple(c for c in [survey_chart(est, SURVEY_ITEMS, _TOTAL)] if c is not None),
        notes=notes,
        appendix=survey_appendix(SURVEY_ITEMS, min_count, min_n),
        figures=est,
    )


def _surveyed(dataset: Any, hierarchy: Any, region: str) -> list[str]:
    """Sozialräume of the region that the survey covers."""
    if region not in hierarchy:
        return []
    if hierarchy.level(region) == "sozialraum":
        codes = [region]
    else:
        codes = [c for c in hierarchy.descendants(region) if hierarchy.level(c) == "sozialraum"]
    tables = getattr(dataset, "tables", {})
    surveyed = (
        set(tables["survey_families"]["sozialraum"]) if "survey_families" in tables else set()
    )
    return [c for c in codes if c in surveyed]


def _result_table(
    est: pd.DataFrame, sozialraeume: list[str], hierarchy: Any, data: pd.DataFrame
) -> Html:
    """Weighted results by Sozialraum and in total, with the respondents next to them."""
    items = [i for i in SURVEY_ITEMS if i in set(est["item"])]
    header = ["Sozialraum", *[SURVEY_ITEMS[i][1] for i in items], "Antworten"]
    responded = data[data["responded"].astype(bool)]
    body = []
    for code in [*sorted(sozialraeume), _TOTAL]:
        part = est[est["region_code"] == code].set_index("item")
        label = "insgesamt" if code == _TOTAL else hierarchy.name(code)
        cells = [label]
        for item in items:
            r = part.loc[item]
            decimals = 1 if SURVEY_ITEMS[item][0] == "proportion" else 2
            text = fmt_value(r["value"], SURVEY_ITEMS[item][2], decimals, flag=r["flag"])
            small = r["flag"] == "" and float(r["n"]) < SMALL_BASE  # same rule as the charts
            cells.append(text + ("*" if small else ""))
        n = len(responded) if code == _TOTAL else int((responded["sozialraum"] == code).sum())
        cells.append(fmt_number(n))
        body.append(cells)
    # n next to the rates: the answers behind each item's total (item nonresponse differs)
    totals = est[est["region_code"] == _TOTAL].set_index("item")
    body.append(["Antworten je Merkmal", *(fmt_number(totals.at[i, "n"]) for i in items), ""])
    table = html_table(
        header,
        body,
        caption="Gewichtete Ergebnisse nach Sozialraum (Antworten: teilnehmende Haushalte)",
        numeric=[False] + [True] * (len(header) - 1),
    )
    note = (
        f'<p class="dkbm-tablenote">* Kleine Basis: weniger als {SMALL_BASE} Antworten; '
        "der Wert wird nicht als höchster oder niedrigster genannt und nicht mit anderen "
        "Sozialräumen verglichen.</p>"
    )
    return Html(table + note)
