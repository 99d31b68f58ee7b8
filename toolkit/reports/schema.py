"""The strict schema of a template's ``dkbm`` metadata.

A template notebook carries in ``metadata["dkbm"]``::

    {"name": "fakten_check", "title": "Fakten-Check", "description": "...",
     "version": "1.0.0",
     "requires": {"tables": ["regions"], "indicators": [],
                  "optional_tables": [], "variants": {"topic": {"schule": {...}}}},
     "parameters": {"min_count": {"type": "int", "default": 3, "minimum": 1,
                                  "help": "...", "required": false}, ...},
     "engine": "dkbm", "aliases": [], "variants": {...}}

Every key is checked: a misspelt key (``alowed``, ``typ``) is an error that
names the key and the closest known one, never silently ignored.

Examples
--------
>>> spec, problems = parse_parameter("n", {"type": "int", "default": 0, "minimum": 1})
>>> [p.message for p in problems]
["Parameter 'n': Standardwert 0 ist kleiner als das Minimum 1"]
>>> parse_parameter("n", {"typ": "int"})[1][0].message
"Parameter 'n': unbekannter Schlüssel 'typ' (meinten Sie 'type'?)"
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from packaging.version import InvalidVersion, Version

from toolkit.errors import Problem

__all__ = [
    "PARAMETER_KEYS",
    "PARAMETER_TYPES",
    "REQUIRES_KEYS",
    "TEMPLATE_KEYS",
    "ParameterSpec",
    "parse_parameter",
    "unknown_keys",
    "version_problem",
]

#: Keys allowed at the top level of ``metadata["dkbm"]``.
TEMPLATE_KEYS = (
    "name",
    "title",
    "description",
    "version",
    "requires",
    "parameters",
    "engine",
    "aliases",
    "variants",
)
#: Keys allowed in one parameter's spec.
PARAMETER_KEYS = ("type", "default", "allowed", "help", "required", "minimum", "maximum")
#: Keys allowed in ``requires`` (and, without ``variants``, in each variant's entry).
REQUIRES_KEYS = ("tables", "optional_tables", "indicators", "variants")

#: Parameter types a schema may declare, with the Python types they accept.
PARAMETER_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (float, int),
    "bool": (bool,),
    "list": (list, tuple),
}


def _type_ok(kind: str, value: Any) -> bool:
    if value is None:
        return False
    if kind in ("int", "float") and isinstance(value, bool):
        return False
    return isinstance(value, PARAMETER_TYPES[kind])


def unknown_keys(raw: Mapping[str, Any], allowed: Sequence[str], where: str) -> list[Problem]:
    """Return one problem per key of ``raw`` not in ``allowed``, with the closest known key.

    Parameters
    ----------
    raw : mapping
        The dictionary read from the metadata.
    allowed : sequence of str
        Known keys.
    where : str
        German prefix naming the place, e.g. ``"Parameter 'x'"``.

    Returns
    -------
    list of Problem

    Examples
    --------
    >>> [p.message for p in unknown_keys({"alowed": []}, PARAMETER_KEYS, "Parameter 'x'")]
    ["Parameter 'x': unbekannter Schlüssel 'alowed' (meinten Sie 'allowed'?)"]
    """
    out = []
    for key in raw:
        if key in allowed:
            continue
        close = difflib.get_close_matches(str(key), list(allowed), n=1, cutoff=0.6)
        guess = f" (meinten Sie {close[0]!r}?)" if close else ""
        out.append(
            Problem(
                f"{where}: unbekannter Schlüssel {key!r}{guess}",
                hint="erlaubt: " + ", ".join(allowed),
            )
        )
    return out


def version_problem(text: Any, where: str = "version") -> Problem | None:
    """Return a problem when ``text`` is not a version such as ``"1.2.0"`` (PEP 440).

    Examples
    --------
    >>> version_problem("1.2.0") is None
    True
    >>> version_problem("neu").message
    "version: 'neu' ist keine Versionsnummer"
    """
    if not isinstance(text, str):
        return Problem(f"{where}: {text!r} ist keine Versionsnummer", hint='z. B. "1.0.0"')
    try:
        Version(text)
    except InvalidVersion:
        return Problem(f"{where}: {text!r} ist keine Versionsnummer", hint='z. B. "1.0.0"')
    return None


def _number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and not (isinstance(value, float) and math.isnan(value))
    )


@dataclass(frozen=True)
class ParameterSpec:
    """Schema of one template parameter.

    Parameters
    ----------
    name : str
        Parameter name (a Python identifier).
    type : {'str', 'int', 'float', 'bool', 'list'}
        Declared type.
    default : object
        Default value; ``None`` makes the parameter optional-without-value.
    allowed : tuple, optional
        Allowed values (for ``list``: allowed elements); ``None`` = any.
    help : str
        German help text.
    required : bool
        Whether a value must be given on every run.
    minimum, maximum : int or float, optional
        Smallest and largest allowed value (``int`` and ``float`` only).

    Examples
    --------
    >>> p = ParameterSpec("topic", "str", "schule", allowed=("schule", "ausbildung"))
    >>> p.describe()
    "topic (str, Standard: 'schule', erlaubt: schule, ausbildung)"
    >>> ParameterSpec("min_count", "int", 3, minimum=1).check_range(0)[0].message
    'min_count: 0 ist kleiner als das Minimum 1'
    """

    name: str
    type: str
    default: Any = None
    allowed: tuple[Any, ...] | None = None
    help: str = ""
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None

    @classmethod
    def from_dict(cls, name: str, spec: Mapping[str, Any]) -> ParameterSpec:
        """Build a spec from its metadata dictionary without checking it.

        Parameters
        ----------
        name : str
            Parameter name.
        spec : mapping
            The entry of ``metadata["dkbm"]["parameters"]``.

        Returns
        -------
        ParameterSpec
            The parsed spec (see :func:`parse_parameter` for the checked way).

        Examples
        --------
        >>> ParameterSpec.from_dict("x", {"type": "list", "default": ["a"]}).default
        ['a']
        """
        allowed = spec.get("allowed")
        return cls(
            name=name,
            type=str(spec.get("type", "")),
            default=spec.get("default"),
            allowed=None if allowed is None else tuple(allowed),
            help=str(spec.get("help", "") or ""),
            required=bool(spec.get("required", False)),
            minimum=spec.get("minimum"),
            maximum=spec.get("maximum"),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the metadata dictionary of the spec (inverse of :meth:`from_dict`).

        Examples
        --------
        >>> ParameterSpec("n", "int", 3, minimum=1).to_dict()["minimum"]
        1
        """
        out: dict[str, Any] = {
            "type": self.type,
            "default": self.default,
            "allowed": None if self.allowed is None else list(self.allowed),
            "help": self.help,
            "required": self.required,
        }
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        return out

    def check_range(self, value: Any) -> list[Problem]:
        """Return a problem when a number lies outside ``minimum``/``maximum``.

        Parameters
        ----------
        value : object
            The value of one run (non-numbers are left to the type check).

        Returns
        -------
        list of Problem
            Empty when the value is fine.

        Examples
        --------
        >>> ParameterSpec("top", "int", 10, minimum=1, maximum=20).check_range(25)[0].message
        'top: 25 ist größer als das Maximum 20'
        >>> ParameterSpec("top", "int", 10, minimum=1).check_range(float("nan"))[0].message
        'top: nan ist keine Zahl'
        """
        if self.type not in ("int", "float") or isinstance(value, bool):
            return []
        if isinstance(value, float) and math.isnan(value):
            return [Problem(f"{self.name}: nan ist keine Zahl")]
        if not _number(value):
            return []
        if self.minimum is not None and value < self.minimum:
            return [Problem(f"{self.name}: {value!r} ist kleiner als das Minimum {self.minimum}")]
        if self.maximum is not None and value > self.maximum:
            return [Problem(f"{self.name}: {value!r} ist größer als das Maximum {self.maximum}")]
        return []

    def problems(self) -> list[Problem]:
        """Return what is wrong with the spec itself (empty when fine).

        Returns
        -------
        list of Problem
            One entry per defect.

        Examples
        --------
        >>> ParameterSpec("x", "zahl").problems()[0].message
        "Parameter 'x': unbekannter Typ 'zahl' (erlaubt: str, int, float, bool, list)"
        """
        where = f"Parameter {self.name!r}"
        out: list[Problem] = []
        if not self.name.isidentifier():
            out.append(Problem(f"Parametername {self.name!r} ist kein Python-Bezeichner"))
        if self.type not in PARAMETER_TYPES:
            kinds = ", ".join(PARAMETER_TYPES)
            out.append(Problem(f"{where}: unbekannter Typ {self.type!r} (erlaubt: {kinds})"))
            return out
        if self.default is not None and not _type_ok(self.type, self.default):
            out.append(
                Problem(f"{where}: Standardwert {self.default!r} passt nicht zum Typ {self.type}")
            )
        for key in ("minimum", "maximum"):
            bound = getattr(self, key)
            if bound is None:
                continue
            if self.type not in ("int", "float"):
                out.append(Problem(f"{where}: {key} gilt nur für Zahlen (int, float)"))
            elif not _number(bound):
                out.append(Problem(f"{where}: {key} {bound!r} ist keine Zahl"))
        if out:
            return out
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            out.append(Problem(f"{where}: minimum {self.minimum} > maximum {self.maximum}"))
        if self.default is not None:
            for p in self.check_range(self.default):
                text = p.message.replace(f"{self.name}: ", "Standardwert ", 1)
                out.append(Problem(f"{where}: {text}"))
        for value in self.allowed or ():
            if self.type != "list" and not _type_ok(self.type, value):
                out.append(Problem(f"{where}: erlaubter Wert {value!r} passt nicht zum Typ"))
        if self.allowed is not None and self.default is not None:
            items = list(self.default) if self.type == "list" else [self.default]
            bad = [i for i in items if i not in self.allowed]
            if bad:
                out.append(Problem(f"{where}: Standardwert {bad[0]!r} ist nicht erlaubt"))
        return out

    def describe(self) -> str:
        """Return a one-line German description (name, type, default, allowed values).

        Examples
        --------
        >>> ParameterSpec("period", "int", 2024, required=True).describe()
        'period (int, Pflicht, Standard: 2024)'
        >>> ParameterSpec("n", "int", 3, minimum=1).describe()
        'n (int, Standard: 3, mindestens 1)'
        """
        bits = [self.type]
        if self.required:
            bits.append("Pflicht")
        bits.append(f"Standard: {self.default!r}")
        if self.allowed is not None:
            bits.append("erlaubt: " + ", ".join(str(a) for a in self.allowed))
        if self.minimum is not None:
            bits.append(f"mindestens {self.minimum}")
        if self.maximum is not None:
            bits.append(f"höchstens {self.maximum}")
        return f"{self.name} ({', '.join(bits)})"


