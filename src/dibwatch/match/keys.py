"""Blocking keys: what makes a list name a candidate for a query.

A name is indexed under several independent kinds of key, so that losing one (a typo, a
script without vowels, a name run together) leaves the others:

=====  =============================================================  =======
key    what                                                           weight
=====  =============================================================  =======
``x:`` the whole name: its folded words, sorted (or its native         exact
       characters): the exact channel, never pruned however common
``t:`` a folded word; two adjacent words joined ("hua qiang" also      1.0
       gives ``t:huaqiang``), so that spacing never decides
``s:`` the word's consonants (``skeleton``): Arabic and Hebrew          0.5
       write few vowels, loose romanisations change them
``g:`` character trigrams of each word, with word-boundary marks:      1/3
       typos, partial words
``n:`` character bigrams of a syllabic-script name (Han, Hangul,        1.0
       kana)
=====  =============================================================  =======

Candidates are the names sharing the most weighted keys with the query, rarity-weighted
(idf) and normalised by the size of each name (cosine), plus every name with the same exact
key. Keys too common to discriminate are pruned from the postings (the exact channel never).
"""

from __future__ import annotations

from dibwatch.match.algorithm import skeleton
from dibwatch.match.names import NameForm

KEY_WEIGHTS = {"t": 1.0, "s": 0.5, "g": 1 / 3, "n": 1.0}


def exact_key(form: NameForm) -> str | None:
    if form.tokens:
        return "x:" + " ".join(sorted(form.tokens))
    if form.native:
        return "x:" + form.native
    return None


def name_keys(form: NameForm) -> set[str]:
    keys: set[str] = set()
    tokens = form.tokens
    for i, token in enumerate(tokens):
        keys.add("t:" + token)
        if i + 1 < len(tokens) and len(token) + len(tokens[i + 1]) >= 5:
            keys.add("t:" + token + tokens[i + 1])
        cons = skeleton(token)
        if len(cons) >= 2:
            keys.add("s:" + cons)
        if len(token) >= 3:
            padded = f"^{token}$"
            keys.update("g:" + padded[j:j + 3] for j in range(len(padded) - 2))
    if form.native:
        chars = form.native
        if len(chars) == 1:
            keys.add("n:" + chars)
        keys.update("n:" + chars[j:j + 2] for j in range(len(chars) - 1))
    exact = exact_key(form)
    if exact is not None:
        keys.add(exact)
    return keys
