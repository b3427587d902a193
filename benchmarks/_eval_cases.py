"""Evaluation cases for screening, generated at run time from the loaded list files.

Nothing here is list data: every positive query is derived from a name of a loaded entity by
a seeded transformation written for this benchmark (customs clerks' Cyrillic, passport and
map romanisations, ad-hoc spellings, Chinese trade spellings, partial and common-word names,
typos, person-name habits), and every negative is invented (a listed name with its one
distinctive word replaced, numbers changed, persons of many cultures who are on no list).
The tables below are written for the benchmark, apart from the matcher's own tables, so a
figure here is not the matcher agreeing with itself.

Each entity falls in a partition by a salted hash of its id: ``tune`` (70%) or ``held-out``
(30%). Negatives are split the same way by their own seeded generator. Only the ``tune``
partition's errors are ever printed.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from dibwatch.match import Query
from dibwatch.model.entity import Identifier, NameKind
from dibwatch.text.fold import fold, fold_phrase
from dibwatch.text.legal_forms import strip_legal_forms
from dibwatch.text.translit import normalize, pinyin_syllables

ORGS = frozenset({"Company", "Organization", "LegalEntity"})
SALT = "dibwatch-eval-2"
UNIQUE = frozenset({"INN", "OGRN", "IMO", "LEI", "USCC", "BIC"})


@dataclass(frozen=True)
class Case:
    kind: str  # "cyrillic/customs", "romanised/icao", "neg/person", …
    query: Query
    truth: frozenset[str]  # entity ids that are a right answer; empty for negatives
    held_out: bool
    latin_only: bool = False  # screened against the lists' Latin-script names only
    source_name: str = ""  # the listed name the query was made from

    @property
    def group(self) -> str:
        return self.kind.split("/", 1)[0]

    @property
    def positive(self) -> bool:
        return bool(self.truth)


@dataclass
class ListEntity:
    entity_id: str
    schema: str
    names: list[tuple[str, NameKind, str | None]]  # value, kind, script
    countries: frozenset[str]
    identifiers: tuple[Identifier, ...]

    def strong(self, script: str | None = None) -> list[str]:
        return [v for v, k, s in self.names if k != NameKind.WEAK
                and (script is None or s == script)]


@dataclass
class Lists:
    """The loaded lists as the generators see them: entities, their names, who is who."""

    entities: dict[str, ListEntity]
    party: dict[str, frozenset[str]] = field(default_factory=dict)  # entity -> same party
    name_keys: set[tuple[str, ...]] = field(default_factory=set)  # folded, sorted tokens
    bare_keys: set[tuple[str, ...]] = field(default_factory=set)  # the same, legal forms out
    vocabulary: set[str] = field(default_factory=set)  # folded tokens of every name
    word_count: dict[str, int] = field(default_factory=dict)  # lower-case word -> names
    _person_words: defaultdict[str, set[str]] = field(
        default_factory=lambda: defaultdict(set))  # folded word -> persons (persons_named)

    def __post_init__(self) -> None:
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        by_key: dict[str, str] = {}
        counts: dict[str, int] = defaultdict(int)
        for e in self.entities.values():
            find(e.entity_id)
            for value in e.strong():
                words = _words(value)
                for w in set(words):
                    counts[w] += 1
                folded = tuple(sorted(fold_phrase(value)))
                self.name_keys.add(folded)
                bare = _bare_key(value)
                if bare:
                    self.bare_keys.add(bare)
                self.vocabulary.update(folded)
                # The same party on two lists: the same words, or the same words once
                # romanisation variants are folded (two or more of them).
                keys = ["n:" + " ".join(sorted(words))]
                if len(folded) >= 2:
                    keys.append("f:" + " ".join(folded))
                for key in keys:
                    if key in by_key:
                        parent[find(e.entity_id)] = find(by_key[key])
                    else:
                        by_key[key] = e.entity_id
            for ident in e.identifiers:
                if ident.scheme in UNIQUE and ident.valid:
                    key = f"i:{ident.scheme}:{ident.value}"
                    if key in by_key:
                        parent[find(e.entity_id)] = find(by_key[key])
                    else:
                        by_key[key] = e.entity_id
        groups: dict[str, set[str]] = defaultdict(set)
        for eid in self.entities:
            groups[find(eid)].add(eid)
        self.party = {eid: frozenset(groups[find(eid)]) for eid in self.entities}
        self.word_count = dict(counts)

    def persons_named(self, name: str) -> frozenset[str]:
        """Every person whose names carry all of ``name``'s words (folded), with their
        parties: a name without a patronymic or a date of birth names each of them, and any
        of them is a right answer."""
        if not self._person_words:
            for e in self.entities.values():
                if e.schema == "Person":
                    for value in e.strong():
                        for w in fold_phrase(value):
                            self._person_words[w].add(e.entity_id)
        found: set[str] | None = None
        for w in set(fold_phrase(name)):
            holders = self._person_words.get(w, set())
            found = set(holders) if found is None else found & holders
        return frozenset().union(*(self.party[h] for h in found or ()))

    def listed(self, name: str) -> bool:
        """A listed name, also with another legal form or none ("Falcon Systems LLC" when
        FALCON SYSTEMS is listed) or a word in the plural or its short form (Wolf Holdings
        for WOLF HOLDING, Prime Technology for PRIME TECH): such a name is the listed
        firm's, never a negative."""
        bare = _bare_key(name)
        return tuple(sorted(fold_phrase(name))) in self.name_keys or (
            bool(bare) and bare in self.bare_keys)


# Spellings of one word that a reader takes for the same name: a plural (WOLF HOLDING /
# Wolf Holdings) and the common short forms.
_SAME_WORD = {fold(short): fold(word) for short, word in (
    ("tech", "technology"), ("intl", "international"), ("trade", "trading"),
    ("industry", "industrial"), ("industries", "industrial"))}


def _bare_word(word: str) -> str:
    """A folded word as its singular and its full form (holdings -> holding, teh ->
    tehnologi), so that these spellings of a listed name are found listed."""
    word = _SAME_WORD.get(word, word)
    return word[:-1] if len(word) >= 5 and word.endswith("s") and not word.endswith("ss") \
        else word


def _bare_key(name: str) -> tuple[str, ...]:
    words, _ = strip_legal_forms(normalize(name).split())
    return tuple(sorted(_bare_word(fold(w)) for w in words))


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())


def held_out(entity_id: str) -> bool:
    digest = hashlib.sha1(f"{SALT}:{entity_id}".encode()).digest()
    return digest[0] % 10 >= 7


def _case(kind: str, text: str, lists: Lists, e: ListEntity, source: str,
          latin_only: bool = False, schema: str | None = None,
          truth: frozenset[str] | None = None) -> Case:
    return Case(kind, Query(" ".join(text.split()), schema or e.schema),
                truth or lists.party[e.entity_id], held_out(e.entity_id), latin_only, source)


# ------------------------------------------------------------------ Russian customs Cyrillic

