"""Words, chart and method notes of the Fakten-Check "Familienbefragung" (private).

Key messages of the survey report follow one rule (:data:`SURVEY_RULE`):
(1) the share of the main item (Ganztagsbedarf) with its confidence interval,
(2) the largest difference between two Sozialräume that a test of all pairs
secures after Holm's correction (none: said so), (3) the next item's share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from toolkit.charts import Chart, estimate_chart
from toolkit.errors import DataError
from toolkit.reports.content._befragung_tests import fmt_p
from toolkit.reports.content._html import Html, esc
from toolkit.text import fmt_date, fmt_number, fmt_percent, fmt_value, is_missing, missing_reason

__all__ = [
    "SURVEY_RULE",
    "NoSurveyDataError",
    "survey_appendix",
    "survey_chart",
    "survey_facts",
    "survey_messages",
]

#: Rule of "Das Wichtigste in Kürze" in the survey report (also in its appendix).
SURVEY_RULE = (
    "„Das Wichtigste in Kürze“ nennt höchstens drei Aussagen: den Anteil beim ersten Merkmal "
    "(Bedarf an Ganztagsbetreuung) mit Konfidenzintervall, den größten zwischen zwei "
    "Sozialräumen statistisch gesicherten Unterschied (Test aller Paare von Sozialräumen mit "
    "mindestens 20 Antworten, Holm-Korrektur) und den Anteil beim nächsten Merkmal."
)


class NoSurveyDataError(DataError):
    """The report region has no surveyed Sozialraum: no survey report can be made.

    A batch records the report as failed (``NoSurveyDataError: …``) and exits
    non-zero; ``dkbm report`` leaves such regions out of the survey topic and
    says so.

    Examples
    --------
    >>> err = NoSurveyDataError("Für X liegt keine Familienbefragung vor", hint="…")
    >>> isinstance(err, DataError), err.to_dict()["type"]
    (True, 'NoSurveyDataError')
    """

    @classmethod
    def for_region(cls, dataset: Any, hierarchy: Any, region: str, name: str) -> NoSurveyDataError:
        """Build the error naming the region and the regions that have survey data.

        Examples
        --------
        >>> from types import SimpleNamespace
        >>> from toolkit.regions import RegionHierarchy
        >>> h = RegionHierarchy.from_codes(["DG", "17", "17051"], names={"17051": "Kreis A"})
        >>> err = NoSurveyDataError.for_region(SimpleNamespace(tables={}), h, "17051", "Kreis A")
        >>> err.message
        'Für Kreis A (17051) liegt keine Familienbefragung vor'
        """
        tables = getattr(dataset, "tables", {})
        surveyed = (
            sorted(set(tables["survey_families"]["sozialraum"]))
            if "survey_families" in tables
            else []
        )
        places = sorted({code.split("-")[0] for code in surveyed})
        where = ", ".join(f"{hierarchy.name(c)} ({c})" if c in hierarchy else c for c in places[:5])
        hint = (
            f"Die Befragung liegt nur vor für: {where}. Den Fakten-Check „befragung“ nur für "
            "diese Regionen erstellen."
            if where
            else "survey_families.csv und survey_families_margins.csv bereitstellen"
        )
        return cls(
            f"Für {name} ({region}) liegt keine Familienbefragung vor",
            file="survey_families.csv",
            hint=hint,
        )


def _share_sentence(item: str, items: Mapping[str, tuple[str, str, str, str]], r: pd.Series) -> str:
    kind, label, unit, phrase = items[item]
    if is_missing(r["value"], r["flag"]):
        return f"{label}: {missing_reason(r['flag'])}."
    if kind == "proportion":
        ci = f"{fmt_value(r['ci_low'], unit)} bis {fmt_value(r['ci_high'], unit)}"
        return (
            f"{fmt_value(r['value'], unit)} der Familien {phrase} "
            f"(95-%-Konfidenzintervall {ci}; {fmt_number(r['n'])} Antworten)."
        )
    return (
        f"{label}: im Mittel {fmt_value(r['value'], unit, 2)} "
        f"(95-%-Konfidenzintervall {fmt_value(r['ci_low'], unit, 2)} bis "
        f"{fmt_value(r['ci_high'], unit, 2)}; {fmt_number(r['n'])} Antworten)."
    )


def survey_messages(
    est: pd.DataFrame,
    pairs: pd.DataFrame,
    items: Mapping[str, tuple[str, str, str, str]],
    name: Callable[[str], str],
    total: str = "__gesamt__",
) -> list[str]:
    r"""Return at most three key messages of the survey report (rule: :data:`SURVEY_RULE`).

    Parameters
    ----------
    est : pandas.DataFrame
        Protected estimates (:func:`survey_estimates`).
    pairs : pandas.DataFrame
        All tested pairs (``item, a, b, diff, p_holm, significant``).
    items : mapping
        ``column -> (kind, label, unit, phrase)``.
    name : callable
        Sozialraum code -> name.
    total : str
        Region code of the total row.

    Returns
    -------
    list of str
        Sentences in order of priority.

    Examples
    --------
    >>> import pandas as pd
    >>> items = {"a": ("proportion", "A", "%", "sagen a"), "b": ("proportion", "B", "%", "sagen b")}
    >>> est = pd.DataFrame({"item": ["a", "b"], "region_code": "T", "value": [40.0, 20.0],
    ...     "ci_low": [35.0, 15.0], "ci_high": [45.0, 25.0], "n": [100, 100], "flag": ""})
    >>> pairs = pd.DataFrame({"item": ["a"], "a": ["S1"], "b": ["S2"], "diff": [0.2],
    ...     "p_holm": [0.3], "significant": [False]})
    >>> [m.replace("\xa0", " ")[:40] for m in survey_messages(est, pairs, items, str, "T")]
    ['40,0 % der Familien sagen a (95-%-Konfid', 'Zwischen den Sozialräumen ist bei keinem', '20,0 % der Familien sagen b (95-%-Konfid']
    """
    totals = est[est["region_code"] == total].set_index("item")
    order = [i for i in items if i in totals.index]
    out = []
    if order:
        out.append(_share_sentence(order[0], items, totals.loc[order[0]]))
    sig = pairs[pairs["significant"]] if not pairs.empty else pairs
    share_items = [i for i in items if items[i][0] == "proportion"]
    sig = sig[sig["item"].isin(share_items)] if not sig.empty else sig
    if sig.empty:
        out.append(
            "Zwischen den Sozialräumen ist bei keinem Anteil ein Unterschied statistisch "
            "gesichert (Test aller Paare von Sozialräumen mit mindestens 20 Antworten, "
            "Holm-Korrektur)."
        )
    else:
        r = sig.loc[sig["diff"].abs().idxmax()]
        hi, lo = (r["a"], r["b"]) if r["diff"] > 0 else (r["b"], r["a"])
        out.append(
            f"Der größte statistisch gesicherte Unterschied zwischen Sozialräumen: "
            f"{items[r['item']][1]} in {name(hi)} um "
            f"{fmt_number(abs(r['diff']) * 100, 1)} Prozentpunkte höher als in {name(lo)} "
            f"(Holm-korrigiert {fmt_p(r['p_holm'])})."
        )
    if len(order) > 1:
        out.append(_share_sentence(order[1], items, totals.loc[order[1]]))
    return out[:3]


def _fieldwork(meta: Mapping[str, Any]) -> str:
    info = (meta.get("surveys") or {}).get("survey_families") or {}
    days = info.get("fieldwork") or []
    try:
        start, end = (dt.date.fromisoformat(str(d)[:10]) for d in days[:2])
    except ValueError:
        return "Feldzeit: nicht angegeben (meta.json, surveys.survey_families.fieldwork)."
    mode = f" ({info['mode']})" if info.get("mode") else ""
    return f"Feldzeit: {fmt_date(start)} bis {fmt_date(end)}{mode}."


def survey_facts(dataset: Any, data: pd.DataFrame, margins: pd.DataFrame) -> Html:
    r"""Return "Zur Befragung": fieldwork, population, sample drawn, respondents, response rate.

    Parameters
    ----------
    dataset : toolkit.io.Dataset
        For the fieldwork period (``meta["surveys"]["survey_families"]``).
    data : pandas.DataFrame
        Sampled households of the report's Sozialräume (``responded`` marks respondents).
    margins : pandas.DataFrame
        Households by Sozialraum and age group (register).

    Returns
    -------
    Html
        One paragraph.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> ds = SimpleNamespace(meta={"surveys": {"survey_families": {"fieldwork": ["2024-09-02", "2024-10-25"]}}})
    >>> d = pd.DataFrame({"responded": [True, False, True, False]})
    >>> m = pd.DataFrame({"households": [40, 60]})
    >>> print(survey_facts(ds, d, m).replace("\xa0", " "))
    <p class="dkbm-survey-facts"><strong>Zur Befragung:</strong> Feldzeit: 2. September 2024 bis 25. Oktober 2024. Gezogen wurden 4 von 100 Haushalten mit Kindern (geschichtete Zufallsstichprobe je Sozialraum); geantwortet haben 2 Haushalte, die Rücklaufquote beträgt 50,0 %.</p>
    """
    meta = getattr(dataset, "meta", {}) or {}
    drawn = len(data)
    answered = int(data["responded"].astype(bool).sum())
    rate = 100 * answered / drawn if drawn else float("nan")
    frame = int(margins["households"].sum())
    text = (
        f"{_fieldwork(meta)} Gezogen wurden {fmt_number(drawn)} von {fmt_number(frame)} "
        "Haushalten mit Kindern (geschichtete Zufallsstichprobe je Sozialraum); geantwortet "
        f"haben {fmt_number(answered)} Haushalte, die Rücklaufquote beträgt {fmt_percent(rate)}."
    )
    return Html(f'<p class="dkbm-survey-facts"><strong>Zur Befragung:</strong> {esc(text)}</p>')


def survey_chart(
    est: pd.DataFrame, items: Mapping[str, tuple[str, str, str, str]], total: str = "__gesamt__"
) -> Chart | None:
    """One dot plot of every share by Sozialraum, side by side, with the "insgesamt" line.

    Examples
    --------
    >>> from toolkit.reports.runtime import load_dataset
    >>> from toolkit.reports.content._befragung import SURVEY_ITEMS, survey_estimates
    >>> est = survey_estimates(load_dataset(), ["17001000-SR01", "17001000-SR02"])
    >>> len(survey_chart(est, SURVEY_ITEMS).figure.axes)
    3
    """
    shares = [i for i, spec in items.items() if spec[0] == "proportion"]
    rows = est[est["item"].isin(shares) & (est["region_code"] != total)]
    if rows.empty:
        return None
    label_of = {i: items[i][1] for i in shares}
    rows = rows.assign(panel=rows["item"].map(label_of)).sort_values(["label"], kind="stable")
    tot = est[(est["region_code"] == total) & est["item"].isin(shares)]
    reference = {
        label_of[i]: float(v)
        for i, v, f in zip(tot["item"], tot["value"], tot["flag"], strict=True)
        if not is_missing(v, f)
    }
    return estimate_chart(
        rows, unit="%", title="Anteile nach Sozialraum (gewichtet)", reference=reference
    )


def survey_appendix(
    items: Mapping[str, tuple[str, str, str, str]], min_count: int, min_n: int
) -> Html:
    """Definitions, method, disclosure rule and selection rule of the survey report.

    Examples
    --------
    >>> html = survey_appendix({"a": ("proportion", "A", "%", "")}, 3, 10)
    >>> "<dt>A</dt>" in html and "Spalte" not in html
    True
    """
    defs = "".join(
        f"<dt>{esc(label)}</dt><dd>"
        + (
            "Anteil der Haushalte, die mit „ja“ antworten, an allen antwortenden Haushalten."
            if kind == "proportion"
            else "Mittelwert der Antworten von 1 (sehr unzufrieden) bis 5 (sehr zufrieden)."
        )
        + "</dd>"
        for _col, (kind, label, _u, _p) in items.items()
    )
    return Html(
        "<h2>Definitionen und Quellen</h2>"
        f'<dl class="dkbm-definitions">{defs}</dl>'
        "<p><strong>Methode:</strong> Geschichtete Zufallsstichprobe von Haushalten mit Kindern je "
        "Sozialraum. Die Designgewichte werden je Sozialraum um den Ausfall (Nichtteilnahme) "
        "bereinigt und an die Zahl der Haushalte nach Sozialraum und Alter des jüngsten Kindes "
        "aus dem Melderegister angepasst (Nachschichtung). Standardfehler: Taylor-Linearisierung "
        "unter Berücksichtigung der Gewichtung (Ausfall als zweite Auswahlphase); "
        "Konfidenzintervalle für Anteile auf der Logit-Skala. Vergleiche zwischen Sozialräumen: "
        "t-Tests aller Paare von Sozialräumen mit mindestens 20 Antworten zum Merkmal, mit der "
        "Kovarianz der Schätzungen, p-Werte nach Holm korrigiert; Kreuztabelle: "
        "Chi-Quadrat-Test mit Rao-Scott-Korrektur (F-Form) für die Gewichtung und Schichtung. "
        "Werte aus weniger als 20 Antworten sind mit * markiert und werden weder als höchster "
        "oder niedrigster Wert genannt noch mit anderen Sozialräumen verglichen.</p>"
        f"<p><strong>Geheimhaltung:</strong> Ergebnisse aus weniger als {int(min_count)} Antworten "
        f"(oder mit weniger als {int(min_count)} Ja-Antworten) sind durch „.“ ersetzt, Ergebnisse "
        f"aus weniger als {int(min_n)} Antworten durch „/“ (zu unsicher).</p>"
        f"<p><strong>Auswahl der Aussagen:</strong> {esc(SURVEY_RULE)}</p>"
        "<p>Quelle: Kommunale Familienbefragung.</p>"
    )
