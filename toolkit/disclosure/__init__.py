"""Statistical disclosure control (Geheimhaltung, § 16 BStatG).

No report may publish a count that identifies persons. This package protects
count tables and IndicatorFrames before anything is shown:

- :func:`protect` / :func:`protect_indicators`: primary suppression
  (frequency rule, optional dominance rule), secondary suppression with
  tau-Argus over the real table structure (margins and the region
  hierarchy), or rounding as the alternative;
- :func:`audit`: an independent check with linear programming that no
  suppressed cell can be recomputed from what is published.

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

from toolkit.disclosure.audit import AUDIT_COLUMNS, audit
from toolkit.disclosure.indicators import protect_indicators
from toolkit.disclosure.primary import dominance_rule, frequency_rule, protection_levels
from toolkit.disclosure.protect import protect
from toolkit.disclosure.result import DisclosureReport, Protected
from toolkit.disclosure.rounding import round_counts

__all__ = [
    "AUDIT_COLUMNS",
    "DisclosureReport",
    "Protected",
    "audit",
    "dominance_rule",
    "frequency_rule",
    "protect",
    "protect_indicators",
    "protection_levels",
    "round_counts",
]
