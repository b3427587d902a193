"""Romanisation-variant folding: one Latin token → a key on which the usual romanisations of
the same Cyrillic, Arabic or Chinese-origin name meet.

The same name reaches us as GOST / BGN/PCGN / ISO 9 / passport (ICAO) / French / German /
Polish spellings: Юрий = Yuriy, Iurii, Jurij, Yury, Youri; Щукин = Shchukin, Schukin, Ščukin;
Сергеевич = Sergeevich, Sergeyevich. ``fold`` rewrites the letter groups these systems disagree
on to one spelling each:

========================================  ==========  ============================================
variants                                  folded to   why / example
========================================  ==========  ============================================
shch, schtsch, chtch, szcz, shh, sch, sz  sh          щ, German/Polish ш (Schukin, Szczukin)
tsch, tch, cz (ch stays)                  ch          ч: German, French, Polish (Tschechow)
ch after a vowel or before a consonant    h           х in German/Polish/Greek: Michail, Chr-
kh, h                                     h           х: Khabarov / Habarov
dzh, dsch, dj                             dj          дж: Dzhokhar / Djokhar
jou                                       zhu         French ж before ou: Joukov
ts, tz, soft c (before e/i/y, consonant)  ts          ц: Tsvetkov / Cvetkov / Tzvetkov
hard c (before a/o/u/l/r/t/k, end), ck    k           Victor / Viktor, Nicolai / Nikolai
q                                         k           Qasim / Kasim
x                                         ks          Alexey / Aleksey
w                                         v           Wladimir / Vladimir, Iwanow / Ivanov
ph, th, gh, dh                            f, t, g, d  Mustapha, Kadhafi, Ghaddafi
ou                                        u           French у: Poutine, Youri
gu before e/i                             g           French г: Ievgueni
y, j (not in dj, not before i)            i           й/ы and iotation: Yuriy / Jurij / Iurii
ii…, ie                                   i, e        ий / ие endings, е after a vowel (Sergeyev)
final -of(f) / -ef(f)                     -ov / -ev   Smirnoff, Rachmaninoff
doubled letters                           single      Kirill / Kiril, Savva / Sava
========================================  ==========  ============================================

then a small table of name families whose vowels differ between romanisations
(``data/name_variants.csv``: Mohammed / Muhammad / Magomed, Hussein / Husayn / Gusein, ...).

Trade-off: ``fold`` is used both for equality and as the input of edit-distance similarity, so
it only merges letter groups that romanisation systems really swap, never vowels in general.
Grammatical and lexical differences stay: Ivanov ≠ Ivanova, Petrov ≠ Petrova, Masha ≠ Sasha,
Putin ≠ Puchin, Scholz ≠ Schulze, Li ≠ Lee. What it deliberately does not merge, and why:

- word-initial ``ch`` before a vowel stays ``ch``: it is ч in English (Chernov) and х in
  German/Polish (Chabarov); merging ч with х everywhere would also merge Chinese Chu/Hu,
  Chen/Hen, Chang/Hang. Chabarov vs Khabarov stays one edit apart.
- ``ё`` is ``e`` (to_latin), so Yolkin ≠ Elkin (Ёлкин); German ``z`` for ц (Zwetkow) is not
  recognised (it would merge з and ц).
- ``iu``/``ia`` keep their ``i`` (Liudmila ≠ Ludmila) because dropping it merges pinyin Liu
  with Lu and Maria with Mara. ``j`` before ``i`` stays (pinyin Jiang ≠ Yang, Jin ≠ Yin);
  Korean Jang and Yang still meet: the price of Jurij = Yuriy.
- a final silent ``e`` stays (Poutine ≠ Putin, Schulz ≠ Schulze), Gaddafi ≠ Qaddafi (g/k),
  Dutch ``oe`` for у is not recognised (Poetin): it is ö in German (Goebbels).
- a whole pinyin syllable with ``c`` (Cao, Cong, Cai) keeps its ``c`` as ``ts`` (Wade-Giles
  Ts'ao), so that Cong ≠ Kong and Cao ≠ Kao; a whole pinyin syllable with ``j`` (Jun, Juan,
  Jue) keeps its ``j`` (Jun ≠ Yun), and pinyin ``gui`` keeps its ``u`` (Guiying ≠ Giing).
"""

from __future__ import annotations

import re
from functools import lru_cache

from dibwatch.text import vocab
from dibwatch.text.translit import normalize, to_latin

# One pass over the token; alternatives listed longest first so that "shch" wins over "sh".
_GROUPS = {
    "schtsch": "sh", "shtsh": "sh", "chtch": "sh", "szcz": "sh", "shch": "sh", "shh": "sh",
    "sch": "sh", "sz": "sh", "tsch": "ch", "tch": "ch", "cz": "ch", "dzh": "dj", "dsch": "dj",
    "jou": "zhu",
    "kh": "h", "ph": "f", "th": "t", "gh": "g", "dh": "d", "ck": "k", "tz": "ts", "ou": "u",
    "x": "ks", "q": "k", "w": "v",
}
_GROUPS_RE = re.compile("|".join(sorted(_GROUPS, key=len, reverse=True)))

_VOWELS = "aeiouy"
_CH_TO_H_RE = re.compile(f"(?<=[{_VOWELS}])ch|ch(?=[^{_VOWELS}h]|$)")
_HARD_C_RE = re.compile(r"c(?=[aoulrtk]|$)")
_SOFT_C_RE = re.compile(r"c(?!h)")
_J_RE = re.compile(r"(?<!d)j(?!i)")
_I_RUN_RE = re.compile(r"i+")
# French gue / gui before a vowel or l (Ievgueni, Guillaume); never pinyin gui (guiying).
_GUE_RE = re.compile(r"gu(?=e|i[aeioul])")
_FINAL_F_RE = re.compile(r"(?<=[oe])f$")
_DOUBLE_RE = re.compile(r"(.)\1+")
_NOT_WORD_RE = re.compile(r"[^a-z0-9]+")

