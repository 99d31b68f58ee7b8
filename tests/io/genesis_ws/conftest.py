"""Fixtures for the web-service tests: a client on a recorded-answer transport."""

from __future__ import annotations

import httpx
import pytest

from toolkit.io.genesis_ws import DATABASES, Credentials, GenesisClient

from .ws_replay import PASSWORD, USER


@pytest.fixture
def creds() -> Credentials:
    return Credentials(USER, PASSWORD, "Umgebungsvariable DKBM_GENESIS_USER")


@pytest.fixture
def make_client(creds):
    """Build a client on a Replay (or any handler) with recorded sleeps and messages."""
    made = []

    def build(handler, database="regio", **kwargs):
        sleeps: list[float] = []
        messages: list[str] = []
        options = {
            "sleep": sleeps.append,
            "progress": messages.append,
            "clock": getattr(handler, "clock", lambda: 0.0),
        }
        options.update(kwargs)
        client = GenesisClient(
            DATABASES[database], creds, transport=httpx.MockTransport(handler), **options
        )
        client.sleeps, client.messages = sleeps, messages
        made.append(client)
        return client

    yield build
    for c in made:
        c.close()


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to use the real network fails the test."""

    def refuse(self, request):
        raise AssertionError(f"network access attempted: {request.url}")

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", refuse)


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No DKBM_GENESIS_* variables; config and cache under tmp_path."""
    import os

    for name in list(os.environ):
        if name.startswith("DKBM_GENESIS"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path
