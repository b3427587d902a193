"""Property tests: any Unicode text is accepted, output shapes hold, fold is idempotent."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from dibwatch.text import fold_phrase, normalize, strip_legal_forms, to_latin
from dibwatch.text.fold import fold

_WORDS = re.compile(r"(?:[a-z0-9]+(?: [a-z0-9]+)*)?")

# Mix arbitrary code points with the scripts the lists use, so that Han, Cyrillic and
# romanisation letter groups are hit often.
_SCRIPTS = st.sampled_from(
    list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяієїґўқәңөұүһ")
    + list("深圳市华强电子有限公司习近平中国香港欧阳")
    + list("šžčøłßüçışğé’«»-.&'")
    + ["shch", "kh", "ts", "zh", "ch", "iu", "ya", "ye", "jou", "ck", "x", "w", "ou", "j", "y"]
)
_TEXT = st.one_of(st.text(), st.lists(_SCRIPTS | st.text(max_size=2)).map("".join))


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_normalize_and_to_latin_never_raise(text: str) -> None:
    latin = to_latin(text)
    assert isinstance(latin, str) and latin == latin.lower() and latin.isascii()
    normal = normalize(text)
    assert _WORDS.fullmatch(normal), normal
    assert normalize(normal) == normal  # normalising is idempotent


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_fold_idempotent(text: str) -> None:
    for token in [*normalize(text).split(), text]:
        once = fold(token)
        assert isinstance(once, str)
        assert re.fullmatch(r"[a-z0-9]*", once)
        assert fold(once) == once


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(
    ["ooo", "llc", "co", "ltd", "as", "sa", "alpha", "beta", "sp", "z", "oo", "zao", "limited",
     "liability", "company", "gmbh", "and", "kg", "o.o.o.", "«x»"]
), max_size=8))
def test_strip_legal_forms_shapes(tokens: list[str]) -> None:
    remaining, forms = strip_legal_forms(tokens)
    if tokens and normalize(" ".join(tokens)):
        assert remaining  # never strips a whole name
    assert len(forms) <= len(tokens)
    assert all(isinstance(form, str) and form for form in forms)


@settings(max_examples=100, deadline=None)
@given(_TEXT)
def test_fold_phrase_matches_fold(text: str) -> None:
    assert fold_phrase(text) == [fold(word) for word in normalize(text).split()]
