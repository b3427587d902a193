"""Sound keys that let a Chinese transliteration of a foreign name meet the name it renders.

Chinese firms write a Western brand or founder's name with characters chosen for their sound:
麦克维尔 (mai ke wei er) is Makewell, 莫斯特 (mo si te) is Most, 斯博登 (si bo deng) is Spoden,
阿尔科斯 (a er ke si) is Arcos. Their pinyin is far from the English spelling (token_sim sees
nothing in common), but the consonants survive: both sides are reduced to a *consonant key*
of coarse sound classes (b/p, d/t, g/k/hard c, the sibilants, l/r, m/n/ng, f, v/w), vowels
and h dropped, repeats merged. MAIKEWEIER and MAKEWELL are both ``NKWL``.

The syllables Chinese adds to carry a bare consonant — 斯 si, 克 ke, 特 te, 德 de, 尔 er,
姆 mu (``translit.CARRIER_SYLLABLES``) — are what marks a transliteration: a pinyin word
without one is read as Chinese (Kangda is not KENT), and one of a single syllable never is.
Keys of fewer than two consonants say too little to compare; keys are compared for equality
only (one consonant apart is another name: Makewell, not Maxwell).
"""

from __future__ import annotations

from functools import lru_cache

from dibwatch.text.translit import CARRIER_SYLLABLES, pinyin_syllables, pinyin_word

_PINYIN_INITIALS = {
    "zh": "S", "ch": "S", "sh": "S", "b": "P", "p": "P", "d": "T", "t": "T", "g": "K",
    "k": "K", "j": "S", "q": "S", "x": "S", "z": "S", "c": "S", "s": "S", "l": "L", "r": "L",
    "m": "N", "n": "N", "f": "F", "w": "W", "h": "", "y": "",
}
_LATIN_DIGRAPHS = {"ph": "F", "ck": "K", "ch": "S", "sh": "S", "th": "T", "qu": "K", "gh": "",
                   "wh": "W"}
_LATIN_LETTERS = {
    "b": "P", "p": "P", "d": "T", "t": "T", "g": "K", "k": "K", "q": "K", "j": "S", "s": "S",
    "z": "S", "l": "L", "r": "L", "m": "N", "n": "N", "f": "F", "v": "W", "w": "W", "x": "KS",
}


def _merge(classes: list[str]) -> str:
    return "".join(c for i, c in enumerate(classes) if not i or c != classes[i - 1])


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    return pinyin_syllables() | {"er"}


def _split(word: str) -> list[str] | None:
    """Toneless pinyin cut into syllables, longest first; None when it is not pinyin."""
    syllables = _syllables()
    if not word:
        return []
    for size in range(min(6, len(word)), 0, -1):
        if word[:size] in syllables:
            rest = _split(word[size:])
            if rest is not None:
                return [word[:size], *rest]
    return None


@lru_cache(maxsize=65_536)
def pinyin_key(word: str) -> str | None:
    """The consonant key of a pinyin word that reads as a transliteration (two syllables or
    more, one of them a consonant carrier), else None."""
    syllables = _split(word)
    if not syllables or len(syllables) < 2 or not CARRIER_SYLLABLES.intersection(syllables):
        return None
    classes: list[str] = []
    for syllable in syllables:
        if syllable == "er":
            classes.append("L")
            continue
        initial = syllable[:2] if syllable[:2] in _PINYIN_INITIALS else syllable[:1]
        if _PINYIN_INITIALS.get(initial):
            classes.append(_PINYIN_INITIALS[initial])
        if syllable.endswith(("n", "ng")) and len(syllable) > 1:
            classes.append("N")
    return _merge(classes)


@lru_cache(maxsize=65_536)
def latin_key(word: str) -> str:
    """The consonant key of a Latin word as an English reader sounds it (c before e, i, y is
    s; x is ks; h, y and vowels drop)."""
    classes: list[str] = []
    i = 0
    while i < len(word):
        two = word[i:i + 2]
        if two in _LATIN_DIGRAPHS:
            if _LATIN_DIGRAPHS[two]:
                classes.append(_LATIN_DIGRAPHS[two])
            i += 2
            continue
        ch = word[i]
        if ch == "c":
            classes.append("S" if word[i + 1:i + 2] in ("e", "i", "y") else "K")
        elif ch in _LATIN_LETTERS:
            classes.extend(_LATIN_LETTERS[ch])
        i += 1
    return _merge(classes)


def loanword_sim(pinyin: str, latin: str, sim: float) -> float:
    """``sim`` when the pinyin word reads as a transliteration of the Latin word: their
    consonant keys are equal, two consonants or more; else 0.0. Equal only: one consonant
    apart is another name (麦克维尔 is Makewell, not Maxwell, which is 麦克斯韦). A Latin
    word that is itself pinyin (Shenwei) is a Chinese name, not a foreign one. Both
    lower-case ASCII."""
    if len(latin) < 4 or not latin.isalpha() or pinyin_word(latin):
        return 0.0
    key = pinyin_key(pinyin)
    if key is None or len(key) < 2:
        return 0.0
    return sim if key == latin_key(latin) else 0.0
