"""The client against the recorded real answers of Regionalstatistik and GENESIS-Online.

References are independent of the client: the CSV inside the recorded ZIP (unpacked
with zipfile and read with read_genesis or counted with the csv module), the shipped
sample export data_samples/genesis/12411-01-01-4_de_flat.csv (byte-identical to the
recorded CSV) and the recorded JSON bodies read with json.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pandas as pd
import pytest

from toolkit.io import GENESIS_SAMPLE_DIR, read_genesis
from toolkit.io.genesis_ws import (
    JobError,
    TableNotFoundError,
    WebServiceError,
    fetch_table,
    fetch_tables_to_dir,
    fetch_to_dir,
)

from .ws_replay import PASSWORD, USER, Replay, load

REGIO = "https://www.regionalstatistik.de/genesisws/rest/2020/"
GENESIS = "https://www-genesis.destatis.de/genesisWS/rest/2020/"


def recorded_csv(cassette: str, index: int = 0) -> tuple[str, bytes]:
    """The CSV inside the index-th recorded ZIP answer of a cassette."""
    zips = [i for i in load(cassette) if i.content[:2] == b"PK"]
    with zipfile.ZipFile(io.BytesIO(zips[index].content)) as z:
        (name,) = z.namelist()
        return name, z.read(name)


def frame_of(tmp_path, cassette: str, index: int = 0) -> pd.DataFrame:
    name, content = recorded_csv(cassette, index)
    path = tmp_path / name
    path.write_bytes(content)
    return read_genesis(path)


def test_regio_table_equals_read_genesis_of_the_shipped_export(make_client, tmp_path):
    replay = Replay.of("12411-01-01-4")
    client = make_client(replay)
    df = fetch_table("12411-01-01-4", client=client, cache_dir=tmp_path)
    expected = read_genesis(GENESIS_SAMPLE_DIR / "12411-01-01-4_de_flat.csv")
    pd.testing.assert_frame_equal(df, expected)
    # a value read by eye in the shipped file: München (09162), all sexes
    assert df.loc[(df.region_code == "09162") & (df.GES == ""), "value"].item() == 1505005.0


def test_provenance_from_the_recorded_metadata(make_client, tmp_path):
    replay = Replay.of("12411-01-01-4")
    df = fetch_table("12411-01-01-4", client=make_client(replay), cache_dir=tmp_path)
    meta = json.loads(next(i.content for i in load("12411-01-01-4") if b'"metadata"' in i.content))
    prov = df.attrs["provenance"]
    assert meta["Object"]["Updated"] == "31.03.2025 11:18:07h"
    assert prov["stand"] == "2025-03-31" and prov["updated"] == "2025-03-31T11:18:07"
    assert prov["table"] == "12411-01-01-4" and prov["database"] == "regio"
    assert prov["licence"] == "Datenlizenz Deutschland – Namensnennung – Version 2.0"
    assert (
        prov["attribution"] == "© Statistische Ämter des Bundes und der Länder, Deutschland, 2026"
    )
    assert prov["title"].startswith("Bevölkerung nach Geschlecht - Stichtag 31.12.")
    assert prov["from_cache"] is False and prov["fetched"].endswith("+00:00")


def test_requests_are_posts_with_credentials_only_in_headers(make_client, tmp_path):
    replay = Replay.of("12411-01-01-4")
    fetch_table("12411-01-01-4", client=make_client(replay), cache_dir=tmp_path)
    assert [r.url.path.rsplit("/2020/", 1)[1] for r in replay.requests] == [
        "metadata/table",
        "data/tablefile",
    ]
    for r in replay.requests:
        assert r.method == "POST"
        assert r.headers["username"] == USER and r.headers["password"] == PASSWORD
        assert r.headers["content-type"].startswith("application/x-www-form-urlencoded")
        assert PASSWORD not in str(r.url) and PASSWORD.encode() not in r.content
        assert "username" not in str(r.url) and b"password" not in r.content
    form = replay.forms("data/tablefile")[0]
    assert form["format"] == "ffcsv" and form["job"] == "false" and form["name"] == "12411-01-01-4"


def test_metadata_table(make_client):
    client = make_client(Replay.of("21311-01-01-4-B"))
    meta = client.metadata_table("21311-01-01-4-B")
    assert meta["Code"] == "21311-01-01-4-B"
    assert meta["Content"].startswith("Studierende")
    assert "Datenlizenz Deutschland" in meta["Copyright"]


def test_large_regio_table_has_every_recorded_row(make_client, tmp_path):
    client = make_client(Replay.of("21311-01-01-4-B"))
    df = fetch_table("21311-01-01-4-B", client=client, cache_dir=tmp_path)
    _, content = recorded_csv("21311-01-01-4-B")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert len(df) == len(rows) == 44100
    pd.testing.assert_frame_equal(df, frame_of(tmp_path, "21311-01-01-4-B"))


@pytest.mark.parametrize(
    ("language", "index", "attribution"),
    [
        ("de", 0, "© Statistisches Bundesamt (Destatis), 2026"),
        ("en", 1, "© Federal Statistical Office, Wiesbaden 2026"),
    ],
)
def test_genesis_online_table_keeps_x_and_slash(
    make_client, tmp_path, language, index, attribution
):
    client = make_client(Replay.of("12211-0001"), database="genesis", language=language)
    df = fetch_table("12211-0001", client=client, cache_dir=tmp_path)
    expected = frame_of(tmp_path, "12211-0001", index)
    pd.testing.assert_frame_equal(df, expected)
    _, content = recorded_csv("12211-0001", index)
    values = [
        r["value"] for r in csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
    ]
    assert (df.flag == "x").sum() == values.count("x") > 0
    assert (df.flag == "/").sum() == values.count("/") > 0
    assert df.attrs["provenance"]["attribution"] == attribution


def test_fetch_to_dir_writes_the_delivered_csv_and_provenance(make_client, tmp_path):
    client = make_client(Replay.of("11111-02-01-4"))
    out = fetch_to_dir("11111-02-01-4", tmp_path / "out", client=client, cache_dir=tmp_path / "c")
    assert out.name == "11111-02-01-4_flat.csv"
    assert out.read_bytes() == recorded_csv("11111-02-01-4")[1]
    meta = json.loads((tmp_path / "out" / "11111-02-01-4.meta.json").read_text(encoding="utf-8"))
    for key in ("table", "database", "file", "fetched", "stand", "licence", "attribution"):
        assert meta[key], key
    assert meta["file"] == out.name and meta["database"] == "regio"
    pd.testing.assert_frame_equal(read_genesis(out), frame_of(tmp_path, "11111-02-01-4"))


def test_several_tables_into_one_folder(make_client, tmp_path):
    replay = Replay.of("12411-01-01-4", "11111-02-01-4", "21311-01-01-4-B")
    client = make_client(replay, max_parallel=2)
    tables = ["12411-01-01-4", "11111-02-01-4", "21311-01-01-4-B"]
    written = fetch_tables_to_dir(tables, tmp_path / "out", client=client, cache_dir=tmp_path)
    assert [p.name for p in written] == [f"{t}_flat.csv" for t in tables]
    for table, path in zip(tables, written, strict=True):
        assert path.read_bytes() == recorded_csv(table)[1]
    assert sum(r.url.path.endswith("tablefile") for r in replay.requests) == 3


# -- background job ---------------------------------------------------------------------


def test_background_job_polls_until_the_result_is_there(make_client):
    replay = Replay.of("12531-0043")
    client = make_client(replay, database="genesis")
    data = client.tablefile("12531-0043", {"compress": "true"})
    recorded = [i for i in load("12531-0043") if i.url.endswith("data/resultfile")]
    assert data == recorded[0].content
    paths = [r.url.path.rsplit("/2020/", 1)[1] for r in replay.requests]
    polls = paths.count("catalogue/results")
    assert paths[:2] == ["data/tablefile", "data/tablefile"] and paths[-1] == "data/resultfile"
    assert polls == 406  # 405 "not there yet" (104) and one "erfolgreich" as recorded
    assert [f["job"] for f in replay.forms("data/tablefile")] == ["false", "true"]
    job = "12531-0043_175879554"
    assert all(f["selection"] == job for f in replay.forms("catalogue/results"))
    assert replay.forms("data/resultfile")[0]["name"] == job
    assert len(client.sleeps) == polls and client.sleeps[0] == 5.0 and max(client.sleeps) == 60.0
    assert any("zu groß" in m for m in client.messages)
    assert any(f"Hintergrundauftrag {job} läuft" in m for m in client.messages)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        (name,) = z.namelist()
        with z.open(name) as fh:
            assert fh.readline().decode("utf-8-sig").startswith("statistics_code;")


def test_background_job_gives_up_after_job_timeout(make_client):
    replay = Replay.of("12531-0043")
    client = make_client(replay, database="genesis", job_timeout=120.0)
    with pytest.raises(JobError, match="12531-0043_175879554 nach 2 min nicht fertig") as err:
        client.tablefile("12531-0043", {"compress": "true"})
    assert "--job-timeout" in str(err.value)
    assert not any(r.url.path.endswith("resultfile") for r in replay.requests)


# -- error bodies -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("de", "Es gibt keine Objekte zum angegebenen Selektionskriterium"),
        ("en", "There are no objects matching your selection."),
    ],
)
def test_unknown_table_is_table_not_found(make_client, language, text):
    client = make_client(Replay.of("63121-0001"), database="genesis", language=language)
    with pytest.raises(TableNotFoundError) as err:
        client.tablefile("63121-0001", {})
    msg = str(err.value)
    assert "Tabelle 63121-0001 gibt es in GENESIS-Online nicht" in msg
    assert text in msg and "Code 104" in msg and "--database" in msg


def test_service_error_body_is_reported_with_its_text(make_client):
    client = make_client(Replay.of("61111-0021"), database="genesis")
    with pytest.raises(WebServiceError) as err:
        client.tablefile("61111-0021", {})
    assert type(err.value) is WebServiceError
    msg = str(err.value)
    assert "Code -1 (Fehler)" in msg and "wurde kein Datenquader gefunden!" in msg
    assert "Hinweis: Auswahl (Jahre, Regionen) prüfen" in msg
