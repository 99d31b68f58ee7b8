r"""Getting text out of a file: compression, encoding, HTML pages, empty files.

Private helpers shared by the GENESIS reader and the table reader. Every
failure becomes a :class:`~toolkit.errors.DataError` that names the file and
says what to do; nothing here lets a codec, ``zipfile`` or ``csv`` exception
escape.

Examples
--------
>>> text, note = decode_bytes("a;b\n1;2\n".encode("utf-8"), "x.csv")
>>> text.splitlines()[0], note is None
('a;b', True)
"""

from __future__ import annotations

import gzip
import io
import re
import zipfile
import zlib
from pathlib import Path

from toolkit.errors import DataError
from toolkit.io._guards import (
    MAX_UNPACKED_BYTES,
    check_regular_file,
    mojibake_sample,
    read_member,
)

__all__ = [
    "DataWarning",
    "decode_bytes",
    "gunzip",
    "load_bytes",
    "read_file",
    "read_text",
    "text_from_bytes",
]

_BOM = b"\xef\xbb\xbf"
# Non-ASCII characters we expect in German municipal tables and official
# exports. A legacy-encoded file whose decoded text only uses these is read
# (with a note); anything else means we cannot be sure which encoding it is.
# All Latin-1 letters and the usual signs of official footers (©, §, ®, –, …)
# count; the Windows-1252 signs that mostly show up when a Mac or DOS file is
# misread (Š š Ž ž Œ œ Ÿ ƒ ˆ ˜ † ‡ ‰ ‹ › ™) do not.
_PLAUSIBLE_8BIT = set(
    "€„“”‚‘’–—…•«»°§µ²³¹½¼¾×÷·©®¬±¢£¥¦ªº¿¡¨´¸¯\xa0\xad"
    + "".join(chr(c) for c in range(0xC0, 0x100) if c not in (0xD7, 0xF7))
)
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")
_HTML = re.compile(r"^\s*(<!doctype\s+html|<html|<\?xml[^>]*>\s*<html|<head|<body)", re.IGNORECASE)


class DataWarning(UserWarning):
    """Input was read, but something about it deserves the user's attention.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn("Datei ist Windows-1252-kodiert", DataWarning)
    >>> caught[0].category.__name__
    'DataWarning'
    """


def load_bytes(path: str | Path) -> tuple[bytes, str]:
    r"""Return the raw bytes of a file, unpacking ``.zip`` and gzip.

    A ZIP archive must contain exactly one ``.csv`` file (as GENESIS-Online
    delivers it). Compression is recognised by its magic bytes, not only by
    the file name.

    Parameters
    ----------
    path : str or pathlib.Path
        File to read.

    Returns
    -------
    tuple of (bytes, str)
        The content and a display name (``archive.zip:member.csv`` for a
        member of a ZIP archive).

    Examples
    --------
    >>> import gzip, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv.gz"
    >>> _ = p.write_bytes(gzip.compress(b"a;b\n"))
    >>> load_bytes(p)[0]
    b'a;b\n'
    """
    path = Path(path)
    name = str(path)
    data = read_file(path)
    if data[:4] == b"PK\x03\x04" or path.suffix.lower() == ".zip":
        return _unzip(data, name)
    if data[:2] == b"\x1f\x8b" or path.suffix.lower() == ".gz":
        return gunzip(data, name), name
    return data, name


