"""``compute_all``: every indicator the data allow, at every level, in one frame.

Examples
--------
>>> pop = pd.DataFrame({"region_code": "17001000", "year": 2024, "sex": "w",
...                     "age": [10, 40], "population": [25, 100]})
>>> f = compute_all({"population": pop}, regions=["17"], indicators=["jugendquotient"])
>>> f[["region_code", "indicator", "value"]].head(1).values.tolist()
[['17', 'jugendquotient', 25.0]]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from toolkit.errors import DataError, ParameterError
from toolkit.indicators import (
    abschluesse,
    ausbildung,
    betreuung,
    demografie,
    iabe,
    uebergaenge,
    vertragsloesung,
)
from toolkit.indicators._assemble import finish
from toolkit.indicators._build import Part
from toolkit.indicators._context import TABLES, Context, make_restriction, tables_of
from toolkit.indicators._plausible import implausible_notes
from toolkit.indicators._threads import map_maybe_threaded
from toolkit.indicators._totals import TOTAL
from toolkit.indicators.catalog import catalog
from toolkit.regions import read_official_kreise

__all__ = ["available_years", "compute_all"]


Step = tuple[tuple[str, ...], Callable[[Context], list[Part]], tuple[str, ...]]

#: (tables needed, computation, indicator codes it yields).
STEPS: tuple[Step, ...] = (
    (
        ("kita", "population"),
        betreuung.compute_quoten,
        ("betreuungsquote_u3", "betreuungsquote_3u6"),
    ),
    (("kita",), betreuung.compute_tagespflege, ("tagespflege_anteil_u3",)),
    (abschluesse.TABLES, abschluesse.compute, abschluesse.CODES),
    (uebergaenge.TABLES, uebergaenge.compute, uebergaenge.CODES),
    (iabe.TABLES, iabe.compute, iabe.CODES),
    (ausbildung.TABLES_AAQ, ausbildung.compute_aaq, ("ausbildungsanfaengerquote",)),
    (ausbildung.TABLES_NEU, ausbildung.compute_neu, ("neue_ausbildungsvertraege",)),
    (vertragsloesung.TABLES, vertragsloesung.compute_quote, ("vertragsloesungsquote",)),
    (
        ("contracts_dissolved",),
        vertragsloesung.compute_other,
        ("vertragsloesungen", "vertragsloesungen_probezeit_anteil"),
    ),
    (demografie.TABLES, demografie.compute, demografie.CODES),
)


def compute_all(
    dataset_or_tables: object,
    *,
    regions: Iterable[str] | str | None = None,
    periods: Iterable[int] | int | None = None,
    levels: Iterable[str] | str | None = None,
    indicators: Iterable[str] | str | None = None,
    sort: bool = True,
) -> pd.DataFrame:
    """Compute the catalogue's indicators as one IndicatorFrame.

    Parameters
    ----------
    dataset_or_tables : Dataset or mapping of str to DataFrame
        A :class:`toolkit.io.Dataset` or a dict of canonical tables. The
        ``regions`` table, if present, supplies region names.
    regions : str or iterable of str, optional
        Keep only these region codes (e.g. a Gemeinde, its Kreis, its Land,
        ``DG`` and comparison regions). Only the input rows these regions
        need are used, which makes reports for one region fast.
    periods : int or iterable of int, optional
        Keep only these periods (earlier years needed for lags are used).
    levels : str or iterable of str, optional
        Keep only these levels (``bund``, ``land``, ``regbez``, ``kreis``,
        ``gemeinde``, ``sozialraum``).
    indicators : str or iterable of str, optional
        Indicator codes to compute. By default, every indicator whose tables
        are present; naming an indicator whose tables are missing is an error.
    sort : bool, default True
        Sort rows by catalogue order, dimension, category, level, region and
        period (deterministic output). ``False`` saves time on large data.

    Returns
    -------
    pandas.DataFrame
        IndicatorFrame (see :mod:`toolkit.indicators.frame`).

    Raises
    ------
    ParameterError
        Unknown indicator codes or levels, or periods all outside the years
        of the data (the message names the available years).
    DataError
        A table lacks columns, holds bad values, or a requested indicator's
        table is missing.

    Notes
    -----
    Rates are always formed from counts, never averaged from rates below.
    A Land, Regierungsbezirk, Bund or Kreis row in the data (an official row
    of the same source) is used as given; without one, the value is the sum
    over Kreise (Kreis: over Gemeinden of a pure Gemeinde table) only when
    every Kreis of the official list is present, otherwise it is left out
    and ``frame.attrs["notes"]`` says why. 8-digit units of a Kreis table
    and Sozialraum rows are never added to anything.

    ``frame.attrs["omitted"]`` lists ``(indicator, reason)`` for indicators
    the data cannot give (missing table, age groups that do not tile the
    ages needed, no breakdown); see also :func:`toolkit.indicators.coverage`.
    Values outside the catalogue's plausible range (``range_min`` to
    ``range_max``) are kept but named in ``frame.attrs["notes"]``
    (``Unplausibel: …``).

    References
    ----------
    .. [1] Statistische Ämter des Bundes und der Länder: Anwendungsleitfaden zum Aufbau
           eines kommunalen Bildungsmonitorings.
    .. [2] Autorengruppe Bildungsberichterstattung: Bildung in Deutschland (nationaler
           Bildungsbericht), Kapitel A Rahmenbedingungen (Demografie).

    Examples
    --------
    >>> pop = pd.DataFrame({"region_code": ["17001000", "17002000"], "year": 2024,
    ...                     "sex": "m", "age": 70, "population": [10, 30]})
    >>> f = compute_all({"population": pop}, levels="kreis", indicators="bevoelkerung")
    >>> f.loc[f["dimension"] == "", ["region_code", "value"]].values.tolist()
    [['17001', 10.0], ['17002', 30.0]]
    """
    tables = tables_of(dataset_or_tables)
    restriction = make_restriction(regions, periods, levels)
    known = catalog()["code"].tolist()
    wanted_codes = None
    if indicators is not None:
        wanted_codes = [indicators] if isinstance(indicators, str) else list(indicators)
        bad = [c for c in wanted_codes if c not in known]
        if bad:
            raise ParameterError(
                f"indicators: unbekannte Codes {', '.join(bad)}.",
                hint="dkbm indicators list zeigt alle Codes.",
            )
    ctx = Context(
        tables,
        restriction,
        official=read_official_kreise(),
        derived=getattr(dataset_or_tables, "derived", None),
    )
    _check_periods(ctx, restriction.periods)
    todo: list[tuple[int, Step]] = []
    for i, (needed, compute, codes) in enumerate(STEPS):
        if wanted_codes is not None and not set(codes) & set(wanted_codes):
            continue
        if not ctx.has(*needed):
            missing = [t for t in needed if not ctx.has(t)]
            if wanted_codes is not None:
                raise DataError(
                    f"Für {', '.join(c for c in codes if c in wanted_codes)} fehlt die Tabelle "
                    f"{', '.join(missing)}.",
                    file=missing[0],
                    hint="Tabelle ergänzen oder das Indikator aus 'indicators' streichen.",
                )
            ctx.omit(codes, f"Tabelle {', '.join(repr(t) for t in missing)} fehlt")
            continue
        todo.append((i, (needed, compute, codes)))
    parts = _drop_total_categories(_run(ctx, todo))
    frame = finish(
        parts,
        ctx.regions,
        wanted=restriction.regions,
        periods=restriction.periods,
        levels=restriction.levels,
        indicators=wanted_codes,
        order=known,
        sort=sort,
    )
    frame.attrs["omitted"] = tuple(
        (code, why)
        for code, why in ctx.omitted.items()
        if wanted_codes is None or code in wanted_codes
    )
    kept = [
        n
        for n in ctx.aggregate_notes
        if (restriction.regions is None or n["region_code"] in restriction.regions)
        and (restriction.periods is None or n["year"] in restriction.periods)
    ]
    # (region, year, text) of every aggregate left out, for callers that filter further
    frame.attrs["aggregate_notes"] = tuple(
        dict.fromkeys((n["region_code"], n["year"], _note_text(n, ctx)) for n in kept)
    )
    aggregate = [text for _, _, text in frame.attrs["aggregate_notes"]]
    frame.attrs["notes"] = tuple(
        dict.fromkeys([*aggregate, *ctx.table_notes, *implausible_notes(frame)])
    )
    return frame


def _note_text(note: dict, ctx: Context) -> str:
    """``Landeswert: nicht berechenbar, …`` with the region's name, year and table."""
    name = ctx.regions.name(note["region_code"])
    return f"{note['text']} ({name} {note['year']}, Tabelle {note['table']})"


