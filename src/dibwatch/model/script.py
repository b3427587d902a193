"""Script detection for names: which writing system dominates a string."""

from __future__ import annotations

import unicodedata
from collections import Counter

_PREFIXES = {
    "LATIN": "Latin",
    "CYRILLIC": "Cyrillic",
    "CJK": "Han",
    "ARABIC": "Arabic",
    "GREEK": "Greek",
    "HEBREW": "Hebrew",
    "HANGUL": "Hangul",
    "HIRAGANA": "Japanese",
    "KATAKANA": "Japanese",
    "GEORGIAN": "Georgian",
    "ARMENIAN": "Armenian",
    "THAI": "Thai",
    "DEVANAGARI": "Devanagari",
    "PERSIAN": "Arabic",
}


def char_script(char: str) -> str | None:
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    first = name.split(" ", 1)[0]
    return _PREFIXES.get(first, "Other")


def detect_script(text: str) -> str | None:
    """The dominant script of the letters in ``text``, or None when it has no letters."""
    if text.isascii():  # the common case, without a Unicode-name lookup per character
        return "Latin" if any(c.isalpha() for c in text) else None
    counts = Counter(s for s in map(char_script, text) if s)
    if not counts:
        return None
    return counts.most_common(1)[0][0]
