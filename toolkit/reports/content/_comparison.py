"""Regions a report compares with, and the region hierarchy of a dataset (private).

The report region's Land and the Bund (and its Kreis, for a Gemeinde) are the
default comparison; :mod:`toolkit.reports.content._context` reads their rows.
"""

from __future__ import annotations

from typing import Any

from toolkit.regions import RegionHierarchy

__all__ = ["LEVEL_LABELS", "default_comparison", "is_stadtstaat", "stadtstaat_note"]


#: Short labels of comparison regions by level (as in "Land: 31,0 %").
LEVEL_LABELS: dict[str, str] = {
    "bund": "Bund",
    "land": "Land",
    "regbez": "Regierungsbezirk",
    "kreis": "Kreis",
    "gemeinde": "Gemeinde",
    "sozialraum": "Sozialraum",
}


#: Levels shown as sub-regions of a report region (Land: Kreise; Kreis: Gemeinden, Sozialräume).
_SUB_LEVELS: dict[str, tuple[str, ...]] = {
    "land": ("kreis",),
    "regbez": ("kreis",),
    "kreis": ("gemeinde", "sozialraum"),
    "gemeinde": ("sozialraum",),
}


def _hierarchy(dataset: Any) -> Any:
    """Region hierarchy of a dataset: the one it carries (``dataset.shared``) or a new one."""
    shared = getattr(dataset, "shared", None)
    if shared is not None:
        return shared.hierarchy
    return RegionHierarchy.from_frame(dataset.tables["regions"])


def _ancestors(hierarchy: Any, region: str) -> list[str]:
    out = []
    code = hierarchy.parent(region)
    while code is not None:
        out.append(code)
        code = hierarchy.parent(code)
    return out


def default_comparison(hierarchy: Any, region: str) -> list[str]:
    """Return the default comparison regions of a report region.

    A Kreis is compared with its Land and the Bund; a Gemeinde (or Sozialraum)
    also with the Kreis it belongs to, unless the Kreis is the same area (a
    kreisfreie Stadt: the Kreis has only this one Gemeinde). Regierungsbezirke
    are skipped. A Stadtstaat (Kreis ``02000`` Hamburg, ``11000`` Berlin and
    their Gemeinden: the code is the Land code followed by zeros) is its own
    Land: the Land value would only repeat the region's own, so only the Bund
    is compared.

    Parameters
    ----------
    hierarchy : toolkit.regions.RegionHierarchy
        Region hierarchy of the dataset.
    region : str
        Report region code.

    Returns
    -------
    list of str
        Comparison codes from the nearest to ``DG``.

    Examples
    --------
    >>> from toolkit.regions import RegionHierarchy
    >>> h = RegionHierarchy.from_codes(["DG", "17", "17001", "17001000", "17051", "17051001", "17051002"])
    >>> default_comparison(h, "17051001"), default_comparison(h, "17001000")
    (['17051', '17', 'DG'], ['17', 'DG'])
    >>> default_comparison(RegionHierarchy.from_codes(["DG", "04", "04011", "11", "11000"]), "11000")
    ['DG']
    """
    out = []
    for code in _ancestors(hierarchy, region):
        level = hierarchy.level(code)
        if level == "regbez":
            continue
        if level == "kreis" and len(hierarchy.children(code)) <= 1:
            continue
        if level == "gemeinde" and hierarchy.level(region) == "sozialraum":
            out.append(code)
            continue
        if level == "land" and is_stadtstaat(code, region):
            continue
        if level in ("kreis", "land", "bund"):
            out.append(code)
    return out


def is_stadtstaat(land: str, region: str) -> bool:
    """Return whether ``region`` is the whole Land ``land`` (Hamburg, Berlin).

    Parameters
    ----------
    land : str
        Land code (two digits).
    region : str
        Kreis (five digits) or Gemeinde (eight digits) code.

    Returns
    -------
    bool
        True for the Kreis ``land + "000"`` and the Gemeinde ``land + "000000"``.

    Examples
    --------
    >>> is_stadtstaat("11", "11000"), is_stadtstaat("02", "02000000"), is_stadtstaat("04", "04011")
    (True, True, False)
    """
    return len(land) == 2 and region in (land + "000", land + "000000")


def stadtstaat_note(hierarchy: Any, region: str, comparison: Any) -> str:
    """Return the note why a Stadtstaat's report has no Land comparison ("" otherwise).

    Parameters
    ----------
    hierarchy : toolkit.regions.RegionHierarchy
        The dataset's regions (names of the Länder).
    region : str
        Code of the region the report is about.
    comparison : sequence of str
        The report's comparison regions.

    Returns
    -------
    str
        The note, or ``""`` when the region is no Stadtstaat or its Land is compared.

    Examples
    --------
    >>> from toolkit.regions import RegionHierarchy
    >>> h = RegionHierarchy.from_codes(["DG", "11", "11000"], names={"11": "Berlin", "11000": "Berlin"})
    >>> stadtstaat_note(h, "11000", ["DG"])
    'Kein Vergleich mit dem Land: Berlin ist Kreis und Land zugleich, der Landeswert wäre der eigene Wert.'
    """
    lands = [a for a in _ancestors(hierarchy, region) if hierarchy.level(a) == "land"]
    if not lands or lands[0] in comparison or not is_stadtstaat(lands[0], region):
        return ""
    name = hierarchy.name(lands[0])
    return (
        f"Kein Vergleich mit dem Land: {name} ist Kreis und Land zugleich, "
        "der Landeswert wäre der eigene Wert."
    )
