"""Local cache of fetched tables, keyed by database, table, parameters and ``Stand``.

Layout: ``ROOT/<database>/<table>/<parameter hash>/<stand>.zip`` with the
provenance next to it in ``<stand>.json``. A table is fetched again only when
the service reports a newer ``Stand`` (or on ``refresh``); without a network
the newest stored copy is used.

Examples
--------
>>> import tempfile
>>> cache = TableCache(Path(tempfile.mkdtemp()))
>>> key = cache.key("https://x/rest/2020/", "12411-01-01-4", {"startyear": "2020"})
>>> cache.lookup(key, "2025-03-31T11:18:07") is None
True
>>> path = cache.store(key, "2025-03-31T11:18:07", b"PK..", {"stand": "2025-03-31"})
>>> cache.lookup(key, "2025-03-31T11:18:07") == path
True
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["CacheKey", "TableCache"]


@dataclass(frozen=True)
class CacheKey:
    """Where one table with one set of parameters lives in the cache."""

    folder: Path
    parameters: dict[str, str]


def _slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z.-]+", "_", text).strip("_") or "_"


class TableCache:
    """Files of fetched tables under one root folder.

    Parameters
    ----------
    root : pathlib.Path
        Cache folder (created when the first table is stored).
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def key(self, url: str, table: str, parameters: Mapping[str, str]) -> CacheKey:
        """Return the cache key for a table request.

        Parameters
        ----------
        url : str
            Base URL of the database.
        table : str
            Table code.
        parameters : mapping
            Request parameters that change the content (years, regions, language).

        Returns
        -------
        CacheKey

        Examples
        --------
        >>> c = TableCache(Path("/tmp/c"))
        >>> c.key("https://a/", "T", {"a": "1"}) == c.key("https://a/", "T", {"a": "1"})
        True
        >>> c.key("https://a/", "T", {"a": "1"}) == c.key("https://a/", "T", {"a": "2"})
        False
        """
        params = {k: str(v) for k, v in sorted(parameters.items()) if v not in ("", None)}
        digest = hashlib.sha256(json.dumps([url, table, params]).encode()).hexdigest()[:16]
        host = re.sub(r"^https?://", "", url).split("/")[0]
        return CacheKey(self.root / _slug(host) / _slug(table) / digest, params)

    def lookup(self, key: CacheKey, updated: str) -> Path | None:
        """Return the stored file for this ``Stand``, or None.

        Examples
        --------
        >>> c = TableCache(Path("/nonexistent"))
        >>> c.lookup(c.key("https://a/", "T", {}), "2025-01-01") is None
        True
        """
        path = key.folder / f"{_slug(updated)}.zip"
        return path if path.is_file() and path.with_suffix(".json").is_file() else None

    def latest(self, key: CacheKey) -> Path | None:
        """Return the most recently fetched stored file for this key, or None.

        Examples
        --------
        >>> c = TableCache(Path("/nonexistent"))
        >>> c.latest(c.key("https://a/", "T", {})) is None
        True
        """
        if not key.folder.is_dir():
            return None
        best: tuple[str, Path] | None = None
        for meta in key.folder.glob("*.json"):
            zipped = meta.with_suffix(".zip")
            if not zipped.is_file():
                continue
            fetched = str(self.provenance(zipped).get("fetched") or "")
            if best is None or fetched > best[0]:
                best = (fetched, zipped)
        return None if best is None else best[1]

    @staticmethod
    def provenance(path: Path) -> dict[str, Any]:
        """Return the provenance stored next to a cached file.

        Examples
        --------
        >>> import tempfile
        >>> c = TableCache(Path(tempfile.mkdtemp()))
        >>> p = c.store(c.key("https://a/", "T", {}), "s", b"x", {"table": "T"})
        >>> TableCache.provenance(p)["table"]
        'T'
        """
        return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))

    def store(
        self, key: CacheKey, updated: str, data: bytes, provenance: Mapping[str, Any]
    ) -> Path:
        """Store a fetched file and its provenance atomically; return its path.

        Examples
        --------
        >>> import tempfile
        >>> c = TableCache(Path(tempfile.mkdtemp()))
        >>> c.store(c.key("https://a/", "T", {}), "2025", b"x", {}).read_bytes()
        b'x'
        """
        key.folder.mkdir(parents=True, exist_ok=True)
        path = key.folder / f"{_slug(updated)}.zip"
        meta = json.dumps(dict(provenance), ensure_ascii=False, indent=1).encode()
        for target, content in ((path, data), (path.with_suffix(".json"), meta)):
            fd, tmp = tempfile.mkstemp(dir=key.folder, prefix=".part-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(content)
                os.replace(tmp, target)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        return path
