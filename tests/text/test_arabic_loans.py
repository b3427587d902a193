"""English words in Arabic letters: the vowels the Arabic writes, and the consonants it uses."""

from __future__ import annotations

import pytest

from dibwatch.match.names import analyse
from dibwatch.text.arabic_loans import loan_skeleton, vowels_conflict


def _romanised(arabic: str) -> str:
    """The Arabic word as the name analysis romanises it (its letters, no vowels added)."""
    form = analyse(arabic, "Company")
    assert form.script == "Arabic"
    return " ".join(form.plain)


# (the Arabic spelling; the Latin word; the Arabic writes a vowel the Latin cannot have)
VOWEL_CASES = [
    ("غارنيت", "grant", True),  # a written between G and R, where GRANT has none
    ("جارنيت", "garnet", False),
    ("بولو", "bell", True),  # و writes o or u, not e
    ("بولو", "polo", False),
    ("بيل", "polo", True),  # ي writes i or e, not o
    ("بيل", "bell", False),
    ("كانيون", "quiana", True),  # Canyon: the و of the last place
    ("اوسين", "sina", True),  # Ocean: the alef carries the و, which SINA lacks
    ("وولف", "alfa", True),
    ("وولف", "wolf", False),
    ("تريد", "trade", False),  # ي writes the a of Trade, as English says it
    ("ميركوري", "mercury", False),
    ("سوليوشنز", "solutions", False),
    ("استروي", "stroy", False),  # the alef that begins a word: a vowel, or none
    ("ابراهيم", "ibrahim", False),
    ("محمود", "mahmoud", False),
    ("بل", "polo", False),  # nothing written, nothing to hold against
    ("حسين", "hussein", False),
    ("توفيق", "tofik", False),
    ("سيرفيسز", "surface", True),  # same consonants as a loan reads them; ي is not u
]


@pytest.mark.parametrize(("arabic", "latin", "conflict"), VOWEL_CASES)
def test_vowel_cases(arabic: str, latin: str, conflict: bool) -> None:
    assert vowels_conflict(_romanised(arabic), latin) is conflict, _romanised(arabic)


def test_words_merged_by_the_alignment_are_read_word_by_word() -> None:
    # the alef of the article is a carrier, not the a of "-ul"
    assert not vowels_conflict("ansar al", "ansarul")
    assert vowels_conflict("lukuy kumbnynts", "elecomponents")  # Lukoy: u where E has e


# (the Arabic spelling; the Latin word; the same consonants as a loan reads them)
LOAN_CASES = [
    ("سيرفيسز", "services", True),  # v ف, soft c س, final s ز
    ("فتب", "vtb", True),
    ("فنتوريز", "ventures", True),
    ("تكنولوجيز", "technologies", True),  # the ch of tech is ك, g is ج
    ("شيبينج", "shipping", True),
    ("قرين", "green", True),
    ("ديجيتال", "digital", True),
    ("كومرسيال", "commercial", True),
    ("سولوشنز", "solutions", True),  # -tion شن
    ("مونلايت", "moonlight", True),  # gh unwritten
    ("فتب", "btb", False),
    ("سيرفيسز", "servers", False),
    ("قرين", "grant", False),
]


@pytest.mark.parametrize(("arabic", "latin", "same"), LOAN_CASES)
def test_loan_cases(arabic: str, latin: str, same: bool) -> None:
    word = _romanised(arabic)
    assert (loan_skeleton(word, arabic=True) == loan_skeleton(latin, arabic=False)) is same, (
        word, loan_skeleton(word, arabic=True), loan_skeleton(latin, arabic=False))
