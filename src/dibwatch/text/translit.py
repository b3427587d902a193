"""Any-script names to lower-case Latin words, and the ``normalize`` step the matcher starts from.

One canonical romanisation per script, so that both sides of a comparison go through the same
table: Cyrillic by a BGN/PCGN-like table (``ж→zh``, ``х→kh``, ``щ→shch``, ``ё→e``, ``ъ/ь→""``),
Chinese by the company-word dictionary (``vocab.han_words``) and pypinyin for the rest, Korean
Hangul by the McCune-Reischauer-like spelling sanctions lists use (김정은 → kim jong un, one
word per syllable), the scripts ICU has transforms for (Arabic and Persian, Hebrew, Georgian,
Armenian, kana, Devanagari and the other Indic scripts, Burmese, Ethiopic, Syriac, Thaana) by
ICU's ``Any-Latin`` (PyICU), with the Hindi final schwa dropped (पुतिन → putin) and the Arabic
article split off (التكريتي → al tkryty); any other script by ``anyascii`` (ISC licence).
Latin diacritics are stripped, except the háček
letters ``š č ž`` (ISO 9 / Czech / Baltic spellings of Russian names) which become the digraphs
``sh ch zh`` so that "Ščukin" meets "Shchukin". Variant spellings that still differ after this
(Jurij / Yuriy) are the business of ``fold``.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import icu
from anyascii import anyascii
from pypinyin import lazy_pinyin
from pypinyin.seg.mmseg import seg as _mmseg

from dibwatch.text import vocab

# CJK Unified Ideographs, extension A, compatibility ideographs, extensions B-F (supplementary).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_RUN_RE = re.compile(f"[{_HAN}]+")
_SPLIT_HAN_RE = re.compile(f"([{_HAN}]+)")

_CYRILLIC = {
    # Russian
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    # Ukrainian, Belarusian (и stays i: fold maps y/i together anyway)
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
    # Kazakh, Kyrgyz, Tajik, Uzbek, Tatar, Bashkir, Mongolian
    "ә": "a", "ғ": "g", "қ": "k", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h",
    "ҳ": "h", "ҷ": "j", "ӣ": "i", "ӯ": "u", "җ": "zh", "ҙ": "z", "ҫ": "s", "ӑ": "a", "ӗ": "e",
    # Serbian, Macedonian, Montenegrin
    "ђ": "dj", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "џ": "dzh", "ѓ": "gj", "ќ": "kj",
    "ѕ": "dz",
}

# Latin letters whose plain base letter would lose the distinction the matcher needs.
_LATIN_SPECIAL = {
    "š": "sh", "č": "ch", "ž": "zh", "ŝ": "shch", "ß": "ss", "ø": "o", "ł": "l", "ı": "i",
    "đ": "dj", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ħ": "h", "ŀ": "l", "ĳ": "ij",
}

# Punctuation the normaliser gives a meaning to; any other symbol becomes a word break.
_APOSTROPHES = "'’‘ʼʻ`´′ʹ"
_DASHES = "-‐‑‒–—―−"
_KEPT_ASCII = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _map_char(char: str) -> str:
    if char.isascii():
        return char.lower()
    if char in _APOSTROPHES:
        return "'"
    if char in _DASHES:
        return "-"
    lower = char.lower()
    if lower in _CYRILLIC:
        return _CYRILLIC[lower]
    if lower in _LATIN_SPECIAL:
        return _LATIN_SPECIAL[lower]
    category = unicodedata.category(char)
    if category.startswith("M"):
        return ""  # combining marks: the base letter carries the sound
    if category[0] in "PSZC":
        return " "
    decomposed = unicodedata.normalize("NFKD", lower)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    if stripped.isascii():
        return stripped.lower()
    out = anyascii(lower).lower()
    # anyascii marks some letters with punctuation (Georgian ejective "p'"): letters and digits only
    return "".join(c if c.isalnum() else "" if c == "'" else " " for c in out)


class _CharMap(dict[int, str]):
    """``str.translate`` table that computes and remembers each code point on first sight."""

    def __missing__(self, codepoint: int) -> str:
        value = _map_char(chr(codepoint))
        self[codepoint] = value
        return value


_CHAR_MAP = _CharMap()
_SPACES_RE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _han_dictionary() -> tuple[dict[str, str], int]:
    words = vocab.han_words()
    return words, max(map(len, words), default=1)


_SIMPLIFIED = threading.local()  # ICU transliterators are not safe to share between threads


def _simplified(chars: str) -> str:
    """Traditional characters in their simplified form: pypinyin's phrase readings are kept
    for simplified text, so a polyphone read alone takes its commonest reading (長安 would be
    zhang'an; 长安 is chang'an, as the firm writes it)."""
    found = getattr(_SIMPLIFIED, "transform", None)
    if found is None:
        found = _SIMPLIFIED.transform = icu.Transliterator.createInstance(
            "Traditional-Simplified")
    out: str = found.transliterate(chars)
    # One character for one: a transform that changed the length would shift the readings.
    return out if len(out) == len(chars) else chars


def _pinyin(chars: str) -> str:
    syllables = lazy_pinyin(_simplified(chars), v_to_u=True, errors=anyascii)
    text = "".join(syllables).replace("ü", "u")
    return "".join(c for c in text if c.isascii() and c.isalnum()).lower()


@lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (about 400), as pypinyin reads the common Han block."""
    chars = "".join(chr(c) for c in range(0x4E00, 0x9FA6))
    return frozenset(s for s in lazy_pinyin(chars) if s.isascii() and s.isalpha())


