r"""Guards against input that would otherwise be read with wrong data, hang or blow up.

Small checks shared by the readers (issue #14): files that are not regular
files (a FIFO named ``kita.csv`` would block), ZIP members that are encrypted,
use an unsupported compression method or are too large to hold in memory,
text that was decoded twice (mojibake), digits in other scripts, and message
text that must not echo a whole 1 MB cell.

Examples
--------
>>> shorten("x" * 500)[-13:]
'(500 Zeichen)'
>>> mojibake_sample("Stadt MÃ¼nchen")
'MÃ¼nchen'
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from pathlib import Path

from toolkit.errors import DataError

__all__ = [
    "MAX_COUNT",
    "MAX_UNPACKED_BYTES",
    "ROWS_SHOWN",
    "check_regular_file",
    "check_zip_member",
    "foreign_digits",
    "mojibake_sample",
    "read_member",
    "shorten",
]

#: Largest number of people (or cases) one row of a municipal table may count:
#: 100 million, more than Germany's population (84.7 million in 2024). A larger
#: count cannot be true for any region and would turn into rates far outside
#: every plausible range of the indicator catalogue.
MAX_COUNT = 100_000_000

#: A compressed file is unpacked into memory; larger members are refused
#: before unpacking (the readers hold one table in memory as text and cells).
MAX_UNPACKED_BYTES = 2 * 1024**3

#: How many row numbers an error lists for one problem (the count is always given).
ROWS_SHOWN = 20

_SHOWN_CHARS = 60
# UTF-8 text decoded a second time as Windows-1252/Latin-1: 'Ã¼' for 'ü',
# 'Ã' + a sign for ß/Ä/Ö/Ü, 'â€' for the typographic signs, 'Â' + a sign.
_DOUBLE_UTF8 = re.compile(
    "[ÃÂ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013-\u203a\u20ac\u2122]|â€"
)
# Windows-1250 (Central European) bytes read as Windows-1252: letters such as
# ł ą ż come out as signs inside words ('Wroc³aw', 'Bia³ystok', 'Ÿ').
_SIGN_IN_WORD = re.compile(r"[^\W\d_][¹³£¥¦¿¡¨´¸¯¬±¢¼½¾]|[¹³£¥¦¿¡¨´¸¯¬±¢¼½¾][^\W\d_]")
# Every match of the two patterns contains one of these characters. Looking for
# each of them with ``in`` is a fast scan of the text; the patterns themselves
# cost about 50 ms per MB and run only when one of them occurs.
_TRIGGERS = "ÃÂâ¹³£¥¦¿¡¨´¸¯¬±¢¼½¾"


def shorten(value: object, limit: int = _SHOWN_CHARS) -> str:
    """Return ``repr`` of a value, cut to ``limit`` characters with its length noted.

    Examples
    --------
    >>> shorten("abc")
    "'abc'"
    >>> shorten("y" * 100, limit=10)
    "'yyyyyyyyy… (100 Zeichen)"
    """
    text = str(value)
    if len(text) <= limit:
        return repr(text)
    return repr(text[: limit - 1])[:-1] + f"… ({len(text)} Zeichen)"


def foreign_digits(text: str) -> bool:
    """Whether a string holds digits other than ASCII 0-9 (full-width, Arabic-Indic ...).

    Examples
    --------
    >>> foreign_digits("１２３"), foreign_digits("١٢٣"), foreign_digits("123")
    (True, True, False)
    """
    return any(ch.isdigit() and not ("0" <= ch <= "9") for ch in text)


def mojibake_sample(text: str) -> str | None:
    """Return a word that shows the text was decoded wrongly, or None.

    Recognised: UTF-8 decoded twice (``MÃ¼nchen``) and Windows-1250 read as
    Windows-1252 (``Wroc³aw``). German text never contains these sequences.

    Examples
    --------
    >>> mojibake_sample("Wroc³aw"), mojibake_sample("Straße 5 km²")
    ('Wroc³aw', None)
    """
    if not any(ch in text for ch in _TRIGGERS):
        return None
    match = _DOUBLE_UTF8.search(text) or _SIGN_IN_WORD.search(text)
    if match is None:
        return None
    start = max(text.rfind(sep, 0, match.start()) for sep in (" ", "\n", ";", ",", '"')) + 1
    ends = [i for i in (text.find(s, match.end()) for s in (" ", "\n", ";", ",", '"')) if i >= 0]
    end = min(ends) if ends else len(text)
    return text[start:end][:_SHOWN_CHARS]


def check_regular_file(path: Path) -> None:
    """Raise a DataError unless ``path`` is a regular file (not a folder, FIFO, device).

    A FIFO or device named like a table would block the reader forever.

    Examples
    --------
    >>> check_regular_file(Path("/dev/null"))
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: Keine gewöhnliche Datei (Gerätedatei), ...
    ...
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise DataError(
            f"Datei kann nicht gelesen werden ({exc.strerror}).", file=str(path)
        ) from None
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise DataError(
            "Ein Verzeichnis wurde angegeben, erwartet wird eine Datei.",
            file=str(path),
            hint="Den Ordner umbenennen oder die Tabelle als Datei ablegen.",
        )
    what = "benannte Pipe (FIFO)" if stat.S_ISFIFO(mode) else "Gerätedatei"
    if stat.S_ISSOCK(mode):
        what = "Socket"
    raise DataError(
        f"Keine gewöhnliche Datei ({what}), sie wird nicht gelesen, weil das Lesen "
        "endlos warten könnte.",
        file=str(path),
        hint="Die Tabelle als gewöhnliche Datei speichern.",
    )


