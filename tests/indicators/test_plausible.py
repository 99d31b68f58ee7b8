"""Issue #14: an implausible input count never reaches a report silently.

A kita count of 50 million (below the read-time bound of 100 million, far
above any real Gemeinde) must give a note naming the indicator and the
catalogue range; a count of 10^15 is refused when the table is read.
"""

from __future__ import annotations

import shutil
import warnings

import pandas as pd
import pytest

from toolkit.errors import DataError
from toolkit.indicators import compute_all
from toolkit.io import read_dataset
from toolkit.samples import sample_dir


def _dataset_with(tmp_path, children: int):
    directory = tmp_path / "daten"
    shutil.copytree(sample_dir(), directory)
    kita = pd.read_csv(directory / "kita.csv", dtype=str)
    row = kita.index[(kita.age_group == "u3") & (kita.care_type == "kita")][0]
    kita.loc[row, "children"] = str(children)
    kita.to_csv(directory / "kita.csv", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_dataset(directory), kita.loc[row, "region_code"], int(kita.loc[row, "year"])


def test_value_outside_the_catalogue_range_becomes_a_note(tmp_path):
    ds, region, year = _dataset_with(tmp_path, 50_000_000)
    frame = compute_all(ds, indicators=["betreuungsquote_u3"])
    value = frame.loc[
        (frame.region_code == region) & (frame.period == year) & (frame.dimension == ""), "value"
    ].item()
    assert value > 150  # the catalogue's upper bound for this indicator
    notes = [n for n in frame.attrs["notes"] if n.startswith("Unplausibel")]
    assert len(notes) == 1 and "betreuungsquote_u3" in notes[0] and "0 bis 150 %" in notes[0]


def test_sample_data_give_no_plausibility_note():
    from toolkit.io import read_sample

    frame = compute_all(read_sample())
    assert not [n for n in frame.attrs["notes"] if n.startswith("Unplausibel")]


def test_count_no_region_can_have_is_refused_when_read(tmp_path):
    with pytest.raises(DataError, match="unplausibel große Anzahl"):
        _dataset_with(tmp_path, 10**15)
