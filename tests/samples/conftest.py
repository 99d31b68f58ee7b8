"""Fixtures: the committed Musterland tables, read with plain pandas (codes as text)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

MUSTERLAND = Path(__file__).resolve().parents[2] / "data_samples" / "musterland"
_TEXT = {
    "region_code": str,
    "parent_code": str,
    "sozialraum": str,
    "stratum": str,
    "hh_id": str,
    "beruf": str,
}


class Tables:
    """Lazy, cached access to the committed tables."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._cache: dict[str, pd.DataFrame] = {}

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._cache:
            self._cache[name] = pd.read_csv(
                self.directory / f"{name}.csv", dtype=_TEXT, keep_default_na=False,
                na_values=[""],
            )  # fmt: skip
        return self._cache[name]


@pytest.fixture(scope="session")
def ml() -> Tables:
    return Tables(MUSTERLAND)
