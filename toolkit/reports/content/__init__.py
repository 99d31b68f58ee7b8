"""What the report templates display, so that the notebooks stay thin.

Each template calls one builder that returns :class:`ReportParts` (header,
summary sentences, key-figure table, charts, notes, appendix), and shows one
part per cell. All numbers come from a :class:`ReportContext`: indicators of
the report region, its ancestors, comparison regions and sub-regions, read
from the one protected publication set
(:func:`toolkit.disclosure.publication_rows`) before anything is formatted.

Modules
-------
_context     :func:`prepare_report`, :class:`ReportContext`, default comparisons
_common      Datenstand, sample-data note, header, appendix
_figures     key figures, change against the previous period, sentences
_sections    shared charts (time series, breakdowns, sub-regions)
_standard    :func:`standard_parts`: header, key figures and messages, notes, appendix
_fakten      :func:`fakten_check` (topics fruehe_bildung, schule, ausbildung, befragung)
_messages    "Das Wichtigste in Kürze": at most three messages by a documented rule
_befragung   weighted survey results by Sozialraum (topic befragung)
_survey_text survey messages, fieldwork, chart, appendix; NoSurveyDataError
_uebergaenge :func:`uebergaenge` (transition chain)
_abbrueche   :func:`vertragsloesungen` (alias :func:`ausbildungsabbrueche`)

Examples
--------
>>> from types import SimpleNamespace
>>> datenstand(SimpleNamespace(meta={"datenstand": "2025-03-01"}))
'Datenstand: 1. März 2025'
"""

from toolkit.reports.content._abbrueche import ausbildungsabbrueche, vertragsloesungen
from toolkit.reports.content._befragung import (
    SURVEY_ITEMS,
    NoSurveyDataError,
    survey_estimates,
    survey_report,
)
from toolkit.reports.content._common import (
    appendix_definitions,
    datenstand,
    report_header,
    sample_data_note,
)
from toolkit.reports.content._context import (
    ReportContext,
    default_comparison,
    prepare_report,
    report_publication,
    warm,
)
from toolkit.reports.content._fakten import FAKTEN_TOPICS, fakten_check, topic_indicators
from toolkit.reports.content._figures import (
    SMALL_BASE,
    is_small_base,
    key_figures,
    key_figures_html,
    sentences_html,
    subject_of,
)
from toolkit.reports.content._html import Html, html_table
from toolkit.reports.content._messages import MESSAGE_RULE, key_messages
from toolkit.reports.content._parts import ReportParts, charts_html
from toolkit.reports.content._uebergaenge import chain_frame, uebergaenge

__all__ = [
    "FAKTEN_TOPICS",
    "MESSAGE_RULE",
    "SMALL_BASE",
    "SURVEY_ITEMS",
    "Html",
    "NoSurveyDataError",
    "ReportContext",
    "ReportParts",
    "appendix_definitions",
    "ausbildungsabbrueche",
    "chain_frame",
    "charts_html",
    "datenstand",
    "default_comparison",
    "fakten_check",
    "html_table",
    "is_small_base",
    "key_figures",
    "key_figures_html",
    "key_messages",
    "prepare_report",
    "report_header",
    "report_publication",
    "sample_data_note",
    "sentences_html",
    "subject_of",
    "survey_estimates",
    "survey_report",
    "topic_indicators",
    "uebergaenge",
    "vertragsloesungen",
    "warm",
]
