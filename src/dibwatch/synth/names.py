"""Invented firm names in Latin, Cyrillic and Han script, and the ways clerks misspell them.

A name is coined from syllable tables (never a real company), joined to industry words and a
legal form of the firm's country. :class:`FirmName` keeps the firm's correct spellings
(``clean``: its native-script name and its official Latin name) apart from the noisy ones a
customs clerk produces (case, punctuation, legal-form variants, transliteration variants such
as Yu/Iu and Kh/H, typos, dropped words, abbreviations such as TECH, INTL, TRDG).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from dibwatch.synth import tables

_NOISY_ATTEMPTS = 8
_KEY_DROP = re.compile(r"[\W_]+")
_PUNCT = re.compile(r"[.,«»\"']")


def spelling_key(text: str) -> str:
    """Case- and punctuation-blind key: two spellings with one key are one spelling."""
    return _KEY_DROP.sub("", text.casefold())


@dataclass(frozen=True)
class FirmName:
    canonical: str              # as the firm writes itself (Cyrillic for Russian firms)
    latin: str                  # official Latin-script name, what a sanctions list prints
    clean: tuple[str, ...]      # correct spellings, canonical first
    noisy: tuple[str, ...]      # misspellings and variants; disjoint from clean


@dataclass
class _Parts:
    """What a Latin rendering is assembled from; each slot lists its admissible spellings."""

    core: list[str]                 # first: default transliteration / spelling
    words: list[list[str]]          # per industry word: [default, alternatives…]
    abbrs: list[str]
    city: str | None
    form: str


def translit(text: str, rng: random.Random | None = None) -> str:
    """Cyrillic to Latin; default spellings, or a random variant per letter when ``rng``."""
    table = tables.translit_ru()
    out: list[str] = []
    for ch in text:
        low = ch.lower()
        options = table.get(low)
        if options is None:
            out.append(ch)
            continue
        latin = options[0] if rng is None else rng.choice(options)
        out.append(latin.capitalize() if ch != low else latin)
    return "".join(out)


def _render(core: str, words: list[str], city: str | None, form_text: str,
            prefix: bool) -> str:
    body = " ".join(p for p in [city, core, *words] if p)
    return f"{form_text} {body}" if prefix else f"{body} {form_text}"


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(3)
    if op == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if op == 1:
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


class NameMaker:
    """Coins firm names. Deterministic for a given ``random.Random`` state."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = tables.words()

    # ------------------------------------------------------------------ coined words
    def coined_latin(self) -> str:
        syl = tables.syllables()
        r = self.rng
        parts = [r.choice(syl["latn", "onset"]), r.choice(syl["latn", "vowel"])]
        if r.random() < 0.5:
            parts += [r.choice(syl["latn", "coda"])]
        parts += [r.choice(syl["latn", "onset"]), r.choice(syl["latn", "ending"])]
        return "".join(parts).capitalize()

    def coined_cyrillic(self) -> str:
        syl = tables.syllables()
        r = self.rng
        parts = [r.choice(syl["cyrl", "onset"]), r.choice(syl["cyrl", "vowel"])]
        if r.random() < 0.5:
            parts += [r.choice(syl["cyrl", "coda"])]
        parts += [r.choice(syl["cyrl", "onset"]), r.choice(syl["cyrl", "ending"])]
        return "".join(parts).capitalize()

    def coined_han(self) -> tuple[str, str]:
        # Three characters: rarer than the usual two, so a coincidence with a real firm is
        # unlikely even before the no-real-names test checks it.
        chars = [self.rng.choice(tables.han_syllables()) for _ in range(3)]
        return "".join(c for c, _ in chars), "".join(p for _, p in chars).capitalize()

    # ------------------------------------------------------------------ firm names
    def firm_name(self, country: str, *, han: bool = False) -> FirmName:
        """A new name for a firm of ``country``; Chinese firms get a Han name when ``han``."""
        info = tables.countries()[country]
        form = self.rng.choice(info.legal_forms)
        chosen = self.rng.sample(self.words, self.rng.choice((1, 1, 2)))
        if country == "RU":
            return self._russian(form, chosen)
        if country == "CN":
            return self._chinese(form, chosen, han)
        lang = "tr" if country == "TR" else "en"
        core = self.coined_latin()
        parts = _Parts([core], [[getattr(w, lang), w.en] for w in chosen],
                       [w.abbr for w in chosen], None, form)
        latin = self._clean_latin(parts)
        return self._finish(latin, latin, [latin], parts, extra_noisy=[])

    def _russian(self, form: str, chosen: list[tables.Word]) -> FirmName:
        core = self.coined_cyrillic()
        words_ru = [w.ru for w in chosen]
        cyr_forms = [f for f in tables.legal_forms()[form] if f.script == "cyrl"]
        body = " ".join([core, *words_ru])
        canonical = f"{cyr_forms[0].text} «{body}»"
        parts = _Parts([translit(core)], [[translit(w.ru), w.en] for w in chosen],
                       [w.abbr for w in chosen], None, form)
        latin = self._clean_latin(parts)
        # Translit variants of the core: Yu/Iu, Kh/H, Ts/C … drawn letter by letter.
        parts.core += [translit(core, self.rng) for _ in range(3)]
        extra = [f'{cyr_forms[0].text} "{body}"', f"{cyr_forms[0].text} {body}".upper(),
                 *(f"{f.text} «{body}»" for f in cyr_forms[1:]),
                 f"{cyr_forms[0].text} «{_typo(core, self.rng)} {' '.join(words_ru)}»"]
        return self._finish(canonical, latin, [canonical, latin], parts, extra)

    def _chinese(self, form: str, chosen: list[tables.Word], han: bool) -> FirmName:
        han_core, pinyin = self.coined_han()
        city_native, city_latin, _ = self.rng.choice(tables.cities()["CN"])
        parts = _Parts([pinyin], [[w.en, w.pinyin] for w in chosen],
                       [w.abbr for w in chosen], city_latin, form)
        latin = self._clean_latin(parts)
        clean = [latin]
        extra: list[str] = []
        if han:
            han_suffix = next(f.text for f in tables.legal_forms()[form] if f.script == "hans")
            han_words = "".join(w.zh for w in chosen)
            clean.append(f"{city_native}{han_core}{han_words}{han_suffix}")
            extra.append(f"{han_core}{han_words}{han_suffix}")  # city dropped
        return self._finish(latin, latin, clean, parts, extra)

    def _clean_latin(self, parts: _Parts) -> str:
        form = next(f for f in tables.legal_forms()[parts.form] if f.script == "latn" and f.clean)
        return _render(parts.core[0], [w[0] for w in parts.words], parts.city, form.text,
                       form.prefix)

    def _noisy_latin(self, parts: _Parts) -> str:
        r = self.rng
        core = r.choice(parts.core)
        if r.random() < 0.35:
            core = _typo(core, r)
        words: list[str] = []
        for options, abbr in zip(parts.words, parts.abbrs, strict=True):
            roll = r.random()
            words.append(abbr if roll < 0.25 else r.choice(options))
        city = parts.city
        if r.random() < 0.25:  # a word dropped: the city, else an industry word
            if city is not None:
                city = None
            elif len(words) > 1:
                words.pop(r.randrange(len(words)))
        forms = [f for f in tables.legal_forms()[parts.form] if f.script == "latn"]
        form = r.choice(forms)
        text = _render(core, words, city, form.text, form.prefix)
        if r.random() < 0.5:
            text = text.upper()
        if r.random() < 0.3:
            text = " ".join(_PUNCT.sub(" ", text).split())
        return text

    def _finish(self, canonical: str, latin: str, clean: list[str], parts: _Parts,
                extra_noisy: list[str]) -> FirmName:
        seen = set(clean)
        noisy: list[str] = []
        candidates = [*extra_noisy, *(self._noisy_latin(parts) for _ in range(_NOISY_ATTEMPTS))]
        for cand in candidates:
            # A variant that differs from a clean spelling only in case or punctuation still
            # counts as noisy: clerks do write "CO LTD" for "Co., Ltd.".
            if cand in seen or not spelling_key(cand):
                continue
            seen.add(cand)
            noisy.append(cand)
        return FirmName(canonical, latin, tuple(dict.fromkeys(clean)), tuple(noisy))
