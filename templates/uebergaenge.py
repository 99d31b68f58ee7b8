# ---
# jupyter:
#   dkbm:
#     description: "Bildungskette von der Kita \xFCber Grundschule, Sekundarstufe I\
#       \ und Schulabschluss bis zu Ausbildung und Studium (iABE), nach Geschlecht und\
#       \ Staatsangeh\xF6rigkeit, im Zeitverlauf und nach Gemeinde oder Sozialraum."
#     name: uebergaenge
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
#     requires:
#       indicators:
#       - betreuungsquote_3u6
#       - uebergaenge_jg5
#       - uebergangsquote_gymnasium
#       - uebergangsquote_hauptschule
#       - abgaenge_anteil_ohne_hsa
#       - abgaenge_anteil_ahr
#       - iabe_anteil_sektor_i
#       - iabe_anteil_sektor_ii
#       - uebergangsquote_realschule
#       - uebergangsquote_mehrere_bildungsgaenge
#       - uebergangsquote_gesamtschule
#       - uebergangsquote_foerderschule
#       - uebergangsquote_sonstige
#       - abgaenge_anteil_hsa
#       - abgaenge_anteil_msa
#       - abgaenge_anteil_fhr
#       - iabe_anteil_sektor_iii
#       - iabe_anteil_sektor_iv
#       tables:
#       - regions
#       - iabe
#       - kita
#       - population
#       - school_leavers
#       - transitions
#     title: "\xDCberg\xE4nge"
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
comparison: list = []  # Vergleichsregionen (AGS); leer = Kreis, Land und Bund
min_count: int = 3  # kleinste veröffentlichte Fallzahl (Geheimhaltung)
data_dir: str | None = None  # Datenverzeichnis; None = Beispieldaten Musterland

# %%
from toolkit.blocks import (
    breakdown,
    charts,
    definitions,
    education_chain,
    header,
    key_figures,
    key_messages,
    load_data,
    notes,
    report_context,
    sub_region_map,
    time_series,
    transition_notes,
)

# %%
data = load_data(data_dir, min_count=min_count)
ctx = report_context(
    data,
    region,
    period,
    title="Übergänge im Bildungsverlauf",
    indicators=[
        "betreuungsquote_3u6",
        "uebergaenge_jg5",
        "uebergangsquote_gymnasium",
        "uebergangsquote_hauptschule",
        "abgaenge_anteil_ohne_hsa",
        "abgaenge_anteil_ahr",
        "iabe_anteil_sektor_i",
        "iabe_anteil_sektor_ii",
    ],
    comparison=comparison,
    offsets={"population": -1},  # Datenstand: Bevölkerung am 31.12. des Vorjahres
)
header(ctx)

# %%
key_messages(ctx)

# %%
key_figures(ctx)

# %%
charts(
    ctx,
    education_chain(ctx),
    time_series(ctx, "uebergangsquote_gymnasium"),
    time_series(ctx, "abgaenge_anteil_ohne_hsa"),
    breakdown(ctx, "abgaenge_anteil_ohne_hsa", ["sex", "nationality"]),
    sub_region_map(ctx, "uebergangsquote_gymnasium", or_chart=True),
)

# %%
notes(ctx, *transition_notes(ctx))

# %%
definitions(ctx)
