# ---
# jupyter:
#   dkbm:
#     aliases:
#     - ausbildungsabbrueche
#     description: "Vertragsl\xF6sungsquote nach dem Schichtenmodell des BIBB im Zeitverlauf,\
#       \ nach Zust\xE4ndigkeitsbereich, Ausbildungsberuf, Geschlecht, Staatsangeh\xF6\
#       rigkeit und Schulabschluss, mit Probezeitanteil und Vergleich mit Land und Bund."
#     name: vertragsloesungen
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
#       top:
#         allowed: null
#         default: 10
#         help: "Zahl der gr\xF6\xDFten Ausbildungsberufe in der Grafik nach Beruf"
#         minimum: 1
#         required: false
#         type: int
#     requires:
#       indicators:
#       - vertragsloesungsquote
#       - vertragsloesungen
#       - vertragsloesungen_probezeit_anteil
#       - neue_ausbildungsvertraege
#       optional_tables:
#       - berufe
#       tables:
#       - regions
#       - contracts_dissolved
#       - contracts_new
#     title: "Vertragsl\xF6sungen in der dualen Ausbildung"
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
top: int = 10  # Zahl der größten Ausbildungsberufe in der Grafik
data_dir: str | None = None  # Datenverzeichnis; None = Beispieldaten Musterland

# %%
from toolkit.reports.content import ausbildungsabbrueche
from toolkit.reports.runtime import load_dataset

# %%
report = ausbildungsabbrueche(
    load_dataset(data_dir),
    region,
    period,
    comparison=comparison,
    min_count=min_count,
    top=top,
)
report.header

# %% [markdown]
# **Vertragslösung ist nicht gleich Ausbildungsabbruch.** Die Vertragslösungsquote zählt
# vorzeitig gelöste Ausbildungsverträge (Schichtenmodell des BIBB). Viele Auszubildende, deren
# Vertrag gelöst wird, setzen ihre Ausbildung in einem anderen Betrieb oder einem anderen Beruf
# fort; die Quote misst daher keine endgültigen Abbrüche der Berufsausbildung.

# %%
report.summary

# %%
report.key_figures

# %%
report.charts_html()

# %%
report.notes

# %%
report.appendix
