"""What a column and a table of the canonical contract are (private).

:class:`ColumnSpec` (name, kind, categories, range) and :class:`TableSpec`
(columns in order, key, title); the tables themselves are data in
:mod:`toolkit.io._specs`.

Examples
--------
>>> ColumnSpec("year", "year").kind
'year'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from toolkit.errors import ParameterError

__all__ = ["KINDS", "TOTAL", "ColumnSpec", "TableSpec", "age_group_label", "age_interval"]

# Column kinds: how a value is parsed and checked.
#   code        region code (DG, AGS, Sozialraum), str
#   sozialraum  region code of level sozialraum, str
#   text        free text, str
#   category    one of ``categories``, str
#   year        calendar year (int, 1950..2100)
#   int         integer within [minimum, maximum]
#   count       non-negative integer
#   float       real number within [minimum, maximum]
#   bool        true/false
#   age_group   age interval label ``u3``, ``3u6``, ``75plus`` or ``insgesamt``
KINDS = (
    "code",
    "sozialraum",
    "text",
    "category",
    "year",
    "int",
    "count",
    "float",
    "bool",
    "age_group",
)

#: Reserved value of a breakdown column: the row is the total over that breakdown.
TOTAL = "insgesamt"


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a canonical table.

    Parameters
    ----------
    name : str
        Column name as in the file.
    kind : str
        One of ``code``, ``sozialraum``, ``text``, ``category``, ``year``,
        ``int``, ``count``, ``float``, ``bool``.
    categories : tuple of str, optional
        Allowed values of a ``category`` column.
    nullable : bool
        Whether empty cells are allowed.
    minimum, maximum : float, optional
        Bounds of ``int``, ``count`` and ``float`` columns (inclusive;
        ``float`` minimum exclusive when ``positive``).
    positive : bool
        Require values > 0.
    optional : bool
        A breakdown column: it may be left out (every row is then a total
        over it) and it may hold the total value ``insgesamt``.

    Examples
    --------
    >>> ColumnSpec("sex", "category", categories=("m", "w")).expected()
    "einer der Werte 'm', 'w'"
    >>> ColumnSpec("sex", "category", categories=("m", "w"), optional=True).allowed
    ('m', 'w', 'insgesamt')
    """

    name: str
    kind: str
    categories: tuple[str, ...] = ()
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None
    positive: bool = False
    optional: bool = False

    @property
    def allowed(self) -> tuple[str, ...]:
        """Allowed values of a category column (with ``insgesamt`` if optional)."""
        return self.categories + ((TOTAL,) if self.optional else ())

    def expected(self) -> str:
        """Describe in German what the column must hold.

        Examples
        --------
        >>> ColumnSpec("age", "int", minimum=0, maximum=90).expected()
        'ganze Zahl von 0 bis 90'
        """
        if self.kind == "category":
            return "einer der Werte " + ", ".join(repr(c) for c in self.allowed)
        if self.kind == "age_group":
            return (
                "Altersgruppe wie 'u3' (unter 3), '3u6' (3 bis unter 6), '75plus' "
                "(75 und älter) oder 'insgesamt'"
            )
        if self.kind in ("code", "sozialraum"):
            base = (
                "Sozialraum-Code '<AGS8>-<Kennung>'"
                if self.kind == "sozialraum"
                else "Regionalschlüssel als Text ('DG', '17', '17001', '17001000' oder "
                "'<AGS8>-<Kennung>')"
            )
            return base
        if self.kind == "year":
            return "Jahreszahl (1950 bis 2100)"
        if self.kind == "count":
            return "ganze Zahl ≥ 0 (Anzahl)" if not self.positive else "ganze Zahl ≥ 1"
        if self.kind == "int":
            return f"ganze Zahl von {_fmt(self.minimum)} bis {_fmt(self.maximum)}"
        if self.kind == "float":
            return "Zahl > 0" if self.positive else "Zahl"
        if self.kind == "bool":
            return "Wahrheitswert (true/false, 1/0, ja/nein)"
        return "Text"


_AGE_GROUP = re.compile(r"^(?:(\d{1,3})u(\d{1,3})|u(\d{1,3})|(\d{1,3})plus)$")


def age_interval(label: str) -> tuple[int, int | None] | None:
    """Return the ages ``[from, to)`` of an ``age_group`` label (``to`` None: open).

    Parameters
    ----------
    label : str
        ``u<b>`` (under b), ``<a>u<b>`` (a to under b), ``<a>plus`` (a and
        older) or ``insgesamt`` (all ages).

    Returns
    -------
    tuple of (int, int or None), or None
        None when the label is not an age group.

    Examples
    --------
    >>> age_interval("u3"), age_interval("3u6"), age_interval("75plus")
    ((0, 3), (3, 6), (75, None))
    >>> age_interval("insgesamt"), age_interval("6-10"), age_interval("6u6")
    ((0, None), None, None)
    """
    text = str(label).strip()
    if text == TOTAL:
        return (0, None)
    m = _AGE_GROUP.match(text)
    if m is None:
        return None
    a, b, under, plus = m.groups()
    if plus is not None:
        return (int(plus), None)
    lo, hi = (0, int(under)) if under is not None else (int(a), int(b))
    return (lo, hi) if hi > lo else None


