"""The comparable form of one party mention: name, identifier, address, country.

Names go through the screening matcher's analysis (transliteration, romanisation folding,
legal-form removal, abbreviation expansion), so that "Shenzhen Lanqiao Electronics Co., Ltd",
"SHENZHEN LANQIAO ELECTRONICS CO LTD" and 深圳市蓝桥电子有限公司 all become
``elektronits lankiao shenzhen``; Han names meet their pinyin only as far as the matcher's
company-word dictionary segments them. Tokens are sorted so that word order does not matter.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from dibwatch.match.names import analyse
from dibwatch.model.country import country_code
from dibwatch.model.identifiers import make_identifier
from dibwatch.text.translit import normalize
from dibwatch.text.vocab import generic_weight

COMPANY = "Company"
# A name whose tokens' generic weights (1 = distinctive, 0.1 = "trading") sum to less than
# this says next to nothing alone: "Global Trading Co Ltd", "Hong Kong International Ltd".
GENERIC_NAME_WEIGHT = 1.0
MIN_ID_LENGTH = 5  # shorter "identifiers" are row numbers or placeholders, not registry ids
_ID_SPLIT = re.compile(r"^\s*([^\W\d_][^\d:#№]*?)\s*[:#№.\s]\s*(.*\d.*)$")
_ALNUM = re.compile(r"[\W_]+", re.UNICODE)
# Label words before a number ("Reg. No 12-345-678"): not part of the value.
_LABEL_WORDS = re.compile(r"^(?:[^\W\d_]+[\s.:#№]+)+(?=.*\d)")


def _rows(name: str) -> list[dict[str, str]]:
    path = resources.files("dibwatch.resolve").joinpath(f"data/{name}")
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def _address_words() -> dict[str, str]:
    return {r["word"]: r["short"] for r in _rows("address_words.csv")}


@lru_cache(maxsize=1)
def _id_schemes() -> dict[str, str]:
    return {r["alias"].casefold(): r["scheme"] for r in _rows("id_schemes.csv")}


@lru_cache(maxsize=1)
def _id_placeholders() -> frozenset[str]:
    return frozenset(r["value"].casefold() for r in _rows("id_placeholders.csv"))


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


@lru_cache(maxsize=500_000)
def name_tokens(name: str | None) -> tuple[str, ...]:
    """Sorted folded tokens of a company name; a Han name the dictionary cannot romanise
    keeps its characters as one token, so that identical native spellings still meet."""
    if _blank(name):
        return ()
    assert name is not None
    form = analyse(name, COMPANY)
    if form.tokens:
        return tuple(sorted(form.tokens))
    return (form.native,) if form.native else ()


@lru_cache(maxsize=500_000)
def normalise_id(raw: str | None) -> tuple[str | None, str | None]:
    """``(scheme, value)`` of an identifier written as "INN:7704730655", "ИНН 7704730655",
    "USCC 91440300MA5…" or bare. The value is cleaned by the scheme's rules when the scheme
    is known; it is what mentions are compared on, since the same number under two labels
    (or none) is the same registration."""
    if _blank(raw):
        return None, None
    assert raw is not None
    text = unicodedata.normalize("NFKC", raw).strip()
    scheme: str | None = None
    value = text
    found = _ID_SPLIT.match(text)
    if found and found.group(1).strip().casefold() in _id_schemes():
        scheme = _id_schemes()[found.group(1).strip().casefold()]
        value = found.group(2)
    value = _LABEL_WORDS.sub("", value)  # "CR No. 6161247": the "No." is a label too
    cleaned = make_identifier(scheme, value).value if scheme else value
    cleaned = _ALNUM.sub("", cleaned).upper()
    if len(cleaned) < MIN_ID_LENGTH or cleaned.casefold() in _id_placeholders():
        return scheme, None
    return scheme, cleaned


@lru_cache(maxsize=500_000)
def normalise_address(raw: str | None) -> str | None:
    """Transliterated, lower case, punctuation removed, numbers kept, common street words
    shortened ("Room 1203, 12/F" and "RM 1203 12 F" meet)."""
    if _blank(raw):
        return None
    assert raw is not None
    words = [_address_words().get(w, w) for w in normalize(raw).split()]
    return " ".join(words) or None


@lru_cache(maxsize=10_000)
def normalise_country(raw: str | None) -> str | None:
    return country_code(raw) if not _blank(raw) else None


@dataclass(frozen=True)
class MentionForm:
    """What the linkage model compares for one distinct mention."""

    norm_name: str | None
    tokens: tuple[str, ...]
    country_code: str | None
    id_scheme: str | None
    id_norm: str | None
    address_norm: str | None

    @property
    def core(self) -> str | None:
        """The name without its generic words: what tells "Hong Kong Xingkai Electronics"
        from "Hong Kong Xingtong Electronics" once the shared boilerplate is set aside."""
        return " ".join(t for t in self.tokens if generic_weight(t) == 1.0) or None

    @property
    def generic(self) -> bool:
        return sum(generic_weight(t) for t in self.tokens) < GENERIC_NAME_WEIGHT


def mention_form(name: str | None, address: str | None, country: str | None,
                 id_value: str | None) -> MentionForm:
    tokens = name_tokens(name)
    scheme, value = normalise_id(id_value)
    return MentionForm(
        norm_name=" ".join(tokens) or None,
        tokens=tokens,
        country_code=normalise_country(country),
        id_scheme=scheme,
        id_norm=value,
        address_norm=normalise_address(address),
    )
