"""Inputs of ``dkbm data build``: expanding folders, peeking at table codes, fetch sidecars.

Private helper of :mod:`toolkit.sources.build`.

Examples
--------
>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> _ = (d / "SOURCE.md").write_text("Quelle", encoding="utf-8")
>>> skipped = []
>>> expand([d / "SOURCE.md"], skipped), skipped
([], [{'file': 'SOURCE.md', 'table': '', 'reason': 'keine Tabelle'}])
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from toolkit.errors import DataError
from toolkit.io._container import open_official
from toolkit.io._footer import block_info
from toolkit.io.dataset import read_json_object
from toolkit.sources import Source, source_for

__all__ = ["expand", "feeds_nothing", "peek_code", "sidecar"]

_SUFFIXES = (".csv", ".xlsx", ".zip", ".gz")
_NOTES = (".md", ".txt", ".json", ".pdf", ".html", ".htm")
_TABLE_CODE = re.compile(r"^[0-9A-Z]{2,6}(?:-[0-9A-Z]{1,6})+$")


def expand(sources: Sequence[str | Path], skipped: list[dict]) -> list[str | Path]:
    """Files and table codes of the sources; documentation files go to ``skipped``."""
    items: list[str | Path] = []
    for item in sources:
        path = Path(item)
        if path.is_file() and path.name.lower().endswith(_NOTES):
            # documentation next to the downloads (SOURCE.md, fetch sidecars): `dkbm data build dir/*`
            skipped.append({"file": path.name, "table": "", "reason": "keine Tabelle"})
            continue
        if path.is_dir():
            found = sorted(
                p for p in path.iterdir() if p.is_file() and p.name.lower().endswith(_SUFFIXES)
            )
            if not found:
                raise DataError(
                    "Im Verzeichnis liegt keine CSV-, XLSX-, ZIP- oder gzip-Datei.", file=str(path)
                )
            items.extend(found)
        elif path.exists():
            items.append(path)
        elif _TABLE_CODE.match(str(item)):
            items.append(str(item))
        else:
            raise DataError(
                "Datei oder Verzeichnis nicht gefunden.",
                file=str(item),
                hint="Dateien, Verzeichnisse oder Tabellencodes (z. B. 21111-02-06-4) angeben.",
            )
    return items


def sidecar(path: Path, code: str) -> dict[str, Any]:
    """Provenance that ``dkbm data fetch`` wrote next to a fetched file (``<code>.meta.json``)."""
    meta = path.with_name(f"{code}.meta.json")
    if not meta.exists():
        return {}
    data = read_json_object(meta)
    if data.get("file") not in (None, path.name):
        return {}
    return data


def peek_code(path: Path) -> str | None:
    """Table code from the first line (CSV table layout) or sheet name (XLSX), if cheap to see."""
    try:
        opened = open_official(path)
    except DataError:
        return None  # read_genesis reports it properly
    if opened.kind == "xlsx":
        try:
            with zipfile.ZipFile(io.BytesIO(opened.data)) as archive:
                workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        except (zipfile.BadZipFile, KeyError, OSError):
            return None
        sheet = re.search(r'<sheet\b[^>]*\bname="([^"]+)"', workbook)
        return block_info([], sheet.group(1) if sheet else None)["table"] or None
    first = opened.data[:400].decode("cp1252", "replace").lstrip("\ufeff").split("\n", 1)[0]
    return block_info([first.split(";", 1)[0].strip()])["table"] or None


def feeds_nothing(code: str, entries: dict[str, Source]) -> bool:
    """Whether the catalogue knows the table and it feeds no canonical table."""
    try:
        return not source_for(code, entries).feeds
    except DataError:
        return False  # reported with the file once it is read
