"""``dkbm read``: read a GENESIS export, check a municipal table or a directory.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="dkbm")
>>> register(parser.add_subparsers())
>>> args = parser.parse_args(["read", "x.csv", "--table", "kita"])
>>> args.table, args.out
('kita', None)
"""

from __future__ import annotations

import argparse
import errno
import os
import tempfile
from pathlib import Path

import pandas as pd

from toolkit.errors import DataError, ParameterError
from toolkit.io.dataset import read_dataset
from toolkit.io.genesis import read_genesis
from toolkit.io.schemas import TABLES
from toolkit.io.tables import read_table

__all__ = ["register", "run_read", "summarize"]


def _counts(series: pd.Series) -> str:
    counts = series.value_counts(sort=False)
    return ", ".join(f"{k or '(leer)'} {v}" for k, v in sorted(counts.items()))


def summarize(frame: pd.DataFrame, *, genesis: bool) -> str:
    """Return a short German summary of a table that was read.

    Parameters
    ----------
    frame : pandas.DataFrame
        Result of :func:`read_genesis` or :func:`read_table`.
    genesis : bool
        Whether it is a GENESIS export (adds levels and symbol counts).

    Returns
    -------
    str

    Examples
    --------
    >>> df = pd.DataFrame({"region_code": ["17001"], "year": [2024], "children": [3]})
    >>> print(summarize(df, genesis=False))
    Zeilen: 1
    Spalten: region_code, year, children
    Regionen: 1 (kreis 1)
    Jahre: 2024
    """
    lines = [f"Zeilen: {len(frame)}", "Spalten: " + ", ".join(map(str, frame.columns))]
    if genesis:
        lines.append(f"Statistik: {', '.join(sorted(set(frame['statistic'])))}")
        lines.append(f"Zeit: {', '.join(sorted(set(frame['time'].dropna())))}")
        codes = frame.drop_duplicates("region_code")
        lines.append(
            f"Regionen: {len(codes)} ({_counts(codes['region_level'].fillna('unbekannt'))})"
        )
        lines.append(f"Wertvariablen: {', '.join(sorted(set(frame['variable'])))}")
        symbols = frame.loc[frame["flag"] != "", "flag"]
        lines.append("Zeichen: " + (_counts(symbols) if len(symbols) else "keine"))
        attrs = frame.attrs
        for key, label in (("table", "Tabelle"), ("stand", "Stand"), ("licence", "Lizenz")):
            if attrs.get(key):
                lines.append(f"{label}: {attrs[key]}")
        return "\n".join(lines)
    code_col = next((c for c in ("region_code", "sozialraum") if c in frame.columns), None)
    if code_col is not None:
        from toolkit.io._codes import code_level

        codes = frame[code_col].drop_duplicates()
        levels = codes.map(lambda c: code_level(c) or "unbekannt")
        lines.append(f"Regionen: {len(codes)} ({_counts(levels)})")
    if "year" in frame.columns:
        years = sorted(set(frame["year"].dropna().astype(int)))
        shown = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
        lines.append(f"Jahre: {shown}")
    return "\n".join(lines)


def _check_out(out: Path) -> None:
    if out.suffix.lower() not in (".csv", ".parquet"):
        raise ParameterError(
            f"--out {out}: unbekanntes Ausgabeformat {out.suffix!r}.",
            hint="Endung .csv oder .parquet",
        )


def _write(frame: pd.DataFrame, out: Path) -> None:
    """Write to a temporary file next to ``out`` and move it into place only when complete.

    A full disk or any other failure leaves an existing ``out`` untouched and
    removes the partial temporary file.
    """
    suffix = out.suffix.lower()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    except OSError as exc:
        raise DataError(
            f"Ausgabeordner nicht beschreibbar ({exc.strerror}).",
            file=str(out.parent),
            hint="Einen anderen Pfad für --out wählen oder die Rechte prüfen.",
        ) from None
    os.close(handle)
    tmp = Path(name)
    try:
        if suffix == ".csv":
            frame.to_csv(tmp, index=False, encoding="utf-8")
        else:
            frame.to_parquet(tmp, index=False)
        with open(tmp, "rb+") as written:
            os.fsync(written.fileno())
        os.chmod(tmp, out.stat().st_mode & 0o777 if out.exists() else 0o644)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        full = exc.errno == errno.ENOSPC
        raise DataError(
            (
                "Kein Platz mehr auf dem Datenträger"
                if full
                else f"Schreiben fehlgeschlagen ({exc.strerror or exc})"
            )
            + f"; {out.name} wurde nicht verändert.",
            file=str(out),
            hint="Platz schaffen bzw. Rechte prüfen und erneut ausführen."
            if full
            else "Pfad und Rechte prüfen und erneut ausführen.",
        ) from None
    finally:
        tmp.unlink(missing_ok=True)


