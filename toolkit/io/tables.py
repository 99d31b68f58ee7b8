r"""Reading and validating one municipal table (CSV, Excel, Parquet).

The reader takes every cell as text, converts it according to the table's
:class:`~toolkit.io.schemas.TableSpec`, validates the result with the pandera
schema (``lazy=True``) and turns *all* failures into one
:class:`~toolkit.errors.DataError` whose problems name the column, the row
numbers as the user sees them in the file and what was expected.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "kita.csv"
>>> _ = p.write_text("region_code;year;age_group;care_type;children\n"
...                  "17001000;2024;u3;kita;-4\n", encoding="utf-8")
>>> read_table(p)
Traceback (most recent call last):
...
toolkit.errors.DataError: 1 Problem(e) in Tabelle 'kita' ...
...
"""

from __future__ import annotations

import difflib
import warnings
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import pandera.errors as pa_errors

from toolkit.errors import DataError, ParameterError, Problem
from toolkit.io._convert import convert_column
from toolkit.io._formats import RawTable, read_raw
from toolkit.io._problems import describe_failure, pandera_problems, spec_order
from toolkit.io._source import DataWarning
from toolkit.io._table_guards import count_problem, duplicate_rows, flag_problems
from toolkit.io.schemas import (
    KEY_CHECK,
    TABLES,
    TableSpec,
    final_dtype,
    table_schema,
)

__all__ = ["known_region_codes", "read_table", "table_name_for"]


def table_name_for(path: str | Path) -> str:
    """Return the canonical table a file name stands for.

    Parameters
    ----------
    path : str or pathlib.Path
        File such as ``kita.csv``, ``kita.csv.gz`` or ``population.parquet``.

    Returns
    -------
    str
        Table name.

    Raises
    ------
    ParameterError
        If the file stem is not a canonical table name.

    Examples
    --------
    >>> table_name_for("/data/kita.csv.gz")
    'kita'
    """
    name = Path(path).name
    stem = name.split(".", 1)[0].strip().lower()
    if stem not in TABLES:
        raise ParameterError(
            f"Aus dem Dateinamen {name!r} geht keine bekannte Tabelle hervor.",
            hint="table=... angeben; bekannte Tabellen: " + ", ".join(TABLES),
        )
    return stem


def known_region_codes(regions: Any) -> frozenset[str]:
    """Return the set of region codes in a hierarchy, table or list.

    Parameters
    ----------
    regions : RegionHierarchy, pandas.DataFrame, path or iterable of str
        A :class:`toolkit.regions.RegionHierarchy`, a frame with a
        ``region_code`` column (like ``regions.csv``), the path of a regions
        table, or codes.

    Returns
    -------
    frozenset of str

    Examples
    --------
    >>> sorted(known_region_codes(["17", "DG"]))
    ['17', 'DG']
    """
    if hasattr(regions, "codes") and callable(regions.codes):
        return frozenset(str(c) for c in regions.codes())
    if isinstance(regions, pd.DataFrame):
        if "region_code" not in regions.columns:
            raise ParameterError(
                "regions: der DataFrame hat keine Spalte 'region_code'.",
                hint="Eine Regionstabelle wie regions.csv oder eine RegionHierarchy übergeben.",
            )
        return frozenset(str(c) for c in regions["region_code"].dropna())
    if isinstance(regions, str | Path):
        return known_region_codes(read_table(regions, table="regions"))
    return frozenset(str(c) for c in regions)


def _column_problems(raw: RawTable, spec: TableSpec, extra_columns: str) -> list[Problem]:
    problems: list[Problem] = []
    header = raw.header
    dupes = sorted({h for h in header if header.count(h) > 1})
    for d in dupes:
        problems.append(Problem("Spalte kommt mehrfach vor", column=d, hint="eine davon löschen"))
    missing = spec.missing(header)
    unknown = [h for h in header if h not in spec.names]
    for group in spec.conflicting(header):
        problems.append(
            Problem(
                f"Spalten {' und '.join(group)} schließen sich aus",
                column=group[-1],
                hint=f"nur eine davon behalten ({' oder '.join(group)}), siehe data_samples/README.md",
            )
        )
    for col in missing:
        close = difflib.get_close_matches(col, unknown, n=1, cutoff=0.6)
        if len(missing) == 1 and len(unknown) == 1 and not close:
            close = unknown
        hint = "Spalte ergänzen"
        if col.lower() in {h.lower().strip() for h in unknown}:
            hint = "Groß-/Kleinschreibung oder Leerzeichen im Spaltennamen korrigieren"
        elif close:
            hint = f"umbenannt? Spalte {close[0]!r} in {col!r} umbenennen"
        problems.append(
            Problem(f"Spalte fehlt (erwartet: {spec.describe()})", column=col, hint=hint)
        )
    if unknown and extra_columns == "error":
        for col in unknown:
            problems.append(
                Problem(
                    "unbekannte Spalte",
                    column=col,
                    hint="löschen, umbenennen oder read_table(..., extra_columns='drop')",
                )
            )
    elif unknown and extra_columns == "drop":
        warnings.warn(
            f"{raw.file}: unbekannte Spalte(n) {', '.join(unknown)} werden ignoriert.",
            DataWarning,
            stacklevel=3,
        )
    return problems


