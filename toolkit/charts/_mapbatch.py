"""Many maps at once: one map per region of a level, data split once (private)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pandas as pd

from toolkit.charts._map import (
    MapChart,
    _one_map,
    _plain,
    _prefix,
    _Style,
    _values,
    child_level,
)
from toolkit.geo import require_protected

__all__ = ["choropleths"]


def choropleths(
    frame: pd.DataFrame,
    boundaries: pd.DataFrame,
    *,
    indicator: str,
    within: Sequence[str],
    level: str | None = None,
    period: int | None = None,
    dimension: str = "",
    category: str = "",
    **style: Any,
) -> Iterator[tuple[str, MapChart]]:
    """Draw one map per region of ``within`` (a batch: e.g. the Gemeinden of every Kreis).

    The same maps as :func:`choropleth` called once per region, but the frame
    and the boundaries are filtered and split by region once, not per map.
    Regions without boundaries or values are skipped (nothing to draw).

    Parameters
    ----------
    frame, boundaries, indicator, period, dimension, category
        As in :func:`choropleth`.
    within : sequence of str
        Regions of one level (e.g. all Kreise); each gets a map of its sub-regions.
    level : str, optional
        Level of the areas; derived from the first region of ``within`` by default.
    **style
        ``scheme``, ``k``, ``title``, ``labels``, ``width`` as in :func:`choropleth`.

    Yields
    ------
    tuple of (str, MapChart)
        Region code and its map, in the order of ``within``.

    Raises
    ------
    DisclosureError
        If ``frame`` is not marked protected.
    ParameterError
        For an unknown style option.

    Examples
    --------
    >>> import numpy as np
    >>> from toolkit.geo import sample_boundaries, mark_protected
    >>> geo = sample_boundaries()
    >>> gem = geo[geo["level"] == "gemeinde"]
    >>> f = mark_protected(pd.DataFrame({"region_code": gem["region_code"], "region_name": "G",
    ...     "level": "gemeinde", "period": 2024, "indicator": "q", "dimension": "", "category": "",
    ...     "value": 1.0 + np.arange(len(gem)) % 7, "numerator": 1.0, "denominator": 1.0,
    ...     "unit": "%", "flag": ""}))
    >>> maps = dict(choropleths(f, geo, indicator="q", within=["17051", "17052"]))
    >>> sorted(maps), maps["17051"].to_svg()[:5]
    (['17051', '17052'], b'<?xml')
    """
    require_protected(frame)
    within = list(within)
    if not within:
        return
    level = level or child_level(within[0])
    rows = _values(frame, indicator, dimension, category)
    rows = rows[rows["level"] == level]
    areas = _plain(boundaries[boundaries["level"] == level])
    row_groups = _split(rows, within, level)
    area_groups = _split(areas, within, level)
    names = dict(zip(boundaries["region_code"], boundaries["region_name"], strict=True))
    look = _Style.of(indicator, style)
    for code in within:
        part, shapes = row_groups.get(code), area_groups.get(code)
        if part is None or shapes is None:
            continue
        yield code, _one_map(part, shapes, code, level, period, None, names.get(code), look)


def _split(frame: pd.DataFrame, within: list[str], level: str) -> dict[str, pd.DataFrame]:
    """Rows of ``frame`` by the region of ``within`` whose code prefixes theirs."""
    codes = frame["region_code"].astype(str)
    wanted = set(within)
    out: dict[str, pd.DataFrame] = {}
    for width in sorted({len(_prefix(w, level)) for w in within}):
        keys = codes.str[:width]
        if level == "sozialraum":
            keys = keys.str[:-1].where(keys.str.endswith("-"), "")
        for key, part in frame.groupby(keys.to_numpy(), sort=False):
            if key in wanted and key not in out:
                out[str(key)] = part
    return out