def check_zip_member(info: zipfile.ZipInfo, name: str) -> None:
    """Refuse an encrypted, unsupported or too large ZIP member before reading it.

    Examples
    --------
    >>> info = zipfile.ZipInfo("kita.csv")
    >>> info.flag_bits |= 1
    >>> check_zip_member(info, "a.zip")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: Die Datei 'kita.csv' im ZIP-Archiv ist verschlüsselt ...
    ...
    """
    member = info.filename
    if info.flag_bits & 0x1:
        raise DataError(
            f"Die Datei {member!r} im ZIP-Archiv ist verschlüsselt (kennwortgeschützt); "
            "sie kann nicht gelesen werden.",
            file=name,
            hint="Das Archiv ohne Kennwort packen oder die Datei ausgepackt übergeben.",
        )
    supported = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
    if info.compress_type not in supported:
        raise DataError(
            f"Die Datei {member!r} im ZIP-Archiv ist mit einem nicht unterstützten "
            f"Verfahren komprimiert (Methode {info.compress_type}, z. B. Deflate64).",
            file=name,
            hint="Das Archiv mit dem Standardverfahren (Deflate) neu packen oder die Datei "
            "ausgepackt übergeben.",
        )
    if info.file_size > MAX_UNPACKED_BYTES:
        raise DataError(
            f"Die Datei {member!r} im ZIP-Archiv ist ausgepackt {info.file_size / 1024**3:.1f} "
            f"GiB groß; gelesen werden höchstens {MAX_UNPACKED_BYTES // 1024**3} GiB.",
            file=name,
            hint="Die Tabelle auf die benötigten Regionen und Jahre beschränken.",
        )


def read_member(archive: zipfile.ZipFile, member: str, name: str) -> bytes:
    """Read one ZIP member after :func:`check_zip_member`, never more than the limit.

    Examples
    --------
    >>> import io
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as z:
    ...     z.writestr("a.csv", "x;y")
    >>> read_member(zipfile.ZipFile(buf), "a.csv", "a.zip")
    b'x;y'
    """
    info = archive.getinfo(member)
    check_zip_member(info, name)
    try:
        with archive.open(info) as handle:
            data = handle.read(MAX_UNPACKED_BYTES + 1)
    except (RuntimeError, NotImplementedError) as exc:  # encryption/method not in the header
        raise DataError(
            f"Die Datei {member!r} im ZIP-Archiv kann nicht ausgepackt werden ({exc}).",
            file=name,
            hint="Das Archiv ohne Kennwort mit Deflate neu packen oder die Datei ausgepackt "
            "übergeben.",
        ) from None
    if len(data) > MAX_UNPACKED_BYTES:
        raise DataError(
            f"Die Datei {member!r} im ZIP-Archiv ist ausgepackt größer als "
            f"{MAX_UNPACKED_BYTES // 1024**3} GiB.",
            file=name,
            hint="Die Tabelle auf die benötigten Regionen und Jahre beschränken.",
        )
    return data