# Long legal forms as lists write them -> the short form a declaration uses, and the Latin
# renderings clerks and translators use for the short form.
RU_FORMS = [
    ("федеральное государственное унитарное предприятие", "ФГУП", ["FGUP", "FSUE"]),
    ("федеральное казенное предприятие", "ФКП", ["FKP", "FKP"]),
    ("государственное унитарное предприятие", "ГУП", ["GUP", "SUE"]),
    ("публичное акционерное общество", "ПАО", ["PAO", "PJSC"]),
    ("открытое акционерное общество", "ОАО", ["OAO", "OJSC"]),
    ("закрытое акционерное общество", "ЗАО", ["ZAO", "CJSC"]),
    ("непубличное акционерное общество", "НАО", ["NAO", "JSC"]),
    ("акционерное общество", "АО", ["AO", "JSC"]),
    ("общество с ограниченной ответственностью", "ООО", ["OOO", "LLC"]),
    ("автономная некоммерческая организация", "АНО", ["ANO", "ANO"]),
    ("федеральное государственное бюджетное учреждение", "ФГБУ", ["FGBU", "FGBU"]),
]
# Kinds of Russian defence enterprise and their abbreviations (both directions occur).
RU_KINDS = [
    ("научно-производственное предприятие", "НПП", ["NPP", "Research and Production Enterprise",
                                                   "Scientific Production Enterprise"]),
    ("научно-производственное объединение", "НПО", ["NPO", "Research and Production "
                                                   "Association", "Scientific Production "
                                                   "Association"]),
    ("научно-производственный комплекс", "НПК", ["NPK", "Research and Production Complex"]),
    ("научно-производственный центр", "НПЦ", ["NPTs", "Research and Production Center"]),
    ("центральный научно-исследовательский институт", "ЦНИИ", ["TsNII", "Central Research "
                                                              "Institute"]),
    ("научно-исследовательский институт", "НИИ", ["NII", "Research Institute",
                                                 "Scientific Research Institute"]),
    ("опытно-конструкторское бюро", "ОКБ", ["OKB", "Experimental Design Bureau"]),
    ("специальное конструкторское бюро", "СКБ", ["SKB", "Special Design Bureau"]),
    ("конструкторское бюро", "КБ", ["KB", "Design Bureau"]),
    # ПО (производственное объединение) is left out: it is also the preposition "по".
    ("научно-технический центр", "НТЦ", ["NTTs", "Scientific and Technical Center"]),
]
_QUOTES = "«»“”„\"'‘’‹›"


def _strip_quotes(text: str, rng: random.Random) -> str:
    if rng.random() < 0.75:
        return " ".join(text.translate({ord(q): " " for q in _QUOTES}).split())
    # a clerk's straight quotes, often unbalanced
    out = text.translate({ord(q): '"' for q in _QUOTES})
    return out.replace('""', '"')


def _split_short_form(name: str) -> list[str]:
    """«Long form «X» (АО «X»)» -> both forms."""
    m = re.fullmatch(r"(.*?)\s*\(([^()]{2,})\)\s*", name)
    if m and any(short.lower() in m.group(2).lower().split() or
                 m.group(2).upper().startswith(short) for _, short, _ in RU_FORMS):
        return [m.group(1).strip(), m.group(2).strip()]
    return [name]


def _shorten_form(name: str, rng: random.Random) -> tuple[str, str | None]:
    low = name.lower()
    for long_, short, _ in RU_FORMS:
        if low.startswith(long_):
            rest = name[len(long_):].strip()
            where = rng.random()
            if where < 0.7:
                return f"{short} {rest}", short
            if where < 0.9:
                return f"{rest}, {short}", short
            return rest, short
        if low.split()[:1] == [short.lower()]:
            return name, short
    return name, None


def _swap_kind(name: str, rng: random.Random) -> str:
    low = name.lower()
    for long_, short, _ in RU_KINDS:
        if long_ in low and rng.random() < 0.5:
            i = low.index(long_)
            return name[:i] + short + name[i + len(long_):]
        m = re.search(rf"(?<!\w){short}(?!\w)", name)  # case-sensitive: abbreviations
        if m and rng.random() < 0.3:
            return name[:m.start()] + long_ + name[m.end():]
    return name


def customs_cyrillic(name: str, rng: random.Random) -> str:
    """A listed Russian company name as a customs declaration writes it."""
    forms = _split_short_form(name)
    text = rng.choice(forms)
    text = _strip_quotes(text, rng)
    text, _ = _shorten_form(text, rng)
    text = _swap_kind(text, rng)
    if rng.random() < 0.8:
        text = text.replace("ё", "е").replace("Ё", "Е")
    if rng.random() < 0.7:
        text = text.upper()
    return " ".join(text.split())


ICAO = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n",
                 "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "ie", "y",
                 "", "e", "iu", "ia"], strict=True))
GOST_B = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                  ["a", "b", "v", "g", "d", "e", "yo", "zh", "z", "i", "j", "k", "l", "m", "n",
                   "o", "p", "r", "s", "t", "u", "f", "x", "cz", "ch", "sh", "shh", "", "y'",
                   "", "e'", "yu", "ya"], strict=True))
BGN = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
               ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n",
                "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y",
                "", "e", "yu", "ya"], strict=True))
LOOSE = {
    "ж": ["zh", "j", "zh"], "х": ["kh", "h", "ch", "kh"], "ц": ["ts", "c", "tz", "ts"],
    "ч": ["ch", "tch", "ch"], "ш": ["sh", "sch", "sh"], "щ": ["shch", "sch", "sh", "shh"],
    "ю": ["yu", "iu", "ju", "u"], "я": ["ya", "ia", "ja", "a"], "й": ["y", "i", "j", ""],
    "ы": ["y", "i"], "е": ["e", "e", "ye"], "ё": ["e", "yo", "jo"], "ь": ["", "'", ""],
    "ъ": ["", ""], "и": ["i", "i", "y"], "у": ["u", "u", "ou"], "в": ["v", "v", "w"],
    "э": ["e"], "к": ["k", "k", "c"],
}
_VOWELS_RU = set("аеёиоуыэюяъь")


def romanise(text: str, system: str, rng: random.Random) -> str:
    """Cyrillic -> Latin by ICAO 9303, BGN/PCGN, GOST 7.79-B or a clerk's loose habits."""
    out: list[str] = []
    prev = " "
    for ch in text:
        low = ch.lower()
        if low not in ICAO:
            out.append(ch)
            prev = ch
            continue
        if system == "icao":
            rom = ICAO[low]
        elif system == "gost":
            rom = GOST_B[low]
            following = text[len(out) + 1:len(out) + 2].lower()
            if low == "ц" and following in ("е", "и", "ы", "й", "ё", "э"):
                rom = "c"  # GOST 7.79-B: ц is c before e, i, y, j
        elif system == "bgn":
            rom = BGN[low]
            if low in "её" and (not prev.isalpha() or prev.lower() in _VOWELS_RU | {"й"}):
                rom = "ye"
        else:
            choices = LOOSE.get(low)
            rom = rng.choice(choices) if choices else ICAO[low]
            following = text[len(out) + 1:len(out) + 2].lower()
            if low == "к" and rom == "c" and following not in ("а", "о", "у", "л", "р"):
                rom = "k"  # a hard c only where English spelling keeps it hard
        out.append(rom.upper() if ch.isupper() and rom else rom)
        prev = ch
    latin = "".join(out).replace("'", "" if rng.random() < 0.6 else "'")
    return " ".join(latin.split())


