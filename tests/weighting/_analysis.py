"""Shared inputs of the tests against tests/reference/r_survey_analysis.R/.json."""

import json
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
REF = json.loads((ROOT / "reference" / "r_survey_analysis.json").read_text())
DATA = ROOT / "data" / "survey"
RTOL = 1e-6


def read_api(name: str) -> pd.DataFrame:
    """An api sample with ``yes`` = 1 for sch.wide == "Yes" and the response indicator of the R script."""
    df = pd.read_csv(DATA / f"{name}.csv")
    df["yes"] = (df["sch.wide"] == "Yes").astype(float)
    df["resp"] = (df["snum"] * 37) % 100 < 75
    return df


def r_name(name: str) -> str:
    """patsy column name -> R coefficient name (``stype[T.H]`` -> ``stypeH``)."""
    if name == "Intercept":
        return "(Intercept)"
    for prefix in ('C(Q("stype"))[T.', "stype[T."):
        if name.startswith(prefix):
            return "stype" + name[len(prefix) : -1]
    return name.replace('Q("', "").replace("Q('", "").replace("')", "").replace('")', "")
