"""Shipped boundaries: BKG Verwaltungsgebiete and the synthetic Musterland (private)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import shapely

from toolkit.errors import DataError, ParameterError

__all__ = [
    "BKG_ATTRIBUTION",
    "CRS",
    "GEO_COLUMNS",
    "SAMPLE_ATTRIBUTION",
    "load_boundaries",
    "sample_boundaries",
]

#: Projected CRS of every boundary the toolkit draws (ETRS89 / UTM zone 32N).
CRS = "EPSG:25832"

#: Columns of a boundary frame, in order.
GEO_COLUMNS = ("region_code", "region_name", "level", "gebietsstand", "attribution", "geometry")

DATA_DIR = Path(__file__).resolve().parent / "data"

#: Attribution lines as the BKG asks for (Datenlizenz Deutschland – Namensnennung – 2.0).
BKG_ATTRIBUTION = {
    "vg1000": "© GeoBasis-DE / BKG (2024), Daten verändert",
    "vg5000": "© GeoBasis-DE / BKG (2021), Daten verändert",
}
SAMPLE_ATTRIBUTION = "Gebietsgrenzen synthetisch (Musterland, fiktiv)"

#: level -> (file, Gebietsstand, attribution key)
_BKG_FILES = {
    "land": ("bkg_laender_2024.parquet", "2024-12-31", "vg1000"),
    "kreis": ("bkg_kreise_2024.parquet", "2024-12-31", "vg1000"),
    "gemeinde": ("bkg_gemeinden_2021.parquet", "2021-01-01", "vg5000"),
}
SAMPLE_FILE = Path("geo") / "gebiete.parquet"


def _read(path: Path) -> gpd.GeoDataFrame:
    """Read one of our GeoParquet files (WKB in EPSG:25832) without re-parsing its CRS.

    ``geopandas.read_parquet`` builds the CRS from the PROJJSON metadata on every
    call (about 0.15 s, more than the data); the files here are all written in
    :data:`CRS`, which is checked from the metadata instead.
    """
    table = pq.read_table(path)
    meta = json.loads(table.schema.metadata[b"geo"])
    crs = meta["columns"]["geometry"].get("crs") or {}
    if crs.get("id", {}).get("code") != 25832 or meta["columns"]["geometry"]["encoding"] != "WKB":
        raise DataError(
            "Gebietsgrenzen in unerwartetem Format (erwartet: WKB in EPSG:25832).",
            file=str(path),
            hint="Datei mit toolkit.geo._prepare bzw. dkbm samples generate neu erzeugen.",
        )
    geometry = shapely.from_wkb(table.column("geometry").to_numpy(zero_copy_only=False))
    frame = table.drop_columns(["geometry"]).to_pandas()
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=CRS)


def _levels(level: str | list[str] | None, allowed: tuple[str, ...]) -> list[str]:
    levels = list(allowed) if level is None else ([level] if isinstance(level, str) else level)
    unknown = [lv for lv in levels if lv not in allowed]
    if unknown:
        raise ParameterError(
            f"Unbekannte Ebene {unknown[0]!r} für Gebietsgrenzen.",
            hint=f"Eine von {', '.join(allowed)} wählen.",
        )
    return levels


def load_boundaries(level: str | list[str] | None = None) -> gpd.GeoDataFrame:
    """Return the shipped BKG boundaries of German Länder, Kreise and Gemeinden.

    Länder and Kreise come from VG1000 (Gebietsstand 31.12.2024), Gemeinden
    from VG5000 (Gebietsstand 01.01.2021); all are simplified as a coverage
    (neighbours keep their shared border) and reprojected to ETRS89 / UTM 32N.

    Parameters
    ----------
    level : str or list of str, optional
        ``"land"``, ``"kreis"``, ``"gemeinde"`` or a list of them; all by default.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`GEO_COLUMNS`; ``gebietsstand`` and ``attribution`` per row.

    Notes
    -----
    Source: Bundesamt für Kartographie und Geodäsie, Verwaltungsgebiete
    VG1000 and VG5000, Datenlizenz Deutschland – Namensnennung – Version 2.0.
    Every map drawn from them prints the ``attribution`` line.

    Examples
    --------
    >>> kreise = load_boundaries("kreis")
    >>> len(kreise), kreise.crs.to_epsg(), kreise["attribution"].iloc[0]
    (400, 25832, '© GeoBasis-DE / BKG (2024), Daten verändert')
    """
    parts = []
    for lv in _levels(level, tuple(_BKG_FILES)):
        name, stand, key = _BKG_FILES[lv]
        frame = _read(DATA_DIR / name)
        parts.append(
            frame.assign(level=lv, gebietsstand=stand, attribution=BKG_ATTRIBUTION[key])[
                list(GEO_COLUMNS)
            ]
        )
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=CRS)


def sample_boundaries(
    directory: str | Path | None = None, level: str | list[str] | None = None
) -> gpd.GeoDataFrame:
    """Return the synthetic boundaries of a generated sample Land (Musterland).

    Parameters
    ----------
    directory : str or pathlib.Path, optional
        Sample data directory (with ``geo/gebiete.parquet``); the committed
        ``data_samples/musterland`` by default.
    level : str or list of str, optional
        ``"land"``, ``"regbez"``, ``"kreis"``, ``"gemeinde"``, ``"sozialraum"``.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`GEO_COLUMNS`.

    Raises
    ------
    DataError
        If the directory has no boundary file.

    Examples
    --------
    >>> sr = sample_boundaries(level="sozialraum")
    >>> sr["region_code"].iloc[0], sr["attribution"].iloc[0]
    ('17001000-SR01', 'Gebietsgrenzen synthetisch (Musterland, fiktiv)')
    """
    if directory is None:
        from toolkit.samples import sample_dir

        directory = sample_dir()
    path = Path(directory) / SAMPLE_FILE
    if not path.is_file():
        raise DataError(
            "Für diese Beispieldaten gibt es keine Gebietsgrenzen.",
            file=str(path),
            hint="Beispieldaten neu erzeugen: dkbm samples generate --out <Verzeichnis>",
        )
    frame = _read(path)
    levels = _levels(level, ("land", "regbez", "kreis", "gemeinde", "sozialraum"))
    frame = frame[frame["level"].isin(levels)].reset_index(drop=True)
    return frame.assign(gebietsstand="", attribution=SAMPLE_ATTRIBUTION)[list(GEO_COLUMNS)]
