"""Blocking keys: what makes a list name a candidate for a query.

A name is indexed under several independent kinds of key, so that losing one (a typo, a
script without vowels, a name run together) leaves the others:

=====  =============================================================  =======
key    what                                                           weight
=====  =============================================================  =======
``x:`` the whole name: its folded words, sorted (or its native         exact
       characters): the exact channel, never pruned however common
``t:`` a folded word; two adjacent words joined ("hua qiang" also      1.0
       gives ``t:huaqiang``), so that spacing never decides; at query
       time also the listed words one edit away (a deletion
       dictionary over the words of the index: ``Screener``)
``s:`` the word's consonants (``skeleton``), and two adjacent words'   0.5
       joined: Arabic and Hebrew write few vowels, loose
       romanisations change them
``g:`` character trigrams of each word, with word-boundary marks:      1/3
       typos, partial words
``i:`` a word of three letters or more with the initial of another     1.0
       word of the name (``i:nikolaev:k``): a surname with initials
       ("НИКОЛАЕВ К.Ю.") finds the name spelt out among many namesakes
``n:`` character bigrams of a syllabic-script name (Han, Hangul,        1.0
       kana)
``a:`` a Latin name's words as an Arabic, Persian or Hebrew spelling    1.0
       of them would romanise: consonant classes (``abjad_class``),
       adjacent words joined, and "X al Y" run together
       (Jalaluddin / جلال الدين); a channel of its own, read only by
       queries in those scripts
``l:`` a Latin name's words as a Gulf registration writes English     1.0
       words in Arabic letters (``loan_skeleton``: v is ف, g ج,
       soft c س: SERVICES and سيرفيسز are both srfs), adjacent
       words joined; read only by Arabic-script queries that are not
       a person's
=====  =============================================================  =======

Candidates are the names sharing the most weighted keys with the query, rarity-weighted
(idf) and normalised by the size of each name (cosine), plus every name with the same exact
key. Keys too common to discriminate are pruned from the postings (the exact channel never).
The ``a:`` and ``l:`` keys are ranked apart, each with norms of its own: a Latin query never
sees them, so its ranking does not move when they are added.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from itertools import pairwise

from dibwatch.match.algorithm import skeleton
from dibwatch.match.names import NameForm, article_readings
from dibwatch.text.arabic_loans import loan_skeleton

KEY_WEIGHTS = {"t": 1.0, "s": 0.5, "g": 1 / 3, "i": 1.0, "n": 1.0, "a": 1.0, "l": 1.0}
MAX_INITIAL_WORDS = 5  # names with more words get no initials keys (organisations, mostly)
ABJAD_SCRIPTS = frozenset({"Arabic", "Hebrew"})
# What romanisations of an abjad confuse becomes one letter: q/k/g/c (ق ك گ, and c and x
# after folding), z/d (ض ظ ذ ز د: Arabic d/dh, Persian z), p/b; h goes (ح ه خ, and the h of
# sh/th/kh/dh/gh), and j with the vowels (ج is j, dj or, folded, i).
_ABJAD_CLASSES = str.maketrans({"q": "k", "g": "k", "c": "k", "x": "k", "z": "d", "p": "b",
                                **{v: None for v in "aeiouywvhj"}})


def abjad_class(token: str) -> str:
    """The consonant classes of a folded word (``_ABJAD_CLASSES``), doubles collapsed:
    "kasm" (قاسم) and "gasem", "fid" (فيض) and "faiz" give the same."""
    out = token.replace("ts", "s").translate(_ABJAD_CLASSES)
    return "".join(ch for i, ch in enumerate(out) if i == 0 or ch != out[i - 1])


def abjad_keys(tokens: Sequence[str]) -> set[str]:
    """The ``a:`` keys of a name's words (see the table above): each word's class, two
    adjacent words' joined, and the same over the name with its "X al Y" run together."""
    keys: set[str] = set()
    for words in [list(tokens), *article_readings(tokens, any_name=True)]:
        for i, token in enumerate(words):
            cls = abjad_class(token)
            if cls:
                keys.add("a:" + cls)
            if i + 1 < len(words):
                joined = abjad_class(token + words[i + 1])
                if len(joined) >= 2:
                    keys.add("a:" + joined)
    return keys


def loan_keys(plain: Sequence[str], arabic: bool) -> set[str]:
    """The ``l:`` keys of a name's words as written (``plain``): each word's
    ``loan_skeleton`` and two adjacent words' joined; ``arabic`` for an Arabic-script name."""
    words = [loan_skeleton(p, arabic) for p in plain]
    keys = {"l:" + w for w in words if w}
    keys.update("l:" + a + b for a, b in pairwise(words) if len(a + b) >= 2)
    return keys


def exact_key(form: NameForm) -> str | None:
    if form.tokens:
        return "x:" + " ".join(sorted(form.tokens))
    if form.native:
        return "x:" + form.native
    return None


def name_keys(form: NameForm, grams: Collection[str] | None = None) -> set[str]:
    """The keys of a name. ``grams``: the words to make trigrams of (all when None; a query
    needs them only for words the index does not have)."""
    keys: set[str] = set()
    tokens = form.tokens
    for i, token in enumerate(tokens):
        keys.add("t:" + token)
        if i + 1 < len(tokens) and len(token) + len(tokens[i + 1]) >= 5:
            keys.add("t:" + token + tokens[i + 1])
            joined = skeleton(token + tokens[i + 1])
            if len(joined) >= 3:
                keys.add("s:" + joined)
        cons = skeleton(token)
        if len(cons) >= 2:
            keys.add("s:" + cons)
        if len(token) >= 3 and (grams is None or token in grams):
            padded = f"^{token}$"
            keys.update("g:" + padded[j:j + 3] for j in range(len(padded) - 2))
    if len(tokens) <= MAX_INITIAL_WORDS:
        for i, token in enumerate(tokens):
            if len(token) >= 3:
                keys.update(f"i:{token}:{t[0]}" for j, t in enumerate(tokens) if j != i)
    if form.native:
        chars = form.native
        if len(chars) == 1:
            keys.add("n:" + chars)
        keys.update("n:" + chars[j:j + 2] for j in range(len(chars) - 1))
    if grams is None and form.script in ("Latin", None):
        keys.update(abjad_keys(tokens))  # indexed: an abjad query meets the Latin names
        keys.update(loan_keys(form.plain, arabic=False))
    exact = exact_key(form)
    if exact is not None:
        keys.add(exact)
    return keys
