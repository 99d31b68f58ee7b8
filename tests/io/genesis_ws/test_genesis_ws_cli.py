"""``dkbm data fetch`` end to end on the recorded answers (transport injected)."""

from __future__ import annotations

import argparse
import functools
import json

import httpx
import pytest

from toolkit.cli import main
from toolkit.io import read_genesis
from toolkit.io.genesis_ws import GenesisClient
from toolkit.io.genesis_ws import _cli as ws_cli

from .ws_replay import PASSWORD, USER, Replay

TABLE = "12411-01-01-4"


@pytest.fixture
def env(clean_env, monkeypatch):
    monkeypatch.setenv("DKBM_GENESIS_USER", USER)
    monkeypatch.setenv("DKBM_GENESIS_PASSWORD", PASSWORD)
    return clean_env


def use_replay(monkeypatch, replay):
    client = functools.partial(
        GenesisClient, transport=httpx.MockTransport(replay), sleep=lambda s: None
    )
    monkeypatch.setattr(ws_cli, "GenesisClient", client)


def test_fetch_writes_csv_and_metadata_then_uses_the_cache(env, monkeypatch, capsys):
    out, cache = env / "out", env / "c"
    use_replay(monkeypatch, Replay.of(TABLE))
    assert main(["data", "fetch", TABLE, "--out", str(out), "--cache-dir", str(cache)]) == 0
    first = capsys.readouterr()
    assert "Stand 2025-03-31, neu geladen" in first.out
    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0" in first.out
    meta = json.loads((out / f"{TABLE}.meta.json").read_text(encoding="utf-8"))
    assert meta["file"] == f"{TABLE}_flat.csv" and meta["stand"] == "2025-03-31"
    assert len(read_genesis(out / f"{TABLE}_flat.csv")) > 0

    second = Replay.of(TABLE)
    use_replay(monkeypatch, second)
    assert main(["data", "fetch", TABLE, "--out", str(out), "--cache-dir", str(cache)]) == 0
    again = capsys.readouterr()
    assert "aus dem Zwischenspeicher" in again.out
    assert [r.url.path.rsplit("/", 1)[1] for r in second.requests] == ["table"]
    for text in (first.out, first.err, again.out, again.err):
        assert PASSWORD not in text and USER not in text


def test_several_tables_then_offline(env, monkeypatch, capsys):
    out, cache = env / "out", env / "c"
    use_replay(monkeypatch, Replay.of(TABLE, "11111-02-01-4"))
    args = ["data", "fetch", TABLE, "11111-02-01-4", "--out", str(out), "--cache-dir", str(cache)]
    assert main(args) == 0
    assert capsys.readouterr().out.count("neu geladen") == 2
    monkeypatch.delenv("DKBM_GENESIS_PASSWORD")  # offline needs no credentials
    use_replay(monkeypatch, Replay([]))
    assert main([*args, "--offline"]) == 0
    assert capsys.readouterr().out.count("aus dem Zwischenspeicher") == 2
    assert sorted(p.name for p in out.iterdir()) == [
        "11111-02-01-4.meta.json",
        "11111-02-01-4_flat.csv",
        f"{TABLE}.meta.json",
        f"{TABLE}_flat.csv",
    ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--database", "http://www.example.de/rest/2020/"], "beginnt nicht mit https://"),
        (["--years", "2024-2015"], "das erste Jahr liegt nach dem letzten"),
        (["--regions", "Diepholz"], "keine Gemeindeschlüssel"),
        (["--offline"], "nicht im Zwischenspeicher"),
    ],
)
def test_bad_input_gives_exit_2_and_a_german_message(env, capsys, extra, message):
    code = main(["data", "fetch", TABLE, "--out", str(env / "o"), "--cache-dir", str(env), *extra])
    assert code == 2
    assert message in capsys.readouterr().err


def test_missing_credentials_on_the_command_line(clean_env, capsys):
    assert main(["data", "fetch", TABLE, "--out", str(clean_env / "o")]) == 2
    err = capsys.readouterr().err
    assert "Fehler (CredentialsError): Keine Zugangsdaten" in err


def test_unknown_table_code_is_refused_before_any_request(env, capsys):
    assert main(["data", "fetch", "12411-01-01-4; rm", "--out", str(env / "o")]) == 2
    assert "ist kein Tabellencode" in capsys.readouterr().err


def test_register_yields_to_an_existing_data_group():
    parser = argparse.ArgumentParser(prog="dkbm")
    sub = parser.add_subparsers(dest="command")
    group = sub.add_parser("data")
    inner = group.add_subparsers()
    ws_cli.add_fetch_parser(inner)
    ws_cli.register(sub)  # must not raise "conflicting subparser"
    args = parser.parse_args(["data", "fetch", TABLE, "--out", "x"])
    assert args.func is ws_cli.run_fetch
