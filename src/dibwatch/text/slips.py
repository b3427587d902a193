"""Mistyped words of the project's own tables: "Joibt Stock Company", "Scuentific and
Production Association", "Central Resrarch Institute", "Sanayi ve Ticarey", "Fiest Branch".

A legal form, a kind of enterprise, an abbreviation, a number word or a generic word is
recognised by the tables only as spelt there; one slip of the keys and the phrase is a run of
unknown words (the form is not stripped, "NPO" not formed, "first" not the number 1). A word
of five letters or more one slip from exactly one word of the tables (a letter struck for
another, left out or added, two letters swapped) is read as that word — but only when the
caller says no list name has the word as written (``unseen``), so that a name the lists
hold ("Grade", a word one key from "trade") is never rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from rapidfuzz.distance import OSA

from dibwatch.text import vocab
from dibwatch.text.edits import one_letter_deletions
from dibwatch.text.fold import fold
from dibwatch.text.translit import normalize

MIN_LENGTH = 5

# (table, columns whose words are read) — every word the analysis treats specially
_TABLES = (
    ("legal_forms.csv", ("variant",)),
    ("org_kinds.csv", ("variant",)),
    ("abbreviations.csv", ("abbreviation", "expansion")),
    ("numbers.csv", ("token",)),
    ("generic_words.csv", ("word",)),
)

_WORD_RE = re.compile(r"[A-Za-z]+")


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """The tables' words of MIN_LENGTH+ letters, and each of those words and their one-letter
    deletions -> the words (a symmetric-deletion index: two words one edit apart share an
    entry)."""
    words: set[str] = set()
    for table, columns in _TABLES:
        for row in vocab.read_table(table):
            for column in columns:
                words.update(w for w in normalize(row[column]).split()
                             if len(w) >= MIN_LENGTH and w.isalpha())
    index: dict[str, set[str]] = {}
    for word in words:
        for variant in ({word} | one_letter_deletions(word)):
            index.setdefault(variant, set()).add(word)
    return frozenset(words), {k: tuple(sorted(v)) for k, v in index.items()}


def _slip_of(word: str) -> str | None:
    """The table word that ``word`` (lower case) is one slip from — a letter struck for
    another, one left out or added, two swapped — or None. Between several none is guessed
    at: "eeventh" is one slip from "eleventh" and from "seventh"."""
    index = _vocabulary()[1]
    found = {w for v in ({word} | one_letter_deletions(word)) for w in index.get(v, ())
             if w != word and OSA.distance(w, word, score_cutoff=1) <= 1}
    return found.pop() if len(found) == 1 else None


def read_slips(text: str, unseen: Callable[[str], bool]) -> tuple[str, tuple[str, ...]] | None:
    """``text`` with each mistyped table word read as the word, and the readings
    ("joibt → joint"); None when there is none. ``unseen(folded word)``: no list name has it.

    >>> read_slips("Joibt Stock Company Gradient", lambda token: token == "ioibt")
    ('Joint Stock Company Gradient', ('Joibt → Joint',))
    """
    words = _vocabulary()[0]
    readings: list[str] = []

    def repair(match: re.Match[str]) -> str:
        written = match.group(0)
        lower = written.lower()
        if len(lower) < MIN_LENGTH or lower in words or not unseen(fold(lower)):
            return written
        slip = _slip_of(lower)
        if slip is None:
            return written
        read = slip.upper() if written.isupper() else (
            slip.capitalize() if written[0].isupper() else slip)
        readings.append(f"{written} → {read}")
        return read

    repaired = _WORD_RE.sub(repair, text)
    return (repaired, tuple(readings)) if readings else None
