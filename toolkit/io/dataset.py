r"""A directory of canonical tables, read and checked as a whole.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "berufe.csv").write_text("beruf,beruf_name,zustaendigkeit\n"
...                                   "26110,Mechatroniker/in,ih\n", encoding="utf-8")
>>> ds = read_dataset(d)
>>> ds.berufe.shape, ds.synthetic
((1, 3), False)
"""

from __future__ import annotations

import difflib
import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit._derived import DerivedTables
from toolkit.errors import DataError, Problem
from toolkit.io._formats import RawTable, read_raw
from toolkit.io._guards import check_regular_file
from toolkit.io._source import DataWarning
from toolkit.io.schemas import TABLES
from toolkit.io.tables import finalize, validate_raw

__all__ = ["Dataset", "read_dataset", "read_sample"]

_SUFFIXES = (".csv", ".csv.gz", ".csv.zip", ".parquet", ".xlsx")
_DATA_LIKE = (".csv", ".gz", ".zip", ".parquet", ".xlsx", ".xlsm", ".xls", ".ods", ".txt", ".tsv")
_IGNORED = {"meta.json", "bericht.toml", "readme.md", "source.md", "licence.md", "license.md"}


class _MissingTable(DataError, AttributeError):
    """A table the dataset does not contain (also an AttributeError for getattr)."""


@dataclass(frozen=True)
class Dataset:
    """A validated set of canonical tables.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        Table name (``population``, ``kita``, ...) -> validated table.
    meta : dict
        Contents of ``meta.json`` (empty if there is none).
    source : pathlib.Path or None
        Directory the tables were read from.
    synthetic : bool
        True for invented sample data (``meta.json``: ``"synthetic": true``);
        reports made from them must say so.
    derived : DerivedTables
        What the indicator engine derived from each table (checked, rolled
        up), kept while the table is unchanged; starts empty, never pickled
        with its contents. A copy with the same tables may share it (entries
        are checked against the very table they were made from).

    Examples
    --------
    >>> ds = Dataset({"berufe": pd.DataFrame({"beruf": ["1"]})})
    >>> ds.berufe.shape, "berufe" in ds, ds.names
    ((1, 1), True, ['berufe'])
    """

    tables: dict[str, pd.DataFrame]
    meta: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None
    synthetic: bool = False
    derived: DerivedTables = field(default_factory=DerivedTables, repr=False, compare=False)

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name.startswith("_") or name in ("tables", "meta", "source", "synthetic", "derived"):
            raise AttributeError(name)
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        if name in TABLES:
            raise _MissingTable(
                f"Der Datensatz enthält keine Tabelle {name!r}.",
                file=None if self.source is None else str(self.source),
                hint=f"Datei {name}.csv (oder .parquet/.xlsx) in das Datenverzeichnis legen.",
            )
        raise AttributeError(f"Dataset hat kein Attribut {name!r}")

    def __contains__(self, name: object) -> bool:
        return name in self.tables

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self.tables))

    def __repr__(self) -> str:
        parts = ", ".join(f"{k}: {len(v)} Zeilen" for k, v in self.tables.items())
        kind = "synthetisch" if self.synthetic else "echt"
        return f"Dataset({self.source}, {kind}; {parts})"

    @property
    def names(self) -> list[str]:
        """Names of the tables present, in contract order.

        Examples
        --------
        >>> Dataset({}).names
        []
        """
        return [t for t in TABLES if t in self.tables]

    def hierarchy(self) -> Any:
        """Return the region hierarchy built from the ``regions`` table.

        Returns
        -------
        toolkit.regions.RegionHierarchy

        Examples
        --------
        >>> regions = pd.DataFrame({"region_code": ["DG", "17"],
        ...                         "region_name": ["Deutschland", "Musterland"]})
        >>> Dataset({"regions": regions}).hierarchy().codes()
        ['DG', '17']
        """
        from toolkit.regions import RegionHierarchy

        return RegionHierarchy.from_frame(self.regions, file="regions")


def _meant_table(name: str) -> str | None:
    """Return the table a misnamed file was probably meant for (``kita 2024.csv``: kita)."""
    lower = name.lower()
    if not lower.endswith(_DATA_LIKE):
        return None
    stem = lower.split(".", 1)[0].strip()
    head = re.match(r"[a-z_]+", stem)
    if head is None:
        return None
    word = head.group(0).strip("_")
    if word in TABLES:
        return word
    close = difflib.get_close_matches(word, list(TABLES), n=1, cutoff=0.8)
    return close[0] if close else None


