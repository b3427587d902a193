"""Value parsers: dates, numbers, HS codes, countries, directions, party ids."""

from __future__ import annotations

import contextlib
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dibwatch.trade.validate import (
    Invalid,
    Raw,
    clean_hs,
    clean_text,
    normalise_country,
    normalise_direction,
    parse_date,
    parse_integer,
    parse_number,
    party_id,
)

DATE_CASES: list[tuple[Raw, tuple[str, ...], date]] = [
    ("2023-03-15", (), date(2023, 3, 15)),
    ("15.03.2023", (), date(2023, 3, 15)),
    ("15.03.2023 0:00:00", (), date(2023, 3, 15)),
    ("2023-03-15T10:20:30Z", (), date(2023, 3, 15)),
    ("15/03/2023", (), date(2023, 3, 15)),
    ("03/15/2023", ("%m/%d/%Y",), date(2023, 3, 15)),
    ("20230315", (), date(2023, 3, 15)),
    ("15.03.23", (), date(2023, 3, 15)),
    ("15 Mar 2023", (), date(2023, 3, 15)),
    ("Mar 15, 2023", (), date(2023, 3, 15)),
    ("15-SEPT-2023", ("%d-%b-%Y",), date(2023, 9, 15)),
    ("1.2.1999", (), date(1999, 2, 1)),
    (datetime(2023, 3, 15, 12, 0), (), date(2023, 3, 15)),
    (date(2022, 2, 24), (), date(2022, 2, 24)),
]


@pytest.mark.parametrize(("raw", "formats", "expected"), DATE_CASES)
def test_parse_date(raw: Raw, formats: tuple[str, ...], expected: date) -> None:
    assert parse_date(raw, formats) == expected


BAD_DATES = [
    ("31.02.2023", "impossible date '31.02.2023'"),
    ("2023-13-01", "impossible date '2023-13-01'"),
    ("29.02.2023", "impossible date '29.02.2023'"),
    ("15.03.1812", "date out of range '15.03.1812' (accepted 1950-2100)"),
    ("next tuesday", "unparsable date 'next tuesday'"),
    ("", "missing date"),
    ("N/A", "missing date"),
    (None, "missing date"),
]


@pytest.mark.parametrize(("raw", "reason"), BAD_DATES)
def test_bad_dates_say_why(raw: str | None, reason: str) -> None:
    with pytest.raises(Invalid) as info:
        parse_date(raw)
    assert str(info.value) == reason


NUMBER_CASES: list[tuple[Raw, bool | None, float]] = [
    ("1 234,56", True, 1234.56),
    ("1\u00a0234,56", None, 1234.56),
    ("1,234.56", None, 1234.56),
    ("1.234,56", None, 1234.56),
    ("1,5", None, 1.5),
    ("1,234", None, 1234.0),      # a lone comma grouping three digits is thousands...
    ("1,234", True, 1.234),       # ...unless the file writes decimal commas
    ("1.234", None, 1.234),
    ("1.234", True, 1234.0),      # in a decimal-comma file a dot groups thousands
    ("0.125", True, 0.125),
    ("1.234.567", None, 1234567.0),
    ("12 345 678,9", True, 12345678.9),
    ("-3", None, -3.0),
    ("\u22123,5", True, -3.5),
    ("(12.5)", None, -12.5),
    ("12,50-", True, -12.5),
    ("1e3", None, 1000.0),
    (".5", None, 0.5),
    (7, None, 7.0),
    (2.5, None, 2.5),
]


@pytest.mark.parametrize(("raw", "decimal_comma", "expected"), NUMBER_CASES)
def test_parse_number(raw: Raw, decimal_comma: bool | None, expected: float) -> None:
    assert parse_number(raw, decimal_comma) == pytest.approx(expected)


@pytest.mark.parametrize("raw", ["1,2,3", "12 kg", "abc", "1..2", "()", "--5", True,
                                 float("nan"), "inf"])
def test_unparsable_numbers(raw: Raw) -> None:
    with pytest.raises(Invalid):
        parse_number(raw, True)


def test_parse_integer() -> None:
    assert parse_integer("12") == 12
    assert parse_integer(3.0) == 3
    with pytest.raises(Invalid, match="not a whole number"):
        parse_integer("1,5")


