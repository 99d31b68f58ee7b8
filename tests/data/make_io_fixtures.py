"""Write the reader fixtures in tests/data/bad/ and tests/data/good/.

Run once with ``python tests/data/make_io_fixtures.py``; the files are
committed, so tests never depend on this script. Each bad file is described
in tests/io/test_bad_inputs.py together with the error it must produce.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad"
GOOD = HERE / "good"

KITA_HEADER = "region_code;year;age_group;care_type;children"
KITA_ROWS = [
    "17001000;2023;u3;kita;812",
    "17001000;2023;u3;tagespflege;95",
    "17001000;2023;3u6;kita;2410",
    "17001000;2023;3u6;tagespflege;12",
    "17051004;2023;u3;kita;2",
    "17051004;2023;u3;tagespflege;0",
    "17051004;2023;3u6;kita;41",
    "17051004;2023;3u6;tagespflege;1",
]
GENESIS_HEADER = (
    "statistics_code;statistics_label;time_code;time_label;time;1_variable_code;"
    "1_variable_label;1_variable_attribute_code;1_variable_attribute_label;2_variable_code;"
    "2_variable_label;2_variable_attribute_code;2_variable_attribute_label;value;value_unit;"
    "value_variable_code;value_variable_label"
)
GENESIS_ROWS = [
    "12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;2024-12-31;KREISE;"
    "Kreise und kreisfreie Städte;08222;Mannheim, Stadtkreis;GES;Geschlecht;GESW;weiblich;"
    "158789;Anzahl;BEVSTD;Bevölkerungsstand",
    "12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;2024-12-31;KREISE;"
    "Kreise und kreisfreie Städte;08236;Enzkreis, Landkreis;GES;Geschlecht;GESM;männlich;"
    "99097;Anzahl;BEVSTD;Bevölkerungsstand",
    "12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;2024-12-31;KREISE;"
    "Kreise und kreisfreie Städte;15151;Anhalt-Zerbst, Kreis;GES;Geschlecht;;Insgesamt;"
    "-;Anzahl;BEVSTD;Bevölkerungsstand",
]


def kita(rows: list[str] | None = None, header: str = KITA_HEADER, sep: str = ";") -> str:
    lines = [header, *(KITA_ROWS if rows is None else rows)]
    return "\n".join(line.replace(";", sep) for line in lines) + "\n"


def genesis(rows: list[str] | None = None, header: str = GENESIS_HEADER) -> str:
    return "\ufeff" + "\n".join([header, *(GENESIS_ROWS if rows is None else rows)]) + "\n"


def write(name: str, content: str | bytes, folder: Path = BAD, encoding: str = "utf-8") -> None:
    data = content.encode(encoding) if isinstance(content, str) else content
    (folder / name).write_bytes(data)


def xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)


def kita_cells() -> list[list[object]]:
    cells: list[list[object]] = [KITA_HEADER.split(";")]
    for row in KITA_ROWS:
        code, year, group, care, n = row.split(";")
        cells.append([code, int(year), group, care, int(n)])
    return cells


def bad_tables() -> None:
    write("kita_pipe_delimiter.csv", kita(sep="|"))
    write("kita_tab_delimiter.csv", kita(sep="\t"))
    write("kita_no_delimiter.csv", "region_code year age_group care_type children\n1 2 3 4 5\n")
    write("kita_utf16.csv", kita(), encoding="utf-16")
    # bytes 0x81/0x8d are not defined in Windows-1252: encoding cannot be told
    write("kita_undecidable_encoding.csv", kita().encode() + b"17001000;2023;u3;kita;\x81\x8d\n")
    # valid Windows-1252, but '‡' and '™' are not what a German table holds: ambiguous
    write("kita_legacy_odd_characters.csv", kita().encode() + b"17001000;2023;u3;kita;3\x87\x99\n")
    mixed = kita().encode("utf-8") + "17051004;2024;u3;kita;5 # Öffnung, Mühle\n".encode("cp1252")
    write("kita_mixed_encodings.csv", "Stra\u00dfe".encode() + b"\n" + mixed)
    write(
        "kita_missing_column.csv",
        kita(
            [r.rsplit(";", 2)[0] + ";" + r.rsplit(";", 1)[1] for r in KITA_ROWS],
            header="region_code;year;age_group;children",
        ),
    )
    write("kita_renamed_column.csv", kita(header="region_code;year;age_group;care_type;kinder"))
    write(
        "kita_extra_column.csv",
        kita([r + ";ok" for r in KITA_ROWS], header=KITA_HEADER + ";bemerkung"),
    )
    write(
        "kita_non_numeric_count.csv",
        kita([*KITA_ROWS[:3], "17001000;2023;3u6;tagespflege;viele", *KITA_ROWS[4:]]),
    )
    write(
        "kita_negative_count.csv",
        kita([*KITA_ROWS[:5], "17051004;2023;u3;tagespflege;-3", *KITA_ROWS[6:]]),
    )
    write(
        "kita_decimal_count.csv",
        kita([*KITA_ROWS[:1], "17001000;2023;u3;tagespflege;95,5", *KITA_ROWS[2:]]),
    )
    write(
        "kita_thousands_separator.csv",
        kita([*KITA_ROWS[:2], "17001000;2023;3u6;kita;2.410", *KITA_ROWS[3:]]),
    )
    write("kita_duplicate_keys.csv", kita([*KITA_ROWS, "17001000;2023;u3;kita;799"]))
    write("kita_unknown_region.csv", kita([*KITA_ROWS, "17999000;2023;u3;kita;7"]))
    write(
        "kita_lost_leading_zero.csv",
        kita(["8111000;2023;u3;kita;5", "8111;2023;u3;kita;5", *KITA_ROWS]),
    )
    write("kita_truncated.csv", kita().rstrip("\n") + "\n17051004;2024;u3;ki")
    write("kita_empty.csv", b"")
    write("kita_header_only.csv", KITA_HEADER + "\n")
    write(
        "kita_html_error_page.csv",
        "<!DOCTYPE html>\n<html><head><title>Fehler 503</title></head>"
        "<body><h1>Service nicht verfügbar</h1></body></html>\n",
    )
    write(
        "kita_bad_category.csv",
        kita([*KITA_ROWS[:6], "17051004;2023;u6;kita;41", "17051004;2023;3u6;hort;1"]),
    )
    write("kita_empty_count.csv", kita([*KITA_ROWS[:7], "17051004;2023;3u6;tagespflege;"]))
    write("kita_unclosed_quote.csv", kita([*KITA_ROWS, '"17051004;2024;u3;kita;3']))
    write("kita_year_out_of_range.csv", kita([*KITA_ROWS, "17051004;23;u3;kita;3"]))
    write(
        "contracts_dissolved_start_year.csv",
        "region_code,year,start_year,zustaendigkeit,beruf,sex,nationality,schooling,probezeit,dissolutions\n"
        "17001,2023,2023,hw,26110,m,deutsch,hsa,true,4\n"
        "17001,2023,2018,hw,26110,m,deutsch,hsa,false,2\n"
        "17001,2023,2024,ih,26110,w,deutsch,msa,false,1\n",
    )
    write(
        "contracts_new_bad_bool_and_category.csv",
        "region_code,year,zustaendigkeit,beruf,sex,nationality,schooling,contracts\n"
        "17001,2023,handwerk,26110,m,deutsch,hsa,14\n"
        "17001,2023,hw,26110,d,deutsch,abitur,3\n",
    )
    write(
        "regions_level_mismatch.csv",
        "region_code,region_name,level,parent_code,kreisfrei\n"
        "DG,Deutschland,bund,,\n17,Musterland,land,DG,\n"
        "17001,Musterstadt,gemeinde,17,true\n17001000,Musterstadt,gemeinde,17001,\n",
    )
    write(
        "survey_families_answers_of_nonrespondents.csv",
        "hh_id,sozialraum,stratum,n_stratum_frame,design_weight,responded,child_age_group,"
        "single_parent,migration,zufriedenheit_kita,zufriedenheit_schule,zufriedenheit_freizeit,"
        "nutzt_familienzentrum,bedarf_ganztag,bedarf_beratung\n"
        "H001,17001000-SR01,17001000-SR01,420,8.4,true,u3,false,true,4,,5,true,false,\n"
        "H002,17001000-SR01,17001000-SR01,420,8.4,false,3u6,false,false,2,,,,,\n"
        "H003,17001000-SR01,17001000-SR01,420,8.4,vielleicht,3u6,false,false,7,,,,,\n"
        "H004,17001000,17001000-SR01,420,-1,true,6u10,false,false,3,3,3,false,false,false\n",
    )
    write(
        "survey_families_margins_not_sozialraum.csv",
        "sozialraum,child_age_group,households\n17001000-SR01,u3,120\n17001000,u3,80\n",
    )
    xlsx(BAD / "kita_wrong_sheet.xlsx", {"Tabelle1": kita_cells(), "Tabelle2": [["leer"]]})
    numeric = kita_cells()
    numeric.append([8111000, 2024, "u3", "kita", 3])
    xlsx(BAD / "kita_codes_as_numbers.xlsx", {"kita": numeric})
    write("kita_not_really_excel.xlsx", kita())
    write("kita_xls_format.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    import pandas as pd

    frame = pd.DataFrame(
        {
            "region_code": [17001000, 8111000],
            "year": [2023, 2023],
            "age_group": ["u3", "u3"],
            "care_type": ["kita", "kita"],
            "children": [812.0, 3.5],
        }
    )
    frame.to_parquet(BAD / "kita_wrong_dtypes.parquet", index=False)
    write("kita_corrupt.parquet", b"PAR1" + b"\x00garbage" * 10)
    write("kita_corrupt.csv.gz", gzip.compress(kita().encode())[:30])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("readme.txt", "Keine Daten")
        archive.writestr("tabelle.xlsx", b"PK")
    write("kita_zip_without_csv.zip", buf.getvalue())


def bad_genesis() -> None:
    old = (
        "Statistik_Code;Statistik_Label;Zeit_Code;Zeit_Label;Zeit;1_Merkmal_Code;1_Merkmal_Label;"
        "1_Auspraegung_Code;1_Auspraegung_Label;BEVSTD__Bevoelkerungsstand__Anzahl;"
        "BEVSTD__Bevoelkerungsstand__q\n"
        "12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;31.12.2024;KREISE;Kreise;"
        "08222;Mannheim, Stadtkreis;315554;e\n"
    )
    write("genesis_old_format.csv", "\ufeff" + old)
    write(
        "genesis_missing_value_column.csv",
        genesis(
            [";".join(r.split(";")[:13] + r.split(";")[14:]) for r in GENESIS_ROWS],
            header=GENESIS_HEADER.replace(";value;", ";"),
        ),
    )
    write(
        "genesis_unknown_symbol.csv",
        genesis([*GENESIS_ROWS, GENESIS_ROWS[0].replace(";158789;", ";*;")]),
    )
    write(
        "genesis_mixed_decimal_marks.csv",
        genesis(
            [
                GENESIS_ROWS[0].replace(";158789;", ";1,5;"),
                GENESIS_ROWS[1].replace(";99097;", ";2.5;"),
            ]
        ),
    )
    write(
        "genesis_de_with_decimal_point_de_flat.csv",
        genesis([GENESIS_ROWS[0].replace(";158789;", ";1.5;"), GENESIS_ROWS[1]]),
    )
    write(
        "genesis_empty_value.csv",
        genesis([GENESIS_ROWS[0], GENESIS_ROWS[1].replace(";99097;", ";;")]),
    )
    write(
        "genesis_incomplete_variable.csv",
        genesis(
            [";".join(r.split(";")[:12] + r.split(";")[13:]) for r in GENESIS_ROWS],
            header=GENESIS_HEADER.replace(";2_variable_attribute_label", ""),
        ),
    )
    write(
        "genesis_comma_separated.csv",
        genesis(
            [r.replace(", ", " ").replace(";", ",") for r in GENESIS_ROWS],
            header=GENESIS_HEADER.replace(";", ","),
        ),
    )
    write("genesis_not_a_genesis_file.csv", kita())
    q_header = GENESIS_HEADER + ";value_q"
    write(
        "genesis_unknown_quality_mark.csv",
        genesis([GENESIS_ROWS[0] + ";e", GENESIS_ROWS[1] + ";z"], header=q_header),
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("teil1.csv", genesis())
        archive.writestr("teil2.csv", genesis())
    write("genesis_zip_two_csv.zip", buf.getvalue())
    write("genesis_truncated.csv", genesis().rstrip("\n")[:-40])


def good() -> None:
    write(
        "berufe_cp1252.csv",
        "beruf;beruf_name;zustaendigkeit\n26110;Mechatroniker/in – Schwerpunkt Straße;ih\n"
        "82302;Kaufmann/-frau für Büromanagement;ih\n",
        GOOD,
        "cp1252",
    )
    english = (
        "statistics_code;statistics_label;time_code;time_label;time;1_variable_code;"
        "1_variable_label;1_variable_attribute_code;1_variable_attribute_label;2_variable_code;"
        "2_variable_label;2_variable_attribute_code;2_variable_attribute_label;value;value_unit;"
        "value_variable_code;value_variable_label;value_q\n"
        "21311;Statistics of students;HJAHR;Semester;2023-10P6M;DLAND;Federal states;08;"
        "Baden-Württemberg;GES;Sex;;Total;358214;number;BIL002;Students;e\n"
        "21311;Statistics of students;HJAHR;Semester;2023-10P6M;DLAND;Federal states;08;"
        "Baden-Württemberg;GES;Sex;GESW;female;(181.5);number;BIL002;Students;e\n"
        "21311;Statistics of students;HJAHR;Semester;2023-10P6M;DLAND;Federal states;08;"
        "Baden-Württemberg;GES;Sex;GESM;male;176.7;number;BIL002;Students;p\n"
        "21311;Statistics of students;HJAHR;Semester;2024-04P6M;DINSG;Germany;DG;Germany;GES;"
        "Sex;;Total;...;number;BIL002;Students;\n"
        "21311;Statistics of students;HJAHR;Semester;2024-04P6M;DLAND;Federal states;11;Berlin;"
        "GES;Sex;GESW;female;/;number;BIL002;Students;\n"
        "21311;Statistics of students;HJAHR;Semester;2024-04P6M;DLAND;Federal states;11;Berlin;"
        "GES;Sex;GESM;male;12.5r;number;BIL002;Students;\n"
    )
    write("genesis_english_semester.csv", "\ufeff" + english, GOOD)


if __name__ == "__main__":
    BAD.mkdir(exist_ok=True)
    GOOD.mkdir(exist_ok=True)
    bad_tables()
    bad_genesis()
    good()
