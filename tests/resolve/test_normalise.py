"""Normalisation of one mention: names, identifiers, addresses."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dibwatch.resolve.normalise import (
    mention_form,
    name_tokens,
    normalise_address,
    normalise_id,
)

NAME_CASES = [
    ("Shenzhen Lanqiao Electronics Co., Ltd", ("elektronits", "lankiao", "shenzhen")),
    ("SHENZHEN LANQIAO ELECTRONICS CO LTD", ("elektronits", "lankiao", "shenzhen")),
    # Han meets pinyin where the matcher's company-word dictionary segments the name.
    ("深圳市蓝桥电子有限公司", ("elektronits", "lankiao", "shenzhen")),
    ("ООО «Звездатех»", ("zvezdateh",)),
    ("Zvezdatech LLC", ("zvezdateh",)),
    ("Lanqiao Electronics (Shenzhen)", ("elektronits", "lankiao", "shenzhen")),
    ("", ()),
    ("   ", ()),
]

ID_CASES = [
    ("INN:7704730655", ("INN", "7704730655")),
    ("ИНН 7704730655", ("INN", "7704730655")),
    ("inn: 7704-730-655", ("INN", "7704730655")),
    ("7704730655", (None, "7704730655")),
    ("USCC 91440300MA5F000000", ("USCC", "91440300MA5F000000")),
    ("Reg. No 12-345-678", (None, "12345678")),
    ("N/A", (None, None)),
    ("-", (None, None)),
    ("TIN 123", ("INN", None)),  # too short to be a registration
    (None, (None, None)),
]

ADDRESS_CASES = [
    ("Room 1203, 12/F, Fictional Plaza, 88 Example Road, Kowloon",
     "rm 1203 12 f fictional plaza 88 example rd kowloon"),
    ("RM 1203 12/F FICTIONAL PLAZA 88 EXAMPLE RD KOWLOON",
     "rm 1203 12 f fictional plaza 88 example rd kowloon"),
    ("г. Москва, ул. Вымышленная, д. 7", "g moskva ul vymyshlennaya d 7"),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("name", "tokens"), NAME_CASES)
def test_name_tokens(name: str, tokens: tuple[str, ...]) -> None:
    assert name_tokens(name) == tokens


@pytest.mark.parametrize(("raw", "expected"), ID_CASES)
def test_normalise_id(raw: str | None, expected: tuple[str | None, str | None]) -> None:
    assert normalise_id(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), ADDRESS_CASES)
def test_normalise_address(raw: str | None, expected: str | None) -> None:
    assert normalise_address(raw) == expected


def test_mention_form_generic_and_core() -> None:
    generic = mention_form("Global Trading Co Ltd", None, "Hong Kong", None)
    assert generic.generic and generic.core is None and generic.country_code == "HK"
    firm = mention_form("Hong Kong Xingkai Electronics Ltd", None, "HK", None)
    assert not firm.generic
    assert firm.core is not None and "hong" not in firm.core and "ksingkai" in firm.core


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_normalise_id_total_and_stable(raw: str) -> None:
    _scheme, value = normalise_id(raw)
    if value is not None:
        assert len(value) >= 5 and value == value.upper() and value.isalnum()
        # A cleaned value read again is the same value.
        assert normalise_id(value)[1] == value


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_normalise_address_idempotent(raw: str) -> None:
    once = normalise_address(raw)
    if once is not None:
        assert normalise_address(once) == once
        assert once == once.strip() and "  " not in once
