r"""Reader for the *table layout* of Regionalstatistik / GENESIS downloads.

The plain "CSV" (and "XLSX") button of the Regionaldatenbank gives a table
for reading, not a flat file: a header block (table code, title, statistic,
unit, sometimes ``Stichtag: 31.12.2019``), two or more header rows whose
merged cells are repeated per column, data rows ``year;AGS;indented name;
values…`` or ``AGS;name;group;values…`` and a footer with notes, the licence
and ``Stand: dd.mm.yyyy / hh:mm:ss``. This module turns such a grid of cells
(from CSV here, from XLSX in :mod:`toolkit.io._xlsx`) into the long frame of
:func:`toolkit.io.read_genesis`.

Variable codes
--------------
Every value column gets a stable code from its header cells, top to bottom,
without the unit row: each label in lower case, umlauts written out
(``ä`` → ``ae``, ``ß`` → ``ss``), every other run of characters → ``_``, the
levels joined with ``/``. ``Absolvierende/Abgehende allgemeinbildender Schulen
nach dem Abschluss`` / ``ohne Hauptschulabschluss`` / ``weiblich`` becomes
``absolvierende_abgehende_allgemeinbildender_schulen_nach_dem_abschluss/
ohne_hauptschulabschluss/weiblich`` (in ``variable``; the labels joined with
`` / `` in ``variable_label``). Label columns after the region name (Schulart,
Altersgruppe) become the pair ``gruppe``/``gruppe_label`` (``gruppe2``… if
there are more), coded the same way.

Examples
--------
>>> slug("Allg. Hochschulreife-einschl.fachge.Hochschulreife")
'allg_hochschulreife_einschl_fachge_hochschulreife'
>>> text = ("GENESIS-Tabelle: 99999-01-01-4\nTest;;;\nZahl (Anzahl);;;\n;;;Insgesamt\n"
...         "2023;DG;Deutschland;5\n2023;03251;  Diepholz, Landkreis;-\n__________\n"
...         "Stand: 13.03.2025 / 16:40:08\n")
>>> df = read_layout(csv_grid(text, "t.csv"), "t.csv")
>>> df[["region_code", "region_name", "variable", "value", "flag"]].values.tolist()
[['DG', 'Deutschland', 'insgesamt', 5.0, ''], ['03251', 'Diepholz, Landkreis', 'insgesamt', 0.0, '-']]
>>> df.attrs["stand"]
'2025-03-13'
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from toolkit.errors import DataError
from toolkit.io._codes import code_level
from toolkit.io._footer import block_info, footer_info
from toolkit.io._values import parse_distinct

__all__ = ["Grid", "csv_grid", "is_layout", "read_layout", "slug"]

_CODE = re.compile(r"^(DG|\d{2}|\d{3}|\d{5}|\d{8}|\d{9}|\d{12})$")
_YEAR = re.compile(r"^(19|20)\d{2}$")
_TABLE_LINE = re.compile(r"^\s*(?:GENESIS[- ])?(?:Tabelle|Table):\s*\S+", re.IGNORECASE)
_UNIT = re.compile(
    r"^(Anzahl|Prozent|%|Promille|‰|\d+|Tsd\.?|Tausend|Mill\.?|Mio\.?|EUR|Euro|\d+ EUR|"
    r"Tsd\. EUR|1000 EUR|ha|qkm|km²|km2|m²|m2|Jahre|Personen|Stunden|Tage|Tonnen|t|kg|"
    r"Anteil in %|je 1000 Einwohner|Quote)$",
    re.IGNORECASE,
)
_UMLAUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e"})


@dataclass
class Grid:
    """Cells of a table-layout download, row by row.

    Parameters
    ----------
    rows : list of list of str
        Cell texts ("" for an empty cell).
    lines : list of int
        Line (CSV) or row (XLSX) number of each row in the file.
    table : str or None
        Table code if the container names it (XLSX sheet name).
    origin : str
        ``"csv"`` or ``"xlsx"``.

    Examples
    --------
    >>> Grid([["a"]], [1]).origin
    'csv'
    """

    rows: list[list[str]]
    lines: list[int]
    table: str | None = None
    origin: str = "csv"
    notes: list[str] = field(default_factory=list)


def slug(label: str) -> str:
    """Return the stable code of one header label.

    Examples
    --------
    >>> slug("  Nordrhein-Westfalen: Schüler/innen "), slug("Insgesamt")
    ('nordrhein_westfalen_schueler_innen', 'insgesamt')
    """
    text = label.strip().lower().translate(_UMLAUT)
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def is_layout(text: str) -> bool:
    r"""Whether decoded text starts like a table-layout download.

    Examples
    --------
    >>> is_layout("GENESIS-Tabelle: 12411-02-03-4\\n"), is_layout("statistics_code;x\\n")
    (True, False)
    """
    first = next((ln for ln in text[:4000].splitlines() if ln.strip()), "")
    return bool(_TABLE_LINE.match(first.lstrip("\ufeff")))


def csv_grid(text: str, name: str) -> Grid:
    r"""Split table-layout CSV text (``;``, quoted multi-line notes) into a grid.

    Examples
    --------
    >>> csv_grid('a;b\n"x\ny";1\n', "f.csv").lines
    [1, 2]
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";")
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for record in reader:
            rows.append(record)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(
            f"Die CSV-Struktur ist ab Zeile {start} defekt ({exc}).",
            file=name,
            rows=[start],
            hint="Datei unverändert so verwenden, wie sie heruntergeladen wurde, "
            "oder erneut herunterladen.",
        ) from None
    return Grid(rows, lines)


