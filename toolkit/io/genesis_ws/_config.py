"""Databases, credentials and the cache folder of the GENESIS web-service client.

Credentials never come from a command line. They are looked up, in this
order, in

1. the ``credentials`` argument (Python only);
2. the environment: ``DKBM_GENESIS_<DB>_USER`` and ``DKBM_GENESIS_<DB>_PASSWORD``
   (``<DB>`` = ``REGIO``, ``GENESIS``, ``BILDUNG``), or ``DKBM_GENESIS_<DB>_TOKEN``;
   then the same without ``<DB>_`` for every database;
3. a TOML file outside the project: ``$DKBM_GENESIS_CONFIG``, else
   ``$XDG_CONFIG_HOME/dkbm/genesis.toml`` (default ``~/.config/dkbm/genesis.toml``),
   with one table per database (``[regio]``, ``[genesis]``, ``[bildung]``, or the
   host name of a Länder database such as ``["www.statistik-bw.de"]``) and a
   ``[default]`` table, each with ``user`` and ``password`` or ``token``.

Examples
--------
>>> resolve_database("regio").url
'https://www.regionalstatistik.de/genesisws/rest/2020/'
>>> creds = load_credentials(resolve_database("regio"),
...     env={"DKBM_GENESIS_USER": "anna", "DKBM_GENESIS_PASSWORD": "geheim"}, config_path=None)
>>> creds
Credentials(user='anna', password='***', origin='Umgebungsvariable DKBM_GENESIS_USER')
"""

from __future__ import annotations

import logging
import os
import re
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from toolkit.errors import ParameterError
from toolkit.io.genesis_ws._errors import CredentialsError

__all__ = [
    "DATABASES",
    "Credentials",
    "Database",
    "config_file",
    "default_cache_dir",
    "load_credentials",
    "resolve_database",
]

_log = logging.getLogger("toolkit.io.genesis_ws")

DL_DE_BY = "Datenlizenz Deutschland – Namensnennung – Version 2.0"


@dataclass(frozen=True)
class Database:
    """One GENESIS installation that runs the REST web service (API 2020).

    Parameters
    ----------
    key : str
        Short name (``regio``, ``genesis``, ``bildung``) or the host name of a
        database given by URL.
    url : str
        Base URL ending in ``/rest/2020/``.
    title : str
        Name shown to users.
    attribution : str
        Attribution line used when the service sends none.
    licence : str
        Licence of the published tables.

    Examples
    --------
    >>> DATABASES["bildung"].title
    'Kommunale Bildungsdatenbank'
    """

    key: str
    url: str
    title: str
    attribution: str = "© Statistische Ämter des Bundes und der Länder, Deutschland"
    licence: str = DL_DE_BY

    @property
    def env_name(self) -> str:
        """Part of the environment variable names for this database.

        Examples
        --------
        >>> DATABASES["regio"].env_name
        'REGIO'
        """
        return re.sub(r"[^A-Z0-9]+", "_", self.key.upper()).strip("_")


DATABASES: dict[str, Database] = {
    "regio": Database(
        "regio",
        "https://www.regionalstatistik.de/genesisws/rest/2020/",
        "Regionaldatenbank Deutschland",
    ),
    "genesis": Database(
        "genesis",
        "https://www-genesis.destatis.de/genesisWS/rest/2020/",
        "GENESIS-Online",
        attribution="© Statistisches Bundesamt (Destatis)",
    ),
    "bildung": Database(
        "bildung",
        "https://www.bildungsmonitoring.de/bildungws/rest/2020/",
        "Kommunale Bildungsdatenbank",
    ),
}


def resolve_database(name: str) -> Database:
    """Return the database for a short name or a web-service URL.

    Parameters
    ----------
    name : str
        ``regio``, ``genesis``, ``bildung`` or an ``https://`` URL of another
        GENESIS installation (e.g. a Land office), ending in ``/rest/2020/``.

    Returns
    -------
    Database

    Raises
    ------
    ParameterError
        For an unknown name or a URL that is not ``https``.

    Examples
    --------
    >>> resolve_database("https://www.statistik.example.de/genesisws/rest/2020").url
    'https://www.statistik.example.de/genesisws/rest/2020/'
    """
    if name in DATABASES:
        return DATABASES[name]
    parts = urlsplit(name)
    if parts.scheme and parts.netloc:
        if parts.scheme != "https":
            raise ParameterError(
                f"Die Adresse {name!r} beginnt nicht mit https://.",
                hint="Zugangsdaten werden nur verschlüsselt gesendet; https-Adresse angeben.",
            )
        if parts.username or parts.password or parts.query or parts.fragment:
            raise ParameterError(
                "Die Adresse der Datenbank darf weder Zugangsdaten noch '?' oder '#' enthalten.",
                hint="Nur die Basisadresse angeben, z. B. https://…/genesisws/rest/2020/",
            )
        url = name.rstrip("/") + "/"
        return Database(parts.hostname or parts.netloc, url, parts.hostname or parts.netloc)
    raise ParameterError(
        f"Unbekannte Datenbank {name!r}.",
        hint="regio, genesis, bildung oder die https-Adresse eines GENESIS-Webservice angeben.",
    )