def parse_parameter(name: str, raw: Any) -> tuple[ParameterSpec | None, list[Problem]]:
    """Check one parameter's metadata strictly and build its spec.

    Parameters
    ----------
    name : str
        Parameter name.
    raw : object
        The entry of ``metadata["dkbm"]["parameters"]``.

    Returns
    -------
    spec : ParameterSpec or None
        ``None`` when the entry is not a dictionary.
    problems : list of Problem
        Unknown keys, wrong types of ``help``/``required``/``allowed``, bad
        type, default or range.

    Examples
    --------
    >>> parse_parameter("x", {"type": "str", "default": "a", "allowed": ["b"]})[1][0].message
    "Parameter 'x': Standardwert 'a' ist nicht erlaubt"
    """
    where = f"Parameter {name!r}"
    if not isinstance(raw, Mapping):
        return None, [Problem(f"{where}: Schema muss ein Objekt sein")]
    problems = unknown_keys(raw, PARAMETER_KEYS, where)
    if "type" not in raw:
        problems.append(Problem(f"{where}: 'type' fehlt", hint="str, int, float, bool oder list"))
    if not isinstance(raw.get("help", ""), str | None):
        problems.append(Problem(f"{where}: 'help' muss ein Text sein"))
    if not isinstance(raw.get("required", False), bool):
        problems.append(Problem(f"{where}: 'required' muss true oder false sein"))
    allowed = raw.get("allowed")
    if allowed is not None and not isinstance(allowed, list | tuple):
        problems.append(Problem(f"{where}: 'allowed' muss eine Liste oder null sein"))
        raw = {k: v for k, v in raw.items() if k != "allowed"}
    spec = ParameterSpec.from_dict(name, raw)
    return spec, [*problems, *spec.problems()]
