"""Shipped BKG boundaries, synthetic Musterland boundaries, user Sozialraum files."""

from __future__ import annotations

import warnings

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon, box

from toolkit.errors import DataError
from toolkit.geo import load_boundaries, read_sozialraum_boundaries, sample_boundaries
from toolkit.geo._load import DATA_DIR
from toolkit.io import DataWarning
from toolkit.samples import sample_dir


@pytest.fixture(scope="module")
def bkg() -> gpd.GeoDataFrame:
    return load_boundaries()


def test_shipped_files_are_compact():
    total = sum(p.stat().st_size for p in DATA_DIR.glob("*.parquet"))
    assert total < 4_000_000


def test_bkg_counts_and_codes(bkg):
    # Counts as documented by the BKG for VG1000 (31.12.2024) and VG5000 (01.01.2021).
    counts = bkg.groupby("level").size().to_dict()
    assert counts == {"gemeinde": 10_997, "kreis": 400, "land": 16}
    assert bkg.crs.to_epsg() == 25832
    assert bkg["geometry"].is_valid.all()
    kreise = set(bkg.loc[bkg["level"] == "kreis", "region_code"])
    assert {"09162", "03241", "11000"} <= kreise
    # Eisenach joined the Wartburgkreis on 1 July 2021: a Gemeinde of 2021, no Kreis in 2024.
    assert "16056" not in kreise
    assert "16056000" in set(bkg.loc[bkg["level"] == "gemeinde", "region_code"])


def test_bkg_areas_match_published_figures(bkg):
    # Destatis: Germany 357,596 km², Bayern 70,542 km², Saarland 2,570 km² (rounded).
    land = bkg[bkg["level"] == "land"].set_index("region_code").area / 1e6
    assert land.sum() == pytest.approx(357_596, rel=0.01)
    assert land["09"] == pytest.approx(70_542, rel=0.01)
    assert land["10"] == pytest.approx(2_570, rel=0.02)
    # Gemeinden of a Kreis cover it although they come from another product and year.
    gem = bkg[(bkg["level"] == "gemeinde") & bkg["region_code"].str.startswith("09184")]
    kreis = bkg.loc[bkg["region_code"] == "09184", "geometry"].iloc[0]
    assert shapely.union_all(gem.geometry.to_numpy()).area == pytest.approx(kreis.area, rel=0.02)


def test_musterland_boundaries_tile_their_parents():
    geo = sample_boundaries()
    regions = pd.read_csv(sample_dir() / "regions.csv", dtype=str)
    assert set(geo["region_code"]) == set(regions["region_code"]) - {"DG"}
    by_code = geo.set_index("region_code")["geometry"]
    for parent, children in (
        ("17", geo.loc[geo["level"] == "kreis", "region_code"]),
        ("17001000", geo.loc[geo["level"] == "sozialraum", "region_code"]),
        *[
            (
                k,
                geo.loc[
                    (geo["level"] == "gemeinde") & geo["region_code"].str.startswith(k),
                    "region_code",
                ],
            )
            for k in geo.loc[geo["level"] == "kreis", "region_code"]
        ],
    ):
        parts = by_code[list(children)].to_numpy()
        union = shapely.union_all(parts)
        whole = by_code[parent]
        assert union.symmetric_difference(whole).area < 1e-6 * whole.area, parent
        assert sum(p.area for p in parts) == pytest.approx(union.area, rel=1e-6), parent
    assert geo.geometry.is_valid.all()


# -- user Sozialraum boundaries ----------------------------------------------------------
@pytest.fixture
def sr_frame() -> gpd.GeoDataFrame:
    geo = sample_boundaries(level="sozialraum")
    shifted = geo.geometry.translate(xoff=0, yoff=-800_000)  # into Germany's extent
    return gpd.GeoDataFrame(
        {"sr_code": geo["region_code"], "name": geo["region_name"]},
        geometry=shifted,
        crs="EPSG:25832",
    )


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".shp"])
def test_reads_all_three_formats(tmp_path, sr_frame, suffix):
    path = tmp_path / f"sr{suffix}"
    sr_frame.to_crs("EPSG:4326").to_file(path)
    out = read_sozialraum_boundaries(
        path, code_column="sr_code", name_column="name", codes=list(sr_frame["sr_code"])
    )
    assert out["region_code"].tolist() == sr_frame["sr_code"].tolist()
    assert out.crs.to_epsg() == 25832
    # Round trip through WGS84 keeps the areas (within a square metre per km²).
    assert out.area.sum() == pytest.approx(sr_frame.area.sum(), rel=1e-4)


