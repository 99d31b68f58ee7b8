"""Credentials, refused logins, retries with backoff, parallel limit, secrecy.

GENESIS answers come from the recordings only. Where a test needs a situation the
recordings do not contain (a timeout, a broken connection, HTTP 401/429/503/307), only
the transport-level event is simulated: an httpx exception or a bare HTTP status
without a GENESIS body. No refused login is among the recorded answers.
"""

from __future__ import annotations

import json
import logging
import threading
import time

import httpx
import pytest

from toolkit.errors import ParameterError
from toolkit.io.genesis_ws import (
    DATABASES,
    Credentials,
    CredentialsError,
    GenesisClient,
    RateLimitError,
    ServiceTimeoutError,
    ServiceUnavailableError,
    TableNotFoundError,
    WebServiceError,
    fetch_table,
    load_credentials,
    resolve_database,
)

from .ws_replay import PASSWORD, USER, Replay, load

REGIO = DATABASES["regio"]


def metadata_body() -> bytes:
    return next(i.content for i in load("12411-01-01-4") if i.url.endswith("metadata/table"))


def failing_then(failures, handler):
    """Raise/return the given failures first, then hand over to handler."""
    queue = list(failures)

    def serve(request):
        if queue:
            failure = queue.pop(0)
            if isinstance(failure, Exception):
                raise failure
            return failure
        return handler(request)

    return serve


# -- credentials ------------------------------------------------------------------------


def test_missing_credentials_fail_before_any_request(clean_env):
    with pytest.raises(CredentialsError) as err:
        fetch_table("12411-01-01-4", cache_dir=clean_env / "c")
    msg = str(err.value)
    assert "Keine Zugangsdaten für Regionaldatenbank Deutschland gefunden" in msg
    assert "DKBM_GENESIS_REGIO_USER" in msg and "nie auf der Kommandozeile" in msg
    assert str(clean_env / "config" / "dkbm" / "genesis.toml") in msg


def test_environment_per_database_beats_general():
    env = {
        "DKBM_GENESIS_USER": "alle",
        "DKBM_GENESIS_PASSWORD": "pw-alle",
        "DKBM_GENESIS_GENESIS_TOKEN": "tok-genesis",
    }
    assert load_credentials(REGIO, env=env, config_path=None).user == "alle"
    creds = load_credentials(DATABASES["genesis"], env=env, config_path=None)
    assert creds.headers() == {"username": "tok-genesis"}
    assert creds.origin == "Umgebungsvariable DKBM_GENESIS_GENESIS_TOKEN"


def test_half_credentials_are_an_error():
    with pytest.raises(CredentialsError, match="Nur eine Hälfte"):
        load_credentials(REGIO, env={"DKBM_GENESIS_REGIO_USER": "anna"}, config_path=None)


def test_config_file_sections(tmp_path, caplog):
    path = tmp_path / "genesis.toml"
    path.write_text(
        '[regio]\nuser = "anna"\npassword = "pw-regio"\n'
        '["www.statistik.example.de"]\ntoken = "tok-land"\n'
        '[default]\nuser = "bert"\npassword = "pw-default"\n',
        encoding="utf-8",
    )
    path.chmod(0o600)
    assert load_credentials(REGIO, env={}, config_path=path).password == "pw-regio"
    land = resolve_database("https://www.statistik.example.de/genesisws/rest/2020/")
    assert load_credentials(land, env={}, config_path=path).user == "tok-land"
    assert load_credentials(DATABASES["bildung"], env={}, config_path=path).user == "bert"
    assert "lesbar" not in caplog.text
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING):
        load_credentials(REGIO, env={}, config_path=path)
    assert "chmod 600" in caplog.text and "pw-regio" not in caplog.text


def test_broken_config_file_does_not_echo_the_password(tmp_path):
    path = tmp_path / "genesis.toml"
    path.write_text(f'[regio]\nuser = "anna"\npassword = {PASSWORD}\n', encoding="utf-8")
    with pytest.raises(CredentialsError) as err:
        load_credentials(REGIO, env={}, config_path=path)
    assert "kein gültiges TOML" in str(err.value)
    assert PASSWORD not in str(err.value) and err.value.__cause__ is None


def test_refused_login_http_401_is_not_retried(make_client):
    client = make_client(lambda request: httpx.Response(401))
    with pytest.raises(CredentialsError) as err:
        client.metadata_table("12411-01-01-4")
    assert "hat die Zugangsdaten abgelehnt (HTTP 401)" in str(err.value)
    assert "Umgebungsvariable DKBM_GENESIS_USER" in str(err.value)
    assert client.sleeps == []


def test_database_urls(make_client):
    assert (
        resolve_database("bildung").url == "https://www.bildungsmonitoring.de/bildungws/rest/2020/"
    )
    for bad in ("http://www.example.de/genesisws/rest/2020/", "ftp://x/", "landesamt"):
        with pytest.raises(ParameterError):
            resolve_database(bad)
    with pytest.raises(ParameterError) as err:
        resolve_database(f"https://anna:{PASSWORD}@www.example.de/rest/2020/")
    assert PASSWORD not in str(err.value)
    seen = []

    def offline(request):
        seen.append(str(request.url))
        raise httpx.ConnectError("offline")

    client = make_client(offline, database="bildung", max_retries=0)
    with pytest.raises(ServiceUnavailableError, match="Kommunale Bildungsdatenbank"):
        client.metadata_table("BW-D07.1i")
    assert seen == ["https://www.bildungsmonitoring.de/bildungws/rest/2020/metadata/table"]