def available_years(tables: dict[str, pd.DataFrame]) -> list[int]:
    """Return the years that occur in any canonical table with a ``year`` column.

    Examples
    --------
    >>> available_years({"kita": pd.DataFrame({"year": [2024, 2023, 2024]})})
    [2023, 2024]
    """
    years: set[int] = set()
    for name, df in tables.items():
        if name in TABLES and "year" in df.columns and len(df):
            years.update(
                int(y) for y in pd.unique(pd.to_numeric(df["year"], errors="coerce")) if y == y
            )
    return sorted(years)


def _check_periods(ctx: Context, periods: frozenset[int] | None) -> None:
    if not periods:
        return
    years = available_years(ctx.tables)
    if years and not any(years[0] <= p <= years[-1] for p in periods):
        raise ParameterError(
            f"Keine Daten für Jahr {_year_ranges(sorted(periods))} (außerhalb der Daten); "
            f"vorhanden: {_year_ranges(years)}.",
            hint="Ein vorhandenes Jahr wählen (periods=... bzw. -p YEAR).",
        )


def _year_ranges(years: list[int]) -> str:
    """Write years compactly: ``2017–2019, 2023``."""
    out, start = [], years[0]
    for a, b in zip(years, [*years[1:], None], strict=True):
        if b != a + 1:
            out.append(str(a) if a == start else f"{start}–{a}")
            start = b
    return ", ".join(out)


