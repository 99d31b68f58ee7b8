"""Large publications: protected period by period, in worker processes, same result.

The 400-Kreise Land (12.5 million rows over ten periods) went past 15 GB when
all periods were one problem. Every relation lies inside one period, so the
protection now builds and solves one period at a time (and two periods side
by side in worker processes). References: hand-computed patterns of a small
Land and the in-process result.
"""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from toolkit.disclosure import _parts, protect_publication
from toolkit.disclosure._families import DIFFERENCES, count_periods
from toolkit.disclosure._fixpoint import Problem, sensitive_mask, suppress
from toolkit.disclosure._variables import build_variables
from toolkit.disclosure._workers import run_in_workers
from toolkit.errors import DisclosureError
from toolkit.indicators import compute_all
from toolkit.reports.runtime import load_dataset


def _land(year: int, kreise: list[float]) -> pd.DataFrame:
    """Leavers of a Land and three Kreise (the Land is the sum) and its population."""
    codes = ["17", "17001", "17002", "17003"]
    leavers = [sum(kreise), *kreise]
    rows = pd.DataFrame(
        {
            "region_code": codes,
            "region_name": "x",
            "level": ["land", "kreis", "kreis", "kreis"],
            "period": year,
            "indicator": "schulabgaenge",
            "dimension": "",
            "category": "",
            "value": leavers,
            "numerator": leavers,
            "denominator": np.nan,
            "unit": "Anzahl",
            "flag": "",
        }
    )
    people = rows.assign(indicator="bevoelkerung", value=[3000.0, 1000.0, 1000.0, 1000.0])
    return pd.concat([rows, people.assign(numerator=people["value"])], ignore_index=True)


def _change(year: int, before: list[float], after: list[float]) -> pd.DataFrame:
    """Population change of ``year`` in per cent of the population of ``year - 1``."""
    num = np.asarray(after) - np.asarray(before)
    return pd.DataFrame(
        {
            "region_code": ["17", "17001", "17002", "17003"],
            "region_name": "x",
            "level": ["land", "kreis", "kreis", "kreis"],
            "period": year,
            "indicator": "bevoelkerung_veraenderung",
            "dimension": "",
            "category": "",
            "value": 100 * num / np.asarray(before),
            "numerator": num,
            "denominator": before,
            "unit": "%",
            "flag": "",
        }
    )


@pytest.fixture(scope="module")
def small_land() -> pd.DataFrame:
    # 2023: Kreis 17001 has 2 leavers (hidden, and one partner: 12 < 16); 2024: nothing small
    frame = pd.concat(
        [_land(2023, [2.0, 12.0, 16.0]), _land(2024, [20.0, 12.0, 16.0])], ignore_index=True
    )
    return frame


def test_every_period_is_built_and_solved_on_its_own(small_land, monkeypatch):
    seen = []
    build = _parts.build_variables

    def spy(frame, *, period=None):
        variables = build(frame, period=period)
        seen.append(sorted(set(variables.cells["period"])))
        return variables

    monkeypatch.setattr(_parts, "build_variables", spy)
    pub = protect_publication(small_land, jobs=1)
    assert sorted(seen) == [[2023], [2024]]  # two problems of one period each, not one of both
    f = pub.frame[pub.frame["indicator"] == "schulabgaenge"]
    hidden = f.loc[f["flag"] == ".", ["period", "region_code"]].values.tolist()
    # by hand: 2023 hides 2 and its smallest partner 12; 2024 hides nothing
    assert hidden == [[2023, "17001"], [2023, "17002"]]
    assert pub.meta["trace"].keys() == {"2023", "2024"}


