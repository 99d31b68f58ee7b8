r"""Report charts: colour-blind safe, German number format, alt text and finding.

Every chart function returns a :class:`Chart`: the matplotlib figure, an alt
text describing what the chart shows (for screen readers, written into the
``alt`` attribute of the image) and a one-line German finding printed under
it. Charts are drawn with matplotlib's object interface (no ``pyplot``), so
no figure is kept in global state between reports and nothing leaks from one
report of a batch into the next; the look follows seaborn's ``whitegrid``
style with the Okabe–Ito palette, which stays distinguishable for the common
forms of colour blindness.

Values hidden by disclosure control (NaN or a flag such as ``.``) are never
drawn: lines have a gap, bars are replaced by the symbol.

References
----------
Okabe, M. and Ito, K. (2008). Color Universal Design (CUD): How to make
figures and presentations that are friendly to colorblind people.

Examples
--------
>>> import pandas as pd
>>> est = pd.DataFrame({"label": ["A", "B"], "value": [40.0, 55.0],
...                     "ci_low": [35.0, 50.0], "ci_high": [45.0, 60.0]})
>>> chart = estimate_chart(est, title="Zufriedenheit")
>>> chart.finding
'Höchster Wert: B (55,0\xa0%), niedrigster: A (40,0\xa0%).'
"""

from toolkit.charts._bars import breakdown_chart, chain_chart
from toolkit.charts._base import (
    OKABE_ITO,
    RATE_UNITS,
    REFERENCE_COLOUR,
    ROLE_COLOURS,
    SMALL_BASE,
    Chart,
    case_base,
    german_axis_formatter,
    role_colour,
)
from toolkit.charts._estimates import estimate_chart
from toolkit.charts._map import MapChart, choropleth
from toolkit.charts._mapbatch import choropleths
from toolkit.charts._series import time_series_chart

__all__ = [
    "OKABE_ITO",
    "RATE_UNITS",
    "REFERENCE_COLOUR",
    "ROLE_COLOURS",
    "SMALL_BASE",
    "Chart",
    "MapChart",
    "breakdown_chart",
    "case_base",
    "chain_chart",
    "choropleth",
    "choropleths",
    "estimate_chart",
    "german_axis_formatter",
    "role_colour",
    "time_series_chart",
]
