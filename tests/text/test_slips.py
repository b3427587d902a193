"""A mistyped word of the project's tables is read as the word when no list holds it."""

from __future__ import annotations

import pytest

from dibwatch.text.fold import fold
from dibwatch.text.slips import read_slips


def _none_known(token: str) -> bool:
    return True


@pytest.mark.parametrize(("written", "read"), [
    ("Joibt Stock Company", "Joint Stock Company"),       # a key beside the right one
    ("JOINT DTOCK COMPANY", "JOINT STOCK COMPANY"),       # the first letter, upper case
    ("Central Resrarch Institute", "Central Research Institute"),
    ("Scientific and Prodcution Association", "Scientific and Production Association"),
    ("Eleventh Ocean", "Eleventh Ocean"),                 # nothing to read
    ("Elrventh Ocean", "Eleventh Ocean"),
    ("Open Joint Stock Comany", "Open Joint Stock Company"),   # a letter left out
    ("Joint Stoock Company", "Joint Stock Company"),           # a letter added
    ("Research Instittue", "Research Institute"),              # two letters swapped
    ("Secobd Branch", "Second Branch"),   # a number word: read as 2, which then differs from 1
])
def test_slips_are_read(written: str, read: str) -> None:
    found = read_slips(written, _none_known)
    assert (found[0] if found else written) == read


@pytest.mark.parametrize("written", [
    "Eeventh Ocean",        # one slip from "eleventh" and from "seventh": not guessed at
    "Joint Stck Company",   # four letters: too short to tell a slip from another word
    "Joint Stoocck Company",  # two slips
])
def test_what_is_not_read(written: str) -> None:
    assert read_slips(written, _none_known) is None


def test_a_word_the_lists_hold_is_left_alone() -> None:
    held = {fold("trafe")}
    assert read_slips("Trafe Holdings", lambda token: token not in held) is None
    assert read_slips("Trafe Holdings", _none_known) == ("Trade Holdings",
                                                         ("Trafe → Trade",))


def test_a_word_between_two_table_words_is_not_guessed_at() -> None:
    # "tradw" is one key from "trade" and from the abbreviation "tradg" (trading)
    assert read_slips("Tradw", _none_known) is None
    assert read_slips("Trafe", _none_known) == ("Trade", ("Trafe → Trade",))