def romanised_company(customs: str, system: str, rng: random.Random) -> str:
    """A customs Cyrillic name romanised; the legal form and enterprise kind romanised as
    letters or translated, as translators do."""
    text = customs
    for _, short, latin in [*RU_FORMS, *RU_KINDS]:
        pattern = rf"(?<!\w){short}(?!\w)"
        if re.search(pattern, text.upper()):
            choice = latin[0] if rng.random() < 0.5 else rng.choice(latin[1:] or latin)
            text = re.sub(pattern, choice.upper() if text.isupper() else choice, text,
                          flags=re.IGNORECASE)
    return romanise(text, system, rng)


def russian_companies(lists: Lists) -> Iterator[tuple[ListEntity, str]]:
    """EU-listed organisations with a Cyrillic name carrying a Russian legal form."""
    for e in lists.entities.values():
        if e.schema not in ORGS or not e.entity_id.startswith("eu_journal-"):
            continue
        for value in e.strong("Cyrillic"):
            low = value.lower()
            if any(long_ in low or re.search(rf"(?<!\w){short.lower()}(?!\w)", low)
                   for long_, short, _ in RU_FORMS):
                yield e, value
                break


def cyrillic_cases(lists: Lists, rng: random.Random) -> Iterator[Case]:
    for e, value in russian_companies(lists):
        seen: set[str] = set()
        for _ in range(2):
            customs = customs_cyrillic(value, rng)
            if customs not in seen:
                seen.add(customs)
                yield _case("cyrillic/customs", customs, lists, e, value)
            for system in ("icao", "bgn", "gost", "loose"):
                if rng.random() < 0.5:
                    yield _case(f"romanised/{system}", romanised_company(customs, system, rng),
                                lists, e, value)


def cyrillic_person_cases(lists: Lists, rng: random.Random) -> Iterator[Case]:
    """Persons with a Cyrillic name, written surname-first or with initials, and romanised
    as a passport (ICAO) would."""
    for e in lists.entities.values():
        if e.schema != "Person":
            continue
        names = [v for v in e.strong("Cyrillic") if len(v.split()) == 3 and "(" not in v]
        if not names:
            continue
        given, patronymic, surname = names[0].split()
        styles = [f"{surname} {given} {patronymic}", f"{surname} {given[0]}.{patronymic[0]}.",
                  f"{given} {surname}"]
        style = rng.randrange(len(styles))
        text = styles[style]
        text = text.upper() if rng.random() < 0.5 else text
        # Written in full or without the patronymic, the name is also every other listed
        # person's who carries these words (a Sergei Petrov is on three lists, three people).
        same = lists.party[e.entity_id] if style == 1 else \
            lists.party[e.entity_id] | lists.persons_named(styles[style])
        yield _case("cyrillic/person", text, lists, e, names[0], truth=same)
        latin = romanise(f"{surname} {given}", rng.choice(["icao", "bgn", "loose"]), rng)
        yield _case("romanised/person", latin.upper(), lists, e, names[0],
                    truth=lists.party[e.entity_id] | lists.persons_named(f"{given} {surname}"))


# ------------------------------------------------------------------------- Chinese names

_CN_FORMS = ["Co., Ltd.", "Co Ltd", "Company Limited", "Limited", "Co., Limited", "CO.,LTD",
             "Corp.", ""]
_CN_PLACES = ["shenzhen", "beijing", "shanghai", "guangzhou", "hong kong", "hongkong",
              "xian", "xi'an", "chengdu", "wuhan", "tianjin", "hangzhou", "nanjing", "dalian",
              "harbin", "changsha", "xiamen", "suzhou", "dongguan", "zhuhai", "ningbo",
              "qingdao", "chongqing", "shenyang", "hefei", "jinan", "zhengzhou", "kunming"]
_ABBREV = {"technology": "Tech", "international": "Intl", "electronics": "Elec",
           "electronic": "Elec", "industrial": "Ind", "trading": "Trdg", "development": "Dev",
           "company": "Co", "corporation": "Corp", "engineering": "Eng",
           "manufacturing": "Mfg", "equipment": "Equip", "limited": "Ltd"}
def split_pinyin(word: str) -> list[str] | None:
    """"huaqiang" -> ["hua", "qiang"] when the word is two or three pinyin syllables."""
    syl = pinyin_syllables()
    low = word.lower()
    for i in range(1, len(low)):
        a, b = low[:i], low[i:]
        if a in syl and b in syl and len(a) > 1 and len(b) > 1:
            return [word[:i], word[i:]]
    return None


def chinese_entities(lists: Lists) -> Iterator[tuple[ListEntity, str]]:
    for e in lists.entities.values():
        if e.schema not in ORGS:
            continue
        for value in e.strong("Latin"):
            words = _words(value)
            if ({"cn", "hk"} & e.countries or any(w in _CN_PLACES for w in words)) and \
                    len(words) >= 2:
                yield e, value
                break


def chinese_latin(value: str, rng: random.Random) -> str:
    text = re.sub(r"(?i)[,.]?\s*\b(co\.?,?\s*ltd\.?|company\s+limited|limited|ltd\.?|"
                  r"corporation|corp\.?|co\.?)\s*$", "", value).strip(" ,.")
    words = text.split()
    ops = rng.sample(range(4), 2)
    for op in ops:
        if op == 0 and words and words[0].lower() in _CN_PLACES and len(words) > 2:
            place = words.pop(0)
            if rng.random() < 0.5:
                words.append(f"({place})")
        elif op == 1:
            for i, w in enumerate(words):
                parts = split_pinyin(w)
                if parts and rng.random() < 0.7:
                    words[i:i + 1] = parts
                    break
        elif op == 2:
            words = [_ABBREV.get(w.lower(), w) if rng.random() < 0.5 else w for w in words]
        elif op == 3:
            words = [w.upper() for w in words]
    return " ".join([*words, rng.choice(_CN_FORMS)]).strip()


def chinese_cases(lists: Lists, rng: random.Random) -> Iterator[Case]:
    for e, value in chinese_entities(lists):
        yield _case("chinese/latin", chinese_latin(value, rng), lists, e, value)
    for e in lists.entities.values():
        for value in e.strong("Han"):
            if e.strong("Latin"):
                yield _case("chinese/han", value, lists, e, value, latin_only=True)


# ------------------------------------------------------------------- other scripts

_ARABIC = {"b": "ب", "t": "ت", "th": "ث", "j": "ج", "h": "ح", "kh": "خ", "d": "د", "dh": "ذ",
           "r": "ر", "z": "ز", "s": "س", "sh": "ش", "f": "ف", "q": "ق", "k": "ك", "l": "ل",
           "m": "م", "n": "ن", "w": "و", "y": "ي", "g": "غ", "p": "پ", "v": "ف", "c": "ك",
           "x": "كس", "ch": "تش", "zh": "ژ", "gh": "غ"}


