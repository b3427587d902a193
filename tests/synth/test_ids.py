from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from dibwatch.model.identifiers import INN, USCC
from dibwatch.synth.ids import fill_template, inn10, uscc


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=10**7 - 1))
def test_inn_has_valid_check_digit_and_impossible_region(serial: int) -> None:
    value = inn10(serial)
    assert len(value) == 10
    assert value.startswith("00")  # region 00 exists nowhere: the INN cannot be real
    assert INN.validate(value)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=10**8 - 1))
def test_uscc_has_valid_check_character_and_impossible_division(serial: int) -> None:
    value = uscc(serial)
    assert value[2:8] == "000000"
    assert USCC.validate(value)


def test_serials_give_distinct_identifiers() -> None:
    assert len({inn10(i) for i in range(50_000)}) == 50_000
    assert len({uscc(i) for i in range(50_000)}) == 50_000


def test_known_values() -> None:
    # 0013651659: weights 2,4,10,3,5,9,4,6,8 over 001365165 sum to 174; 174 % 11 % 10 = 9.
    assert inn10(1) == "0013651659"
    assert uscc(1) == "910000002468927661"


def test_fill_template() -> None:
    out = fill_template("CR No. ##-@@", random.Random(0))
    assert out.startswith("CR No. ")
    assert out[7:9].isdigit() and out[9] == "-" and out[10:].isalpha() and out[10:].isupper()
