"""Plausibility of the committed Musterland data, computed here from the raw counts.

Rates are computed in this file with their official definitions (not with the
toolkit's indicator functions), so the data and the indicator code check each
other. Ranges for the Land follow the issue (German magnitudes); Kreis ranges are a
little wider because small Kreise vary more.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.regions import RegionHierarchy

YEARS = list(range(2015, 2025))


def _gemeinden(df: pd.DataFrame) -> pd.DataFrame:
    out = df[df["region_code"].str.fullmatch(r"17\d{6}")].copy()
    out["kreis"] = out["region_code"].str[:5]
    return out


def _kreise(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["region_code"].str.fullmatch(r"17\d{3}")].copy()


def _bund(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["region_code"] == "DG"]


# ----------------------------------------------------------------- regions and sizes
def test_default_size(ml) -> None:
    r = ml.regions
    counts = r["level"].value_counts().to_dict()
    assert counts["kreis"] == 10
    assert 80 <= counts["gemeinde"] <= 130
    assert 8 <= counts["sozialraum"] <= 15
    assert counts["bund"] == 1 and counts["land"] == 1
    kreise = r[r["level"] == "kreis"]
    assert kreise["kreisfrei"].astype(bool).sum() == 2
    assert r.loc[r["region_code"] == "17001", "region_name"].item() == (
        "Musterstadt, kreisfreie Stadt"
    )
    RegionHierarchy.from_frame(r).validate()


def test_codes_match_regions_and_levels(ml) -> None:
    regions = ml.regions.set_index("region_code")["level"]
    gemeinde_level = set(regions[regions.isin(["gemeinde", "sozialraum"])].index) | {"DG"}
    kreis_level = set(regions[regions == "kreis"].index) | {"DG"}
    for name in ("population", "kita", "transitions", "school_leavers"):
        assert set(getattr(ml, name)["region_code"]) == gemeinde_level, name
    for name in ("iabe", "contracts_new", "contracts_dissolved", "apprentice_beginners"):
        assert set(getattr(ml, name)["region_code"]) == kreis_level, name


@pytest.mark.parametrize(
    ("table", "value"),
    [
        ("population", "population"),
        ("kita", "children"),
        ("transitions", "pupils"),
        ("school_leavers", "leavers"),
    ],
)
def test_sozialraeume_add_up_to_the_city(ml, table: str, value: str) -> None:
    df = getattr(ml, table)
    keys = [c for c in df.columns if c not in ("region_code", value)]
    sr = df[df["region_code"].str.startswith("17001000-")]
    city = df[df["region_code"] == "17001000"].set_index(keys)[value].sort_index()
    summed = sr.groupby(keys)[value].sum().sort_index()
    assert len(city) > 0
    pd.testing.assert_series_equal(summed, city, check_names=False)


def test_keys_unique_and_counts_nonnegative(ml) -> None:
    for name, value in [("population", "population"), ("contracts_dissolved", "dissolutions"),
                        ("contracts_new", "contracts"), ("kita", "children")]:  # fmt: skip
        df = getattr(ml, name)
        keys = [c for c in df.columns if c != value]
        assert not df.duplicated(keys).any(), name
        assert (df[value] >= 0).all(), name


# ----------------------------------------------------------------- population
def test_population_magnitudes(ml) -> None:
    pop = _gemeinden(ml.population)
    land = pop.groupby("year")["population"].sum()
    assert land.index.tolist() == [2014, *YEARS]
    assert 1_000_000 < land.min() and land.max() < 3_000_000
    last = pop[pop["year"] == 2024]
    per_gemeinde = last.groupby("region_code")["population"].sum()
    assert per_gemeinde.min() < 1_000  # small Gemeinden exist
    assert per_gemeinde.max() > 250_000  # the largest city
    share_65 = last.loc[last["age"] >= 65, "population"].sum() / last["population"].sum()
    assert 0.18 < share_65 < 0.30
    dg = _bund(ml.population).groupby("year")["population"].sum()
    assert 80e6 < dg.min() and dg.max() < 86e6


# ----------------------------------------------------------------- Kita
def _betreuungsquote(kita: pd.DataFrame, pop: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Children in care (1 March t) / population of the age on 31 Dec t-1."""
    groups = {"u3": range(0, 3), "3u6": range(3, 6)}
    frames = []
    for group, ages in groups.items():
        num = kita[kita["age_group"] == group].groupby([*by, "year"])["children"].sum()
        p = pop[pop["age"].isin(list(ages))].assign(year=lambda d: d["year"] + 1)
        den = p.groupby([*by, "year"])["population"].sum()
        frames.append((num / den).rename(group))
    return pd.concat(frames, axis=1).dropna()


