"""Every malformed input in tests/data/bad/ must give a DataError that names the problem.

Each case lists the reader to use, the words the message must contain (the
column, the rows, the offending value or a hint) and, where the problem sits
in one place, the structured column/rows the error must carry.
"""

from __future__ import annotations

import csv
import gzip
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.errors import DataError
from toolkit.io import read_genesis, read_table

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"

# file -> (table or "genesis", read_table kwargs, fragments the message must contain)
CASES: dict[str, tuple[str, dict, list[str]]] = {
    "kita_pipe_delimiter.csv": ("kita", {}, ["Trennzeichen '|'", "';' oder ','", "Zeilen: 1"]),
    "kita_tab_delimiter.csv": ("kita", {}, ["Trennzeichen Tabulator"]),
    "kita_no_delimiter.csv": ("kita", {}, ["Kein Trennzeichen", "nur eine Spalte"]),
    "kita_utf16.csv": ("kita", {}, ["UTF-16", "CSV UTF-8"]),
    "kita_undecidable_encoding.csv": ("kita", {}, ["Zeichenkodierung", "0x81", "Zeile 10"]),
    "kita_legacy_odd_characters.csv": (
        "kita",
        {},
        ["nicht eindeutig", "Windows-1252", "'‡'", "UTF-8"],
    ),
    "kita_mixed_encodings.csv": ("kita", {}, ["mischt Zeichenkodierungen", "Zeile 11"]),
    "kita_missing_column.csv": ("kita", {}, ["'care_type'", "Spalte fehlt"]),
    "kita_renamed_column.csv": (
        "kita",
        {},
        ["'children'", "Spalte fehlt", "'kinder'", "unbekannte Spalte", "umbenannt?"],
    ),
    "kita_extra_column.csv": ("kita", {}, ["'bemerkung'", "unbekannte Spalte", "extra_columns"]),
    "kita_non_numeric_count.csv": ("kita", {}, ["'children'", "Zeile 5", "'viele'", "ganze Zahl"]),
    "kita_negative_count.csv": ("kita", {}, ["'children'", "Zeile 7", "negative Anzahl", "'-3'"]),
    "kita_decimal_count.csv": ("kita", {}, ["'children'", "Zeile 3", "'95,5'", "ganze Zahlen"]),
    "kita_thousands_separator.csv": ("kita", {}, ["Zeile 4", "'2.410'", "Tausendertrennzeichen"]),
    "kita_duplicate_keys.csv": ("kita", {}, ["doppelter Schlüssel", "Zeilen 2, 10", "17001000"]),
    "kita_unknown_region.csv": (
        "kita",
        {"regions": ["DG", "17", "17001000", "17051004"]},
        ["unbekannter Regionalschlüssel", "'17999000'", "Zeile 10"],
    ),
    "kita_lost_leading_zero.csv": (
        "kita",
        {},
        ["'8111'", "führende Null", "'08111'", "'08111000'", "Zeilen 2, 3"],
    ),
    "kita_truncated.csv": ("kita", {}, ["falscher Feldzahl", "Zeile(n) 10", "abgeschnitten"]),
    "kita_empty.csv": ("kita", {}, ["Datei ist leer"]),
    "kita_header_only.csv": ("kita", {}, ["nur die Kopfzeile"]),
    "kita_html_error_page.csv": ("kita", {}, ["HTML-Seite", "Download"]),
    "kita_bad_category.csv": (
        "kita",
        {},
        ["'age_group'", "Zeile 8", "'u6'", "'care_type'", "Zeile 9", "'hort'"],
    ),
    "kita_empty_count.csv": ("kita", {}, ["'children'", "Zeile 9", "leere Zelle"]),
    "kita_unclosed_quote.csv": ("kita", {}, ["Anführungszeichen", "Zeile 10"]),
    "kita_year_out_of_range.csv": ("kita", {}, ["'year'", "Zeile 10", "'23'", "1950 bis 2100"]),
    "kita_wrong_sheet.xlsx": ("kita", {}, ["Tabellenblatt 'kita'", "'Tabelle1'", "sheet="]),
    "kita_codes_as_numbers.xlsx": ("kita", {}, ["'8111000'", "führende Null", "Zeile 10"]),
    "kita_not_really_excel.xlsx": ("kita", {}, ["Keine lesbare Excel-Datei"]),
    "kita_xls_format.xls": ("kita", {}, [".xls", ".xlsx"]),
    "kita_wrong_dtypes.parquet": (
        "kita",
        {},
        ["Spaltentyp int64", "erwartet Text", "Spaltentyp float64", "'3.5'", "Datensatz"],
    ),
    "kita_corrupt.parquet": ("kita", {}, ["Keine lesbare Parquet-Datei"]),
    "kita_corrupt.csv.gz": ("kita", {}, ["gzip", "beschädigt"]),
    "kita_zip_without_csv.zip": ("kita", {}, ["keine CSV-Datei", "readme.txt"]),
    "contracts_dissolved_start_year.csv": (
        "contracts_dissolved",
        {},
        ["start_year", "year-3", "Zeilen 3, 4"],
    ),
    "contracts_new_bad_bool_and_category.csv": (
        "contracts_new",
        {},
        ["'zustaendigkeit'", "'handwerk'", "'sex'", "'d'", "'schooling'", "'abitur'"],
    ),
    "regions_level_mismatch.csv": ("regions", {}, ["level", "'17001'", "'kreis'", "Zeile 4"]),
    "survey_families_answers_of_nonrespondents.csv": (
        "survey_families",
        {},
        [
            "responded = false",
            "Zeile 3",
            "'vielleicht'",
            "1 bis 5",
            "'7'",
            "erwartet Sozialraum",
            "Zahl > 0",
        ],
    ),
    "survey_families_margins_not_sozialraum.csv": (
        "survey_families_margins",
        {},
        ["'sozialraum'", "Zeile 3", "erwartet Sozialraum"],
    ),
    "genesis_old_format.csv": ("genesis", {}, ["alten Format", "Zeit_Code", "CSV (flat)"]),
    "genesis_missing_value_column.csv": ("genesis", {}, ["value", "fehlen"]),
    "genesis_unknown_symbol.csv": ("genesis", {}, ["unbekanntes Zeichen", "'*'", "Zeile 5"]),
    "genesis_mixed_decimal_marks.csv": (
        "genesis",
        {},
        ["Dezimalkomma und Dezimalpunkt", "Zeile 3"],
    ),
    "genesis_de_with_decimal_point_de_flat.csv": (
        "genesis",
        {},
        ["Dezimaltrennzeichen '.'", "deutsch", "Zeile 2"],
    ),
    "genesis_empty_value.csv": ("genesis", {}, ["leerer Wert", "Zeile 3"]),
    "genesis_incomplete_variable.csv": ("genesis", {}, ["Merkmal 2", "2_variable_attribute_label"]),
    "genesis_comma_separated.csv": ("genesis", {}, ["Trennzeichen ','", "erwartet wird ';'"]),
    "genesis_not_a_genesis_file.csv": ("genesis", {}, ["Keine GENESIS-Flat-CSV", "read_table"]),
    "genesis_unknown_quality_mark.csv": ("genesis", {}, ["value_q", "'z'", "Zeile 3"]),
    "genesis_zip_two_csv.zip": ("genesis", {}, ["2 CSV-Dateien", "teil1.csv"]),
    "genesis_truncated.csv": ("genesis", {}, ["falscher Feldzahl", "abgeschnitten"]),
}


