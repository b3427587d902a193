"""Text preparation and word boundaries shared by the term and brand matchers."""

from __future__ import annotations

import re
import unicodedata

# A "word character" for boundaries: Latin, Cyrillic, digits. Not \w, because Chinese text has
# no spaces: "STM32单片机" must still find "STM32" and "gps接收机" must still find "gps".
WORD_CHARS = "0-9A-Za-zÀ-ɏЀ-ӿ"
LEFT = rf"(?<![{WORD_CHARS}])"
RIGHT = rf"(?![{WORD_CHARS}])"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def fold(text: str) -> str:
    """NFKC, lower case, ё -> е: the form both tables and descriptions are matched in."""
    return unicodedata.normalize("NFKC", text).lower().replace("ё", "е")


def is_cjk(char: str) -> bool:
    return bool(_CJK.match(char))


def phrase_regex(term: str, left: bool = True) -> str:
    """Regex for a table term: words may be separated by spaces or hyphens, a trailing "*"
    on a word makes it a stem, and Latin/Cyrillic edges get word boundaries (the left one
    only with ``left``, for callers that check it themselves)."""
    words = term.split()
    parts: list[str] = []
    for word in words:
        stem = word.endswith("*")
        core = re.escape(word.rstrip("*"))
        parts.append(core + (rf"[{WORD_CHARS}]*" if stem else ""))
    body = r"[\s\-]+".join(parts)
    before = LEFT if left and not is_cjk(term[0]) else ""
    after = "" if is_cjk(term.rstrip("*")[-1]) or term.endswith("*") else RIGHT
    return before + body + after
