"""Significance tests of the Fakten-Check "Familienbefragung".

Differences between Sozialräume are reported only when they are
significant after Holm's adjustment over all pairs; the cross-table of
Ganztagsbedarf by age of the youngest child comes with a Rao-Scott test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from toolkit.charts import SMALL_BASE
from toolkit.reports.content._html import Html, esc, html_table, join_html
from toolkit.text import fmt_number, fmt_value
from toolkit.weighting import chisq_test, domain_means, pairwise

__all__ = ["AGE_LABELS", "METHOD_PAIRS", "age_cross_table", "fmt_p", "sozialraum_differences"]

AGE_LABELS = {
    "u3": "unter 3 Jahre",
    "3u6": "3 bis unter 6 Jahre",
    "6u10": "6 bis unter 10 Jahre",
    "10u18": "10 bis unter 18 Jahre",
}
METHOD_PAIRS = (
    "Geprüft mit t-Tests aller Paare von Sozialräumen (designbasierte Standardfehler mit der "
    "Kovarianz der Sozialraum-Ergebnisse), p-Werte nach Holm für die Zahl der Vergleiche "
    f"korrigiert, Signifikanzniveau 5 %. Sozialräume mit weniger als {SMALL_BASE} Antworten "
    "zu einem Merkmal werden bei diesem Merkmal nicht verglichen."
)
_MAX_PAIRS = 5


def fmt_p(p: float) -> str:
    """Format a p-value in German (``p = 0,012``, ``p < 0,001``).

    Examples
    --------
    >>> fmt_p(0.01234), fmt_p(0.00001)
    ('p = 0,012', 'p < 0,001')
    """
    if p < 0.001:
        return "p < 0,001"
    return f"p = {p:.3f}".replace(".", ",")


def sozialraum_differences(
    design: Any,
    items: Mapping[str, tuple[str, str, str, str]],
    shown: Mapping[str, Sequence[str]],
    name: Any,
    alpha: float = 0.05,
    *,
    small: Mapping[str, Sequence[str]] | None = None,
) -> tuple[Html, pd.DataFrame]:
    """Significant differences between the shown Sozialräume, per survey item.

    Parameters
    ----------
    design : SurveyDesign
        Weighted design of the report's Sozialräume.
    items : mapping
        ``column -> (kind, label, unit, phrase)`` as ``SURVEY_ITEMS``.
    shown : mapping
        Item -> Sozialraum codes compared: their value is shown (disclosure control
        passed) and rests on at least ``SMALL_BASE`` answers.
    name : callable
        Code -> display name.
    alpha : float
        Family-wise level per item.
    small : mapping, optional
        Item -> Sozialraum codes shown but not compared (fewer than ``SMALL_BASE``
        answers); named after the item's sentence.

    Returns
    -------
    (Html, pandas.DataFrame)
        German sentences and all tested pairs (``item, a, b, diff, se, p, p_holm, significant``).

    Examples
    --------
    >>> from toolkit.reports.runtime import load_dataset
    >>> from toolkit.reports.content._befragung import SURVEY_ITEMS, survey_design
    >>> data = load_dataset().tables
    >>> d = survey_design(data["survey_families"], data["survey_families_margins"])
    >>> codes = sorted(set(data["survey_families"]["sozialraum"]))
    >>> html, pairs = sozialraum_differences(d, SURVEY_ITEMS, {k: codes for k in SURVEY_ITEMS}, str)
    >>> len(pairs) == len(SURVEY_ITEMS) * len(codes) * (len(codes) - 1) // 2
    True
    """
    parts = ["<h2>Unterschiede zwischen Sozialräumen</h2><ul>"]
    frames = []
    for item, (kind, label, unit, _phrase) in items.items():
        codes = list(shown.get(item, ()))
        if item not in design.data.columns:
            continue
        few = list((small or {}).get(item, ()))
        left_out = (
            f" Nicht verglichen (weniger als {SMALL_BASE} Antworten): "
            f"{', '.join(name(c) for c in few)}."
            if few
            else ""
        )
        if len(codes) < 2:
            if few:
                parts.append(f"<li>{esc(label)}: kein Vergleich möglich.{esc(left_out)}</li>")
            continue
        est = domain_means(design, item, "sozialraum", na_rm=True).subset(codes)
        pairs = pairwise(est, alpha=alpha).assign(item=item)
        frames.append(pairs)
        scale, decimals = (100.0, 1) if kind == "proportion" else (1.0, 2)
        values = dict(zip(est.keys, est.values * scale, strict=True))
        sig = pairs[pairs["significant"]].sort_values("p_holm")
        if sig.empty:
            parts.append(
                f"<li>{esc(label)}: zwischen den Sozialräumen gibt es keinen statistisch "
                f"gesicherten Unterschied.{esc(left_out)}</li>"
            )
            continue
        texts = []
        for r in sig.head(_MAX_PAIRS).itertuples():
            hi, lo = (r.a, r.b) if r.diff > 0 else (r.b, r.a)
            diff = abs(r.diff) * scale
            gap = (
                f"{fmt_number(diff, decimals)} Prozentpunkte"
                if kind == "proportion"
                else fmt_number(diff, decimals)
            )
            texts.append(
                f"{name(hi)} ({fmt_value(values[hi], unit, decimals)}) liegt über {name(lo)} "
                f"({fmt_value(values[lo], unit, decimals)}; Unterschied {gap}, {fmt_p(r.p_holm)})"
            )
        more = len(sig) - _MAX_PAIRS
        tail = f"; {more} weitere gesicherte Unterschiede" if more > 0 else ""
        parts.append(f"<li>{esc(label)}: {esc('; '.join(texts) + tail)}.{esc(left_out)}</li>")
    parts.append(f"</ul><p>{esc(METHOD_PAIRS)}</p>")
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return join_html(parts), table


def age_cross_table(
    design: Any, item: str, label: str, respondents: pd.DataFrame, min_count: int
) -> tuple[Html, Any]:
    """Share with ``item`` by age group of the youngest child, with a Rao-Scott test.

    Parameters
    ----------
    design : SurveyDesign
        Weighted design.
    item : str
        Boolean survey item.
    label : str
        Its German label.
    respondents : pandas.DataFrame
        Respondents (for the disclosure counts).
    min_count : int
        Cells with fewer answers or fewer "yes" answers are replaced by ".".

    Returns
    -------
    (Html, ChisqTest)
        Table and sentence; the test result.

    Examples
    --------
    >>> from toolkit.reports.runtime import load_dataset
    >>> from toolkit.reports.content._befragung import survey_design
    >>> data = load_dataset().tables
    >>> d = survey_design(data["survey_families"], data["survey_families_margins"])
    >>> resp = data["survey_families"][data["survey_families"]["responded"]]
    >>> html, test = age_cross_table(d, "bedarf_ganztag", "Bedarf", resp, 3)
    >>> "Rao-Scott" in html and 0 <= test.p_value <= 1
    True
    """
    test = chisq_test(design, "child_age_group", item)
    tab = test.table
    yes_col = next(c for c in tab.columns if bool(c))
    share = tab[yes_col] / tab.sum(axis=1) * 100
    answered = respondents[respondents[item].notna()]
    counts = answered.groupby("child_age_group")[item].agg(["size", "sum"])
    rows = []
    for group in [g for g in AGE_LABELS if g in share.index]:
        n, yes = int(counts.loc[group, "size"]), int(counts.loc[group, "sum"])
        flag = "." if n < min_count or yes < min_count else ""
        rows.append([AGE_LABELS[group], fmt_value(share[group], "%", 1, flag=flag), fmt_number(n)])
    table = html_table(
        ["Alter des jüngsten Kindes", f"{label} (%)", "Antworten"],
        rows,
        caption=f"{label} nach Alter des jüngsten Kindes (gewichtet)",
        numeric=[False, True, True],
    )
    verdict = (
        "Der Anteil unterscheidet sich zwischen den Altersgruppen statistisch gesichert."
        if test.p_value < 0.05
        else "Ein Unterschied zwischen den Altersgruppen ist statistisch nicht gesichert."
    )
    sentence = (
        f"{verdict} ({test.method}: F = {fmt_number(test.statistic, 2)} bei "
        f"{fmt_number(test.df, 1)} und {fmt_number(test.ddf, 1)} Freiheitsgraden, {fmt_p(test.p_value)}.)"
    )
    return join_html([table, f"<p>{esc(sentence)}</p>"]), test
