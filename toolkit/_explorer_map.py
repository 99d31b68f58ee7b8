"""The map view of the indicator explorer: a choropleth image that selects on click (private)."""

from __future__ import annotations

import time
from collections.abc import Callable

import ipywidgets as widgets
import pandas as pd
from ipyevents import Event

from toolkit._explorer import pick_region
from toolkit.charts import MapChart, choropleth
from toolkit.errors import DkbmError

__all__ = ["ExplorerMap", "map_contexts"]


def map_contexts(region: str, level: str) -> list[tuple[str, str, str | None]]:
    """Return the maps that can show ``region``, best first: (within, level of the areas, highlight).

    A Gemeinde is shown among the Gemeinden of its Kreis, else its Kreis among the
    Kreise of the Land; a Kreis among the Kreise of its Land; a Land with its Kreise.

    Examples
    --------
    >>> map_contexts("17051003", "gemeinde")
    [('17051', 'gemeinde', '17051003'), ('17', 'kreis', '17051')]
    >>> map_contexts("17001000-SR02", "sozialraum")[0]
    ('17001000', 'sozialraum', '17001000-SR02')
    """
    if level == "sozialraum":
        city = region.split("-")[0]
        return [
            (city, "sozialraum", region),
            (city[:5], "gemeinde", city),
            (city[:2], "kreis", city[:5]),
        ]
    if level == "gemeinde":
        return [(region[:5], "gemeinde", region), (region[:2], "kreis", region[:5])]
    if level in ("kreis", "regbez"):
        return [(region[:2], "kreis", region if level == "kreis" else None)]
    if level == "land":
        return [(region, "kreis", None)]
    return []


class ExplorerMap:
    """Choropleth image (SVG) with click selection (ipyevents reports where it was clicked).

    The map is the SVG the reports embed (written directly, a few milliseconds);
    a click is turned into map units through the map's layout, from the
    position relative to the image as shown (any display size).

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame
        Boundaries of all levels (:mod:`toolkit.geo`).
    on_pick : callable
        Called with the region code of a clicked area.

    Examples
    --------
    >>> from toolkit.geo import sample_boundaries
    >>> m = ExplorerMap(sample_boundaries(), on_pick=print)
    >>> m.image.format
    'svg+xml'
    """

    def __init__(self, boundaries: pd.DataFrame, on_pick: Callable[[str], None]) -> None:
        self.boundaries = boundaries
        self.image = widgets.Image(
            format="svg+xml", layout=widgets.Layout(width="520px", height="auto")
        )
        self.note = widgets.HTML()
        self.widget = widgets.VBox([self.image, self.note], layout=widgets.Layout(width="540px"))
        self._events = Event(source=self.image, watched_events=["click"])
        self._events.on_dom_event(self._on_click)
        self._on_pick = on_pick
        self._chart: MapChart | None = None
        self._areas: pd.DataFrame | None = None
        #: Seconds the last redraw took (map and SVG), for the speed check.
        self.last_seconds = 0.0

    def show(
        self,
        frame: pd.DataFrame,
        indicator: str,
        region: str,
        level: str,
        *,
        title: str = "",
        dimension: str = "",
    ) -> bool:
        """Draw the first map context of ``region`` that has values; False if none has."""
        start = time.perf_counter()
        for within, child, highlight in map_contexts(region, level):
            try:
                chart = choropleth(
                    frame,
                    self.boundaries,
                    indicator=indicator,
                    within=within,
                    level=child,
                    highlight=highlight,
                    title=title,
                )
            except DkbmError:
                continue
            self.image.value = chart.to_svg()
            self._chart = chart
            geo = self.boundaries
            code = chart.table["Schlüssel"]
            self._areas = geo[(geo["level"] == child) & geo["region_code"].isin(set(code))]
            extra = " (ohne Aufteilung)" if dimension else ""
            self.note.value = (
                f"<small>{chart.finding}{extra} Auf ein Gebiet klicken, um es zu wählen.</small>"
            )
            self.last_seconds = time.perf_counter() - start
            return True
        self.image.value = b""
        self._areas = None
        self.note.value = "<small>Für diese Auswahl gibt es keine Karte.</small>"
        self.last_seconds = time.perf_counter() - start
        return False

    def pixel_to_region(self, fx: float, fy: float) -> str | None:
        """Return the region code at point ``(fx, fy)`` of the last map, or None.

        ``fx`` and ``fy`` are fractions of the image width and height from the top left.

        Examples
        --------
        >>> from toolkit.geo import sample_boundaries
        >>> ExplorerMap(sample_boundaries(), on_pick=print).pixel_to_region(0.5, 0.5) is None
        True
        """
        layout = self._chart.layout if self._chart is not None else None
        if layout is None or self._areas is None:
            return None
        width, height = layout.pixels
        x, y = layout.from_pixels(fx * width, fy * height)
        return pick_region(self._areas, x, y)

    def _on_click(self, event: dict) -> None:
        width = float(event.get("boundingRectWidth") or 0)
        height = float(event.get("boundingRectHeight") or 0)
        if width <= 0 or height <= 0:
            return
        fx = float(event.get("relativeX", -1)) / width
        fy = float(event.get("relativeY", -1)) / height
        code = self.pixel_to_region(fx, fy)
        if code is not None:
            self._on_pick(code)
