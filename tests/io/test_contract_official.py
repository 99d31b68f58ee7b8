"""The table contract for official data (issue #15): optional breakdowns, age groups."""

from __future__ import annotations

import itertools

import pytest

from toolkit.errors import DataError
from toolkit.io import read_table
from toolkit.io._specs import AGE_GROUPS_12411, TABLES, age_group_label, age_interval
from toolkit.io.schemas import overlapping_age_groups


def _write(tmp_path, name, text):
    p = tmp_path / f"{name}.csv"
    # a complete file ends with a line break (without one, a last number counts as cut off)
    p.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    return p


def test_the_17_groups_of_12411_tile_all_ages():
    spans = [age_interval(g) for g in AGE_GROUPS_12411]
    assert spans[0] == (0, 3) and spans[-1] == (75, None)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert [age_group_label(*s) for s in spans] == list(AGE_GROUPS_12411)
    assert overlapping_age_groups(AGE_GROUPS_12411) == []


def test_population_by_age_group_without_sex_reads(tmp_path):
    p = _write(tmp_path, "population", "region_code,year,age_group,population\n03251,2019,u3,6")
    df = read_table(p)
    assert list(df.columns) == ["region_code", "year", "age_group", "population"]


def test_population_with_both_age_columns_is_refused(tmp_path):
    p = _write(
        tmp_path, "population", "region_code,year,age,age_group,sex,population\n03251,2019,1,u3,m,6"
    )
    with pytest.raises(DataError, match="schließen sich aus"):
        read_table(p)


def test_population_without_any_age_column_names_both(tmp_path):
    p = _write(tmp_path, "population", "region_code,year,sex,population\n03251,2019,m,6")
    with pytest.raises(DataError, match="age oder age_group"):
        read_table(p)


@pytest.mark.parametrize("bad", ["6-10", "unter 3", "6u6", "u3;3u6"])
def test_bad_age_group_labels_are_named(tmp_path, bad):
    p = _write(tmp_path, "population", f"region_code,year,age_group,population\n03251,2019,{bad},6")
    with pytest.raises(DataError, match="Altersgruppe"):
        read_table(p)


def test_overlapping_groups_are_refused(tmp_path):
    text = "region_code,year,age_group,population\n03251,2019,u3,6\n03251,2019,u6,9\n"
    with pytest.raises(DataError, match="überschneiden sich: 'u3' und 'u6'"):
        read_table(_write(tmp_path, "population", text))


def test_insgesamt_only_in_breakdown_columns(tmp_path):
    ok = "region_code,year,abschluss,sex,leavers\n03251,2023,insgesamt,insgesamt,2101\n03251,2023,insgesamt,w,997\n"
    assert len(read_table(_write(tmp_path, "school_leavers", ok))) == 2
    bad = "region_code,year,school_type,pupils\n03251,2023,insgesamt,5\n"
    with pytest.raises(DataError, match="school_type"):
        read_table(_write(tmp_path, "transitions", bad))


def test_breakdowns_and_requirements_per_table():
    assert TABLES["school_leavers"].missing(["region_code", "year", "leavers"]) == []
    assert TABLES["iabe"].missing(["region_code", "year", "entrants"]) == ["sector"]
    assert TABLES["kita"].breakdowns == ("care_type",)