def to_arabic(name: str) -> str:
    """A Latin name as an Arabic writer spells it: consonants, long vowels as letters, short
    ones unwritten, "al-" joined."""
    out_words = []
    for word in _words(name):
        word = re.sub(r"^(al|el)[- ]?", "ال", word)
        out = ""
        i = 0
        while i < len(word):
            two = word[i:i + 2]
            ch = word[i]
            if not ch.isascii():
                out += ch
                i += 1
            elif two in _ARABIC and len(two) == 2:
                out += _ARABIC[two]
                i += 2
            elif ch in "aeiou":
                first = i == 0
                if first:
                    out += "ا" if ch in "ae" else "ي" if ch == "i" else "و"
                elif two in ("ee", "ii", "ou", "oo", "uu", "aa") or (
                        ch in "iu" and i + 1 < len(word) and word[i + 1] not in "aeiou"
                        and i + 1 == len(word) - 1):
                    out += "ي" if ch in "ei" else "و" if ch in "ou" else "ا"
                    i += 1 if two[0] == two[1:] else 0
                elif ch == "a" and i + 1 < len(word) and word[i + 1] not in "aeiou" and \
                        i % 2 == 1:
                    out += "ا"
                i += 1
            else:
                out += _ARABIC.get(ch, "")
                i += 1
        out_words.append(out)
    return " ".join(w for w in out_words if w)


# An English name in a Gulf registration's Arabic letters: unlike an Arabic word, a foreign
# one is written with most of its vowels (Mercury ميركوري, Solutions سوليوشنز, Garnet
# جارنيت), each letter drawn from the spellings the registrations use; the generic words
# mostly translated (Trading للتجارة), the form in its Arabic abbreviation.
_LOAN_CONSONANTS = {"b": "ب", "d": "د", "f": "ف", "h": "ه", "j": "ج", "k": "ك", "l": "ل",
                    "m": "م", "n": "ن", "p": "ب", "q": "ك", "r": "ر", "s": "س", "t": "ت",
                    "v": "ف", "w": "و", "z": "ز", "x": "كس"}
_LOAN_DIGRAPHS = {"sh": ["ش"], "ch": ["تش", "ش"], "th": ["ث", "ت"], "ph": ["ف"], "ck": ["ك"],
                  "gh": ["غ"], "qu": ["كو"], "tion": ["شن", "شين"], "sion": ["شن", "جن"],
                  "tech": ["تك", "تيك"], "igh": ["اي", "ي"],
                  "ee": ["ي"], "ea": ["ي"], "ie": ["ي"], "ai": ["ي", "اي"], "ay": ["اي", "ي"],
                  "ei": ["ي", "اي"], "ey": ["ي", "اي"], "oo": ["و"], "ou": ["و", "او"],
                  "au": ["و", "او"], "aw": ["و"], "ow": ["و", "او"], "oa": ["و"]}
# The chance that a single vowel is written, and the letter that writes it.
_LOAN_VOWELS = {"a": (0.8, "ا"), "e": (0.55, "ي"), "i": (0.85, "ي"), "o": (0.95, "و"),
                "u": (0.85, "و"), "y": (0.9, "ي")}
_AR_WORDS = {"trading": ["للتجارة", "تريدنج"], "trade": ["للتجارة", "تريد"],
             "general": ["العامة", "جنرال"], "services": ["للخدمات", "سيرفيسز"],
             "shipping": ["للشحن", "شيبنج"], "electronics": ["للالكترونيات", "الكترونيكس"],
             "technology": ["للتكنولوجيا", "تكنولوجي"], "international": ["الدولية", "انترناشونال"],
             "industries": ["للصناعات", "اندستريز"], "industrial": ["الصناعية", "اندستريال"],
             "company": ["شركة"], "group": ["مجموعة", "جروب"]}


def to_arabic_loan(name: str, rng: random.Random) -> str:
    """``name``'s words as a Gulf registration writes English words in Arabic letters."""
    out_words = []
    for word in _words(name):
        if word in _AR_WORDS and rng.random() < 0.7:
            out_words.append(rng.choice(_AR_WORDS[word]))
            continue
        if word.isdigit():
            out_words.append(word)
            continue
        if word.endswith(("ce", "ge")) and len(word) > 3:
            word = word[:-2] + ("s" if word[-2] == "c" else "j")  # Insurance, Heritage
        elif word.endswith("e") and len(word) > 3 and word[-2] not in "aeiou":
            word = word[:-1]  # silent
        out, i = "", 0
        while i < len(word):
            for size in (4, 3, 2):
                chunk = word[i:i + size]
                if len(chunk) == size and chunk in _LOAN_DIGRAPHS:
                    spelt = rng.choice(_LOAN_DIGRAPHS[chunk])
                    out += ("ا" if i == 0 and chunk[0] in "aeiou" and spelt[0] != "ا" else
                            "") + spelt
                    i += size
                    break
            else:
                ch = word[i]
                nxt = word[i + 1:i + 2]
                if ch == nxt:
                    i += 1  # a double letter is written once
                    continue
                if ch in _LOAN_VOWELS and not (ch == "y" and i == 0):
                    chance, letter = _LOAN_VOWELS[ch]
                    if i == 0:
                        out += "ا" + (letter if ch in "ou" or (ch in "ie" and rng.random() < 0.4)
                                      else "")
                    elif i == len(word) - 1 or rng.random() < chance:  # a final one always
                        out += letter
                elif ch == "y":
                    out += "ي"
                elif ch == "c":
                    out += "س" if nxt in ("e", "i", "y") else "ك"
                elif ch == "g":
                    out += "ج" if nxt in ("e", "i", "y") else rng.choice(["ج", "غ", "ق"])
                elif ch == "s" and i == len(word) - 1 and i > 0 and word[i - 1] not in "stkp":
                    out += "ز"
                else:
                    out += _LOAN_CONSONANTS.get(ch, ch if not ch.isascii() else "")
                i += 1
        out_words.append(out)
    return " ".join(w for w in out_words if w)


def arabic_loan_cases(lists: Lists, rng: random.Random) -> Iterator[Case]:
    """Listed firms' Latin names written as a Gulf registration writes them, screened
    against the Latin names only: the positives beside ``neg/company-arabic``."""
    for e in lists.entities.values():
        if e.schema not in ("Company", "Organization") or rng.random() >= 0.02:
            continue
        latin = [v for v in e.strong("Latin") if "," not in v and 1 <= len(v.split()) <= 5
                 and _distinctive(v)]
        if not latin or e.strong("Arabic"):
            continue
        value = rng.choice(latin)
        # The listed legal form as the Arabic registration abbreviates it, or none.
        words, forms = strip_legal_forms(_words(value))
        form = next((_AR_FORM_OF[f] for f in forms if f in _AR_FORM_OF), "")
        yield _case("script/arabic-loan-org", f"{to_arabic_loan(' '.join(words), rng)} {form}"
                    .strip(), lists, e, value, latin_only=True)


