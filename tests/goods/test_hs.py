from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dibwatch.goods import hs_description, hs_parent, hs_section, normalize_hs

# raw, digits, hs2, hs4, hs6, valid, chpl tier
CASES: list[tuple[str | int | float, str, str, str | None, str | None, bool, str | None]] = [
    ("854231", "854231", "85", "8542", "854231", True, "1"),
    ("8542.31", "854231", "85", "8542", "854231", True, "1"),
    ("8542.31.0000", "8542310000", "85", "8542", "854231", True, "1"),
    ("8542310000", "8542310000", "85", "8542", "854231", True, "1"),  # TN VED / HTS-10
    ("85423190", "85423190", "85", "8542", "854231", True, "1"),  # CN-8
    ("8542 31 90", "85423190", "85", "8542", "854231", True, "1"),
    ("8542-31-90", "85423190", "85", "8542", "854231", True, "1"),
    ("8542.31.90.00", "8542319000", "85", "8542", "854231", True, "1"),
    (" 8542.32 ", "854232", "85", "8542", "854232", True, "1"),
    ("８５４２．３３", "854233", "85", "8542", "854233", True, "1"),  # full-width digits
    ("HS: 8542.39", "854239", "85", "8542", "854239", True, "1"),
    ("ТН ВЭД 8542310000", "8542310000", "85", "8542", "854231", True, "1"),
    ("HS 8542.31, 8542.39", "854231", "85", "8542", "854231", True, "1"),  # first code
    ("8542310000 8542390000", "8542310000", "85", "8542", "854231", True, "1"),
    (8542310000, "8542310000", "85", "8542", "854231", True, "1"),
    (8542310000.0, "8542310000", "85", "8542", "854231", True, "1"),  # Excel float
    ("8542310000.0", "8542310000", "85", "8542", "854231", True, "1"),
    ("8.54231E+09", "8542310000", "85", "8542", "854231", True, "1"),  # Excel exponent
    ("854231100", "854231100", "85", "8542", "854231", True, "1"),  # Japan 9-digit
    ("85", "85", "85", None, None, True, None),  # chapter only
    ("8542", "8542", "85", "8542", None, True, None),  # heading only
    ("85423", "85423", "85", "8542", None, True, None),  # truncated, not zero loss
    ("8548.00", "854800", "85", "8548", "854800", True, "2"),  # dotted HS6, not a float
    ("8548.0", "8548", "85", "8548", None, True, None),  # Excel float of a heading
    # Leading zero lost in a spreadsheet: odd first group, padded reading exists.
    (1012100, "01012100", "01", "0101", "010121", True, None),
    ("1012100", "01012100", "01", "0101", "010121", True, None),
    (10121, "010121", "01", "0101", "010121", True, None),
    ("101.21", "010121", "01", "0101", "010121", True, None),
    ("9", "09", "09", None, None, True, None),
    # Odd length but no zero lost: 09.01.31 does not exist, 9013.10 does (tier 3.B).
    (9013100, "9013100", "90", "9013", "901310", True, "3.B"),
    (90131000, "90131000", "90", "9013", "901310", True, "3.B"),
    ("848210", "848210", "84", "8482", "848210", True, "3.B"),
    ("8457.10.1000", "8457101000", "84", "8457", "845710", True, "4.B"),
    ("9030.20", "903020", "90", "9030", "903020", True, "4.A"),
    ("8526.91", "852691", "85", "8526", "852691", True, "2"),
    ("392690", "392690", "39", "3926", "392690", True, None),
    ("3926.90.9709", "3926909709", "39", "3926", "392690", True, None),
    ("9503000000", "9503000000", "95", "9503", "950300", True, None),
    ("999999", "999999", "99", "9999", "999999", True, None),
    # Codes that do not exist in HS 2022.
    ("8542.99", "854299", "85", "8542", "854299", False, None),
    ("7700", "7700", "77", "7700", None, False, None),  # chapter 77 is reserved
    ("1234567890", "1234567890", "12", "1234", "123456", False, None),
]


@pytest.mark.parametrize(("raw", "digits", "hs2", "hs4", "hs6", "valid", "tier"), CASES)
def test_normalize_hs(
    raw: str | int | float,
    digits: str,
    hs2: str,
    hs4: str | None,
    hs6: str | None,
    valid: bool,
    tier: str | None,
) -> None:
    code = normalize_hs(raw)
    assert code is not None
    assert (code.digits, code.hs2, code.hs4, code.hs6, code.valid, code.chpl_tier) == (
        digits, hs2, hs4, hs6, valid, tier,
    )
    assert code.raw == str(raw) or isinstance(raw, float)


@pytest.mark.parametrize(
    "raw",
    [None, "", "   ", "N/A", "n/a", "see invoice", "-", "000000", "0", 0, float("nan"), 1.5,
     -854231.0, True, "1234567890123456789", "без кода", "见发票"],
)
def test_normalize_hs_garbage(raw: str | int | float | None) -> None:
    assert normalize_hs(raw) is None


def test_description_is_most_specific_known_level() -> None:
    code = normalize_hs("8542.99")  # heading exists, subheading does not
    assert code is not None and code.description == "Electronic integrated circuits"
    chapter = normalize_hs("85")
    assert chapter is not None and chapter.description is not None
    assert chapter.description.startswith("Electrical machinery")


def test_tree() -> None:
    assert hs_description("8542.31") is not None
    assert hs_parent("854231") == "8542"
    assert hs_parent("8542") == "85"
    assert hs_parent("85") is None
    assert hs_parent("123456") is None
    section = hs_section("854231")
    assert section is not None and section.numeral == "XVI"
    assert hs_section("999999") is None  # chapter 99 belongs to no section
    assert hs_section("0101") is not None and hs_section("0101").numeral == "I"  # type: ignore[union-attr]


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.text(), st.integers(), st.floats(), st.none()))
def test_normalize_hs_never_raises(raw: str | int | float | None) -> None:
    code = normalize_hs(raw)
    if code is not None:
        assert code.digits.isdigit() and 2 <= len(code.digits) <= 12
        assert code.hs2 == code.digits[:2]
