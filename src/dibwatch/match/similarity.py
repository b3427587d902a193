"""Token and name similarity: the alignment at the heart of the matcher.

Two names are compared as bags of folded tokens (word order is free). Every token carries a
weight (rare, distinctive words weigh more than "trading" or "group"); tokens are aligned one to
one, greedily by similarity, after merging adjacent tokens where one side writes a compound
("VladimirPutin", "Good Will"). The name score is the weight-averaged similarity of the aligned
tokens, with unaligned tokens counting against it — less so when the other name is wholly
covered (a missing middle name or branch word).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA, Levenshtein

from dibwatch.match.features import weight
from dibwatch.text.arabic_loans import vowels_conflict, writes_vowels
from dibwatch.text.fold import fold
from dibwatch.text.loanwords import loanword_sim
from dibwatch.text.org_kinds import org_kind_symbols
from dibwatch.text.vocab import FUNCTION_WORDS

Weigher = Callable[[str, str], float]  # (folded token, plain token) -> weight

# The parameters are declared, with their reasons, in dibwatch.match.features.
INITIAL_SIM = weight("initial")
PREFIX_SIM = weight("prefix")
TRUNCATION_SIM = weight("truncation")
ACRONYM_SIM = weight("acronym")
EDIT_COST = weight("token_edit")
SHORT_EDIT_COST = weight("short_token_edit")
VOWEL_EDIT_COST = weight("short_vowel_edit")
ORG_SHORT_EDIT_COST = weight("org_short_edit")
UNSEEN_TYPO_COST = weight("unseen_word_typo")
LOANWORD_SIM = weight("han_loanword")
VOWEL_CONFLICT_SIM = weight("abjad_vowel_conflict")
VOWELLED_MIN = weight("abjad_vowelled_partial")
QUERY_EXTRA = weight("query_extra")
LIST_EXTRA = weight("list_extra_person")
ORG_LIST_EXTRA = weight("list_extra_org")
UNALIGNED_FLOOR = weight("unaligned_floor")
PERSON_CONFLICT_FLOOR = weight("person_conflict_floor")
SYLLABLE_MISSING = weight("syllable_missing")
ORG_CONFLICT = weight("org_conflict")


def allowed_edits(length: int, person: bool = True) -> int:
    """Edits tolerated for a token of ``length`` characters after folding: short tokens must
    match exactly ("Oil" is not "Gas"), names one edit ("Netanyahu" / "Natanyahu"); two edits
    already make another real name ("Monteiro" / "Montenegro", "Orbán" / "Orbach"). Words of
    organisation names are mostly coined or common words, where a near neighbour is a typo
    ("Trafalgura" / "Trafigura"): they tolerate two edits from eight letters on (below,
    Golden / Goldi and Eastern / Eastech are other names)."""
    if length <= 3:
        return 0
    if not person:
        return 1 if length <= 7 else 2 if length <= 11 else 3
    if length <= 11:
        return 1
    if length <= 15:
        return 2
    return 3


_VOWEL_LETTERS = frozenset("aeiou")


def token_sim(a: str, b: str, *, person: bool = False, strict: bool = False) -> float:
    """Similarity of two folded words. ``strict``: words of five letters or fewer must be
    equal (a syllable romanised from Han or Hangul is the syllable or another one)."""
    if a == b:
        return 1.0
    la, lb = len(a), len(b)
    if la == 1 or lb == 1:
        if not person:
            return 0.0
        short, long_ = (a, b) if la == 1 else (b, a)
        return INITIAL_SIM if long_.startswith(short) else 0.0
    if la <= 2 or lb <= 2:
        return 0.0
    shortest, longest = (la, lb) if la < lb else (lb, la)
    if not person and shortest >= 4 and (a.startswith(b) or b.startswith(a)):
        # Tech / Technology, a word cut short (Nano / Nanotechnology, Muni / Municipal); in a
        # person's name Ming / Mingfu are two names
        return PREFIX_SIM if longest - shortest <= 3 else TRUNCATION_SIM
    if person and longest - shortest == 1 and (a == b + "a" or b == a + "a"):
        return 0.0  # the feminine form: Ivanov / Ivanova, Martin / Martina
    if person and longest <= 5:
        # Short names one letter apart are often other names: a different first letter
        # always (Rost / Trost, Bing / Ging), any other consonant at a price (Putin / Pudin);
        # a vowel for a vowel is a spelling (Omar / Umar, Ahmed / Ahmad).
        if strict or a[0] != b[0] or OSA.distance(a, b, score_cutoff=2) > 1:
            return 0.0
        diff = [(x, y) for x, y in zip(a, b, strict=False) if x != y] if la == lb else []
        vowel = len(diff) == 1 and diff[0][0] in _VOWEL_LETTERS and diff[0][1] in _VOWEL_LETTERS
        return 1.0 - (VOWEL_EDIT_COST if vowel else SHORT_EDIT_COST) / longest
    if strict and longest <= 5:
        return 0.0
    allowed = allowed_edits(longest, person)
    if longest - shortest > allowed:
        return 0.0
    # Optimal string alignment: a swap of two letters ("Schloz") is one edit, not two.
    dist = OSA.distance(a, b, score_cutoff=allowed + 1)
    if dist > allowed:
        return 0.0
    if not person and longest <= 7 and a[0] != b[0]:
        return 0.0  # Sater / Fater, Markal / Tarkal: another name, as in persons' names
    cost = ORG_SHORT_EDIT_COST if not person and longest <= 7 else EDIT_COST
    return 1.0 - cost * dist / longest


@lru_cache(maxsize=65_536)
def unseen_typo_sim(a: str, b: str, pa: str, pb: str) -> float:
    """A query word no list name has (``a``, plain ``pa``) against a list word of the same
    length, 5+ letters: one letter struck for another or two swapped, anywhere, the first
    letter included (Froup / GROUP, Shmed / AHMED). ``token_sim`` reads a different first
    letter or a short word's consonant as another name, which the lists might hold; a word
    they do not hold is a slip of the keys."""
    best = 0.0
    for x, y in ((a, b), (pa.replace(" ", "").casefold(), pb.replace(" ", "").casefold())):
        # A letter struck for another or two swapped keep the word's length; a letter more
        # or less at its start is as often another word (Ridge / BRIDGE, Range / ORANGE).
        if len(x) == len(y) >= 5 and x != y and OSA.distance(x, y, score_cutoff=1) <= 1:
            best = max(best, 1.0 - UNSEEN_TYPO_COST / len(x))
    return best


@dataclass(frozen=True)
class Aligned:
    query: str  # plain (unfolded) token(s), for the explanation
    candidate: str
    sim: float
    weight: float


@dataclass(frozen=True)
class NameScore:
    score: float
    aligned: tuple[Aligned, ...]
    unaligned_query: tuple[str, ...]
    unaligned_candidate: tuple[str, ...]
    exact: bool = False  # every word aligned with its equal, none left over


@dataclass
class _Side:
    tokens: list[str]
    plain: list[str]
    weights: list[float]


def _merge_compounds(side: _Side, other: list[str]) -> None:
    """Join runs of two or three adjacent tokens of ``side`` when the join is a token of
    ``other`` ("good will" / "goodwill", "plat ono vich" / "platonovich")."""
    if len(side.tokens) < 2:
        return
    targets = [t for t in other if len(t) >= 4 and t not in side.tokens]
    if not targets:
        return
    # A join within two letters of a target's length can be similar enough; others are
    # skipped before the string is built. Bit n of ``near`` is set for such a length n (a
    # bit mask: this runs for every pair of names compared).
    near = 0
    for target in targets:
        near |= 0b11111 << (len(target) - 2)
    lens = [len(t) for t in side.tokens]
    i = 0
    while i < len(lens) - 1:
        two = lens[i] + lens[i + 1]
        for span, length in ((3, two + lens[i + 2] if i + 2 < len(lens) else 0), (2, two)):
            if not length or not near >> length & 1:
                continue
            joined = "".join(side.tokens[i:i + span])
            readings = [joined]
            if any(len(t) <= 2 for t in side.tokens[i:i + span]):
                # A piece split off at an apostrophe ("Ch olhyon" for CH'OLHYO'N) folds
                # alone otherwise than inside the word (a final ch is h): fold the join.
                refolded = fold("".join(side.plain[i:i + span]).lower())
                if refolded != joined:
                    readings.append(refolded)
            found = next((r for r in readings if any(
                token_sim(r, t) >= 0.9 or _one_letter_longer(r, t) for t in targets)), None)
            if found is not None:
                side.tokens[i:i + span] = [found]
                side.plain[i:i + span] = [" ".join(side.plain[i:i + span])]
                side.weights[i:i + span] = [max(side.weights[i:i + span])]
                lens[i:i + span] = [len(found)]
                break
        i += 1


def _one_letter_longer(a: str, b: str) -> bool:
    """"kalubusi" / "kalubus": one edit, though token_sim scores it as a prefix."""
    return abs(len(a) - len(b)) == 1 and min(len(a), len(b)) >= 6 and (
        a.startswith(b) or b.startswith(a))


_KIND_SYMBOLS = org_kind_symbols()


def _merge_acronyms(side: _Side, other: _Side) -> tuple[int, int] | None:
    """A short token of ``side`` that spells the initials of a run of ``other``'s tokens
    ("pla" / "people's liberation army", "npp" / "nauchno proizvodstvennoe predpriyatie") is
    aligned with the whole run:
    the run is joined into one token equal to the acronym."""
    for k, token in enumerate(side.tokens):
        plain = side.plain[k]
        if not 3 <= len(token) <= 6 or not token.isalpha() or plain in _KIND_SYMBOLS or \
                plain in FUNCTION_WORDS:
            continue  # a kind of enterprise (NII, OKB) is resolved already; "the" is a word
        words = [(i, t) for i, t in enumerate(other.tokens) if t not in FUNCTION_WORDS]
        for start in range(len(words) - len(token) + 1):
            run = words[start:start + len(token)]
            if "".join(t[0] for _, t in run) != token or \
                    "".join(other.plain[i][:1] for i, _ in run).casefold() != plain.casefold():
                # the letters as written: folding spells Cedar "tsedar", and RTI is not
                # River Cedar Industrial
                continue
            if any(t in side.tokens for _, t in run):
                # "NEL Electronics" spells Electronics out: its E is another word, and NEL
                # does not stand for "Novdruven Electronics Logistics".
                continue
            first, last = run[0][0], run[-1][0]
            other.tokens[first:last + 1] = [token]
            other.plain[first:last + 1] = [" ".join(other.plain[first:last + 1])]
            other.weights[first:last + 1] = [max(other.weights[first:last + 1])]
            side.weights[k] = max(side.weights[k], other.weights[first]) * ACRONYM_SIM
            return k, first
    return None


@lru_cache(maxsize=262_144)
def _pair_sim(a: str, b: str, pa: str, pb: str, person: bool, strict: bool) -> float:
    """Folding makes romanisations meet; the plain spelling keeps what folding may blur. A
    pair is as similar as the better of the two views. Memoised: the same listed words meet
    every query's words (a pure function; the C cache is safe across threads)."""
    sim = token_sim(a, b, person=person, strict=strict)
    if sim < 1.0 and (pa != a or pb != b):
        sim = max(sim, token_sim(pa.replace(" ", ""), pb.replace(" ", ""),
                                 person=person, strict=strict))
    return sim


