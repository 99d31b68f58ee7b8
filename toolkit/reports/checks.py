"""What a batch refuses before any report process starts.

Before any report process starts, a batch refuses parameters outside their
range, a time limit that is no positive number, comparison regions not in
the data, a period without data for the template, data with none of the
template's indicators (naming the missing tables), and for publication runs
templates that use unprotected data (``internal``) or fail the static checks
(:func:`check_template`).

Examples
--------
>>> check_timeout(30)
30.0
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from typing import Any

from toolkit.errors import ParameterError, Problem, TemplateError
from toolkit.reports.requires import Requires, code_cells, table_years, template_metadata

__all__ = ["check_against_data", "check_bounds", "check_template", "check_timeout"]

#: Lowest value of parameters the schema gives no range for (disclosure: a count threshold).
_FLOORS = {"min_count": 1}


def check_timeout(timeout: Any) -> float | None:
    """Return a valid time limit in seconds (None: no limit), else raise ParameterError.

    Examples
    --------
    >>> check_timeout(float("nan"))
    Traceback (most recent call last):
    toolkit.errors.ParameterError: Ungültiges Zeitlimit nan s
    ...
    """
    if timeout is None:
        return None
    value = float(timeout)
    if not math.isfinite(value) or value <= 0:
        raise ParameterError(
            f"Ungültiges Zeitlimit {value:g} s", hint="--timeout muss eine Zahl größer 0 sein"
        )
    return value


def check_bounds(template: Any, parameters: Mapping[str, Any]) -> None:
    """Refuse numbers outside the range the schema gives (``minimum``/``maximum``).

    Without a range in the schema, ``min_count`` must be at least 1 (a
    smallest published count of 0 would publish every count).

    Examples
    --------
    >>> from toolkit.reports.registry import get_template
    >>> check_bounds(get_template("fakten_check"), {"min_count": 0})
    Traceback (most recent call last):
    toolkit.errors.ParameterError: Ungültige Parameter für Vorlage 'fakten_check'
      - min_count: 0 liegt außerhalb des erlaubten Bereichs (mindestens 1)
    ...
    """
    raw = template_metadata(template).get("parameters") or {}
    problems = []
    for name, value in parameters.items():
        spec = template.parameters.get(name)
        if spec is None or spec.type not in ("int", "float") or not isinstance(value, int | float):
            continue
        low = getattr(spec, "minimum", None)
        high = getattr(spec, "maximum", None)
        low = raw.get(name, {}).get("minimum", _FLOORS.get(name)) if low is None else low
        high = raw.get(name, {}).get("maximum") if high is None else high
        if (low is not None and value < low) or (high is not None and value > high):
            bits = [f"mindestens {low}"] * (low is not None) + [f"höchstens {high}"] * (
                high is not None
            )
            problems.append(
                Problem(
                    f"{name}: {value!r} liegt außerhalb des erlaubten Bereichs ({', '.join(bits)})"
                )
            )
    if problems:
        raise ParameterError(
            f"Ungültige Parameter für Vorlage {template.name!r}",
            problems=problems,
            hint=f"dkbm templates show {template.name} zeigt Typen und erlaubte Werte",
        )


def check_against_data(
    dataset: Any, requires: Requires, period: Any, comparison: Any = None
) -> tuple[tuple[str, str], ...]:
    """Refuse what the data cannot give; return the indicators left out, with reasons.

    Raises ParameterError for comparison regions not in ``regions``, for a
    period none of the template's tables has (naming the years there are)
    and when none of the template's indicators can be computed for
    ``period`` (naming the missing tables and years).

    Examples
    --------
    >>> import pandas as pd
    >>> regions = pd.DataFrame({"region_code": ["17"]})
    >>> check_against_data({"regions": regions}, Requires(None), 2024, ["99"])
    Traceback (most recent call last):
    toolkit.errors.ParameterError: Vergleichsregionen nicht in den Daten: 99
    ...
    """
    tables = getattr(dataset, "tables", dataset)
    known = set(tables["regions"]["region_code"].astype(str))
    unknown = [str(c) for c in comparison or [] if str(c) not in known]
    if unknown:
        raise ParameterError(
            f"Vergleichsregionen nicht in den Daten: {', '.join(unknown)}",
            hint="Regionalschlüssel aus regions.csv angeben oder comparison weglassen",
        )
    years = table_years(tables, requires.tables)
    if years and isinstance(period, int) and period not in years:
        raise ParameterError(
            f"Keine Daten für {period}",
            hint=f"Die Daten reichen von {years[0]}–{years[-1]} (Jahre: {_listed(years)})",
        )
    if not requires.indicators:
        return ()
    from toolkit.indicators import coverage

    cov = coverage(dataset, requires.indicators, period=period)
    gone = cov[~cov["available"]]
    if len(gone) == len(cov):
        missing = sorted({t for ts in cov["missing_tables"] for t in ts})
        lacking = sorted({y for ys in cov["missing_years"] for y in ys})
        hint = f"Fehlende Tabellen ergänzen: {', '.join(missing)}" if missing else ""
        if lacking:
            hint = f"Fehlende Jahre: {_listed(lacking)}; Jahre in den Daten: {_listed(years)}"
        raise ParameterError(
            f"Keiner der Indikatoren der Vorlage lässt sich für {period} aus den Daten berechnen: "
            + "; ".join(
                f"{c}: {r}" for c, r in zip(gone["indicator"], gone["reason"], strict=True)
            ),
            hint=hint or None,
        )
    return tuple(zip(gone["indicator"], gone["reason"], strict=True))


def _listed(years: list[int]) -> str:
    return ", ".join(map(str, years)) or "keine"


def _uses_internal(source: str) -> bool:
    """Whether template code opts out of protected data (the blocks API, else ``internal=True``)."""
    try:
        from toolkit.blocks import uses_internal_data  # type: ignore[import-not-found]
    except ImportError:
        uses_internal_data = None
    if uses_internal_data is not None:
        return bool(uses_internal_data(source))
    return any(
        isinstance(node, ast.keyword)
        and node.arg == "internal"
        and isinstance(node.value, ast.Constant)
        and node.value.value is True
        for node in ast.walk(ast.parse(source))
    )


def _static_problems(template: Any, source: str) -> list[Problem]:
    """``registry.check_template_static`` when there, else toolkit names the code imports."""
    from toolkit.reports import registry

    check = getattr(registry, "check_template_static", None)
    if check is not None:
        return [p for p in check(template) if p.column != "internal"]
    import importlib

    problems = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("toolkit"):
            try:
                module = importlib.import_module(str(node.module))
            except ImportError as exc:
                problems.append(Problem(f"Modul {node.module} gibt es nicht: {exc}"))
                continue
            for alias in node.names:
                if alias.name != "*" and not hasattr(module, alias.name):
                    problems.append(Problem(f"{node.module} hat keinen Namen {alias.name!r}"))
    return problems


def check_template(template: Any, *, internal: bool = False) -> bool:
    """Run the static template checks; refuse internal templates unless ``internal``.

    Returns whether the template uses unprotected data (internal reports,
    every page marked "nur für den Dienstgebrauch").

    Examples
    --------
    >>> from toolkit.reports.registry import get_template
    >>> check_template(get_template("fakten_check"))
    False
    """
    try:
        source = "\n".join(code_cells(template))
        problems = _static_problems(template, source)
        uses = _uses_internal(source)
    except SyntaxError as exc:
        problems, uses = [Problem(f"Code-Zelle ist kein gültiges Python: {exc.msg}")], False
    if problems:
        raise TemplateError(
            "Die Vorlage besteht die Prüfung vor dem Start nicht",
            file=str(template.path),
            problems=problems,
        )
    if uses and not internal:
        raise TemplateError(
            f"Vorlage {template.name!r} liest ungeschützte Daten (nur für den Dienstgebrauch) "
            "und ist nicht zur Veröffentlichung bestimmt",
            file=str(template.path),
            hint="für einen internen Lauf --intern angeben; sonst die Vorlage auf geschützte "
            "Daten umstellen (docs/vorlagen_schreiben.md)",
        )
    return uses
