"""``dkbm indicators list|compute``: the catalogue and an indicator table.

This is the only place of the indicators package that reads or writes files.

Examples
--------
>>> import argparse
>>> p = argparse.ArgumentParser(prog="dkbm")
>>> register(p.add_subparsers())
>>> p.parse_args(["indicators", "compute", "--region", "17", "--period", "2024"]).period
2024
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from toolkit.errors import ParameterError
from toolkit.indicators.catalog import TOPICS, catalog, catalog_markdown
from toolkit.indicators.coverage import coverage
from toolkit.indicators.engine import compute_all
from toolkit.indicators.frame import LEVELS
from toolkit.regions import level_of, normalize_code, parent_of

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``indicators`` command with ``list`` and ``compute``.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        Sub-parsers of the ``dkbm`` parser.

    Examples
    --------
    >>> p = argparse.ArgumentParser(prog="dkbm")
    >>> register(p.add_subparsers())
    >>> p.parse_args(["indicators", "list", "--markdown"]).markdown
    True
    """
    parser = subparsers.add_parser(
        "indicators", help="Indikatorenkatalog anzeigen und Indikatoren berechnen"
    )
    sub = parser.add_subparsers(dest="indicators_command", metavar="BEFEHL")
    parser.set_defaults(func=lambda args: parser.print_help() or 1)

    p_list = sub.add_parser("list", help="Indikatorenkatalog ausgeben")
    p_list.add_argument("--markdown", action="store_true", help="als Markdown (docs/indicators.md)")
    p_list.add_argument("--topic", choices=list(TOPICS), help="nur ein Themenbereich")
    p_list.set_defaults(func=_list)

    p_comp = sub.add_parser("compute", help="Indikatoren einer Region und eines Jahres berechnen")
    p_comp.add_argument("--region", required=True, help="Regionalschlüssel, z. B. 17 oder 17001000")
    p_comp.add_argument("--period", required=True, type=int, help="Berichtsjahr, z. B. 2024")
    p_comp.add_argument(
        "--data", help="Verzeichnis mit den Tabellen (Standard: Beispieldaten Musterland)"
    )
    p_comp.add_argument(
        "--levels",
        nargs="+",
        choices=list(LEVELS),
        help="zusätzlich die untergeordneten Regionen dieser Ebenen ausgeben (z. B. kreis gemeinde)",
    )
    p_comp.add_argument("--indicators", nargs="+", metavar="CODE", help="nur diese Indikatoren")
    p_comp.add_argument(
        "--breakdowns", action="store_true", help="auch Aufgliederungen (Geschlecht, …) ausgeben"
    )
    p_comp.add_argument("--out", help="Ergebnis (alle Zeilen) als .csv oder .parquet speichern")
    p_comp.set_defaults(func=_compute)


def _list(args: argparse.Namespace) -> int:
    if args.markdown:
        print(catalog_markdown())
        return 0
    cat = catalog()
    if args.topic:
        cat = cat[cat["topic"] == args.topic]
    with pd.option_context(
        "display.width", 200, "display.max_colwidth", 60, "display.max_rows", 500
    ):
        print(cat[["code", "name_de", "unit", "levels", "topic"]].to_string(index=False))
    return 0


def _ancestors(code: str) -> list[str]:
    out = []
    parent = parent_of(code)
    while parent is not None:
        out.append(parent)
        parent = parent_of(parent)
    return out


def _compute(args: argparse.Namespace) -> int:
    from toolkit.io import read_dataset, read_sample

    region = normalize_code(args.region)
    out_path = Path(args.out) if args.out else None
    if out_path is not None and out_path.suffix.lower() not in (".csv", ".parquet"):
        raise ParameterError(
            f"--out {args.out}: nur .csv oder .parquet.", hint="z. B. --out indikatoren.csv"
        )
    dataset = read_dataset(args.data) if args.data else read_sample()
    codes = [region, *_ancestors(region)]
    if args.levels:
        frame = compute_all(dataset, periods=args.period, indicators=args.indicators)
        lv = frame["level"]
        below = frame["region_code"].str.startswith(
            region if level_of(region) != "bund" else ""
        ) & lv.isin(args.levels)
        frame = frame[frame["region_code"].isin(codes) | below].reset_index(drop=True)
    else:
        frame = compute_all(dataset, regions=codes, periods=args.period, indicators=args.indicators)
    if getattr(dataset, "synthetic", False):
        print(
            "Hinweis: synthetische Beispieldaten (Musterland), keine echten Werte.", file=sys.stderr
        )
    if out_path is not None:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        if out_path.suffix.lower() == ".csv":
            frame.to_csv(out_path, index=False)
        else:
            frame.to_parquet(out_path, index=False)
        print(f"{len(frame)} Zeilen geschrieben: {out_path}", file=sys.stderr)
    shown = frame if args.breakdowns else frame[frame["dimension"] == ""]
    # per indicator: the region first, then its Land and Bund, then sub-regions
    position = {code: i for i, code in enumerate(codes)}
    shown = shown.assign(
        _g=shown.groupby(["indicator", "dimension", "category"], sort=False).ngroup(),
        _p=shown["region_code"].map(position).fillna(len(position)),
    ).sort_values(["_g", "_p"], kind="stable")
    cov = coverage(dataset, args.indicators, region=region, period=args.period)
    missing = cov[~cov["available"] & ~cov["indicator"].isin(set(frame["indicator"]))]
    for code, why in zip(missing["indicator"], missing["reason"], strict=True):
        print(f"Nicht enthalten: {code}: {why}", file=sys.stderr)
    for note in frame.attrs.get("notes", ()):
        print(f"Hinweis: {note}", file=sys.stderr)
    if shown.empty:
        reasons = sorted(set(cov.loc[~cov["available"], "reason"]))
        print(
            f"Keine Indikatorwerte für Region {region} im Jahr {args.period}. Gründe: "
            + ("; ".join(reasons) if reasons else "keine Zeilen dieser Region in den Daten"),
            file=sys.stderr,
        )
        return 1
    table = shown.assign(
        wert=[_fmt(v, u) for v, u in zip(shown["value"], shown["unit"], strict=True)],
    )[["region_code", "region_name", "indicator", "dimension", "category", "wert", "unit", "flag"]]
    if not args.breakdowns:
        table = table.drop(columns=["dimension", "category"])
    with pd.option_context(
        "display.width", 200, "display.max_rows", 100000, "display.max_colwidth", 40
    ):
        print(table.to_string(index=False))
    return 0


def _fmt(value: float, unit: str) -> str:
    if pd.isna(value):
        return ""
    if unit == "Anzahl":
        return f"{value:,.0f}".replace(",", ".")
    return f"{value:.1f}".replace(".", ",")
