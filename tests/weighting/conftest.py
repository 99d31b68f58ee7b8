import json
from pathlib import Path

import pandas as pd
import pytest

from toolkit.weighting import SurveyDesign

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "survey"
REFERENCE = ROOT / "reference" / "r_survey_reference.json"

POP_STYPE = {"E": 4421, "H": 755, "M": 1018}
POP_SCHWIDE = {"No": 1072, "Yes": 5122}


def read_api(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"{name}.csv")


@pytest.fixture(scope="session")
def pop_stype() -> dict:
    return dict(POP_STYPE)


@pytest.fixture(scope="session")
def pop_schwide() -> dict:
    return dict(POP_SCHWIDE)


@pytest.fixture(scope="session")
def apisrs() -> pd.DataFrame:
    return read_api("apisrs")


@pytest.fixture(scope="session")
def ref() -> dict:
    return json.loads(REFERENCE.read_text())


@pytest.fixture(scope="session")
def apistrat() -> pd.DataFrame:
    return read_api("apistrat")


@pytest.fixture(scope="session")
def apiclus1() -> pd.DataFrame:
    return read_api("apiclus1")


@pytest.fixture(scope="session")
def apiclus2() -> pd.DataFrame:
    return read_api("apiclus2")


@pytest.fixture(scope="session")
def dstrat(apistrat) -> SurveyDesign:
    return SurveyDesign(apistrat, weights="pw", strata="stype", fpc="fpc")


@pytest.fixture(scope="session")
def dclus1(apiclus1) -> SurveyDesign:
    return SurveyDesign(apiclus1, weights="pw", cluster="dnum", fpc="fpc")


@pytest.fixture(scope="session")
def dclus2(apiclus2) -> SurveyDesign:
    return SurveyDesign(apiclus2, cluster=["dnum", "snum"], fpc=["fpc1", "fpc2"])
