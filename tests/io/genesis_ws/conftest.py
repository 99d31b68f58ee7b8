"""Fixtures for the web-service tests: a client on a recorded-answer transport."""

from __future__ import annotations

import httpx
import pytest
from ws_replay import PASSWORD, USER

from toolkit.io.genesis_ws import DATABASES, Credentials, GenesisClient


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