def test_mismatched_codes_are_named(tmp_path, sr_frame):
    path = tmp_path / "sr.gpkg"
    sr_frame.to_file(path)
    data_codes = [*sr_frame["sr_code"].iloc[1:], "17001000-SR99"]
    with pytest.warns(DataWarning, match=r"17001000-SR99.*17001000-SR01"):
        read_sozialraum_boundaries(path, code_column="sr_code", codes=data_codes)
    with pytest.raises(DataError, match="Kein Schlüssel"):
        read_sozialraum_boundaries(path, code_column="name", codes=data_codes)
    with pytest.raises(DataError, match="'bezirk'"):
        read_sozialraum_boundaries(path, code_column="bezirk")


def test_duplicate_and_overlapping_areas_are_errors(tmp_path, sr_frame):
    dup = sr_frame.copy()
    dup.loc[1, "sr_code"] = dup.loc[0, "sr_code"]
    dup.to_file(tmp_path / "dup.gpkg")
    with pytest.raises(DataError, match=r"mehrfach.*17001000-SR01"):
        read_sozialraum_boundaries(tmp_path / "dup.gpkg", code_column="sr_code")
    over = sr_frame.copy()
    over.loc[2, "geometry"] = over.loc[2, "geometry"].buffer(600)
    over.to_file(tmp_path / "over.gpkg")
    with pytest.raises(DataError, match=r"überlappen.*17001000-SR03"):
        read_sozialraum_boundaries(tmp_path / "over.gpkg", code_column="sr_code")


def test_invalid_geometry_is_repaired_with_a_warning(tmp_path):
    bowtie = Polygon(
        [(500_000, 5_500_000), (501_000, 5_501_000), (501_000, 5_500_000), (500_000, 5_501_000)]
    )
    frame = gpd.GeoDataFrame(
        {"code": ["A-SR01", "A-SR02"]},
        geometry=[bowtie, box(502_000, 5_500_000, 503_000, 5_501_000)],
        crs="EPSG:25832",
    )
    frame.to_file(tmp_path / "bad.geojson")
    with pytest.warns(DataWarning, match=r"A-SR01.*Self-intersection"):
        out = read_sozialraum_boundaries(tmp_path / "bad.geojson", code_column="code")
    assert out.geometry.is_valid.all()


def test_missing_and_wrong_crs(tmp_path, sr_frame):
    path = tmp_path / "sr.shp"
    sr_frame.to_file(path)
    path.with_suffix(".prj").unlink()
    with pytest.raises(DataError, match="kein Koordinatenbezugssystem"):
        read_sozialraum_boundaries(path, code_column="sr_code")
    assert len(read_sozialraum_boundaries(path, code_column="sr_code", crs="EPSG:25832")) == 14
    # Longitude/latitude numbers declared as UTM: far outside Germany, caught.
    wrong = sr_frame.to_crs("EPSG:4326").set_crs("EPSG:25832", allow_override=True)
    wrong.to_file(tmp_path / "wrong.gpkg")
    with pytest.raises(DataError, match="nicht in Deutschland"):
        read_sozialraum_boundaries(tmp_path / "wrong.gpkg", code_column="sr_code")


def test_differing_gebietsstand_warns(tmp_path, sr_frame):
    sr_frame.to_file(tmp_path / "sr.gpkg")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_sozialraum_boundaries(
            tmp_path / "sr.gpkg",
            code_column="sr_code",
            gebietsstand="2024-01-01",
            data_gebietsstand="2024-01-01",
        )
    with pytest.warns(DataWarning, match=r"2022-01-01.*2024-01-01"):
        read_sozialraum_boundaries(
            tmp_path / "sr.gpkg",
            code_column="sr_code",
            gebietsstand="2022-01-01",
            data_gebietsstand="2024-01-01",
        )