def validate_raw(
    raw: RawTable,
    table: str,
    *,
    known_codes: frozenset[str] | None = None,
    extra_columns: str = "error",
) -> tuple[pd.DataFrame, list[Problem]]:
    """Convert and validate raw cells; return the typed table and all problems.

    Parameters
    ----------
    raw : RawTable
        Cells as read by :func:`toolkit.io._formats.read_raw`.
    table : str
        Canonical table name.
    known_codes : frozenset of str, optional
        Region codes that exist.
    extra_columns : {"error", "drop"}
        What to do with columns the table does not define.

    Returns
    -------
    tuple of (pandas.DataFrame, list of Problem)
        The typed table (index = row numbers) and the problems found.

    Examples
    --------
    >>> from toolkit.io._formats import RawTable
    >>> cells = pd.DataFrame({"beruf": ["1"], "beruf_name": ["Koch"],
    ...                       "zustaendigkeit": ["zz"]}, index=[2], dtype="str")
    >>> _, problems = validate_raw(RawTable("b.csv", list(cells.columns), cells), "berufe")
    >>> problems[0].column, problems[0].rows
    ('zustaendigkeit', (2,))
    """
    spec = TABLES[table]
    problems = list(raw.problems)
    raw, flags, gap = _split_flag(raw, spec, problems)
    problems += _column_problems(raw, spec, extra_columns)
    present = [c for c in spec.names if c in raw.header and raw.header.count(c) == 1]
    typed = {}
    seen: set[tuple[str, int]] = set()
    for col in present:
        values, problem = convert_column(raw.cells[col], spec.column(col))
        typed[col] = values
        if problem is None and spec.column(col).kind == "count":
            problem = count_problem(values, col)
        if problem is not None:
            problems.append(problem)
            seen.update((col, r) for r in problem.rows)
    frame = pd.DataFrame(typed, index=raw.cells.index)
    schema = table_schema(table, known_codes, columns=present)
    # duplicate keys are checked below in bounded memory, not by pandera
    schema.checks = [c for c in schema.checks if c.error != KEY_CHECK]
    dup_rows, n_dup = duplicate_rows(frame, spec)
    if n_dup:
        found = describe_failure(frame, spec, None, "unique", dup_rows)
        problems.append(
            Problem(f"{found.message} ({n_dup} Zeilen betroffen)", None, found.rows, found.hint)
        )
    try:
        schema.validate(frame, lazy=True)
    except pa_errors.SchemaErrors as exc:
        problems += pandera_problems(frame, spec, exc.failure_cases, seen)
    except pa_errors.SchemaError as exc:  # pragma: no cover - lazy=True collects all
        problems.append(Problem(f"Prüfung fehlgeschlagen: {exc}"))
    by_row = sorted(
        (p for p in problems if p.rows), key=lambda p: (p.rows[0], spec_order(spec, p.column))
    )
    if flags is not None:
        if gap is not None and spec.count_column in frame:
            frame[spec.count_column] = frame[spec.count_column].mask(gap.to_numpy())
        frame["flag"] = flags
    return frame, [p for p in problems if not p.rows] + by_row


def _split_flag(
    raw: RawTable, spec: TableSpec, problems: list[Problem]
) -> tuple[RawTable, pd.Series | None, pd.Series | None]:
    """Take the documented ``flag`` column out of a count table (see _table_guards)."""
    count = spec.count_column
    if count is None or raw.header.count("flag") != 1:
        return raw, None, None
    flags = raw.cells["flag"]
    cells = raw.cells.drop(columns="flag")
    header = [h for h in raw.header if h != "flag"]
    gap = None
    if count in cells:
        gap, found = flag_problems(flags, cells[count], count)
        problems += found
        # a gap is validated as 0 and becomes <NA> afterwards; '-' with no number is 0
        cells.loc[gap | ((cells[count] == "") & (flags == "-")), count] = "0"
    out = RawTable(raw.file, header, cells, raw.convention, raw.notes, raw.problems)
    return out, flags, gap