def read_file(path: Path) -> bytes:
    """Return the bytes of a file, or a DataError saying why there are none.

    Examples
    --------
    >>> read_file(Path("/does/not/exist"))
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: Datei nicht gefunden.
    ...
    """
    name = str(path)
    if not path.exists():
        raise DataError("Datei nicht gefunden.", file=name, hint="Pfad und Dateinamen prüfen.")
    check_regular_file(path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DataError(f"Datei kann nicht gelesen werden ({exc.strerror}).", file=name) from None


def gunzip(data: bytes, name: str) -> bytes:
    """Decompress gzip data, or raise a DataError for a broken file.

    Examples
    --------
    >>> gunzip(gzip.compress(b"x"), "f.gz")
    b'x'
    """
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            out = handle.read(MAX_UNPACKED_BYTES + 1)
    except (OSError, EOFError, zlib.error):
        raise DataError(
            "Die gzip-Datei ist beschädigt oder unvollständig und kann nicht entpackt werden.",
            file=name,
            hint="Datei erneut herunterladen oder unkomprimiert als .csv übergeben.",
        ) from None
    if len(out) > MAX_UNPACKED_BYTES:
        raise DataError(
            f"Die gzip-Datei ist ausgepackt größer als {MAX_UNPACKED_BYTES // 1024**3} GiB.",
            file=name,
            hint="Die Tabelle auf die benötigten Regionen und Jahre beschränken.",
        )
    return out


def _unzip(data: bytes, name: str) -> tuple[bytes, str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [m for m in archive.namelist() if not m.endswith("/")]
            csvs = [m for m in members if m.lower().endswith(".csv")]
            if any(m.startswith("xl/") for m in members) and not csvs:
                raise DataError(
                    "Die Datei ist eine Excel-Arbeitsmappe, keine CSV- oder ZIP-Datei.",
                    file=name,
                    hint="Datei mit der Endung .xlsx speichern oder als CSV exportieren.",
                )
            if len(csvs) > 1:
                flat = [m for m in csvs if m.lower().endswith("_flat.csv")]
                csvs = flat if len(flat) == 1 else csvs
            if len(csvs) != 1:
                found = ", ".join(members) if members else "nichts"
                what = "keine CSV-Datei" if not csvs else f"{len(csvs)} CSV-Dateien"
                raise DataError(
                    f"Das ZIP-Archiv enthält {what} (Inhalt: {found}).",
                    file=name,
                    hint="Ein ZIP-Archiv mit genau einer CSV-Datei übergeben "
                    "(so wie GENESIS-Online es ausliefert) oder die CSV-Datei direkt.",
                )
            member = csvs[0]
            return read_member(archive, member, name), f"{name}:{member}"
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        raise DataError(
            "Das ZIP-Archiv ist beschädigt oder unvollständig.",
            file=name,
            hint="Datei erneut herunterladen.",
        ) from None


def decode_bytes(data: bytes, file: str) -> tuple[str, str | None]:
    """Decode file content, detecting UTF-8, UTF-8 with BOM and Windows-1252.

    Parameters
    ----------
    data : bytes
        Raw content.
    file : str
        Name used in messages.

    Returns
    -------
    tuple of (str, str or None)
        The text and a note when the file was not UTF-8 but read as
        Windows-1252 (the superset of Latin-1 that Excel writes).

    Raises
    ------
    DataError
        For UTF-16, mixed encodings, or legacy bytes that do not look like
        German text (the encoding cannot be determined safely).

    Examples
    --------
    >>> decode_bytes("Straße".encode("cp1252"), "f.csv")[1][:40]
    'Die Datei ist nicht UTF-8-kodiert, sonde'
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise DataError(
            "Die Datei ist UTF-16-kodiert (Excel: 'Unicode-Text'); unterstützt werden "
            "UTF-8 und Windows-1252/Latin-1.",
            file=file,
            hint="In Excel 'CSV UTF-8 (durch Trennzeichen getrennt)' wählen.",
        )
    body = data
    while body.startswith(_BOM):  # a second BOM comes from re-saving a UTF-8 file
        body = body[3:]
    try:
        return body.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        bad = body[exc.start : exc.start + 1]
    if data.startswith(_BOM) or _UTF8_MULTIBYTE.search(body):
        raise DataError(
            "Die Datei mischt Zeichenkodierungen: Teile sind UTF-8, andere nicht "
            f"(erstes ungültiges Byte 0x{bad.hex()} in Zeile {line}).",
            file=file,
            rows=[line],
            hint="Datei einheitlich als UTF-8 speichern (z. B. in Excel 'CSV UTF-8').",
        )
    try:
        text = body.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        raise DataError(
            "Zeichenkodierung nicht erkennbar: weder UTF-8 noch Windows-1252 "
            f"(Byte 0x{body[exc.start : exc.start + 1].hex()} in Zeile {line}).",
            file=file,
            rows=[line],
            hint="Datei als UTF-8 speichern.",
        ) from None
    odd = sorted({ch for ch in set(text) if ord(ch) > 127} - _PLAUSIBLE_8BIT)
    if odd:
        shown = " ".join(repr(c) for c in odd[:8])
        raise DataError(
            "Zeichenkodierung nicht eindeutig: die Datei ist nicht UTF-8, und als "
            f"Windows-1252/Latin-1 gelesen ergäben sich ungewöhnliche Zeichen ({shown}).",
            file=file,
            hint="Datei als UTF-8 speichern (z. B. in Excel 'CSV UTF-8').",
        )
    note = (
        "Die Datei ist nicht UTF-8-kodiert, sondern Windows-1252/Latin-1; sie wurde so "
        "gelesen. Bitte künftig als UTF-8 speichern."
    )
    return text, note


def read_text(path: str | Path) -> tuple[str, str, str | None]:
    r"""Load, unpack and decode a text file; reject empty files and HTML pages.

    Parameters
    ----------
    path : str or pathlib.Path
        File to read (plain, ``.gz`` or ``.zip``).

    Returns
    -------
    tuple of (str, str, str or None)
        Text, display name and an encoding note (see :func:`decode_bytes`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_bytes(b"\xef\xbb\xbfa;b\n1;2\n")
    >>> read_text(p)[0]
    'a;b\n1;2\n'
    """
    data, name = load_bytes(path)
    text, note = text_from_bytes(data, name)
    return text, name, note


def text_from_bytes(data: bytes, name: str) -> tuple[str, str | None]:
    r"""Decode raw file content; reject empty files and HTML pages.

    Parameters
    ----------
    data : bytes
        Raw content (already unpacked).
    name : str
        Name used in messages.

    Returns
    -------
    tuple of (str, str or None)
        Text and an encoding note (see :func:`decode_bytes`).

    Examples
    --------
    >>> text_from_bytes("© 2025".encode("cp1252"), "f.csv")[0]
    '© 2025'
    """
    if not data.strip(b" \t\r\n\x00" + _BOM):
        raise DataError(
            "Die Datei ist leer.", file=name, hint="Export wiederholen; die Datei hat 0 Zeilen."
        )
    text, note = decode_bytes(data, name)
    _check_mojibake(text, name)
    if _HTML.match(text[:2000]):
        raise DataError(
            "Die Datei ist eine HTML-Seite, keine CSV-Datei (vermutlich eine Fehler- oder "
            "Anmeldeseite, die beim Herunterladen gespeichert wurde).",
            file=name,
            hint="Datei im Browser öffnen, die Meldung lesen und den Download wiederholen.",
        )
    return text, note


def _check_mojibake(text: str, name: str) -> None:
    sample = mojibake_sample(text)
    if sample is None:
        return
    line = text[: text.find(sample)].count("\n") + 1
    raise DataError(
        f"Die Datei enthält verfälschte Umlaute oder Sonderzeichen (z. B. {sample!r}): "
        "sie wurde schon einmal mit der falschen Zeichenkodierung gelesen und wieder "
        "gespeichert (UTF-8 doppelt kodiert) oder ist Windows-1250-kodiert.",
        file=name,
        rows=[line],
        hint="Die Datei aus der Quelle neu exportieren und als UTF-8 speichern "
        "(Excel: 'CSV UTF-8'); die Zeichen nicht von Hand ersetzen.",
    )
