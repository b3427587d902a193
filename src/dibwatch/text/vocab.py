"""Vocabulary tables for name matching: Chinese company words, Chinese surnames, trade
abbreviations, generic (low-evidence) words and number words.

The tables live in ``data/*.csv`` (sources and conventions in ``data/README.md``); the loaders
read each once.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

_PLACE_SUFFIXES = ("市", "省", "区", "县")


def read_table(name: str) -> Iterator[dict[str, str]]:
    """Rows of ``data/<name>`` as dicts, cells stripped; blank rows and ``#`` rows skipped."""
    text = resources.files("dibwatch.text").joinpath("data", name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    for row in csv.DictReader(lines):
        if None in row:
            raise ValueError(f"{name}: too many cells in {row[None]!r} (quote commas)")
        cells = {key: (value or "").strip() for key, value in row.items()}
        if any(cells.values()):
            yield cells


@lru_cache(maxsize=1)
def _han_table() -> tuple[dict[str, str], frozenset[str]]:
    words: dict[str, str] = {}
    places: set[str] = set()
    for row in read_table("han_company_words.csv"):
        words[row["han"]] = row["english"]
        if row["kind"] == "place":
            places.add(row["han"])
    # "深圳市", "广东省", "南山区": a place with its administrative suffix is still the place.
    for place in sorted(places):
        if not place.endswith(_PLACE_SUFFIXES):
            for suffix in _PLACE_SUFFIXES:
                words.setdefault(place + suffix, words[place])
    return words, frozenset(places)


def han_words() -> dict[str, str]:
    """Chinese company words and place names → their usual English rendering in company names
    (``"有限公司" → "co ltd"``, ``"深圳市" → "shenzhen"``), place suffix variants included."""
    return dict(_han_table()[0])


# Persian letters and hamza seats folded into the plain Arabic ones, the zero-width non-joiner
# of Persian compounds dropped: the table's keys and the names are compared in this form.
ARABIC_FOLD = str.maketrans({"\u06a9": "\u0643", "\u06cc": "\u064a", "\u0649": "\u064a",
                             "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627",
                             "\u200c": None})


@lru_cache(maxsize=1)
def arabic_words() -> dict[str, str]:
    """Arabic and Persian company words, legal forms and places → their usual English
    rendering in company names (``"شركة" → "company"``, ``"ذ.م.م" → "llc"``), keys folded by
    ``ARABIC_FOLD``."""
    return {row["arabic"].translate(ARABIC_FOLD): row["english"]
            for row in read_table("arabic_company_words.csv")}


def han_places() -> frozenset[str]:
    """The entries of ``han_words`` that are place names (without the 市/省/区/县 variants)."""
    return _han_table()[1]


@lru_cache(maxsize=1)
def han_surnames() -> dict[str, str]:
    """Common Chinese surnames (one and two characters) → their pinyin as a surname
    (polyphones read as surnames: 单 → shan, 曾 → zeng)."""
    return {row["surname"]: row["pinyin"] for row in read_table("han_surnames.csv")}


def _key(token: str) -> str:
    return token.casefold().replace("'", "").replace("’", "").strip(".")


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    """Trade and customs abbreviations → full English words (``"srvces" → "services"``)."""
    return {_key(row["abbreviation"]): row["expansion"] for row in read_table("abbreviations.csv")}


def expand_abbreviation(token: str) -> str:
    """The full word(s) for an abbreviated token, or the token itself.

    >>> expand_abbreviation("intl"), expand_abbreviation("impex"), expand_abbreviation("lukoil")
    ('international', 'import export', 'lukoil')
    """
    return abbreviations().get(_key(token), token)


@lru_cache(maxsize=1)
def generic_weights() -> dict[str, float]:
    """Generic words in company names → evidence weight in (0, 1]: ``generic_words.csv``
    and the function words that carry a weight (``function_words.csv``)."""
    weights: dict[str, float] = {}
    rows = [*read_table("generic_words.csv"),
            *({"word": r["word"], "weight": r["generic_weight"]}
              for r in read_table("function_words.csv") if r["generic_weight"])]
    for row in rows:
        weight = float(row["weight"])
        if not 0.0 < weight <= 1.0:
            raise ValueError(f"generic word {row['word']!r}: weight not in (0, 1]")
        weights[_key(row["word"])] = weight
    return weights


# Words that join others in names, in the lists' languages (``function_words.csv``).
FUNCTION_WORDS = frozenset(row["word"] for row in read_table("function_words.csv"))


@lru_cache(maxsize=65_536)
def generic_weight(token: str) -> float:
    """How much a matching token says about identity: 1.0 unless it is a generic word.
    Memoised: the matcher asks for the same list words with every query.

    >>> generic_weight("trading"), generic_weight("shenzhen"), generic_weight("huaqiang")
    (0.1, 0.3, 1.0)
    """
    return generic_weights().get(_key(token), 1.0)


# --- numbers ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def number_words() -> dict[str, int]:
    """Number words (cardinal and ordinal, English and transliterated Russian) → value."""
    return {_key(row["token"]): int(row["digits"]) for row in read_table("numbers.csv")}


_ROMAN = {
    "ii": 2, "iii": 3, "iv": 4, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "xii": 12, "xiii": 13,
    "xiv": 14, "xv": 15, "xvi": 16, "xvii": 17, "xviii": 18, "xix": 19, "xx": 20,
}
_ORDINAL_SUFFIXES = ("st", "nd", "rd", "th")


def _numeric_ordinal(token: str) -> str | None:
    """"1st" → "1", "22nd" → "22"."""
    if len(token) > 2 and token.endswith(_ORDINAL_SUFFIXES) and token[:-2].isdigit():
        return str(int(token[:-2]))
    return None


def _is_ordinal_word(word: str) -> bool:
    return word.endswith("th") or word in ("first", "second", "third")


def _parse_words(words: list[str]) -> int | None:
    """Value of a run of English number words ("forty", "four") or None when not a number."""
    table = number_words()
    total = current = 0
    for word in words:
        if word not in table:
            return None
        value = table[word]
        if value == 100:
            current = max(current, 1) * 100
        elif value >= 1000:
            total += max(current, 1) * value
            current = 0
        else:
            current += value
    return total + current


def _number_run(tokens: list[str], start: int) -> tuple[int, int] | None:
    """The longest run of number words from ``start``: (value, tokens used)."""
    table = number_words()
    best: tuple[int, int] | None = None
    words: list[str] = []
    i = start
    while i < len(tokens):
        token = _key(tokens[i])
        parts = token.split("-") if "-" in token else [token]
        if token == "and" and words and i + 1 < len(tokens) and _key(tokens[i + 1]) in table:
            i += 1  # "one hundred and five"
            continue
        if not all(part in table for part in parts):
            break
        if words and _is_ordinal_word(words[-1]):
            break  # "first", "second" close a number
        value = _parse_words([*words, *parts])
        if value is None or (words and not _continues(words, parts)):
            break
        words.extend(parts)
        i += 1
        best = (value, i - start)
    return best


def _continues(words: list[str], parts: list[str]) -> bool:
    """Whether ``parts`` can extend the number spelled by ``words`` ("forty" + "four": yes,
    "four" + "four": no)."""
    table = number_words()
    last, first = table[words[-1]], table[parts[0]]
    if first in (100, 1000, 1_000_000):
        return last < first
    if last in (100, 1000, 1_000_000):
        return True
    return last >= 20 and last % 10 == 0 and first < 10


def normalise_numbers(tokens: list[str]) -> list[str]:
    """Number words and ordinals to digits: ``["forty", "four"] → ["44"]``, ``"forty-four" →
    "44"``, ``"first" → "1"``, ``"1st" → "1"``. Roman numerals ii-xx (not i, v, x, xi: initials
    and a Chinese surname) only as the last token of a longer name ("Henry VIII" → "henry 8").
    """
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        run = _number_run(tokens, i)
        if run is not None:
            out.append(str(run[0]))
            i += run[1]
            continue
        key = _key(token)
        ordinal = _numeric_ordinal(key)
        if ordinal is not None:
            out.append(ordinal)
        elif key in _ROMAN and i == len(tokens) - 1 and i > 0:
            out.append(str(_ROMAN[key]))
        else:
            out.append(token)
        i += 1
    return out