def test_betreuungsquote_ranges_and_trend(ml) -> None:
    kita, pop = _gemeinden(ml.kita), _gemeinden(ml.population)
    kreis = _betreuungsquote(kita, pop, ["kreis"])
    assert kreis["u3"].between(0.22, 0.55).all()
    assert kreis["3u6"].between(0.83, 0.99).all()
    land = _betreuungsquote(kita.assign(land="17"), pop.assign(land="17"), ["land"])
    assert len(land) == 10
    assert land["u3"].between(0.25, 0.55).all() and land["3u6"].between(0.85, 0.98).all()
    assert land["u3"].iloc[-1] > land["u3"].iloc[0] + 0.03  # rising under-3 care


def test_kita_children_never_exceed_children_of_that_age(ml) -> None:
    kita, pop = ml.kita, ml.population
    kita = kita[kita["region_code"] != "DG"]
    pop = pop[pop["region_code"] != "DG"]
    q = _betreuungsquote(kita, pop, ["region_code"])
    assert (q <= 1.0).all().all()


def test_bund_betreuungsquote_is_anchored(ml) -> None:
    dg = _betreuungsquote(_bund(ml.kita), _bund(ml.population), ["region_code"])
    u3 = dg["u3"].droplevel(0)
    assert u3[2022] == pytest.approx(0.355, abs=5e-4)  # published
    assert u3[2023] == pytest.approx(0.364, abs=5e-4)  # published


# ----------------------------------------------------------------- schools
def test_gymnasium_transitions(ml) -> None:
    t = _gemeinden(ml.transitions)
    wide = t.pivot_table(index=["kreis", "year"], columns="school_type", values="pupils",
                         aggfunc="sum")  # fmt: skip
    share = wide["gymnasium"] / wide["jg4_abgaenge"]
    assert share.between(0.32, 0.52).all()
    land = wide.groupby("year").sum()
    land_share = land["gymnasium"] / land["jg4_abgaenge"]
    assert land_share.between(0.35, 0.50).all()
    types = [c for c in wide.columns if c != "jg4_abgaenge"]
    rows = t.pivot_table(index=["region_code", "year", "sex"], columns="school_type",
                         values="pupils")  # fmt: skip
    assert (rows[types].sum(axis=1) <= rows["jg4_abgaenge"]).all()


def test_leavers_without_hauptschulabschluss(ml) -> None:
    s = _gemeinden(ml.school_leavers)
    total = s.groupby(["kreis", "year"])["leavers"].sum()
    ohne = s[s["abschluss"] == "ohne_hsa"].groupby(["kreis", "year"])["leavers"].sum()
    assert (ohne / total).between(0.03, 0.12).all()
    land = ohne.groupby("year").sum() / total.groupby("year").sum()
    assert land.between(0.04, 0.10).all()
    by = s.groupby(["sex", "nationality", "abschluss"])["leavers"].sum()
    rate = by.xs("ohne_hsa", level="abschluss") / by.groupby(["sex", "nationality"]).sum()
    assert rate["m"].mean() > rate["w"].mean()
    assert rate.xs("auslaendisch", level=1).mean() > rate.xs("deutsch", level=1).mean()


