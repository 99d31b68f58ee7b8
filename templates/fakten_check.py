# ---
# jupyter:
#   dkbm:
#     description: "Kurzer Quartalsbericht (2-4 Seiten) zu einem Thema f\xFCr eine Region\
#       \ mit Kennzahlen, Ver\xE4nderung zum Vorjahr, Vergleich mit Land und Bund, Grafiken\
#       \ und Definitionen."
#     name: fakten_check
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
#         minimum: 1
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
#         default: '17051'
#         help: "Region (Regionalschl\xFCssel/AGS) des Berichts, z. B. ein Kreis, eine\
#           \ kreisfreie Stadt oder eine Gemeinde"
#         required: true
#         type: str
#       topic:
#         allowed:
#         - fruehe_bildung
#         - schule
#         - ausbildung
#         - befragung
#         default: fruehe_bildung
#         help: Thema des Fakten-Checks
#         required: false
#         type: str
#     requires:
#       indicators: []
#       tables:
#       - regions
#       variants:
#         topic:
#           ausbildung:
#             indicators:
#             - vertragsloesungsquote
#             - ausbildungsanfaengerquote
#             - neue_ausbildungsvertraege
#             - iabe_anteil_sektor_i
#             - iabe_anteil_sektor_ii
#             tables:
#             - apprentice_beginners
#             - contracts_dissolved
#             - contracts_new
#             - iabe
#             - population
#           befragung:
#             indicators: []
#             tables:
#             - survey_families
#             - survey_families_margins
#           fruehe_bildung:
#             indicators:
#             - betreuungsquote_u3
#             - betreuungsquote_3u6
#             - tagespflege_anteil_u3
#             tables:
#             - kita
#             - population
#           schule:
#             indicators:
#             - abgaenge_anteil_ohne_hsa
#             - uebergangsquote_gymnasium
#             - abgaenge_anteil_ahr
#             - schulabgaenge
#             tables:
#             - school_leavers
#             - transitions
#     title: Fakten-Check
#     variants:
#       topic:
#         ausbildung: Ausbildung
#         befragung: Familienbefragung
#         fruehe_bildung: "Fr\xFChe Bildung"
#         schule: Schule
#     version: 1.0.0
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: dkbm
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
region: str = "17051"  # Region (AGS): Kreis, kreisfreie Stadt oder Gemeinde
period: int = 2024  # Berichtsjahr
topic: str = "fruehe_bildung"  # fruehe_bildung, schule, ausbildung oder befragung
comparison: list = []  # Vergleichsregionen (AGS); leer = Kreis, Land und Bund
min_count: int = 3  # kleinste veröffentlichte Fallzahl (Geheimhaltung)
data_dir: str | None = None  # Datenverzeichnis; None = Beispieldaten Musterland

# %%
from toolkit.blocks import (
    breakdown,
    charts,
    definitions,
    header,
    key_figures,
    key_messages,
    load_data,
    notes,
    report_context,
    sub_region_chart,
    sub_region_map,
    survey_charts,
    time_series,
)

# %%
data = load_data(data_dir, min_count=min_count)
ctx = report_context(data, region, period, topic=topic, comparison=comparison)
header(ctx)

# %%
key_messages(ctx)

# %%
key_figures(ctx)

# %%
charts(
    ctx,
    time_series(ctx, ctx.main),
    time_series(ctx, ctx.indicator(1)),
    breakdown(ctx, ctx.main, ctx.dimension),
    sub_region_chart(ctx, ctx.main),
    sub_region_map(ctx, ctx.main),
    survey_charts(ctx),
)

# %%
notes(ctx)

# %%
definitions(ctx)