@lru_cache(maxsize=50_000)
def pinyin_word(word: str) -> bool:
    """A word written as two or three pinyin syllables run together (Dalian, Xinxiang,
    Huaqiang): how Chinese places and firms' own names are romanised."""
    low = word.casefold()
    if not low.isascii() or not low.isalpha():
        return False
    syllables = pinyin_syllables()

    def parts(rest: str, left: int) -> bool:
        if not rest:
            return True
        return left > 0 and any(
            rest[:i] in syllables and parts(rest[i:], left - 1)
            for i in range(min(6, len(rest)), 1, -1))

    return any(low[:i] in syllables and parts(low[i:], 2) and len(low) > i
               for i in range(min(6, len(low)), 1, -1))


# Syllables that render a consonant with no vowel of its own when Chinese writes a foreign
# name by sound (斯 si, 克 ke, 特 te, 德 de, 尔 er, 姆 mu): the mark of a transliteration.
CARRIER_SYLLABLES = frozenset({"si", "ke", "te", "de", "er", "le", "ge", "fu", "mu", "bu",
                               "pu", "ci", "zi"})


def _unknown_run(chars: str) -> list[tuple[str, str]]:
    """Han characters outside the dictionary: one token per word, as names are written. A
    firm's own name (字号) is mostly two characters: four unknown ones are two words, as the
    registrations romanise them (兴华恒成: Xinghua Hengcheng, 友邦仕达: Youbang Shida), unless
    they write a foreign name by sound (麦克维尔: Makewell, one word)."""
    if len(chars) <= 3 or (len(chars) == 4 and CARRIER_SYLLABLES.intersection(
            lazy_pinyin(_simplified(chars)))):
        return [(chars, _pinyin(chars))]
    if len(chars) == 4:
        return [(chars[:2], _pinyin(chars[:2])), (chars[2:], _pinyin(chars[2:]))]
    # Longer runs: pypinyin's own word cut, with stray single characters joined to each other.
    pieces: list[str] = []
    for word in _mmseg.cut(chars):
        if len(word) == 1 and pieces and len(pieces[-1]) == 1:
            pieces[-1] += word
        else:
            pieces.append(word)
    return [(piece, _pinyin(piece)) for piece in pieces]


def _personal_name(chars: str) -> list[tuple[str, str]] | None:
    """A 2-4 character Han string starting with a known surname: surname + given name."""
    if not 2 <= len(chars) <= 4:
        return None
    words, max_len = _han_dictionary()
    surnames = vocab.han_surnames()
    for size in range(2, min(max_len, len(chars)) + 1):
        for start in range(len(chars) - size + 1):
            if chars[start : start + size] in words and not (
                    len(chars) == 3 and start == 1 and chars[0] in surnames):
                return None  # a company word; but 李宇航 is Li Yuhang, not Li Aerospace
    for size in (2, 1):
        surname = chars[:size]
        if surname in surnames and len(chars) > size:
            given = chars[size:]
            return [(surname, surnames[surname]), (given, _pinyin(given))]
    return None


