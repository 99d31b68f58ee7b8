"""Parts of the indicator explorer that are not widgets (private).

Protected data cached on disk, German labels, region search, level messages,
the chart of the selection, table export as data links, and the map click lookup.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import os
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from toolkit.charts import breakdown_chart, time_series_chart
from toolkit.errors import DkbmError
from toolkit.reports.content._sections import CATEGORY_LABELS, DIMENSION_LABELS
from toolkit.text import fmt_value, missing_reason

__all__ = [
    "LEVEL_NAMES",
    "cached_protected",
    "category_labels",
    "download_links",
    "explorer_chart_html",
    "explorer_table",
    "level_message",
    "parent_regions",
    "pick_region",
    "search_regions",
]

#: German names of the levels (singular, plural).
LEVEL_NAMES = {
    "bund": ("Bund", "Bund"),
    "land": ("Land", "Länder"),
    "regbez": ("Regierungsbezirk", "Regierungsbezirke"),
    "kreis": ("Kreis", "Kreise"),
    "gemeinde": ("Gemeinde", "Gemeinden"),
    "sozialraum": ("Sozialraum", "Sozialräume"),
}
_CACHE_VERSION = "2"  # 2: publication-wide protected set (issue #16)


def _input_key(directory: Path, min_count: int) -> str:
    digest = hashlib.sha256(f"{_CACHE_VERSION}|{min_count}".encode())
    from toolkit import __version__

    digest.update(__version__.encode())
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(directory)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def cached_protected(
    directory: Path, *, min_count: int = 3, cache_dir: Path | None = None
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Return the protected publication set of a data directory and the names of Berufe.

    The explorer reads the one publication-wide protected set
    (:func:`toolkit.disclosure.protect_publication` over all indicators,
    levels and periods together, the same as every report and ``dkbm run``),
    so a cell hidden in one view or report is hidden in every view. The set
    is kept in ``cache_dir`` (default ``$DKBM_CACHE_DIR`` or
    ``~/.cache/dkbm``) under a key of the input files; a changed input file
    gives a new key.
    """
    from toolkit.disclosure import load_publication, protect_publication, publication_rows
    from toolkit.io import read_dataset

    cache_dir = Path(cache_dir or os.environ.get("DKBM_CACHE_DIR") or Path.home() / ".cache/dkbm")
    folder = cache_dir / f"explorer-{_input_key(directory, min_count)}"
    names = folder / "berufe.parquet"
    if (folder / "publication.json").is_file() and names.is_file():
        pub = load_publication(folder)
        berufe = pd.read_parquet(names)
    else:
        data = read_dataset(directory)
        pub = protect_publication(data, min_count=min_count, out_dir=folder)
        try:
            berufe = data.berufe[["beruf", "beruf_name"]].astype(str)
        except AttributeError:  # a data set without the Berufe table
            berufe = pd.DataFrame({"beruf": [], "beruf_name": []})
        berufe.to_parquet(names, index=False)
    frame = publication_rows(pub)
    for column in ("dimension", "category", "flag", "unit", "level"):
        frame[column] = frame[column].astype(str)
    return frame, dict(zip(berufe["beruf"], berufe["beruf_name"], strict=True))


def category_labels(berufe: dict[str, str] | None = None) -> dict[str, dict[str, str]]:
    """German labels of the categories of every breakdown (Berufe from the data).

    Examples
    --------
    >>> category_labels({"IH01": "Bürokaufleute"})["beruf"]["IH01"]
    'Bürokaufleute'
    """
    labels = {dim: dict(cats) for dim, cats in CATEGORY_LABELS.items()}
    labels["beruf"] = {**labels.get("beruf", {}), **(berufe or {})}
    return labels


def dimension_label(dimension: str) -> str:
    """German name of a breakdown dimension.

    Examples
    --------
    >>> dimension_label("care_type")
    'Betreuungsart'
    """
    return DIMENSION_LABELS.get(dimension, dimension)


