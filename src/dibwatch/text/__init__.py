"""Name text normalisation for screening: any script to Latin words (``to_latin``,
``normalize``), romanisation-variant folding (``fold``), legal forms, abbreviations, generic
words and numbers. The matcher builds on these; they know nothing about scoring.

The folding function is ``fold.fold`` (``from dibwatch.text.fold import fold``): it is not
re-exported here because the name would shadow the ``dibwatch.text.fold`` submodule.
"""

from __future__ import annotations

from dibwatch.text.fold import fold_phrase
from dibwatch.text.legal_forms import form_kind, strip_legal_forms
from dibwatch.text.translit import han_segments, normalize, to_latin
from dibwatch.text.vocab import (
    expand_abbreviation,
    generic_weight,
    han_words,
    normalise_numbers,
)

__all__ = [
    "expand_abbreviation",
    "fold_phrase",
    "form_kind",
    "generic_weight",
    "han_segments",
    "han_words",
    "normalise_numbers",
    "normalize",
    "strip_legal_forms",
    "to_latin",
]