# ----------------------------------------------------------------- training
def _lq(new: pd.DataFrame, dis: pd.DataFrame, by: list[str]) -> pd.Series:
    """BIBB LQneu: 100 * sum_i L_t(t-i) / N(t-i), computed from the layers."""
    n = new.groupby([*by, "year"])["contracts"].sum().rename("n")
    layers = dis.groupby([*by, "year", "start_year"])["dissolutions"].sum().reset_index()
    layers = layers.merge(
        n.reset_index().rename(columns={"year": "start_year"}), on=[*by, "start_year"]
    )
    layers["q"] = layers["dissolutions"] / layers["n"]
    return 100 * layers.groupby([*by, "year"])["q"].sum()


def test_vertragsloesungsquote_ranges_and_handwerk_highest(ml) -> None:
    new, dis = _kreise(ml.contracts_new), _kreise(ml.contracts_dissolved)
    kreis = _lq(new, dis, ["region_code"])
    assert kreis.between(17, 42).all()
    land = _lq(new.assign(land="17"), dis.assign(land="17"), ["land"])
    assert len(land) == 10 and land.between(20, 40).all()
    by_zust = _lq(new, dis, ["zustaendigkeit"]).groupby("zustaendigkeit").mean()
    assert by_zust.idxmax() == "hw"
    assert by_zust["oed"] < 15


def test_dissolutions_come_from_their_cohort(ml) -> None:
    keys = ["region_code", "zustaendigkeit", "beruf", "sex", "nationality", "schooling"]
    new = ml.contracts_new.rename(columns={"year": "start_year"})
    lost = ml.contracts_dissolved.groupby([*keys, "start_year"])["dissolutions"].sum()
    merged = lost.reset_index().merge(new, on=[*keys, "start_year"], how="left")
    assert merged["contracts"].notna().all()
    assert (merged["dissolutions"] <= merged["contracts"]).all()
    d = ml.contracts_dissolved
    assert ((d["year"] - d["start_year"]).between(0, 3)).all()
    assert d["year"].min() == 2015 and ml.contracts_new["year"].min() == 2012


def test_probezeit_share_about_a_third(ml) -> None:
    d = _kreise(ml.contracts_dissolved)
    share = d.loc[d["probezeit"].astype(bool), "dissolutions"].sum() / d["dissolutions"].sum()
    assert 0.28 < share < 0.42


def test_bund_training_series_are_anchored(ml) -> None:
    new, dis = _bund(ml.contracts_new), _bund(ml.contracts_dissolved)
    lq = _lq(new, dis, ["region_code"]).droplevel(0)
    published = {2019: 26.9, 2020: 25.1, 2021: 26.7, 2022: 29.5, 2023: 29.7}
    for year, value in published.items():
        assert lq[year] == pytest.approx(value, abs=0.05), year
    assert new.loc[new["year"] == 2023, "contracts"].sum() == 479_790
    by_zust = _lq(new, dis, ["zustaendigkeit"])
    assert by_zust[("hw", 2023)] == pytest.approx(36.5, abs=0.05)  # published
    assert by_zust[("ih", 2023)] == pytest.approx(26.8, abs=0.05)  # published
    d23 = dis[dis["year"] == 2023]
    share = d23.loc[d23["probezeit"].astype(bool), "dissolutions"].sum() / d23["dissolutions"].sum()
    assert share == pytest.approx(0.353, abs=5e-4)  # published
    iabe = _bund(ml.iabe)
    y24 = iabe[iabe["year"] == 2024].groupby("sector")["entrants"].sum()
    assert y24.sum() == 1_913_610
    assert y24["I"] / y24.sum() == pytest.approx(0.361, abs=5e-4)
    assert y24["II"] / y24.sum() == pytest.approx(0.136, abs=5e-4)


