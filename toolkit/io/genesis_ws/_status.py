"""Turn the answers of the GENESIS web service into errors.

The service answers HTTP 200 also for most errors and puts the outcome into a
JSON ``Status`` (``Code``, ``Content``, ``Type``). Codes used here (API 2020):
0 ok, 22 ok with adjusted parameters, 98 too large for a direct answer (start
a job), 99 job created, 90 and 104 nothing found. Refused credentials are told
by HTTP 401/403 or by the status text (no refused login is among the recorded
answers, so the text is matched by its words, German and English).

Examples
--------
>>> ctx = Context("Tabelle T", "T", "GENESIS-Online", ("geheim",), "Umgebung")
>>> err = status_error({"Code": 104, "Content": "Es gibt keine Objekte", "Type": "Information"}, ctx)
>>> type(err).__name__
'TableNotFoundError'
>>> status_error({"Code": 0, "Content": "erfolgreich", "Type": "Information"}, ctx) is None
True
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import httpx

from toolkit.io.genesis_ws._errors import (
    CredentialsError,
    TableNotFoundError,
    WebServiceError,
    scrub,
)

__all__ = [
    "ADJUSTED",
    "JOB_STARTED",
    "NO_OBJECTS",
    "OK",
    "RETRY_HTTP",
    "TOO_LARGE",
    "Context",
    "http_error",
    "service_status",
    "status_error",
]

OK, ADJUSTED, TOO_LARGE, JOB_STARTED, NOT_FOUND, NO_OBJECTS = 0, 22, 98, 99, 90, 104
#: HTTP answers worth a retry (rate limit, server trouble).
RETRY_HTTP = frozenset({429, 500, 502, 503, 504})
_AUTH_WORDS = re.compile(r"passwort|kennwort|nutzername|berechtigt|password|authori[sz]", re.I)


@dataclass(frozen=True)
class Context:
    """What was asked for, for messages; ``secrets`` are scrubbed from server text."""

    where: str
    table: str
    database: str
    secrets: tuple[str, ...]
    origin: str

    def clean(self, text: str) -> str:
        """Return the text without secrets."""
        return scrub(text, self.secrets)

    def refused(self, detail: str) -> CredentialsError:
        """Return the error for refused credentials."""
        return CredentialsError(
            f"{self.where} ({self.database}): der Dienst hat die Zugangsdaten abgelehnt{detail}",
            hint="Benutzername und Passwort (oder Token) prüfen; sie werden aus "
            f"{self.origin or 'den Einstellungen'} gelesen.",
        )


def service_status(body: bytes) -> dict[str, Any] | None:
    r"""Return the ``Status`` of a JSON answer (``Code``, ``Content``, ``Type``), or None.

    Also accepts the flat form ``{"Code": …, "Content": …}`` without envelope.

    Examples
    --------
    >>> service_status(b'{"Status": {"Code": 98, "Content": "zu gross", "Type": "Fehler"}}')
    {'Code': 98, 'Content': 'zu gross', 'Type': 'Fehler'}
    >>> service_status(b"PK\\x03\\x04") is None
    True
    """
    if body.lstrip()[:1] != b"{":
        return None
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    status = data.get("Status", data)
    if not isinstance(status, dict) or "Code" not in status:
        return None
    try:
        code = int(status["Code"])
    except (TypeError, ValueError):
        code = -1
    return {"Code": code, "Content": str(status.get("Content") or ""), "Type": status.get("Type")}


def http_error(response: httpx.Response, ctx: Context) -> WebServiceError | None:
    """Return the error for a non-2xx answer, or None when a retry may help.

    Examples
    --------
    >>> ctx = Context("Tabelle T", "T", "Regionaldatenbank", (), "")
    >>> type(http_error(httpx.Response(401), ctx)).__name__
    'CredentialsError'
    >>> http_error(httpx.Response(503), ctx) is None
    True
    """
    code = response.status_code
    if code in RETRY_HTTP:
        return None
    status = service_status(response.content)
    text = ctx.clean(status["Content"]) if status else ""
    answer = f" Antwort: {text}" if text else ""
    if code in (401, 403) or (status and _AUTH_WORDS.search(status["Content"])):
        return ctx.refused(f" (HTTP {code}).{answer}")
    if 300 <= code < 400:
        target = ctx.clean(response.headers.get("Location", "?"))
        return WebServiceError(
            f"{ctx.where} ({ctx.database}): der Dienst leitet auf {target} um (HTTP {code}).",
            hint="Zugangsdaten werden nicht an eine andere Adresse gesendet; die neue "
            "Adresse mit --database angeben, wenn sie vertrauenswürdig ist.",
        )
    return WebServiceError(
        f"{ctx.where} ({ctx.database}): HTTP {code} vom Dienst.{answer}",
        hint="Adresse der Datenbank prüfen (sie endet auf /rest/2020/).",
    )


def status_error(status: dict[str, Any], ctx: Context) -> WebServiceError | None:
    """Return the error a JSON status stands for, or None for success (0, 22).

    Examples
    --------
    >>> ctx = Context("Tabelle T", "T", "Regionaldatenbank", (), "")
    >>> print(status_error({"Code": -1, "Content": "kaputt", "Type": "Fehler"}, ctx))
    Tabelle T (Regionaldatenbank): der Dienst meldet Code -1 (Fehler): kaputt
      Hinweis: Auswahl (Jahre, Regionen) prüfen oder die Tabelle im Browser öffnen.
    """
    code, text = status["Code"], ctx.clean(status["Content"])
    if code in (OK, ADJUSTED):
        return None
    if _AUTH_WORDS.search(status["Content"]):
        return ctx.refused(f": {text}")
    if code in (NOT_FOUND, NO_OBJECTS):
        return TableNotFoundError(
            f"Tabelle {ctx.table} gibt es in {ctx.database} nicht: {text} (Code {code}).",
            hint="Tabellencode prüfen (z. B. 12411-01-01-4 in regio, 12411-0001 in "
            "genesis) und die richtige Datenbank mit --database wählen.",
        )
    return WebServiceError(
        f"{ctx.where} ({ctx.database}): der Dienst meldet Code {code} "
        f"({status['Type'] or 'ohne Typ'}): {text}",
        hint="Auswahl (Jahre, Regionen) prüfen oder die Tabelle im Browser öffnen.",
    )
