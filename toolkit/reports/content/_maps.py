"""Map section of the report templates: the sub-regions of the report region (private).

The one hook between the report content and the map block
(:func:`toolkit.charts.choropleth`); see ``/work/coord/maps.md``.
"""

from __future__ import annotations

from toolkit.charts import MapChart, choropleth
from toolkit.errors import DataError
from toolkit.geo import boundaries_for
from toolkit.reports.content._context import ReportContext
from toolkit.reports.content._sections import indicator_name, subregion_rows

__all__ = ["subregion_map"]

_WITHIN = {  # level of the areas -> (parent code of an area, German plural)
    "kreis": (lambda code: code[:2], "Kreisen"),
    "gemeinde": (lambda code: code[:5], "Gemeinden"),
    "sozialraum": (lambda code: code.split("-")[0], "Sozialräumen"),
}


def subregion_map(ctx: ReportContext, code: str) -> MapChart | None:
    """Map of an indicator over the sub-regions of the report region, or None.

    Kreise of a Land, Gemeinden of a Kreis, Sozialräume of a city: the first level
    with at least two areas of values in the (protected) report frame.

    Examples
    --------
    >>> from toolkit.reports.content._context import prepare_report
    >>> from toolkit.reports.runtime import load_dataset
    >>> ctx = prepare_report(load_dataset(), "17053", 2024, indicators=["betreuungsquote_u3"],
    ...                      sub_indicators=["betreuungsquote_u3"])
    >>> subregion_map(ctx, "betreuungsquote_u3").alt_text[:66]
    'Karte: Betreuungsquote unter 3 Jahren nach Gemeinden, 2024 für die'
    """
    rows = subregion_rows(ctx, code)
    levels = [lv for lv in _WITHIN if (rows["level"] == lv).sum() >= 2]
    if not levels:
        return None
    level = levels[0]
    parent, plural = _WITHIN[level]
    part = rows[rows["level"] == level]
    within = parent(str(part["region_code"].iloc[0]))
    try:
        return choropleth(
            ctx.frame,
            boundaries_for(part["region_code"]),
            indicator=code,
            within=within,
            level=level,
            period=ctx.period,
            title=f"{indicator_name(ctx, code)} nach {plural}, {ctx.period}",
        )
    except DataError:  # no boundaries for these areas: the bar chart still shows them
        return None
