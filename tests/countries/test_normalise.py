"""Periods and country names/codes as the statistics write them."""

from __future__ import annotations

import pytest

from dibwatch.countries import code_from_alpha3, code_from_name, is_country
from dibwatch.countries.periods import parse_comext_period, parse_plain_period

PERIOD_CASES = [
    ("202408-Aug. 2024", (2024, 8)),
    ("Aug. 2024", (2024, 8)),
    ("May. 2021", (2021, 5)),
    ("Sep. 2019", (2019, 9)),
    ("201952-Jan.-Dec. 2019", (2019, None)),
    ("Jan.-Dec. 2016", (2016, None)),
    ("202301", (2023, 1)),
]


@pytest.mark.parametrize(("text", "expected"), PERIOD_CASES)
def test_comext_periods(text: str, expected: tuple[int, int | None]) -> None:
    assert parse_comext_period(text) == expected


@pytest.mark.parametrize("text", ["202408-Sep. 2024", "202413", "Foo. 2024", "2024", ""])
def test_bad_comext_periods(text: str) -> None:
    with pytest.raises(ValueError):
        parse_comext_period(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("Y2019", (2019, None)), ("2023", (2023, None)), ("202308", (2023, 8))])
def test_plain_periods(text: str, expected: tuple[int, int | None]) -> None:
    assert parse_plain_period(text) == expected


NAME_CASES = [
    ("Russian Federation (Russia)", "en", "RU"),
    ("Germany (incl. German Democratic Republic 'DD' from 1991)", "en", "DE"),
    ("Ireland (Eire)", "en", "IE"),
    ("Belarus (Belorussia)", "en", "BY"),
    ("Korea, Republic of (South Korea)", "en", "KR"),
    ("Korea, DPR of", "en", "KP"),
    ("SAR-Hong Kong", "en", "HK"),
    ("Russie, Fédération de", "fr", "RU"),
    ("Guinée", "fr", "GN"),
    ("Guinea", "en", "GN"),
    ("Guinea", "fr", "GW"),  # the 2016 French Comext label of Guinea-Bissau
    ("Ceuta (incl. Melilla 'XL' -> 1998)", "en", "XC"),
    ("European Union - 27 countries (AT, BE, BG, CY, CZ, DE, DK, EE, ES, FI, FR, GR, HR, HU, "
     "IE, IT, LT, LU, LV, MT, NL, PL, PT, RO, SE, SI, SK)", "en", "EU27_2020"),
    ("European Union - 27 countries (from 2020)", "en", "EU27_2020"),
    ("Extra-UE27 (à partir de 2020)", "fr", "EXTRA_EU27"),
    ("World", "en", "W00"),
    ("Commonwealth of Independent States", "en", "CIS"),
    ("Saint-Barth?lemy", "en", "BL"),
    ("Северные Марианские острова", "en", "MP"),
    ("Atlantis", "en", None),
]


@pytest.mark.parametrize(("name", "lang", "code"), NAME_CASES)
def test_names(name: str, lang: str, code: str | None) -> None:
    assert code_from_name(name, lang) == code


@pytest.mark.parametrize(("code", "expected"), [
    ("RUS", "RU"), ("KGZ", "KG"), ("MAC", "MO"), ("G001", "W00"), ("G998", "EU"),
    ("TX898", "NS"), ("WBG", "PS"), ("W00", "W00"), ("XYZ", None)])
def test_alpha3_and_source_codes(code: str, expected: str | None) -> None:
    assert code_from_alpha3(code) == expected


@pytest.mark.parametrize(("code", "country"), [
    ("CN", True), ("XC", True), ("CSHH", True), ("W00", False), ("EU27_2020", False),
    ("IMF_G110", False), ("NS_OTHER", False)])
def test_is_country(code: str, country: bool) -> None:
    assert is_country(code) is country