def _longest_matches(run: str, *, backward: bool) -> list[tuple[str, bool]]:
    """The run cut by longest dictionary match, from the start or from the end: (piece,
    known) pairs, unknown characters gathered into one piece."""
    words, max_len = _han_dictionary()
    pieces: list[tuple[str, bool]] = []
    pending = ""
    text = run[::-1] if backward else run
    i = 0
    while i < len(text):
        for size in range(min(max_len, len(text) - i), 0, -1):
            word = text[i : i + size]
            if (word[::-1] if backward else word) in words:
                if pending:
                    pieces.append((pending, False))
                    pending = ""
                pieces.append((word, True))
                i += size
                break
        else:
            pending += text[i]
            i += 1
    if pending:
        pieces.append((pending, False))
    if backward:
        pieces = [(piece[::-1], known) for piece, known in reversed(pieces)]
    return pieces


def _segment_run(run: str) -> list[tuple[str, str]]:
    """Bidirectional maximum matching: the run is cut by longest dictionary match from the
    start and from the end, and the cut with fewer pieces (then fewer single characters) wins,
    the backward one on a tie. Forward matching alone cut 陽光電子 (Yangguang Electronics) as
    陽 / 光電 (optoelectronics) / 子; a firm's name ends in the words the dictionary knows.
    Where both directions agree the cut stays (阳光电子: 阳 / 光电子, a dictionary word)."""
    cuts = [_longest_matches(run, backward=True), _longest_matches(run, backward=False)]
    best = min(cuts, key=lambda cut: (len(cut), sum(len(p) == 1 for p, _ in cut)))
    words, _ = _han_dictionary()
    segments: list[tuple[str, str]] = []
    for piece, known in best:
        segments.extend([(piece, words[piece])] if known else _unknown_run(piece))
    return segments


@lru_cache(maxsize=65536)
def _han_segments(text: str) -> tuple[tuple[str, str], ...]:
    compact = unicodedata.normalize("NFKC", text).strip()
    if _HAN_RUN_RE.fullmatch(compact):
        person = _personal_name(compact)
        if person is not None:
            return tuple(person)
    segments: list[tuple[str, str]] = []
    for run in _HAN_RUN_RE.findall(compact):
        segments.extend(_segment_run(run))
    return tuple(segments)


def han_segments(text: str) -> list[tuple[str, str]]:
    """The (Chinese original, English or pinyin) pieces ``to_latin`` renders the Han text as.

    >>> han_segments("深圳市华强电子有限公司")[-1]
    ('有限公司', 'co ltd')
    """
    return list(_han_segments(text))


# Greek vowel digraphs that anyascii renders letter by letter; both mean u.
_DIGRAPHS_RE = re.compile("ου|ού")


# Scripts romanised by ICU (Hangul by _hangul); code point ranges.
_ICU_RUN_RE = re.compile(
    "[\u0590-\u05ff\ufb1d-\ufb4f"  # Hebrew
    "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"  # Arabic
    "\u0700-\u074f\u0780-\u07bf"  # Syriac, Thaana
    "\u0900-\u0dff"  # Devanagari and the other Indic scripts
    "\u1000-\u109f\u1200-\u137f"  # Myanmar, Ethiopic
    "\u10a0-\u10ff\u1c90-\u1cbf\u0530-\u058f"  # Georgian, Armenian
    "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"  # kana
    "]+(?:[\\s\u200c\u200d\u30fb]+[\u0590-\u05ff\u0600-\u06ff\u0900-\u0dff\u3040-"
    "\u30ff]+)*")
_HANGUL_RUN_RE = re.compile("[\uac00-\ud7a3]+")
_ARABIC_ARTICLE_RE = re.compile("(?<![\u0600-\u06ff])\u0627\u0644(?=[\u0600-\u06ff]{2})")
# عبد ال… ("servant of" + a name of God) is one name, written Abdullah, Abdul Qadir, Abdel
# Aziz: joined here (the matcher joins the Latin words), the article kept inside. الله is
# a word of its own, not an article.
_ABD_RE = re.compile("(\u0639\u0628\u062f)\\s*(\u0627\u0644)")
_ALLAH = "\u0627\u0644\u0644\u0647"
_TA_MARBUTA = str.maketrans({"\u0629": "\u0627"})  # ة: an a at the end (Hamza, not Hamzat)
_DEVANAGARI_FINAL_CONSONANT_RE = re.compile("[\u0915-\u0939\u0958-\u095f]$")
_ICU = threading.local()  # ICU transliterators are not safe to share between threads


