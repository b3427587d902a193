"""The OFAC Remarks parser: key table, values, dates, splitting, and that no text breaks it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dibwatch.lists.sources.ofac_remarks import (
    Remarks,
    leftover_key,
    match_key,
    parse_date,
    parse_remarks,
    remark_keys,
    split_segments,
)
from dibwatch.model.entity import CountryLink, NameKind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 Jan 1960", ["1960-01-12"]),
        ("01 Jan 1960", ["1960-01-01"]),
        ("Sep 1938", ["1938-09"]),
        ("1960", ["1960"]),
        ("circa 1960", ["1960"]),
        ("circa 01 Jan 1960", ["1960-01-01"]),
        ("1960 to 1962", ["1960", "1962"]),
        ("01 Jan 1961 to 31 Dec 1962", ["1961-01-01", "1962-12-31"]),
        ("12 Foo 1960", None),
        ("32 Jan 1960", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: list[str] | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("DOB 1962; POB Shati.", ["DOB 1962", "POB Shati."]),
        # a ';' inside quotes or parentheses does not split
        ("a.k.a. 'A; B'; DOB 1960", ["a.k.a. 'A; B'", "DOB 1960"]),
        ("Note (x; y); DOB 1960", ["Note (x; y)", "DOB 1960"]),
        # apostrophes inside words do not open a quote
        ("Linked To: AL QA'IDA; POB Sana'a, Yemen; Gender Male",
         ["Linked To: AL QA'IDA", "POB Sana'a, Yemen", "Gender Male"]),
        # an unbalanced quote falls back to splitting on every ';'
        ("a.k.a. 'OPEN; DOB 1960", ["a.k.a. 'OPEN", "DOB 1960"]),
        ("", []),
    ],
)
def test_split_segments(text: str, segments: list[str]) -> None:
    assert split_segments(text) == segments


def _ids(result: Remarks) -> list[tuple[str, str, str | None, bool | None]]:
    return [(i.scheme, i.value, i.country, i.valid) for i in result.identifiers]


# (remarks text, attribute of Remarks, expected value) — one fact per row
FACTS = [
    ("DOB 12 Jan 1960", "birth_dates", ["1960-01-12"]),
    ("DOB circa 1960; alt. DOB 1960 to 1962", "birth_dates", ["1960", "1962"]),
    ("POB Tula, Russia", "birth_places", ["Tula, Russia"]),
    ("nationality Russia; citizen Korea, North", "countries",
     [CountryLink("ru", "nationality"), CountryLink("kp", "citizenship")]),
    ("Nationality of Registration Iran", "countries", [CountryLink("ir", "registration")]),
    ("Organization Established Date 2001", "incorporation_dates", ["2001"]),
    ("Website www.x.ru; alt. Website www.y.ru", "websites", ["www.x.ru", "www.y.ru"]),
    ("Email Address a@b.ru", "emails", ["a@b.ru"]),
    ("Phone Number 79315403678; Fax: 0097282858208", "phones",
     ["79315403678", "0097282858208"]),
    ("Linked To: FOO LTD.", "linked_to", ["FOO LTD."]),
    ("Linked To: GRUPO MUNDO MARINO, S.A.", "linked_to", ["GRUPO MUNDO MARINO, S.A."]),
    ("a.k.a. 'BNC'.", "names", [("BNC", NameKind.WEAK)]),
    ("f.k.a. 'OLD NAME'", "names", [("OLD NAME", NameKind.WEAK)]),
    ("Issuer Name China Telecom Corporation Limited", "names",
     [("China Telecom Corporation Limited", NameKind.ALIAS)]),
    ("Gender Male", "extra", {"gender": ["male"]}),
    ("Former Vessel Flag Malta; alt. Former Vessel Flag Tuvalu", "extra",
     {"pastFlags": ["mt", "tv"]}),
    ("Aircraft Manufacture Date 28 Aug 2002; Aircraft Model A300", "extra",
     {"buildDate": ["2002-08-28"], "model": ["A300"]}),
    ("Organization Type: Central banking; Target Type Government Entity", "extra",
     {"sector": ["Central banking"], "classification": ["Government Entity"]}),
    ("Secondary sanctions risk: See Section 11 of Executive Order 14024",
     "sanction_extra",
     {"provisions": ["Secondary sanctions risk: See Section 11 of Executive Order 14024"]}),
    ("Executive Order 13662 Directive Determination - Subject to Directive 1; "
     "Additional Sanctions Information - Subject to Secondary Sanctions", "sanction_extra",
     {"provisions": ["Executive Order 13662 Directive Determination - Subject to Directive 1",
                     "Additional Sanctions Information - Subject to Secondary Sanctions"]}),
    ("For more information on directives, please visit the following link: http://x.gov",
     "notes", []),
    ("all offices worldwide", "notes", ["all offices worldwide"]),
]


@pytest.mark.parametrize(("text", "attribute", "expected"), FACTS)
def test_facts(text: str, attribute: str, expected: object) -> None:
    result = parse_remarks(text)
    assert getattr(result, attribute) == expected
    assert result.leftovers == []


IDENTIFIERS = [
    # Russian Tax ID -> INN with a check-digit verdict
    ("Tax ID No. 7707083893 (Russia)", [("INN", "7707083893", "ru", True)]),
    ("Tax ID No. 7707083890 (Russia)", [("INN", "7707083890", "ru", False)]),
    ("Registration Number 1027700132195 (Russia)", [("OGRN", "1027700132195", "ru", True)]),
    ("Registration ID 1027800000084 (Russia)", [("OGRN", "1027800000084", "ru", True)]),
    ("Government Gazette Number 09804148 (Russia)", [("OKPO", "09804148", "ru", True)]),
    ("Unified Social Credit Code (USCC) 91222401MA0Y31E659 (China)",
     [("USCC", "91222401MA0Y31E659", "cn", True)]),
    ("Legal Entity Number 253400WSS48YWMBUA688", [("LEI", "253400WSS48YWMBUA688", None, True)]),
    ("Legal Entity Number 851683897 (Netherlands)", [("REG_NO", "851683897", "nl", None)]),
    ("SWIFT/BIC SABRRUMM", [("BIC", "SABRRUMM", None, True)]),
    ("Vessel Registration Identification IMO 9187629", [("IMO", "9187629", None, True)]),
    ("IMO 9187620", [("IMO", "9187620", None, False)]),
    # an IMO company number: seven digits, no ship check digit; it meets an IMO query
    ("Identification Number IMO 5848165", [("IMO_COMPANY", "5848165", None, True)]),
    ("Company Number IMO 5055293", [("IMO_COMPANY", "5055293", None, True)]),
    ("MMSI 572469210", [("MMSI", "572469210", None, None)]),
    ("Tax ID No. AABA 670850 Y", [("TAX_ID", "AABA 670850 Y", None, None)]),
    ("National ID No. 4511669324 (Russia)", [("NATIONAL_ID", "4511669324", "ru", None)]),
    ("Cedula No. 16247821 (Colombia)", [("NATIONAL_ID", "16247821", "co", None)]),
    ("Digital Currency Address - XBT 12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h",
     [("CRYPTO", "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h", None, None)]),
    ("alt. Tax ID No. 7831000122 (Russia)", [("INN", "7831000122", "ru", True)]),
]


@pytest.mark.parametrize(("text", "expected"), IDENTIFIERS)
def test_identifiers(text: str, expected: list[tuple[str, str, str | None, bool | None]]
                     ) -> None:
    result = parse_remarks(text)
    assert _ids(result) == expected
    assert result.leftovers == []


def test_passport_keeps_country_and_expiry() -> None:
    result = parse_remarks("Passport 123 (Russia) expires 2020; "
                           "alt. Passport K754050 issued 26 May 1999 expires 25 May 2004")
    first, second = result.identifiers
    assert (first.scheme, first.value, first.country, first.note) == (
        "PASSPORT", "123", "ru", "Passport; expires 2020")
    assert (second.value, second.country, second.note) == (
        "K754050", None, "Passport; issued 26 May 1999 expires 25 May 2004")


def test_unknown_segments_are_kept_and_reported() -> None:
    result = parse_remarks("DOB 1960; Former Minister of Interior; Foo Code 12345 (Iran)")
    assert result.birth_dates == ["1960"]
    assert result.notes == ["Former Minister of Interior", "Foo Code 12345 (Iran)"]
    assert result.leftovers == [("Former Minister of Interior", "Former Minister of Interior"),
                                ("Foo Code", "Foo Code 12345 (Iran)")]


def test_unreadable_value_of_a_known_key_is_a_leftover() -> None:
    result = parse_remarks("DOB sometime; nationality Atlantis")
    assert result.birth_dates == [] and result.countries == []
    assert [k for k, _ in result.leftovers] == ["DOB", "nationality"]


def test_title_repeated_in_remarks_is_consumed() -> None:
    text = "DOB 1960; Brigadier General"
    assert parse_remarks(text, known=frozenset({"Brigadier General"})).leftovers == []
    assert parse_remarks(text).leftovers == [("Brigadier General", "Brigadier General")]


def test_key_table_longest_match_and_word_boundary() -> None:
    keys = [k.key for k in remark_keys()]
    assert len(keys) == len(set(keys)), "duplicate keys in ofac_remarks_keys.csv"
    found = match_key("Company Number IMO 5055293")
    assert found is not None and found[0].key == "Company Number IMO"
    assert match_key("IMOTEC GMBH") is None
    assert leftover_key("Member ETA") == "Member ETA"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_remarks(text: str) -> None:
    assert isinstance(parse_remarks(text), Remarks)


_PIECES = st.sampled_from(["DOB ", "POB ", "a.k.a. ", "'", "(", ")", ";", "Tax ID No. ",
                           " (Russia)", "1960", " to ", "circa ", "Jan ", "Linked To: ",
                           "alt. ", "IMO ", "-", ".", " ", "nationality ", "USCC"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_remarks_like_text_gives_remarks(text: str) -> None:
    result = parse_remarks(text)
    for identifier in result.identifiers:
        assert identifier.value or identifier.raw is not None
