"""Name analysis: one name -> the comparable form the matcher works on.

A :class:`NameForm` holds the name's Latin tokens after transliteration, legal-form removal,
abbreviation expansion and number normalisation, each token folded so that the usual
romanisations of one name meet (Юрий / Yuriy / Iurii / Jurij). Names written in a syllabic
script (Han, Hangul, kana) also keep their native characters: in those scripts one character
is a syllable, so two names that differ by one character are different names, which their
romanisations would hide.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from dibwatch.model.script import detect_script
from dibwatch.text.fold import fold
from dibwatch.text.legal_forms import strip_legal_forms
from dibwatch.text.org_kinds import replace_org_kinds
from dibwatch.text.translit import normalize, to_latin
from dibwatch.text.vocab import expand_abbreviation, normalise_numbers

SYLLABIC = frozenset({"Han", "Hangul", "Japanese"})
PERSON = "Person"
_NATIVE_DROP = re.compile(r"[\s\W_]+", re.UNICODE)

# Honorifics, titles and offices that carry no identity in person names, dropped where they
# lead the name ("President Putin"); never "King" or "Prince", which are surnames too.
_PERSON_NOISE = frozenset({
    "president", "prezident", "minister", "ministr", "premier", "chairman", "senator",
    "ambassador", "governor", "gubernator", "mayor",
    "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "madam", "mme", "herr", "frau", "hon",
    "gen", "general", "col", "colonel", "maj", "major", "capt", "captain", "lt", "sgt",
    "shaikh", "sheikh", "sheik", "haji", "hajji", "alhaj", "mullah", "maulvi", "mawlawi",
    "qari", "imam", "emir", "amir",
})


# The Arabic article as romanisations write it inside a name: "Jalal al Din", "Nasr ud Din".
ARTICLES = frozenset({"al", "el", "ul", "ud", "ad", "ur", "ar", "as", "ash", "an", "az"})
# The letters an article's l turns into, as romanisations begin them (ت ث د ذ ر ز س ش ص ض ط
# ظ ل ن): "Shams al-Din" is mostly written Shamsuddin, "Aziz al-Rahman" Azizurrahman.
_SUN_LETTERS = frozenset("tdrzsln")


# What follows the article in a compound given name (Din, Rahman, Rahim, Haq, Islam), as
# consonants: "Jalal al Din" is one name, "Maher al Shammari" a given name and a family name.
_COMPOUND_TAILS = frozenset({"dn", "rhmn", "rhm", "hk", "slm"})
_TAIL_VOWELS = str.maketrans({"q": "k", **{v: None for v in "aeiouy"}})


def _compound_tail(word: str) -> bool:
    cons = word.translate(_TAIL_VOWELS)
    return "".join(ch for i, ch in enumerate(cons) if not i or ch != cons[i - 1]) in \
        _COMPOUND_TAILS


def article_readings(words: Sequence[str], *, any_name: bool = False) -> list[list[str]]:
    """The name's words with each "X al Din" (Rahman, Haq: ``_COMPOUND_TAILS``; any word
    after the article with ``any_name``, for retrieval keys) run into one word, as
    romanisations write it: the article kept ("Salahaldin") and, before a sun letter,
    assimilated ("Saduddin", "Shamsuddin": no l). Empty when there is none."""
    def joins(i: int) -> bool:
        return words[i] in ARTICLES and (any_name or _compound_tail(words[i + 1]))

    if not any(joins(i) for i in range(1, len(words) - 1)):
        return []
    out: list[list[str]] = []
    for keep in (True, False):
        run: list[str] = []
        i = 0
        while i < len(words):
            if run and i + 1 < len(words) and joins(i):
                assimilated = not keep and words[i + 1][:1] in _SUN_LETTERS
                run[-1] += ("" if assimilated else words[i]) + words[i + 1]
                i += 2
            else:
                run.append(words[i])
                i += 1
        if run not in out:
            out.append(run)
    return out


@dataclass(frozen=True)
class NameForm:
    original: str
    script: str | None
    tokens: tuple[str, ...]  # folded Latin tokens, legal forms removed
    plain: tuple[str, ...]  # the same tokens before folding, for explanations
    legal_forms: frozenset[str]
    numbers: frozenset[str]
    native: str | None  # syllabic-script names: their characters without spaces

    @property
    def empty(self) -> bool:
        return not self.tokens and not self.native


def _native(name: str, script: str | None) -> str | None:
    if script not in SYLLABIC:
        return None
    text = unicodedata.normalize("NFKC", name).casefold()
    # Legal-form words in Han are not part of the name's identity.
    for word in ("有限责任公司", "股份有限公司", "有限公司", "公司", "集团"):
        text = text.replace(word, " ")
    return _NATIVE_DROP.sub("", text) or None


# Spellings of the same Arabic name particle ("Isa Ben Tarif" / "Isa Bin Tarif").
_PARTICLES = {"ben": "bin", "ibn": "bin", "el": "al", "abou": "abu"}


@lru_cache(maxsize=1)
def _given_names() -> dict[str, str]:
    """Short forms and diminutives of given names (Ted, Bibi, Sasha…) to their full form,
    from ``data/given_name_variants.csv``; the first row for a variant wins."""
    path = resources.files("dibwatch.match").joinpath("data/given_name_variants.csv")
    out: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["variant"], row["canonical"])
    return out


def analyse(name: str, schema: str | None = None) -> NameForm:
    """The comparable form of ``name``; ``schema`` ("Person", "Company", …) tunes the rules:
    persons and everything else are analysed differently, nothing finer."""
    return _analyse(name, PERSON if schema == PERSON else None)


_LAST_ROMAN = {"i": "1", "v": "5", "x": "10"}


def _join_letters(words: list[str]) -> list[str]:
    """Runs of single letters in an organisation's name are one word: an initialism whose
    dots were lost ("S A DE C V" is S.A. de C.V., "B V" is B.V.)."""
    out: list[str] = []
    run = ""
    for word in [*words, ""]:
        if len(word) == 1 and word.isalpha():
            run += word
            continue
        if run:
            out.append(run)
            run = ""
        if word:
            out.append(word)
    return out

# An initial in any script: one letter and a dot ("Р.Ю.", "J.").
_INITIAL_RE = re.compile(r"(?<![^\W\d_])([^\W\d_])\.")


def _initial(match: re.Match[str]) -> str:
    # The initial's first Latin letter: Ю. is "y", not "yu", as the name it abbreviates
    # (Yuryevich) starts.
    return (to_latin(match.group(1))[:1] or match.group(1)) + " "


@lru_cache(maxsize=200_000)
def _analyse(name: str, schema: str | None) -> NameForm:
    script = detect_script(name)
    person_initials = schema == PERSON and "." in name
    name_text = _INITIAL_RE.sub(_initial, name) if person_initials else name
    latin = normalize(name_text).split()
    if schema == PERSON:
        forms: list[str] = []
        lead = 0
        while lead < len(latin) - 1 and latin[lead] in _PERSON_NOISE:
            lead += 1
        given = _given_names()
        words = [_PARTICLES.get(t, given.get(t, t)) for t in latin[lead:]]
    else:
        words, forms = strip_legal_forms(_join_letters(latin))
        words = replace_org_kinds(words)
    words = normalise_numbers(words)
    if schema != PERSON and len(words) > 1 and words[-1] in _LAST_ROMAN and len(words[-2]) > 1:
        # "Fund I", "Brigade V": at the end of an organisation's name a lone I, V or X is a
        # number (in a person's name, an initial)
        words = [*words[:-1], _LAST_ROMAN[words[-1]]]
    plain: list[str] = []
    for word in words:
        plain.extend(expand_abbreviation(word).split())
    numbers = frozenset(t for t in plain if t.isdigit())
    tokens = tuple(fold(t) for t in plain)
    return NameForm(
        original=name,
        script=script,
        tokens=tokens,
        plain=tuple(plain),
        legal_forms=frozenset(forms),
        numbers=numbers,
        native=_native(name, script),
    )