def native_script_cases(lists: Lists, rng: random.Random) -> Iterator[Case]:
    """Names the lists themselves give in another script, screened against Latin names."""
    for e in lists.entities.values():
        if not e.strong("Latin"):
            continue
        for value, kind, script in e.names:
            if kind == NameKind.WEAK or script in (None, "Latin", "Han", "Cyrillic"):
                continue
            # An organisation's name in another script is mostly a translation, which no
            # transliteration meets: a kind of its own.
            suffix = "" if e.schema == "Person" else "-org"
            yield _case(f"script/{script.lower()}{suffix}", value, lists, e, value,
                        latin_only=True)
        if e.schema == "Person" and not e.entity_id.startswith("eu_journal"):
            latin = [v for v in e.strong("Latin") if "," not in v and 2 <= len(v.split()) <= 4]
            if latin and rng.random() < 0.08:
                yield _case("script/arabic-synthetic", to_arabic(latin[0]), lists, e,
                            latin[0], latin_only=True)


# ----------------------------------------------------------- partial, common-word, typos

GENERIC = frozenset(["company", "co", "corporation", "corp", "limited", "ltd", "llc", "inc",
                     "group", "holding", "holdings", "international", "trading", "trade",
                     "industrial", "industries", "industry", "technology", "technologies", "tech",
                     "electronics", "electronic", "engineering", "services", "service", "import",
                     "export", "development", "investment", "general", "global", "national",
                     "new", "the", "and", "of", "for", "enterprise", "enterprises", "systems",
                     "system", "manufacturing", "equipment", "supply", "logistics", "shipping",
                     "energy", "bank", "joint", "stock", "jsc", "ojsc", "cjsc", "pjsc", "open",
                     "closed", "public", "private", "federal", "state", "unitary", "institute",
                     "research", "center", "centre", "plant", "factory", "works", "scientific",
                     "production", "association", "design", "bureau"])


def _distinctive(value: str) -> list[str]:
    return [w for w in re.findall(r"[^\W_]+", value) if w.lower() not in GENERIC
            and not w.isdigit() and len(w) >= 3]


_LEGAL_WORDS = frozenset(["llc", "ltd", "limited", "liability", "co", "company", "corp",
                          "corporation", "inc", "jsc", "ojsc", "cjsc", "pjsc", "ooo", "oao",
                          "zao", "pao", "ao", "gmbh", "ag", "sa", "srl", "sarl", "bv", "nv",
                          "plc", "pte", "pvt", "private", "public", "joint", "stock", "societe",
                          "sprl", "sdn", "bhd", "lda", "sl", "spa", "fze", "fzco", "llp", "lp",
                          "kg", "as", "ab", "oy", "tic", "san", "ve", "dis", "ic", "ltd", "sti"])


def partial_cases(lists: Lists, rng: random.Random) -> Iterator[Case]:
    """An organisation named by its distinctive words only, as a short name is written
    ("Midco" for "MIDCO FINANCE S.A.", "Izhevsky Mekhanichesky" for "IZHEVSKY MEKHANICHESKY
    ZAVOD JSC"); the truth is every entity whose name carries those words."""
    by_word: dict[str, set[str]] = defaultdict(set)
    for e in lists.entities.values():
        for value in e.strong("Latin"):
            for w in _words(value):
                by_word[w].add(e.entity_id)
    for e in lists.entities.values():
        if e.schema not in ORGS or rng.random() > 0.15:
            continue
        names = e.strong("Latin")
        if not names:
            continue
        value = rng.choice(names)
        if re.search(r"(?i)obshch|obsch|tovarish", value):
            continue  # a spelled-out Russian legal form: dropping its "s" corrupts it
        words = re.findall(r"[^\W_]+", value)
        keep = [w for w in words if w.lower() not in GENERIC and w.lower() not in _LEGAL_WORDS
                and not w.isdigit() and len(w) >= 2]
        if not keep or len(keep) == len(words) or sum(len(w) for w in keep) < 5 or \
                all(len(w) < 4 for w in keep):
            continue
        holders = set.intersection(*(by_word.get(w.lower(), set()) for w in keep))
        if len(holders) > 5:
            continue  # words this common name no one in particular
        truth = frozenset().union(*(lists.party[h] for h in holders))
        text = " ".join(keep)
        yield _case("partial/org", text.lower() if rng.random() < 0.5 else text, lists, e,
                    value, truth=truth)


def common_word_cases(lists: Lists, rng: random.Random) -> Iterator[Case]:
    """Names made only of common words ("CHINA ELECTRONICS TECHNOLOGY GROUP CORPORATION"),
    in another case and with the legal form spelled otherwise."""
    common = {w for w, n in lists.word_count.items() if n >= 40} | GENERIC
    for e in lists.entities.values():
        for value in e.strong("Latin"):
            words = _words(value)
            if len(words) >= 2 and all(w in common for w in words) and rng.random() < 0.5:
                text = re.sub(r"(?i)\bcompany limited\b|\bco\.?,? ?ltd\.?", "Co Ltd", value)
                text = re.sub(r"(?i)\bcorporation\b", "Corp", text) if rng.random() < 0.3 \
                    else text
                text = text.title() if rng.random() < 0.5 else text.upper()
                yield _case(f"common/{'person' if e.schema == 'Person' else 'org'}", text,
                            lists, e, value)
                break


def perturb(name: str, rng: random.Random) -> str:
    words = name.replace(",", " ").split()
    op = rng.randrange(4)
    long_words = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if op == 0 and len(words) > 1:
        rng.shuffle(words)
    elif op in (1, 2) and long_words:
        i = rng.choice(long_words)
        w = words[i]
        j = rng.randrange(1, len(w) - 2)
        words[i] = w[:j] + w[j + 1:] if op == 1 else w[:j] + w[j + 1] + w[j] + w[j + 2:]
    elif op == 3:
        words = [w.strip(".") for w in words]
    text = " ".join(words)
    return text.lower() if rng.random() < 0.3 else text


def typo_cases(lists: Lists, rng: random.Random) -> Iterator[Case]:
    for e in lists.entities.values():
        if rng.random() > 0.06 or e.schema not in (*ORGS, "Person"):
            continue
        names = [v for v in e.strong("Latin") if len(_words(v)) >= 2]
        if names:
            value = rng.choice(names)
            kind = "typo/person" if e.schema == "Person" else "typo/org"
            yield _case(kind, perturb(value, rng), lists, e, value)


_QWERTY = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


def _keyboard_neighbours(ch: str) -> str:
    """The letters beside ``ch`` on a QWERTY keyboard (same row)."""
    for row in _QWERTY:
        i = row.find(ch)
        if i >= 0:
            return row[max(i - 1, 0):i] + row[i + 1:i + 2]
    return ""


