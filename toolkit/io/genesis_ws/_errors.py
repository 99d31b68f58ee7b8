"""Errors of the GENESIS web-service client.

Every message is German, names the table and the database and says what to
do. Text that comes from the service passes through :func:`scrub` first, so a
user name or password echoed by a server never reaches a message or a log.

Examples
--------
>>> err = TableNotFoundError("Tabelle 99999-0001 gibt es nicht.", hint="Code prüfen")
>>> isinstance(err, WebServiceError), isinstance(err, DkbmError)
(True, True)
>>> scrub("user=anna pw=geheim123", ["anna", "geheim123"])
'user=*** pw=***'
"""

from __future__ import annotations

from collections.abc import Iterable

from toolkit.errors import DkbmError

__all__ = [
    "CredentialsError",
    "JobError",
    "RateLimitError",
    "ServiceTimeoutError",
    "ServiceUnavailableError",
    "TableNotFoundError",
    "WebServiceError",
    "scrub",
]


class WebServiceError(DkbmError):
    """The GENESIS web service answered with an error or not at all."""


class CredentialsError(WebServiceError):
    """No credentials were found, or the service refused them."""


class TableNotFoundError(WebServiceError):
    """The table code is unknown to the database (or has no data for the selection)."""


class ServiceUnavailableError(WebServiceError):
    """The service could not be reached (network, HTTP 5xx), even after retries."""


class ServiceTimeoutError(ServiceUnavailableError):
    """The service did not answer in time, even after retries."""


class RateLimitError(ServiceUnavailableError):
    """The service kept refusing requests because too many were sent (HTTP 429)."""


class JobError(WebServiceError):
    """A background job (table too large for a direct answer) failed or took too long."""


def scrub(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of a secret in ``text`` by ``***``.

    Parameters
    ----------
    text : str
        Text that may contain a secret (e.g. a server message).
    secrets : iterable of str
        Values to hide; empty strings and values shorter than 3 characters
        are skipped (they would hide ordinary words).

    Returns
    -------
    str

    Examples
    --------
    >>> scrub("Kennung xy7 unbekannt", ["xy7"])
    'Kennung *** unbekannt'
    """
    for secret in sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
