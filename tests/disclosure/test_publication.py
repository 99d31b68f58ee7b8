"""Publication-wide protection and the outsider's audit on the Musterland quarter.

Each regression test takes the rows some outputs show together, protects them
the old way (per report / per indicator with ``protect_indicators``) and the
new way (rows of the one protected publication), and attacks both with
``audit_publication``: the old way must disclose, the new one must not.
"""

import numpy as np
import pandas as pd
import pytest

from toolkit.disclosure import (
    audit_publication,
    disclosed,
    group_disclosure,
    load_publication,
    protect_indicators,
    protect_publication,
    publication_rows,
)
from toolkit.errors import ParameterError
from toolkit.indicators import compute_all
from toolkit.reports.runtime import load_dataset

PERIODS = [2023, 2024]


@pytest.fixture(scope="module")
def quarter(tmp_path_factory):
    """All indicators, all levels (Land, Kreise, Gemeinden, Sozialräume), 2023 and 2024."""
    dataset = load_dataset()
    truth = compute_all(dataset, periods=PERIODS).reset_index(drop=True)
    out = tmp_path_factory.mktemp("publication")
    pub = protect_publication(dataset, periods=PERIODS, out_dir=out)
    return dataset, truth, pub, out


def _attack(published: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    return audit_publication(published.reset_index(drop=True), truth.reset_index(drop=True))


def test_full_quarter_has_no_disclosed_cell(quarter):
    _, truth, pub, _ = quarter
    assert len(pub.frame) == len(truth)
    assert set(pub.frame["level"]) >= {"land", "kreis", "gemeinde", "sozialraum"}
    result = _attack(pub.frame, truth)
    assert len(result) > 1000  # many sensitive counts were attacked
    assert disclosed(result).empty, disclosed(result).head()
    # no count of 1 or 2 is shown anywhere (population changes are differences)
    for q in ("numerator", "denominator"):
        shown = pub.frame.loc[pub.frame["indicator"] != "bevoelkerung_veraenderung", q].dropna()
        assert not ((shown > 0) & (shown < 3)).any()


def test_same_count_is_hidden_everywhere(quarter):
    pub = quarter[2]
    # the entrants of a school type are the quote's numerator and a category of uebergaenge_jg5
    f = pub.frame
    quote = f[(f["indicator"] == "uebergangsquote_hauptschule") & (f["dimension"] == "")]
    jg5 = f[(f["indicator"] == "uebergaenge_jg5") & (f["category"] == "hauptschule")]
    both = quote.merge(jg5, on=["region_code", "period"], suffixes=("_q", "_n"))
    assert len(both) > 200
    assert (both["numerator_q"].isna() == both["value_n"].isna()).all()


def test_batch_reuses_the_protected_set(quarter):
    dataset, _, pub, out = quarter
    again = protect_publication(dataset, periods=PERIODS, out_dir=out)
    assert again.meta["created"] == pub.meta["created"]
    assert again.meta["input_hash"] == load_publication(out).meta["input_hash"]
    rows = publication_rows(again, regions=["17056003"], periods=[2024])
    assert set(rows["region_code"]) == {"17056003"}
    with pytest.raises(ParameterError):
        publication_rows(again, periods=[2022])


def test_alt_biberberg_chain(quarter):
    """17056003, 2024: 22 entrants, school types shown but one (Hauptschule: 1)."""
    _, truth, pub, _ = quarter
    mask = (
        (truth["region_code"] == "17056003")
        & (truth["period"] == 2024)
        & (truth["dimension"] == "")
        & (
            truth["indicator"].str.startswith("uebergangsquote_")
            | (truth["indicator"] == "uebergaenge_jg5")
        )
    )
    rows = truth[mask]
    hs = rows[rows["indicator"] == "uebergangsquote_hauptschule"]
    assert hs["numerator"].tolist() == [1.0]
    assert rows.loc[rows["indicator"] == "uebergaenge_jg5", "value"].tolist() == [22.0]
    old = protect_indicators(rows.reset_index(drop=True))
    assert not disclosed(_attack(old, rows)).empty  # 22 − (3 + 4 + 14 + 0 + 0 + 0) = 1
    assert disclosed(_attack(pub.frame[mask], rows)).empty


def test_storchenborn_hidden_in_kreis_report_printed_in_own(quarter):
    """6,1 % ohne Abschluss (9 of 148): hidden in the Kreis report, printed in its own."""
    _, truth, pub, _ = quarter
    base = (
        (
            truth["indicator"].str.startswith("abgaenge_anteil")
            | (truth["indicator"] == "schulabgaenge")
        )
        & (truth["period"] == 2024)
        & (truth["dimension"] == "")
    )
    kreis = base & (
        truth["region_code"].str.startswith("17052") | truth["region_code"].isin(["17", "DG"])
    )
    kreis &= truth["level"] != "sozialraum"
    own = base & truth["region_code"].isin(["17052051", "17052", "17", "DG"])
    rows = pd.concat([truth[kreis], truth[own]], ignore_index=True)
    old_k = protect_indicators(truth[kreis].reset_index(drop=True))
    old_o = protect_indicators(truth[own].reset_index(drop=True))
    cell = (old_k["region_code"] == "17052051") & (old_k["indicator"] == "abgaenge_anteil_ohne_hsa")
    assert old_k.loc[cell, "flag"].tolist() == ["."]
    cell = (old_o["region_code"] == "17052051") & (old_o["indicator"] == "abgaenge_anteil_ohne_hsa")
    assert old_o.loc[cell, "value"].round(1).tolist() == [6.1]
    assert not disclosed(_attack(pd.concat([old_k, old_o], ignore_index=True), rows)).empty
    new = pd.concat([pub.frame[kreis], pub.frame[own]], ignore_index=True)
    assert disclosed(_attack(new, rows)).empty


def test_explorer_quote_numerator_and_dissolutions(quarter):
    """The explorer protected each indicator alone: the quote printed what vertragsloesungen hid."""
    _, truth, pub, _ = quarter
    mask = truth["indicator"].isin(["vertragsloesungsquote", "vertragsloesungen"]) & (
        truth["period"] == 2024
    )
    rows = truth[mask].reset_index(drop=True)
    old = pd.concat(
        [
            protect_indicators(g.reset_index(drop=True))
            for _, g in rows.groupby("indicator", sort=False)
        ],
        ignore_index=True,
    )
    order = pd.concat([g for _, g in rows.groupby("indicator", sort=False)], ignore_index=True)
    assert not disclosed(_attack(old, order)).empty
    assert disclosed(_attack(pub.frame[mask], rows)).empty


def test_zero_and_all_of_small_groups_are_not_shown(quarter):
    """'0,0 %' of a subgroup and '100 % of 3' state something about everyone in the group."""
    _, truth, pub, _ = quarter
    risky = (truth["unit"] == "%") & group_disclosure(truth["numerator"], truth["denominator"])
    assert risky.sum() > 50
    assert pub.frame.loc[risky, "value"].isna().all()
    assert (pub.frame.loc[risky, "flag"] == ".").all()
    old = protect_indicators(truth[risky & (truth["period"] == 2024)].reset_index(drop=True))
    assert old["value"].notna().any()  # the per-report protection showed them


def test_rounded_rate_next_to_its_denominator_is_a_count():
    """A rate with one decimal and its denominator of 40 pin a hidden numerator of 1."""
    truth = pd.DataFrame(
        {
            "region_code": ["17", "17001", "17002", "17001"],
            "region_name": "x",
            "level": ["land", "kreis", "kreis", "kreis"],
            "period": 2024,
            "indicator": ["schulabgaenge"] * 3 + ["ausbildungsanfaengerquote"],
            "dimension": "",
            "category": "",
            "value": [21.0, 1.0, 20.0, 2.5],
            "numerator": [21.0, 1.0, 20.0, 1.0],
            "denominator": [np.nan, np.nan, np.nan, 40.0],
            "unit": ["Anzahl"] * 3 + ["%"],
            "flag": "",
        }
    )
    shown = truth.copy()
    shown.loc[[1, 2], ["value", "numerator"]] = np.nan
    shown.loc[3, "numerator"] = np.nan  # only the rate (2,5 %) and its denominator are printed
    result = audit_publication(shown, truth)
    row = result[result["family"] == "ausbildungsanfaengerquote:numerator"]
    # 40 * 2,45 % = 0,98 <= numerator <= 1,02 = 40 * 2,55 %
    assert row["feasible_min"].round(2).tolist() == [0.98]
    assert row["feasible_max"].round(2).tolist() == [1.02]
    assert not row["protected"].iloc[0]