def keyboard_typo_cases(lists: Lists, rng: random.Random) -> Iterator[Case]:
    """One letter of one word struck on the key beside it, anywhere in the word, first and
    last letter included (``perturb`` leaves both ends alone): what a rule reading a
    word's ends as a different word (``one_word_inexact``) costs on real typing."""
    for e in lists.entities.values():
        if rng.random() > 0.04 or e.schema not in (*ORGS, "Person"):
            continue
        names = [v for v in e.strong("Latin") if len(_words(v)) >= 2]
        if not names:
            continue
        value = rng.choice(names)
        words = value.split()
        long_words = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()
                      and w.isascii()]
        if not long_words:
            continue
        i = rng.choice(long_words)
        w = words[i]
        j = rng.randrange(len(w))
        near = _keyboard_neighbours(w[j].lower())
        if not near:
            continue
        sub = rng.choice(near)
        words[i] = w[:j] + (sub.upper() if w[j].isupper() else sub) + w[j + 1:]
        kind = "typo/keyboard-person" if e.schema == "Person" else "typo/keyboard-org"
        yield _case(kind, " ".join(words), lists, e, value)


_TITLES = ["Mr", "Dr", "President", "General", "Colonel", "Sheikh"]


def person_cases(lists: Lists, rng: random.Random) -> Iterator[Case]:
    """Person-name habits: surname first with a comma, given names as initials, a missing
    middle name."""
    surnames: dict[str, set[str]] = defaultdict(set)
    for e in lists.entities.values():
        if e.schema == "Person":
            for v in e.strong("Latin"):
                if "," not in v and len(v.split()) >= 2:
                    surnames[v.split()[-1].lower()].add(e.entity_id)
    for e in lists.entities.values():
        if e.schema != "Person" or rng.random() > 0.1:
            continue
        names = [v for v in e.strong("Latin") if "," not in v and 2 <= len(v.split()) <= 4
                 and all(w.isalpha() for w in v.split())]
        if not names:
            continue
        value = rng.choice(names)
        parts = value.split()
        style = rng.randrange(4)
        truth = None
        if style == 0:
            text = f"{parts[-1]}, {' '.join(parts[:-1])}"
        elif style == 1:
            text = " ".join([*(p[0] + "." for p in parts[:-1]), parts[-1]])
        elif style == 2 and len(parts) >= 3:
            text = f"{parts[0]} {parts[-1]}"
            # every listed person with these two names is a right answer (a name without
            # its middle name cannot tell Sergey Nikolaevich NEVEROV from Sergey NEVEROV)
            truth = lists.persons_named(text) | lists.party[e.entity_id]
        elif style == 3 and len(surnames.get(parts[-1].lower(), ())) == 1 and \
                len(parts[-1]) >= 6:
            text = f"{rng.choice(_TITLES)} {parts[-1]}"
            truth = lists.persons_named(parts[-1]) | lists.party[e.entity_id]
        else:
            continue
        yield _case(f"person/{['comma', 'initials', 'short', 'title'][style]}", text, lists,
                    e, value, truth=truth)


# -------------------------------------------------------------------------- negatives

_SYL = ["ka", "ro", "ven", "tal", "mi", "dor", "sel", "qui", "bra", "nov", "zet", "lu", "pax",
        "ter", "vio", "gan", "mox", "ril", "sa", "fen", "dru", "ost", "yal", "cor", "bel",
        "nur", "tek", "vad", "lim", "zor"]


def invented_word(rng: random.Random, vocabulary: set[str]) -> str:
    while True:
        word = "".join(rng.choice(_SYL) for _ in range(rng.randint(2, 3)))
        folded = fold_phrase(word)
        if folded and folded[0] not in vocabulary:
            return word.capitalize()


def _close_to_listed(word: str, index: dict[int, list[str]]) -> bool:
    from rapidfuzz.distance import Levenshtein

    folded = fold_phrase(word)
    if not folded:
        return True
    w = folded[0]
    for n in range(len(w) - 2, len(w) + 3):
        for v in index.get(n, ()):
            if Levenshtein.distance(w, v, score_cutoff=2) <= 2:
                return True
    return False


def hard_negative_cases(lists: Lists, rng: random.Random, by_len: dict[int, list[str]]
                        ) -> Iterator[Case]:
    """A listed organisation name with its one distinctive word replaced by an invented
    word no list has (within two edits)."""
    for e in lists.entities.values():
        if e.schema not in ORGS or rng.random() > 0.12:
            continue
        names = e.strong("Latin")
        if not names:
            continue
        value = rng.choice(names)
        words = value.split()
        distinct = [i for i, w in enumerate(words)
                    if re.sub(r"\W", "", w).lower() not in GENERIC and len(w) >= 4
                    and w.isalpha()]
        if len(distinct) != 1 or len(words) < 2:
            continue
        for _ in range(20):
            new = invented_word(rng, lists.vocabulary)
            if not _close_to_listed(new, by_len):
                break
        else:
            continue
        i = distinct[0]
        words[i] = new.upper() if words[i].isupper() else new
        text = " ".join(words)
        if not lists.listed(text):
            yield Case("neg/invented_word", Query(text, e.schema), frozenset(),
                       held_out(e.entity_id), source_name=value)


def number_cases(lists: Lists, rng: random.Random) -> Iterator[Case]:
    """A listed name whose number is changed ("Brigade 44" -> "Brigade 45"), when no list
    has a name with those words and the new number."""
    numbered: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for e in lists.entities.values():
        for value in e.strong("Latin"):
            words = _words(value)
            key = tuple(sorted(w for w in words if not w.isdigit()))
            numbered[key].update(w for w in words if w.isdigit())
    for e in lists.entities.values():
        for value in e.strong("Latin"):
            m = re.search(r"(?<![\w-])(\d{1,4})(?![\w-])", value)
            if not m or rng.random() > 0.6 or re.search(r"(?i)\bborn\b|\b(19|20)\d\d\b",
                                                       value):
                continue
            n = int(m.group(1))
            other = str(n + rng.choice([1, 2, 3, 7]))
            text = value[:m.start()] + other + value[m.end():]
            key = tuple(sorted(w for w in _words(text) if not w.isdigit()))
            if other not in numbered.get(key, set()) and not lists.listed(text):
                yield Case("neg/number", Query(text, e.schema), frozenset(),
                           held_out(e.entity_id), source_name=value)
            break