def search_regions(regions: pd.DataFrame, text: str, limit: int = 200) -> list[tuple[str, str]]:
    """Regions whose name or code contains ``text`` (case-insensitive), as options.

    Exact code and name-prefix matches come first; at most ``limit`` are returned,
    so the list stays fast with 11,000 Gemeinden.

    Examples
    --------
    >>> r = pd.DataFrame({"region_code": ["17", "17051001"], "region_name": ["Land", "Adorf"],
    ...     "level": ["land", "gemeinde"]})
    >>> search_regions(r, "ado")
    [('Adorf (Gemeinde, 17051001)', '17051001')]
    """
    needle = text.strip().lower()
    names = regions["region_name"].str.lower()
    if needle:
        hit = names.str.contains(needle, regex=False) | regions["region_code"].str.startswith(
            needle
        )
        rank = np.where(
            regions["region_code"] == needle, 0, np.where(names.str.startswith(needle), 1, 2)
        )
        found = regions.assign(_rank=rank)[hit.to_numpy()].sort_values(
            ["_rank", "region_name"], kind="stable"
        )
    else:
        found = regions
    found = found.head(limit)
    return [
        (
            f"{r.region_name} ({LEVEL_NAMES.get(r.level, (r.level,))[0]}, {r.region_code})",
            r.region_code,
        )
        for r in found.itertuples()
    ]


def level_message(
    indicator_name: str, levels: list[str], level: str, parent: tuple[str, str] | None
) -> str:
    """Say that an indicator exists only at other levels, and what to pick instead.

    Examples
    --------
    >>> level_message("Vertragslösungsquote", ["kreis", "land"], "gemeinde", ("17051", "Kreis A"))
    '„Vertragslösungsquote“ gibt es nur für Kreise und Länder, nicht für Gemeinden. Zum übergeordneten Gebiet: Kreis A (17051).'
    """
    plural = [LEVEL_NAMES.get(lv, (lv, lv))[1] for lv in levels]
    listed = ", ".join(plural[:-1]) + (" und " if len(plural) > 1 else "") + plural[-1]
    text = (
        f"„{indicator_name}“ gibt es nur für {listed}, nicht für "
        f"{LEVEL_NAMES.get(level, (level, level))[1]}."
    )
    if parent is not None:
        text += f" Zum übergeordneten Gebiet: {parent[1]} ({parent[0]})."
    return text


def download_links(table: pd.DataFrame, stem: str) -> str:
    """Return HTML links that save ``table`` as CSV (German Excel dialect) and XLSX.

    The files are embedded as ``data:`` URLs, so the download needs no request
    to the server or any other host.

    Examples
    --------
    >>> 'download="x.csv"' in download_links(pd.DataFrame({"a": [1]}), "x")
    True
    """
    csv = table.to_csv(index=False, sep=";", encoding="utf-8").encode("utf-8-sig")
    buffer = io.BytesIO()
    table.to_excel(buffer, index=False, sheet_name="Werte")
    xlsx_mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    safe = html.escape(stem)
    return (
        '<p class="dkbm-export">Tabelle speichern: '
        f'<a download="{safe}.csv" href="data:text/csv;charset=utf-8;base64,'
        f'{base64.b64encode(csv).decode()}">CSV</a> · '
        f'<a download="{safe}.xlsx" href="data:{xlsx_mime};base64,'
        f'{base64.b64encode(buffer.getvalue()).decode()}">Excel</a></p>'
    )


def pick_region(areas: pd.DataFrame, x: float, y: float) -> str | None:
    """Code of the area containing map point (x, y), or None.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> a = gpd.GeoDataFrame({"region_code": ["A", "B"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)])
    >>> pick_region(a, 1.5, 0.5), pick_region(a, 5, 5)
    ('B', None)
    """
    inside = shapely.contains_xy(areas.geometry.to_numpy(), x, y)
    hit = np.flatnonzero(inside)
    return str(areas["region_code"].iloc[hit[0]]) if len(hit) else None


