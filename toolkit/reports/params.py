"""Check report parameters, output formats and region selections before any report starts.

papermill itself only warns about unknown parameters and never checks types;
here every problem (unknown name, wrong type, value not allowed, required
value missing) is collected and raised at once as one
:class:`~toolkit.errors.ParameterError`.

Examples
--------
>>> from pathlib import Path
>>> from toolkit.reports.registry import ParameterSpec, Template
>>> t = Template("demo", Path("demo.ipynb"), "Demo", "",
...              {"period": ParameterSpec("period", "int", 2024)})
>>> validate_parameters(t, parse_assignments(t, ["period=2023"]))
{'period': 2023}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from toolkit.errors import ParameterError, Problem
from toolkit.reports.registry import ParameterSpec, Template, _type_ok

__all__ = [
    "FORMATS",
    "coerce_value",
    "parse_assignments",
    "parse_formats",
    "resolve_regions",
    "validate_parameters",
]

#: Output formats a report can be written in.
FORMATS = ("html", "pdf", "ipynb")

#: Lowest value of parameters the schema gives no range for (disclosure: a count threshold).
_FLOORS = {"min_count": 1}

_TRUE = {"true", "ja", "yes", "1", "wahr"}
_FALSE = {"false", "nein", "no", "0", "falsch"}


def coerce_value(spec: ParameterSpec, text: str) -> Any:
    """Convert a command-line string to the type a parameter declares.

    Parameters
    ----------
    spec : ParameterSpec
        The parameter's schema.
    text : str
        The value as typed, e.g. ``"2024"``, ``"ja"``, ``"17,DG"`` or
        ``'["17", "DG"]'``.

    Returns
    -------
    object
        The converted value.

    Raises
    ------
    ValueError
        When the text cannot be read as the declared type.

    Examples
    --------
    >>> coerce_value(ParameterSpec("p", "int"), "2024")
    2024
    >>> coerce_value(ParameterSpec("c", "list"), "17,DG")
    ['17', 'DG']
    >>> coerce_value(ParameterSpec("b", "bool"), "nein")
    False
    """
    kind = spec.type
    stripped = text.strip()
    if kind == "str":
        return text
    if kind == "int":
        return int(stripped)
    if kind == "float":
        return float(stripped.replace(",", ".")) if stripped.count(",") == 1 else float(stripped)
    if kind == "bool":
        low = stripped.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError(f"{text!r} ist kein Wahrheitswert (ja/nein, true/false)")
    if kind == "list":
        if stripped.startswith("["):
            value = json.loads(stripped)
            if not isinstance(value, list):
                raise ValueError("keine Liste")
            return value
        return [part.strip() for part in stripped.split(",") if part.strip()]
    raise ValueError(f"unbekannter Typ {kind!r}")


def parse_assignments(template: Template, assignments: Iterable[str]) -> dict[str, Any]:
    """Turn ``name=value`` strings into typed parameters.

    Parameters
    ----------
    template : Template
        The template whose schema gives the types.
    assignments : iterable of str
        Strings such as ``"topic=schule"`` from ``-p``.

    Returns
    -------
    dict
        Parameter values (only those given).

    Raises
    ------
    toolkit.errors.ParameterError
        Listing every malformed, unknown or unconvertible assignment.

    Examples
    --------
    >>> from pathlib import Path
    >>> t = Template("d", Path("d.ipynb"), "D", "", {"n": ParameterSpec("n", "int", 1)})
    >>> parse_assignments(t, ["n=x", "m=1"])
    Traceback (most recent call last):
    toolkit.errors.ParameterError: Ungültige Parameter für Vorlage 'd'
      - n: 'x' ist kein int (invalid literal for int() with base 10: 'x')
      - m: unbekannter Parameter (bekannt: n)
    ...
    """
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    known = ", ".join(template.parameters) or "keine"
    for item in assignments:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            problems.append(Problem(f"{item!r}: erwartet name=wert"))
            continue
        spec = template.parameters.get(name)
        if spec is None:
            problems.append(Problem(f"{name}: unbekannter Parameter (bekannt: {known})"))
            continue
        try:
            values[name] = coerce_value(spec, text)
        except ValueError as exc:
            problems.append(Problem(f"{name}: {text!r} ist kein {spec.type} ({exc})"))
    _raise_if(template, problems)
    return values


def _raise_if(template: Template, problems: list[Problem]) -> None:
    if problems:
        raise ParameterError(
            f"Ungültige Parameter für Vorlage {template.name!r}",
            problems=problems,
            hint=f"dkbm templates show {template.name} zeigt Typen und erlaubte Werte",
        )


def _check_value(spec: ParameterSpec, value: Any) -> list[Problem]:
    if value is None:
        if spec.required:
            return [Problem(f"{spec.name}: Pflichtparameter ohne Wert")]
        return []
    if not _type_ok(spec.type, value):
        return [
            Problem(
                f"{spec.name}: {value!r} hat den Typ {type(value).__name__}, erwartet {spec.type}"
            )
        ]
    if spec.allowed is not None:
        items = list(value) if spec.type == "list" else [value]
        bad = [item for item in items if item not in spec.allowed]
        if bad:
            allowed = ", ".join(str(a) for a in spec.allowed)
            shown = ", ".join(repr(b) for b in bad)
            return [Problem(f"{spec.name}: {shown} nicht erlaubt (erlaubt: {allowed})")]
    if spec.minimum is None and spec.name in _FLOORS:
        spec = replace(spec, minimum=_FLOORS[spec.name])
    return spec.check_range(value)


def validate_parameters(template: Template, given: Mapping[str, Any]) -> dict[str, Any]:
    """Return the full, checked parameter set for one report.

    Parameters
    ----------
    template : Template
        Template whose schema applies.
    given : mapping
        Values given by the user; the others take their defaults.

    Returns
    -------
    dict
        Every parameter of the schema, in schema order; ``float`` parameters
        given as ``int`` are converted, lists are returned as lists.

    Raises
    ------
    toolkit.errors.ParameterError
        Listing all problems at once: unknown names, wrong types, values
        outside ``allowed`` or the schema's ``minimum``/``maximum`` (and
        ``nan``; without a range ``min_count`` must be at least 1, as a
        smallest published count of 0 would publish every count), required
        parameters without a value.

    Examples
    --------
    >>> from pathlib import Path
    >>> t = Template("d", Path("d.ipynb"), "D", "", {
    ...     "period": ParameterSpec("period", "int", None, required=True),
    ...     "topic": ParameterSpec("topic", "str", "schule", allowed=("schule",))})
    >>> validate_parameters(t, {"period": "2024", "topic": "kita", "x": 1})
    Traceback (most recent call last):
    toolkit.errors.ParameterError: Ungültige Parameter für Vorlage 'd'
      - x: unbekannter Parameter (bekannt: period, topic)
      - period: '2024' hat den Typ str, erwartet int
      - topic: 'kita' nicht erlaubt (erlaubt: schule)
    ...
    """
    problems: list[Problem] = []
    known = ", ".join(template.parameters) or "keine"
    for name in given:
        if name not in template.parameters:
            problems.append(Problem(f"{name}: unbekannter Parameter (bekannt: {known})"))
    result: dict[str, Any] = {}
    for name, spec in template.parameters.items():
        value = given.get(name, spec.default)
        problems.extend(_check_value(spec, value))
        if spec.type == "float" and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if spec.type == "list" and isinstance(value, tuple):
            value = list(value)
        result[name] = value
    _raise_if(template, problems)
    return result


_REGION_SETS = {
    "kreise": ("kreis",),
    "gemeinden": ("gemeinde",),
    "all": ("land", "regbez", "kreis", "gemeinde"),
}


def parse_formats(formats: str | Iterable[str]) -> tuple[str, ...]:
    """Return the output formats from ``"html,pdf"`` or a sequence, checked.

    Examples
    --------
    >>> parse_formats("pdf, html")
    ('html', 'pdf')
    >>> parse_formats("docx")
    Traceback (most recent call last):
    toolkit.errors.ParameterError: Unbekanntes Ausgabeformat: docx
    ...
    """
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    chosen = {item.strip().lower() for item in items if item.strip()}
    unknown = sorted(chosen - set(FORMATS))
    if unknown or not chosen:
        raise ParameterError(
            f"Unbekanntes Ausgabeformat: {', '.join(unknown) or '(leer)'}",
            hint=f"erlaubt: {', '.join(FORMATS)}, z. B. --format html,pdf",
        )
    return tuple(f for f in FORMATS if f in chosen)


def _is_file(spec: str) -> bool:
    # a long list of codes is no file name; the OS may refuse to look it up at all
    try:
        return Path(spec).is_file()
    except OSError:
        return False


def resolve_regions(spec: str | Sequence[str], regions: Any) -> list[str]:
    """Turn a region selection into a list of region codes.

    Parameters
    ----------
    spec : str or sequence of str
        ``all`` (Land, Regierungsbezirke, Kreise and Gemeinden), ``kreise``
        (Kreise and kreisfreie Städte), ``gemeinden``, a path to a file with
        one code per line (``#`` starts a comment), a comma-separated list
        of codes, or a sequence of codes.
    regions : pandas.DataFrame
        The dataset's ``regions`` table.

    Returns
    -------
    list of str
        Codes in the order given (sets: sorted), without duplicates. Codes
        not in the data are kept; the batch records them as failed.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"region_code": ["17001"], "level": ["kreis"]})
    >>> resolve_regions("17002, 17001,17002", frame)
    ['17002', '17001']
    """
    if not isinstance(spec, str):
        codes = [str(c).strip() for c in spec]
    elif spec.strip().lower() in _REGION_SETS:
        levels = _REGION_SETS[spec.strip().lower()]
        frame = regions[regions["level"].isin(levels)]
        return sorted(str(c) for c in frame["region_code"])
    elif _is_file(spec):
        codes = []
        for line in Path(spec).read_text(encoding="utf-8").splitlines():
            text = line.split("#", 1)[0].strip()
            if text and text != "region_code":
                codes.append(text.split(",")[0].split(";")[0].strip())
    else:
        codes = [c.strip() for c in spec.split(",")]
    seen: dict[str, None] = {}
    for code in codes:
        if code:
            seen.setdefault(code, None)
    if not seen:
        raise ParameterError(
            "Keine Regionen ausgewählt",
            hint="--regions all|kreise|gemeinden|DATEI|AGS,AGS",
        )
    return list(seen)