# Given names and surnames of many cultures, written for this benchmark; (Latin, native).
CULTURES: dict[str, tuple[list[str], list[str], Callable[[str], str] | None]] = {
    "english": (["James", "Emily", "Oliver", "Charlotte", "Henry", "Amelia", "Jack", "Grace",
                 "Thomas", "Lucy", "Daniel", "Hannah", "Samuel", "Chloe", "Matthew"],
                ["Thornbury", "Whitfield", "Ashcombe", "Pemberton", "Haverley",
                 "Kingsbury", "Fairbanks", "Wetherall", "Blackwood", "Ellsworth",
                 "Hollings", "Marchbank", "Radcliffe"], None),
    "german": (["Lukas", "Anna", "Jonas", "Lea", "Felix", "Marie", "Maximilian", "Sophie",
                "Tobias", "Hannah", "Florian", "Katharina"],
               ["Brandstetter", "Hufnagel", "Kesselring", "Obermaier", "Rieckhoff",
                "Schwarzkopf", "Tannhauser", "Wendlinger", "Zirngibl", "Lautenbach",
                "Pfisterer"], None),
    "spanish": (["Alejandro", "Lucía", "Mateo", "Valentina", "Santiago", "Camila", "Diego",
                 "Isabela", "Joaquín", "Martina"],
                ["Echeverría", "Villalobos", "Castañeda", "Arrieta", "Zubizarreta",
                 "Olabarría", "Bustamante", "Landaburu", "Urquiza"], None),
    "russian": (["Артём", "Ксения", "Тимофей", "Полина", "Матвей", "Варвара", "Всеволод",
                 "Милана", "Ярослав", "Злата"],
                ["Белозёров", "Кудрявцев", "Перепёлкин", "Толокнов", "Ширяев", "Звягинцев",
                 "Лопухов", "Гречишников", "Мухортов", "Сыромятников"], None),
    "chinese": (["伟", "芳", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超",
                 "秀英", "桂英", "建华", "志强", "晓明"],
                ["赵", "钱", "孙", "周", "吴", "郑", "冯", "陈", "褚", "卫", "蒋", "沈", "韩",
                 "杨"], None),
    "arabic": (["عبدالرحيم", "نزار", "وليد", "سامر", "غسان", "رامي", "هشام", "فراس", "زياد",
                "ماهر"],
               ["الشمري", "العتيبي", "الدوسري", "القحطاني", "الزهراني", "المطيري", "الحربي",
                "الغامدي"],
               None),
    "persian": (["Kourosh", "Dariush", "Shirin", "Parvaneh", "Bahram", "Farhad", "Niloufar",
                 "Arash", "Siavash"],
                ["Farahani", "Tabrizi", "Golestani", "Mirzaei", "Kermani", "Esfandiari",
                 "Rostami"], None),
    "turkish": (["Emre", "Elif", "Burak", "Zeynep", "Mert", "Ayşe", "Oğuz", "Ceren", "Kaan",
                 "Selin"],
                ["Yılmazer", "Karabacak", "Çelikkaya", "Öztürkmen", "Bozkurtoğlu", "Eryılmaz",
                 "Kocabıyık"],
                None),
    "indian": (["Aarav", "Priya", "Vihaan", "Ananya", "Arjun", "Diya", "Rohan", "Kavya", "Ishaan",
                "Meera"],
               ["Ramaswamy", "Bhattacharya", "Venkataraman", "Chaturvedi", "Deshpande",
                "Raghunathan"],
               None),
    "korean": (["민준", "서연", "도윤", "하은", "시우", "지민", "예준", "수아"],
               ["김", "이", "박", "최", "정", "강", "조", "윤"], None),
    "japanese": (["Haruto", "Yui", "Sota", "Hina", "Yuto", "Aoi", "Riku", "Mei"],
                 ["Takahashi", "Watanabe", "Yamaguchi", "Nakamura", "Kobayashi",
                  "Matsumoto"], None),
    "georgian": (["Giorgi", "Nino", "Levan", "Tamar", "Davit", "Mariam", "Irakli", "Ketevan"],
                 ["Beridze", "Kapanadze", "Gelashvili", "Lomidze", "Chikovani", "Tsereteli"], None),
    "vietnamese": (["Minh", "Lan", "Tuan", "Huong", "Duc", "Mai", "Quang", "Thu"],
                   ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Phan", "Vu", "Dang"], None),
    "african": (["Chukwuemeka", "Adaeze", "Oluwaseun", "Ngozi", "Kwame", "Abena", "Tendai",
                 "Thandiwe"],
                ["Okonkwo", "Adeyemi", "Mensah", "Boateng", "Mutasa", "Dlamini",
                 "Nwachukwu"], None),
}
_SCRIPT_TRANSFORMS = {"georgian": "Latin-Georgian", "indian": "Latin-Devanagari",
                      "japanese": "Latin-Katakana", "english": None}


def _icu(transform: str, text: str) -> str:
    import icu

    return str(icu.Transliterator.createInstance(transform).transliterate(text))


def person_negative_cases(lists: Lists, rng: random.Random, count: int, holdout: bool
                          ) -> Iterator[Case]:
    """People who are on no list, from many cultures, in Latin and native scripts."""
    cultures = sorted(CULTURES)
    made = 0
    tries = 0
    while made < count and tries < count * 20:
        tries += 1
        culture = rng.choice(cultures)
        given, surnames, _ = CULTURES[culture]
        g, s = rng.choice(given), rng.choice(surnames)
        if culture == "chinese":
            text = s + g
        elif culture == "korean":
            text = s + g if rng.random() < 0.7 else f"{s} {g}"
        elif culture == "arabic":
            g2 = rng.choice(given)
            text = f"{g} {g2} {s}" if g2 != g else f"{g} {s}"
        elif culture == "russian":
            text = f"{s} {g}" if rng.random() < 0.5 else f"{g} {s}"
        else:
            text = f"{g} {s}" if rng.random() < 0.7 else f"{s}, {g}"
            transform = _SCRIPT_TRANSFORMS.get(culture)
            if transform and rng.random() < 0.4:
                text = _icu(transform, f"{g} {s}".lower())
        if lists.listed(text):
            continue
        made += 1
        yield Case(f"neg/person-{culture}", Query(text, "Person"), frozenset(), holdout)


# Ordinary words firms take as names, and trade words. Each word belongs to one partition
# (hashed like entities): a held-out firm is made only of words the tune partition never
# showed, so a rule written for "Golden Trading" cannot make the held-out figure.
_REAL_WORD_TEXT = """
Blue River Silver Maple Harbor Northern Eastern Golden Summit Crystal Falcon Orchid Meadow
Granite Horizon Pioneer Lotus Cedar Amber Coral Ivory Sapphire Phoenix Orion Aurora Willow
Evergreen Sunrise Atlas Beacon Bright Canyon Cascade Celestial Comet Compass Crown Delta
Diamond Eagle Echo Emerald Empire Everest Fortune Frontier Galaxy Garnet Glacier Grand Green
Harmony Hawk Heritage Highland Honey Imperial Infinity Island Jade Jasper Jupiter Keystone Lake
Legacy Liberty Lighthouse Lion Lunar Magnolia Majestic Marble Mercury Meridian Mountain Nebula
Noble Oak Ocean Olympus Onyx Pacific Palm Panda Paragon Peak Pearl Pegasus Pine Planet Polar
Prairie Prime Prism Quantum Radiant Rainbow Raven Red Regal Ridge Royal Ruby Saturn Sequoia
Shadow Sierra Sky Spring Star Sterling Stone Storm Sun Swift Tiger Titan Topaz Trinity Triumph
Tulip Unity Valley Vanguard Velvet Venus Victory Vista Vortex Wave West White Wind Wolf Zenith"""
_REAL_WORDS = _REAL_WORD_TEXT.split()
_TRADE = ["Trading", "Logistics", "Electronics", "Technology", "Industrial", "Import Export",
          "Components", "Engineering", "Supply", "Machinery", "Solutions", "Systems",
          "Industries", "Trade", "Commerce", "Holdings", "International", "Enterprises",
          "Manufacturing", "Devices", "Instruments", "Automation", "Semiconductor",
          "Microelectronics", "Equipment", "Materials", "Precision", "Resources", "Ventures",
          "Distribution", "Shipping", "Services", "Tools", "Optics", "Sourcing"]
_FORMS = ["LLC", "Ltd", "Co., Ltd.", "GmbH", "Limited", "FZE", "LLP", "Inc.", "S.A.", "OOO",
          "JSC", "Pte Ltd", "Corp.", "Company Limited", "Sdn Bhd", "Ltd.", "DMCC", "B.V."]


def _word_partition(words: Sequence[str], holdout: bool) -> list[str]:
    return [w for w in words if held_out(f"word:{w}") == holdout]


def _firm_words(lists: Lists, rng: random.Random, real: list[str], trade: list[str]
                ) -> list[str]:
    """An invented word or one or two ordinary ones, then one or two trade words."""
    if rng.random() < 0.5:
        head = invented_word(rng, lists.vocabulary)
    else:
        head = " ".join(rng.sample(real, rng.randint(1, 2)))
    return [head, *rng.sample(trade, rng.randint(1, 2))]


def company_negative_cases(lists: Lists, rng: random.Random, count: int, holdout: bool
                           ) -> Iterator[Case]:
    """Firms on no list: invented or ordinary words, trade words, a legal form."""
    real, trade = _word_partition(_REAL_WORDS, holdout), _word_partition(_TRADE, holdout)
    made = 0
    while made < count:
        text = " ".join([*_firm_words(lists, rng, real, trade), rng.choice(_FORMS)])
        if lists.listed(text):
            continue
        made += 1
        yield Case("neg/company", Query(text, rng.choice(["Company", "LegalEntity"])),
                   frozenset(), holdout)


# Firms on no list written in Han, screened against the lists' Latin names: a firm's own name
# (字号) of two characters as Chinese names are made, or of three or four written by sound as
# Chinese writes a foreign name (the readings ``han_loanword`` compares), an industry, a form.
_HAN_PLACES = ["深圳市", "广州", "上海", "北京", "香港", "宁波", "义乌市", "厦门", "武汉", "成都",
               "杭州", "东莞", "苏州", "天津", "青岛", "大连", ""]
_HAN_NAME_CHARS = ("华兴盛达恒鑫泰宏丰源瑞祥金和安信邦通汇联嘉永佳海天新远荣晟昌"
                   "隆富顺凯辉腾飞宇创捷益润")
_HAN_SOUND_CHARS = ("斯克特德尔姆莱维沃阿诺普博登艾伦马罗卡拉奥丹凯利欧赛巴贝迪菲格汉杰科兰米尼帕"
                    "森泰威西亚伊泽索托")
_HAN_TRADES = ["电子", "科技", "电子科技", "贸易", "国际贸易", "进出口", "机械", "实业", "物流",
               "供应链管理", "技术", "光电", "半导体", "精密机械", "航空", "电子元件"]
_HAN_FORMS = ["有限公司", "有限责任公司", "股份有限公司", "集团有限公司"]


def han_company_negative_cases(lists: Lists, rng: random.Random, count: int, holdout: bool
                               ) -> Iterator[Case]:
    """Firms on no list, in Han characters, against the Latin names only."""
    names = _word_partition(list(_HAN_NAME_CHARS), holdout)
    sounds = _word_partition(list(_HAN_SOUND_CHARS), holdout)
    for _ in range(count):
        if rng.random() < 0.5:
            head = "".join(rng.sample(names, 2))
        else:
            head = "".join(rng.sample(sounds, rng.randint(3, 4)))
        text = (rng.choice(_HAN_PLACES) + head + "".join(rng.sample(_HAN_TRADES, rng.randint(1, 2)))
                + rng.choice(_HAN_FORMS))
        yield Case("neg/company-han", Query(text, "Company"), frozenset(), holdout,
                   latin_only=True)


_AR_FORMS = ["ش.ذ.م.م", "م.م.ح", "ش.م.ح", "ذ.م.م", ""]
_AR_FORM_OF = {"llc": "ش.ذ.م.م", "fze": "م.م.ح", "fzco": "ش.م.ح", "dmcc": "م.د.م.س",
               "pjsc": "ش.م.ع"}


def arabic_company_negative_cases(lists: Lists, rng: random.Random, count: int, holdout: bool
                                  ) -> Iterator[Case]:
    """Firms on no list as a Gulf registration writes an English name in Arabic letters
    (``to_arabic_loan``), against the Latin names only: the negatives beside
    ``script/arabic-loan-org``. The consonants of a short word meet many listed words
    (بيل is Bell, Bill or Polo); the vowels written are what tell them apart."""
    real, trade = _word_partition(_REAL_WORDS, holdout), _word_partition(_TRADE, holdout)
    made = 0
    while made < count:
        latin = " ".join(_firm_words(lists, rng, real, trade))
        if lists.listed(latin):
            continue
        made += 1
        text = f"{to_arabic_loan(latin, rng)} {rng.choice(_AR_FORMS)}".strip()
        yield Case("neg/company-arabic", Query(text, "Company"), frozenset(), holdout,
                   latin_only=True)


# ------------------------------------------------------------------------------- all


def verbatim_cases(lists: Lists, rng: random.Random) -> Iterator[Case]:
    for e in lists.entities.values():
        if rng.random() < 0.05:
            names = e.strong()
            if names:
                value = rng.choice(names)
                yield _case("verbatim/any", value, lists, e, value)


def build_cases(lists: Lists, seed: int = 11, negatives: int = 1500) -> list[Case]:
    """Every kind, seeded. Negatives made with ``seed`` are tuning cases, those made with
    ``seed + 1000`` are held out."""
    rng = random.Random(seed)
    by_len: dict[int, list[str]] = defaultdict(list)
    for v in lists.vocabulary:
        by_len[len(v)].append(v)
    cases: list[Case] = []
    generators: Sequence[Callable[[Lists, random.Random], Iterable[Case]]] = (
        verbatim_cases, cyrillic_cases, cyrillic_person_cases, chinese_cases,
        native_script_cases, partial_cases, common_word_cases, typo_cases, person_cases,
        number_cases)
    for gen in generators:
        cases.extend(gen(lists, rng))
    cases.extend(hard_negative_cases(lists, rng, by_len))
    for holdout, s in ((False, seed), (True, seed + 1000)):
        r = random.Random(s)
        cases.extend(person_negative_cases(lists, r, negatives, holdout))
        cases.extend(company_negative_cases(lists, r, negatives // 3, holdout))
    # Drawn apart, so that adding the kind left every other kind's cases as they were.
    cases.extend(keyboard_typo_cases(lists, random.Random(seed + 2000)))
    for holdout, s in ((False, seed + 3000), (True, seed + 4000)):
        cases.extend(han_company_negative_cases(lists, random.Random(s), negatives // 3,
                                                holdout))
    for holdout, s in ((False, seed + 5000), (True, seed + 6000)):
        cases.extend(arabic_company_negative_cases(lists, random.Random(s), negatives // 3,
                                                   holdout))
    cases.extend(arabic_loan_cases(lists, random.Random(seed + 7000)))
    return cases
