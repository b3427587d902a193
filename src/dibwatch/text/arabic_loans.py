"""English words written in Arabic letters: the consonants they use, the vowels they write.

A firm's English name registered in the Gulf is written in Arabic letters by sound, with
Arabic's consonants for the ones it lacks: p is ب, v ف, hard g ج غ or ق, soft c س, a final
s often ز, -tion شن (Services سيرفيسز, Solutions سولوشنز, VTB فتب). ``loan_skeleton``
reduces both spellings to the same consonant classes, so that سيرفيسز and SERVICES are
both srfs; the plain abjad skeleton (``algorithm.abjad_skeleton``) reads v as a vowel and
z as d, as Arabic and Persian names need, and misses them.

An abjad leaves short vowels unwritten, so the two are compared by their consonants. But
the vowels it does write are evidence: the long vowels of an Arabic name (محمود, Mahmoud:
the و is the ou) and, in a foreign word, most of its vowels (Garnet جارنيت, Polo بولو, Bell
بيل). Where the Arabic writes a vowel letter between two consonants, the Latin word must
have a vowel there that letter can write; an empty place or another vowel is another word:
غارنيت is not GRANT, بولو is not BELL (``vowels_conflict``). A Latin word that opens with
a vowel is written with one (Ammunition is not ماونتين, Mountain).

The letters as the romanised Arabic shows them: ``a`` (ا), ``u``/``o``/``w`` (و),
``y``/``i``/``e`` (ي). What each may write is loose (ا writes the u of Success ساكسيس, ي
the a of Trade تريد) because English spelling and Arabic hearing disagree; only a clear
conflict counts. An alef that begins a word is not compared: it carries any vowel, or none
(استروي, Stroy), but a و or ي after it is (اوسين, Ocean, is not SINA).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# A vowel letter of the Arabic side -> the Latin letters it can stand for.
_WRITES = {"a": frozenset("aeou"), "u": frozenset("ouwv"), "o": frozenset("ouwv"),
           "w": frozenset("ouwv"), "y": frozenset("iey"), "i": frozenset("iey"),
           "e": frozenset("iey")}
# An English a said as ey before a consonant and a silent e (Trade تريد, Space سبيس): its
# place reads as holding an e, which ي writes.
_MAGIC_E = re.compile(r"a(?=[^aeiouy]e(?:[^aeiouy]|$))")
_LATIN_VOWELS = frozenset("aeiouywv")
# One letter of the Arabic, two of a romanisation (غ gh, ش sh, خ kh): one consonant each.
_DIGRAPHS = {"ch": "σ", "sh": "σ", "kh": "χ", "gh": "γ", "th": "θ", "dh": "δ", "zh": "ζ",
             "ph": "f", "ck": "k", "x": "ks"}


# Consonants an Arabic spelling of a foreign word confuses count as one, so that the places
# between them pair up (SURFACE and سيرفيسز: s r f s both).
_PLACE_CLASSES = str.maketrans({"g": "k", "j": "k", "q": "k", "c": "k", "z": "s", "p": "b"})


def _soft_c(text: str) -> str:
    return "".join("s" if ch == "c" and text[i + 1:i + 2] in ("e", "i", "y") else ch
                   for i, ch in enumerate(text))


@lru_cache(maxsize=100_000)
def _places(word: str, latin: bool, across: bool = True
            ) -> tuple[str, tuple[str, ...], bool] | None:
    """The consonants of ``word``, what stands between them (a place before the first and
    after the last), and whether it opens with a vowel. A consonant repeated is merged as
    the reading merges it: ``across`` a vowel too, as the skeleton does (kanyun: k, n), else
    as ``loan_skeleton`` does (``_merges``)."""
    # Not ``fold``: it reads j as a vowel, and ج is a consonant.
    text = "".join(ch for ch in unicodedata.normalize("NFKD", word.casefold())
                   if not unicodedata.combining(ch))
    for pair, one in _DIGRAPHS.items():
        text = text.replace(pair, one)
    if latin:
        text = _MAGIC_E.sub("ae", _soft_c(text))
    else:
        # the article inside a word (خيرالله khyrallh, ضياءالدين) is not a vowel of it
        text = re.sub(r"(?<=\w)al(?=[^aeiouy])", "l", text)
    text = text.translate(_PLACE_CLASSES)
    vowels = _LATIN_VOWELS if latin else frozenset(_WRITES)
    opens = bool(text) and text[0] in ("aeiou" if latin else vowels)
    consonants = ""
    places = [""]
    start = True
    for ch in text:
        if ch == " ":  # words merged by the alignment ("lukuy kumbnynts")
            start = True
            continue
        if not ch.isalnum():
            return None
        if ch in vowels:
            if not (start and ch == "a" and not latin):
                places[-1] += ch  # an alef that begins a word carries a vowel, or none
        elif (across and consonants[-1:] != ch) or (not across and not _merges(
                consonants[-1:], ch, bool(places[-1]), not latin)):
            consonants += ch
            places.append("")
        start = False
    return consonants, tuple(places), opens


def writes_vowels(abjad: str) -> bool:
    """The Arabic-script word writes a vowel after its first consonant: spelt as a foreign
    word is, not as an Arabic one (whose short vowels are unwritten)."""
    places = _places(abjad, latin=False)
    return places is not None and any(places[1][1:])


def vowels_conflict(abjad: str, latin: str, loan: bool = False) -> bool:
    """The Arabic-script word (romanised, ``abjad``) writes a vowel where ``latin`` has none
    it could write, or ``latin`` opens with a vowel the Arabic does not write (an Arabic
    spelling always writes one there: Ammunition is not ماونتين). Only words whose
    consonants pair one for one, as the skeleton (or, ``loan``, ``loan_skeleton``) reads
    them, are compared; a place where the Arabic writes no vowel agrees with any (short
    vowels go unwritten)."""
    a = _places(abjad, latin=False, across=not loan)
    b = _places(latin.casefold(), latin=True, across=not loan)
    if a is None or b is None or len(a[0]) != len(b[0]) or not a[0]:
        return False
    if b[2] and not a[2]:
        return True
    last = len(a[1]) - 1
    for place, (written, there) in enumerate(zip(a[1], b[1], strict=True)):
        if place == last and written == "a":
            continue  # a final ة is written a, and often romanised by nothing
        # يو is the you-sound English spells u (computer كمبيوتر, solutions سوليوشنز)
        for letter in written.replace("yu", "u"):
            if not _WRITES[letter] & set(there):
                return True
    return False


# An English word as Arabic letters would write its consonants, and those letters read back:
# both sides reduced to the same classes. Arabic has no p, v, hard g or soft c of its own:
# a Gulf registration writes p ب, v ف, g ج غ or ق, soft c س, final s often ز (Services
# سيرفيسز), -tion شن, the k of tech ك.
_LATIN_LOAN_RUNS = (("tion", "σn"), ("sion", "σn"), ("tech", "tk"), ("chem", "km"),
                    ("mech", "mk"), ("chr", "kr"), ("ght", "t"), ("sh", "σ"), ("ch", "σ"),
                    ("ph", "f"), ("th", "t"), ("ck", "k"), ("qu", "k"), ("x", "ks"))
_ARABIC_LOAN_RUNS = (("tsh", "σ"), ("sh", "σ"), ("ch", "σ"), ("kh", "k"), ("gh", "k"),
                     ("th", "t"), ("dh", "d"), ("zh", "s"))
_LOAN_LETTERS = str.maketrans({"g": "k", "j": "k", "q": "k", "c": "k", "z": "s", "p": "b",
                               "v": "f"})


@lru_cache(maxsize=100_000)
def loan_skeleton(word: str, arabic: bool) -> str:
    """The consonant classes of ``word`` read as an English word written in Arabic letters:
    ``arabic`` for the romanised Arabic-script side. سيرفيسز (syrfysz) and SERVICES are both
    srfss → "srfs"; فتب (ftb) and VTB "ftb"."""
    text = "".join(ch for ch in unicodedata.normalize("NFKD", word.casefold())
                   if ch.isalnum() and not unicodedata.combining(ch))
    for run, one in _ARABIC_LOAN_RUNS if arabic else _LATIN_LOAN_RUNS:
        text = text.replace(run, one)
    if not arabic:
        text = _soft_c(text)
    out = ""
    for ch in text.translate(_LOAN_LETTERS):
        if ch in "aeiouwy":
            if out and out[-1] != "·":
                out += "·"
        elif not _merges(out.rstrip("·")[-1:], ch, out[-1:] == "·", arabic):
            out += ch
    return out.replace("·", "") or word


def _merges(last: str, ch: str, across: bool, arabic: bool) -> bool:
    """A consonant repeated is one, as a loan is written: s always (the e of -ces is left
    out: Services سيرفيسز, s r f s); a Latin double (Arabic writes it once); never an
    Arabic letter written twice (ستت is s t t, STATE; Arabic marks a double by a sign) nor
    a consonant repeated across a vowel (Prairie برايري is b r r, not BUREAU's b r)."""
    return last == ch and (ch == "s" or not (across or arabic))
