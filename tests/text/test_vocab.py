"""Abbreviations, generic-word weights, number words and the Chinese company-word table."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from dibwatch.text import expand_abbreviation, generic_weight, han_words, normalise_numbers
from dibwatch.text.vocab import (
    FUNCTION_WORDS,
    abbreviations,
    generic_weights,
    han_places,
    han_surnames,
)


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("dibwatch.text").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


ABBREVIATION_CASES = [
    ("comp", "company"),
    ("tech", "technology"),
    ("technol", "technology"),
    ("elec", "electronics"),
    ("intl", "international"),
    ("int'l", "international"),
    ("INTL", "international"),
    ("trdg", "trading"),
    ("grp", "group"),
    ("srvces", "services"),
    ("svcs", "services"),
    ("mfg", "manufacturing"),
    ("engg", "engineering"),
    ("eqpt", "equipment"),
    ("impex", "import export"),
    ("hldgs", "holdings"),
    ("mgmt", "management"),
    ("natl", "national"),
    ("bros", "brothers"),
    ("telecom", "telecommunications"),
    ("univ", "university"),
    ("petrochem", "petrochemical"),
    ("lukoil", "lukoil"),  # not an abbreviation: unchanged
    ("co", "co"),  # a legal form, left to legal_forms
    ("min", "min"),  # pinyin syllable, deliberately absent
]


@pytest.mark.parametrize(("token", "expected"), ABBREVIATION_CASES)
def test_expand_abbreviation(token: str, expected: str) -> None:
    assert expand_abbreviation(token) == expected


def test_spec_example_expands() -> None:
    words = ["cnooc", "energy", "tech", "and", "srvces"]
    assert [expand_abbreviation(w) for w in words] == [
        "cnooc", "energy", "technology", "and", "services"
    ]
    assert [expand_abbreviation(w) for w in ["lukoil", "oil", "comp"]] == [
        "lukoil", "oil", "company"
    ]


def test_abbreviation_table() -> None:
    rows = _rows("abbreviations.csv")
    # no duplicates once apostrophes are dropped ("int'l" = "intl" on purpose)
    assert len(abbreviations()) == len({row["abbreviation"].replace("'", "") for row in rows})
    assert len(rows) >= 100
    assert all(row["expansion"] and row["expansion"] == row["expansion"].lower() for row in rows)


GENERIC_CASES = [
    ("trading", 0.1),
    ("company", 0.1),
    ("the", 0.1),
    ("&", 0.1),
    ("shenzhen", 0.3),
    ("moscow", 0.3),
    ("hong", 0.3),
    ("new", 0.4),
    ("electronics", 0.5),
    ("TECHNOLOGY", 0.5),
    ("industrial", 0.15),
    ("huaqiang", 1.0),
    ("rostec", 1.0),
    ("", 1.0),
]


@pytest.mark.parametrize(("token", "weight"), GENERIC_CASES)
def test_generic_weight(token: str, weight: float) -> None:
    assert generic_weight(token) == weight


def test_generic_table() -> None:
    rows = _rows("generic_words.csv")
    weighed = [r for r in _rows("function_words.csv") if r["generic_weight"]]
    assert len(rows) + len(weighed) == len(generic_weights())  # no word in both, no duplicates
    assert all(0.0 < float(row["weight"]) <= 1.0 for row in rows)
    assert len(rows) >= 100


def test_function_words_are_one_table() -> None:
    rows = _rows("function_words.csv")
    assert {r["word"] for r in rows} == FUNCTION_WORDS and len(rows) == len(FUNCTION_WORDS)
    # a one-letter word is an initial in a person's name, never a generic word
    assert all(generic_weight(w) == 1.0 for w in FUNCTION_WORDS if len(w) == 1)
    assert generic_weight("de") == generic_weight("the") == 0.1


NUMBER_CASES = [
    (["forty", "four"], ["44"]),
    (["forty-four"], ["44"]),
    (["first"], ["1"]),
    (["1st"], ["1"]),
    (["22nd", "street"], ["22", "street"]),
    (["three"], ["3"]),
    (["plant", "number", "three"], ["plant", "number", "3"]),
    (["one", "hundred", "and", "five"], ["105"]),
    (["two", "thousand", "twenty", "four"], ["2024"]),
    (["twenty", "first", "century"], ["21", "century"]),
    (["first", "second"], ["1", "2"]),  # an ordinal closes the number
    (["four", "four"], ["4", "4"]),
    (["seven", "seas", "trading"], ["7", "seas", "trading"]),
    (["henry", "viii"], ["henry", "8"]),
    (["viii", "henry"], ["viii", "henry"]),  # roman numerals only as a suffix
    (["jinping", "xi"], ["jinping", "xi"]),  # xi is a surname, never 11
    (["putin", "v"], ["putin", "v"]),  # v is an initial
    (["ii"], ["ii"]),  # not alone
    (["pervyy", "zavod"], ["1", "zavod"]),  # Первый завод
    (["vtoraya", "liniya"], ["2", "liniya"]),
    (["tretiy", "rim"], ["3", "rim"]),
    (["and", "one"], ["and", "1"]),
    (["alpha", "and", "omega"], ["alpha", "and", "omega"]),
    ([], []),
]


@pytest.mark.parametrize(("tokens", "expected"), NUMBER_CASES)
def test_normalise_numbers(tokens: list[str], expected: list[str]) -> None:
    assert normalise_numbers(tokens) == expected


def test_han_words_table() -> None:
    rows = _rows("han_company_words.csv")
    assert len(rows) >= 150
    assert len({row["han"] for row in rows}) == len(rows)
    assert {row["kind"] for row in rows} == {"form", "word", "place"}
    words = han_words()
    # place rows also match with 市/省/区/县: 4 generated variants per place not already present
    places = [row["han"] for row in rows if row["kind"] == "place"]
    assert set(places) == han_places()
    assert words["深圳市"] == words["深圳"] == "shenzhen"
    assert words["有限公司"] == "co ltd"
    assert words["进出口"] == "import export"
    assert "华" not in words and "东方" not in words  # keep pinyin
    assert all(w.isascii() and w == w.lower() for w in words.values())


def test_han_surnames_table() -> None:
    rows = _rows("han_surnames.csv")
    surnames = han_surnames()
    assert len(surnames) == len(rows) >= 300
    assert surnames["单"] == "shan" and surnames["曾"] == "zeng" and surnames["欧阳"] == "ouyang"
