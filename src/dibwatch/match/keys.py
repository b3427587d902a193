"""Blocking keys: what makes a list name a candidate for a query.

Each name is indexed under its folded tokens (``t:``), the character trigrams of those tokens
(``g:``, with word-boundary marks, so a typo still shares most trigrams), their letters in
order (``a:``, which survives swapped letters) and, for names in a
syllabic script, the character bigrams of its native form (``n:``). Candidates are the names
sharing the most rarity-weighted keys with the query.
"""

from __future__ import annotations

from dibwatch.match.names import NameForm


def name_keys(form: NameForm) -> set[str]:
    keys: set[str] = set()
    for token in form.tokens:
        keys.add("t:" + token)
        if len(token) >= 3:
            # letters in order: a swap of two letters ("Lakahl" / "Lakhal") keeps this key
            # where it breaks most trigrams of a short word
            keys.add("a:" + "".join(sorted(token)))
        if len(token) >= 3:
            padded = f"^{token}$"
            keys.update("g:" + padded[i:i + 3] for i in range(len(padded) - 2))
    # compounds: "vladimirputin" meets "vladimir putin" through their trigrams already
    if form.native:
        chars = form.native
        if len(chars) == 1:
            keys.add("n:" + chars)
        keys.update("n:" + chars[i:i + 2] for i in range(len(chars) - 1))
    return keys
