"""Official DKBM indicators as one long IndicatorFrame.

The rule of this package: **one indicator family per file, named after
it.** A family module (``betreuung.py``, ``uebergaenge.py``,
``abschluesse.py``, ``iabe.py``, ``ausbildung.py``, ``vertragsloesung.py``,
``demografie.py``) holds

- ``SPECS``: the catalogue entries of its indicators (code, German name,
  definition, numerator, denominator, reference date, unit, source, levels,
  topic, direction, plausible range, breakdowns);
- ``compute...(ctx)`` functions that turn the rolled-up counts of a
  :class:`~toolkit.indicators._context.Context` into indicator rows;
- one public pure function per indicator taking the canonical tables
  (e.g. :func:`betreuungsquote_u3`), which returns an IndicatorFrame.

Families never read files, print or mutate their input. Counts are summed to
Kreis, Regierungsbezirk, Land and Bund first (``_rollup.rollup``), then rates
are computed at every level with the same formula, so a Land's rate is
sum(numerators) / sum(denominators), never an average of rates. Official rows
in the data (``DG``, Land, RB, Kreis) are used as given; a missing higher level
is summed only from a complete set of Kreise (official list,
:func:`official_kreise`), otherwise left out with a note. Sozialraum rows and
8-digit units of Kreis tables are never added to anything. Tables may leave
out breakdown columns or carry ``insgesamt`` rows, and population may come in
age groups (``_totals``, ``_agegroups``); :func:`coverage` says beforehand
which indicators the data can give.

To add an indicator: add its ``Spec`` to ``SPECS`` of its family (or a new
family file), compute it in the family's ``compute`` function, register the
computation in ``engine.STEPS`` (and a new family in ``catalog._FAMILIES``),
export the public function here, write a hand-computed test in
``tests/indicators/`` and regenerate ``docs/indicators.md`` with
``dkbm indicators list --markdown > docs/indicators.md``.

Examples
--------
>>> import pandas as pd
>>> pop = pd.DataFrame({"region_code": "17001000", "year": 2024, "sex": "w",
...                     "age": [70, 40], "population": [1, 4]})
>>> compute_all({"population": pop}, regions="17", indicators="altenquotient")["value"].iloc[0]
np.float64(25.0)
"""

from toolkit.indicators._official import official_kreise
from toolkit.indicators.abschluesse import ABSCHLUESSE, abgaenge_anteil, schulabgaenge
from toolkit.indicators.ausbildung import ausbildungsanfaengerquote, neue_ausbildungsvertraege
from toolkit.indicators.betreuung import (
    betreuungsquote_3u6,
    betreuungsquote_u3,
    tagespflege_anteil_u3,
)
from toolkit.indicators.catalog import TOPICS, catalog, catalog_markdown, spec
from toolkit.indicators.compare import ROLES, compare
from toolkit.indicators.coverage import COVERAGE_COLUMNS, coverage
from toolkit.indicators.demografie import (
    altenquotient,
    anteil_65plus,
    anteil_unter_18,
    bevoelkerung,
    bevoelkerung_veraenderung,
    jugendquotient,
)
from toolkit.indicators.engine import available_years, compute_all
from toolkit.indicators.frame import (
    COLUMNS,
    FLAGS,
    LEVELS,
    TEXT_COLUMNS,
    empty_indicator_frame,
    text_column,
    validate_indicator_frame,
)
from toolkit.indicators.iabe import SECTORS, iabe_anfaenger, iabe_anteil
from toolkit.indicators.timeseries import RATE_UNITS, change, index_to_base, line_trend, trend
from toolkit.indicators.uebergaenge import SCHOOL_TYPES, uebergaenge_jg5, uebergangsquote
from toolkit.indicators.vertragsloesung import (
    vertragsloesungen,
    vertragsloesungen_probezeit_anteil,
    vertragsloesungsquote,
)

__all__ = [
    "ABSCHLUESSE",
    "COLUMNS",
    "COVERAGE_COLUMNS",
    "FLAGS",
    "LEVELS",
    "RATE_UNITS",
    "ROLES",
    "SCHOOL_TYPES",
    "SECTORS",
    "TEXT_COLUMNS",
    "TOPICS",
    "abgaenge_anteil",
    "altenquotient",
    "anteil_65plus",
    "anteil_unter_18",
    "ausbildungsanfaengerquote",
    "available_years",
    "betreuungsquote_3u6",
    "betreuungsquote_u3",
    "bevoelkerung",
    "bevoelkerung_veraenderung",
    "catalog",
    "catalog_markdown",
    "change",
    "compare",
    "compute_all",
    "coverage",
    "empty_indicator_frame",
    "iabe_anfaenger",
    "iabe_anteil",
    "index_to_base",
    "jugendquotient",
    "line_trend",
    "neue_ausbildungsvertraege",
    "official_kreise",
    "schulabgaenge",
    "spec",
    "tagespflege_anteil_u3",
    "text_column",
    "trend",
    "uebergaenge_jg5",
    "uebergangsquote",
    "validate_indicator_frame",
    "vertragsloesungen",
    "vertragsloesungen_probezeit_anteil",
    "vertragsloesungsquote",
]
