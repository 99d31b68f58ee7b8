"""Sozialraum boundaries supplied by the user: reading and checking (private)."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyogrio.errors import DataLayerError, DataSourceError

from toolkit.errors import DataError, ParameterError
from toolkit.geo._load import CRS, GEO_COLUMNS
from toolkit.io import DataWarning

__all__ = ["GERMANY_BOUNDS", "check_codes", "read_sozialraum_boundaries"]

#: Extent of Germany in EPSG:25832 with a margin (xmin, ymin, xmax, ymax), metres.
GERMANY_BOUNDS = (200_000.0, 5_150_000.0, 1_000_000.0, 6_150_000.0)
_OVERLAP_SHARE = 0.01  # overlaps above 1 % of the smaller area are errors, smaller ones warnings


def _short(codes: Iterable[str], limit: int = 12) -> str:
    codes = sorted(set(codes))
    text = ", ".join(codes[:limit])
    return text + (f", … ({len(codes) - limit} weitere)" if len(codes) > limit else "")


def _to_project_crs(frame: gpd.GeoDataFrame, crs: str | None, file: str) -> gpd.GeoDataFrame:
    if frame.crs is None:
        if crs is None:
            raise DataError(
                "Die Gebietsgrenzen haben kein Koordinatenbezugssystem (CRS).",
                file=file,
                hint="CRS angeben, z. B. read_sozialraum_boundaries(..., crs='EPSG:25832'), "
                "oder die Datei mit .prj bzw. CRS-Angabe speichern.",
            )
        frame = frame.set_crs(crs)
    elif crs is not None and frame.crs != crs:
        raise DataError(
            f"Die Datei nennt das CRS {frame.crs.to_string()}, angegeben wurde {crs}.",
            file=file,
            hint="crs= nur für Dateien ohne CRS-Angabe verwenden.",
        )
    out = frame.to_crs(CRS)
    xmin, ymin, xmax, ymax = out.total_bounds
    gx0, gy0, gx1, gy1 = GERMANY_BOUNDS
    if not (gx0 <= xmin and xmax <= gx1 and gy0 <= ymin and ymax <= gy1):
        raise DataError(
            "Die Gebietsgrenzen liegen nicht in Deutschland: das Koordinatenbezugssystem "
            f"{frame.crs.to_string()} passt wohl nicht zu den Koordinaten "
            f"(Ausdehnung {frame.total_bounds.round(1).tolist()}).",
            file=file,
            hint="Das richtige CRS angeben (häufig EPSG:25832, EPSG:25833, EPSG:31467 oder "
            "EPSG:4326 für Längen-/Breitengrade).",
        )
    return out


def _check_geometry(frame: gpd.GeoDataFrame, file: str) -> gpd.GeoDataFrame:
    geoms = frame.geometry.to_numpy()
    empty = shapely.is_empty(geoms) | pd.isna(geoms)
    if empty.any():
        raise DataError(
            "Gebiete ohne Geometrie: " + _short(frame.loc[empty, "region_code"]) + ".",
            file=file,
            hint="Jedem Sozialraum eine Fläche geben oder die Zeile entfernen.",
        )
    polygonal = np.isin(shapely.get_type_id(geoms), (3, 6))
    if not polygonal.all():
        raise DataError(
            "Gebiete sind keine Flächen (Polygone): "
            + _short(frame.loc[~polygonal, "region_code"])
            + ".",
            file=file,
            hint="Sozialraumgrenzen als Polygone speichern.",
        )
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        reasons = {
            c: shapely.is_valid_reason(g)
            for c, g in zip(frame.loc[invalid, "region_code"], geoms[invalid], strict=True)
        }
        warnings.warn(
            "Ungültige Geometrien wurden repariert (shapely.make_valid): "
            + "; ".join(f"{c}: {r}" for c, r in list(reasons.items())[:8])
            + ". Bitte die Grenzen im GIS prüfen.",
            DataWarning,
            stacklevel=3,
        )
        geoms = geoms.copy()
        geoms[invalid] = shapely.make_valid(geoms[invalid])
        frame = frame.set_geometry(geoms)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    severe: list[str] = []
    slight: list[str] = []
    for i, j in zip(left[keep], right[keep], strict=True):
        shared = shapely.intersection(geoms[i], geoms[j]).area
        if shared <= 0:
            continue
        share = shared / min(geoms[i].area, geoms[j].area)
        pair = f"{frame['region_code'].iat[i]}/{frame['region_code'].iat[j]}"
        (severe if share > _OVERLAP_SHARE else slight).append(f"{pair} ({share:.1%})")
    if severe:
        raise DataError(
            "Sozialräume überlappen sich: " + ", ".join(severe[:10]) + ".",
            file=file,
            hint="Jede Fläche darf nur zu einem Sozialraum gehören; Grenzen im GIS bereinigen.",
        )
    if slight:
        warnings.warn(
            "Kleine Überlappungen zwischen Sozialräumen (Digitalisierungsreste): "
            + ", ".join(slight[:10])
            + ".",
            DataWarning,
            stacklevel=3,
        )
    return frame


def check_codes(
    boundaries: pd.DataFrame, codes: Iterable[str], *, what: str = "Gebiete"
) -> tuple[list[str], list[str]]:
    """Compare boundary codes with the codes of the data; warn about mismatches.

    Parameters
    ----------
    boundaries : pandas.DataFrame
        Frame with ``region_code``.
    codes : iterable of str
        Region codes present in the data.
    what : str, default "Gebiete"
        Word for the regions in the message.

    Returns
    -------
    tuple of (list of str, list of str)
        Codes of the data without a boundary, and boundary codes without data.

    Warns
    -----
    DataWarning
        Naming the codes on either side.

    Examples
    --------
    >>> import warnings
    >>> b = pd.DataFrame({"region_code": ["A", "B"]})
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     check_codes(b, ["A", "C"])
    (['C'], ['B'])
    >>> "C" in str(w[0].message)
    True
    """
    data_codes = set(codes)
    geo_codes = set(boundaries["region_code"])
    no_geometry = sorted(data_codes - geo_codes)
    no_data = sorted(geo_codes - data_codes)
    if no_geometry or no_data:
        parts = []
        if no_geometry:
            parts.append(f"ohne Grenze (nicht in der Karte): {_short(no_geometry)}")
        if no_data:
            parts.append(f"Grenze ohne Daten: {_short(no_data)}")
        warnings.warn(
            f"{what}: Schlüssel von Daten und Grenzen passen nicht zusammen – "
            + "; ".join(parts)
            + ". Oft ein anderer Gebietsstand (Gebietsreform, Umbenennung).",
            DataWarning,
            stacklevel=2,
        )
    return no_geometry, no_data


def read_sozialraum_boundaries(
    path: str | Path,
    *,
    code_column: str = "region_code",
    name_column: str | None = None,
    codes: Iterable[str] | None = None,
    crs: str | None = None,
    gebietsstand: str = "",
    data_gebietsstand: str = "",
    attribution: str = "Gebietsgrenzen: eigene Abgrenzung der Kommune",
) -> gpd.GeoDataFrame:
    """Read Sozialraum boundaries (GeoJSON, GeoPackage, Shapefile) and check them.

    Parameters
    ----------
    path : str or pathlib.Path
        File readable by GDAL through pyogrio (``.geojson``, ``.gpkg``, ``.shp`` …).
    code_column : str, default "region_code"
        Column with the Sozialraum codes as used in the data (e.g. ``05111000-SR03``).
    name_column : str, optional
        Column with display names; the codes are used when missing.
    codes : iterable of str, optional
        Sozialraum codes of the data; mismatches are reported (warning naming them;
        an error when none match).
    crs : str, optional
        CRS of a file that does not state one. A file stating a different CRS is an error.
    gebietsstand : str, optional
        Reference date of the boundaries (``YYYY-MM-DD``).
    data_gebietsstand : str, optional
        Reference date of the data's regions; a different date gives a warning.
    attribution : str, optional
        Source line printed under every map.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``region_code``, ``region_name``, ``level`` (``sozialraum``),
        ``gebietsstand``, ``attribution``, ``geometry`` in EPSG:25832.

    Raises
    ------
    DataError
        Missing file or code column, duplicate or empty codes, no CRS, coordinates
        outside Germany (wrong CRS), non-polygons, overlaps above 1 % of an area,
        or no code in common with the data.

    Examples
    --------
    >>> import tempfile, geopandas as gpd
    >>> from shapely.geometry import box
    >>> f = gpd.GeoDataFrame({"sr": ["X-SR01", "X-SR02"]},
    ...     geometry=[box(8.0, 50.0, 8.1, 50.1), box(8.1, 50.0, 8.2, 50.1)], crs="EPSG:4326")
    >>> p = tempfile.mkdtemp() + "/sr.geojson"
    >>> f.to_file(p)
    >>> read_sozialraum_boundaries(p, code_column="sr")["region_code"].tolist()
    ['X-SR01', 'X-SR02']
    """
    path = Path(path)
    if not path.exists():
        raise DataError("Datei mit Gebietsgrenzen nicht gefunden.", file=str(path))
    try:
        raw = gpd.read_file(path, engine="pyogrio")
    except (DataSourceError, DataLayerError) as exc:
        raise DataError(
            f"Gebietsgrenzen konnten nicht gelesen werden: {exc}",
            file=str(path),
            hint="GeoJSON, GeoPackage oder Shapefile (mit .shx/.dbf/.prj) übergeben.",
        ) from exc
    for column in filter(None, (code_column, name_column)):
        if column not in raw.columns:
            raise DataError(
                f"Spalte {column!r} fehlt in den Gebietsgrenzen.",
                file=str(path),
                column=column,
                hint="Vorhanden: " + ", ".join(c for c in raw.columns if c != "geometry"),
            )
    code = raw[code_column].astype("string").str.strip()
    if code.isna().any() or (code == "").any():
        rows = (np.flatnonzero(code.isna() | (code == "")) + 1).tolist()
        raise DataError("Gebiete ohne Schlüssel.", file=str(path), column=code_column, rows=rows)
    dup = code[code.duplicated()].unique().tolist()
    if dup:
        raise DataError(
            "Schlüssel kommen mehrfach vor: " + _short(dup) + ".",
            file=str(path),
            column=code_column,
            hint="Je Sozialraum eine (Multi-)Fläche; Teile vorher zusammenfassen (dissolve).",
        )
    frame = gpd.GeoDataFrame(
        {
            "region_code": code.to_numpy(dtype=object),
            "region_name": (raw[name_column] if name_column else code).astype(str).to_numpy(),
            "level": "sozialraum",
            "gebietsstand": gebietsstand,
            "attribution": attribution,
        },
        geometry=raw.geometry.to_numpy(),
        crs=raw.crs,
    )
    frame = _to_project_crs(frame, crs, str(path))
    frame = _check_geometry(frame, str(path))
    if codes is not None:
        codes = list(codes)
        if not codes:
            raise ParameterError(
                "codes= ist leer.", hint="Die Sozialraumschlüssel der Daten übergeben."
            )
        if not set(codes) & set(frame["region_code"]):
            raise DataError(
                "Kein Schlüssel der Gebietsgrenzen kommt in den Daten vor "
                f"(Grenzen: {_short(frame['region_code'], 5)}; Daten: {_short(codes, 5)}).",
                file=str(path),
                column=code_column,
                hint="code_column= auf die Spalte mit den Sozialraumschlüsseln der Daten setzen.",
            )
        check_codes(frame, codes, what="Sozialräume")
    if gebietsstand and data_gebietsstand and gebietsstand != data_gebietsstand:
        warnings.warn(
            f"Gebietsstand der Grenzen ({gebietsstand}) und der Daten ({data_gebietsstand}) "
            "unterscheiden sich; geänderte Sozialräume werden falsch dargestellt.",
            DataWarning,
            stacklevel=2,
        )
    return frame[list(GEO_COLUMNS)].reset_index(drop=True)
