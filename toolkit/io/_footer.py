r"""Header block and footer of a table-layout download: code, title, Stand, licence.

Private helper of :mod:`toolkit.io._layout`.

Examples
--------
>>> info = footer_info(["© Statistische Ämter des Bundes und der Länder, Deutschland, 2025.\n"
...                     "Dieses Werk ist lizenziert unter der Datenlizenz Deutschland\n"
...                     "- Namensnennung - Version 2.0.", "Stand: 13.03.2025 / 16:40:08"])
>>> info["stand"], info["licence"]
('2025-03-13', 'Datenlizenz Deutschland – Namensnennung – Version 2.0')
>>> info["attribution"]
'© Statistische Ämter des Bundes und der Länder, Deutschland, 2025.'
"""

from __future__ import annotations

import re

__all__ = ["DL_DE_BY_2_0", "block_info", "footer_info"]

#: The licence of the statistical offices' data, as its publisher writes it.
DL_DE_BY_2_0 = "Datenlizenz Deutschland – Namensnennung – Version 2.0"

_TABLE = re.compile(r"^\s*(?:GENESIS[- ])?(?:Tabelle|Table):\s*(\S+)", re.IGNORECASE)
_CODE = re.compile(r"^[0-9A-Z]{2,6}(?:-[0-9A-Z]{1,6})+$")
_STICHTAG = re.compile(r"(?:Stichtag|Reference date):\s*(\d{1,2})[./](\d{1,2})[./](\d{4})")
_UNIT_LINE = re.compile(r"\(([^()]+)\)\s*$")
_STAND = re.compile(
    r"(?:Stand|As of|Status):\s*(\d{1,2})[./](\d{1,2})[./](\d{4})(?:\s*/\s*(\d{1,2}:\d{2}(?::\d{2})?))?"
)
_DL = re.compile(
    r"(?:Datenlizenz\s+Deutschland\s*[-–—]\s*Namensnennung|Data\s+licen[cs]e\s+Germany\s*[-–—]\s*"
    r"attribution)\s*[-–—]\s*Version\s*2\.0",
    re.IGNORECASE,
)
_OTHER_LICENCE = re.compile(r"lizenziert unter (?:der|einer)?\s*([^.\n]+(?:\n[^.\n]+)*)")


def _iso(day: str, month: str, year: str) -> str:
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def block_info(block: list[str], table: str | None = None) -> dict[str, str | None]:
    """Table code, title, unit and Stichtag from the header block.

    Parameters
    ----------
    block : list of str
        First cells of the lines above the header rows.
    table : str, optional
        Table code known from elsewhere (XLSX sheet name).

    Returns
    -------
    dict
        ``table`` (``""`` if unknown), ``title``, ``unit`` and
        ``reference_date`` (ISO date of a ``Stichtag: 31.12.2019`` line or
        ``None``).

    Examples
    --------
    >>> block_info(["GENESIS-Tabelle: 12411-02-03-4", "Bevölkerung -", "Stand (Anzahl)",
    ...             "Stichtag: 31.12.2017"])
    {'table': '12411-02-03-4', 'title': 'Bevölkerung - Stand (Anzahl)', 'unit': 'Anzahl', 'reference_date': '2017-12-31'}
    """
    code = ""
    title: list[str] = []
    unit = ""
    date = None
    for line in block:
        m = _TABLE.match(line)
        if m and not code:
            code = m.group(1)
            continue
        s = _STICHTAG.search(line)
        if s and line.strip().startswith(("Stichtag:", "Reference date:")):
            date = _iso(*s.groups())
            continue
        u = _UNIT_LINE.search(line)
        if u and not u.group(1).strip().isdigit():
            unit = u.group(1).strip()
        title.append(line.strip())
    if not code and table and _CODE.match(table.strip()):
        code = table.strip()
    return {"table": code, "title": " ".join(title), "unit": unit, "reference_date": date}


def footer_info(parts: list[str]) -> dict[str, object]:
    """Stand, licence, attribution line and notes from the footer.

    Parameters
    ----------
    parts : list of str
        Text of the footer cells, in order (a cell may hold several lines).

    Returns
    -------
    dict
        ``stand`` (ISO date or ``None``), ``stand_time`` (``hh:mm:ss`` or
        ``None``), ``licence`` (the name, ``""`` if none), ``attribution``
        (the ``©`` line, ``""`` if none) and ``notes`` (the remaining
        non-empty lines).

    Examples
    --------
    >>> footer_info(["__________", "Hinweis", "Stand: 02.02.2021 / 11:35:02"])["notes"]
    ['Hinweis']
    """
    text = "\n".join(p for p in parts if p.strip())
    stand = _STAND.search(text)
    licence = ""
    if _DL.search(text):
        licence = DL_DE_BY_2_0
    elif m := _OTHER_LICENCE.search(text):
        licence = " ".join(m.group(1).split())
    attribution = next((ln.strip() for ln in text.splitlines() if ln.strip().startswith("©")), "")
    notes = []
    for ln in text.splitlines():
        s = ln.strip()
        if not s or set(s) <= {"_", "-"} or s.startswith("©") or _STAND.search(s):
            continue
        notes.append(s)
    return {
        "stand": _iso(*stand.groups()[:3]) if stand else None,
        "stand_time": stand.group(4) if stand else None,
        "licence": licence,
        "attribution": attribution,
        "notes": notes,
    }