def _read(name: str) -> None:
    table, kwargs, _ = CASES[name]
    path = BAD / name
    if table == "genesis":
        read_genesis(path)
    else:
        read_table(path, table=table, **kwargs)


def _foreign_exceptions(exc: BaseException) -> list[BaseException]:
    """Exceptions from pandas/pandera/csv/codecs chained to ``exc`` and shown to the user."""
    found = []
    seen = exc
    while True:
        nxt = seen.__cause__ or (None if seen.__suppress_context__ else seen.__context__)
        if nxt is None:
            return found
        if not isinstance(nxt, DataError):
            found.append(nxt)
        seen = nxt


def test_there_are_at_least_30_bad_files_and_each_has_a_case():
    files = sorted(p.name for p in BAD.iterdir())
    assert len(files) >= 30
    assert set(files) == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_gives_dataerror_naming_the_problem(name):
    with pytest.raises(DataError) as info:
        _read(name)
    err = info.value
    assert type(err) is DataError
    message = str(err)
    for fragment in CASES[name][2]:
        assert fragment in message, f"{fragment!r} missing in:\n{message}"
    assert err.file is not None and name in err.file
    assert _foreign_exceptions(err) == []


def test_structured_context_carries_column_and_rows():
    with pytest.raises(DataError) as info:
        read_table(BAD / "kita_negative_count.csv", table="kita")
    err = info.value
    assert err.column == "children"
    assert err.rows == (7,)
    assert len(err.problems) == 1
    # row 7 of the file really holds the -3 (header = line 1)
    lines = (BAD / "kita_negative_count.csv").read_text(encoding="utf-8").splitlines()
    assert lines[7 - 1].endswith(";-3")


