"""What a batch refuses before any report process starts.

Before any report process starts, a batch refuses parameters outside their
range, a time limit that is no positive number, comparison regions not in
the data, a period without data for the template, data with none of the
template's indicators (naming the missing tables), and for publication runs
templates that use unprotected data (``internal``) or fail the static checks
(:func:`check_template`).

Examples
--------
>>> check_timeout(30)
30.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from toolkit.errors import DataError, ParameterError, Problem, TemplateError
from toolkit.reports.requirements import Requirements
from toolkit.reports.template_checks import check_template_static

__all__ = [
    "check_against_data",
    "check_executor",
    "check_parameters",
    "check_regions_table",
    "check_template",
    "check_timeout",
    "supported",
    "table_years",
    "without_data",
]


def check_timeout(timeout: Any) -> float | None:
    """Return a valid time limit in seconds (None: no limit), else raise ParameterError.

    Examples
    --------
    >>> check_timeout(float("nan"))
    Traceback (most recent call last):
    toolkit.errors.ParameterError: Ungültiges Zeitlimit nan s
    ...
    """
    if timeout is None:
        return None
    value = float(timeout)
    if not math.isfinite(value) or value <= 0:
        raise ParameterError(
            f"Ungültiges Zeitlimit {value:g} s", hint="--timeout muss eine Zahl größer 0 sein"
        )
    return value


def check_executor(jobs: Any, executor: str, scheduler: str | None) -> None:
    """Refuse fewer than one job, an unknown executor and Dask without a scheduler address.

    Examples
    --------
    >>> check_executor(2, "local", None)
    >>> check_executor(1, "dask", None)
    Traceback (most recent call last):
    toolkit.errors.ParameterError: Für --executor dask fehlt --scheduler
    ...
    """
    if not isinstance(jobs, int) or jobs < 1:
        raise ParameterError(f"--jobs muss mindestens 1 sein, nicht {jobs}")
    if executor not in ("local", "dask"):
        raise ParameterError(f"Unbekannter Executor {executor!r}", hint="local oder dask")
    if executor == "dask" and not scheduler:
        raise ParameterError(
            "Für --executor dask fehlt --scheduler",
            hint="z. B. --scheduler tcp://HOST:8786 (Adresse des Dask-Schedulers)",
        )


def check_parameters(template: Any, given: Mapping[str, Any], period: Any) -> tuple[Any, dict]:
    """Check a batch's parameters against the schema; return the period and checked values.

    Refuses a template without ``region``/``period`` parameters, ``region``
    or ``period`` given with ``-p``, a period of the wrong type, a
    ``data_dir`` parameter that does not exist and every schema problem at
    once, numbers outside their range included
    (:func:`~toolkit.reports.params.validate_parameters`).

    Examples
    --------
    >>> from toolkit.reports.registry import get_template
    >>> check_parameters(get_template("fakten_check"), {}, "2024")[0]
    2024
    """
    from toolkit.reports.params import coerce_value, validate_parameters

    missing = [n for n in ("region", "period") if n not in template.parameters]
    if missing:
        raise ParameterError(
            f"Vorlage {template.name!r} ist nicht regionsweise nutzbar",
            problems=[Problem(f"Die Vorlage hat keinen Parameter {n!r}") for n in missing],
        )
    for name in ("region", "period"):
        if name in given:
            raise ParameterError(
                f"{name!r} nicht mit -p setzen", hint=f"--{name} bzw. --regions verwenden"
            )
    if isinstance(period, str):
        try:
            period = coerce_value(template.parameters["period"], period)
        except ValueError as exc:
            raise ParameterError(f"Ungültige Periode {period!r}: {exc}") from exc
    folder = given.get("data_dir")
    if folder and not Path(str(folder)).expanduser().is_dir():
        raise ParameterError(
            f"Parameter data_dir: Verzeichnis {folder} gibt es nicht",
            hint="Pfad prüfen oder weglassen (dann gilt --data)",
        )
    probe = template.parameters["region"].default or "00000"
    return period, validate_parameters(template, {**given, "region": probe, "period": period})


def check_regions_table(dataset: Any, data_dir: Path) -> Any:
    """Return the data's ``regions`` table; refuse data without one (DataError).

    Examples
    --------
    >>> check_regions_table({}, Path("daten"))
    Traceback (most recent call last):
    toolkit.errors.DataError: Die Daten enthalten keine Tabelle 'regions'
    ...
    """
    frame = getattr(dataset, "tables", dataset).get("regions")
    if frame is None:
        raise DataError(
            "Die Daten enthalten keine Tabelle 'regions'",
            file=str(data_dir),
            hint="regions.csv nach data_samples/README.md anlegen",
        )
    return frame


def check_against_data(
    dataset: Any, requires: Requirements | None, period: Any, comparison: Any = None
) -> tuple[tuple[str, str], ...]:
    """Refuse what the data cannot give; return the indicators left out, with reasons.

    Raises ParameterError for comparison regions not in ``regions``, for a
    period none of the template's tables has (naming the years there are)
    and when none of the template's indicators can be computed for
    ``period`` (naming the missing tables and years).

    Examples
    --------
    >>> import pandas as pd
    >>> regions = pd.DataFrame({"region_code": ["17"]})
    >>> check_against_data({"regions": regions}, None, 2024, ["99"])
    Traceback (most recent call last):
    toolkit.errors.ParameterError: Vergleichsregionen nicht in den Daten: 99
    ...
    """
    tables = getattr(dataset, "tables", dataset)
    known = set(tables["regions"]["region_code"].astype(str))
    unknown = [str(c) for c in comparison or [] if str(c) not in known]
    if unknown:
        raise ParameterError(
            f"Vergleichsregionen nicht in den Daten: {', '.join(unknown)}",
            hint="Regionalschlüssel aus regions.csv angeben oder comparison weglassen",
        )
    years = table_years(tables, requires.tables if requires else None)
    if years and isinstance(period, int) and period not in years:
        raise ParameterError(
            f"Keine Daten für {period}",
            hint=f"Die Daten reichen von {years[0]}–{years[-1]} (Jahre: {_listed(years)})",
        )
    if requires is None or not requires.indicators:
        return ()
    from toolkit.indicators import coverage

    cov = coverage(dataset, requires.indicators, period=period)
    gone = cov[~cov["available"]]
    if len(gone) == len(cov):
        missing = sorted({t for ts in cov["missing_tables"] for t in ts})
        lacking = sorted({y for ys in cov["missing_years"] for y in ys})
        hint = f"Fehlende Tabellen ergänzen: {', '.join(missing)}" if missing else ""
        if lacking:
            hint = f"Fehlende Jahre: {_listed(lacking)}; Jahre in den Daten: {_listed(years)}"
        raise ParameterError(
            f"Keiner der Indikatoren der Vorlage lässt sich für {period} aus den Daten berechnen: "
            + "; ".join(
                f"{c}: {r}" for c, r in zip(gone["indicator"], gone["reason"], strict=True)
            ),
            hint=hint or None,
        )
    return tuple(zip(gone["indicator"], gone["reason"], strict=True))


def _listed(years: list[int]) -> str:
    return ", ".join(map(str, years)) or "keine"


def check_template(template: Any, *, internal: bool = False) -> bool:
    """Run the static template checks; refuse internal templates unless ``internal``.

    Returns whether the template uses unprotected data (internal reports,
    every page marked "nur für den Dienstgebrauch").

    Examples
    --------
    >>> from toolkit.reports.registry import get_template
    >>> check_template(get_template("fakten_check"))
    False
    """
    found = check_template_static(template)
    problems = [p for p in found if p.column != "internal"]
    private = [p for p in found if p.column == "internal"]
    if problems:
        raise TemplateError(
            "Die Vorlage besteht die Prüfung vor dem Start nicht",
            file=str(template.path),
            problems=problems,
        )
    if private and not internal:
        raise TemplateError(
            f"Vorlage {template.name!r} liest ungeschützte Daten (nur für den Dienstgebrauch) "
            "und ist nicht zur Veröffentlichung bestimmt",
            file=str(template.path),
            problems=private,
            hint="für einen internen Lauf --intern angeben; sonst die Vorlage auf geschützte "
            "Daten umstellen (docs/vorlagen_schreiben.md)",
        )
    return bool(private)


def table_years(tables: Mapping[str, Any], names: Any = None) -> list[int]:
    """Years in the ``year`` column of the tables ``names`` (None: all), sorted.

    Examples
    --------
    >>> import pandas as pd
    >>> table_years({"kita": pd.DataFrame({"year": [2024, 2023]}), "regions": pd.DataFrame()})
    [2023, 2024]
    """
    found: set[int] = set()
    for name, table in tables.items():
        if (names is None or name in names) and "year" in getattr(table, "columns", ()):
            found.update(int(y) for y in table["year"].dropna().unique())
    return sorted(found)


def supported(
    dataset: Any, requires: Requirements | None, period: int | None = None
) -> tuple[bool, str]:
    """Whether the data give a report's leading indicator (the first one), and if not, why.

    A template without indicators needs its tables; one that declares
    nothing (None) is always run.

    Examples
    --------
    >>> supported({}, Requirements(("kita",)))
    (False, "Tabelle 'kita' fehlt")
    """
    tables = getattr(dataset, "tables", dataset)
    if requires is None:
        return True, ""
    if not requires.indicators:
        gone = [t for t in requires.tables if tables.get(t) is None]
        return not gone, "Tabelle " + ", ".join(repr(t) for t in gone) + " fehlt" if gone else ""
    from toolkit.indicators import coverage

    row = coverage(dataset, requires.indicators[:1], period=period).iloc[0]
    return bool(row["available"]), str(row["reason"])


def without_data(
    dataset: Any, requires: Requirements | None, period: Any, kreise: list[str]
) -> list[str]:
    """Return the Kreise none of whose rows (their own or their Gemeinden's) is from ``period``.

    Looks at the template's tables with ``year`` and ``region_code`` (all
    tables when the template declares none); a Kreis dissolved before the
    period (e.g. Eisenach, 2021 merged into the Wartburgkreis) has no rows.
    Nothing is left out when no table has rows of the period at all.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"region_code": ["16063", "16063001", "16056"], "year": [2023, 2023, 2019]})
    >>> without_data({"school_leavers": t}, None, 2023, ["16063", "16056"])
    ['16056']
    """
    tables = getattr(dataset, "tables", dataset)
    names = [t for t in (requires.tables if requires else tables) if t != "regions"]
    seen: set[str] = set()
    for name in names:
        table = tables.get(name)
        if table is None or not {"year", "region_code"} <= set(table.columns):
            continue
        codes = table.loc[table["year"] == period, "region_code"].unique()
        seen.update(str(code)[:5] for code in codes)
    return [code for code in kreise if code not in seen] if seen else []
