"""The real sample ``data_samples/deutschland``: the protected publication holds.

Regression for the audit finding of session 4: 20 of 20 sensitive cells were
disclosed because the sex breakdown of the Abschluss counts (``m`` derived as
``insgesamt - w``) was not linked to the Abschluss total. Example, straight from
the Regionalstatistik file (21111-02-06-4): Darmstadt (06411), 2023,
Fachhochschulreife insgesamt 8, weiblich 2, so männlich 6; printing 8 and 6
gives away the 2.

The reference is the raw CSV read with plain pandas (hand-checkable), not the
toolkit's own relations.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.disclosure import audit_publication, disclosed, protect_publication
from toolkit.errors import DisclosureError
from toolkit.io import read_dataset

SAMPLE = Path(__file__).resolve().parents[2] / "data_samples" / "deutschland"


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    dataset = read_dataset(SAMPLE)
    pub = protect_publication(dataset, out_dir=tmp_path_factory.mktemp("deutschland"))
    return dataset, pub


def _raw_leavers() -> pd.DataFrame:
    raw = pd.read_csv(SAMPLE / "school_leavers.csv", dtype={"region_code": str})
    wide = raw.pivot_table(
        index=["region_code", "year", "abschluss"], columns="sex", values="leavers"
    )
    wide = wide.dropna(subset=["insgesamt", "w"]).reset_index()
    wide["m"] = wide["insgesamt"] - wide["w"]
    return wide


def _shown(frame: pd.DataFrame, indicator: str, sex: str) -> pd.DataFrame:
    """Abschluss counts per region as printed: the numerator of the share rows."""
    rows = frame[(frame["indicator"] == indicator) & (frame["category"] == sex)]
    if sex:
        rows = rows[rows["dimension"] == "sex"]
    else:
        rows = rows[rows["dimension"] == ""]
    return rows.set_index(["region_code", "period"])["numerator"]


def test_darmstadt_fhr_is_not_given_away_by_the_sex_breakdown(real):
    _, pub = real
    raw = _raw_leavers()
    hit = raw[(raw["region_code"] == "06411") & (raw["abschluss"] == "fhr")].iloc[0]
    assert (hit["insgesamt"], hit["w"], hit["m"]) == (8, 2, 6)  # the file's figures
    f = pub.frame
    total = _shown(f, "abgaenge_anteil_fhr", "").get(("06411", 2023), np.nan)
    men = _shown(f, "abgaenge_anteil_fhr", "m").get(("06411", 2023), np.nan)
    women = _shown(f, "abgaenge_anteil_fhr", "w").get(("06411", 2023), np.nan)
    assert np.isnan(women)
    assert np.isnan(total) or np.isnan(men), "8 - 6 = 2 weiblich"


def test_no_small_sex_count_is_the_difference_of_two_printed_counts(real):
    _, pub = real
    raw = _raw_leavers()
    f = pub.frame
    for a in ("ohne_hsa", "hsa", "msa", "fhr", "ahr"):
        ind = f"abgaenge_anteil_{a}"
        total = _shown(f, ind, "")
        parts = {s: _shown(f, ind, s) for s in ("m", "w")}
        for r in raw[raw["abschluss"] == a].itertuples():
            key = (r.region_code, int(r.year))
            for s, other in (("m", "w"), ("w", "m")):
                n = getattr(r, s)
                if not 0 < n < 3:
                    continue
                assert np.isnan(parts[s].get(key, np.nan)), (key, a, s)
                known = total.get(key, np.nan), parts[other].get(key, np.nan)
                assert np.isnan(known).any(), (key, a, s, known)


def test_the_outsiders_audit_finds_nothing(real):
    dataset, pub = real
    result = audit_publication(pub, dataset)
    assert len(result) >= 20  # the sensitive cells of the sample were attacked
    assert disclosed(result).empty, disclosed(result).head()


def test_a_set_cached_by_older_rules_is_protected_again(tmp_path, monkeypatch):
    import toolkit.disclosure._store as store
    import toolkit.disclosure.publication as publication

    # the Kreise of the docstring example of protect_publication
    counts = [30.0, 2.0, 12.0, 16.0]
    f = pd.DataFrame({"region_code": ["17", "17001", "17002", "17003"], "value": counts})
    f = f.assign(region_name="x", level=["land"] + ["kreis"] * 3, period=2024)
    f = f.assign(indicator="schulabgaenge", dimension="", category="", numerator=counts)
    f = f.assign(denominator=np.nan, unit="Anzahl", flag="")
    current = store.FORMAT_VERSION
    monkeypatch.setattr(store, "FORMAT_VERSION", current - 1)
    monkeypatch.setattr(publication, "FORMAT_VERSION", current - 1)
    old = protect_publication(f, out_dir=tmp_path)
    assert old.meta["format"] == current - 1
    monkeypatch.setattr(store, "FORMAT_VERSION", current)
    monkeypatch.setattr(publication, "FORMAT_VERSION", current)
    new = protect_publication(f, out_dir=tmp_path)
    assert new.meta["format"] == current and new.linked is not None  # protected again
    assert new.meta["input_hash"] != old.meta["input_hash"]
    assert protect_publication(f, out_dir=tmp_path).linked is None  # now read back


def test_a_real_data_batch_passes_the_audit_of_set_and_reports(tmp_path):
    """``dkbm batch`` on the real sample: exit 0, audit in the manifest, no solver banner."""
    import json
    import subprocess
    import sys

    args = [
        "batch",
        "fakten_check",
        "--regions",
        "06411",
        "--period",
        "2023",
        "-p",
        "topic=schule",
        "--data",
        str(SAMPLE),
        "--out",
        str(tmp_path),
        "--no-progress",
    ]
    code = f"import sys; from toolkit.cli import main; sys.exit(main({args!r}))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "HiGHS" not in done.stdout + done.stderr
    manifest = json.loads(
        (tmp_path / "2023" / "fakten_check_schule" / "manifest.json").read_text("utf-8")
    )
    audit = manifest["disclosure_audit"]
    assert audit["ok"] and audit["disclosed"] == 0 and audit["sensitive"] >= 20
    # the Darmstadt report was read: its numbers are all explained by the protected set
    assert audit["reports"]["files"] == 1 and audit["reports"]["erklärt"] > 10
    assert audit["reports"]["verrät"] == 0


def test_tau_argus_engine_is_refused_where_only_the_fixpoint_holds(real):
    """tau-Argus protects table by table and never sees m = insgesamt - w across tables.

    Before, engine="tau-argus" returned a set in which all 20 sensitive counts of the
    sample could be narrowed (Darmstadt FHR 2 among them); now the pattern is checked
    with the publication's sums and refused, naming the default engine.
    """
    dataset, _ = real
    with pytest.raises(DisclosureError, match="engine='fixpoint'") as err:
        protect_publication(dataset, engine="tau-argus", solver="MOD", jobs=1)
    assert "20 schutzbedürftige Zellen" in str(err.value)