def age_group_label(lo: int, hi: int | None) -> str:
    """Return the ``age_group`` label of the ages ``[lo, hi)``.

    Examples
    --------
    >>> age_group_label(0, 3), age_group_label(10, 15), age_group_label(75, None)
    ('u3', '10u15', '75plus')
    """
    if hi is None:
        return TOTAL if lo == 0 else f"{lo}plus"
    return f"u{hi}" if lo == 0 else f"{lo}u{hi}"


def _fmt(x: float | None) -> str:
    return "" if x is None else str(int(x)) if float(x).is_integer() else str(x)


@dataclass(frozen=True)
class TableSpec:
    """One canonical table: its columns (in order) and its key.

    Examples
    --------
    >>> from toolkit.io._specs import TABLES
    >>> TABLES["population"].count_column
    'population'
    """

    name: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]
    title: str
    count_column: str | None = None
    one_of: tuple[tuple[str, ...], ...] = ()

    def missing(self, header: Iterable[str]) -> list[str]:
        """Return the required columns that ``header`` lacks.

        Optional breakdown columns are never missing; of a group of
        alternatives (population: ``age`` or ``age_group``) the first is
        reported when none is present.

        Examples
        --------
        >>> from toolkit.io._specs import TABLES
        >>> TABLES["population"].missing(["region_code", "year", "age_group", "population"])
        []
        >>> TABLES["population"].missing(["region_code", "year", "population"])
        ['age']
        """
        have = set(header)
        alternative = {c for group in self.one_of for c in group}
        out = [
            c.name
            for c in self.columns
            if c.name not in have and not c.optional and c.name not in alternative
        ]
        for group in self.one_of:
            if not have & set(group):
                out.append(group[0])
        return sorted(out, key=self.names.index)

    def describe(self) -> str:
        """Describe the columns in German: required, alternatives, optional.

        Examples
        --------
        >>> from toolkit.io._specs import TABLES
        >>> TABLES["population"].describe()
        'region_code, year, age oder age_group, population; optional: sex'
        """
        alternative = {c for group in self.one_of for c in group}
        parts = []
        for c in self.columns:
            if c.optional or (c.name in alternative and c.name not in (g[0] for g in self.one_of)):
                continue
            group = next((g for g in self.one_of if c.name in g), None)
            parts.append(" oder ".join(group) if group else c.name)
        text = ", ".join(parts)
        return text + (f"; optional: {', '.join(self.breakdowns)}" if self.breakdowns else "")

    def conflicting(self, header: Iterable[str]) -> list[tuple[str, ...]]:
        """Return the groups of alternative columns of which ``header`` has more than one.

        Examples
        --------
        >>> from toolkit.io._specs import TABLES
        >>> TABLES["population"].conflicting(["age", "age_group"])
        [('age', 'age_group')]
        """
        have = set(header)
        return [g for g in self.one_of if len(have & set(g)) > 1]

    def present_key(self, header: Iterable[str]) -> tuple[str, ...]:
        """Return the key columns that are present in ``header``.

        Examples
        --------
        >>> from toolkit.io._specs import TABLES
        >>> TABLES["school_leavers"].present_key(["region_code", "year", "abschluss"])
        ('region_code', 'year', 'abschluss')
        """
        have = set(header)
        return tuple(k for k in self.key if k in have)

    @property
    def breakdowns(self) -> tuple[str, ...]:
        """Optional breakdown columns (may be absent or hold ``insgesamt``).

        Examples
        --------
        >>> from toolkit.io._specs import TABLES
        >>> TABLES["school_leavers"].breakdowns
        ('abschluss', 'sex', 'nationality')
        """
        return tuple(c.name for c in self.columns if c.optional)

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in order.

        Examples
        --------
        >>> from toolkit.io._specs import TABLES
        >>> TABLES["berufe"].names
        ('beruf', 'beruf_name', 'zustaendigkeit')
        """
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> ColumnSpec:
        """Return the spec of one column.

        Examples
        --------
        >>> from toolkit.io._specs import TABLES
        >>> TABLES["kita"].column("care_type").categories
        ('kita', 'tagespflege')
        """
        for c in self.columns:
            if c.name == name:
                return c
        raise ParameterError(f"Tabelle {self.name!r} hat keine Spalte {name!r}.")
