"""Build the compact boundary files shipped in ``toolkit/geo/data`` from the BKG products.

Run once by a maintainer (never at run or test time)::

    python -m toolkit.geo._prepare /path/to/vg1000_ebenen_1231 /path/to/vg5000_ebenen_0101

Each layer keeps the regions of ``GF`` 4 or 9 (areas of regions, not the water-only rows), is reprojected
to ETRS89 / UTM 32N (EPSG:25832), simplified as a coverage (shared borders stay
shared, so no gaps or overlaps appear between neighbours) and written as
GeoParquet with columns ``region_code``, ``region_name``, ``region_type``,
``geometry``. The result is "Daten verändert" in the sense of the BKG terms.
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import shapely

#: (output file, source folder index, layer, code width, simplification tolerance in m)
LAYERS = (
    ("bkg_laender_2024.parquet", 0, "VG1000_LAN", 2, 400.0),
    ("bkg_kreise_2024.parquet", 0, "VG1000_KRS", 5, 250.0),
    ("bkg_gemeinden_2021.parquet", 1, "VG5000_GEM", 8, 120.0),
)
CRS = "EPSG:25832"


def _layer(folder: Path, layer: str, width: int, tolerance: float) -> gpd.GeoDataFrame:
    raw = gpd.read_file(folder / f"{layer}.shp", engine="pyogrio")
    # GF 4: land areas (VG1000); VG5000 Gemeinden come as GF 9 (land with water structure).
    raw = raw[raw["GF"].isin([4, 9])].to_crs(CRS)
    frame = gpd.GeoDataFrame(
        {
            "region_code": raw["AGS"].astype(str).str.zfill(width).to_numpy(),
            "region_name": raw["GEN"].astype(str).to_numpy(),
            "region_type": raw["BEZ"].astype(str).to_numpy(),
        },
        geometry=shapely.make_valid(raw.geometry.to_numpy()),
        crs=CRS,
    )
    frame = frame.dissolve("region_code", aggfunc="first", as_index=False)
    simple = shapely.coverage_simplify(frame.geometry.to_numpy(), tolerance)
    simple = shapely.set_precision(simple, 1.0)
    frame = frame.set_geometry(shapely.make_valid(simple))
    return frame.sort_values("region_code").reset_index(drop=True)[
        ["region_code", "region_name", "region_type", "geometry"]
    ]


def prepare(vg1000: Path, vg5000: Path, out_dir: Path) -> list[Path]:
    """Write the shipped GeoParquet files; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, source, layer, width, tolerance in LAYERS:
        frame = _layer((vg1000, vg5000)[source], layer, width, tolerance)
        path = out_dir / name
        frame.to_parquet(path, compression="zstd", index=False, write_covering_bbox=False)
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - maintainer tool
    out = Path(__file__).resolve().parent / "data"
    for p in prepare(Path(sys.argv[1]), Path(sys.argv[2]), out):
        print(p, p.stat().st_size)