def parent_regions(code: str, codes: set[str]) -> list[str]:
    """Return the enclosing regions present in ``codes``, nearest first.

    Examples
    --------
    >>> parent_regions("17001000-SR01", {"17001000", "17001", "17", "DG"})
    ['17001000', '17001', '17', 'DG']
    """
    own = code
    chain = []
    if "-" in code:
        chain.append(code.split("-")[0])
        code = chain[-1]
    if len(code) == 8:
        chain.append(code[:5])
    if len(code) >= 5:
        chain += [code[:3], code[:2]]
    if len(code) == 3:
        chain.append(code[:2])
    if code != "DG":
        chain.append("DG")
    return [c for c in dict.fromkeys(chain) if c in codes and c != own]


def explorer_chart_html(
    rows: pd.DataFrame,
    indicator: str,
    title: str,
    region: str,
    region_name: str,
    *,
    dimension: str = "",
    comparisons: list[str] | None = None,
    labels: dict[str, str] | None = None,
) -> str:
    """Return the explorer's chart as HTML: time series, or the breakdown's bars in the last year.

    ``rows`` are the protected rows: of every region (time series with the
    ``comparisons``) or the selection's rows by ``dimension`` (bars of
    ``region`` in its latest period, categories named by ``labels``). A chart
    problem gives a one-line note instead, so that it never hides the table.

    Examples
    --------
    >>> f = pd.DataFrame({"region_code": "17", "region_name": "L", "level": "land",
    ...     "period": [2023, 2024], "indicator": "q", "dimension": "", "category": "",
    ...     "value": [4.0, 5.0], "numerator": [4.0, 5.0], "denominator": 100.0,
    ...     "unit": "%", "flag": ""})
    >>> explorer_chart_html(f, "q", "Quote", "17", "L").startswith('<figure class="dkbm-chart"')
    True
    """
    try:
        if not dimension:
            chart = time_series_chart(
                rows, indicator, region, comparisons=list(comparisons or []), title=title
            )
        else:
            own = rows[rows["region_code"] == region]
            last = own[own["period"] == own["period"].max()]
            names = labels or {}
            bars = pd.DataFrame(
                {
                    "category": [names.get(c, c) for c in last["category"]],
                    "value": last["value"].to_numpy(),
                    "flag": last["flag"].to_numpy(),
                }
            )
            chart = breakdown_chart(
                bars,
                unit=str(last["unit"].iloc[0]),
                title=f"{title} nach {dimension_label(dimension)}, {region_name} "
                f"{int(last['period'].iloc[0])}",
            )
    except DkbmError as exc:  # a chart problem must not hide the table
        return f"<p><em>Keine Grafik: {html.escape(exc.message)}</em></p>"
    return chart.to_html()


def explorer_table(
    rows: pd.DataFrame, dimension: str = "", labels: dict[str, str] | None = None
) -> pd.DataFrame:
    """Return the shown rows as a German-formatted table (value, numerator, denominator, Hinweis).

    A hidden cell shows its sign ("." suppressed) in every number column and
    the reason in "Hinweis"; a breakdown adds its category column, named by
    ``labels``.

    Examples
    --------
    >>> f = pd.DataFrame({"region_name": ["L"], "period": [2024], "category": [""],
    ...     "value": [1250.0], "numerator": [1250.0], "denominator": [float("nan")],
    ...     "unit": ["Anzahl"], "flag": [""]})
    >>> explorer_table(f)["Wert"].tolist()
    ['1.250']
    """
    flags = rows["flag"]
    out = pd.DataFrame(
        {
            "Region": rows["region_name"],
            "Jahr": rows["period"].astype(int),
            "Wert": [
                fmt_value(v, u, flag=f)
                for v, u, f in zip(rows["value"], rows["unit"], flags, strict=True)
            ],
            "Zähler": [
                fmt_value(v, "Anzahl", flag=f)
                for v, f in zip(rows["numerator"], flags, strict=True)
            ],
            "Nenner": [
                fmt_value(v, "Anzahl", flag=f)
                for v, f in zip(rows["denominator"], flags, strict=True)
            ],
            "Hinweis": [missing_reason(f) if f else "" for f in flags],
        }
    )
    if dimension:
        names = labels or {}
        out.insert(1, dimension_label(dimension), [names.get(c, c) for c in rows["category"]])
    return out
