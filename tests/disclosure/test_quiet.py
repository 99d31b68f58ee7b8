"""The LP solver stays silent: no HiGHS licence banner on the command line."""

import subprocess
import sys

SCRIPT = """
import numpy as np, pandas as pd
from toolkit.disclosure import protect_publication
counts = [30.0, 2.0, 12.0, 16.0]
f = pd.DataFrame({"region_code": ["17", "17001", "17002", "17003"], "value": counts})
f = f.assign(region_name="x", level=["land"] + ["kreis"] * 3, period=2024,
             indicator="schulabgaenge", dimension="", category="", numerator=counts,
             denominator=np.nan, unit="Anzahl", flag="")
pub = protect_publication(f)
print("attacks", pub.meta["attacks"])
"""


def test_first_solver_of_a_process_prints_no_banner():
    # a fresh process: HiGHS prints its banner on the first instance of a process
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=120
    )
    assert "attacks 1" in done.stdout  # the LP attack ran
    assert "HiGHS" not in done.stdout + done.stderr, done.stdout