def _icu_transliterator() -> icu.Transliterator:
    found = getattr(_ICU, "any_latin", None)
    if found is None:
        found = _ICU.any_latin = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")
    return found


def _split_article(match: re.Match[str]) -> str:
    start = match.start()
    if match.string.startswith(_ALLAH, start) and (
            start + 4 == len(match.string) or not "\u0600" <= match.string[start + 4] <= "\u06ff"):
        return match.group(0)
    return "\u0627\u0644 "


@lru_cache(maxsize=65536)
def _icu_run(run: str) -> str:
    if "\u0600" <= run[0] <= "\u06ff" or "\ufb50" <= run[0] <= "\ufeff":
        run = _ABD_RE.sub("\\1\u0640\\2", run.translate(_TA_MARBUTA))  # tatweel: no split
        run = _ARABIC_ARTICLE_RE.sub(_split_article, run).replace("\u0640", "")
    words = run.split()
    # Ain (ʿ) is a vowel in every romanisation of a name (Ali, Abdul, Yaqub, Saad): ICU
    # keeps it as a sign that would split the word; read it as the commonest, a.
    latin = _icu_transliterator().transliterate(" ".join(words)).replace("\u02bf", "a")
    out = latin.lower().replace("'", "").split()  # ejective and syllable marks
    if len(out) == len(words):
        for i, (word, rom) in enumerate(zip(words, out, strict=True)):
            if "\u0900" <= word[0] <= "\u097f" and _DEVANAGARI_FINAL_CONSONANT_RE.search(word) \
                    and rom.endswith("a") and len(rom) > 2:
                out[i] = rom[:-1]  # Hindi drops the inherent vowel of a final consonant
            elif "\u0590" <= word[0] <= "\u06ff" and "w" in rom[1:]:
                out[i] = rom[0] + rom[1:].replace("w", "u")  # waw / vav inside a word: u, o
    return " ".join(out)


# Hangul jamo as sanctions lists romanise Korean names (McCune-Reischauer without its marks):
# the first syllable's ㄱ ㄷ ㅂ ㅈ voiceless (Kim, Pak), later ones voiced (Jong, Bok).
_INITIALS = ["k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "jj", "ch",
             "k", "t", "p", "h"]
_VOICED = {0: "g", 3: "d", 7: "b", 12: "j"}
_MEDIALS = ["a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u",
            "wo", "we", "wi", "yu", "u", "ui", "i"]
_FINALS = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m",
           "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"]


def _hangul(run: str) -> str:
    """A Korean name's syllables as words (김정은 → "kim jong un", as lists write them);
    longer words, mostly foreign, as one word (블라디미르 → "pulradimiru")."""
    out = []
    for i, ch in enumerate(run):
        code = ord(ch) - 0xAC00
        initial, rest = divmod(code, 21 * 28)
        medial, final = divmod(rest, 28)
        first = _INITIALS[initial] if i == 0 else _VOICED.get(initial, _INITIALS[initial])
        if initial == 5 and i == 0 and _MEDIALS[medial] in ("i", "ya", "yo", "yu", "ye"):
            first = "r"  # 리 is Ri in the North, Lee / Yi in the South: lists write Ri
        out.append(first + _MEDIALS[medial] + _FINALS[final])
    return " ".join(out) if len(out) <= 3 else "".join(out)


_ARABIC_LETTERS = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff"