def test_change_between_periods_follows_both_counts():
    # population of 17001 is 2 in 2023 (hidden with its partner 17002); the change of 2024
    # divides by the 2023 population, so its row belongs to the 2023 problem and is hidden
    before, after = [1020.0, 2.0, 18.0, 1000.0], [1030.0, 10.0, 20.0, 1000.0]
    frame = pd.concat(
        [
            _land(2023, [5.0, 5.0, 5.0]).assign(
                value=lambda d: np.where(d["indicator"] == "bevoelkerung", before * 2, d["value"])
            ),
            _land(2024, [5.0, 5.0, 5.0]).assign(
                value=lambda d: np.where(d["indicator"] == "bevoelkerung", after * 2, d["value"])
            ),
            _change(2024, before, after),
        ],
        ignore_index=True,
    )
    frame["numerator"] = np.where(frame["unit"] == "Anzahl", frame["value"], frame["numerator"])
    num, den = count_periods(frame)
    change = (frame["indicator"] == "bevoelkerung_veraenderung").to_numpy()
    assert (num[change] == -1).all() and (den[change] == 2023).all()
    pub = protect_publication(frame, jobs=1)
    f = pub.frame
    ch = f[f["indicator"] == "bevoelkerung_veraenderung"].set_index("region_code")["flag"]
    people = f[(f["indicator"] == "bevoelkerung") & (f["period"] == 2023)]
    assert people.set_index("region_code")["flag"].to_dict() == {
        "17": "",
        "17001": ".",
        "17002": ".",
        "17003": "",
    }
    assert ch.to_dict() == {"17": "", "17001": ".", "17002": ".", "17003": ""}


def test_worker_processes_give_the_same_publication():
    truth = compute_all(load_dataset(), periods=[2023, 2024]).reset_index(drop=True)
    one = protect_publication(truth, jobs=1)
    two = protect_publication(truth, jobs=2)
    assert two.meta["cells_suppressed"] == one.meta["cells_suppressed"] > 1000
    pd.testing.assert_frame_equal(one.frame, two.frame)
    # 2022 is a problem too: the population change of 2023 divides by the population of 2022
    assert sorted(two.meta["trace"]) == ["2022", "2023", "2024"]
    assert two.linked == [None, None, None]  # the tables stayed in the workers


def test_a_script_without_main_guard_can_use_workers(tmp_path, small_land):
    """Workers are fresh interpreters: the caller's script is not imported again.

    With multiprocessing's ``spawn`` an unguarded script re-ran itself in every
    worker and the pool broke (BrokenProcessPool).
    """
    small_land.to_parquet(tmp_path / "land.parquet")
    script = tmp_path / "protect.py"
    script.write_text(
        "import pandas as pd\n"
        "from toolkit.disclosure import protect_publication\n"
        f"f = pd.read_parquet({str(tmp_path / 'land.parquet')!r})\n"
        "print('suppressed', protect_publication(f, jobs=2).meta['cells_suppressed'])\n"
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("suppressed") == 1 and done.stdout.split()[-1] == "2"


def test_a_failing_worker_is_reported_with_its_cause():
    with pytest.raises(DisclosureError, match="ZeroDivisionError"):
        run_in_workers(divmod, [((1, 0), {})], 1)


def test_period_by_period_is_the_same_as_all_periods_at_once():
    """Session 6: 25,937 hidden cells period by period, 25,927 in one joint run (Musterland).

    The greedy partner choice depended on the order of the variables (ids by first
    appearance) and on a set's hash order; both are now the order of the sorted keys.
    Reference: the joint run of every period of Musterland as one problem.
    """
    truth = compute_all(load_dataset()).reset_index(drop=True)
    per_period = protect_publication(truth, jobs=1)
    v = build_variables(truth)
    p = Problem(v.value, v.published, v.real, v.ptr, v.idx, v.exact)
    seeds = np.zeros(len(v.value), dtype=bool)
    seeds[v.cell_var[_parts.group_cells(truth, v.cells, 10)]] = True
    joint = suppress(p, sensitive_mask(p, 3, seeds))
    assert joint.weak == [] and per_period.meta["weak_cells"] == 0
    shown = np.zeros(len(v.value), dtype=bool)
    shown[v.cell_var] = True
    assert int((joint.hidden & shown).sum()) == per_period.meta["cells_suppressed"] > 20_000
    rows = np.zeros(len(truth), dtype=bool)
    rows[v.cells["row"].to_numpy()[joint.hidden[v.cell_var]]] = True
    change = truth["indicator"].isin(list(DIFFERENCES)).to_numpy()
    hidden = (per_period.frame["flag"] == ".").to_numpy()
    assert (rows[~change] == hidden[~change]).all()