def compare_tokens(q_tokens: tuple[str, ...], q_plain: tuple[str, ...],
                   c_tokens: tuple[str, ...], c_plain: tuple[str, ...], weigh: Weigher,
                   *, person: bool = False, strict: bool = False,
                   q_weights: Sequence[float] | None = None,
                   c_weights: Sequence[float] | None = None,
                   unseen: Callable[[str], bool] | None = None,
                   han_side: str = "", abjad_side: str = "",
                   loan_reading: bool = False) -> NameScore:
    """``q_weights`` / ``c_weights``: the tokens' weights if the caller has them (a list
    name's weights are the same against every query); else ``weigh`` gives them.
    ``unseen(token)``: no list name has the query's word, so a slip of the keys is read
    as one (``unseen_typo_sim``). ``han_side`` ("q" or "c"): that side is an organisation's
    name romanised from Han and the other is Latin, so a word written by sound may render a
    foreign one (``loanword_sim``). ``abjad_side`` ("q" or "c"): that side is an
    organisation's name in Arabic script, compared with a Latin one by its consonants; the
    vowels it writes must be ones the Latin word has (``vowels_conflict``);
    ``loan_reading``: the words are read as English words in Arabic letters
    (``loan_skeleton``), and a word that writes its vowels agrees by its consonants in
    full or not at all."""
    if q_weights is None:
        q_weights = [weigh(t, p) for t, p in zip(q_tokens, q_plain, strict=True)]
    if q_tokens and sorted(q_tokens) == sorted(c_tokens) and not (
            abjad_side and _any_vowel_conflict(q_tokens, q_plain, c_tokens, c_plain,
                                               abjad_side, loan_reading)):  # any order
        # Each word shown as each side wrote it (MJYD = MAJID: equal as an abjad reads them).
        spelt: dict[str, list[str]] = {}
        for t, p in zip(c_tokens, c_plain, strict=True):
            spelt.setdefault(t, []).append(p)
        return NameScore(1.0, tuple(Aligned(p, spelt[t].pop(0), 1.0, 2 * w)
                                    for t, p, w in zip(q_tokens, q_plain, q_weights,
                                                       strict=True)), (), (), exact=True)
    if c_weights is None:
        c_weights = [weigh(t, p) for t, p in zip(c_tokens, c_plain, strict=True)]
    q = _Side(list(q_tokens), list(q_plain), list(q_weights))
    c = _Side(list(c_tokens), list(c_plain), list(c_weights))
    _merge_compounds(q, c.tokens)
    _merge_compounds(c, q.tokens)
    # Acronyms stand for organisations' words; in a person's name two letters are a
    # syllable (Su, Li) and initials are single letters.
    q_acronym = c_acronym = -1
    if not person:
        found = _merge_acronyms(q, c)
        if found is not None:
            q_acronym, c_acronym = found
        else:
            found = _merge_acronyms(c, q)
            if found is not None:
                c_acronym, q_acronym = found
    abbreviated = q_acronym >= 0
    pairs: list[tuple[float, float, int, int]] = []
    typos = [unseen is not None and not strict and max(len(a), len(p)) >= 5 and unseen(a)
             for a, p in zip(q.tokens, q.plain, strict=True)]
    for i, a in enumerate(q.tokens):
        for j, b in enumerate(c.tokens):
            # Folding makes romanisations meet; the plain spelling keeps what folding may
            # blur. A pair is as similar as the better of the two views.
            sim = _pair_sim(a, b, q.plain[i], c.plain[j], person, strict)
            if typos[i] and sim < 1.0:
                sim = max(sim, unseen_typo_sim(a, b, q.plain[i], c.plain[j]))
            if han_side and sim < LOANWORD_SIM:
                han, latin = (q.plain[i], c.plain[j]) if han_side == "q" else (
                    c.plain[j], q.plain[i])
                sim = max(sim, loanword_sim(han, latin.casefold(), LOANWORD_SIM))
            if abjad_side and sim > 0:
                abjad, latin = (q.plain[i], c.plain[j]) if abjad_side == "q" else (
                    c.plain[j], q.plain[i])
                if vowels_conflict(abjad, latin, loan=loan_reading):
                    sim = VOWEL_CONFLICT_SIM
                elif loan_reading and sim < VOWELLED_MIN and writes_vowels(abjad):
                    sim = 0.0
            if i == q_acronym or j == c_acronym:
                sim = min(sim, ACRONYM_SIM)  # an acronym is not its words spelled out
            if sim > 0:
                # An initial matched to a full name carries the initial's weight only.
                w = min(q.weights[i], c.weights[j]) * 2 if min(len(a), len(b)) == 1 else (
                    q.weights[i] + c.weights[j])
                pairs.append((sim, w, i, j))
    pairs.sort(key=lambda p: (-p[0], -p[1]))
    used_q: set[int] = set()
    used_c: set[int] = set()
    aligned: list[Aligned] = []
    matched: list[tuple[int, int]] = []
    for sim, w, i, j in pairs:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        matched.append((i, j))
        aligned.append(Aligned(q.plain[i], c.plain[j], sim, w))
    rest_q = [i for i in range(len(q.tokens)) if i not in used_q]
    rest_c = [j for j in range(len(c.tokens)) if j not in used_c]
    num = sum(a.sim * a.weight for a in aligned)
    # Words left over on both sides are a conflict ("al-Mosuli" where the list says
    # "al-Tikriti"), not a name spelt out more fully on one side: they count in full.
    conflict = bool(rest_q) and bool(rest_c)
    if person and not conflict:
        # A full name on one side stood in for by an initial on the other, while the other
        # side keeps a full name no one matched ("Abena Okonkwo" against "OGUNGBUYI, Abeni
        # O.": Okonkwo took the middle initial, the surname Ogungbuyi is left): the word the
        # initial took was really up against that name, and lost. A conflict, not a name
        # spelled out more fully.
        conflict = (
            (any(len(c.tokens[j]) > 1 for j in rest_c)
             and any(len(q.tokens[i]) > 1 and len(c.tokens[j]) == 1 for i, j in matched))
            or (any(len(q.tokens[i]) > 1 for i in rest_q)
                and any(len(c.tokens[j]) > 1 and len(q.tokens[i]) == 1 for i, j in matched)))
    lam_q = (1.0 if person else ORG_CONFLICT) if conflict else QUERY_EXTRA
    lam_c = (1.0 if person else ORG_CONFLICT) if conflict else (
        LIST_EXTRA if person else ORG_LIST_EXTRA)
    # Sharing a generic word ("group", "Chile") is weak evidence of a match, but a word one
    # side has and the other lacks marks a different organisation ("Banco Santander Chile"
    # is not "Banco Santander"): in organisation names a left-over word weighs at least
    # UNALIGNED_FLOOR.
    floor = (PERSON_CONFLICT_FLOOR if conflict else 0.0) if person else UNALIGNED_FLOOR
    if strict:
        # A syllable one side has and the other lacks is another name (Min / Min Jun).
        lam_q = lam_c = 1.0
        floor = PERSON_CONFLICT_FLOOR
    den = (sum(a.weight for a in aligned)
           + lam_q * sum(max(q.weights[i], floor) for i in rest_q)
           + lam_c * sum(max(c.weights[j], floor) for j in rest_c))
    score = num / den if den > 0 else 0.0
    if strict and person and (rest_q or rest_c):
        score = min(score, SYLLABLE_MISSING)
    # Spacing ("VladimirPutin") is no difference; an acronym for its words is.
    exact = not rest_q and not rest_c and not abbreviated and all(a.sim == 1.0
                                                                 for a in aligned)
    return NameScore(1.0 if exact else score, tuple(aligned),
                     tuple(q.plain[i] for i in rest_q), tuple(c.plain[j] for j in rest_c),
                     exact=exact)


def _any_vowel_conflict(q_tokens: tuple[str, ...], q_plain: tuple[str, ...],
                        c_tokens: tuple[str, ...], c_plain: tuple[str, ...],
                        abjad_side: str, loan: bool) -> bool:
    """Words equal as consonants, one of them with vowels the other cannot have."""
    return any(vowels_conflict(p, r, loan) if abjad_side == "q" else vowels_conflict(r, p, loan)
               for t, p in zip(q_tokens, q_plain, strict=True)
               for u, r in zip(c_tokens, c_plain, strict=True) if t == u)


def native_sim(a: str, b: str) -> float:
    """Similarity of two names in a syllabic script: each differing character is a different
    syllable, so one edit in a three-character name is already another name."""
    if a == b:
        return 1.0
    longest = max(len(a), len(b))
    dist = Levenshtein.distance(a, b)
    return max(0.0, 1.0 - 2.0 * dist / longest)
