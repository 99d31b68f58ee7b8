"""Chart builders shared by the templates, working on a :class:`ReportContext`."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from toolkit.charts import Chart, breakdown_chart, case_base, time_series_chart
from toolkit.reports.content._context import ReportContext
from toolkit.text import is_missing

__all__ = [
    "CATEGORY_LABELS",
    "DIMENSION_LABELS",
    "category_label",
    "dimension_chart",
    "indicator_name",
    "level_note",
    "series_chart",
    "subregion_chart",
    "subregion_rows",
    "take_charts",
]

#: German labels of breakdown dimensions.
DIMENSION_LABELS: dict[str, str] = {
    "sex": "Geschlecht",
    "nationality": "Staatsangehörigkeit",
    "zustaendigkeit": "Zuständigkeitsbereich",
    "beruf": "Ausbildungsberuf",
    "schooling": "Schulabschluss",
    "school_type": "Schulart",
    "abschluss": "Abschluss",
    "sector": "Sektor",
    "care_type": "Betreuungsart",
    "age_group": "Altersgruppe",
}

#: German labels of the category codes of the canonical tables.
CATEGORY_LABELS: dict[str, dict[str, str]] = {
    "sex": {"m": "männlich", "w": "weiblich"},
    "nationality": {"deutsch": "deutsch", "auslaendisch": "ausländisch"},
    "care_type": {"kita": "Kindertageseinrichtung", "tagespflege": "Kindertagespflege"},
    "zustaendigkeit": {
        "ih": "Industrie und Handel",
        "hw": "Handwerk",
        "oed": "Öffentlicher Dienst",
        "lw": "Landwirtschaft",
        "fb": "Freie Berufe",
        "hausw": "Hauswirtschaft",
    },
    "schooling": {
        "ohne_hsa": "ohne Ersten Schulabschluss",
        "hsa": "Erster Schulabschluss",
        "msa": "Mittlerer Schulabschluss",
        "hzb": "Hochschulzugangsberechtigung",
        "unbekannt": "unbekannt",
    },
    "school_type": {
        "hauptschule": "Hauptschule",
        "realschule": "Realschule",
        "mehrere_bildungsgaenge": "mehrere Bildungsgänge",
        "gesamtschule": "Gesamtschule",
        "gymnasium": "Gymnasium",
        "foerderschule": "Förderschule",
        "sonstige": "sonstige",
    },
    "abschluss": {
        "ohne_hsa": "ohne Ersten Schulabschluss",
        "hsa": "Erster Schulabschluss",
        "msa": "Mittlerer Schulabschluss",
        "fhr": "Fachhochschulreife",
        "ahr": "Allgemeine Hochschulreife",
    },
    "sector": {
        "I": "Berufsausbildung",
        "II": "Übergangsbereich",
        "III": "Hochschulzugangsberechtigung",
        "IV": "Studium",
    },
}


def category_label(dimension: str, category: str) -> str:
    """Return the German label of a breakdown category.

    Examples
    --------
    >>> category_label("sex", "w"), category_label("beruf", "2610")
    ('weiblich', '2610')
    """
    return CATEGORY_LABELS.get(dimension, {}).get(str(category), str(category))


def indicator_name(ctx: ReportContext, code: str) -> str:
    """Return the catalogue name of an indicator.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> ctx = SimpleNamespace(catalogue=pd.DataFrame({"code": ["q"], "name_de": ["Quote"]}))
    >>> indicator_name(ctx, "q")
    'Quote'
    """
    hit = ctx.catalogue.loc[ctx.catalogue["code"] == code, "name_de"]
    return str(hit.iloc[0]) if not hit.empty else code


def level_note(ctx: ReportContext, code: str) -> str:
    """Say which region a chart shows when the report region has no data.

    Returns an empty string when the report region itself has data.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.regions import RegionHierarchy
    >>> h = RegionHierarchy.from_codes(["DG", "17", "17051", "17051001"], names={"17051": "Kreis A"})
    >>> f = pd.DataFrame({"region_code": ["17051"], "indicator": ["q"]})
    >>> cat = pd.DataFrame({"code": ["q"], "name_de": ["Quote"]})
    >>> ctx = ReportContext(None, h, "17051001", "G", "gemeinde", 2024, (), {}, f, cat, 3)
    >>> level_note(ctx, "q")
    'Für „Quote“ liegen nur Kreisdaten vor; gezeigt wird Kreis A.'
    """
    where = ctx.data_region(code)
    if where is None or where == ctx.region:
        return ""
    level = ctx.hierarchy.level(where)
    data = {"kreis": "Kreisdaten", "gemeinde": "Gemeindedaten"}.get(
        level, f"Daten der Ebene {level}"
    )
    return (
        f"Für „{indicator_name(ctx, code)}“ liegen nur {data} vor; "
        f"gezeigt wird {ctx.hierarchy.name(where)}."
    )


def _rows(ctx: ReportContext, code: str, region: str, dimension: str = "") -> pd.DataFrame:
    f = ctx.frame
    return f[
        (f["indicator"] == code) & (f["region_code"] == region) & (f["dimension"] == dimension)
    ]


def series_chart(ctx: ReportContext, code: str, title: str | None = None) -> Chart | None:
    r"""Time series of an indicator for the report region (or the nearest level with data).

    Parameters
    ----------
    ctx : ReportContext
        Report data (protected).
    code : str
        Indicator code.
    title : str, optional
        Chart title; default the catalogue name.

    Returns
    -------
    Chart or None
        None when no region of the report has data for the indicator.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.regions import RegionHierarchy
    >>> h = RegionHierarchy.from_codes(["DG", "17", "17051"], names={"17051": "Kreis A", "17": "Land X"})
    >>> f = pd.DataFrame({"region_code": ["17051", "17051", "17"], "region_name": ["Kreis A", "Kreis A", "Land X"],
    ...     "period": [2023, 2024, 2024], "indicator": "q", "dimension": "", "category": "",
    ...     "value": [30.0, 32.0, 31.0], "unit": "%", "flag": ""})
    >>> cat = pd.DataFrame({"code": ["q"], "name_de": ["Quote"]})
    >>> ctx = ReportContext(None, h, "17051", "Kreis A", "kreis", 2024, ("17",), {"17": "Land"}, f, cat, 3)
    >>> series_chart(ctx, "q").finding
    'Kreis A: Quote lag 2023 bei 30,0\xa0% und 2024 bei 32,0\xa0% (zu wenige Jahre für eine Trendaussage); Land X 2024: 31,0\xa0%.'
    """
    where = ctx.data_region(code)
    if where is None:
        return None
    if _rows(ctx, code, where)["value"].notna().sum() < 2:
        return None  # one value is no series: it is in the key figures table
    comps = [c for c in ctx.comparison if c != where]
    return time_series_chart(
        ctx.frame, code, where, comparisons=comps, title=title or indicator_name(ctx, code)
    )


def dimension_chart(
    ctx: ReportContext,
    code: str,
    dimension: str | Sequence[str],
    *,
    top: int | None = None,
    labels: dict[str, str] | None = None,
    title: str | None = None,
    sort: bool = False,
) -> Chart | None:
    r"""Bars of an indicator by one breakdown dimension in the report period.

    Parameters
    ----------
    ctx : ReportContext
        Report data (protected).
    code : str
        Indicator code.
    dimension : str or sequence of str
        Breakdown dimension (e.g. ``sex``, ``zustaendigkeit``); several
        dimensions are drawn one after the other in one chart.
    top : int, optional
        Keep the ``top`` categories with the largest denominators (e.g. the
        largest training occupations), ordered by value.
    labels : dict, optional
        Category labels (default :data:`CATEGORY_LABELS`).
    title : str, optional
        Chart title.
    sort : bool, default False
        Bars by value, largest first (a Top-N chart); otherwise in the categories'
        natural order (sex, Abschluss, ...).

    Returns
    -------
    Chart or None
        None when the breakdown has no rows, or no shown value (every bar
        hidden for Geheimhaltung: the report prints no empty figure).

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.regions import RegionHierarchy
    >>> h = RegionHierarchy.from_codes(["DG", "17", "17051"], names={"17051": "Kreis A"})
    >>> f = pd.DataFrame({"region_code": "17051", "region_name": "Kreis A", "period": 2024,
    ...     "indicator": "q", "dimension": ["", "sex", "sex"], "category": ["", "w", "m"],
    ...     "value": [30.0, 25.0, 35.0], "denominator": [100.0, 40.0, 60.0], "unit": "%", "flag": ""})
    >>> cat = pd.DataFrame({"code": ["q"], "name_de": ["Quote"]})
    >>> ctx = ReportContext(None, h, "17051", "Kreis A", "kreis", 2024, (), {}, f, cat, 3)
    >>> dimension_chart(ctx, "q", "sex").data
    (('Kategorie', 'Wert', 'Fallzahl'), ('männlich', '35,0\xa0%', '60'), ('weiblich', '25,0\xa0%', '40'))
    >>> hidden = f.assign(value=[30.0, float("nan"), float("nan")], flag=["", ".", "."])
    >>> ctx = ReportContext(None, h, "17051", "Kreis A", "kreis", 2024, (), {}, hidden, cat, 3)
    >>> dimension_chart(ctx, "q", "sex") is None
    True
    """
    where = ctx.data_region(code)
    if where is None:
        return None
    dims = [dimension] if isinstance(dimension, str) else list(dimension)
    pieces = []
    for dim in dims:
        rows = _rows(ctx, code, where, dim)
        rows = rows[rows["period"] == ctx.period]
        known = list(CATEGORY_LABELS.get(dim, {}))
        rank = rows["category"].map(lambda c, k=known: k.index(c) if c in k else len(k))
        rows = rows.assign(_rank=rank).sort_values(["_rank", "category"]).drop(columns="_rank")
        if top is not None:
            rows = rows.sort_values(["denominator", "category"], ascending=[False, True]).head(top)
            rows = rows.sort_values("value", ascending=False, na_position="last")
        pieces.append(rows)
    rows = pd.concat(pieces) if pieces else pd.DataFrame()
    if rows.empty or rows["value"].isna().all():
        return None  # nothing to draw: a figure of hidden bars only is not printed
    lab = labels or {}
    frame = pd.DataFrame(
        {
            "category": [
                lab.get(c) or category_label(d, c)
                for d, c in zip(rows["dimension"], rows["category"], strict=True)
            ],
            "value": rows["value"].to_numpy(),
            "flag": rows["flag"].to_numpy(),
            "base": case_base(rows),
        }
    )
    total = _rows(ctx, code, where)
    total = total[total["period"] == ctx.period]
    reference = None
    if not total.empty and not is_missing(total["value"].iloc[0], total["flag"].iloc[0]):
        reference = ("insgesamt", float(total["value"].iloc[0]))
    name = indicator_name(ctx, code)
    dim = " und ".join(DIMENSION_LABELS.get(d, d) for d in dims)
    return breakdown_chart(
        frame,
        unit=str(rows["unit"].iloc[0]),
        title=title or f"{name} nach {dim}, {ctx.hierarchy.name(where)} {ctx.period}",
        reference=reference,
        sort=sort,
    )


def subregion_rows(ctx: ReportContext, code: str) -> pd.DataFrame:
    """Rows of an indicator for the report's sub-regions: totals of the report period.

    Examples
    --------
    >>> from toolkit.reports.content._context import prepare_report
    >>> from toolkit.reports.runtime import load_dataset
    >>> ctx = prepare_report(load_dataset(), "17001", 2024, indicators=["betreuungsquote_u3"],
    ...                      sub_indicators=["betreuungsquote_u3"])
    >>> set(subregion_rows(ctx, "betreuungsquote_u3")["dimension"])
    {''}
    """
    f = ctx.frame
    return f[
        (f["indicator"] == code)
        & f["region_code"].isin(list(ctx.sub_regions))
        & (f["dimension"] == "")
        & (f["period"] == ctx.period)
    ]


def subregion_chart(ctx: ReportContext, code: str, *, max_regions: int = 45) -> Chart | None:
    """Bars of an indicator by the sub-regions (Kreise, Gemeinden or Sozialräume) of the region.

    Parameters
    ----------
    ctx : ReportContext
        Report data, prepared with ``sub_indicators`` including ``code``.
    code : str
        Indicator code.
    max_regions : int, default 45
        Do not draw more bars than this (a chart with hundreds of bars helps
        nobody; returns None then).

    Returns
    -------
    Chart or None
        None when fewer than two (or more than ``max_regions``) sub-regions of
        one level have rows; Kreise before Gemeinden before Sozialräume.

    Examples
    --------
    >>> from toolkit.reports.content._context import prepare_report
    >>> from toolkit.reports.runtime import load_dataset
    >>> ctx = prepare_report(load_dataset(), "17001", 2024, indicators=["betreuungsquote_u3"],
    ...                      sub_indicators=["betreuungsquote_u3"])
    >>> subregion_chart(ctx, "betreuungsquote_u3").finding[:30]
    'Höchster Wert: Schlossberg (53'
    """
    rows = subregion_rows(ctx, code)
    for level in ("kreis", "gemeinde", "sozialraum"):
        part = rows[rows["level"] == level]
        if 2 <= len(part) <= max_regions:
            rows = part.sort_values(["region_name", "region_code"])
            break
    else:
        return None
    # "x": no meaningful value (e.g. a Gemeinde without a school): the row is left out,
    # unlike "." (a value exists but is kept secret), which is shown as such
    rows = rows[rows["flag"] != "x"]
    if len(rows) < 2:
        return None
    frame = pd.DataFrame(
        {
            "category": rows["region_name"].to_numpy(),
            "value": rows["value"].to_numpy(),
            "flag": rows["flag"].to_numpy(),
            "base": case_base(rows),
        }
    )
    total = _rows(ctx, code, ctx.region)
    total = total[total["period"] == ctx.period]
    reference = None
    if not total.empty and not is_missing(total["value"].iloc[0], total["flag"].iloc[0]):
        reference = (ctx.region_name, float(total["value"].iloc[0]))
    what = {"kreis": "Kreis", "sozialraum": "Sozialraum"}.get(level, "Gemeinde")
    return breakdown_chart(
        frame,
        unit=str(rows["unit"].iloc[0]),
        title=f"{indicator_name(ctx, code)} nach {what}, {ctx.period}",
        reference=reference,
    )


def take_charts(candidates: Sequence[Chart | None], limit: int = 5) -> tuple[Chart, ...]:
    """Keep the charts that could be drawn, at most ``limit``.

    Examples
    --------
    >>> take_charts([None, None])
    ()
    """
    return tuple(c for c in candidates if c is not None)[:limit]
