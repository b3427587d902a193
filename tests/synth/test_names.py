from __future__ import annotations

import random

import pytest

from dibwatch.synth import tables
from dibwatch.synth.names import NameMaker, spelling_key, translit

TRANSLIT_CASES = [
    ("Юхим", "Yukhim"),
    ("Щука", "Shchuka"),
    ("Цех", "Tsekh"),
    ("Электроника", "Elektronika"),
]


@pytest.mark.parametrize(("cyrillic", "latin"), TRANSLIT_CASES)
def test_default_transliteration(cyrillic: str, latin: str) -> None:
    assert translit(cyrillic) == latin


def test_random_transliteration_uses_the_variant_table() -> None:
    seen = {translit("Юх", random.Random(i)) for i in range(200)}
    # ю: yu|iu|ju, х: kh|h|ch -> nine spellings, all reachable.
    assert seen == {a + b for a in ("Yu", "Iu", "Ju") for b in ("kh", "h", "ch")}


KEY_CASES = [
    ("Zentra Electronics Co., Ltd.", "ZENTRA ELECTRONICS CO LTD"),
    ("ООО «Ромашка»", 'ООО "РОМАШКА"'),
]


@pytest.mark.parametrize(("a", "b"), KEY_CASES)
def test_spelling_key_ignores_case_and_punctuation(a: str, b: str) -> None:
    assert spelling_key(a) == spelling_key(b)


def test_russian_firm_is_cyrillic_with_a_latin_name_and_variants() -> None:
    maker = NameMaker(random.Random(3))
    for _ in range(20):
        name = maker.firm_name("RU")
        assert name.canonical[:3] in ("ООО", "АО ", "ПАО")
        assert "«" in name.canonical
        assert name.latin.isascii()
        assert name.clean == (name.canonical, name.latin)
        assert name.noisy and not set(name.noisy) & set(name.clean)


def test_chinese_firm_with_han_name() -> None:
    maker = NameMaker(random.Random(5))
    name = maker.firm_name("CN", han=True)
    assert name.latin.endswith("Co., Ltd.")
    assert name.clean[1].endswith("有限公司")
    cities = {latin for _, latin, _ in tables.cities()["CN"]}
    assert name.latin.split()[0].rstrip("'") in {c.split()[0] for c in cities}


@pytest.mark.parametrize("country", ["HK", "TR", "AE", "KZ", "DE", "US", "JP", "IN"])
def test_latin_firm_carries_a_legal_form_of_its_country(country: str) -> None:
    maker = NameMaker(random.Random(7))
    forms = {f.text for form in tables.countries()[country].legal_forms
             for f in tables.legal_forms()[form]}
    for _ in range(10):
        name = maker.firm_name(country)
        assert any(name.canonical.endswith(f) for f in forms)
        assert name.noisy
