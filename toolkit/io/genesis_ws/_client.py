"""A thin client for the GENESIS web service (REST, API 2020) on httpx.

Every request is a ``POST`` with the parameters form-encoded in the body and
the credentials in the header fields ``username``/``password`` (never in the
URL, a log or a message). The service answers HTTP 200 also for most errors
and puts the outcome into a JSON ``Status`` (``Code``, ``Content``, ``Type``);
:meth:`GenesisClient.tablefile` turns those into :mod:`._errors` and handles
status 98 ("table too large") by starting a background job (``job=true``),
polling ``catalogue/results`` and fetching ``data/resultfile``.

Examples
--------
>>> from toolkit.io.genesis_ws import DATABASES, Credentials
>>> client = GenesisClient(DATABASES["regio"], Credentials("anna", "geheim"))
>>> client.database.key, client.max_parallel
('regio', 3)
>>> client.close()
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from toolkit.errors import ParameterError
from toolkit.io.genesis_ws._config import Credentials, Database
from toolkit.io.genesis_ws._errors import (
    JobError,
    RateLimitError,
    ServiceTimeoutError,
    ServiceUnavailableError,
    WebServiceError,
    scrub,
)
from toolkit.io.genesis_ws._status import (
    ADJUSTED,
    JOB_STARTED,
    NO_OBJECTS,
    OK,
    TOO_LARGE,
    Context,
    http_error,
    service_status,
    status_error,
)

__all__ = ["GenesisClient", "Progress"]

_log = logging.getLogger("toolkit.io.genesis_ws")

#: Called with a short German progress message (job waiting, download done).
Progress = Callable[[str], None]

_JOB_NAME = re.compile(r"(\S+_\d+)\s*\.?\s*$")


class GenesisClient:
    """Client for one GENESIS database.

    Parameters
    ----------
    database : Database
        The database (see :data:`DATABASES` and :func:`resolve_database`).
    credentials : Credentials
        User name and password, or token.
    transport : httpx.BaseTransport, optional
        HTTP transport; tests pass an ``httpx.MockTransport`` replaying recorded answers.
    timeout : float
        Seconds to wait for an answer (connecting: at most 15 s).
    max_retries : int
        Retries after a timeout, a broken connection or HTTP 429/5xx.
    backoff : float
        First wait before a retry in seconds; doubles each time, at most ``max_backoff``.
        A ``Retry-After`` header of the service is honoured.
    max_parallel : int
        Requests at the same time (the services ask for no more than a handful).
    poll_interval, job_timeout : float
        First wait between two polls of a background job (grows by half up to
        60 s) and the longest total wait, in seconds.
    sleep, clock : callable
        ``time.sleep`` and ``time.monotonic`` (injectable so tests need no waiting).
    progress : callable, optional
        Receives German progress messages; default: the logger at INFO.
    language : str
        ``de`` or ``en`` (labels in the table).
    """

    def __init__(
        self,
        database: Database,
        credentials: Credentials,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 120.0,
        max_retries: int = 4,
        backoff: float = 2.0,
        max_backoff: float = 60.0,
        max_parallel: int = 3,
        poll_interval: float = 5.0,
        job_timeout: float = 3600.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        progress: Progress | None = None,
        language: str = "de",
    ) -> None:
        if not 1 <= max_parallel <= 5:
            raise ParameterError(
                f"max_parallel={max_parallel}: höchstens 5 gleichzeitige Anfragen an den Dienst.",
                hint="Die Dienste bitten um wenige parallele Anfragen; 1 bis 5 angeben.",
            )
        self.database = database
        self.max_parallel = max_parallel
        self._credentials = credentials
        self._http = httpx.Client(
            base_url=database.url,
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)),
            limits=httpx.Limits(max_connections=max_parallel),
            follow_redirects=False,  # never send the credential headers to another host
            headers={"Accept": "*/*"},
        )
        self._slots = threading.BoundedSemaphore(max_parallel)
        self._max_retries = max_retries
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._poll_interval = poll_interval
        self._job_timeout = job_timeout
        self._sleep = sleep
        self._clock = clock
        self._progress = progress or (lambda text: _log.info("%s", text))
        self.language = language

    def __enter__(self) -> GenesisClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"GenesisClient({self.database.key!r}, user=***)"

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def notify(self, text: str) -> None:
        """Pass a progress message to the ``progress`` callback."""
        self._progress(text)

    # -- transport ---------------------------------------------------------------------

    def _clean(self, text: str) -> str:
        return scrub(text, self._credentials.secrets())

    def _context(self, where: str, table: str = "") -> Context:
        return Context(
            where,
            table,
            self.database.title,
            self._credentials.secrets(),
            self._credentials.origin,
        )

    def _check(self, status: dict[str, Any], where: str, table: str) -> None:
        if status["Code"] == ADJUSTED:
            self._progress(f"{where}: {self._clean(status['Content'])}")
        error = status_error(status, self._context(where, table))
        if error is not None:
            raise error

    def _wait(self, attempt: int, response: httpx.Response | None) -> float:
        wait = min(self._backoff * 2**attempt, self._max_backoff)
        after = response.headers.get("Retry-After") if response is not None else None
        if after and after.strip().isdigit():
            wait = min(max(wait, float(after)), self._max_backoff)
        return wait

    def post(self, path: str, form: Mapping[str, str], *, what: str) -> httpx.Response:
        """Send one request with retries; return the HTTP answer (status 2xx).

        Parameters
        ----------
        path : str
            Method path below the base URL, e.g. ``data/tablefile``.
        form : mapping
            Form fields.
        what : str
            What is asked for, for messages (e.g. ``Tabelle 12411-01-01-4``).

        Returns
        -------
        httpx.Response

        Raises
        ------
        CredentialsError, RateLimitError, ServiceTimeoutError, WebServiceError
        """
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
        headers.update(self._credentials.headers())
        where = f"{what} ({self.database.title})"
        for attempt in range(self._max_retries + 1):
            response: httpx.Response | None = None
            problem: str
            try:
                with self._slots:
                    _log.debug("POST %s%s %s", self.database.url, path, what)
                    response = self._http.post(path, data=dict(form), headers=headers)
            except httpx.TimeoutException:
                problem = "timeout"
            except httpx.TransportError as exc:
                problem = f"Verbindung: {type(exc).__name__}"
            else:
                if response.status_code < 300:
                    return response
                error = http_error(response, self._context(what))
                if error is not None:
                    raise error
                problem = f"HTTP {response.status_code}"
            if attempt < self._max_retries:
                wait = self._wait(attempt, response)
                self._progress(
                    f"{where}: {problem}; neuer Versuch {attempt + 2}/{self._max_retries + 1}"
                    f" in {wait:.0f} s"
                )
                self._sleep(wait)
        tries = self._max_retries + 1
        if problem == "timeout":
            raise ServiceTimeoutError(
                f"{where}: keine Antwort in der Wartezeit, auch nicht nach {tries} Versuchen.",
                hint="Später erneut versuchen, die Auswahl (Jahre, Regionen) verkleinern "
                "oder die Wartezeit erhöhen (--timeout).",
            )
        if problem == "HTTP 429":
            raise RateLimitError(
                f"{where}: der Dienst lehnt weitere Anfragen ab (zu viele Anfragen, HTTP 429).",
                hint="Einige Minuten warten; nicht mehr als drei Abrufe gleichzeitig starten.",
            )
        raise ServiceUnavailableError(
            f"{where}: der Dienst ist nicht erreichbar ({problem}) nach {tries} Versuchen.",
            hint="Netzverbindung und Adresse der Datenbank prüfen; ohne Netz gespeicherte "
            "Tabellen mit --offline nutzen.",
        )

    # -- methods -----------------------------------------------------------------------

    def metadata_table(self, table: str) -> dict[str, Any]:
        """Return the table's metadata (``Object`` plus ``Copyright``).

        ``Object.Updated`` is the table's ``Stand``; ``Object.Content`` its title.

        Raises
        ------
        TableNotFoundError, CredentialsError, WebServiceError
        """
        where = f"Metadaten der Tabelle {table}"
        form = {"name": table, "area": "all", "language": self.language}
        response = self.post("metadata/table", form, what=where)
        status = service_status(response.content)
        if status is None:
            raise WebServiceError(
                f"{where} ({self.database.title}): keine JSON-Antwort.",
                hint="Adresse der Datenbank prüfen (sie endet auf /rest/2020/).",
            )
        self._check(status, where, table)
        data = json.loads(response.content.decode("utf-8-sig"))
        out = dict(data.get("Object") or {})
        out["Copyright"] = data.get("Copyright") or ""
        return out

    def tablefile(self, table: str, parameters: Mapping[str, str]) -> bytes:
        """Fetch a table as flat CSV ("ffcsv") in a ZIP; start a job if it is too large.

        Parameters
        ----------
        table : str
            Table code.
        parameters : mapping
            Further form fields (``startyear``, ``endyear``, ``regionalkey`` …).

        Returns
        -------
        bytes
            The ZIP as delivered.

        Raises
        ------
        TableNotFoundError, CredentialsError, JobError, WebServiceError
        """
        form = self._table_form(table, parameters)
        where = f"Tabelle {table}"
        body = self.post("data/tablefile", form, what=where).content
        status = service_status(body)
        if status is None:
            return self._zip_or_error(body, where)
        if status["Code"] == TOO_LARGE:
            return self._job(table, form)
        self._check(status, where, table)
        raise WebServiceError(
            f"{where}: der Dienst sandte statt der Tabelle nur eine Meldung: "
            f"{self._clean(status['Content'])}",
            hint="Auswahl prüfen oder die Tabelle im Browser öffnen.",
        )

    def _table_form(self, table: str, parameters: Mapping[str, str]) -> dict[str, str]:
        form = {
            "name": table,
            "area": "all",
            "compress": "false",
            "format": "ffcsv",
            "language": self.language,
            "quality": "off",
            "job": "false",
        }
        form.update({k: str(v) for k, v in parameters.items()})
        return form

    def _zip_or_error(self, body: bytes, where: str) -> bytes:
        if body[:2] == b"PK":
            return body
        head = self._clean(body[:80].decode("utf-8", "replace")).strip()
        raise WebServiceError(
            f"{where}: die Antwort ist weder eine ZIP-Datei noch eine Meldung: {head!r}",
            hint="Adresse der Datenbank prüfen (sie endet auf /rest/2020/).",
        )

    def _job(self, table: str, form: dict[str, str]) -> bytes:
        where = f"Tabelle {table}"
        self._progress(f"{where} ist zu groß für eine direkte Antwort; Hintergrundauftrag startet")
        body = self.post("data/tablefile", {**form, "job": "true"}, what=where).content
        status = service_status(body)
        match = _JOB_NAME.search(status["Content"]) if status else None
        if status is None or status["Code"] != JOB_STARTED or match is None:
            if status is not None:
                self._check(status, where, table)
            raise JobError(
                f"{where}: der Hintergrundauftrag wurde nicht angenommen.",
                hint="Später erneut versuchen oder die Auswahl (Jahre, Regionen) verkleinern.",
            )
        job = match.group(1)
        self._progress(f"{where}: Hintergrundauftrag {job} angenommen")
        start, interval, polls = self._clock(), self._poll_interval, 0
        while True:
            waited = self._clock() - start
            if waited >= self._job_timeout:
                raise JobError(
                    f"{where}: Hintergrundauftrag {job} nach {waited / 60:.0f} min nicht fertig.",
                    hint="Später mit demselben Befehl erneut versuchen oder die Wartezeit "
                    "erhöhen (--job-timeout); das Ergebnis bleibt beim Dienst einige Zeit liegen.",
                )
            self._sleep(interval)
            polls += 1
            poll = self.post(
                "catalogue/results",
                {"selection": job, "area": "user", "pagelength": "1"},
                what=f"Hintergrundauftrag {job}",
            )
            status = service_status(poll.content)
            if status is not None and status["Code"] == OK:
                break
            if status is None or status["Code"] != NO_OBJECTS:
                if status is not None:
                    self._check(status, where, table)
                raise JobError(
                    f"{where}: unerwartete Antwort beim Abfragen von {job}: "
                    + (self._clean(status["Content"]) if status else "keine JSON-Antwort"),
                    hint="Später erneut versuchen.",
                )
            waited = self._clock() - start
            self._progress(
                f"{where}: Hintergrundauftrag {job} läuft ({waited / 60:.1f} min, {polls} Abfragen)"
            )
            interval = min(interval * 1.5, 60.0)
        self._progress(f"{where}: Hintergrundauftrag {job} fertig, Ergebnis wird geladen")
        body = self.post("data/resultfile", {**form, "name": job}, what=where).content
        status = service_status(body)
        if status is not None:
            self._check(status, where, table)
            raise JobError(
                f"{where}: Ergebnis {job} nicht abrufbar: {self._clean(status['Content'])}",
                hint="Später erneut versuchen.",
            )
        return self._zip_or_error(body, where)