def _read_directory(path: Path, args: argparse.Namespace) -> int:
    if args.out or args.table or args.sheet or args.regions:
        raise ParameterError(
            "Für ein Verzeichnis sind --out, --table, --sheet und --regions nicht vorgesehen.",
            hint="Ein Verzeichnis wird als Ganzes geprüft (regions.csv gilt für alle Tabellen).",
        )
    ds = read_dataset(path)
    kind = "synthetisch" if ds.synthetic else "echt"
    print(f"Datenverzeichnis gültig ({kind}): {path}")
    for name in ds.names:
        print(f"  {name}: {len(ds.tables[name])} Zeilen")
    return 0


def run_read(args: argparse.Namespace) -> int:
    """Run ``dkbm read``; print a summary.

    A :class:`~toolkit.errors.DataError` propagates to :func:`toolkit.cli.main`,
    which prints the full problem list and exits with code 2.

    Parameters
    ----------
    args : argparse.Namespace
        ``file``, ``table``, ``out``, ``sheet``, ``regions``.

    Returns
    -------
    int
        0 on success.

    Examples
    --------
    >>> from toolkit.io.genesis import GENESIS_SAMPLE_DIR
    >>> ns = argparse.Namespace(file=str(GENESIS_SAMPLE_DIR / "12211-0001_de_flat.csv"),
    ...                         table=None, out=None, sheet=None, regions=None)
    >>> run_read(ns)
    GENESIS-Export: ...12211-0001_de_flat.csv
    Zeilen: 225
    ...
    0
    """
    path = Path(args.file)
    if path.is_dir():
        return _read_directory(path, args)
    if args.out:
        _check_out(Path(args.out))
    stem = path.name.split(".", 1)[0].lower()
    table = args.table or (stem if stem in TABLES else None)
    if table is None:
        frame = read_genesis(path)
        print(f"GENESIS-Export: {path}")
        print(summarize(frame, genesis=True))
    else:
        regions = None
        if args.regions:
            regions = read_table(args.regions, table="regions")
        frame = read_table(path, table=table, regions=regions, sheet=args.sheet)
        print(f"Tabelle {table!r} gültig: {path}")
        print(summarize(frame, genesis=False))
    if args.out:
        _write(frame, Path(args.out))
        print(f"Geschrieben: {args.out}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``read`` sub-command to the ``dkbm`` parser.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        Result of ``parser.add_subparsers()``.

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> register(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["read", "a.csv"]).command
    'read'
    """
    p = subparsers.add_parser(
        "read",
        help="GENESIS-Export lesen oder eine kommunale Tabelle prüfen",
        description=(
            "Liest einen GENESIS-/Regionalstatistik-Download (Flat-CSV, CSV im Tabellenlayout "
            "oder XLSX, auch in .zip/.gz) oder prüft eine "
            "kommunale Tabelle (CSV, Excel, Parquet) gegen ihr Schema und gibt eine kurze "
            "Übersicht oder die vollständige Fehlerliste aus (Rückgabewert 2 bei Fehlern)."
        ),
    )
    p.add_argument(
        "file", help="GENESIS-Export, Tabelle wie kita.csv oder ein Verzeichnis mit Tabellen"
    )
    p.add_argument(
        "--table",
        choices=sorted(TABLES),
        help="Tabellenname (Standard: aus dem Dateinamen; sonst GENESIS-Export)",
    )
    p.add_argument("--out", help="Ergebnis speichern als .csv oder .parquet")
    p.add_argument("--sheet", help="Excel-Tabellenblatt")
    p.add_argument("--regions", help="regions-Tabelle: Regionalschlüssel dagegen prüfen")
    p.set_defaults(func=run_read)
