"""Statistical disclosure control (Geheimhaltung, § 16 BStatG).

No report may publish a count that identifies persons. This package protects
count tables and IndicatorFrames before anything is shown:

- :func:`protect` / :func:`protect_indicators`: primary suppression
  (frequency rule, optional dominance rule), secondary suppression with
  tau-Argus over the real table structure (margins and the region
  hierarchy), or rounding as the alternative;
- :func:`audit`: an independent check with linear programming that no
  suppressed cell can be recomputed from what is published;
- :func:`protect_publication`: protection once for everything a
  publication shows (all indicators, regions, levels and periods together),
  written as one protected data set that every output reads;
  :func:`audit_publication` attacks it with all published relations;
- :func:`shares_of_total`, :func:`publishable_rate`,
  :func:`group_disclosure`: shares and rates that reveal nothing hidden;
- :func:`protect_survey`: survey tables with their total row.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"sex": ["m", "w", ""], "n": [2, 9, 11]})
>>> p = protect(df, keys=["sex"], count="n")
>>> p.frame["flag"].tolist()
['.', '.', '']
>>> bool(audit(p)["protected"].all())
True
"""

from toolkit.disclosure._store import (
    PROTECTION_ATTR,
    ProtectedPublication,
    is_protected,
    load_publication,
)
from toolkit.disclosure._summary import audit_summary, disclosed, findings_summary
from toolkit.disclosure.attack import PUBLICATION_AUDIT_COLUMNS, audit_publication, audit_reports
from toolkit.disclosure.audit import AUDIT_COLUMNS, audit
from toolkit.disclosure.indicators import protect_indicators
from toolkit.disclosure.primary import dominance_rule, frequency_rule, protection_levels
from toolkit.disclosure.protect import protect
from toolkit.disclosure.publication import protect_publication, publication_rows
from toolkit.disclosure.result import DisclosureReport, Protected
from toolkit.disclosure.rounding import round_counts
from toolkit.disclosure.shares import group_disclosure, publishable_rate, shares_of_total
from toolkit.disclosure.survey import SURVEY_TOTAL, protect_survey

__all__ = [
    "AUDIT_COLUMNS",
    "PROTECTION_ATTR",
    "PUBLICATION_AUDIT_COLUMNS",
    "SURVEY_TOTAL",
    "DisclosureReport",
    "Protected",
    "ProtectedPublication",
    "audit",
    "audit_publication",
    "audit_reports",
    "audit_summary",
    "disclosed",
    "dominance_rule",
    "findings_summary",
    "frequency_rule",
    "group_disclosure",
    "is_protected",
    "load_publication",
    "protect",
    "protect_indicators",
    "protect_publication",
    "protect_survey",
    "protection_levels",
    "publication_rows",
    "publishable_rate",
    "round_counts",
    "shares_of_total",
]