def _cell(row: list[str], i: int) -> str:
    return row[i].strip() if i < len(row) else ""


def _is_year_row(row: list[str]) -> bool:
    return bool(_YEAR.match(_cell(row, 0))) and not any(c.strip() for c in row[1:])


def _starts_data(row: list[str]) -> bool:
    c0, c1 = _cell(row, 0), _cell(row, 1)
    if _YEAR.match(c0):
        return bool(_CODE.match(c1))
    return bool(_CODE.match(c0)) and c1 != ""


def _expected() -> str:
    return (
        "erwartet wird eine Tabelle der Regionalstatistik/GENESIS im Tabellenlayout: Kopfblock "
        "('GENESIS-Tabelle: …'), Kopfzeilen, Datenzeilen 'Jahr;AGS;Name;Werte…' oder "
        "'AGS;Name;Gruppe;Werte…', Fußzeilen mit 'Stand:'"
    )


def _split(grid: Grid, name: str) -> tuple[list[str], list[int], int, int]:
    """Return block lines, header row indices, first and end index of the data."""
    rows = grid.rows
    i, block = 0, []
    while i < len(rows) and not any(c.strip() for c in rows[i][1:]):
        if _starts_data(rows[i]) or _is_year_row(rows[i]):
            break
        if _cell(rows[i], 0):
            block.append(_cell(rows[i], 0))
        i += 1
    header = []
    while i < len(rows) and not (_starts_data(rows[i]) or _is_year_row(rows[i])):
        if header and _cell(rows[i], 0) and not any(c.strip() for c in rows[i][1:]):
            break  # a line of text after the header rows: the data should have begun
        if any(c.strip() for c in rows[i]):
            header.append(i)
        i += 1
    if i == len(rows) or not header or not (_starts_data(rows[i]) or _is_year_row(rows[i])):
        line = grid.lines[min(i, len(rows) - 1)] if rows else 1
        what = "keine Kopfzeilen über den Daten" if not header else "keine Datenzeile"
        raise DataError(
            f"Tabellenlayout nicht erkannt: {what} gefunden; {_expected()}.",
            file=name,
            rows=[line],
            hint="Die Datei unverändert so verwenden, wie sie aus der Regionalstatistik bzw. "
            "GENESIS-Online heruntergeladen wurde ('CSV' oder 'XLSX'), oder als 'CSV (flat)' "
            "herunterladen.",
        )
    return block, header, i, len(rows)


def _label_width(rows: list[list[str]], header: list[int]) -> int:
    firsts = []
    for i in header:
        row = rows[i]
        first = next((j for j in range(1, len(row)) if row[j].strip()), None)
        if first is not None:
            firsts.append(first)
    return min(firsts) if firsts else 1


