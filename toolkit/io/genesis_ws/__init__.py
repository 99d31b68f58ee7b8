"""Fetch tables from the GENESIS web service (REST, API 2020).

One client for the Regionaldatenbank (``regio``), GENESIS-Online
(``genesis``), the Kommunale Bildungsdatenbank (``bildung``) and every Länder
database that runs the same service (given by its ``https`` URL).

- :func:`fetch_table` returns the table as :func:`toolkit.io.read_genesis`
  reads it, with the provenance in ``attrs["provenance"]``;
- :func:`fetch_to_dir` writes the flat CSV and ``<table>.meta.json``;
  :func:`fetch_tables_to_dir` does so for several tables, a few at a time;
- :class:`GenesisClient` is the thin HTTP client underneath (retries with
  backoff, at most a handful of parallel requests, background jobs);
- credentials come from the environment or ``~/.config/dkbm/genesis.toml``
  (:func:`load_credentials`), never from a command line.

Examples
--------
>>> sorted(DATABASES)
['bildung', 'genesis', 'regio']
>>> issubclass(CredentialsError, WebServiceError)
True
"""

from toolkit.io.genesis_ws._cache import TableCache
from toolkit.io.genesis_ws._client import GenesisClient
from toolkit.io.genesis_ws._config import (
    DATABASES,
    Credentials,
    Database,
    config_file,
    default_cache_dir,
    load_credentials,
    resolve_database,
)
from toolkit.io.genesis_ws._errors import (
    CredentialsError,
    JobError,
    RateLimitError,
    ServiceTimeoutError,
    ServiceUnavailableError,
    TableNotFoundError,
    WebServiceError,
)
from toolkit.io.genesis_ws._fetch import (
    fetch_file,
    fetch_table,
    fetch_tables_to_dir,
    fetch_to_dir,
    parse_regions,
    parse_years,
)
from toolkit.io.genesis_ws._status import service_status

__all__ = [
    "DATABASES",
    "Credentials",
    "CredentialsError",
    "Database",
    "GenesisClient",
    "JobError",
    "RateLimitError",
    "ServiceTimeoutError",
    "ServiceUnavailableError",
    "TableCache",
    "TableNotFoundError",
    "WebServiceError",
    "config_file",
    "default_cache_dir",
    "fetch_file",
    "fetch_table",
    "fetch_tables_to_dir",
    "fetch_to_dir",
    "load_credentials",
    "parse_regions",
    "parse_years",
    "resolve_database",
    "service_status",
]
