r"""What is inside an official download: text (CSV) or an Excel workbook.

Private helper of :func:`toolkit.io.read_genesis`. The statistical offices
deliver CSV (flat or table layout) and XLSX; users and download scripts wrap
either in ZIP or gzip. :func:`open_official` unwraps those layers (a workbook
is itself a ZIP archive, recognised by its ``xl/workbook.xml``) and says which
reader the content needs.

Examples
--------
>>> import gzip, tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv.gz"
>>> _ = p.write_bytes(gzip.compress(b"a;b\n"))
>>> opened = open_official(p)
>>> opened.kind, opened.data
('text', b'a;b\n')
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import DataError
from toolkit.io._guards import read_member
from toolkit.io._source import gunzip, read_file

__all__ = ["Opened", "open_official"]

_SUFFIXES = (".csv", ".xlsx", ".txt")


@dataclass(frozen=True)
class Opened:
    """Unwrapped content of a download.

    Parameters
    ----------
    kind : str
        ``"text"`` (CSV, to be decoded) or ``"xlsx"`` (an Excel workbook).
    data : bytes
        The content.
    name : str
        Display name, ``archive.zip:member.csv`` for a member of an archive.

    Examples
    --------
    >>> Opened("text", b"", "x.csv").kind
    'text'
    """

    kind: str
    data: bytes
    name: str


def _is_workbook(archive: zipfile.ZipFile) -> bool:
    names = set(archive.namelist())
    return "xl/workbook.xml" in names or (
        "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)
    )


def _unzip(data: bytes, name: str, depth: int) -> Opened:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if _is_workbook(archive):
                return Opened("xlsx", data, name)
            members = [m for m in archive.namelist() if not m.endswith("/")]
            usable = [m for m in members if m.lower().endswith(_SUFFIXES)]
            if len(usable) > 1:
                flat = [m for m in usable if m.lower().endswith("_flat.csv")]
                usable = flat if len(flat) == 1 else usable
            if len(usable) != 1:
                found = ", ".join(members) if members else "nichts"
                kinds = "CSV" if all(m.lower().endswith(".csv") for m in usable) else "CSV-/XLSX"
                what = (
                    "keine CSV- oder XLSX-Datei" if not usable else f"{len(usable)} {kinds}-Dateien"
                )
                raise DataError(
                    f"Das ZIP-Archiv enthält {what} (Inhalt: {found}).",
                    file=name,
                    hint="Ein ZIP-Archiv mit genau einer CSV- oder XLSX-Datei übergeben "
                    "(so wie GENESIS-Online es ausliefert) oder die Datei direkt.",
                )
            member = usable[0]
            inner = read_member(archive, member, name)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        raise DataError(
            "Das ZIP-Archiv (oder die XLSX-Datei) ist beschädigt oder unvollständig.",
            file=name,
            hint="Datei erneut herunterladen.",
        ) from None
    return _unwrap(inner, f"{name}:{member}", depth + 1)


def _unwrap(data: bytes, name: str, depth: int) -> Opened:
    if depth > 3:
        raise DataError(
            "Zu viele ineinander verschachtelte Archive.",
            file=name,
            hint="Die CSV- oder XLSX-Datei auspacken und direkt übergeben.",
        )
    if data[:4] == b"PK\x03\x04":
        return _unzip(data, name, depth)
    if data[:2] == b"\x1f\x8b":
        return _unwrap(gunzip(data, name), name, depth + 1)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DataError(
            "Die Datei ist eine alte Excel-Datei (.xls); gelesen werden CSV und XLSX.",
            file=name,
            hint="In der Regionalstatistik bzw. GENESIS-Online als CSV oder XLSX herunterladen.",
        )
    return Opened("text", data, name)


def open_official(path: str | Path) -> Opened:
    r"""Read a download and unwrap ZIP and gzip around a CSV or XLSX file.

    Compression and workbooks are recognised by their bytes, not by the
    file name. A ZIP archive must hold exactly one ``.csv`` or ``.xlsx``
    (or exactly one ``*_flat.csv`` among several).

    Parameters
    ----------
    path : str or pathlib.Path
        File to read.

    Returns
    -------
    Opened

    Raises
    ------
    DataError
        Missing file, directory, broken or ambiguous archive, old ``.xls``.

    Examples
    --------
    >>> open_official("/does/not/exist.csv")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: Datei nicht gefunden.
    ...
    """
    path = Path(path)
    name = str(path)
    data = read_file(path)
    if path.suffix.lower() == ".zip" and data[:4] != b"PK\x03\x04" and data.strip():
        raise DataError(
            "Das ZIP-Archiv ist beschädigt oder unvollständig.",
            file=name,
            hint="Datei erneut herunterladen.",
        )
    return _unwrap(data, name, 0)
