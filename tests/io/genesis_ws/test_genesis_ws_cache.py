"""The local cache: keyed by table, parameters and Stand; refresh; offline; fallback."""

from __future__ import annotations

import httpx
import pandas as pd
import pytest

from toolkit.io.genesis_ws import (
    DATABASES,
    ServiceUnavailableError,
    TableCache,
    WebServiceError,
    fetch_table,
)

from .ws_replay import Replay, load

TABLE = "12411-01-01-4"


def paths(replay) -> list[str]:
    return [r.url.path.rsplit("/2020/", 1)[1] for r in replay.requests]


def refuse(request):
    raise AssertionError(f"no request expected, got {request.url}")


def test_second_fetch_with_same_stand_only_asks_for_metadata(make_client, tmp_path):
    first = Replay.of(TABLE)
    a = fetch_table(TABLE, client=make_client(first), cache_dir=tmp_path)
    assert paths(first) == ["metadata/table", "data/tablefile"]
    second = Replay.of(TABLE)
    b = fetch_table(TABLE, client=make_client(second), cache_dir=tmp_path)
    assert paths(second) == ["metadata/table"]
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs["provenance"]["from_cache"] is False
    assert b.attrs["provenance"]["from_cache"] is True
    assert b.attrs["provenance"]["fetched"] == a.attrs["provenance"]["fetched"]
    files = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert files == ["2025-03-31T11_18_07.json", "2025-03-31T11_18_07.zip"]


def test_refresh_downloads_again(make_client, tmp_path):
    fetch_table(TABLE, client=make_client(Replay.of(TABLE)), cache_dir=tmp_path)
    again = Replay.of(TABLE)
    df = fetch_table(TABLE, client=make_client(again), cache_dir=tmp_path, refresh=True)
    assert paths(again) == ["metadata/table", "data/tablefile"]
    assert df.attrs["provenance"]["from_cache"] is False


def test_changed_stand_is_fetched_again(make_client, tmp_path):
    cache = TableCache(tmp_path)
    key = cache.key(DATABASES["regio"].url, TABLE, {"language": "de"})
    old_zip = next(i.content for i in load(TABLE) if i.content[:2] == b"PK")
    cache.store(key, "2024-03-31T09:00:00", old_zip, {"fetched": "2024-04-01T00:00:00+00:00"})
    replay = Replay.of(TABLE)
    df = fetch_table(TABLE, client=make_client(replay), cache_dir=tmp_path)
    assert paths(replay) == ["metadata/table", "data/tablefile"]
    assert df.attrs["provenance"]["stand"] == "2025-03-31"
    assert cache.latest(key).name == "2025-03-31T11_18_07.zip"
    assert len(list(key.folder.glob("*.zip"))) == 2


def test_offline_uses_the_newest_copy_without_network(make_client, tmp_path):
    online = fetch_table(TABLE, client=make_client(Replay.of(TABLE)), cache_dir=tmp_path)
    offline = fetch_table(TABLE, client=make_client(refuse), cache_dir=tmp_path, offline=True)
    pd.testing.assert_frame_equal(online, offline)
    assert offline.attrs["provenance"]["stand"] == "2025-03-31"
    with pytest.raises(WebServiceError, match="nicht im Zwischenspeicher"):
        fetch_table(TABLE, cache_dir=tmp_path, offline=True, years=(2020, 2024))


def test_unreachable_service_falls_back_to_the_cache(make_client, tmp_path):
    fetch_table(TABLE, client=make_client(Replay.of(TABLE)), cache_dir=tmp_path)

    def down(request):
        raise httpx.ConnectError("no route")

    client = make_client(down, max_retries=1)
    df = fetch_table(TABLE, client=client, cache_dir=tmp_path)
    assert df.attrs["provenance"]["from_cache"] is True
    assert any("gespeicherte Fassung" in m for m in client.messages)
    with pytest.raises(ServiceUnavailableError):
        fetch_table(TABLE, client=make_client(down, max_retries=0), cache_dir=tmp_path / "empty")


def test_parameters_reach_the_request_and_the_cache_key(make_client, tmp_path):
    replay, forms = Replay.of(TABLE), []

    def handler(request):
        if request.url.path.endswith("metadata/table"):
            return replay(request)
        forms.append(dict(httpx.QueryParams(request.content.decode())))
        raise httpx.ConnectError("stop here")

    client = make_client(handler, max_retries=0)
    with pytest.raises(ServiceUnavailableError):
        fetch_table(
            TABLE, client=client, cache_dir=tmp_path, regions="03251,03241", years="2017-2019"
        )
    assert forms[0]["regionalkey"] == "03251,03241"
    assert (forms[0]["startyear"], forms[0]["endyear"]) == ("2017", "2019")
    cache = TableCache(tmp_path)
    url = DATABASES["regio"].url
    assert cache.key(url, TABLE, {"startyear": "2017"}) != cache.key(url, TABLE, {})
