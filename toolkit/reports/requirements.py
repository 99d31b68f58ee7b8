"""What a template reads: tables and indicators, per variant, and their digest.

``metadata["dkbm"]["requires"]`` lists the canonical tables and indicator
codes a template needs; ``variants`` adds what one value of a variant
parameter (e.g. the Fakten-Check topic) needs on top
(:func:`parse_requires`, :class:`Requirements`). One report reads what
:func:`report_requirements` says (``regions`` and the tables its indicators
are computed from included); its resume hash covers exactly those files
(:func:`toolkit.reports.resume.inputs_digest`). ``dkbm templates validate``
checks them against a data folder.

Examples
--------
>>> req, problems = parse_requires({"tables": ["kita"], "indicators": ["betreuungsquote_u3"]}, {})
>>> req.tables, problems
(('kita',), [])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from toolkit.errors import Problem
from toolkit.reports.schema import REQUIRES_KEYS, ParameterSpec, unknown_keys

__all__ = ["Requirements", "parse_requires", "report_requirements"]


@dataclass(frozen=True)
class Requirements:
    """Tables and indicators a template reads (false when nothing is declared).

    Parameters
    ----------
    tables : tuple of str
        Canonical tables every run needs.
    optional_tables : tuple of str
        Tables read when present (e.g. ``berufe`` for occupation names).
    indicators : tuple of str
        Indicator codes every run shows.
    variants : dict
        Parameter name -> value -> further :class:`Requirements` of runs
        with that value (e.g. each Fakten-Check topic).

    Examples
    --------
    >>> r = Requirements(("regions",), variants={"topic": {"schule": Requirements(("transitions",))}})
    >>> r.for_parameters({"topic": "schule"}).tables
    ('regions', 'transitions')
    >>> r.all_tables()
    ('regions', 'transitions')
    >>> bool(r), bool(Requirements())
    (True, False)
    """

    tables: tuple[str, ...] = ()
    optional_tables: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    variants: dict[str, dict[str, Requirements]] = field(default_factory=dict)

    def for_parameters(self, parameters: Mapping[str, Any]) -> Requirements:
        """Return what one run with these parameter values needs (variants resolved).

        Examples
        --------
        >>> Requirements(("regions",)).for_parameters({}).tables
        ('regions',)
        """
        parts = [self]
        for name, values in self.variants.items():
            chosen = values.get(str(parameters.get(name)))
            if chosen is not None:
                parts.append(chosen)
        return Requirements(
            tables=_union(p.tables for p in parts),
            optional_tables=_union(p.optional_tables for p in parts),
            indicators=_union(p.indicators for p in parts),
        )

    def all_tables(self) -> tuple[str, ...]:
        """Return every table any run may need (all variants, without optional ones).

        Examples
        --------
        >>> Requirements(("a",)).all_tables()
        ('a',)
        """
        inner = [r.all_tables() for vs in self.variants.values() for r in vs.values()]
        return _union([self.tables, *inner])

    def all_indicators(self) -> tuple[str, ...]:
        """Return every indicator any run may show (all variants).

        Examples
        --------
        >>> Requirements(indicators=("x",)).all_indicators()
        ('x',)
        """
        inner = [r.all_indicators() for vs in self.variants.values() for r in vs.values()]
        return _union([self.indicators, *inner])

    def __bool__(self) -> bool:
        return bool(self.tables or self.optional_tables or self.indicators or self.variants)

    def to_dict(self) -> dict[str, Any]:
        """Return the metadata form (inverse of :func:`parse_requires`; ``{}`` when empty).

        Examples
        --------
        >>> Requirements(("regions",)).to_dict()
        {'tables': ['regions'], 'indicators': []}
        """
        if not self:
            return {}
        out: dict[str, Any] = {"tables": list(self.tables), "indicators": list(self.indicators)}
        if self.optional_tables:
            out["optional_tables"] = list(self.optional_tables)
        if self.variants:
            out["variants"] = {
                n: {v: r.to_dict() for v, r in vs.items()} for n, vs in self.variants.items()
            }
        return out


def _union(groups: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(x for g in groups for x in g))


def _names(raw: Mapping[str, Any], key: str, where: str, problems: list[Problem]) -> tuple:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.append(Problem(f"{where}: {key!r} muss eine Liste von Namen sein"))
        return ()
    return tuple(value)


def parse_requires(
    raw: Any, parameters: Mapping[str, ParameterSpec], where: str = "requires"
) -> tuple[Requirements, list[Problem]]:
    """Check ``metadata["dkbm"]["requires"]`` strictly and build the requirements.

    Parameters
    ----------
    raw : object
        The ``requires`` entry (``None`` = nothing declared).
    parameters : mapping of str to ParameterSpec
        The template's parameters; ``variants`` may only name parameters
        with ``allowed`` values and only those values.
    where : str
        Prefix of messages.

    Returns
    -------
    requirements : Requirements
    problems : list of Problem

    Examples
    --------
    >>> parse_requires({"tabels": []}, {})[1][0].message
    "requires: unbekannter Schlüssel 'tabels' (meinten Sie 'tables'?)"
    """
    if raw is None:
        return Requirements(), []
    if not isinstance(raw, Mapping):
        return Requirements(), [Problem(f"{where} muss ein Objekt sein")]
    allowed_keys = REQUIRES_KEYS if where == "requires" else REQUIRES_KEYS[:-1]
    problems = unknown_keys(raw, allowed_keys, where)
    tables = _names(raw, "tables", where, problems)
    optional = _names(raw, "optional_tables", where, problems)
    indicators = _names(raw, "indicators", where, problems)
    by_value: dict[str, dict[str, Requirements]] = {}
    raw_variants = raw.get("variants", {}) if where == "requires" else {}
    if not isinstance(raw_variants, Mapping):
        problems.append(Problem(f"{where}: 'variants' muss ein Objekt sein"))
        raw_variants = {}
    for name, values in raw_variants.items():
        spec = parameters.get(name)
        if spec is None or spec.allowed is None or not isinstance(values, Mapping):
            problems.append(
                Problem(
                    f"{where}.variants: {name!r} ist kein Parameter mit erlaubten Werten",
                    hint="je Parameter mit 'allowed' ein Objekt Wert -> tables/indicators",
                )
            )
            continue
        by_value[name] = {}
        for value, inner in values.items():
            if value not in spec.allowed:
                problems.append(
                    Problem(f"{where}.variants.{name}: {value!r} ist kein erlaubter Wert")
                )
                continue
            req, more = parse_requires(inner, parameters, f"{where}.variants.{name}.{value}")
            problems.extend(more)
            by_value[name][str(value)] = req
    return Requirements(tables, optional, indicators, by_value), problems


def report_requirements(template: Any, parameters: Mapping[str, Any]) -> Requirements | None:
    """Return what one report of ``template`` with ``parameters`` reads (None: not declared).

    The template's ``requires`` with its variants resolved for
    ``parameters``, plus ``regions`` and the tables its indicators are
    computed from (:data:`toolkit.indicators.engine.STEPS`). The first
    indicator is the report's leading one. ``None`` when the template
    declares nothing: every table counts then.

    Examples
    --------
    >>> from toolkit.reports.registry import get_template
    >>> r = report_requirements(get_template("fakten_check"), {"topic": "schule"})
    >>> r.tables, r.indicators[0]
    (('regions', 'school_leavers', 'transitions'), 'abgaenge_anteil_ohne_hsa')
    """
    if not template.requires:
        return None
    need = template.requires.for_parameters(parameters)
    from toolkit.indicators.engine import STEPS

    chosen = set(need.indicators)
    computed = [t for tables, _, codes in STEPS if chosen & set(codes) for t in tables]
    tables = {"regions", *need.tables, *computed}
    optional = set(need.optional_tables) - tables
    return Requirements(tuple(sorted(tables)), tuple(sorted(optional)), need.indicators)