HS_CASES: list[tuple[Raw, str]] = [
    ("8542.31.0000", "8542310000"),
    ("854231", "854231"),
    ("8542 31 90", "85423190"),
    ("8542-31", "854231"),
    ("85", "85"),
    ("106190000", "0106190000"),  # Excel dropped the leading zero
    (8542310000, "8542310000"),
    (854231.0, "854231"),
    ("8", "08"),  # one digit is a chapter that lost its leading zero
]


@pytest.mark.parametrize(("raw", "expected"), HS_CASES)
def test_clean_hs(raw: Raw, expected: str) -> None:
    assert clean_hs(raw) == expected


@pytest.mark.parametrize(("raw", "reason"), [
    ("85A231", "HS code is not digits: '85A231'"),
    ("854231000000", "HS code of 12 digits: '854231000000' (expected 2-10)"),
    ("85423100001", "HS code of 12 digits: '85423100001' (expected 2-10)"),  # 0-padded
    ("", "missing HS code"),
])
def test_bad_hs(raw: str, reason: str) -> None:
    with pytest.raises(Invalid) as info:
        clean_hs(raw)
    assert str(info.value) == reason


@pytest.mark.parametrize(("raw", "expected"), [
    ("CN", "CN"), ("cn", "CN"), ("Китай", "CN"), ("КИТАЙ", "CN"), ("香港", "HK"),
    ("Hong Kong", "HK"), ("RUS", "RU"), ("Казахстан", "KZ"), ("Narnia", None), ("", None),
    ("-", None),
])
def test_normalise_country(raw: str, expected: str | None) -> None:
    assert normalise_country(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("IM", "IM"), ("ex", "EX"), ("ИМ", "IM"), ("ЭК", "EX"), ("Export", "EX"),
    ("进口", "IM"), ("出口", "EX"), ("transit", None), (None, None),
])
def test_normalise_direction(raw: str | None, expected: str | None) -> None:
    assert normalise_direction(raw) == expected


@pytest.mark.parametrize(("raw", "scheme", "expected"), [
    ("7760181590", "INN", ("INN:7760181590", True)),
    (" 7760-181-590 ", "INN", ("INN:7760181590", True)),
    ("7760181591", "INN", ("INN:7760181591", False)),
    ("INN:7760181590", None, ("INN:7760181590", True)),
    ("USCC:91440300MA5FAKE01", "INN", ("USCC:91440300MA5FAKE01", False)),
    ("HRB 12345", None, ("HRB 12345", None)),
    (7760181590, "INN", ("INN:7760181590", True)),
])
def test_party_id(raw: Raw, scheme: str | None, expected: tuple[str, bool | None]) -> None:
    assert party_id(raw, scheme) == expected


def test_placeholders_are_blank() -> None:
    assert [clean_text(v) for v in ("нет данных", "#N/A", "NULL", " a  b ", 796.0)] == [
        None, None, None, "a b", "796"]


# --- properties ------------------------------------------------------------------------------

@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)),
       st.sampled_from(["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y%m%d", "%d %b %Y",
                        "%b %d, %Y"]))
def test_dates_round_trip(day: date, fmt: str) -> None:
    assert parse_date(day.strftime(fmt)) == day


def _group(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    return sep.join([digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)])


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=99),
       st.sampled_from([(" ", ",", True), (".", ",", None), (",", ".", None),
                        ("\u00a0", ",", True)]),
       st.booleans())
def test_numbers_round_trip(whole: int, cents: int, style: tuple[str, str, bool | None],
                            negative: bool) -> None:
    thousands, decimal, decimal_comma = style
    text = f"{'-' if negative else ''}{_group(str(whole), thousands)}{decimal}{cents:02d}"
    expected = (whole + cents / 100) * (-1 if negative else 1)
    assert parse_number(text, decimal_comma) == pytest.approx(expected)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="0123456789", min_size=2, max_size=10),
       st.lists(st.tuples(st.integers(min_value=1, max_value=9),
                          st.sampled_from([" ", ".", "-"])), max_size=3))
def test_hs_separators_do_not_matter(digits: str, cuts: list[tuple[int, str]]) -> None:
    spaced = digits
    for at, sep in sorted(cuts, reverse=True):  # insert from the right: positions stay valid
        spaced = spaced[:at] + sep + spaced[at:]
    expected = digits if len(digits) % 2 == 0 else "0" + digits
    assert clean_hs(spaced) == expected


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30))
def test_parsers_fail_only_with_invalid(text: str) -> None:
    for parse in (parse_date, parse_number, clean_hs):
        with contextlib.suppress(Invalid):
            parse(text)
    normalise_country(text)
    normalise_direction(text)
