"""Header of a GENESIS flat CSV export: required columns, numbered variables.

Private helper of :func:`toolkit.io.read_genesis` (both its exact and its fast
path). Old-format exports (``Zeit_Code``, ``1_Merkmal_Code`` ...) and files
that are no flat export at all are refused here with what to do.

Examples
--------
>>> check_header(["statistics_code", "time", "1_variable_code", "1_variable_label",
...     "1_variable_attribute_code", "1_variable_attribute_label", "value",
...     "value_unit", "value_variable_code"], "t_de_flat.csv")
[1]
"""

from __future__ import annotations

import re

from toolkit.errors import DataError

__all__ = ["FIXED", "REQUIRED", "check_header"]

REQUIRED = ("statistics_code", "time", "value", "value_unit", "value_variable_code")
FIXED = (
    "statistic",
    "time",
    "year",
    "region_code",
    "region_name",
    "region_level",
    "variable",
    "variable_label",
    "unit",
    "value",
    "flag",
)
_VAR_PARTS = (
    "variable_code",
    "variable_label",
    "variable_attribute_code",
    "variable_attribute_label",
)
_OLD_MARKERS = re.compile(
    r"^(Zeit_Code|Statistik_Code|\d+_Merkmal_Code|\d+_Auspraegung_Code|.+__q)$"
)


def check_header(header: list[str], name: str) -> list[int]:
    """Return the ``n`` of every ``{n}_variable_code`` column, or raise a DataError.

    Examples
    --------
    >>> check_header(["Zeit_Code", "value"], "alt.csv")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: Das ist eine GENESIS-Flat-CSV im alten Format ...
    ...
    """
    if any(_OLD_MARKERS.match(h) for h in header):
        raise DataError(
            "Das ist eine GENESIS-Flat-CSV im alten Format (Spalten 'Zeit_Code', "
            "'1_Merkmal_Code', '1_Auspraegung_Code' und Wertspalten 'CODE__Label__Einheit' "
            "mit '__q'-Zwilling). Dieses Format wird nicht gelesen, weil seine Spaltennamen "
            "je Statistik und Sprache anders gebildet werden.",
            file=name,
            rows=[1],
            hint="Die Tabelle in GENESIS-Online bzw. der Regionalstatistik erneut als "
            "'CSV (flat)' herunterladen: das aktuelle Format hat die Spalten "
            "statistics_code, time, 1_variable_code, ..., value, value_unit.",
        )
    missing = [c for c in REQUIRED if c not in header]
    if len(missing) == len(REQUIRED):
        raise DataError(
            "Keine GENESIS-Flat-CSV: die Spalten statistics_code, time, value, value_unit "
            f"fehlen (gefunden: {', '.join(header[:8])}); auch kein Tabellenlayout (erste "
            "Zeile 'GENESIS-Tabelle: <Code>').",
            file=name,
            rows=[1],
            hint="Die Datei unverändert so verwenden, wie sie aus GENESIS-Online / der "
            "Regionalstatistik kam ('CSV (flat)', 'CSV' oder 'XLSX'); für eigene Tabellen "
            "read_table() verwenden.",
        )
    if missing:
        raise DataError(
            f"GENESIS-Flat-CSV unvollständig: Spalte(n) {', '.join(missing)} fehlen.",
            file=name,
            column=missing[0],
            rows=[1],
            hint="Die Datei unverändert so verwenden, wie sie heruntergeladen wurde.",
        )
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise DataError(
            f"Doppelte Spaltennamen in der Kopfzeile: {', '.join(dupes)}.", file=name, rows=[1]
        )
    numbers = sorted(
        int(m.group(1)) for h in header if (m := re.match(r"^(\d+)_variable_code$", h))
    )
    for n in numbers:
        absent = [f"{n}_{p}" for p in _VAR_PARTS if f"{n}_{p}" not in header]
        if absent:
            raise DataError(
                f"Merkmal {n} ist unvollständig: Spalte(n) {', '.join(absent)} fehlen.",
                file=name,
                column=absent[0],
                rows=[1],
                hint="Die Datei unverändert so verwenden, wie sie heruntergeladen wurde.",
            )
    return numbers
