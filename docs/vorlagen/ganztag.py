# ---
# jupyter:
#   dkbm:
#     description: "Ger\xFCst eines Fakten-Checks Ganztag: Betreuung der 3- bis 5-J\xE4hrigen,\
#       \ Zahl der Kinder und Jugendlichen, Bedarf an Ganztagsbetreuung aus der Familienbefragung\
#       \ (Beispiel aus docs/vorlagen_schreiben.md)."
#     name: ganztag
#     parameters:
#       comparison:
#         allowed: null
#         default: []
#         help: Vergleichsregionen (AGS); leer bedeutet Kreis (bei Gemeinden), Land
#           und Bund
#         required: false
#         type: list
#       data_dir:
#         allowed: null
#         default: null
#         help: Verzeichnis mit den Datentabellen; leer bedeutet die Beispieldaten Musterland
#         required: false
#         type: str
#       min_count:
#         allowed: null
#         default: 3
#         help: "Kleinste ver\xF6ffentlichte Fallzahl (Geheimhaltung); kleinere Zahlen\
#           \ werden gesperrt"
#         required: false
#         type: int
#       period:
#         allowed: null
#         default: 2024
#         help: Berichtsjahr
#         required: true
#         type: int
#       region:
#         allowed: null
#         default: '17001'
#         help: "Region (Regionalschl\xFCssel/AGS) des Berichts, z. B. ein Kreis, eine\
#           \ kreisfreie Stadt oder eine Gemeinde"
#         required: true
#         type: str
#     requires:
#       indicators:
#       - betreuungsquote_3u6
#       - anteil_unter_18
#       - jugendquotient
#       optional_tables:
#       - survey_families
#       - survey_families_margins
#       tables:
#       - kita
#       - population
#       - regions
#     title: Fakten-Check Ganztag
#     version: 0.1.0
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: dkbm
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
region: str = "17001"  # Region (AGS): Kreis, kreisfreie Stadt oder Gemeinde
period: int = 2024  # Berichtsjahr
comparison: list = []  # Vergleichsregionen (AGS); leer = Kreis, Land und Bund
min_count: int = 3  # kleinste veröffentlichte Fallzahl (Geheimhaltung)
data_dir: str | None = None  # Datenverzeichnis; None = Beispieldaten Musterland

# %%
from toolkit.blocks import (
    charts,
    definitions,
    header,
    key_figures,
    key_messages,
    load_data,
    notes,
    report_context,
    sub_region_map,
    survey_results,
    time_series,
)

# %%
data = load_data(data_dir, min_count=min_count)
ctx = report_context(
    data,
    region,
    period,
    title="Fakten-Check Ganztag",
    indicators=["betreuungsquote_3u6", "anteil_unter_18", "jugendquotient"],
    comparison=comparison,
)
header(ctx)

# %% [markdown]
# Ab dem Schuljahr 2026/27 haben Kinder der ersten Klasse einen Rechtsanspruch auf ganztägige
# Förderung; bis 2029/30 wächst er auf alle vier Grundschuljahrgänge auf
# (Ganztagsförderungsgesetz). Dieser Fakten-Check stellt zusammen, was die Daten dazu heute sagen:
# wie viele Kinder im Kita-Alter betreut werden, wie viele Kinder und Jugendliche hier leben und
# wie viele Familien einen Bedarf an Ganztagsbetreuung nennen.

# %%
key_messages(ctx)

# %%
key_figures(ctx)

# %%
survey_results(ctx, ["bedarf_ganztag"])

# %%
charts(
    ctx,
    time_series(ctx, "betreuungsquote_3u6"),
    time_series(ctx, "anteil_unter_18"),
    sub_region_map(ctx, "betreuungsquote_3u6", or_chart=True),
)

# %%
notes(
    ctx,
    "Eine amtliche Statistik der Ganztagsplätze an Grundschulen liegt in den Daten noch nicht "
    "vor; sobald sie als Tabelle vorliegt, kann ihr Indikator hier ergänzt werden.",
)

# %%
definitions(ctx)
