from pathlib import Path

import pytest

from toolkit.errors import ParameterError
from toolkit.indicators import TOPICS, catalog, catalog_markdown, spec

ROOT = Path(__file__).resolve().parents[2]


def test_catalog_columns_and_content():
    cat = catalog()
    assert list(cat.columns)[:13] == [
        "code",
        "name_de",
        "definition_de",
        "numerator_de",
        "denominator_de",
        "reference_date_de",
        "unit",
        "source",
        "levels",
        "topic",
        "higher_is",
        "range_min",
        "range_max",
    ]
    assert len(cat) >= 20 and cat["code"].is_unique
    assert set(cat["topic"]) <= set(TOPICS)
    assert set(cat["higher_is"]) <= {"better", "worse", "neutral"}
    assert (cat["range_min"] < cat["range_max"]).all()
    for col in (
        "name_de",
        "definition_de",
        "numerator_de",
        "denominator_de",
        "reference_date_de",
        "source",
    ):
        assert (cat[col].str.len() > 0).all(), col
    required = {
        "betreuungsquote_u3",
        "betreuungsquote_3u6",
        "uebergangsquote_gymnasium",
        "abgaenge_anteil_ohne_hsa",
        "iabe_anteil_sektor_i",
        "ausbildungsanfaengerquote",
        "vertragsloesungsquote",
        "vertragsloesungen_probezeit_anteil",
        "jugendquotient",
        "altenquotient",
        "bevoelkerung_veraenderung",
    }
    assert required <= set(cat["code"])
    assert spec("vertragsloesungsquote").dimensions == (
        "zustaendigkeit",
        "beruf",
        "sex",
        "nationality",
        "schooling",
    )
    with pytest.raises(ParameterError):
        spec("x")


def test_committed_markdown_is_up_to_date():
    committed = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    assert committed == catalog_markdown() + "\n", (
        "docs/indicators.md neu erzeugen: dkbm indicators list --markdown > docs/indicators.md"
    )
