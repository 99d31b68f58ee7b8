"""Fixtures: replay the recorded real GENESIS answers (vcrpy cassettes) through httpx.MockTransport.

Each recorded interaction answers at most one request, in recorded order, matched on
method, URL and the form fields ``name``, ``selection``, ``language`` and (when the
client sends it) ``job``. A request without a recorded answer fails the test. Nothing
here makes up a GENESIS answer: bodies, status and headers are the recorded ones.
"""

from __future__ import annotations

import email.utils
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import yaml

CASSETTES = Path(__file__).resolve().parents[2] / "data" / "genesis_ws"
_KEYS = ("name", "selection", "language")
_DROP = {"content-length", "transfer-encoding", "connection", "keep-alive"}


def _form(body: str | bytes | None) -> dict[str, str]:
    if body is None:
        return {}
    text = body.decode() if isinstance(body, bytes) else body
    return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}


@dataclass
class Interaction:
    method: str
    url: str
    form: dict[str, str]
    status: int
    headers: dict[str, str]
    content: bytes
    date: float


def load(name: str) -> list[Interaction]:
    with open(CASSETTES / f"{name}.yaml", "rb") as fh:
        data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    out = []
    for item in data["interactions"]:
        req, res = item["request"], item["response"]
        body = res["body"]["string"]
        content = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        headers = {k: v[0] for k, v in res["headers"].items() if k.lower() not in _DROP}
        date = email.utils.parsedate_to_datetime(res["headers"]["Date"][0]).timestamp()
        out.append(
            Interaction(
                req["method"],
                req["uri"],
                _form(req["body"]),
                res["status"]["code"],
                headers,
                content,
                date,
            )
        )
    return out


@dataclass
class Replay:
    """A MockTransport handler over one or more cassettes."""

    interactions: list[Interaction]
    used: list[bool] = field(init=False)
    requests: list[httpx.Request] = field(default_factory=list)
    now: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.used = [False] * len(self.interactions)
        self.now = self.interactions[0].date if self.interactions else 0.0

    @classmethod
    def of(cls, *names: str) -> Replay:
        return cls([i for n in names for i in load(n)])

    def _matches(self, rec: Interaction, request: httpx.Request, form: dict[str, str]) -> bool:
        if rec.method != request.method or rec.url != str(request.url):
            return False
        if any(rec.form.get(k) != form.get(k) for k in _KEYS if k in rec.form or k in form):
            return False
        return "job" not in form or rec.form.get("job") == form["job"]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        form = _form(request.content)
        with self.lock:
            self.requests.append(request)
            for i, rec in enumerate(self.interactions):
                if not self.used[i] and self._matches(rec, request, form):
                    self.used[i] = True
                    self.now = rec.date
                    return httpx.Response(rec.status, headers=rec.headers, content=rec.content)
        raise AssertionError(f"no recorded answer for {request.url} {form}")

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def clock(self) -> float:
        """Time of the last answer served, as the service's Date header said."""
        return self.now

    def forms(self, path: str = "") -> list[dict[str, Any]]:
        return [_form(r.content) for r in self.requests if r.url.path.endswith(path)]


#: Made-up credentials for the tests (the recordings mask the real ones).
USER, PASSWORD = "anna.mueller@example.org", "Sup3r-Geheim!42"