def test_all_problems_of_a_file_are_reported_together(tmp_path):
    text = (
        "region_code;year;age_group;care_type;children\n"
        "8111;2023;u3;kita;5\n"
        "17001000;2023;u9;kita;-1\n"
        "17001000;2023;u3;kita;abc\n"
        "17001000;2023;u3;kita;4\n"
    )
    path = tmp_path / "kita.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_table(path)
    described = [p.describe() for p in info.value.problems]
    assert len(described) == 5, described
    joined = "\n".join(described)
    for fragment in [
        "Zeile 2",
        "'8111'",
        "'u9'",
        "negative Anzahl",
        "'abc'",
        "doppelter Schlüssel",
    ]:
        assert fragment in joined


def _good_kita_bytes() -> bytes:
    return (
        b"region_code;year;age_group;care_type;children\n"
        b"17001000;2023;u3;kita;812\n17001000;2023;3u6;kita;2410\n"
        b"17051004;2023;u3;tagespflege;2\n"
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=200), cut=st.integers(min_value=0, max_value=120))
def test_garbage_and_truncations_never_leak_foreign_exceptions(tmp_path, data, cut):
    for content, name in [
        (data, "kita.csv"),
        (_good_kita_bytes()[:cut] + data[:5], "kita.csv"),
        (gzip.compress(_good_kita_bytes())[:cut], "kita.csv.gz"),
        (data, "kita.parquet"),
        (data, "kita.xlsx"),
    ]:
        path = tmp_path / name
        path.write_bytes(content)
        try:
            read_table(path)
        except DataError as exc:
            assert _foreign_exceptions(exc) == []
        try:
            read_genesis(path)
        except DataError as exc:
            assert _foreign_exceptions(exc) == []


def test_fixture_counts_are_what_the_cases_claim():
    # independent look at two fixtures with the csv module
    with open(BAD / "kita_duplicate_keys.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    keys = [tuple(r[:4]) for r in rows[1:]]
    dupes = [i + 2 for i, k in enumerate(keys) if keys.count(k) > 1]
    assert dupes == [2, 10]
    with zipfile.ZipFile(BAD / "kita_zip_without_csv.zip") as archive:
        assert not [n for n in archive.namelist() if n.endswith(".csv")]
    frame = pd.read_parquet(BAD / "kita_wrong_dtypes.parquet")
    assert str(frame["region_code"].dtype) == "int64"
