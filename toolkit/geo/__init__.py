"""Boundaries for maps: BKG Verwaltungsgebiete, Musterland and user Sozialräume.

- :func:`load_boundaries`: Länder and Kreise (BKG VG1000, Gebietsstand 31.12.2024)
  and Gemeinden (VG5000, 01.01.2021), shipped simplified in the package;
- :func:`sample_boundaries`: the synthetic boundaries of the sample Land;
- :func:`boundaries_for`: the right one of the two for a set of region codes;
- :func:`read_sozialraum_boundaries`: a municipality's own Sozialraum boundaries
  (GeoJSON, GeoPackage, Shapefile), checked for codes, CRS, validity and overlaps;
- :func:`mark_protected` / :func:`is_protected`: the disclosure-control mark that
  map blocks require.

All boundaries are in ETRS89 / UTM 32N (EPSG:25832) with the columns
``region_code, region_name, level, gebietsstand, attribution, geometry``.

Examples
--------
>>> g = boundaries_for(["17051", "17052"])
>>> sorted(g["level"].unique())[:2]
['gemeinde', 'kreis']
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd

from toolkit.geo._load import (
    BKG_ATTRIBUTION,
    CRS,
    GEO_COLUMNS,
    SAMPLE_ATTRIBUTION,
    load_boundaries,
    sample_boundaries,
)
from toolkit.geo._protected import is_protected, mark_protected, require_protected
from toolkit.geo._user import check_codes, read_sozialraum_boundaries

__all__ = [
    "BKG_ATTRIBUTION",
    "CRS",
    "GEO_COLUMNS",
    "SAMPLE_ATTRIBUTION",
    "boundaries_for",
    "check_codes",
    "is_protected",
    "load_boundaries",
    "mark_protected",
    "read_sozialraum_boundaries",
    "require_protected",
    "sample_boundaries",
]

_SAMPLE_LAND = "17"


def boundaries_for(codes: Iterable[str]) -> gpd.GeoDataFrame:
    """Return the boundaries that fit region codes: Musterland (``17…``) or the BKG.

    Parameters
    ----------
    codes : iterable of str
        Region codes of the data (e.g. an IndicatorFrame's ``region_code``).

    Returns
    -------
    geopandas.GeoDataFrame
        Sample boundaries when every non-Bund code belongs to the sample Land
        ``17``, else the shipped BKG boundaries of all levels.

    Examples
    --------
    >>> boundaries_for(["09162000"])["attribution"].iloc[0][:14]
    '© GeoBasis-DE '
    """
    real = [c for c in codes if c != "DG"]
    if real and all(str(c).startswith(_SAMPLE_LAND) for c in real):
        return sample_boundaries()
    return load_boundaries()
