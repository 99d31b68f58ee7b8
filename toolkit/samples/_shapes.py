"""Synthetic but plausible boundaries for the generated Land (Musterland).

The geometry is drawn from the ``regions`` table and the seed alone, with its
own random stream, so the sample tables stay byte-identical whether or not
boundaries are written. Construction:

1. the Land is a smooth irregular outline of about 1,000 km² per Landkreis;
2. the Landkreise are Voronoi cells of relaxed random points (Lloyd's
   algorithm), clipped to the Land;
3. each kreisfreie Stadt is a round, slightly irregular enclave cut out of one
   Landkreis, as many real ones are;
4. the Gemeinden of a Landkreis are Voronoi cells clipped to the Kreis, the
   Sozialräume Voronoi cells clipped to their city.

Clipping Voronoi cells to the parent makes the children tile their parent
exactly (no gaps, no overlaps: cells are not rounded afterwards, which would open
slivers along long edges); coordinates are in ETRS89 / UTM 32N, placed in open sea north of the real coast so that the
fictional Land can never be mistaken for a real place.

Examples
--------
>>> from toolkit.samples import build_tables
>>> shapes = build_shapes(build_tables(kreise=2, years="2024")["regions"], seed=1)
>>> sorted(shapes["level"].unique())
['gemeinde', 'kreis', 'land', 'sozialraum']
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Polygon
from shapely.geometry.base import BaseGeometry

__all__ = ["SHAPES_FILE", "build_shapes", "write_shapes"]

SHAPES_FILE = Path("geo") / "gebiete.parquet"
_CRS = "EPSG:25832"
_ORIGIN = (560_000.0, 6_300_000.0)  # North Sea, north of the real coast line
_STREAM = 7919  # random stream of its own: the tables' streams stay untouched


def _blob(rng: np.random.Generator, cx: float, cy: float, radius: float, n: int = 72) -> Polygon:
    angles = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    r = np.ones(n)
    for harmonic in (2, 3, 5, 7):
        r += rng.normal(0.0, 0.11 / harmonic**0.5) * np.cos(harmonic * angles + rng.uniform(0, 6.3))
    r = radius * np.clip(r, 0.6, 1.4)
    return Polygon(np.column_stack([cx + r * np.cos(angles), cy + r * np.sin(angles)]))


def _points_in(rng: np.random.Generator, area: BaseGeometry, n: int) -> np.ndarray:
    xmin, ymin, xmax, ymax = area.bounds
    found: list[np.ndarray] = []
    while sum(len(f) for f in found) < n:
        cand = rng.uniform((xmin, ymin), (xmax, ymax), size=(4 * n + 8, 2))
        found.append(cand[shapely.contains_xy(area, cand[:, 0], cand[:, 1])])
    return np.concatenate(found)[:n]


def _cells(points: np.ndarray, area: BaseGeometry) -> list[BaseGeometry]:
    """Voronoi cells of ``points`` (in point order) clipped to ``area``."""
    if len(points) == 1:
        return [area]
    cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=area, ordered=True)
    return [shapely.intersection(c, area) for c in shapely.get_parts(cells)]


def _tile(rng: np.random.Generator, area: BaseGeometry, n: int, rounds: int = 4) -> list:
    """Split ``area`` into ``n`` cells of similar size (Lloyd relaxation)."""
    points = _points_in(rng, area, n)
    for _ in range(rounds):
        cells = _cells(points, area)
        points = np.array([[c.centroid.x, c.centroid.y] for c in cells])
    return _cells(points, area)


def build_shapes(regions: pd.DataFrame, seed: int = 2026) -> gpd.GeoDataFrame:
    """Draw boundaries for every region of a generated ``regions`` table.

    Parameters
    ----------
    regions : pandas.DataFrame
        The sample ``regions`` table (``region_code``, ``region_name``,
        ``level``, ``parent_code``, ``kreisfrei``).
    seed : int, default 2026
        Seed of the sample; the same seed and regions give the same shapes.

    Returns
    -------
    geopandas.GeoDataFrame
        ``region_code``, ``region_name``, ``level``, ``geometry`` (EPSG:25832),
        one row per Land, Regierungsbezirk, Kreis, Gemeinde and Sozialraum.

    Examples
    --------
    >>> from toolkit.samples import build_tables
    >>> regions = build_tables(kreise=3, years="2024")["regions"]
    >>> a, b = build_shapes(regions, seed=5), build_shapes(regions, seed=5)
    >>> a.geometry.equals(b.geometry)
    True
    """
    rng = np.random.default_rng([int(seed), _STREAM])
    by_level = {lv: part for lv, part in regions.groupby("level", sort=False)}
    kreise = by_level["kreis"].sort_values("region_code")
    cities = kreise[kreise["kreisfrei"].fillna(False).astype(bool)]
    landkreise = kreise[~kreise["kreisfrei"].fillna(False).astype(bool)]
    radius = np.sqrt(max(len(landkreise), 1) * 1.0e9 / np.pi)
    land = shapely.set_precision(_blob(rng, *_ORIGIN, radius=radius), 1.0)
    shapes: dict[str, BaseGeometry] = {}
    lk_cells = _tile(rng, land, max(len(landkreise), 1))
    holes: dict[int, list[BaseGeometry]] = {}
    for i, code in enumerate(cities["region_code"]):
        host = i % len(lk_cells)
        radius = 9_000.0 if i == 0 else float(rng.uniform(4_500.0, 7_500.0))
        inner = lk_cells[host].buffer(-radius * 1.3)
        while inner.is_empty:
            radius *= 0.7
            inner = lk_cells[host].buffer(-radius * 1.3)
        for done in holes.get(host, []):
            inner = inner.difference(done.buffer(radius * 1.2))
        centre = _points_in(rng, inner, 1)[0] if not inner.is_empty else inner.centroid
        city = shapely.set_precision(_blob(rng, centre[0], centre[1], radius, n=40), 1.0)
        holes.setdefault(host, []).append(city)
        shapes[code] = city
    for i, code in enumerate(landkreise["region_code"]):
        cell = lk_cells[i]
        for hole in holes.get(i, []):
            cell = cell.difference(hole)
        shapes[code] = cell
    gemeinden = by_level.get("gemeinde", regions.iloc[0:0]).sort_values("region_code")
    for kreis_code, members in gemeinden.groupby("parent_code", sort=True):
        codes = members["region_code"].tolist()
        if len(codes) == 1:
            shapes[codes[0]] = shapes[kreis_code]
            continue
        for code, cell in zip(codes, _tile(rng, shapes[kreis_code], len(codes)), strict=True):
            shapes[code] = cell
    sozial = by_level.get("sozialraum", regions.iloc[0:0]).sort_values("region_code")
    for city_code, members in sozial.groupby("parent_code", sort=True):
        codes = members["region_code"].tolist()
        for code, cell in zip(codes, _tile(rng, shapes[city_code], len(codes)), strict=True):
            shapes[code] = cell
    land_code = by_level["land"]["region_code"].iloc[0]
    shapes[land_code] = land
    for code in by_level.get("regbez", regions.iloc[0:0])["region_code"]:
        members = kreise[kreise["region_code"].str.startswith(code)]["region_code"]
        shapes[code] = shapely.union_all([shapes[c] for c in members])
    rows = regions[regions["region_code"].isin(list(shapes))]
    return gpd.GeoDataFrame(
        {
            "region_code": rows["region_code"].to_numpy(),
            "region_name": rows["region_name"].to_numpy(),
            "level": rows["level"].to_numpy(),
        },
        geometry=[shapely.make_valid(shapes[c]) for c in rows["region_code"]],
        crs=_CRS,
    )


def write_shapes(regions: pd.DataFrame, out_dir: str | Path, seed: int = 2026) -> Path:
    """Write :func:`build_shapes` as GeoParquet to ``<out_dir>/geo/gebiete.parquet``.

    Parameters
    ----------
    regions : pandas.DataFrame
        The sample ``regions`` table.
    out_dir : str or pathlib.Path
        Sample data directory.
    seed : int, default 2026
        Seed of the sample.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> from toolkit.samples import build_tables
    >>> regions = build_tables(kreise=2, years="2024")["regions"]
    >>> write_shapes(regions, tempfile.mkdtemp()).name
    'gebiete.parquet'
    """
    path = Path(out_dir) / SHAPES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    build_shapes(regions, seed).to_parquet(path, compression="zstd", index=False)
    return path