def _table_files(directory: Path) -> dict[str, Path]:
    found: dict[str, list[Path]] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    for path in sorted(directory.iterdir()):
        lower = path.name.lower()
        if lower in _IGNORED or lower.startswith("."):
            continue
        suffix = next((s for s in _SUFFIXES if lower.endswith(s)), None)
        stem = lower[: -len(suffix)] if suffix else ""
        if path.is_dir():
            if suffix is not None and stem in TABLES:
                problems.append(
                    Problem(
                        f"[{path.name}] ist ein Ordner, keine Datei; die Tabelle {stem!r} "
                        "fehlt deshalb",
                        hint="den Ordner umbenennen und die Tabelle als Datei ablegen",
                    )
                )
            continue
        if suffix is None or stem not in TABLES:
            ignored.append(path.name)
            continue
        found.setdefault(stem, []).append(path)
    double = {k: v for k, v in found.items() if len(v) > 1}
    if double:
        name, paths = next(iter(double.items()))
        raise DataError(
            f"Tabelle {name!r} liegt mehrfach vor: " + ", ".join(p.name for p in paths) + ".",
            file=str(directory),
            hint="Nur eine Datei je Tabelle im Verzeichnis lassen.",
        )
    meant = {n: t for n in ignored if (t := _meant_table(n)) is not None}
    for file, table in meant.items():
        fix = (
            "als .xlsx oder CSV speichern"
            if file.lower().endswith((".xls", ".ods"))
            else f"in {table}.csv (bzw. .csv.gz, .csv.zip, .xlsx, .parquet) umbenennen"
        )
        if table not in found:
            problems.append(
                Problem(
                    f"[{file}] ist vermutlich die Tabelle {table!r}, wird unter diesem Namen "
                    "aber nicht gelesen",
                    hint=fix,
                )
            )
    if problems:
        raise DataError(
            f"{len(problems)} Problem(e) mit den Dateinamen im Datenverzeichnis.",
            file=str(directory),
            problems=problems,
            hint="Jede Tabelle heißt wie in data_samples/README.md, z. B. kita.csv.",
        )
    if ignored:
        notes = [
            f"{n} (vermutlich {meant[n]!r}, liegt aber schon vor)" if n in meant else n
            for n in ignored
        ]
        warnings.warn(
            f"{directory}: Dateien ohne bekannten Tabellennamen werden ignoriert: "
            + ", ".join(notes),
            DataWarning,
            stacklevel=3,
        )
    return {k: v[0] for k, v in found.items()}


def read_json_object(path: Path) -> dict[str, Any]:
    """Read a JSON file that must hold one object, or raise a DataError naming it.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "meta.json"
    >>> _ = p.write_text('{"synthetic": false}', encoding="utf-8")
    >>> read_json_object(p)
    {'synthetic': False}
    """
    check_regular_file(path)  # a FIFO named meta.json would block
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(
            f"{path.name} ist kein gültiges JSON ({exc}).",
            file=str(path),
            hint="Datei korrigieren oder löschen.",
        ) from None
    if not isinstance(meta, dict):
        raise DataError(f"{path.name} muss ein JSON-Objekt sein.", file=str(path))
    return meta


def _read_meta(directory: Path) -> dict[str, Any]:
    path = directory / "meta.json"
    meta = read_json_object(path) if path.exists() else {}
    flag = meta.get("synthetic", False)
    if not isinstance(flag, bool):
        raise DataError(
            f'meta.json: "synthetic" muss true oder false sein (ohne Anführungszeichen), '
            f"gefunden: {json.dumps(flag)[:40]}.",
            file=str(path),
            hint='"synthetic": true für erfundene Daten, "synthetic": false für echte.',
        )
    return meta


def _prefixed(raw_file: str, problems: list[Problem]) -> list[Problem]:
    name = Path(raw_file.split(":", 1)[0].split("[", 1)[0]).name
    return [Problem(f"[{name}] {p.message}", p.column, p.rows, p.hint) for p in problems]


def _hierarchy_problems(regions: pd.DataFrame, file: str) -> list[Problem]:
    from toolkit.regions import RegionHierarchy

    try:
        RegionHierarchy.from_frame(finalize(regions, "regions"), file=file)
    except DataError as exc:
        # the hierarchy counts records from 1; the file's lines are the frame's index
        lines = regions.index
        rows = tuple(int(lines[r - 1]) if 0 < r <= len(lines) else r for r in exc.rows)
        return _prefixed(file, [Problem(exc.message, exc.column, rows, exc.hint)])
    return []