def _data_rows(grid: Grid, start: int, width: int, name: str) -> tuple[list[int], list[str], int]:
    """Return the data row indices, the year of each (from year rows), the footer start."""
    rows, lines = grid.rows, grid.lines
    taken: list[int] = []
    years: list[str] = []
    year = ""
    i = start
    while i < len(rows):
        row = rows[i]
        if _is_year_row(row):
            year = _cell(row, 0)
        elif _starts_data(row):
            if len(row) != width:
                raise DataError(
                    f"Datenzeile mit {len(row)} statt {width} Feldern (wie die Kopfzeilen).",
                    file=name,
                    rows=[lines[i]],
                    hint="Die Datei ist verändert oder abgeschnitten; erneut herunterladen.",
                )
            taken.append(i)
            years.append(year)
        elif any(c.strip() for c in row):
            break
        i += 1
    for j in range(i, len(rows)):
        if _starts_data(rows[j]) and len(rows[j]) == width:
            raise DataError(
                "Datenzeile nach dem Ende der Tabelle (im Fußteil mit Anmerkungen).",
                file=name,
                rows=[lines[j]],
                hint="Die Datei enthält vermutlich zwei aneinandergehängte Downloads; "
                "jede Tabelle als eigene Datei übergeben.",
            )
    return taken, years, i


def _columns(
    rows: list[list[str]], header: list[int], lines: list[int], first: int, width: int, name: str
) -> tuple[list[list[str]], list[str]]:
    """Header paths and units of the value columns."""
    units = [""] * (width - first)
    last = rows[header[-1]]
    cells = [_cell(last, j) for j in range(first, width)]
    if any(cells) and all(_UNIT.match(c) for c in cells if c):
        units = cells
        header = header[:-1]
    paths = [[_cell(rows[i], j) for i in header if _cell(rows[i], j)] for j in range(first, width)]
    empty = [first + k + 1 for k, p in enumerate(paths) if not p]
    if empty:
        raise DataError(
            f"Wertspalte(n) {', '.join(map(str, empty))} ohne Beschriftung in den Kopfzeilen.",
            file=name,
            rows=[lines[i] for i in header] or [lines[0]],
            hint="Die Datei unverändert so verwenden, wie sie heruntergeladen wurde.",
        )
    return paths, units


def _text(values: list, index: np.ndarray) -> pd.Series:
    """Text column ``values[index]`` (None stays missing), taken in Arrow."""
    table = pa.array(values, type=pa.large_string(), from_pandas=True)
    return pd.Series(pd.array(table.take(index), dtype="str"))


