"""Key messages "Das Wichtigste in Kürze": at most three key messages, chosen by a documented rule.

The rule (:data:`MESSAGE_RULE`, also printed in each report's appendix):

1. **Largest gap.** Among the key rates of the report region, the largest
   distance to a comparison region (Land, Bund, or the Kreis of a Gemeinde)
   in Prozentpunkten, if it is at least ``min_gap`` (1 Prozentpunkt). The
   sentence states the gap ("3,7 Prozentpunkte unter dem Landeswert").
   Counts are never compared with Land or Bund (regions differ in size).
2. **Largest change beyond noise.** Among the key indicators with at least
   three years, the largest change from the first to the last year shown
   whose linear trend exceeds the year-to-year scatter
   (:func:`toolkit.indicators.trend`, ``exceeds_noise``); rates in
   Prozentpunkten, counts in percent. Only then the words "stieg"/"sank".
3. **Next largest.** The larger of the remaining gaps and changes, on an
   indicator not yet named.

Each indicator is named once where possible; rates on a small base
(:data:`~toolkit.reports.content._figures.SMALL_BASE`) never make a message.
When no candidate qualifies (or the main indicator is not yet named and there
is room), the main indicator's level is stated with its course over the years
("blieb etwa gleich") instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from toolkit.charts._series import course_phrase
from toolkit.indicators import line_trend
from toolkit.reports.content._figures import subject_of
from toolkit.text import fmt_pp, fmt_value, is_missing

__all__ = ["MESSAGE_RULE", "key_messages"]

#: The selection rule in one German paragraph (shown in the appendix).
MESSAGE_RULE = (
    "„Das Wichtigste in Kürze“: höchstens drei Aussagen – der größte Abstand einer Quote zu "
    "Land, Bund oder Kreis (ab einem Prozentpunkt), die größte Veränderung, deren Trend über die "
    "jährlichen Schwankungen hinausgeht (nur dann „stieg“/„sank“), dann die nächstgrößere bei "
    "einer weiteren Kennzahl; ohne Vergleich von Anzahlen und ohne Quoten auf kleiner Basis."
)

_RATES = frozenset({"%", "je 100", "je 1000"})
_VALUE_WORD = {"Land": "Landeswert", "Bund": "Bundeswert", "Kreis": "Kreiswert"}


@dataclass(frozen=True)
class _Candidate:
    kind: str  # "gap" or "change"
    indicator: str
    size: float
    text: str


def _points(delta: float, unit: str) -> str:
    text = fmt_pp(abs(delta), signed=False)
    if unit != "%":
        text = text.replace("Prozentpunkte", "Punkte").replace("Prozentpunkt", "Punkt")
    return text


def _gap(row: pd.Series, ctx: Any, period: int, min_gap: float) -> _Candidate | None:
    unit = str(row["unit"])
    if unit not in _RATES or is_missing(row["value"], row["flag"]) or row.get("small_base"):
        return None
    value = float(row["value"])
    comps = []
    for code in ctx.comparison:
        v, f = row.get(f"value_{code}"), row.get(f"flag_{code}", "")
        if v is not None and not is_missing(v, f):
            comps.append((ctx.label(code), float(v)))
    if not comps:
        return None
    label, ref = max(comps, key=lambda c: abs(value - c[1]))
    delta = value - ref
    if abs(delta) < min_gap:
        return None
    word = _VALUE_WORD.get(label, f"Wert von {label}")
    side = "über" if delta > 0 else "unter"
    others = [f"{lab}: {fmt_value(v, unit)}" for lab, v in comps if lab != label]
    text = (
        f"{subject_of(str(row['name']))} lag {period} bei {fmt_value(value, unit)} und damit "
        f"{_points(delta, unit)} {side} dem {word} ({fmt_value(ref, unit)})"
        + (f"; {', '.join(others)}" if others else "")
        + "."
    )
    return _Candidate("gap", str(row["indicator"]), abs(delta), text)


def _series(ctx: Any, code: str) -> pd.DataFrame:
    """Shown yearly values of the report region (or its nearest level with data)."""
    where = ctx.data_region(code)
    f = ctx.frame
    rows = f[
        (f["indicator"] == code)
        & (f["region_code"] == where)
        & (f["dimension"] == "")
        & (f["period"] <= ctx.period)
    ].sort_values("period")
    shown = [not is_missing(v, g) for v, g in zip(rows["value"], rows["flag"], strict=True)]
    return rows[shown]


def _change(row: pd.Series, ctx: Any) -> _Candidate | None:
    code, unit = str(row["indicator"]), str(row["unit"])
    if row.get("small_base") or ctx.data_region(code) != ctx.region:
        return None
    rows = _series(ctx, code)
    t = line_trend(rows["period"].tolist(), rows["value"].astype(float).tolist())
    if t is None or not bool(t["exceeds_noise"]):
        return None
    first, last = float(rows["value"].iloc[0]), float(rows["value"].iloc[-1])
    if unit in _RATES:
        size = abs(last - first)
    elif first != 0:
        size = abs(last / first - 1) * 100
    else:
        return None
    text = f"{subject_of(str(row['name']))} {course_phrase(rows, unit)}; die Veränderung geht über die jährlichen Schwankungen hinaus."
    return _Candidate("change", code, size, text)


def _level(row: pd.Series, ctx: Any, period: int) -> str:
    """Level of the main indicator with its course over the years (no "stieg" without trend)."""
    unit = str(row["unit"])
    if is_missing(row["value"], row["flag"]):
        return str(row.get("sentence", ""))
    text = f"{subject_of(str(row['name']))} lag {period} bei {fmt_value(row['value'], unit)}"
    rows = _series(ctx, str(row["indicator"]))
    if len(rows) >= 3:
        text += f"; sie {course_phrase(rows, unit)}"
    return text + "."


def _pick(pool: list[_Candidate], named: set[str]) -> _Candidate | None:
    fresh = [c for c in pool if c.indicator not in named]
    choice = (fresh or pool or [None])[0]
    if choice is not None:
        pool.remove(choice)
    return choice


def key_messages(
    ctx: Any,
    figures: pd.DataFrame,
    *,
    limit: int = 3,
    min_gap: float = 1.0,
) -> list[str]:
    r"""Choose at most ``limit`` key messages by the documented rule (module docstring).

    Parameters
    ----------
    ctx : ReportContext
        Report data (protected), with the series of the key indicators.
    figures : pandas.DataFrame
        Result of :func:`~toolkit.reports.content.key_figures`, main indicator first.
    limit : int, default 3
        Most messages.
    min_gap : float, default 1.0
        Smallest gap to a comparison value (Prozentpunkte) worth a message.

    Returns
    -------
    list of str
        German sentences in order of priority.

    Examples
    --------
    >>> from toolkit.reports.runtime import load_dataset
    >>> from toolkit.reports.content import fakten_check
    >>> parts = fakten_check(load_dataset(), "17001", 2024, topic="schule")
    >>> print(parts.summary.split("<li>")[1].split("</li>")[0].replace("\xa0", " "))
    Die Übergangsquote Grundschule → Gymnasium lag 2024 bei 35,0 % und damit 8,1 Prozentpunkte unter dem Bundeswert (43,1 %); Land: 40,2 %.
    """
    if figures is None or figures.empty:
        return []
    rows = [r for _, r in figures.iterrows()]
    gaps = sorted(
        (c for c in (_gap(r, ctx, ctx.period, min_gap) for r in rows) if c),
        key=lambda c: -c.size,
    )
    changes = sorted((c for c in (_change(r, ctx) for r in rows) if c), key=lambda c: -c.size)
    chosen: list[_Candidate] = []
    named: set[str] = set()
    for pool in (gaps, changes):
        if len(chosen) < limit and (c := _pick(pool, named)) is not None:
            chosen.append(c)
            named.add(c.indicator)
    rest = sorted([*gaps, *changes], key=lambda c: -c.size)
    fresh = [c for c in rest if c.indicator not in named]
    if len(chosen) < limit and fresh:
        chosen.append(fresh[0])
        named.add(fresh[0].indicator)
    texts = [c.text for c in chosen]
    main = rows[0]
    if str(main["indicator"]) not in named and len(texts) < limit:
        texts.append(_level(main, ctx, ctx.period))
    return [t for t in texts if t][:limit]