def test_redirect_is_not_followed(make_client):
    target = "https://genesis.destatis.de/genesisWS/rest/2020/metadata/table"
    calls = []

    def moved(request):
        calls.append(request)
        return httpx.Response(307, headers={"Location": target})

    client = make_client(moved, database="genesis")
    with pytest.raises(WebServiceError, match=r"leitet auf https://genesis\.destatis\.de"):
        client.metadata_table("12211-0001")
    assert len(calls) == 1


# -- retries, backoff, rate limit -------------------------------------------------------


def test_timeouts_are_retried_with_doubling_waits(make_client):
    replay = Replay.of("12411-01-01-4")
    client = make_client(failing_then([httpx.ReadTimeout("slow")] * 2, replay))
    assert client.metadata_table("12411-01-01-4")["Code"] == "12411-01-01-4"
    assert client.sleeps == [2.0, 4.0]
    assert "timeout; neuer Versuch 2/5 in 2 s" in client.messages[0]


def test_persistent_timeout_gives_a_timeout_error(make_client):
    client = make_client(
        failing_then([httpx.ConnectTimeout("x")] * 9, None), max_retries=3, max_backoff=5.0
    )
    with pytest.raises(ServiceTimeoutError, match="auch nicht nach 4 Versuchen") as err:
        client.metadata_table("12411-01-01-4")
    assert client.sleeps == [2.0, 4.0, 5.0]
    assert "--timeout" in str(err.value)


def test_rate_limit_honours_retry_after_then_gives_up(make_client):
    replay = Replay.of("12411-01-01-4")
    client = make_client(failing_then([httpx.Response(429, headers={"Retry-After": "7"})], replay))
    client.metadata_table("12411-01-01-4")
    assert client.sleeps == [7.0]
    client = make_client(lambda r: httpx.Response(429), max_retries=2)
    with pytest.raises(RateLimitError, match="HTTP 429"):
        client.metadata_table("12411-01-01-4")
    assert client.sleeps == [2.0, 4.0]


def test_server_error_and_broken_connection_are_retried(make_client):
    replay = Replay.of("12411-01-01-4")
    client = make_client(failing_then([httpx.Response(503), httpx.ConnectError("x")], replay))
    assert client.metadata_table("12411-01-01-4")["Updated"] == "31.03.2025 11:18:07h"
    assert client.sleeps == [2.0, 4.0]
    client = make_client(failing_then([httpx.ConnectError("x")] * 9, None), max_retries=1)
    with pytest.raises(ServiceUnavailableError, match="nicht erreichbar") as err:
        client.metadata_table("12411-01-01-4")
    assert "--offline" in str(err.value)


def test_at_most_max_parallel_requests_at_once(creds):
    body, lock, state = metadata_body(), threading.Lock(), {"now": 0, "max": 0}

    def slow(request):
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.03)
        with lock:
            state["now"] -= 1
        return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})

    with GenesisClient(REGIO, creds, transport=httpx.MockTransport(slow), max_parallel=2) as c:
        threads = [
            threading.Thread(target=c.metadata_table, args=("12411-01-01-4",)) for _ in range(8)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert state["max"] == 2
    with pytest.raises(ParameterError, match="höchstens 5"):
        GenesisClient(REGIO, creds, max_parallel=9)


# -- secrecy ----------------------------------------------------------------------------

SCENARIOS = {
    "401": lambda: lambda r: httpx.Response(401),
    "404": lambda: lambda r: httpx.Response(404),
    "timeout": lambda: failing_then([httpx.ReadTimeout("t")] * 9, None),
    "429": lambda: lambda r: httpx.Response(429),
    "unknown table": lambda: Replay.of("63121-0001"),
    "error body": lambda: Replay.of("61111-0021"),
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_password_never_in_errors_or_logs(make_client, caplog, scenario):
    caplog.set_level(logging.DEBUG)
    client = make_client(SCENARIOS[scenario](), database="genesis", max_retries=2)
    with pytest.raises(WebServiceError) as err:
        client.tablefile("63121-0001" if scenario == "unknown table" else "61111-0021", {})
    exc = err.value
    texts = [str(exc), repr(exc), json.dumps(exc.to_dict(), ensure_ascii=False), caplog.text]
    texts += [*client.messages, repr(client)]
    for text in texts:
        assert PASSWORD not in text and USER not in text
    if scenario == "unknown table":
        assert isinstance(exc, TableNotFoundError)


def test_credentials_repr_hides_password():
    creds = Credentials(USER, PASSWORD, "x")
    assert PASSWORD not in repr(creds) and PASSWORD not in str(creds)


def test_credentials_from_the_environment_reach_the_headers(clean_env, monkeypatch):
    import functools

    from toolkit.io.genesis_ws import _fetch

    monkeypatch.setenv("DKBM_GENESIS_REGIO_USER", "regio-nutzer")
    monkeypatch.setenv("DKBM_GENESIS_REGIO_PASSWORD", PASSWORD)
    monkeypatch.setenv("DKBM_GENESIS_USER", "allgemein")  # the per-database pair wins
    monkeypatch.setenv("DKBM_GENESIS_PASSWORD", "anderes")
    replay = Replay.of("12411-01-01-4")
    monkeypatch.setattr(
        _fetch,
        "GenesisClient",
        functools.partial(GenesisClient, transport=httpx.MockTransport(replay)),
    )
    df = fetch_table("12411-01-01-4")
    assert df.attrs["provenance"]["stand"] == "2025-03-31"
    assert {(r.headers["username"], r.headers["password"]) for r in replay.requests} == {
        ("regio-nutzer", PASSWORD)
    }
    assert list((clean_env / "cache" / "dkbm" / "genesis").rglob("*.zip"))
