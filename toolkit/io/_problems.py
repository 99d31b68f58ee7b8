"""Problems found by the table checks, described for people (file lines, expected values).

Split from :mod:`toolkit.io.tables`, which reads and converts; this module only turns
pandera's failure cases into :class:`~toolkit.errors.Problem` objects.
"""

from __future__ import annotations

import pandas as pd

from toolkit.errors import Problem
from toolkit.io._codes import canonical_problem, code_level, code_problem
from toolkit.io._guards import shorten
from toolkit.io.schemas import (
    CODE_CHECK,
    KNOWN_CHECK,
    LEVEL_CHECK,
    NONRESPONSE_CHECK,
    OVERLAP_CHECK,
    SOZIALRAUM_CHECK,
    START_YEAR_CHECK,
    WIDE_CHECKS,
    TableSpec,
    overlapping_age_groups,
)

__all__ = ["describe_failure", "examples", "pandera_problems", "spec_order"]


def examples(values: pd.Series, limit: int = 5) -> str:
    """Name up to ``limit`` distinct values, each shortened.

    Examples
    --------
    >>> examples(pd.Series(["a", "b", "a", "c"]), limit=2)
    "'a', 'b' und 1 weitere"
    """
    distinct = list(dict.fromkeys(values.astype(str).tolist()))
    shown = ", ".join(shorten(v) for v in distinct[:limit])
    return shown + (f" und {len(distinct) - limit} weitere" if len(distinct) > limit else "")


def spec_order(spec: TableSpec, column: str | None) -> int:
    """Return the position of a column in the table (unknown columns last).

    Examples
    --------
    >>> from toolkit.io.schemas import TABLES
    >>> spec_order(TABLES["kita"], "year")
    1
    """
    return spec.names.index(column) if column in spec.names else len(spec.names)


def pandera_problems(
    typed: pd.DataFrame, spec: TableSpec, failure_cases: pd.DataFrame, seen: set
) -> list[Problem]:
    problems: list[Problem] = []
    unplaced = failure_cases[failure_cases["index"].isna()]
    for column, check, case in zip(
        unplaced["column"], unplaced["check"], unplaced["failure_case"], strict=True
    ):
        col = str(column) if column in spec.names else None
        problems.append(Problem(f"Prüfung {check!r} nicht möglich: {case}", column=col))
    cases = failure_cases.dropna(subset=["index"])
    groups: dict[tuple[str | None, str], list[int]] = {}
    for column, check, index in zip(cases["column"], cases["check"], cases["index"], strict=True):
        wide = check in WIDE_CHECKS or column not in spec.names
        col = None if wide else str(column)
        row = int(index)
        if "uniqueness" in str(check):
            groups.setdefault((None, "unique"), []).append(row)
            continue
        if col is not None and (col, row) in seen:
            continue
        if col is not None:
            seen.add((col, row))
        groups.setdefault((col, str(check)), []).append(row)
    for (col, check), rows in groups.items():
        problems.append(describe_failure(typed, spec, col, check, sorted(set(rows))))
    return problems


def describe_failure(
    typed: pd.DataFrame, spec: TableSpec, col: str | None, check: str, rows: list[int]
) -> Problem:
    if check == "unique":
        key = list(spec.present_key(typed.columns))
        sub = typed.loc[rows, key]
        example = ", ".join(str(v) for v in sub.iloc[0].tolist())
        absent = [c for c in spec.breakdowns if c in spec.key and c not in typed.columns]
        why = (
            f" — Spalte fehlt? Ohne die Spalte {', '.join(repr(c) for c in absent)} gilt jede "
            "Zeile als Summe (insgesamt) darüber"
            if absent
            else ""
        )
        return Problem(
            f"doppelter Schlüssel ({', '.join(key)}): dieselbe Kombination steht mehrfach, "
            f"z. B. ({example}){why}",
            rows=tuple(rows),
            hint="jede Kombination der Schlüsselspalten darf nur einmal vorkommen; "
            "Dubletten löschen oder zusammenfassen",
        )
    if col is None:
        first = typed.loc[rows[0]]
        if check == START_YEAR_CHECK:
            text = (
                "start_year muss zwischen year-3 und year liegen (ältere Verträge zählen zu "
                f"year-3); z. B. year {first['year']}, start_year {first['start_year']}"
            )
        elif check == LEVEL_CHECK:
            text = (
                f"level passt nicht zum region_code; z. B. {first['region_code']!r} ist Ebene "
                f"{code_level(first['region_code'])!r}, angegeben {first['level']!r}"
            )
        elif check == NONRESPONSE_CHECK:
            text = "Haushalte mit responded = false dürfen keine Antworten haben"
        elif check == OVERLAP_CHECK:
            pairs = overlapping_age_groups(typed["age_group"].dropna())
            text = "Altersgruppen überschneiden sich: " + ", ".join(
                f"{a!r} und {b!r}" for a, b in pairs[:5]
            )
            return Problem(
                text,
                column="age_group",
                rows=tuple(rows),
                hint="eine Tabelle enthält nur Gruppen einer Gliederung (z. B. die 17 Gruppen "
                "von 12411-02-03-4); Summen wie 'u6' weglassen",
            )
        else:
            text = f"Prüfung {check!r} nicht bestanden"
        return Problem(text, rows=tuple(rows))
    cs = spec.column(col)
    values = typed.loc[rows, col]
    if check == "not_nullable":
        return Problem(f"leere Zelle; erwartet {cs.expected()}", column=col, rows=tuple(rows))
    if check in (CODE_CHECK, SOZIALRAUM_CHECK):
        parts = []
        for code in list(dict.fromkeys(values.tolist()))[:5]:
            lv = code_level(code)
            if lv is None:
                why = code_problem(code)
            elif check == SOZIALRAUM_CHECK and lv != "sozialraum":
                why = f"Ebene {lv}, erwartet Sozialraum"
            else:
                why = canonical_problem(code) or "ungültig"
            parts.append(f"{code!r}: {why}")
        zeros = any("Null" in p or "Kommazahl" in p for p in parts)
        return Problem(
            "ungültiger Regionalschlüssel; " + "; ".join(parts),
            column=col,
            rows=tuple(rows),
            hint="Codes als Text speichern, damit führende Nullen erhalten bleiben "
            "(Excel: Spalte als 'Text' formatieren)"
            if zeros
            else "Schlüssel korrigieren",
        )
    if check == KNOWN_CHECK:
        return Problem(
            f"unbekannter Regionalschlüssel (nicht in der Regionstabelle): {examples(values)}",
            column=col,
            rows=tuple(rows),
            hint="Schlüssel prüfen oder die Region in regions ergänzen",
        )
    what = "negative Anzahl" if cs.kind == "count" and (values < 0).any() else "unerlaubter Wert"
    return Problem(
        f"{what}; erwartet {cs.expected()}; gefunden: {examples(values)}",
        column=col,
        rows=tuple(rows),
    )
