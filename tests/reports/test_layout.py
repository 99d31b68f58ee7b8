"""bericht.toml lookup and checks, print CSS, figure numbers, Impressum (toolkit.reports.layout)."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit import __version__
from toolkit.errors import ParameterError
from toolkit.reports.layout import (
    BERICHT_ENV,
    BerichtConfig,
    decorate_html,
    load_bericht_config,
    print_css,
)

PAGE = (
    '<html lang="de"><head><title>T</title></head><body><main>'
    '<h1>Bericht</h1><p class="dkbm-datenstand">Datenstand: 1. März 2024</p>'
    '<figure class="dkbm-chart" data-title="Quote A" style="x"><img alt="a">'
    "<figcaption><strong>A.</strong></figcaption></figure>"
    '<figure class="dkbm-chart" data-title="Quote B – Stadt X" data-source="Eigene Befragung">'
    '<img alt="b"><figcaption><strong>B.</strong></figcaption></figure>'
    "</main></body></html>"
)


def _toml(folder: Path, text: str) -> Path:
    path = folder / "bericht.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_lookup_order_data_dir_env_and_explicit_path(tmp_path, monkeypatch):
    monkeypatch.delenv(BERICHT_ENV, raising=False)
    assert load_bericht_config(tmp_path) == BerichtConfig()  # no file: documented defaults
    data = tmp_path / "daten"
    data.mkdir()
    _toml(data, 'herausgeber = "Landkreis Daten"\nkontakt = "bildung@example.org"')
    assert load_bericht_config(data).herausgeber == "Landkreis Daten"
    other = tmp_path / "anders"
    other.mkdir()
    given = _toml(other, 'herausgeber = "Stadt Option"\nfarbe = "#123456"')
    monkeypatch.setenv(BERICHT_ENV, str(given))
    cfg = load_bericht_config(data)  # the option wins over the data directory
    assert (cfg.herausgeber, cfg.farbe, cfg.kontakt) == ("Stadt Option", "#123456", "")
    assert load_bericht_config(data, path=data / "bericht.toml").herausgeber == "Landkreis Daten"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('herausgeber = "A"\nfarbee = "#000000"', "unbekannte Einträge farbee"),
        ('farbe = "blau"', "keine Farbe"),
        ('veroeffentlicht = "1.3.2025"', "kein Datum"),
        ('logo = "fehlt.png"', "Logo 'fehlt.png' nicht gefunden"),
        ("herausgeber = ", "kein gültiges TOML"),
    ],
)
def test_bad_files_are_refused_with_the_file_named(tmp_path, monkeypatch, text, message):
    monkeypatch.delenv(BERICHT_ENV, raising=False)
    path = _toml(tmp_path, text)
    with pytest.raises(ParameterError, match=message) as info:
        load_bericht_config(tmp_path)
    assert str(path) in str(info.value)
    with pytest.raises(ParameterError, match="nicht gefunden"):
        load_bericht_config(path=tmp_path / "gibtsnicht.toml")


def test_print_css_a4_footer_and_page_numbers():
    css = print_css(BerichtConfig(herausgeber='Kreis "Nord"'), datenstand="1. März 2024")
    assert "size: A4" in css
    assert 'content: "Kreis \\"Nord\\" · Datenstand: 1. März 2024"' in css
    assert '"Seite " counter(page) " von " counter(pages)' in css
    assert "break-inside: avoid" in css and "break-after: avoid" in css
    # one date per table (issue #17): too long for the footer, which points to the report head
    per_table = "1. März 2024 (Kindertagesbetreuung); 31. Dezember 2023 (Bevölkerung)"
    css = print_css(BerichtConfig(herausgeber="Kreis"), datenstand=per_table)
    assert 'content: "Kreis · Datenstand: je Tabelle, siehe Berichtskopf"' in css
    assert "h2.dkbm-charts-heading { display: none; }" in css


def test_decorate_numbers_figures_adds_sources_masthead_and_impressum(tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n")
    _toml(
        tmp_path,
        'herausgeber = "Stadt X, Bildungsbüro"\nkontakt = "bildung@stadt-x.example"\n'
        'logo = "logo.png"\nveroeffentlicht = "2025-03-01"',
    )
    cfg = load_bericht_config(tmp_path)
    out = decorate_html(PAGE, cfg, region_name="Stadt X")
    assert "Abbildung 1:</span> Quote A – Stadt X</p>" in out
    assert "Abbildung 2:</span> Quote B – Stadt X</p>" in out  # region not repeated
    assert out.count('<p class="dkbm-source">Quelle: ') == 2
    assert "Quelle: Eigene Befragung</p>" in out and f"Quelle: {cfg.quelle}</p>" in out
    assert out.index("Abbildung 1") < out.index('alt="a"') < out.index("Quelle:")
    assert 'class="dkbm-masthead"><img src="data:image/png;base64,' in out
    impressum = out[out.index('class="dkbm-impressum"') :]
    for text in (
        "Stadt X, Bildungsbüro",
        "bildung@stadt-x.example",
        "1. März 2025",
        "Datenstand</dt><dd>1. März 2024",
        "Datenlizenz Deutschland – Namensnennung – Version 2.0",
        f"Erstellt mit dkbm-toolkit {__version__}",
    ):
        assert text in impressum, text
    assert impressum.index("</section>") < impressum.index("</main>")
    assert out.count("@page") == 1 and "Datenstand: 1. März 2024" in out


def test_publication_date_from_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01 00:00 UTC
    assert BerichtConfig().publication_date().isoformat() == "2025-01-01"


def test_map_figures_are_numbered_in_sequence_with_charts():
    page = PAGE.replace(
        "</main>",
        '<figure class="dkbm-chart dkbm-map" style="x"><img alt="Karte"></figure></main>',
    )
    out = decorate_html(page, BerichtConfig(), region_name="Stadt X")
    assert "Abbildung 3:</span> Stadt X</p>" in out
    assert out.index("Abbildung 3") < out.index('alt="Karte"')
