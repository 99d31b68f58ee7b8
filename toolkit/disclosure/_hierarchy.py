"""Hierarchies of one table dimension (internal).

A :class:`Dimension` is a tree of codes: the root is the total of the
dimension, every other code has exactly one parent and the value of a parent
is the sum of its children. Three ways to build one:

- :func:`flat_dimension`: categories below one total (``sex``: ``m``, ``w``
  below ``""``);
- :func:`region_dimension`: region codes (AGS, Regionalschlüssel, Sozialraum
  ``<AGS8>-<id>``, ``DG``) nested by their code structure, each code below its
  nearest ancestor that is present in the table;
- :func:`mapping_dimension`: any parent function or mapping, e.g. a
  :class:`toolkit.regions.RegionHierarchy` (its ``parent`` method).

Codes that the input does not contain but the structure needs (a total over
several top-level regions, the "rest" of a parent whose listed children do
not add up to it) are *artificial*; they are never published.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from toolkit.errors import DataError

__all__ = [
    "ARTIFICIAL_TOTAL",
    "Dimension",
    "ags_ancestors",
    "flat_dimension",
    "mapping_dimension",
    "region_dimension",
]

#: Code of an artificial total added above several top-level codes.
ARTIFICIAL_TOTAL = "\x00Insgesamt"


@dataclass
class Dimension:
    """A tree of codes; the root is the total of the dimension.

    Parameters
    ----------
    name : str
        Column name of the dimension.
    root : str
        Code of the total.
    parent : dict
        Parent of every code except the root.
    artificial : set of str
        Codes that are not in the input (never published).
    rest : set of str
        Artificial codes that stand for real but unlisted children (the
        frequency rule applies to them).

    Examples
    --------
    >>> d = flat_dimension("sex", ["m", "w"], total="")
    >>> d.children()[""]
    ['m', 'w']
    """

    name: str
    root: str
    parent: dict[str, str]
    artificial: set[str] = field(default_factory=set)
    rest: set[str] = field(default_factory=set)

    def children(self) -> dict[str, list[str]]:
        """Return the children of every code that has any, in sorted order.

        Examples
        --------
        >>> region_dimension("r", ["17", "17001", "17002"]).children()
        {'17': ['17001', '17002']}
        """
        out: dict[str, list[str]] = {}
        for child, par in self.parent.items():
            out.setdefault(par, []).append(child)
        return {k: sorted(v) for k, v in sorted(out.items())}

    def nodes(self) -> list[str]:
        """Return all codes in depth-first order, root first.

        Examples
        --------
        >>> region_dimension("r", ["17002", "17", "17001"]).nodes()
        ['17', '17001', '17002']
        """
        kids = self.children()
        order: list[str] = []
        stack = [self.root]
        while stack:
            node = stack.pop()
            order.append(node)
            stack.extend(reversed(kids.get(node, [])))
        return order

    def depth(self) -> dict[str, int]:
        """Return the depth of every code (root = 0).

        Examples
        --------
        >>> region_dimension("r", ["17", "17001", "17001001"]).depth()["17001001"]
        2
        """
        kids = self.children()
        out = {self.root: 0}
        stack = [self.root]
        while stack:
            node = stack.pop()
            for c in kids.get(node, []):
                out[c] = out[node] + 1
                stack.append(c)
        return out

    def add_rest(self, node: str) -> str:
        """Add an artificial "rest" child below ``node`` and return its code.

        Examples
        --------
        >>> d = region_dimension("r", ["17", "17001"])
        >>> d.add_rest("17")
        '17 (Rest)'
        """
        code = f"{node} (Rest)"
        self.parent[code] = node
        self.artificial.add(code)
        self.rest.add(code)
        return code


def flat_dimension(name: str, codes: Iterable[str], *, total: str) -> Dimension:
    """Build a one-level dimension: all codes other than ``total`` below it.

    Examples
    --------
    >>> flat_dimension("c", ["a", "b", "Insgesamt"], total="Insgesamt").parent
    {'a': 'Insgesamt', 'b': 'Insgesamt'}
    >>> sorted(flat_dimension("c", ["a"], total="T").artificial)
    ['T']
    """
    present = sorted(set(codes))
    parent = {c: total for c in present if c != total}
    artificial = set() if total in present else {total}
    return Dimension(name, total, parent, artificial)


def ags_ancestors(code: str) -> list[str]:
    """Return the possible ancestors of a region code, nearest first.

    Parameters
    ----------
    code : str
        ``DG``, a 2-digit Land, 3-digit Regierungsbezirk, 5-digit Kreis,
        8-digit AGS, 12-digit Regionalschlüssel or ``<AGS8>-<id>``.

    Returns
    -------
    list of str
        Candidate ancestors (not all of them exist, e.g. ``170``).

    Raises
    ------
    DataError
        If the code has none of these forms.

    Examples
    --------
    >>> ags_ancestors("17001001-SR03")
    ['17001001', '17001', '170', '17', 'DG']
    """
    code = str(code)
    if code == "DG":
        return []
    if "-" in code:
        base = code.split("-", 1)[0]
        if len(base) != 8 or not base.isdigit():
            raise DataError(
                f"Regionalcode {code!r} ist kein gültiger Sozialraum-Code",
                hint="Sozialräume haben die Form <AGS8>-<id>, z. B. 17001000-SR03.",
            )
        return [base, *ags_ancestors(base)]
    if not code.isdigit() or len(code) not in (2, 3, 5, 8, 12):
        raise DataError(
            f"Regionalcode {code!r} ist weder DG noch ein AGS-Code mit 2, 3, 5, 8 oder 12 Stellen",
            hint="Führende Nullen behalten (Codes als Text einlesen).",
        )
    prefixes = [code[:n] for n in (5, 3, 2) if n < len(code)]
    return [*prefixes, "DG"]


def _check_acyclic(name: str, parent: dict[str, str]) -> None:
    done: set[str] = set()
    for code in parent:
        path: list[str] = []
        cur: str | None = code
        while cur is not None and cur not in done:
            if cur in path:
                raise DataError(
                    f"Inkonsistente Hierarchie in Spalte {name!r}: Zyklus über {sorted(path)}",
                    column=name,
                    hint="Jeder Code braucht genau einen Elternknoten ohne Zyklen.",
                )
            path.append(cur)
            cur = parent.get(cur)
        done.update(path)


def _build(name: str, present: list[str], nearest: Callable[[str], str | None]) -> Dimension:
    parent: dict[str, str] = {}
    roots = []
    for code in present:
        par = nearest(code)
        if par is None:
            roots.append(code)
        else:
            parent[code] = par
    _check_acyclic(name, parent)
    if len(roots) == 1:
        return Dimension(name, roots[0], parent)
    for r in roots:
        parent[r] = ARTIFICIAL_TOTAL
    return Dimension(name, ARTIFICIAL_TOTAL, parent, {ARTIFICIAL_TOTAL})


def region_dimension(name: str, codes: Iterable[str]) -> Dimension:
    """Nest region codes by their AGS structure.

    Each code is placed below its nearest ancestor that is present in
    ``codes``; several top-level codes get an artificial total.

    Examples
    --------
    >>> d = region_dimension("r", ["17001", "17001001", "17002"])
    >>> d.parent["17001001"], d.root == ARTIFICIAL_TOTAL
    ('17001', True)
    """
    present = sorted(set(map(str, codes)))
    have = set(present)

    def nearest(code: str) -> str | None:
        return next((a for a in ags_ancestors(code) if a in have), None)

    return _build(name, present, nearest)


def mapping_dimension(
    name: str, codes: Iterable[str], parent: Mapping[str, str | None] | Callable[[str], str | None]
) -> Dimension:
    """Nest codes with a parent mapping or function.

    Parameters
    ----------
    name : str
        Column name.
    codes : iterable of str
        Codes present in the table.
    parent : mapping or callable
        Parent of a code (``None`` or absent for a top-level code), e.g.
        ``RegionHierarchy.parent``.

    Raises
    ------
    DataError
        If the parents form a cycle (inconsistent hierarchy).

    Examples
    --------
    >>> d = mapping_dimension("s", ["A", "A1", "A2"], {"A1": "A", "A2": "A"})
    >>> d.children()
    {'A': ['A1', 'A2']}
    """
    present = sorted(set(map(str, codes)))
    have = set(present)
    get: Callable[[str], str | None]
    if callable(parent):
        get = parent
    else:
        mapping = dict(parent)
        get = mapping.get

    def nearest(code: str) -> str | None:
        seen = {code}
        cur: str | None = code
        while True:
            try:
                cur = get(cur)  # type: ignore[arg-type]
            except (KeyError, ValueError, LookupError) as exc:
                raise DataError(
                    f"Code {cur!r} in Spalte {name!r} ist in der Hierarchie unbekannt",
                    column=name,
                    hint="Hierarchie um den Code ergänzen oder die Zeile entfernen.",
                ) from exc
            if cur is None:
                return None
            cur = str(cur)
            if cur in seen:
                raise DataError(
                    f"Inkonsistente Hierarchie in Spalte {name!r}: Zyklus über {sorted(seen)}",
                    column=name,
                    hint="Jeder Code braucht genau einen Elternknoten ohne Zyklen.",
                )
            seen.add(cur)
            if cur in have:
                return cur

    return _build(name, present, nearest)
