"""Building blocks of report templates: one protected context, one block per section.

A template is a readable sequence of cells: load the data once, make the
report context for a region and period, then show one block per cell.
Analysts reorder, delete or add cells without writing statistics::

    data = load_data(data_dir, min_count=min_count)
    ctx = report_context(data, region, period, topic="fruehe_bildung")
    header(ctx)
    key_messages(ctx)
    key_figures(ctx)
    charts(ctx, time_series(ctx, ctx.main), sub_region_map(ctx, ctx.main))
    notes(ctx)
    definitions(ctx)

**Disclosure by construction.** Everything reachable from the context comes
from the one protected publication set (:mod:`toolkit.disclosure`), the same
set every report of a publication reads. Raw tables are reachable only
through the documented opt-out :func:`internal_context`; its reports are
marked "Nur für den Dienstgebrauch" on screen and on every printed page, and
:func:`uses_internal_data` finds it in a template's code so that publication
batches refuse it. :func:`template_problems` finds code that could reach
unprotected data (``compute_all``, ``read_csv``, private attributes).

The authoring guide is ``docs/vorlagen_schreiben.md``.

Examples
--------
>>> ctx = report_context(load_data(), "17051", 2024, topic="fruehe_bildung")
>>> header(ctx).split("</h1>")[0]
'<h1>Fakten-Check Frühe Bildung: Beispielkreis, 2024'
>>> uses_internal_data("ctx = internal_context(data, '17051', 2024, topic='schule')")
True
"""

from toolkit.blocks._charts import (
    breakdown,
    charts,
    education_chain,
    occupations,
    sub_region_chart,
    sub_region_map,
    time_series,
)
from toolkit.blocks._check import (
    ALLOWED_MODULES,
    FORBIDDEN_NAMES,
    OPT_OUT,
    check_template,
    template_code,
    template_problems,
    uses_internal_data,
)
from toolkit.blocks._context import Context
from toolkit.blocks._data import ReportData, load_data
from toolkit.blocks._make import internal_context, report_context
from toolkit.blocks._survey import survey_charts, survey_results
from toolkit.blocks._text import (
    INTERNAL_MARK,
    definitions,
    header,
    key_figures,
    key_messages,
    notes,
    small_numbers_note,
    transition_notes,
)

__all__ = [
    "ALLOWED_MODULES",
    "FORBIDDEN_NAMES",
    "INTERNAL_MARK",
    "OPT_OUT",
    "Context",
    "ReportData",
    "breakdown",
    "charts",
    "check_template",
    "definitions",
    "education_chain",
    "header",
    "internal_context",
    "key_figures",
    "key_messages",
    "load_data",
    "notes",
    "occupations",
    "report_context",
    "small_numbers_note",
    "sub_region_chart",
    "sub_region_map",
    "survey_charts",
    "survey_results",
    "template_code",
    "template_problems",
    "time_series",
    "transition_notes",
    "uses_internal_data",
]
