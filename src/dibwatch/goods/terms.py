"""Goods named in a description, in English, Russian and Chinese (``data/goods_terms.csv``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from dibwatch.goods._tables import read_table
from dibwatch.goods._text import LEFT, fold, is_cjk, phrase_regex


@dataclass(frozen=True)
class GoodsTerm:
    term: str
    language: str
    hs: str
    """HS-6, or HS-4 / HS-2 when the term says no more."""
    tier: str | None
    kind: str


@dataclass(frozen=True)
class TermMatch:
    term: GoodsTerm
    text: str
    """The words as they stand in the (folded) description."""


@lru_cache(maxsize=1)
def goods_terms() -> tuple[GoodsTerm, ...]:
    return tuple(
        GoodsTerm(fold(row["term"]), row["language"], row["hs"], row["tier"] or None, row["kind"])
        for row in read_table("goods_terms.csv")
    )


@dataclass(frozen=True)
class _Matcher:
    starts: re.Pattern[str]
    by_first: dict[str, re.Pattern[str]]


@lru_cache(maxsize=1)
def _matcher() -> _Matcher:
    """Terms grouped by first character. One alternation of all 250 terms tried at every
    position costs about a millisecond per description; instead a character class finds the
    few positions where a term can start (a word start, or any Chinese character) and only
    the terms with that first character are tried there."""
    terms = goods_terms()
    groups: dict[str, list[int]] = {}
    for i, term in enumerate(terms):
        groups.setdefault(term.term[0], []).append(i)
    by_first: dict[str, re.Pattern[str]] = {}
    for first, members in groups.items():
        # Longest first: at one position "cnc lathe" must win over "cnc".
        members.sort(key=lambda i: -len(terms[i].term))
        by_first[first] = re.compile(
            "|".join(f"(?P<t{i}>{phrase_regex(terms[i].term, left=False)})" for i in members)
        )
    word_firsts = "".join(re.escape(c) for c in by_first if not is_cjk(c))
    cjk_firsts = "".join(c for c in by_first if is_cjk(c))
    starts = re.compile(f"{LEFT}[{word_firsts}]|[{cjk_firsts}]")
    return _Matcher(starts, by_first)


def find_terms(text: str | None) -> tuple[TermMatch, ...]:
    """Every goods term in ``text``, left to right (non-overlapping)."""
    if not text:
        return ()
    matcher = _matcher()
    folded = fold(text)
    found: list[TermMatch] = []
    end = 0
    for start in matcher.starts.finditer(folded):
        position = start.start()
        if position < end:
            continue
        match = matcher.by_first[folded[position]].match(folded, position)
        if match is not None and match.lastgroup is not None:
            found.append(TermMatch(goods_terms()[int(match.lastgroup[1:])], match.group(0)))
            end = match.end()
    return tuple(found)


def _strength(match: TermMatch) -> tuple[bool, int, int]:
    # A CHPL term beats a non-CHPL one ("PCBA with microcontroller" is about the chip); then
    # the more precise code; then the longer, more specific phrase.
    return match.term.tier is not None, len(match.term.hs), len(match.term.term)


def best_term(matches: tuple[TermMatch, ...]) -> TermMatch | None:
    """The match that best says what the goods are; the first one on ties."""
    return max(matches, key=_strength, default=None)
