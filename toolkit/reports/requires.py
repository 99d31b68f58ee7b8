"""What a report reads: its template's tables and indicators, and their digest.

A template says what it reads (:func:`requirements`): ``Template.requires``
(or ``requires`` in its ``dkbm`` metadata), else what the report builder of
:mod:`toolkit.reports.content` it calls reads. A report's input hash covers
exactly that (:func:`inputs_digest`): those tables and ``meta.json``, and
the ``bericht.toml`` it is laid out with; a note or a table the template
does not read changes nothing. :func:`supported` says whether data give a
template's leading indicator.

Examples
--------
>>> Requires(("regions",)).indicators
()
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "Requires",
    "code_cells",
    "inputs_digest",
    "requirements",
    "supported",
    "table_years",
    "template_metadata",
    "template_version",
]

_TABLE_SUFFIXES = (".csv", ".csv.gz", ".csv.zip", ".parquet", ".xlsx")


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


def template_metadata(template: Any) -> dict[str, Any]:
    """Return the ``dkbm`` metadata of the template's notebook ({} when unreadable).

    Examples
    --------
    >>> from toolkit.reports.registry import get_template
    >>> template_metadata(get_template("fakten_check"))["name"]
    'fakten_check'
    """
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
    return str(
        getattr(template, "version", None) or template_metadata(template).get("version") or ""
    )


def _builder_requires(template: Any, parameters: Mapping[str, Any]) -> dict[str, Any] | None:
    """Tables and indicators of the :mod:`toolkit.reports.content` builder a template calls."""
    from toolkit.reports.planning import template_imports

    if not any(m.startswith("toolkit.reports.content") for m in template_imports(template)):
        return None
    from toolkit.reports.content import FAKTEN_TOPICS, _abbrueche, _uebergaenge

    source = "\n".join(code_cells(template))
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


def code_cells(template: Any) -> list[str]:
    """Return the source of every code cell of the template.

    Examples
    --------
    >>> from toolkit.reports.registry import get_template
    >>> any("fakten_check(" in c for c in code_cells(get_template("fakten_check")))
    True
    """
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
    declared = getattr(template, "requires", None) or template_metadata(template).get("requires")
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
