"""Shared helpers of the map tests: protected indicator rows for a set of areas."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.geo import mark_protected


def area_rows(areas: pd.DataFrame, level: str, values=None, flags="", protected=True):
    """One indicator ``q`` (%) row per area of ``areas``; values 1..n unless given."""
    value = np.arange(1.0, len(areas) + 1) if values is None else values
    frame = pd.DataFrame(
        {
            "region_code": areas["region_code"].to_numpy(),
            "region_name": areas["region_name"].to_numpy(),
            "level": level,
            "period": 2024,
            "indicator": "q",
            "dimension": "",
            "category": "",
            "value": value,
            "numerator": value,  # value % of 100 cases: no area rests on a small base
            "denominator": 100.0,
            "unit": "%",
            "flag": flags,
        }
    )
    return mark_protected(frame) if protected else frame
