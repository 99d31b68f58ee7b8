"""Shares over the full total, publishable rates, and survey tables with their total row.

Expected values are computed by hand in the comments.
"""

import numpy as np
import pandas as pd

from toolkit.disclosure import (
    SURVEY_TOTAL,
    protect_survey,
    publishable_rate,
    shares_of_total,
)
from toolkit.reports.content._befragung import survey_estimates
from toolkit.reports.runtime import load_dataset


def test_shares_are_of_the_full_total_and_hide_the_remainder():
    # Alt-Biberberg 2024: 22 entrants; Hauptschule (1) and the zero types hidden by protection
    parts = pd.Series(
        {"hauptschule": np.nan, "realschule": np.nan, "mehrere": np.nan, "gesamt": 4.0, "gym": 14.0}
    )
    out = shares_of_total(parts, 22.0)
    # 4/22 = 18,18 %, 14/22 = 63,64 %: not 4/18 and 14/18 (normalised over the shown parts)
    assert out.loc["gesamt", "share"].round(2) == 18.18
    assert out.loc["gym", "share"].round(2) == 63.64
    assert np.isnan(out.loc["nicht ausgewiesen", "share"])
    assert np.isnan(out.loc["nicht ausgewiesen", "count"])
    # with the total hidden no share is shown
    assert shares_of_total(parts, np.nan)["share"].isna().all()


def test_rate_needs_both_counts_and_no_group_disclosure():
    num = [5, np.nan, 2, 0, 3, 0, 12]
    den = [20, 20, 20, 5, 3, 12, 12]
    # ok | numerator hidden | numerator 2 < 3 | 0 of 5 | 3 of 3 (100 %) | 0 of 12 ok | 12 of 12 ok
    assert publishable_rate(num, den).tolist() == [True, False, False, False, False, True, True]


def _survey() -> pd.DataFrame:
    # Sozialraum A: 2 "ja" of 12; total 22 "ja" of 57 (the case: "." but the total tells)
    return pd.DataFrame(
        {
            "item": "bedarf_beratung",
            "region_code": ["17001000-SR01", "17001000-SR02", "17001000-SR03", SURVEY_TOTAL],
            "value": [16.7, 45.0, 44.0, 38.6],
            "ci_low": [3.0, 25.0, 26.0, 26.0],
            "ci_high": [45.0, 66.0, 63.0, 52.0],
            "n": [12, 20, 25, 57],
            "count_yes": [2.0, 9.0, 11.0, 22.0],
            "unit": "%",
        }
    )


def test_survey_total_row_is_a_cell_of_the_table():
    est = _survey()
    new = protect_survey(est)
    soz = new[new["region_code"] != SURVEY_TOTAL]
    total = new[new["region_code"] == SURVEY_TOTAL]
    assert soz.loc[soz["region_code"] == "17001000-SR01", "flag"].tolist() == ["."]
    # at least two Sozialräume hidden: total minus the shown ones is a sum of two unknowns
    assert soz["count_yes"].isna().sum() >= 2 or total["count_yes"].isna().all()
    assert soz["n"].isna().sum() >= 2 or total["n"].isna().all()


def test_survey_total_gave_away_the_hidden_sozialraum():
    """Musterland survey, Zufriedenheit Kita: SR01 has 5 respondents ("/"), the total 218."""
    dataset = load_dataset()
    soz = sorted(dataset.tables["survey_families"]["sozialraum"].unique())
    shown = survey_estimates(dataset, soz)
    kita = shown[shown["item"] == "zufriedenheit_kita"].reset_index(drop=True)
    rows = kita[kita["region_code"] != SURVEY_TOTAL]
    hidden = rows["flag"] != ""
    # The old per-report rule hid only SR01 (5 of 218) next to the total row, so
    # 218 minus the shown n gave it away. The report content now protects the total row
    # as a cell of the same table: a second Sozialraum (or the total) is hidden too.
    total = kita[kita["region_code"] == SURVEY_TOTAL]
    assert hidden.iloc[0]
    assert hidden.sum() >= 2 or total["n"].isna().all()
    raw = survey_estimates(dataset, soz, min_count=0, min_n=0)  # nothing below a threshold of 0
    raw = raw[raw["item"] == "zufriedenheit_kita"].reset_index(drop=True)
    raw_rows = raw[raw["region_code"] != SURVEY_TOTAL]
    assert raw_rows["flag"].eq("").all() and raw_rows["n"].iloc[0] == 5
    new = protect_survey(raw.assign(flag=""))
    new_rows = new[new["region_code"] != SURVEY_TOTAL]
    assert new_rows["flag"].iloc[0] == "/"
    assert new_rows["n"].isna().sum() >= 2
    assert new_rows.loc[new_rows["flag"] != "", "value"].isna().all()


def test_survey_too_few_respondents_forces_its_complement():
    est = _survey().assign(count_yes=[5.0, 9.0, 11.0, 25.0])
    est.loc[0, "n"] = 8  # under min_n = 10: "/", and the total would give its 8 away
    est.loc[3, "n"] = 53
    new = protect_survey(est, min_n=10)
    assert new["flag"].tolist()[0] == "/"
    soz = new[new["region_code"] != SURVEY_TOTAL]
    assert soz["n"].isna().sum() >= 2
    assert new.loc[new["flag"] != "", "value"].isna().all()


def test_tau_argus_engine_gives_a_protected_publication_too():
    from toolkit.disclosure import audit_publication, disclosed, protect_publication

    # Kreis 17001 = 2 + 12 + 16 Gemeinde entrants; by hand: 2 alone would be 30 − 12 − 16
    truth = pd.DataFrame(
        {
            "region_code": ["17001", "17001001", "17001002", "17001003"],
            "region_name": "x",
            "level": ["kreis", "gemeinde", "gemeinde", "gemeinde"],
            "period": 2024,
            "indicator": "uebergaenge_jg5",
            "dimension": "",
            "category": "",
            "value": [30.0, 2.0, 12.0, 16.0],
            "numerator": [30.0, 2.0, 12.0, 16.0],
            "denominator": np.nan,
            "unit": "Anzahl",
            "flag": "",
        }
    )
    for engine in ("fixpoint", "tau-argus"):
        pub = protect_publication(truth, engine=engine)
        assert pub.frame["flag"].tolist().count(".") == 2, engine
        assert disclosed(audit_publication(pub, truth)).empty