# Pinyin syllables written with c (ts sound); hard-c → k would merge them with k- syllables.
_PINYIN_C = frozenset(
    {
        "ca", "cai", "can", "cang", "cao", "ce", "cen", "ceng", "ci", "cong", "cou", "cu", "cuan",
        "cui", "cun", "cuo",
    }
)


# Pinyin syllables with j (never y), kept whole: Jun is not Yun, and Jie must not fold on
# to "e" (j → i, then ie → e).
_PINYIN_J = frozenset({"ji", "jia", "jian", "jiang", "jiao", "jie", "jin", "jing", "jiong",
                       "jiu", "ju", "juan", "jue", "jun"})


def _one_pass(token: str) -> str:
    if token in _PINYIN_C:
        token = "ts" + token[1:]
    if token in _PINYIN_J:
        return token
    token = _GROUPS_RE.sub(_group, token)
    if "c" in token:
        token = _CH_TO_H_RE.sub("h", token)
        token = _HARD_C_RE.sub("k", token)
        token = _SOFT_C_RE.sub("ts", token)
    if "j" in token:
        token = _J_RE.sub("i", token)
    if "y" in token:
        token = token.replace("y", "i")
    if "ii" in token:
        token = _I_RUN_RE.sub("i", token)
    if "ie" in token:
        token = token.replace("ie", "e")
    if "gu" in token:
        token = _GUE_RE.sub("g", token)
    token = _DOUBLE_RE.sub(r"\1", token)
    return _FINAL_F_RE.sub("v", token) if token.endswith("f") else token


def _group(match: re.Match[str]) -> str:
    return _GROUPS[match.group(0)]


@lru_cache(maxsize=1)
def _name_variants() -> dict[str, str]:
    table: dict[str, str] = {}
    for row in vocab.read_table("name_variants.csv"):
        canonical = _fold_letters(row["canonical"])
        table[_fold_letters(row["variant"])] = canonical
        table[canonical] = canonical
    return table


def _fold_letters(token: str) -> str:
    # Repeat to a fixed point so that fold is idempotent whatever the rules produce.
    for _ in range(4):
        folded = _one_pass(token)
        if folded == token:
            break
        token = folded
    return token


@lru_cache(maxsize=262144)
def fold(token: str) -> str:
    """Fold one lower-case Latin token to its romanisation-variant key.

    Non-ASCII input is romanised first and anything but letters and digits dropped, so any
    string is accepted. ``fold(fold(x)) == fold(x)``.

    >>> fold("Jurij") == fold("yuriy") == fold("iurii") == fold("youri")
    True
    """
    if not token.isascii():
        token = to_latin(token)
    token = _NOT_WORD_RE.sub("", token.lower())
    if not token:
        return ""
    folded = _fold_letters(token)
    return _name_variants().get(folded, folded)


def fold_phrase(text: str) -> list[str]:
    """``normalize`` then ``fold`` each word: ``"Юрий Щукин" → ["iuri", "shukin"]``."""
    return [fold(word) for word in normalize(text).split()]


_GOST_B_RE = re.compile(r"cz|x", re.IGNORECASE)
_GOST_B = {"cz": "ts", "x": "kh"}
# Signs that a Latin name is Russian as GOST 7.79-B writes it: its own spellings (ц = cz,
# щ = shh, ы = y', э = e', a final й = j after a vowel), or a Russian legal form or kind of
# enterprise. An x alone is English more often (Export, Lexus, Nixon): it needs a sign.
_GOST_SURE_RE = re.compile(r"cz|shh", re.IGNORECASE)
_GOST_SIGN_RE = re.compile(
    r"[aeiouy]j\b|y'|e'|\b(?:ooo|zao|oao|pao|ao|fgup|fgbu|fkp|fku|gup|mup|nii|okb|npp|npo|"
    r"zavod|kombinat|kompaniya|obshhestvo|obedinenie|predpriyatie)\b", re.IGNORECASE)


def _gost_letter(match: re.Match[str]) -> str:
    found = match.group(0)
    out = _GOST_B[found.lower()]
    if found.isupper():
        return out.upper() if len(found) > 1 or match.string.isupper() else out.capitalize()
    return out


@lru_cache(maxsize=65536)
def gost_b_variant(name: str) -> str | None:
    """``name`` read as GOST 7.79-B would have romanised it from Cyrillic, spelled the way
    the lists romanise (х = x → kh, ц = cz → ts), or None when it shows no sign of GOST (an x
    needs another sign: GOST's own spellings or a Russian legal form). Not part of ``fold``:
    there ``cz`` is the Polish ч and ``x`` the English ks (Export / Eksport), which meet more
    names; a query that may be GOST is screened under both readings.

    >>> gost_b_variant("NAUCHNO-TEXNICHESKIJ CENTR")
    'NAUCHNO-TEKHNICHESKIJ CENTR'
    >>> gost_b_variant("Radiotexnicheskij Institut imeni A.L. Mincza")
    'Radiotekhnicheskij Institut imeni A.L. Mintsa'
    >>> gost_b_variant("PAO Texpribor"), gost_b_variant("Texpribor")
    ('PAO Tekhpribor', None)
    """
    if not name.isascii() or _GOST_B_RE.search(name) is None:
        return None
    if _GOST_SURE_RE.search(name) is None and _GOST_SIGN_RE.search(name) is None:
        return None
    return _GOST_B_RE.sub(_gost_letter, name)