def raise_problems(raw: RawTable, table: str, problems: list[Problem]) -> None:
    """Raise one DataError listing all problems, if there are any.

    Examples
    --------
    >>> raise_problems(RawTable("f.csv", [], pd.DataFrame()), "kita", [])
    """
    if not problems:
        return
    first_col = next((p.column for p in problems if p.column), None)
    rows = sorted({r for p in problems for r in p.rows})
    raise DataError(
        f"{len(problems)} Problem(e) in Tabelle {table!r} ({TABLES[table].title}). "
        + raw.convention,
        file=raw.file,
        column=first_col if len(problems) == 1 else None,
        rows=rows if len(problems) == 1 else None,
        problems=problems,
        hint="Alle aufgeführten Stellen korrigieren und die Datei erneut einlesen; "
        "die Spalten sind in data_samples/README.md beschrieben.",
    )


def finalize(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Return the validated table with final dtypes and a fresh index.

    Examples
    --------
    >>> df = pd.DataFrame({"beruf": ["1"], "beruf_name": ["Koch"], "zustaendigkeit": ["hw"]})
    >>> finalize(df, "berufe").dtypes.astype(str).tolist()
    ['str', 'str', 'str']
    """
    spec = TABLES[table]
    out = pd.DataFrame(
        {
            c.name: frame[c.name].astype(
                "Int64" if c.kind == "count" and frame[c.name].hasnans else final_dtype(c)
            )
            for c in spec.columns
            if c.name in frame
        },
    )
    if "flag" in frame and spec.count_column:
        out["flag"] = frame["flag"].astype("str")
    return out.reset_index(drop=True)


def read_table(
    path: str | Path,
    table: str | None = None,
    regions: Any = None,
    *,
    sheet: str | None = None,
    extra_columns: Literal["error", "drop"] = "error",
) -> pd.DataFrame:
    r"""Read and validate one canonical municipal table.

    Parameters
    ----------
    path : str or pathlib.Path
        ``.csv`` with ``;`` or ``,`` (also gzip or a ZIP with one CSV;
        UTF-8, UTF-8 with BOM, or Windows-1252/Latin-1 with a
        :class:`DataWarning`), ``.xlsx`` or ``.parquet``.
    table : str, optional
        Table name as in ``data_samples/README.md`` (``population``,
        ``kita``, ...); default: the file's stem.
    regions : RegionHierarchy, DataFrame, path or iterable of str, optional
        Known regions (e.g. ``"daten/regions.csv"``); every region code must
        then be one of them.
    sheet : str, optional
        Excel sheet (default: the sheet named like the table, or the only one).
    extra_columns : {"error", "drop"}
        Columns the table does not define are an error by default; ``"drop"``
        ignores them with a :class:`DataWarning`.

    Returns
    -------
    pandas.DataFrame
        Columns in contract order; codes and categories as ``str``, counts
        ``int64``, flags ``bool``, optional answers ``Int64``/``boolean``.

    Raises
    ------
    DataError
        One error listing every problem: file, column, row numbers (CSV and
        Excel: header = row 1, first data row = row 2; Parquet: record
        number) and what was expected.
    ParameterError
        Unknown table name or bad ``extra_columns``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "kita.csv"
    >>> _ = p.write_text("region_code,year,age_group,care_type,children\n"
    ...                  "08111000,2024,u3,kita,1520\n", encoding="utf-8")
    >>> df = read_table(p)
    >>> df.loc[0, "region_code"], int(df.loc[0, "children"])
    ('08111000', 1520)
    """
    if extra_columns not in ("error", "drop"):
        raise ParameterError(
            f"extra_columns={extra_columns!r} ist nicht erlaubt.", hint="'error' oder 'drop'"
        )
    name = table_name_for(path) if table is None else table
    if name not in TABLES:
        raise ParameterError(
            f"Unbekannte Tabelle {name!r}.", hint="Bekannte Tabellen: " + ", ".join(TABLES)
        )
    known = known_region_codes(regions) if regions is not None else None
    kinds = {c.name: c.kind for c in TABLES[name].columns}
    raw = read_raw(path, table=name, kinds=kinds, sheet=sheet)
    frame, problems = validate_raw(raw, name, known_codes=known, extra_columns=extra_columns)
    raise_problems(raw, name, problems)
    for note in raw.notes:
        warnings.warn(f"{raw.file}: {note}", DataWarning, stacklevel=2)
    out = finalize(frame, name)
    out.attrs = {"source": raw.file, "table": name, "notes": list(raw.notes)}
    return out
