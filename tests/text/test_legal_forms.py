"""Legal forms: stripping from tokenised names in many scripts and languages, and the table."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from dibwatch.text import form_kind, normalize, strip_legal_forms, to_latin
from dibwatch.text.legal_forms import KINDS, find_form, legal_forms

# (name as written, remaining tokens, canonical forms found)
CASES = [
    # Russian / CIS, Cyrillic and transliterated
    ("ООО «Ромашка»", ["romashka"], ["llc"]),
    ("Общество с ограниченной ответственностью «Ромашка»", ["romashka"], ["llc"]),
    ("Obshchestvo s Ogranichennoy Otvetstvennostyu Romashka", ["romashka"], ["llc"]),
    ("Obschestvo s ogranichennoj otvetstvennostju Romashka", ["romashka"], ["llc"]),
    ("Obshestvo s Ogranichennoi Otvetstvennostiu ROMASHKA", ["romashka"], ["llc"]),
    ("O.O.O. Romashka", ["romashka"], ["llc"]),
    ("000 Romashka", ["romashka"], ["llc"]),  # zeros for O: a common keying error
    ("Romashka LLC", ["romashka"], ["llc"]),
    ("Romashka, L.L.C.", ["romashka"], ["llc"]),
    ("Romashka Limited Liability Company", ["romashka"], ["llc"]),
    ("АО «Концерн ВКО «Алмаз-Антей»", ["kontsern", "vko", "almaz", "antey"], ["jsc"]),
    ("Aktsionernoye Obshchestvo Kontsern", ["kontsern"], ["jsc"]),
    ("JSC Rosoboronexport", ["rosoboronexport"], ["jsc"]),
    ("Joint-Stock Company Sukhoi", ["sukhoi"], ["jsc"]),
    ("ОАО Газпром", ["gazprom"], ["ojsc"]),
    ("Open Joint Stock Company Gazprom", ["gazprom"], ["ojsc"]),
    ("ЗАО Алмаз", ["almaz"], ["cjsc"]),
    ("Closed Joint Stock Company Almaz", ["almaz"], ["cjsc"]),
    ("ПАО Сбербанк", ["sberbank"], ["pjsc"]),
    ("Public Joint Stock Company Sberbank of Russia", ["sberbank", "of", "russia"], ["pjsc"]),
    ("ФГУП «НИИ Прибор»", ["nii", "pribor"], ["fgup"]),
    ("Federal State Unitary Enterprise Pribor", ["pribor"], ["fgup"]),
    ("ИП Иванов Иван Иванович", ["ivanov", "ivan", "ivanovich"], ["ip"]),
    ("ТОО «Алматы Трейд»", ["almaty", "treyd"], ["llp"]),
    ("ТОВ «Ромашка»", ["romashka"], ["llc"]),
    ("ОсОО «Кайнар Трейд»", ["kaynar", "treyd"], ["llc"]),
    ("OSOO KAINAR TRADING", ["kainar", "trading"], ["llc"]),
    ("Kainar Trade MChJ", ["kainar", "trade"], ["llc"]),
    ("ФГБУН Институт физики", ["institut", "fiziki"], ["fgbun"]),
    ("State Corporation Rostec", ["rostec"], ["state corporation"]),
    ("АНО Центр", ["tsentr"], ["ano"]),
    # Chinese, Hong Kong, Singapore, Malaysia, India
    ("深圳市华强电子有限公司", ["shenzhen", "huaqiang", "electronics"], ["co ltd"]),
    ("Shenzhen Huaqiang Electronics Co., Ltd.", ["shenzhen", "huaqiang", "electronics"],
     ["co ltd"]),
    ("ALPHA CO LTD SHENZHEN BRANCH", ["alpha", "shenzhen", "branch"], ["co ltd"]),
    ("Alpha Company Limited", ["alpha"], ["co ltd"]),
    ("Alpha (HK) Limited", ["alpha", "hk"], ["ltd"]),
    ("Alpha Pte. Ltd.", ["alpha"], ["pte ltd"]),
    ("Alpha Sdn. Bhd.", ["alpha"], ["sdn bhd"]),
    ("Alpha Private Limited", ["alpha"], ["pvt ltd"]),
    ("CNOOC ENERGY TECH & SRVCES LTD", ["cnooc", "energy", "tech", "and", "srvces"], ["ltd"]),
    # Europe
    ("Siemens AG", ["siemens"], ["ag"]),
    ("Siemens Aktiengesellschaft", ["siemens"], ["ag"]),
    ("Alpha GmbH & Co. KG", ["alpha"], ["gmbh co kg"]),
    ("Alpha Gesellschaft mit beschränkter Haftung", ["alpha"], ["gmbh"]),
    ("Alpha Sp. z o.o.", ["alpha"], ["sp z oo"]),
    ("Alpha s.r.o.", ["alpha"], ["sro"]),
    ("Alpha S.A.", ["alpha"], ["sa"]),
    ("Alpha S.A.R.L.", ["alpha"], ["sarl"]),
    ("Alpha S.p.A.", ["alpha"], ["spa"]),
    ("Alpha B.V.", ["alpha"], ["bv"]),
    ("Alpha Oy", ["alpha"], ["oy"]),
    ("Alpha A/S", ["alpha"], ["as"]),
    ("Alpha Kft.", ["alpha"], ["kft"]),
    ("Alpha EOOD", ["alpha"], ["eood"]),
    ("Alpha d.o.o.", ["alpha"], ["doo"]),
    ("Alpha PLC", ["alpha"], ["plc"]),
    ("Alpha Inc.", ["alpha"], ["inc"]),
    ("Alpha Corporation", ["alpha"], ["corp"]),
    # Turkey, UAE, Japan, Korea, Indonesia
    ("Alpha Dış Ticaret Ltd. Şti.", ["alpha", "dis", "ticaret"], ["ltd sti"]),
    ("Alpha Makina A.Ş.", ["alpha", "makina"], ["as"]),
    ("Alpha General Trading FZE", ["alpha", "general", "trading"], ["fze"]),
    ("Alpha FZ-LLC", ["alpha"], ["fz llc"]),
    ("Alpha DMCC", ["alpha"], ["dmcc"]),
    ("Toyota Kabushiki Kaisha", ["toyota"], ["kk"]),
    ("株式会社トヨタ", ["toyota"], ["kk"]),
    ("주식회사 삼성", ["sam", "song"], ["co ltd"]),  # a short Hangul word: syllables
    ("PT Alpha Tbk", ["alpha"], ["pt", "tbk"]),
    # a long form word mistyped is still the form
    ("Iran Alloy Steel Copmany", ["iran", "alloy", "steel"], ["co"]),
    ("Hesong Trading Cororation", ["hesong", "trading"], ["corp"]),
    # several forms in one name
    ("ООО Alpha GmbH", ["alpha"], ["llc", "gmbh"]),
]


@pytest.mark.parametrize(("name", "tokens", "forms"), CASES, ids=[c[0] for c in CASES])
def test_strip_legal_forms(name: str, tokens: list[str], forms: list[str]) -> None:
    assert strip_legal_forms(normalize(name).split()) == (tokens, forms)


AMBIGUOUS_CASES = [
    # short forms that are also name words: only at the start or end, never the whole name
    (["as"], ["as"], []),
    (["co"], ["co"], []),
    (["alpha", "as"], ["alpha"], ["as"]),
    (["as", "alpha"], ["alpha"], ["as"]),
    (["alpha", "as", "beta"], ["alpha", "as", "beta"], []),
    (["ip", "man"], ["man"], ["ip"]),
    (["kim", "ip", "man"], ["kim", "ip", "man"], []),
    (["alpha", "sa", "beta"], ["alpha", "sa", "beta"], []),
    (["zao", "wou", "ki"], ["wou", "ki"], ["cjsc"]),  # ЗАО at the start is ЗАО ...
    (["li", "zao", "ming"], ["li", "zao", "ming"], []),  # ... but pinyin zao inside a name stays
    (["alpha", "co", "beta", "co"], ["alpha", "co", "beta"], ["co"]),
    # unambiguous forms are stripped anywhere, but never the whole name
    (["ooo"], ["ooo"], []),
    (["limited"], ["limited"], []),
    (["alpha", "llc", "beta"], ["alpha", "beta"], ["llc"]),
    ([], [], []),
]


@pytest.mark.parametrize(("tokens", "remaining", "forms"), AMBIGUOUS_CASES)
def test_ambiguous_short_forms(tokens: list[str], remaining: list[str], forms: list[str]) -> None:
    assert strip_legal_forms(tokens) == (remaining, forms)


def test_raw_to_latin_tokens_are_accepted() -> None:
    """Tokens straight from to_latin(...).split() keep punctuation; untouched ones are returned
    as given, a token partly made of a form gives back its other words."""
    tokens = to_latin("O.O.O. «Romashka» Co.,Ltd.").split()
    assert tokens == ["o.o.o.", "romashka", "co.,ltd."]
    assert strip_legal_forms(tokens) == (["romashka"], ["llc", "co ltd"])
    assert strip_legal_forms(["romashka,llc"]) == (["romashka"], ["llc"])


def _csv_rows() -> list[dict[str, str]]:
    text = (
        resources.files("dibwatch.text")
        .joinpath("data", "legal_forms.csv")
        .read_text(encoding="utf-8")
    )
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def test_table_size_and_kinds() -> None:
    rows = _csv_rows()
    assert len(rows) >= 250
    assert {row["kind"] for row in rows} == KINDS
    # Distinct normalised keys: fewer than rows because "LLC" / "L.L.C." / "ООО" / "OOO" collapse.
    assert 300 <= len(legal_forms()) < len(rows)
    for row in rows:
        words = normalize(row["variant"]).split()
        assert words, row
        # every variant is found at the end of a name, and in the middle unless edge-only
        assert strip_legal_forms(["alpha", *words]) == (["alpha"], [row["canonical"]]), row
        form = find_form(row["variant"])
        assert form is not None and form.canonical == row["canonical"], row
        if not form.edge_only:
            middle = strip_legal_forms(["alpha", *words, "beta"])
            assert middle == (["alpha", "beta"], [row["canonical"]]), row


def test_edge_only_flags() -> None:
    edge_only = {variant for variant, form in legal_forms().items() if form.edge_only}
    assert {"as", "ab", "sa", "ag", "co", "ip", "ao", "zao", "spa", "sp z oo", "000"} <= edge_only
    assert not {"ooo", "llc", "ltd", "gmbh", "jsc", "co ltd"} & edge_only


def test_form_kind() -> None:
    assert form_kind("llc") == "company"
    assert form_kind("fgup") == "state enterprise"
    assert form_kind("fgbu") == "public body"
    assert form_kind("ip") == "individual entrepreneur"
    assert form_kind("kg") == "partnership"
    assert form_kind("ano") == "non-profit"
    assert form_kind("cooperative") == "cooperative"
    assert form_kind("romashka") is None
