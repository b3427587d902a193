"""Chinese transliterations of foreign names against the names they render."""

from __future__ import annotations

import pytest

from dibwatch.text.loanwords import latin_key, loanword_sim, pinyin_key
from dibwatch.text.translit import to_latin

# (a firm's own name in Han; the Latin word; read as the same)
CASES = [
    ("莫斯特", "most", True),  # mo si te: NST
    ("麥克維爾", "makewell", True),  # mai ke wei er: NKWL
    ("斯博登", "spoden", True),  # si bo deng: SPTN
    ("愛麗絲", "alice", True),  # ai li si: LS; c before e is s
    ("阿尔科斯", "arcos", True),  # a er ke si: LKS; r and l one class
    ("阿尔科斯", "alcos", True),
    # No syllable carrying a bare consonant: read as Chinese, not as a foreign word
    ("保利", "poly", False),
    ("康达", "kent", False),
    ("亿路发", "yilufa", False),
    # A Latin word that is itself pinyin is a Chinese name: Shida is another firm than 斯达
    # (si da), though both keys are ST
    ("斯达", "shida", False),
    ("阿斯汉克", "shenwei", False),  # SNK / SNW, and pinyin too
    ("阿斯汉克", "sunway", False),  # SNK / SNW: every consonant must agree
    ("麥克維爾", "maxwell", False),  # NKSWL: the x is two consonants
]


@pytest.mark.parametrize(("han", "latin", "same"), CASES)
def test_loanword_cases(han: str, latin: str, same: bool) -> None:
    # Inside a firm's name (alone, 麥克維爾 would be read as a person: the surname Mai)
    pinyin = to_latin(han + "贸易有限公司").split()[0]
    assert (loanword_sim(pinyin, latin, 0.85) == 0.85) is same, (
        pinyin, pinyin_key(pinyin), latin_key(latin))


def test_the_pinyin_guard_is_what_keeps_shida_apart() -> None:
    assert pinyin_key("sida") == latin_key("shida") == "ST"


def test_keys() -> None:
    assert pinyin_key("maikeweier") == latin_key("makewell") == "NKWL"
    assert latin_key("alice") == "LS" and latin_key("arcos") == "LKS"  # soft and hard c
    assert latin_key("phillips") == "FLPS"  # ph is f, a doubled letter one consonant
    assert pinyin_key("huawei") is None  # no carrier syllable
    assert pinyin_key("ke") is None  # one syllable is no foreign word
    assert pinyin_key("xyz") is None  # not pinyin


def test_short_or_non_alphabetic_latin_words_never_meet() -> None:
    assert loanword_sim("aerkesi", "lks", 0.85) == 0.0
    assert loanword_sim("mosite", "mo5t", 0.85) == 0.0
