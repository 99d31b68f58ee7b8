"""The report side of the audit stays small per row of the publication.

Session 8: on the 400-Kreise Land (12.5 million rows) ``audit_reports`` built
every count cell, sum and candidate as Python objects and was killed at
14 GB, about 1 KB per row. This test attacks a generated Land at two sizes
(one report per Kreis, as a batch over all Kreise) and bounds the traced
memory an additional row costs: the old code needed about 1,500 bytes a row
here (measured on dcc62b1), the period-by-period arrays about 300.
"""

import json
import tracemalloc

import numpy as np
import pandas as pd
import pytest

from toolkit.disclosure import audit_reports

PERIODS = range(2021, 2025)
GEMEINDEN = 25


def _land(kreise: int) -> pd.DataFrame:
    """School leavers (by sex) and their Hauptschulabschluss share, every level, seven years."""
    rng = np.random.default_rng(kreise)
    rows = []
    for period in PERIODS:
        for k in range(1, kreise + 1):
            kreis = f"17{k:03d}"
            for g in range(1, GEMEINDEN + 1):
                # the first Gemeinde of a Kreis is tiny: its leavers are hidden (under 3)
                m, w = rng.integers(0, 2 if g == 1 else 40, 2)
                hm, hw = rng.integers(0, m + 1), rng.integers(0, w + 1)
                rows.append((f"{kreis}{g:03d}", f"Gemeinde {k}-{g}", period, m, w, hm, hw))
    g = pd.DataFrame(rows, columns=["region_code", "region_name", "period", "m", "w", "hm", "hw"])
    kreis = g.assign(region_code=g["region_code"].str[:5])
    kreis = kreis.groupby(["region_code", "period"], as_index=False)[["m", "w", "hm", "hw"]].sum()
    kreis["region_name"] = "Kreis " + kreis["region_code"]
    land = kreis.assign(region_code="17").groupby(["region_code", "period"], as_index=False)
    land = land[["m", "w", "hm", "hw"]].sum().assign(region_name="Musterland")
    counts = pd.concat([land, kreis, g], ignore_index=True)
    out = []
    for cat, n, h in (
        ("", counts["m"] + counts["w"], counts["hm"] + counts["hw"]),
        ("m", counts["m"], counts["hm"]),
        ("w", counts["w"], counts["hw"]),
    ):
        base = counts[["region_code", "region_name", "period"]].assign(
            dimension="sex" if cat else "", category=cat, flag=""
        )
        out.append(
            base.assign(
                indicator="schulabgaenge",
                value=n.astype(float),
                numerator=n.astype(float),
                denominator=np.nan,
                unit="Anzahl",
            )
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(n > 0, 100 * h / n.where(n > 0, 1), np.nan)
        out.append(
            base.assign(
                indicator="abgaenge_anteil_hsa",
                value=rate,
                numerator=h.astype(float),
                denominator=n.astype(float),
                unit="%",
            )
        )
    frame = pd.concat(out, ignore_index=True)
    frame["level"] = np.where(
        frame["region_code"].str.len() == 2,
        "land",
        np.where(frame["region_code"].str.len() == 5, "kreis", "gemeinde"),
    )
    # as compute_all returns it: the text columns categorical
    for c in (
        "region_code",
        "region_name",
        "level",
        "indicator",
        "dimension",
        "category",
        "unit",
        "flag",
    ):
        frame[c] = frame[c].astype("category")
    return frame


def _reports(root, truth: pd.DataFrame, kreise: int) -> None:
    """One Fakten-Check-like report per Kreis: its Gemeinden's leavers in a table, a sentence."""
    folder = root / "2024" / "schule"
    folder.mkdir(parents=True)
    now = truth[
        (truth["period"] == 2024)
        & (truth["indicator"] == "schulabgaenge")
        & (truth["dimension"] == "")
    ]
    entries = []
    for k in range(1, kreise + 1):
        kreis = f"17{k:03d}"
        mine = now[now["region_code"].astype(str).str.startswith(kreis)]
        cells = "".join(
            f"<tr><td>{n}</td><td>{v:.0f}</td></tr>"
            for n, v in zip(mine["region_name"], mine["value"], strict=True)
        )
        body = (
            f"<p>Im Kreis {kreis} verließen 2024 {mine['value'].iloc[0]:.0f} Jugendliche die "
            f"Schule, 12,5 % ohne Abschluss.</p><table><caption>Schulabgänge aus allgemeinbildenden Schulen 2024</caption>"
            f"<thead><tr><th>Region</th><th>Anzahl</th></tr></thead><tbody>{cells}</tbody></table>"
        )
        (folder / f"{kreis}.html").write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
        entries.append(
            {
                "region": kreis,
                "status": "ok",
                "outputs": [f"{kreis}.html"],
                "parameters": {"period": 2024},
            }
        )
    (folder / "manifest.json").write_text(json.dumps({"period": 2024, "reports": entries}))


@pytest.fixture(scope="module")
def lands(tmp_path_factory):
    out = {}
    for kreise in (2, 6):
        truth = _land(kreise)
        pub = truth.copy()
        hide = pub["value"] < 3  # small counts and rates hidden, as by the protection
        pub.loc[hide, ["value", "numerator", "denominator"]] = np.nan
        root = tmp_path_factory.mktemp(f"land{kreise}")
        _reports(root, truth, kreise)
        out[kreise] = (pub, truth, root)
    return out


def _traced_peak(pub: pd.DataFrame, truth: pd.DataFrame, root) -> int:
    tracemalloc.start()
    try:
        audit_reports(pub, truth, root)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_an_additional_row_costs_the_report_audit_little_memory(lands):
    small, large = lands[2], lands[6]
    rows = len(large[1]) - len(small[1])
    audit_reports(*small)  # imports and the catalogue, outside the measurement
    per_row = (_traced_peak(*large) - _traced_peak(*small)) / rows
    assert per_row < 600, f"{per_row:.0f} bytes per row of the publication"


def test_the_table_cells_are_explained_or_reveal_their_hidden_count(lands):
    pub, truth, root = lands[2]
    findings, rels = audit_reports(pub, truth, root)
    cells = findings[findings["kind"] == "table"]
    assert len(cells) == 2 * (GEMEINDEN + 1)  # each Kreis and its Gemeinden
    # by the frames: a count the set shows explains its cell, a hidden one (under 3) is revealed
    now = (truth["period"] == 2024) & (truth["indicator"] == "schulabgaenge")
    now &= truth["dimension"] == ""
    shown = dict(zip(truth.loc[now, "region_name"], pub.loc[now, "value"].notna(), strict=True))
    want = ["erklärt" if shown[c.split(" | ")[-1]] else "verrät" for c in cells["context"]]
    assert cells["status"].tolist() == want
    # each revealing cell tells its count (the total, and a breakdown row equal to it)
    revealed = {
        c.split(" | ")[-1] for c, w in zip(cells["context"], want, strict=True) if w == "verrät"
    }
    names = dict(
        zip(truth["region_code"].astype(str), truth["region_name"].astype(str), strict=True)
    )
    assert revealed and {names[next(iter(r[0]))[2]] for r in rels} == revealed
    assert all(r[1] == "=" and r[2] < 3 for r in rels)
