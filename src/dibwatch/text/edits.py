"""Edits of a word, for the symmetric-deletion (SymSpell) indexes that find words one edit
apart in a few lookups: two words one edit (OSA) apart share a one-letter deletion, or one
is a deletion of the other."""

from __future__ import annotations


def one_letter_deletions(word: str) -> set[str]:
    """Each one-letter deletion of ``word``, once.

    >>> sorted(one_letter_deletions("abba"))
    ['aba', 'abb', 'bba']
    """
    return {word[:i] + word[i + 1:] for i in range(len(word))}