@lru_cache(maxsize=1)
def _arabic_words_re() -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for every entry of ``vocab.arabic_words``, longest first: whole words,
    an article or a preposition in front allowed (الصناعات, للصناعات are صناعات), the letters
    of a dotted abbreviation with or without their dots (ش.ذ.م.م, ش ذ م م)."""
    words = vocab.arabic_words()
    alternatives = []
    for key in sorted(words, key=len, reverse=True):
        if "." in key:
            letters = [c for c in key if c != "."]
            alternatives.append("[.\\s]*".join(map(re.escape, letters)))
        else:
            alternatives.append("\\s+".join(map(re.escape, key.split())))
    # An article, and the prepositions and "and" written onto a word: الخدمات, لخدمات,
    # للخدمات, والخدمات, بالخدمات are all خدمات.
    prefixes = "(?:\u0648?(?:\u0627\u0644|\u0644\u0644|\u0628\u0627\u0644|\u0644)|\u0648)?"
    pattern = (f"(?<![{_ARABIC_LETTERS}]){prefixes}({'|'.join(alternatives)})"
               f"(?![{_ARABIC_LETTERS}])\\.?")
    return re.compile(pattern), words


def _arabic_word(match: re.Match[str]) -> str:
    words = _arabic_words_re()[1]
    key = re.sub("[.\\s]+", " ", match.group(1)).strip()
    english = words.get(key) or words.get(key.replace(" ", "")) or \
        words.get(".".join(key.replace(" ", "")))
    return f" {english} " if english else match.group(0)


def _arabic_company_words(text: str) -> str:
    """Arabic-script company words and legal forms in English (``vocab.arabic_words``): a
    firm's Arabic or Persian name is mostly a translation of its English one."""
    return _arabic_words_re()[0].sub(_arabic_word, text.translate(vocab.ARABIC_FOLD))


def _latin_part(text: str) -> str:
    text = text.lower()
    if re.search(f"[{_ARABIC_LETTERS}]", text):
        text = _arabic_company_words(text)
    if "υ" in text or "ύ" in text:
        text = _DIGRAPHS_RE.sub("ou", text)
    if not text.isascii():
        if _HANGUL_RUN_RE.search(text):
            text = _HANGUL_RUN_RE.sub(lambda m: f" {_hangul(m.group(0))} ", text)
        text = _ICU_RUN_RE.sub(lambda m: f" {_icu_run(m.group(0))} ", text)
    return text.translate(_CHAR_MAP)


@lru_cache(maxsize=65536)
def to_latin(text: str) -> str:
    """Lower-case Latin rendering of a name in any script, word breaks kept, ASCII punctuation
    kept (the normaliser decides what it means), other symbols turned into spaces.

    >>> to_latin("ООО «Ромашка»")
    'ooo romashka'
    """
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return _SPACES_RE.sub(" ", text.lower()).strip()
    if not _HAN_RUN_RE.search(text):
        return _SPACES_RE.sub(" ", _latin_part(text)).strip()
    stripped = text.strip()
    if _HAN_RUN_RE.fullmatch(stripped):
        # A whole-Han string may be a personal name ("习近平" → "xi jinping").
        return " ".join(latin for _, latin in _han_segments(stripped) if latin)
    parts: list[str] = []
    for piece in _SPLIT_HAN_RE.split(text):
        if _HAN_RUN_RE.fullmatch(piece):
            parts.append(" " + " ".join(latin for _, latin in _segment_run(piece)) + " ")
        elif piece:
            parts.append(_latin_part(piece))
    return _SPACES_RE.sub(" ", "".join(parts)).strip()


# --- normalize -------------------------------------------------------------------------------

_INITIALISM_RE = re.compile(r"(?<![a-z0-9])[a-z0-9](?:\.[a-z0-9])+\.?(?![a-z0-9])")
_INNER_APOSTROPHE_RE = re.compile(r"(?<=[a-z0-9])'+(?=[a-z0-9])")
_NOT_WORD_RE = re.compile(r"[^a-z0-9]+")


def _collapse_initialism(match: re.Match[str]) -> str:
    return match.group(0).replace(".", "")


@lru_cache(maxsize=131072)
def normalize(text: str) -> str:
    """Name text to space-separated lower-case ASCII words ``[a-z0-9]+``.

    NFKC and casefold, ``to_latin``, dotted initialisms collapsed ("o.o.o." → "ooo"),
    apostrophes inside words dropped ("int'l" → "intl"), "&" → "and", every other punctuation
    mark (hyphens, quotes, guillemets, dots, commas) a word break.

    >>> normalize("Sp. z o.o. «Int'l Trade & Co»")
    'sp z oo intl trade and co'
    """
    text = to_latin(unicodedata.normalize("NFKC", text).casefold())
    text = _INITIALISM_RE.sub(_collapse_initialism, text)
    text = _INNER_APOSTROPHE_RE.sub("", text)
    text = text.replace("&", " and ")
    return _NOT_WORD_RE.sub(" ", text).strip()
