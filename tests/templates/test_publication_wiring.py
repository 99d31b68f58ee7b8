"""Every report, batch and the explorer read the one protected publication set (issue #16).

References are the raw sample files (counts summed by hand with pandas) and the
protected set itself: what one output hides, every other output must hide too.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from toolkit.disclosure import publication_rows
from toolkit.io import Dataset
from toolkit.reports import content as rc
from toolkit.reports.content import chain_frame, prepare_report
from toolkit.reports.runtime import load_dataset

P = 2024
ALT_BIBERBERG = "17056003"
KEYS = ["region_code", "period", "indicator", "dimension", "category"]


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module")
def pub(ds):
    """The protected set reports read without a batch (cached on disk by input hash)."""
    return rc.report_publication(ds)


def test_alt_biberberg_chain_shows_shares_of_the_full_total(ds):
    t = ds.tables["transitions"]
    counts = t[(t["region_code"] == ALT_BIBERBERG) & (t["year"] == P)]
    counts = counts.groupby("school_type")["pupils"].sum()
    entrants = counts.drop("jg4_abgaenge").sum()
    assert entrants == 22 and counts["hauptschule"] == 1  # the case of the issue
    codes = [f"uebergangsquote_{c}" for c in counts.index if c != "jg4_abgaenge"]
    ctx = prepare_report(ds, ALT_BIBERBERG, P, indicators=codes)
    stage = chain_frame(ctx)
    stage = stage[stage["stage"].str.startswith("Übergang")]
    shown = stage[stage["flag"] == ""]
    assert len(shown) >= 2 and (stage["flag"] == ".").any()
    labels = {"Gymnasium": "gymnasium", "Gesamtschule": "gesamtschule"}
    for label, code in labels.items():
        value = shown.loc[shown["category"] == label, "value"].iloc[0]
        assert value == pytest.approx(100 * counts[code] / entrants)  # 63,6 % and 18,2 %
    # the hidden remainder is not the difference of the shown shares to 100 %
    assert shown["value"].sum() < 100 - 100 * 1 / entrants - 1e-9
    chart = next(
        c for c in rc.uebergaenge(ds, ALT_BIBERBERG, P).charts if "Bildungskette" in c.alt_text
    )
    assert "63,6" in chart.alt_text and "66,7" not in chart.alt_text
    assert "nicht ausgewiesen" in chart.alt_text


def _shown(ctx) -> pd.DataFrame:
    return ctx.frame[[*KEYS, "value", "flag"]]


def test_cell_hidden_in_the_kreis_report_is_hidden_in_the_gemeinde_report(ds, pub):
    f = pub.frame
    codes = sorted(set(f.loc[f["dimension"] == "", "indicator"]))
    hidden = f[(f["level"] == "gemeinde") & (f["period"] == P) & (f["flag"] == ".")]
    hidden = hidden[hidden["dimension"] == ""]
    gemeinde = hidden["region_code"].iloc[0]
    kreis = gemeinde[:5]
    in_kreis = _shown(prepare_report(ds, kreis, P, indicators=codes, sub_indicators=codes))
    in_gemeinde = _shown(prepare_report(ds, gemeinde, P, indicators=codes))
    both = in_kreis.merge(in_gemeinde, on=KEYS, suffixes=("_k", "_g"))
    assert (
        len(both) > 20
        and gemeinde in set(both["region_code"])
        and kreis in set(both["region_code"])
    )
    assert (both["flag_k"] == both["flag_g"]).all()
    assert np.allclose(both["value_k"], both["value_g"], equal_nan=True)
    cell = both[both["region_code"] == gemeinde]
    assert (cell["flag_k"] == ".").any()  # a cell the Kreis report hides as a sub-region ...
    assert cell.loc[cell["flag_k"] == ".", "value_g"].isna().all()  # ... its own report hides


def test_explorer_prints_no_quote_numerator_that_vertragsloesungen_hides(pub):
    from toolkit.widgets import IndicatorExplorer

    ex = IndicatorExplorer(publication_rows(pub), region="17")
    quote = ex.protected("vertragsloesungsquote")
    counts = ex.protected("vertragsloesungen")
    both = quote[quote["dimension"] == ""].merge(
        counts[counts["dimension"] == ""], on=["region_code", "period"], suffixes=("_q", "_v")
    )
    assert len(both) > 50
    printed = both["numerator_q"].notna()
    assert (both.loc[printed, "value_v"] == both.loc[printed, "numerator_q"]).all()
    assert both.loc[both["value_v"].isna(), "numerator_q"].isna().all()


def _check_survey(dataset, areas) -> list[tuple[str, list[str]]]:
    """Check the total row against the file; return (item, hidden areas) of every item."""
    raw = dataset.tables["survey_families"]
    raw = raw[raw["responded"].astype(bool) & raw["sozialraum"].isin(areas)]
    est = rc.survey_estimates(dataset, areas)
    parts = rc.survey_report(dataset, "17001", P)
    out = []
    for item in rc.SURVEY_ITEMS:
        rows = est[est["item"] == item].set_index("region_code")
        answered = raw[raw[item].notna()]
        total = rows.loc["__gesamt__"]
        hidden = [c for c in areas if rows.at[c, "flag"] in (".", "/")]
        if total["flag"] == "":
            # the total minus the shown areas must never be a single hidden area
            assert len(hidden) != 1, (item, hidden)
            assert total["n"] == len(answered)  # hand count from the file
            # the answers behind each item's total are shown next to it ("Antworten je Merkmal")
            row = parts.key_figures.split("Antworten je Merkmal</th>", 1)[1].split("</tr>")[0]
            assert f">{len(answered):,}</td>".replace(",", ".") in row, (item, row)
        else:
            assert np.isnan(total["n"]) and np.isnan(total["value"])
        out.append((item, hidden))
    return out


def test_survey_total_row_is_a_cell_of_the_table(ds):
    raw = ds.tables["survey_families"]
    areas = sorted(raw.loc[raw["sozialraum"].str.startswith("17001000"), "sozialraum"].unique())
    hidden = dict(_check_survey(ds, areas))
    # the sample's case: an area under 10 respondents ("/") forces a complement
    assert len(hidden["zufriedenheit_kita"]) >= 2
    # the case: an area with 2 "ja" answers (planted from the real rows)
    survey = raw.copy()
    first = survey.index[
        (survey["sozialraum"] == areas[0])
        & survey["responded"].astype(bool)
        & survey["bedarf_ganztag"].notna()
    ]
    survey.loc[first, "bedarf_ganztag"] = False
    survey.loc[first[:2], "bedarf_ganztag"] = True
    changed = Dataset({**ds.tables, "survey_families": survey}, meta=ds.meta, synthetic=True)
    hidden = dict(_check_survey(changed, areas))
    assert areas[0] in hidden["bedarf_ganztag"] and len(hidden["bedarf_ganztag"]) >= 2


# ---------------------------------------------------------------- batches


def _kreis_data(tmp_path):
    """Musterland cut to the Kreis 17051: a small, consistent publication (Land = the Kreis)."""
    from toolkit.samples import sample_dir

    src, out = sample_dir(), tmp_path / "kreis17051"
    shutil.copytree(src, out, ignore=shutil.ignore_patterns("survey_families*"))
    for path in out.glob("*.csv"):
        table = pd.read_csv(path, dtype={"region_code": str, "parent_code": str})
        if "region_code" in table.columns:
            keep = table["region_code"].str.startswith("17051")
            if path.name == "regions.csv":  # Land and Bund stay regions; their values are sums
                keep |= table["region_code"].isin(["DG", "17"])
            table[keep].to_csv(path, index=False)
    return out


@pytest.fixture(scope="module")
def kreis_batch(tmp_path_factory):
    from toolkit.reports import run_batch

    tmp = tmp_path_factory.mktemp("kreisbatch")
    data = _kreis_data(tmp)
    folder = tmp / "publication"

    def run(regions, name):
        return run_batch(
            "fakten_check",
            regions=regions,
            period=P,
            out=tmp / name,
            data_dir=data,
            publication_dir=folder,
            progress=False,
        )

    return run, folder, data


def test_batch_audits_and_a_subset_batch_reuses_the_set(kreis_batch):
    run, folder, _ = kreis_batch
    first = run("17051005", "a")
    assert first.exit_code == 0, [e.to_dict() for e in first.entries]
    meta = json.loads((folder / "publication.json").read_text("utf-8"))
    manifest = json.loads((first.out_dir / "manifest.json").read_text("utf-8"))
    audit = manifest["disclosure_audit"]
    assert audit["input_hash"] == meta["input_hash"] and audit["disclosed"] == 0
    assert audit["sensitive"] > 10  # the audit attacked the sensitive cells
    second = run("17051012,17051", "b")  # another subset of regions: same set, not protected again
    assert second.exit_code == 0
    again = json.loads((folder / "publication.json").read_text("utf-8"))
    assert again["created"] == meta["created"] and again["seconds"] == meta["seconds"]


def test_batch_fails_when_the_audit_finds_a_disclosed_cell(kreis_batch):
    run, folder, data = kreis_batch
    run("17051005", "c")  # the protected set exists (or is reused)
    from toolkit.indicators import compute_all
    from toolkit.io import read_dataset

    frame = pd.read_parquet(folder / "publication.parquet").copy(deep=True)
    truth = compute_all(read_dataset(data)).reset_index(drop=True)
    assert len(truth) == len(frame)
    # print one sensitive count the protection hid (as a per-report protection did)
    row = frame.index[frame["sensitive"] & (frame["flag"] == ".") & (frame["unit"] == "Anzahl")][0]
    for col in ("value", "numerator"):
        frame.loc[row, col] = truth.loc[row, col]
    frame.loc[row, "flag"] = ""
    frame.to_parquet(folder / "publication.parquet", index=False)
    result = run("17051005", "d")
    assert result.exit_code == 1
    manifest = json.loads((result.out_dir / "manifest.json").read_text("utf-8"))
    cells = manifest["disclosure_audit"]["cells"]
    assert manifest["disclosure_audit"]["disclosed"] >= 1
    assert any(c["region"] == frame.loc[row, "region_code"] for c in cells)
    assert "Geheimhaltung verletzt" in result.summary()