def _cross_problems(typed: dict[str, pd.DataFrame], raws: dict[str, RawTable]) -> list[Problem]:
    problems: list[Problem] = []
    if "berufe" not in typed:
        return problems
    known = set(typed["berufe"]["beruf"].dropna())
    for name in ("contracts_new", "contracts_dissolved"):
        if name in typed and "beruf" in typed[name]:
            col = typed[name]["beruf"]
            bad = col[col.notna() & ~col.isin(known)]
            if len(bad):
                problems += _prefixed(
                    raws[name].file,
                    [
                        Problem(
                            "Beruf nicht in berufe: " + ", ".join(sorted(set(bad))[:5]),
                            column="beruf",
                            rows=tuple(int(i) for i in bad.index),
                            hint="Beruf in berufe ergänzen oder den Code korrigieren",
                        )
                    ],
                )
    return problems


def read_dataset(directory: str | Path) -> Dataset:
    """Read and validate a directory of canonical tables.

    Each file ``<table>.csv`` (or ``.csv.gz``, ``.parquet``, ``.xlsx``) whose
    stem is a table name of ``data_samples/README.md`` is read with the
    rules of :func:`toolkit.io.read_table`. If a ``regions`` table is present,
    every region code in the other tables must be in it, and Berufe of the
    contract tables must be in ``berufe``. ``meta.json`` is read if present.

    Parameters
    ----------
    directory : str or pathlib.Path
        Directory holding the tables.

    Returns
    -------
    Dataset

    Raises
    ------
    DataError
        One error listing every problem of every table (each prefixed with
        its file name), or if the directory holds no table at all.

    Examples
    --------
    >>> read_dataset("/does/not/exist")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: Datenverzeichnis nicht gefunden.
    ...
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise DataError(
            "Datenverzeichnis nicht gefunden.",
            file=str(directory),
            hint="Pfad prüfen; erwartet wird ein Verzeichnis mit Tabellen wie population.csv.",
        )
    files = _table_files(directory)
    if not files:
        raise DataError(
            "Im Verzeichnis liegt keine bekannte Tabelle.",
            file=str(directory),
            hint="Erwartet werden Dateien wie " + ", ".join(f"{t}.csv" for t in TABLES),
        )
    meta = _read_meta(directory)
    raws: dict[str, RawTable] = {}
    typed: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    known = None
    for name in TABLES:  # regions first: the other tables are checked against it
        if name not in files:
            continue
        kinds = {c.name: c.kind for c in TABLES[name].columns}
        try:
            raw = read_raw(files[name], table=name, kinds=kinds)
        except DataError as exc:
            problems.append(
                Problem(f"[{files[name].name}] {exc.message}", exc.column, exc.rows, exc.hint)
            )
            problems += _prefixed(str(files[name]), list(exc.problems))
            continue
        raws[name] = raw
        frame, found = validate_raw(raw, name, known_codes=known)
        problems += _prefixed(raw.file, found)
        typed[name] = frame
        if name == "regions" and not found:
            known = frozenset(frame["region_code"])
            problems += _hierarchy_problems(frame, raw.file)
    problems += _cross_problems(typed, raws)
    if problems:
        raise DataError(
            f"{len(problems)} Problem(e) im Datenverzeichnis. Zeilennummern wie in der Datei: "
            "Kopfzeile = Zeile 1, erste Datenzeile = Zeile 2 (Parquet: Nummer des Datensatzes).",
            file=str(directory),
            problems=problems,
            hint="Alle aufgeführten Stellen korrigieren; die Tabellen sind in "
            "data_samples/README.md beschrieben.",
        )
    for raw in raws.values():
        for note in raw.notes:
            warnings.warn(f"{raw.file}: {note}", DataWarning, stacklevel=2)
    tables = {name: finalize(frame, name) for name, frame in typed.items()}
    for name, frame in tables.items():
        frame.attrs = {"source": raws[name].file, "table": name}
    return Dataset(
        tables=tables,
        meta=meta,
        source=directory.resolve(),
        synthetic=bool(meta.get("synthetic", False)),
    )


def read_sample() -> Dataset:
    """Read the committed synthetic sample data "Musterland".

    Returns
    -------
    Dataset
        ``read_dataset(toolkit.samples.sample_dir())``; ``synthetic`` is True.

    Examples
    --------
    >>> ds = read_sample()
    >>> ds.synthetic, ds.regions.loc[1, "region_code"]
    (True, '17')
    """
    from toolkit.samples import sample_dir

    return read_dataset(sample_dir())
