"""Legal and organisational forms (ООО, LLC, Co., Ltd., GmbH, Sp. z o.o., FGUP, ...) across
languages: recognise them in a tokenised name, strip them, and say which canonical form and
which kind of body they denote.

The table is ``data/legal_forms.csv`` (variant,canonical,kind). ``kind`` groups forms for
conflict checks — two names whose forms are of different kinds are unlikely to be the same body:

- ``company``: limited-liability corporate bodies of every country (LLC, JSC, Ltd, GmbH, AG,
  SA, BV, KK, ...). LLP and the Kazakh ТОО are here too: their liability is limited and
  translations mix them freely with LLC.
- ``partnership``: partnerships with personally liable partners (LP, KG, OHG, SNC, sp. j.).
- ``state enterprise``: state or municipal enterprises and state corporations (FGUP, GUP, MUP,
  FKP, ДП, state corporation).
- ``public body``: state and municipal institutions (FGBU, FGBOU, FKU, MKU).
- ``non-profit``: autonomous non-profit organisations, associations (ANO, NKO, e.V.).
- ``cooperative``: cooperatives (eG, coop, производственный кооператив).
- ``individual entrepreneur``: sole traders (ИП, ФОП, e.K., sole proprietor).

Variants are compared after ``normalize`` (so "L.L.C." = "llc", "Ltd. Şti." = "ltd sti"), and
words of seven letters or more after ``fold`` too, so transliteration variants of the Russian
long forms ("obshchestvo" / "obschestvo" / "obshestvo") need no row each.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from dibwatch.text import vocab
from dibwatch.text.edits import one_letter_deletions
from dibwatch.text.fold import fold
from dibwatch.text.translit import normalize

KINDS = frozenset(
    {
        "company", "partnership", "state enterprise", "public body", "non-profit",
        "cooperative", "individual entrepreneur",
    }
)

# Forms that are also ordinary name words or syllables (pinyin zao/pao/nao, "spa", "Sia"):
# like every form whose words are all one or two letters ("as", "co", "ip", "sp z oo"), they are
# stripped only at the start or end of a name.
_EDGE_ONLY_WORDS = frozenset(
    {
        "zao", "pao", "nao", "chao", "ano", "spa", "sas", "aps", "asa", "sia", "ska", "spd",
        "ike", "000", "coop",
    }
)


@dataclass(frozen=True, slots=True)
class LegalForm:
    canonical: str
    kind: str
    edge_only: bool


def _word_key(word: str) -> str:
    return fold(word) if len(word) >= 7 else word


@lru_cache(maxsize=1)
def _forms() -> tuple[dict[tuple[str, ...], LegalForm], int]:
    forms: dict[tuple[str, ...], LegalForm] = {}
    for row in vocab.read_table("legal_forms.csv"):
        words = normalize(row["variant"]).split()
        if not words:
            raise ValueError(f"legal_forms.csv: variant {row['variant']!r} normalises to nothing")
        if row["kind"] not in KINDS:
            raise ValueError(f"legal_forms.csv: unknown kind {row['kind']!r}")
        key = tuple(_word_key(word) for word in words)
        edge_only = all(len(word) <= 2 for word in words) or " ".join(words) in _EDGE_ONLY_WORDS
        form = LegalForm(row["canonical"], row["kind"], edge_only)
        previous = forms.get(key)
        if previous is not None and previous != form:
            raise ValueError(
                f"legal_forms.csv: {row['variant']!r} conflicts with an earlier variant "
                f"({previous.canonical}/{previous.kind} vs {form.canonical}/{form.kind})"
            )
        forms[key] = form
    return forms, max(map(len, forms))


@lru_cache(maxsize=1)
def _first_words() -> frozenset[str]:
    return frozenset(key[0] for key in _forms()[0])


@lru_cache(maxsize=1)
def _long_words() -> tuple[frozenset[str], dict[str, list[str]]]:
    """The keys of the forms' long words (7+ letters), and each one-letter deletion of those
    words as written (not folded: folding a typo scatters it) -> the words."""
    # Keys of the words as written: "limitée" folds to the six-letter "limite", which is
    # still a form's word, not a typo of "limited".
    keys: set[str] = set()
    deletions: dict[str, list[str]] = {}
    for row in vocab.read_table("legal_forms.csv"):
        for word in normalize(row["variant"]).split():
            if len(word) >= 7:
                keys.add(_word_key(word))
                for variant in _deletions(word):
                    found = deletions.setdefault(variant, [])
                    if word not in found:
                        found.append(word)
    return frozenset(keys), deletions


def _deletions(word: str) -> list[str]:
    """The word and each of its one-letter deletions, once each, in a fixed order."""
    return sorted({word, *one_letter_deletions(word)})


@lru_cache(maxsize=65536)
def _typo_key(word: str) -> str:
    """``_word_key``, with a long word one edit from a form's word read as that word
    ("Corporaiton", "Copmany", "oCmpany"): a mistyped legal form is still one."""
    key = _word_key(word)
    keys, deletions = _long_words()
    if len(word) < 7 or key in keys or key in _first_words():
        return key
    for variant in _deletions(word):
        for candidate in deletions.get(variant, ()):
            if OSA.distance(candidate, word, score_cutoff=1) <= 1:
                return _word_key(candidate)
    return key


def legal_forms() -> dict[str, LegalForm]:
    """Every known variant (as normalised words joined by spaces) → its form."""
    return {" ".join(key): form for key, form in _forms()[0].items()}


def find_form(text: str) -> LegalForm | None:
    """The legal form that a whole string denotes ("L.L.C.", "ООО", "Sp. z o.o."), or None."""
    key = tuple(_word_key(word) for word in normalize(text).split())
    return _forms()[0].get(key)


def form_kind(canonical: str) -> str | None:
    """The kind of a canonical form ("llc" → "company"), None when unknown."""
    return _kinds().get(canonical)


@lru_cache(maxsize=1)
def _kinds() -> dict[str, str]:
    return {form.canonical: form.kind for form in _forms()[0].values()}


@lru_cache(maxsize=1)
def _families() -> dict[str, str]:
    families = {row["canonical"]: row["family"] for row in vocab.read_table("legal_families.csv")}
    unknown = set(families) - set(_kinds())
    if unknown:
        raise ValueError(f"legal_families.csv: not canonical forms: {sorted(unknown)}")
    return families


def form_family(canonical: str) -> str | None:
    """The company family of a canonical form: ``joint-stock`` (AG, JSC, АО, SA) or
    ``limited-liability`` (GmbH, LLC, ООО); None for forms whose family varies with the
    country or the translator (Ltd, Co. Ltd., Inc., Corp.)."""
    return _families().get(canonical)


def _find(keys: list[str], alive: list[int]) -> tuple[int, int, LegalForm] | None:
    """The first strippable form in the alive words: (position, length, form), longest first."""
    forms, max_len = _forms()
    starts = _first_words()
    for pos in range(len(alive)):
        if keys[alive[pos]] not in starts:
            continue
        for size in range(min(max_len, len(alive) - pos), 0, -1):
            form = forms.get(tuple(keys[alive[pos + j]] for j in range(size)))
            if form is None:
                continue
            at_edge = pos == 0 or pos + size == len(alive)
            # Never strip the whole name: a name that is only a form is still that name.
            if len(alive) > size and (at_edge or not form.edge_only):
                return pos, size, form
    return None


def strip_legal_forms(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Remove legal forms anywhere in a tokenised name (longest match first); return the
    remaining tokens and the canonical forms found, in name order.

    Tokens may be raw ``to_latin(...).split()`` output ("o.o.o.", "co.,ltd."): each is
    normalised for the comparison; tokens not touched are returned as given.

    >>> strip_legal_forms("ooo romashka".split())
    (['romashka'], ['llc'])
    >>> strip_legal_forms("alpha co ltd shenzhen branch".split())
    (['alpha', 'shenzhen', 'branch'], ['co ltd'])
    """
    words: list[str] = []
    owner: list[int] = []
    for index, token in enumerate(tokens):
        for word in normalize(token).split():
            words.append(word)
            owner.append(index)
    keys = [_typo_key(word) for word in words]
    alive = list(range(len(words)))
    found: list[tuple[int, str]] = []
    while (match := _find(keys, alive)) is not None:
        pos, size, form = match
        found.append((alive[pos], form.canonical))
        del alive[pos : pos + size]
    if not found:
        return list(tokens), []
    kept = set(alive)
    remaining: list[str] = []
    for index, token in enumerate(tokens):
        own = [i for i, o in enumerate(owner) if o == index]
        if all(i in kept for i in own):
            remaining.append(token)
        else:
            remaining.extend(words[i] for i in own if i in kept)
    return remaining, [canonical for _, canonical in sorted(found)]
