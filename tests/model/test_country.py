from __future__ import annotations

import pytest

from dibwatch.model import country_code, country_name

CASES = [
    ("Russia", "RU"), ("Russian Federation", "RU"), ("Россия", "RU"), ("RUS", "RU"),
    ("ru", "RU"), ("China", "CN"), ("中国", "CN"), ("Hong Kong", "HK"), ("香港", "HK"),
    ("Korea, North", "KP"), ("Burma", "MM"), ("Türkiye", "TR"), ("Turkey", "TR"),
    ("United Arab Emirates", "AE"), ("Kyrgyzstan", "KG"), ("Kyrgyz Republic", "KG"),
    ("Congo, Democratic Republic of the", "CD"), ("Iran", "IR"), ("Германия", "DE"),
    ("  united   kingdom ", "GB"), ("Казахстан", "KZ"),
]


@pytest.mark.parametrize(("text", "code"), CASES)
def test_country_code(text: str, code: str) -> None:
    assert country_code(text) == code


@pytest.mark.parametrize("text", ["", "   ", "Atlantis", "undetermined", None])
def test_unknown_country(text: str | None) -> None:
    assert country_code(text) is None


def test_country_name() -> None:
    assert country_name("ru") == "Russia"
    assert country_name("KG") == "Kyrgyzstan"