def read_layout(grid: Grid, name: str) -> pd.DataFrame:
    """Read a table-layout grid into the long frame of ``read_genesis``.

    Parameters
    ----------
    grid : Grid
        Cells from :func:`csv_grid` or :func:`toolkit.io._xlsx.xlsx_grid`.
    name : str
        File name for messages.

    Returns
    -------
    pandas.DataFrame
        Columns ``statistic, time, year, region_code, region_name,
        region_level``, ``gruppe``/``gruppe_label`` if the table has a group
        column, ``variable, variable_label, unit, value, flag``; ``.attrs``
        with ``table``, ``title``, ``stand``, ``licence``, ``attribution``,
        ``reference_date``, ``variables`` (code → label), ``columns`` (code →
        header labels), ``layout``, ``notes`` and ``source``.

    Raises
    ------
    DataError
        Naming file, line and what was expected.

    Examples
    --------
    >>> g = Grid([["Tabelle: 1-1"], ["", "", "Insgesamt"], ["DG", "D", "7"]], [1, 2, 3])
    >>> read_layout(g, "x")["time"].tolist()
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: Keine Zeitangabe: weder eine Jahresspalte noch eine Zeile 'Stichtag: TT.MM.JJJJ' im Kopfblock.
    ...
    """
    rows, lines = grid.rows, grid.lines
    block, header, start, _ = _split(grid, name)
    width = len(rows[start])
    first = _label_width(rows, header)
    taken, row_years, end = _data_rows(grid, start, width, name)
    if not taken:
        raise DataError(
            f"Tabellenlayout ohne Datenzeile (nur eine Jahreszeile); {_expected()}.",
            file=name,
            rows=[lines[start]],
            hint="Die Datei ist abgeschnitten oder leer exportiert; erneut herunterladen.",
        )
    info = block_info(block, grid.table)
    has_year_col = bool(_YEAR.match(_cell(rows[taken[0]], 0)))
    code_col = 1 if has_year_col else 0
    group_cols = list(range(code_col + 2, first))
    if has_year_col:
        times = [_cell(rows[i], 0) for i in taken]
    elif all(row_years):
        times = row_years
    elif info["reference_date"]:
        times = [info["reference_date"]] * len(taken)
    else:
        raise DataError(
            "Keine Zeitangabe: weder eine Jahresspalte noch eine Zeile 'Stichtag: TT.MM.JJJJ' "
            "im Kopfblock.",
            file=name,
            rows=[lines[start]],
            hint="Die Datei unverändert so verwenden, wie sie heruntergeladen wurde.",
        )
    paths, units = _columns(rows, header, lines, first, width, name)
    codes = ["/".join(slug(p) for p in path) for path in paths]
    seen: dict[str, int] = {}
    for k, code in enumerate(codes):
        if code in seen:
            raise DataError(
                f"Zwei Wertspalten ({seen[code] + first + 1} und {k + first + 1}) haben dieselben "
                f"Kopfzeilen ({' / '.join(paths[k])}).",
                file=name,
                rows=[lines[i] for i in header],
                hint="Die Datei unverändert so verwenden, wie sie heruntergeladen wurde.",
            )
        seen[code] = k
    n_val = width - first
    cells = np.array([rows[i][first:] for i in taken], dtype=object).reshape(len(taken), n_val)
    raw = pd.Series(cells.ravel(), dtype="str").str.strip()
    line_no = np.repeat(np.asarray([lines[i] for i in taken], dtype=np.int64), n_val)
    values, flags = parse_distinct(raw, line_no, name)
    # text columns: one value per data row or per value column, repeated by Arrow
    rep = np.repeat(np.arange(len(taken)), n_val)
    tile = np.tile(np.arange(n_val), len(taken))

    def label_col(j: int) -> list[str]:
        return [_cell(rows[i], j) for i in taken]

    region_code = label_col(code_col)
    unit_fallback = info["unit"]
    year = pd.array(pd.to_numeric(pd.Series(times, dtype="str").str[:4], errors="coerce"))
    levels = {c: code_level(c) for c in set(region_code)}
    out: dict[str, object] = {
        "statistic": _text([info["table"].split("-")[0] if info["table"] else ""], 0 * rep),
        "time": _text(times, rep),
        "year": pd.array(np.asarray(year, dtype=float)[rep], dtype="Int64"),
        "region_code": _text(region_code, rep),
        "region_name": _text(label_col(code_col + 1), rep),
        "region_level": _text([levels[c] for c in region_code], rep),
    }
    for n, j in enumerate(group_cols, start=1):
        pair = "gruppe" if len(group_cols) == 1 else f"gruppe{n}"
        labels = label_col(j)
        slugs = {v: slug(v) for v in set(labels)}
        out[pair] = _text([slugs[v] for v in labels], rep)
        out[f"{pair}_label"] = _text(labels, rep)
    out["variable"] = _text(codes, tile)
    out["variable_label"] = _text([" / ".join(p) for p in paths], tile)
    out["unit"] = _text([u or unit_fallback for u in units], tile)
    out["value"] = values
    out["flag"] = flags
    frame = pd.DataFrame(out)
    for col in frame.columns:
        if col not in ("year", "value"):
            frame[col] = frame[col].astype("str")
    foot = footer_info(["\n".join(c for c in r if c.strip()) for r in rows[end:]])
    frame.attrs = {
        "table": info["table"],
        "statistic_label": info["title"],
        "title": info["title"],
        "reference_date": info["reference_date"],
        "variables": {c: " / ".join(p) for c, p in zip(codes, paths, strict=True)},
        "columns": {c: list(p) for c, p in zip(codes, paths, strict=True)},
        "layout": f"tabelle-{grid.origin}",
        "source": name,
        **foot,
        "notes": grid.notes + foot["notes"],
    }
    return frame