@dataclass(frozen=True)
class Credentials:
    """User name and password (or an API token) for one database.

    The password never shows in ``repr``; ``origin`` says where the values
    were found (without the values).

    Parameters
    ----------
    user : str
        User name, or the API token when ``password`` is empty.
    password : str
        Password; ``""`` with a token.
    origin : str
        Where they came from, for messages.

    Examples
    --------
    >>> Credentials("anna", "geheim")
    Credentials(user='anna', password='***', origin='')
    >>> Credentials("anna", "geheim").headers()["password"]
    'geheim'
    """

    user: str
    password: str = field(repr=False)
    origin: str = ""

    def __repr__(self) -> str:
        return f"Credentials(user={self.user!r}, password='***', origin={self.origin!r})"

    def headers(self) -> dict[str, str]:
        """Return the HTTP header fields the web service expects.

        Examples
        --------
        >>> sorted(Credentials("TOKEN123", "").headers())
        ['username']
        """
        out = {"username": self.user}
        if self.password:
            out["password"] = self.password
        return out

    def secrets(self) -> tuple[str, ...]:
        """Return the values that must never appear in a message.

        Examples
        --------
        >>> Credentials("anna", "geheim").secrets()
        ('anna', 'geheim')
        """
        return tuple(v for v in (self.user, self.password) if v)


def _user_path(
    env: Mapping[str, str] | None, override: str, xdg: str, home_dir: str, name: str
) -> Path:
    env = os.environ if env is None else env
    if env.get(override):
        return Path(env[override]).expanduser()
    base = env.get(xdg) or str(Path.home() / home_dir)
    return Path(base).expanduser() / "dkbm" / name


def config_file(env: Mapping[str, str] | None = None) -> Path:
    """Return the path of the credentials file (it need not exist).

    Examples
    --------
    >>> config_file({"DKBM_GENESIS_CONFIG": "/tmp/x.toml"})
    PosixPath('/tmp/x.toml')
    """
    return _user_path(env, "DKBM_GENESIS_CONFIG", "XDG_CONFIG_HOME", ".config", "genesis.toml")


def default_cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """Return the default cache folder: ``$DKBM_GENESIS_CACHE`` or ``~/.cache/dkbm/genesis``.

    Examples
    --------
    >>> default_cache_dir({"XDG_CACHE_HOME": "/var/tmp/c"})
    PosixPath('/var/tmp/c/dkbm/genesis')
    """
    return _user_path(env, "DKBM_GENESIS_CACHE", "XDG_CACHE_HOME", ".cache", "genesis")


def _from_env(env: Mapping[str, str], prefix: str) -> Credentials | None:
    token = env.get(f"{prefix}_TOKEN", "").strip()
    user = env.get(f"{prefix}_USER", "").strip()
    password = env.get(f"{prefix}_PASSWORD", "")
    if token:
        return Credentials(token, "", f"Umgebungsvariable {prefix}_TOKEN")
    if user and password:
        return Credentials(user, password, f"Umgebungsvariable {prefix}_USER")
    if user or password:
        raise CredentialsError(
            f"Nur eine Hälfte der Zugangsdaten gesetzt ({prefix}_USER / {prefix}_PASSWORD).",
            hint="Beide Variablen setzen oder ein Token in " + f"{prefix}_TOKEN.",
        )
    return None


def _from_file(path: Path, db: Database) -> Credentials | None:
    if not path.is_file():
        return None
    mode = path.stat().st_mode
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        _log.warning("%s ist für andere lesbar; 'chmod 600 %s' empfohlen.", path, path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        # The decoder's message quotes no values, but stay on the safe side.
        raise CredentialsError(
            "Die Datei mit den Zugangsdaten ist kein gültiges TOML.",
            file=str(path),
            hint='Aufbau: [regio] mit user = "…" und password = "…" (oder token = "…").',
        ) from None
    for section in (db.key, db.url, "default"):
        table = data.get(section)
        if not isinstance(table, dict):
            continue
        token = str(table.get("token", "")).strip()
        user = str(table.get("user", "")).strip()
        password = str(table.get("password", ""))
        origin = f"{path} [{section}]"
        if token:
            return Credentials(token, "", origin)
        if user and password:
            return Credentials(user, password, origin)
        raise CredentialsError(
            f"Im Abschnitt [{section}] fehlt user/password oder token.", file=str(path)
        )
    return None


def load_credentials(
    db: Database,
    *,
    env: Mapping[str, str] | None = None,
    config_path: Path | str | None = "default",
) -> Credentials:
    """Find the credentials for a database (environment, then config file).

    Parameters
    ----------
    db : Database
        The database.
    env : mapping, optional
        Environment to read; defaults to ``os.environ``.
    config_path : path, None or "default"
        Credentials file; ``"default"`` uses :func:`config_file`, ``None``
        reads no file.

    Returns
    -------
    Credentials

    Raises
    ------
    CredentialsError
        When none are found (the message says where to put them).

    Examples
    --------
    >>> load_credentials(DATABASES["bildung"], env={"DKBM_GENESIS_BILDUNG_TOKEN": "t0k3n"},
    ...                  config_path=None).origin
    'Umgebungsvariable DKBM_GENESIS_BILDUNG_TOKEN'
    """
    env = os.environ if env is None else env
    for prefix in (f"DKBM_GENESIS_{db.env_name}", "DKBM_GENESIS"):
        found = _from_env(env, prefix)
        if found is not None:
            return found
    path = config_file(env) if config_path == "default" else config_path
    if path is not None:
        found = _from_file(Path(path), db)
        if found is not None:
            return found
    raise CredentialsError(
        f"Keine Zugangsdaten für {db.title} gefunden.",
        hint=(
            f"Kostenloses Konto anlegen und DKBM_GENESIS_{db.env_name}_USER und "
            f"DKBM_GENESIS_{db.env_name}_PASSWORD setzen (oder DKBM_GENESIS_USER/"
            "DKBM_GENESIS_PASSWORD für alle Datenbanken) oder sie in "
            f"{config_file(env)} eintragen; nie auf der Kommandozeile angeben."
        ),
    )