def _aaq(beginners: pd.DataFrame, pop: pd.DataFrame, by: list[str]) -> pd.Series:
    """Sum over ages 16..24 of beginners(a) / population(a); 16 and 24 stand for the edges."""
    b = beginners.groupby([*by, "year", "age"])["beginners"].sum()
    p = pop[pop["age"].between(16, 24)].groupby([*by, "year", "age"])["population"].sum()
    return (b / p).dropna().groupby([*by, "year"]).sum()


def test_ausbildungsanfaengerquote(ml) -> None:
    pop = _gemeinden(ml.population).assign(land="17")
    land = _aaq(_kreise(ml.apprentice_beginners).assign(land="17"), pop, ["land"])
    assert len(land) == 10 and land.between(0.44, 0.56).all()
    dg = _aaq(_bund(ml.apprentice_beginners), _bund(ml.population), ["region_code"])
    assert dg.droplevel(0)[2021] == pytest.approx(0.507, abs=5e-4)  # published


def test_iabe_shares(ml) -> None:
    i = _kreise(ml.iabe)
    by = i.groupby(["year", "sector"])["entrants"].sum().unstack()
    share = by.div(by.sum(axis=1), axis=0)
    assert share["I"].between(0.30, 0.45).all()
    assert share["II"].between(0.10, 0.20).all()
    foreign = i.groupby(["nationality", "sector"])["entrants"].sum().unstack()
    foreign = foreign.div(foreign.sum(axis=1), axis=0)
    assert foreign.loc["auslaendisch", "II"] > 1.5 * foreign.loc["deutsch", "II"]


# ----------------------------------------------------------------- small counts
@pytest.mark.parametrize(
    ("table", "value"),
    [("kita", "children"), ("transitions", "pupils"), ("school_leavers", "leavers"),
     ("contracts_new", "contracts"), ("contracts_dissolved", "dissolutions")],
)  # fmt: skip
def test_small_counts_exist_for_disclosure_control(ml, table: str, value: str) -> None:
    df = getattr(ml, table)
    df = df[df["region_code"] != "DG"]
    assert df[value].isin([1, 2]).sum() >= 20


# ----------------------------------------------------------------- survey
def test_survey_design_and_nonresponse(ml) -> None:
    s, m = ml.survey_families, ml.survey_families_margins
    sr_codes = set(ml.regions.loc[ml.regions["level"] == "sozialraum", "region_code"])
    assert set(s["sozialraum"]) == sr_codes == set(m["sozialraum"])
    assert (s["stratum"] == s["sozialraum"]).all()
    assert s["hh_id"].is_unique
    n_h = s.groupby("stratum")["hh_id"].transform("size")
    assert np.allclose(s["design_weight"], s["n_stratum_frame"] / n_h)
    frame = m.groupby("sozialraum")["households"].sum()
    assert (s["n_stratum_frame"] == s["sozialraum"].map(frame)).all()
    assert s["design_weight"].nunique() > 3  # disproportionate allocation
    responded = s["responded"].astype(bool)
    assert 0.25 <= responded.mean() <= 0.45
    by_migration = responded.groupby(s["migration"]).mean()
    assert by_migration[False] - by_migration[True] > 0.05
    items = [c for c in s.columns if c.startswith(("zufriedenheit", "nutzt", "bedarf"))]
    assert s.loc[~responded, items].isna().all().all()
    scale = s.loc[responded, "zufriedenheit_freizeit"].dropna()
    assert scale.between(1, 5).all() and scale.nunique() == 5
    young = s["child_age_group"].isin(["u3", "3u6"])
    assert s.loc[~young, "zufriedenheit_kita"].isna().all()
    assert s.loc[young, "zufriedenheit_schule"].isna().all()
    # Answers depend on the same traits as response: weighting matters.
    answered = s[responded & s["zufriedenheit_freizeit"].notna()]
    mean_by = answered.groupby("migration")["zufriedenheit_freizeit"].mean()
    assert mean_by[False] > mean_by[True]
