r"""Interactive explorer for analysts (ipywidgets; also served by Voilà).

The :class:`IndicatorExplorer` shows one indicator for one region: a map of
the region and its neighbours (click an area to select it), the time series
with comparison regions or the breakdown by a category, and the table of the
shown values with CSV and Excel export. Regions are found by typing part of a
name or code (fast with 11,000 Gemeinden). Only protected data are shown:
the explorer reads the one publication-wide protected set
(:func:`toolkit.disclosure.protect_publication`, the same reports read) or
protects a given frame the same way, once over all indicators, levels and
periods.

Examples
--------
>>> import pandas as pd
>>> f = pd.DataFrame({"region_code": ["17", "17", "DG", "DG"],
...     "region_name": ["Musterland"] * 2 + ["Deutschland"] * 2, "level": ["land"] * 2 + ["bund"] * 2,
...     "period": [2023, 2024] * 2, "indicator": "altenquotient", "dimension": "", "category": "",
...     "value": [30.0, 31.0, 36.0, 37.0], "numerator": [300.0, 310, 3600, 3700],
...     "denominator": [1000.0] * 2 + [10000.0] * 2, "unit": "je 100", "flag": ""})
>>> ex = IndicatorExplorer(f, region="17", protect=False)
>>> t = ex.table()
>>> list(t["Region"][1:3]), [w.replace("\xa0", " ") for w in t["Wert"][1:3]]
(['Musterland', 'Deutschland'], ['31,0 je 100', '36,0 je 100'])
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from toolkit._explorer import (
    LEVEL_NAMES,
    category_labels,
    dimension_label,
    download_links,
    explorer_chart_html,
    explorer_table,
    level_message,
    parent_regions,
    search_regions,
)
from toolkit._explorer_app import (
    JUPYTER_DATA,
    indicator_explorer,
    load_explorer,
    prepare_explorer,
    voila_command,
)
from toolkit._explorer_map import ExplorerMap
from toolkit.errors import ParameterError
from toolkit.geo import mark_protected
from toolkit.indicators import catalog, validate_indicator_frame

__all__ = [
    "JUPYTER_DATA",
    "IndicatorExplorer",
    "indicator_explorer",
    "load_explorer",
    "prepare_explorer",
    "voila_command",
]

_TOTAL = "(insgesamt)"


class IndicatorExplorer:
    """Explore an IndicatorFrame: indicator, region (map or search), breakdown, comparisons.

    Parameters
    ----------
    frame : pandas.DataFrame
        IndicatorFrame, e.g. from :func:`toolkit.indicators.compute_all`.
    region : str, optional
        Region shown first; defaults to the first Land in the frame.
    indicator : str, optional
        Indicator shown first; defaults to the first of the catalogue order.
    protect : bool, default True
        Protect all rows as one publication
        (:func:`toolkit.disclosure.protect_publication`) unless the frame is
        already marked protected (e.g. from
        :func:`toolkit.disclosure.load_publication`).
        Switch off only for data that never leave the office.
    min_count : int, default 3
        Smallest publishable count for disclosure control.
    boundaries : geopandas.GeoDataFrame, optional
        Boundaries for the map (:mod:`toolkit.geo`); no map without them.
    labels : dict, optional
        Extra category labels ``{dimension: {code: label}}`` (e.g. Berufe).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"region_code": ["17"], "region_name": ["L"], "level": ["land"],
    ...     "period": [2024], "indicator": ["altenquotient"], "dimension": [""],
    ...     "category": [""], "value": [1.0], "numerator": [1.0], "denominator": [1.0],
    ...     "unit": ["je 100"], "flag": [""]})
    >>> IndicatorExplorer(f, protect=False).region.value
    '17'
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        *,
        region: str | None = None,
        indicator: str | None = None,
        protect: bool = True,
        min_count: int = 3,
        boundaries: pd.DataFrame | None = None,
        labels: dict[str, dict[str, str]] | None = None,
    ) -> None:
        marked = dict(frame.attrs.get("dkbm_protection") or {})
        frame = validate_indicator_frame(frame)
        if frame.empty:
            raise ParameterError(
                "Die Indikatortabelle ist leer; es gibt nichts zu erkunden.",
                hint="Erst Indikatoren berechnen, z. B. toolkit.indicators.compute_all(...).",
            )
        if marked:
            frame = mark_protected(frame, **marked)
        elif protect:
            from toolkit.disclosure import protect_publication, publication_rows

            # all indicators, levels and periods protected together as one publication:
            # never per indicator (a rate's numerator hidden in one table, shown in another)
            frame = publication_rows(protect_publication(frame, min_count=min_count))
        self._frame = frame
        self._labels = {**category_labels(), **(labels or {})}
        cat = catalog().set_index("code")
        present = list(pd.unique(frame["indicator"]))
        ordered = [c for c in cat.index if c in present] + [
            c for c in present if c not in cat.index
        ]
        self._names = {c: (cat.loc[c, "name_de"] if c in cat.index else c) for c in ordered}
        self._regions = (
            frame[["region_code", "region_name", "level"]]
            .drop_duplicates("region_code")
            .sort_values("region_code", key=lambda s: s.str.replace("DG", "00"))
            .reset_index(drop=True)
        )
        self._region_names = dict(
            zip(self._regions["region_code"], self._regions["region_name"], strict=True)
        )
        self._region_levels = dict(
            zip(self._regions["region_code"], self._regions["level"], strict=True)
        )
        if region is not None and region not in self._region_names:
            raise ParameterError(
                f"Region '{region}' kommt in der Indikatortabelle nicht vor.",
                column="region_code",
                hint="Einen Regionalschlüssel aus der Tabelle wählen.",
            )
        if indicator is not None and indicator not in self._names:
            raise ParameterError(
                f"Indikator '{indicator}' kommt in der Indikatortabelle nicht vor.",
                column="indicator",
                hint=f"Vorhanden: {', '.join(ordered[:10])} …",
            )
        lands = self._regions.loc[self._regions["level"] == "land", "region_code"].tolist()
        first = region or (lands[0] if lands else self._regions["region_code"].iloc[0])
        wide = widgets.Layout(width="460px")
        self.indicator = widgets.Dropdown(
            options=[(self._names[c], c) for c in ordered],
            value=indicator or ordered[0],
            description="Indikator",
            layout=wide,
        )
        self.dimension = widgets.Dropdown(
            description="Aufteilung", options=[(_TOTAL, "")], layout=wide
        )
        self.search = widgets.Text(
            placeholder="Name oder Schlüssel eingeben …", description="Suche", layout=wide
        )
        self.region = widgets.Select(
            options=self._region_options(""), value=None, description="Region", rows=6, layout=wide
        )
        self._select_region_option(first)
        self.comparisons = widgets.SelectMultiple(description="Vergleich", rows=4, layout=wide)
        self._quiet = False
        self.message = widgets.HTML()
        self.chart = widgets.HTML(layout=widgets.Layout(width="560px"))
        self.output = widgets.HTML()
        self.map = (
            ExplorerMap(boundaries, on_pick=self._on_pick) if boundaries is not None else None
        )
        controls = widgets.VBox(
            [self.indicator, self.dimension, self.search, self.region, self.comparisons]
        )
        views = [self.map.widget, self.chart] if self.map else [self.chart]
        self.widget = widgets.VBox(
            [controls, self.message, widgets.HBox(views), self.output],
            layout=widgets.Layout(width="100%"),
        )
        self._update_comparisons()
        self._update_dimensions()
        self.search.observe(self._on_search, names="value")
        self.indicator.observe(self._on_indicator, names="value")
        self.region.observe(self._on_region, names="value")
        self.dimension.observe(lambda _c: None if self._quiet else self.refresh(), names="value")
        self.comparisons.observe(
            lambda _c: None if self._quiet else self.refresh(map_too=False), names="value"
        )
        self.refresh()

    # -- selection helpers --------------------------------------------------
    def _region_options(self, text: str) -> list[tuple[str, str]]:
        return search_regions(self._regions, text)

    def _select_region_option(self, code: str) -> None:
        options = list(self.region.options)
        if code not in [c for _, c in options]:
            options = self._region_options(code) or options
            self.region.options = options
        self.region.value = code

    def _update_comparisons(self) -> None:
        """Set the comparison regions of the selected region without a redraw of their own.

        The caller redraws once: one map, one chart per selection.
        """
        code = self.region.value
        parents = parent_regions(code, set(self._region_names))
        self._quiet = True
        try:
            self.comparisons.options = [(self._region_names[c], c) for c in parents]
            self.comparisons.value = tuple(parents[-2:])
        finally:
            self._quiet = False

    def _update_dimensions(self) -> None:
        rows = self.protected()
        dims = sorted(d for d in pd.unique(rows["dimension"]) if d)
        keep = self.dimension.value if self.dimension.value in dims else ""
        self._quiet = True
        try:
            self.dimension.options = [(_TOTAL, ""), *[(dimension_label(d), d) for d in dims]]
            self.dimension.value = keep  # a breakdown the new indicator also has stays chosen
        finally:
            self._quiet = False

    def _on_search(self, change: dict) -> None:
        options = self._region_options(change["new"])
        current = self.region.value
        with self.region.hold_trait_notifications():
            self.region.options = options
            if current in [c for _, c in options]:
                self.region.value = current

    def _on_indicator(self, _change: dict) -> None:
        self._update_dimensions()
        self.refresh()

    def _on_region(self, change: dict) -> None:
        if change["new"] is None:
            return
        self._update_comparisons()
        self.refresh()

    def _on_pick(self, code: str) -> None:
        if code in self._region_names:
            self._select_region_option(code)

    # -- data ---------------------------------------------------------------
    def protected(self, indicator: str | None = None) -> pd.DataFrame:
        """Return the (protected) rows of one indicator, all regions and periods.

        Examples
        --------
        >>> import pandas as pd
        >>> f = pd.DataFrame({"region_code": ["17"], "region_name": ["L"], "level": ["land"],
        ...     "period": [2024], "indicator": ["q"], "dimension": [""], "category": [""],
        ...     "value": [50.0], "numerator": [1.0], "denominator": [2.0],
        ...     "unit": ["%"], "flag": [""]})
        >>> IndicatorExplorer(f).protected()["flag"].tolist()
        ['.']
        """
        code = indicator or self.indicator.value
        return self._frame[self._frame["indicator"] == code]

    def selection(self) -> pd.DataFrame:
        """Return the rows shown: region and comparisons, chosen breakdown.

        Examples
        --------
        >>> import pandas as pd
        >>> f = pd.DataFrame({"region_code": ["17"], "region_name": ["L"], "level": ["land"],
        ...     "period": [2024], "indicator": ["q"], "dimension": [""], "category": [""],
        ...     "value": [5.0], "numerator": [5.0], "denominator": [100.0],
        ...     "unit": ["%"], "flag": [""]})
        >>> len(IndicatorExplorer(f, protect=False).selection())
        1
        """
        rows = self.protected()
        codes = [self.region.value, *[c for c in self.comparisons.value if c != self.region.value]]
        rows = rows[rows["region_code"].isin(codes) & (rows["dimension"] == self.dimension.value)]
        order = {c: i for i, c in enumerate(codes)}
        return rows.sort_values(
            ["region_code", "category", "period"],
            key=lambda s: s.map(order) if s.name == "region_code" else s,
        ).reset_index(drop=True)

    def table(self) -> pd.DataFrame:
        """Return the shown values as a German-formatted table.

        Examples
        --------
        >>> import pandas as pd
        >>> f = pd.DataFrame({"region_code": ["17"], "region_name": ["L"], "level": ["land"],
        ...     "period": [2024], "indicator": ["q"], "dimension": [""], "category": [""],
        ...     "value": [1250.0], "numerator": [1250.0], "denominator": [float("nan")],
        ...     "unit": ["Anzahl"], "flag": [""]})
        >>> IndicatorExplorer(f, protect=False).table()["Wert"].tolist()
        ['1.250']
        """
        dim = self.dimension.value
        return explorer_table(self.selection(), dim, self._labels.get(dim, {}))

    # -- view ---------------------------------------------------------------
    def _chart_html(self, table: pd.DataFrame) -> str:
        region, dim = self.region.value, self.dimension.value
        return explorer_chart_html(
            self.protected() if not dim else self.selection(),
            self.indicator.value,
            self.indicator.label,
            region,
            self._region_names[region],
            dimension=dim,
            comparisons=[c for c in self.comparisons.value if c != region],
            labels=self._labels.get(dim, {}),
        )

    def _message(self) -> str:
        rows = self.protected()
        code = self.region.value
        if (rows["region_code"] == code).any():
            return ""
        levels = [lv for lv in reversed(LEVEL_NAMES) if (rows["level"] == lv).any()]
        level = self._region_levels[code]
        parents = [p for p in parent_regions(code, set(rows["region_code"]))]
        parent = (parents[0], self._region_names[parents[0]]) if parents else None
        if level not in levels and levels:
            return level_message(self.indicator.label, levels, level, parent)
        return "Für diese Region gibt es zu diesem Indikator keine Werte."

    def refresh(self, map_too: bool = True) -> None:
        """Redraw map, chart, message and table for the current selection.

        Examples
        --------
        >>> import pandas as pd
        >>> f = pd.DataFrame({"region_code": ["17"], "region_name": ["L"], "level": ["land"],
        ...     "period": [2024], "indicator": ["q"], "dimension": [""], "category": [""],
        ...     "value": [5.0], "numerator": [5.0], "denominator": [100.0],
        ...     "unit": ["%"], "flag": [""]})
        >>> ex = IndicatorExplorer(f, protect=False)
        >>> ex.refresh()
        >>> "5,0" in ex.output.value and "<figure" in ex.chart.value
        True
        """
        message = self._message()
        self.message.value = (
            f'<p class="dkbm-message"><strong>{html.escape(message)}</strong></p>'
            if message
            else ""
        )
        table = self.table()
        self.chart.value = self._chart_html(table) if not table.empty else ""
        if table.empty:
            self.output.value = "<p>Für diese Auswahl gibt es keine Werte.</p>"
        else:
            stem = f"{self.indicator.value}_{self.region.value}"
            self.output.value = table.to_html(
                index=False, classes="dkbm-table", border=0
            ) + download_links(table, stem)
        if map_too and self.map is not None:
            self.map.show(
                self._frame,
                self.indicator.value,
                self.region.value,
                self._region_levels[self.region.value],
                title=self.indicator.label,
                dimension=self.dimension.value,
            )
