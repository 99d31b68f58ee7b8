"""What a batch refuses before any report starts, and what a report's input hash covers.

A template says what it reads (:func:`requirements`): its tables and
indicators, from ``Template.requires`` (or ``requires`` in its ``dkbm``
metadata), else derived from the report builder of
:mod:`toolkit.reports.content` it calls. The input hash of a report covers
exactly that: those tables and ``meta.json`` (:func:`inputs_digest`), the
parameters, ``bericht.toml``, the template file and version and the toolkit
version; a note or a table the template does not read changes nothing.
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
import hashlib
import json
import math
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from toolkit.errors import ParameterError, Problem, TemplateError

__all__ = [
    "Requires",
    "check_against_data",
    "check_bounds",
    "check_template",
    "check_timeout",
    "inputs_digest",
    "requirements",
    "supported",
    "table_years",
    "template_version",
]

_TABLE_SUFFIXES = (".csv", ".csv.gz", ".csv.zip", ".parquet", ".xlsx")
#: Lowest value of parameters the schema gives no range for (disclosure: a count threshold).
_FLOORS = {"min_count": 1}


@dataclass(frozen=True)
class Requires:
    """What one report reads: tables (None: unknown, i.e. every table) and indicators.

    Examples
    --------
    >>> Requires(("regions", "kita"), ("betreuungsquote_u3",)).indicators
    ('betreuungsquote_u3',)
    """

    tables: tuple[str, ...] | None
    indicators: tuple[str, ...] = ()


def _metadata(template: Any) -> dict[str, Any]:
    try:
        nb = json.loads(Path(template.path).read_text(encoding="utf-8"))
        return dict(nb.get("metadata", {}).get("dkbm") or {})
    except (OSError, ValueError):
        return {}


def template_version(template: Any) -> str:
    """Return ``Template.version`` (or the ``version`` in its metadata; "" when none).

    Examples
    --------
    >>> from toolkit.reports.registry import get_template
    >>> isinstance(template_version(get_template("fakten_check")), str)
    True
    """
    return str(getattr(template, "version", None) or _metadata(template).get("version") or "")


def _builder_requires(template: Any, parameters: Mapping[str, Any]) -> dict[str, Any] | None:
    """Tables and indicators of the :mod:`toolkit.reports.content` builder a template calls."""
    from toolkit.reports.planning import template_imports

    if not any(m.startswith("toolkit.reports.content") for m in template_imports(template)):
        return None
    from toolkit.reports.content import FAKTEN_TOPICS, _abbrueche, _uebergaenge

    source = "\n".join(_code_cells(template))
    calls = {n.func.id for n in ast.walk(ast.parse(source)) if _named_call(n)}
    if "fakten_check" in calls:
        topic = FAKTEN_TOPICS[str(parameters.get("topic", "fruehe_bildung"))]
        return {"tables": topic["tables"], "indicators": topic["indicators"]}
    if "uebergaenge" in calls:
        from toolkit.indicators import catalog

        chain = [p + c for _, p, cats in _uebergaenge.CHAIN_STAGES for c in cats]
        codes = [*_uebergaenge.UEBERGAENGE_INDICATORS, *chain]
        return {"indicators": [c for c in codes if c in set(catalog()["code"])]}
    if "ausbildungsabbrueche" in calls:
        return {"tables": ["berufe"], "indicators": list(_abbrueche.ABBRUECHE_INDICATORS)}
    return None


def _named_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name)


def _code_cells(template: Any) -> list[str]:
    import nbformat

    nb = nbformat.read(template.path, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code"]


def requirements(template: Any, parameters: Mapping[str, Any]) -> Requires:
    """Return what a report of ``template`` with ``parameters`` reads.

    ``Template.requires`` (or ``requires`` in the template's metadata):
    ``{"tables": [...], "indicators": [...]}``, optionally with
    ``"variants": {param: {value: {...}}}`` added for the chosen value; else
    derived from the content builder the template calls; else unknown
    (``tables=None``: every table counts). ``regions`` is always read, and
    so are the tables the indicators are computed from.

    Examples
    --------
    >>> from toolkit.reports.registry import get_template
    >>> r = requirements(get_template("fakten_check"), {"topic": "schule"})
    >>> r.tables, r.indicators[0]
    (('regions', 'school_leavers', 'transitions'), 'abgaenge_anteil_ohne_hsa')
    """
    declared = getattr(template, "requires", None) or _metadata(template).get("requires")
    if not declared:
        declared = _builder_requires(template, parameters)
    if not declared:
        return Requires(None)
    parts = [declared]
    for name, by_value in (declared.get("variants") or {}).items():
        parts.append(by_value.get(str(parameters.get(name)), {}))
    indicators = [c for p in parts for c in p.get("indicators", ())]
    from toolkit.indicators.engine import STEPS

    computed = [t for needed, _, codes in STEPS if set(codes) & set(indicators) for t in needed]
    tables = ["regions", *(t for p in parts for t in p.get("tables", ())), *computed]
    return Requires(tuple(sorted(set(tables))), tuple(dict.fromkeys(indicators)))


def inputs_digest(data_dir: str | os.PathLike[str], tables: tuple[str, ...] | None) -> str:
    """Return a SHA-256 over the data a report reads and the ``bericht.toml`` it is laid out with.

    Covers ``meta.json`` and the files of ``tables`` (every table file when
    None; a table's absence counts too); other files (notes, README, tables
    the template does not read) change nothing.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     empty = inputs_digest(d, ("kita",))
    ...     _ = Path(d, "notizen.txt").write_text("x")
    ...     _ = Path(d, "schule.csv").write_text("x")
    ...     same = inputs_digest(d, ("kita",))
    ...     _ = Path(d, "kita.csv").write_text("x")
    ...     empty == same, empty == inputs_digest(d, ("kita",)), empty == inputs_digest(d, None)
    (True, False, False)
    """
    root = Path(data_dir)
    files = [p for p in root.rglob("*") if p.is_file()]
    files = [p for p in files if p.name == "meta.json" or p.name.lower().endswith(_TABLE_SUFFIXES)]
    if tables is not None:
        wanted = {f"{t}{s}" for t in tables for s in _TABLE_SUFFIXES} | {"meta.json"}
        files = [p for p in files if p.relative_to(root).as_posix().lower() in wanted]
    digest = hashlib.sha256(json.dumps(sorted(tables or [])).encode())
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    from toolkit.reports.layout import load_bericht_config

    bericht = load_bericht_config(root)  # also fails early on a broken file
    digest.update(json.dumps({**asdict(bericht), "path": ""}, sort_keys=True).encode())
    logo = Path(bericht.path).parent / bericht.logo if bericht.logo and bericht.path else None
    if logo is not None and logo.is_file():
        digest.update(logo.read_bytes())
    return digest.hexdigest()


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
    raw = _metadata(template).get("parameters") or {}
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


def table_years(tables: Mapping[str, Any], names: Any = None) -> list[int]:
    """Years in the ``year`` column of the tables ``names`` (None: all), sorted.

    Examples
    --------
    >>> import pandas as pd
    >>> table_years({"kita": pd.DataFrame({"year": [2024, 2023]}), "regions": pd.DataFrame()})
    [2023, 2024]
    """
    found: set[int] = set()
    for name, table in tables.items():
        if (names is None or name in names) and "year" in getattr(table, "columns", ()):
            found.update(int(y) for y in table["year"].dropna().unique())
    return sorted(found)


def supported(dataset: Any, requires: Requires, period: int | None = None) -> tuple[bool, str]:
    """Whether the data give a report's leading indicator (the first one), and if not, why.

    A template without indicators needs its tables.

    Examples
    --------
    >>> supported({}, Requires(("kita",)))
    (False, "Tabelle 'kita' fehlt")
    """
    tables = getattr(dataset, "tables", dataset)
    if not requires.indicators:
        gone = [t for t in requires.tables or () if tables.get(t) is None]
        return not gone, "Tabelle " + ", ".join(repr(t) for t in gone) + " fehlt" if gone else ""
    from toolkit.indicators import coverage

    row = coverage(dataset, requires.indicators[:1], period=period).iloc[0]
    return bool(row["available"]), str(row["reason"])


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
        source = "\n".join(_code_cells(template))
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