def _drop_total_categories(parts: list[Part]) -> list[Part]:
    """Remove breakdown rows whose category is the total value ``insgesamt``."""
    out = []
    for p in parts:
        cat, dim = p.get("category"), p.get("dimension")
        if isinstance(dim, str) and not dim:
            out.append(p)
            continue
        if isinstance(cat, str):
            if cat != TOTAL:
                out.append(p)
            continue
        labels = np.asarray(pd.Series(cat).astype(str))
        keep = labels != TOTAL
        if keep.all():
            out.append(p)
        elif keep.any():
            out.append(
                {k: (v if isinstance(v, str) else np.asarray(v)[keep]) for k, v in p.items()}
            )
    return out


def _run_step(ctx: Context, step: tuple[int, Step]) -> list[Part] | Exception:
    try:
        return step[1][1](ctx)
    except Exception as exc:  # re-raised by _run in step order
        return exc


def _run(ctx: Context, todo: list[tuple[int, Step]]) -> list[Part]:
    """Run the steps; on large data in two threads.

    Most of the work is in numpy and pyarrow, which release the GIL, so two
    threads use two cores. A table is prepared once per call, by the first
    step that needs it (another step needing it meanwhile waits). Steps that
    bring in the most new input rows go first, so that the small ones at the
    end even out the two threads. Results and errors come back in step
    order, as if the steps had run one after the other.
    """
    # input rows still to be checked and rolled up (remembered tables cost little)
    rows = {t: len(df) for t, df in ctx.tables.items() if t in TABLES and not ctx.remembered(t)}
    weight, seen = {}, set()
    for i, (needed, _, _) in todo:
        weight[i] = sum(rows.get(t, 0) for t in needed if t not in seen)
        seen.update(needed)
    order = sorted(todo, key=lambda x: -weight[x[0]])
    done = map_maybe_threaded(lambda x: _run_step(ctx, x), order, sum(rows.values()))
    results = {i: res for (i, _), res in zip(order, done, strict=True)}
    parts: list[Part] = []
    for i in sorted(results):
        res = results[i]
        if isinstance(res, Exception):
            raise res
        parts += res
    return parts
