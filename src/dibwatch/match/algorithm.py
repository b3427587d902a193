"""Matching algorithms: named, versioned classes with documented features."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any, ClassVar

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from dibwatch.match.features import feature_table, weight
from dibwatch.match.names import PERSON, NameForm, analyse, article_readings
from dibwatch.match.similarity import NameScore, compare_tokens, native_sim
from dibwatch.model.entity import Identifier, NameKind
from dibwatch.text.arabic_loans import loan_skeleton
from dibwatch.text.fold import fold, gost_b_variant
from dibwatch.text.legal_forms import form_family, form_kind, legal_forms
from dibwatch.text.name_parts import name_variants
from dibwatch.text.slips import read_slips
from dibwatch.text.translit import pinyin_word
from dibwatch.text.vocab import FUNCTION_WORDS, generic_weight, generic_weights

__doc__ = f"""Matching algorithms: named, versioned classes with documented features.

``dibwatch-v1`` scores a query (a name, optionally schema, countries and identifiers) against
a list entity in [0, 1]; at or above its threshold (0.70) the pair is a match. Its features,
declared once in :mod:`dibwatch.match.features` (this table is generated from there):

{feature_table("rst")}
"""

ABJADS = frozenset({"Arabic", "Hebrew"})
ORG_SCHEMATA = frozenset({"Company", "Organization", "LegalEntity"})
CRAFT = frozenset({"Vessel", "Airplane"})
UNIQUE_SCHEMES = frozenset({"INN", "OGRN", "USCC", "LEI", "IMO", "BIC", "OKPO", "MMSI"})
REGISTRATION_SCHEMES = frozenset({"REG_NO", "TAX_ID", "VAT"})
# Schemes whose values name the same thing: an OGRNIP is an OGRN of a sole trader; OFAC
# gives IMO company numbers where a query says just "IMO".
_SCHEME_FAMILY = {"OGRNIP": "OGRN", "IMO_COMPANY": "IMO"}

WEAK_CAP = weight("weak_alias")
GENERIC_CAP = weight("generic_only")
SINGLE_WORD_CAP = weight("single_word_list_name")
ID_FLOOR = weight("identifier_match")
DIGIT_WEIGHT = weight("digit_weight")
SHORT_WEIGHT = weight("short_word_weight")
# A word this rare (TokenRarity) inside a list name marks another body when the query lacks
# it; commoner ones (Bank, Design, Bureau: 0.46-0.71) are left out of short names.
RARE_WORD = 0.8
# Words this generic (Trading, Group, Industrial) fill out a firm's name; a query keeping one
# after a word it left out is another firm of the same words (skipped_list_word).
FILLER_WORD = 0.15
IdfFn = Callable[[str], float]


@lru_cache(maxsize=1)
def _person_weights() -> dict[str, float]:
    path = resources.files("dibwatch.match").joinpath("data/person_name_weights.csv")
    with path.open(encoding="utf-8") as fh:
        return {r["token"]: float(r["weight"]) for r in csv.DictReader(fh)}


_VOWELS = str.maketrans({"p": "b", **{v: None for v in "aeiouywv"}})


@lru_cache(maxsize=100_000)
def skeleton(token: str) -> str:
    """The consonants of a folded token, as an abjad writes them: "mohammed" and "mhmd" both
    give "mhmd"; p and b merge (Arabic has no p), and w/v go with the vowels: waw writes w,
    v, u and o alike (Delawar / دلاور)."""
    out = token.translate(_VOWELS)
    collapsed = "".join(ch for i, ch in enumerate(out) if i == 0 or ch != out[i - 1])
    return collapsed or token


_ABJAD_Z = str.maketrans({"z": "d"})


@lru_cache(maxsize=100_000)
def abjad_skeleton(plain: str) -> str:
    """The skeleton of a word as an abjad spelling is compared with it. Folding reads j as
    the y of Yuri and Jurij (j -> i) except before i: but ج is always a consonant, and
    folding MJYD (مجيد) to "mid" while MAJID keeps its j lost the pair. A j written dj folds
    to itself, on both sides alike. A French ch is the sh of ش (ALOUCHE / علوش), which
    folding would make an h; and z is d: ض ظ ذ are d or dh in Arabic, z in Persian (رضا
    Reza, ظاهر Dahir, ذاکر Zakir), as the ``a:`` keys have it."""
    spelt = plain.replace("ch", "sh").replace("dj", "j").replace("j", "dj")
    return skeleton(fold(spelt)).translate(_ABJAD_Z)


def person_weight(token: str) -> float:
    """Weight of a word in a person's name: particles (al, bin, van) and very common given
    names identify little; ``data/person_name_weights.csv`` holds the table."""
    return _person_weights().get(token, 1.0)


@dataclass(frozen=True)
class Query:
    """What is screened: a trade party, a firm, a name typed by an analyst. For a vessel or
    aircraft, ``countries`` are compared with its flag."""

    name: str
    schema: str | None = None
    countries: tuple[str, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @cached_property  # asked once per candidate scored; frozen fields, so computed once
    def variants(self) -> tuple[str, ...]:
        """The names screened: each name field split as list fields are (``name_parts``), so
        that a name copied verbatim from a list file meets the entity made of it."""
        person = self.schema == PERSON
        split = [v for n in self.names if n and n.strip()
                 for v in name_variants(n, person=person)]
        # A name that may be GOST-romanised Russian is screened under that reading too.
        gost = [g for v in split if (g := gost_b_variant(v)) is not None]
        return tuple(dict.fromkeys([*split, *gost]))


@dataclass(frozen=True)
class CandidateName:
    value: str
    kind: NameKind
    form: NameForm


@dataclass(frozen=True)
class Candidate:
    """A list entity as the matcher sees it."""

    entity_id: str
    schema: str
    caption: str
    names: tuple[CandidateName, ...]
    countries: frozenset[str] = frozenset()
    identifiers: tuple[Identifier, ...] = ()
    flags: frozenset[str] = frozenset()  # a vessel's or aircraft's flag (ISO alpha-2)


@dataclass(frozen=True)
class Feature:
    name: str
    contribution: float
    detail: str


@dataclass(frozen=True)
class Match:
    entity_id: str
    score: float
    is_match: bool
    query_name: str
    matched_name: str
    name_score: NameScore | None
    features: tuple[Feature, ...] = field(default_factory=tuple)

    def explanation(self) -> dict[str, Any]:
        """A JSON-ready account of why the score is what it is."""
        out: dict[str, Any] = {"query_name": self.query_name, "matched_name": self.matched_name}
        if self.name_score is not None:
            out["aligned"] = [[a.query, a.candidate, round(a.sim, 3)]
                              for a in self.name_score.aligned]
            if self.name_score.unaligned_query:
                out["unmatched_query_tokens"] = list(self.name_score.unaligned_query)
            if self.name_score.unaligned_candidate:
                out["unmatched_list_tokens"] = list(self.name_score.unaligned_candidate)
        out["features"] = [[f.name, round(f.contribution, 3), f.detail] for f in self.features]
        return out

    def explain_text(self) -> str:
        parts = [f"'{self.query_name}' ~ '{self.matched_name}'"]
        if self.name_score is not None and self.name_score.aligned:
            parts.append(", ".join(f"{a.query}={a.candidate}"
                                   + ("" if a.sim == 1 else f"({a.sim:.2f})")
                                   for a in self.name_score.aligned))
        parts += [f"{f.name} {f.contribution:+.2f}" for f in self.features]
        return "; ".join(parts)


class Algorithm:
    name: ClassVar[str]
    version: ClassVar[str]
    threshold: ClassVar[float]

    def compare(self, query: Query, candidate: Candidate) -> Match:
        raise NotImplementedError


class _Memo:
    """A bounded memo of a pure function's results. Shared by threads: a value depends on
    its key alone, so a race costs a recomputation, never a wrong answer."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.data: dict[Any, Any] = {}

    def get(self, key: Any) -> Any:
        return self.data.get(key)

    def put(self, key: Any, value: Any) -> None:
        if len(self.data) >= self.size:
            self.data = {}  # replaced, not cleared: a reader keeps a consistent dict
        self.data[key] = value


@dataclass(frozen=True)
class _NameEvidence:
    """One query name against one list name: what the pair is worth."""

    form: NameForm
    name: CandidateName
    score: NameScore
    value: float  # the name feature (capped at WEAK_CAP for a weak alias)
    exact: bool
    features: list[Feature]
    cap: tuple[str, float, str] | None
    effective: float  # value with the pair's own features and cap: what picks the best pair


class DibwatchV1(Algorithm):
    """Token alignment with rarity weights plus identifier, schema, number, legal-form,
    country and flag features; the module docstring has the feature table.

    An instance holds no state of one comparison: it is shared by the server's threads and
    by forked workers; its memos hold pure results keyed by everything they depend on."""

    name = "dibwatch-v1"
    version = "2.13"
    threshold = 0.70

    def __init__(self, idf: IdfFn | None = None,
                 unseen: Callable[[str], bool] | None = None) -> None:
        # idf(folded token) -> rarity factor in (0, 1]; without a corpus every word is
        # equally rare and only the generic-word table lowers weights. unseen(folded
        # token): no list name has it (a query word's slip of the keys is read as one).
        self._idf = idf
        self._unseen = unseen
        self._weights = _Memo(500_000)
        self._form_weights = _Memo(200_000)
        self._scores = _Memo(100_000)
        self._slips = _Memo(20_000)

    def clear_memos(self) -> None:
        self._weights = _Memo(self._weights.size)
        self._form_weights = _Memo(self._form_weights.size)
        self._scores = _Memo(self._scores.size)
        self._slips = _Memo(self._slips.size)

    # -- weights --------------------------------------------------------------------------
    def weigh(self, token: str, plain: str, person: bool) -> float:
        key = (token, plain, person)
        cached: float | None = self._weights.get(key)
        if cached is None:
            cached = self._weigh(token, plain, person)
            self._weights.put(key, cached)
        return cached

    def _weigh(self, token: str, plain: str, person: bool) -> float:
        w = generic_weight(plain)
        if person:
            w = min(w, person_weight(plain))
        if token.isdigit():
            w *= DIGIT_WEIGHT
        elif len(token) <= 2 and not person:
            w *= SHORT_WEIGHT
        if self._idf is not None:
            w *= self._idf(token)
        return w

    # -- names ----------------------------------------------------------------------------
    def name_score(self, q: NameForm, c: NameForm, person: bool) -> NameScore:
        key = (q.original, c.original, person)
        cached: NameScore | None = self._scores.get(key)
        if cached is None:
            cached = self._name_score(q, c, person)
            self._scores.put(key, cached)
        return cached

    def _name_score(self, q: NameForm, c: NameForm, person: bool) -> NameScore:
        def weigh(token: str, plain: str) -> float:
            return self.weigh(token, plain, person)

        if q.native and c.native:
            sim = native_sim(q.native, c.native)
            return NameScore(sim, (), (), (), exact=sim == 1.0)
        if (q.script in ABJADS) != (c.script in ABJADS) and q.tokens and c.tokens:
            # Arabic and Hebrew script leave most vowels unwritten: compare consonants. The
            # agreement is never exact: vowels were guessed.
            # "Jalal al-Din" is mostly written Jalaluddin: each side is also read with its
            # "X al Y" run together, and the best reading counts.
            abjad_side = "" if person else "q" if q.script == "Arabic" else (
                "c" if c.script == "Arabic" else "")
            readings = [(tuple(map(abjad_skeleton, qp)), qp, tuple(map(abjad_skeleton, cp)), cp,
                         False) for qp in _readings(q.plain) for cp in _readings(c.plain)]
            if abjad_side:
                # An organisation's English name in Arabic letters: read as one, too.
                readings.append((_loan_reading(q.plain, abjad_side == "q"), q.plain,
                                 _loan_reading(c.plain, abjad_side == "c"), c.plain, True))
            found = max((compare_tokens(qs, qp, cs, cp, weigh, person=person,
                                        abjad_side=abjad_side, loan_reading=loan)
                         for qs, qp, cs, cp, loan in readings), key=lambda s: s.score)
            return NameScore(min(found.score, 0.99), found.aligned, found.unaligned_query,
                             found.unaligned_candidate)
        # A name written in a syllabic script against a romanised one: each romanised
        # syllable is that syllable or another, never a near spelling of it.
        strict = (q.native is None) != (c.native is None)
        if strict and person and "Han" in (q.script, c.script):
            # A Chinese name is pinyin, letter for letter: folding would merge Yang with
            # Korean Jang.
            return compare_tokens(q.plain, q.plain, c.plain, c.plain, weigh, person=person,
                                  strict=True)
        han_side = ""
        if strict and not person and "Latin" in (q.script, c.script):
            han_side = "q" if q.script == "Han" else "c" if c.script == "Han" else ""
        return compare_tokens(q.tokens, q.plain, c.tokens, c.plain, weigh, person=person,
                              strict=strict, q_weights=self.weights(q, person),
                              c_weights=self.weights(c, person), unseen=self._unseen,
                              han_side=han_side)

    def weights(self, form: NameForm, person: bool) -> tuple[float, ...]:
        """The weights of ``form``'s tokens: a list name's are asked for against every
        query that reaches it."""
        key = (form.tokens, form.plain, person)
        cached: tuple[float, ...] | None = self._form_weights.get(key)
        if cached is None:
            cached = tuple(self.weigh(t, p, person) for t, p in zip(form.tokens, form.plain,
                                                                    strict=True))
            self._form_weights.put(key, cached)
        return cached

    @staticmethod
    def _generic_only(form: NameForm) -> bool:
        return bool(form.plain) and not form.native and _all_generic(form.plain)

    # -- the comparison -------------------------------------------------------------------
    def compare(self, query: Query, candidate: Candidate) -> Match:
        schema = query.schema or candidate.schema
        person = schema == PERSON
        # The best of the query's names against the entity's names, judged with what each
        # pair says besides its words (numbers, legal forms, extra words) and its caps.
        best: _NameEvidence | None = None
        # Words of any of the entity's names: a query word one of them has is no word
        # "beyond" a shorter alias (COMMERCIAL NOVIKOMBANK against the alias NOVIKOMBANK of
        # JOINT STOCK COMMERCIAL BANK NOVIKOMBANK).
        entity_words = frozenset(w for cn in candidate.names for w in cn.form.plain)
        for form in _distinct_forms(query.variants, schema):
            for cn in candidate.names:
                found = self._evidence(form, cn, person, entity_words)
                if best is None or (found.effective, found.exact) > (best.effective,
                                                                     best.exact):
                    best = found
        for form, slip in self._slip_forms(query.variants, schema):
            for cn in candidate.names:
                found = self._evidence(form, cn, person, entity_words)
                found = replace(found, features=[*found.features, slip],
                                effective=found.effective + slip.contribution)
                if best is None or (found.effective, found.exact) > (best.effective,
                                                                     best.exact):
                    best = found
        features: list[Feature] = []
        if best is not None:
            features.append(Feature("name", best.value, "best name alignment"))
            if best.exact:
                features.append(Feature("exact_name", 0.0, "the same words as a listed name"))
            features += best.features
        features += self._identifier_features(query, candidate)
        # A name with a legal form is an organisation's, whatever schema the query left out.
        query_schema = query.schema or (
            "LegalEntity" if best is not None and best.form.legal_forms else None)
        if query_schema and _schema_conflict(query_schema, candidate.schema):
            features.append(Feature("schema_conflict", weight("schema_conflict"),
                                    f"{query_schema} vs {candidate.schema}"))
        features += _place_features(query, candidate)
        total = sum(f.contribution for f in features)
        if any(f.name == "identifier_match" for f in features):
            total = max(total, ID_FLOOR)
        elif best is not None and best.cap is not None and total > best.cap[1]:
            features.append(Feature(best.cap[0], best.cap[1] - total, best.cap[2]))
            total = best.cap[1]
        total = max(0.0, min(1.0, total))
        return Match(candidate.entity_id, total, total >= self.threshold,
                     best.form.original if best else query.name,
                     best.name.value if best else "", best.score if best else None,
                     tuple(features))

    def _slip_forms(self, variants: tuple[str, ...], schema: str | None
                    ) -> tuple[tuple[NameForm, Feature], ...]:
        """The query's names with mistyped words of the tables read as the words ("Joibt
        Stock Company" as "Joint Stock Company"), when no list name has the word as written;
        each with its ``read_as_slip`` feature. Organisations only: the tables are of
        organisations' words."""
        if self._unseen is None or schema == PERSON:
            return ()
        key = (variants, schema)
        cached: tuple[tuple[NameForm, Feature], ...] | None = self._slips.get(key)
        if cached is None:
            plain = {(f.tokens, f.legal_forms, f.numbers) for f in _distinct_forms(variants,
                                                                                schema)}
            found: dict[tuple[object, ...], tuple[NameForm, Feature]] = {}
            for name in variants:
                read = read_slips(name, self._unseen)
                if read is None:
                    continue
                form = analyse(read[0], schema)
                form_key = (form.tokens, form.legal_forms, form.numbers)
                if form_key not in plain:
                    found.setdefault(form_key, (form, Feature(
                        "read_as_slip", weight("read_as_slip"), ", ".join(read[1]))))
            cached = tuple(found.values())
            self._slips.put(key, cached)
        return cached

    def _evidence(self, form: NameForm, cn: CandidateName, person: bool,
                  entity_words: frozenset[str] = frozenset()) -> _NameEvidence:
        found = self.name_score(form, cn.form, person)
        value = found.score
        if cn.kind == NameKind.WEAK:
            value = min(value, WEAK_CAP)
        exact = found.exact and cn.kind != NameKind.WEAK
        features = _name_features(form, cn.form)
        if not person and any(map(_distinctive, found.unaligned_query)):
            features.append(Feature("extra_query_word", weight("extra_query_word"),
                                    ", ".join(found.unaligned_query)))
        elif not person and not found.exact and _beyond_one_word(found, cn.form,
                                                                 entity_words):
            features.append(Feature("words_beyond_one_word_name",
                                    weight("words_beyond_one_word_name"),
                                    ", ".join(found.unaligned_query)))
        elif not person and not found.exact and (inside := [
                plain for plain, token in _words_inside(found, cn.form)
                if self._idf is None or self._idf(token) >= RARE_WORD]):
            features.append(Feature("extra_list_word", weight("extra_list_word"),
                                    ", ".join(inside)))
        elif not person and not found.exact and (skipped := _skipped_words(found, cn.form)):
            features.append(Feature("skipped_list_word", weight("skipped_list_word"),
                                    ", ".join(skipped)))
        elif not person and not found.exact and (head := _dropped_head(
                found, cn.form, latin_side=form.script in ABJADS)):
            features.append(Feature("dropped_list_head", weight("dropped_list_head"),
                                    ", ".join(head)))
        if not person and not found.exact and (word := _one_inexact_word(found, self._unseen)):
            features.append(Feature("one_word_inexact", weight("one_word_inexact"), word))
        cap = None if exact else self._cap(form, cn.form, found)
        effective = value + sum(f.contribution for f in features)
        if cap is not None:
            effective = min(effective, cap[1])
        return _NameEvidence(form, cn, found, value, exact, features, cap, effective)

    def _cap(self, qform: NameForm, cform: NameForm, ns: NameScore | None
             ) -> tuple[str, float, str] | None:
        """A rarity cap on an inexact agreement."""
        if self._generic_only(qform):
            return "generic_only", GENERIC_CAP, "query name has only generic words"
        if self._generic_only(cform):
            # EAST TECH is as common a name as GLOBAL TRADING: only its own words, exactly,
            # point at it (Eastern Technology does not)
            return "generic_only", GENERIC_CAP, "list name has only generic words"
        if ns is not None and len(cform.tokens) == 1 and not cform.native and any(
                generic_weight(t) > 0.5 for t in ns.unaligned_query):
            return ("single_word_list_name", SINGLE_WORD_CAP,
                    "a one-word list name inside a longer query")
        return None

    def _identifier_features(self, query: Query, candidate: Candidate) -> list[Feature]:
        out: list[Feature] = []
        cand = {identifier_key(c): c for c in candidate.identifiers}
        for qi in query.identifiers:
            found = cand.get(identifier_key(qi))
            if found is None:
                continue
            if qi.scheme == "CALL_SIGN":
                out.append(Feature("call_sign_match", weight("call_sign_match"), qi.value))
            elif qi.valid is not False or found.valid is True:
                out.append(Feature("identifier_match", 0.5, f"{qi.scheme}:{qi.value}"))
                return out
        for qi in query.identifiers:
            family = _SCHEME_FAMILY.get(qi.scheme, qi.scheme)
            if qi.valid is not True or family not in UNIQUE_SCHEMES:
                continue
            others = [c for c in candidate.identifiers
                      if _SCHEME_FAMILY.get(c.scheme, c.scheme) == family and c.valid is True]
            if others and all(identifier_key(c) != identifier_key(qi) for c in others):
                out.append(Feature("identifier_conflict", weight("identifier_conflict"),
                                   f"{qi.scheme}:{qi.value} vs {others[0].value}"))
                return out
        for qi in query.identifiers:
            if qi.scheme not in REGISTRATION_SCHEMES:
                continue
            others = [c for c in candidate.identifiers if c.scheme == qi.scheme
                      and (c.country or "") == (qi.country or "")]
            if others and all(identifier_key(c) != identifier_key(qi) for c in others):
                out.append(Feature("registration_conflict", weight("registration_conflict"),
                                   f"{qi.scheme}:{qi.value} vs {others[0].value}"))
                break
        return out


@lru_cache(maxsize=65_536)
def _readings(plain: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The words as written and with "X al Din" run together (``article_readings``).
    Memoised: a list name is read with every Arabic-script query that meets it."""
    return (plain, *(tuple(r) for r in article_readings(plain)))


@lru_cache(maxsize=65_536)
def _loan_reading(plain: tuple[str, ...], arabic: bool) -> tuple[str, ...]:
    """The words as ``loan_skeleton`` reads them. Memoised as ``_readings`` is."""
    return tuple(loan_skeleton(p, arabic) for p in plain)


@lru_cache(maxsize=65_536)
def _all_generic(plain: tuple[str, ...]) -> bool:
    """Every word generic (weight <= 0.5). Memoised: a list name is asked with every query
    that meets it."""
    return all(generic_weight(p) <= 0.5 for p in plain)


@lru_cache(maxsize=1)
def _common_words() -> tuple[str, ...]:
    words = {w for w in generic_weights() if len(w) >= 6}
    words |= {w for form in legal_forms() for w in form.split() if len(w) >= 6}
    return tuple(sorted(words))


@lru_cache(maxsize=50_000)
def _distinctive(word: str) -> bool:
    """A word that names something: not generic, not a number, not a typo of a generic word
    or a legal form ("Corporaton")."""
    if word.isdigit() or generic_weight(word) < 1.0:
        return False
    return len(word) < 6 or process.extractOne(word, _common_words(),
                                               scorer=Levenshtein.distance,
                                               score_cutoff=1) is None


def _beyond_one_word(found: NameScore, cform: NameForm, entity_words: frozenset[str]) -> bool:
    """The query adds words (not numbers, none of the entity's other names' words) around
    the whole of a list name that has one distinctive word. (Words left over on both sides
    are a conflict, scored as such.)"""
    extra = [w for w in found.unaligned_query if not w.isdigit() and w not in entity_words
             and w.casefold() not in FUNCTION_WORDS]  # 'de' of 'S.A. de'; not 'Trading'
    if not extra or found.unaligned_candidate or cform.native:
        return False
    return sum(map(_distinctive, cform.plain)) == 1


def _gap(found: NameScore, cform: NameForm
         ) -> tuple[dict[str, int], list[int], list[str]]:
    """Where each word of the list name stands, the positions of the words the query has
    (function words aside), and the list words the query lacks that stand between the first
    and the last of them (no function words, no single letters)."""
    if not found.unaligned_candidate or len(found.aligned) < 2:
        return {}, [], []
    where = {p: i for i, p in enumerate(cform.plain)}
    # A function word the query shares ("de" of "S.P.R. DE R.L.") marks no place in the name.
    have = sorted(where[a.candidate] for a in found.aligned if a.candidate in where
                  and a.candidate.casefold() not in FUNCTION_WORDS)
    if len(have) < 2:
        return {}, [], []
    inside = [w for w in found.unaligned_candidate
              if have[0] < where.get(w, -1) < have[-1] and len(w) >= 2
              and w.casefold() not in FUNCTION_WORDS]
    return where, have, inside


def _words_inside(found: NameScore, cform: NameForm) -> list[tuple[str, str]]:
    """Distinctive words of the list name (plain, folded) that the query lacks and that
    stand between two words it has: BLUE SKY INDUSTRY is not Blue Industry with a word left
    out, but MIDCO FINANCE may be written Midco (a short name keeps the head)."""
    where, _, inside = _gap(found, cform)
    return [(w, cform.tokens[where[w]]) for w in inside if _distinctive(w)]


def _skipped_words(found: NameScore, cform: NameForm) -> list[str]:
    """Words of the list name that the query leaves out, one of them more than a filler,
    while it keeps a filler word after them (Trading, Group, Industrial): PIONEER ENERGY
    INDUSTRIES written Pioneer Industrial is another firm built of the same words. A short
    name keeps the distinctive words and drops the generic ones (Izhevsky Mekhanichesky for
    IZHEVSKY MEKHANICHESKY ZAVOD, Pochon Management for POCHON SHIPPING AND MANAGEMENT) or
    only fillers (Jincheng Imp Exp for JINCHENG GROUP IMP & EXP), so it is not touched."""
    if found.unaligned_query:
        return []
    where, have, inside = _gap(found, cform)
    skipped = [w for w in inside if not w.isdigit()]
    if not any(generic_weight(w) > FILLER_WORD for w in skipped):
        return []  # Jincheng Imp Exp for JINCHENG GROUP IMP & EXP: only a filler left out
    gap = min(where[w] for w in skipped)
    return skipped if any(generic_weight(cform.plain[i]) <= FILLER_WORD
                          and cform.plain[i].casefold() not in FUNCTION_WORDS
                          for i in have if i > gap) else []


def _dropped_head(found: NameScore, cform: NameForm, latin_side: bool = False) -> list[str]:
    """The list's distinctive word just before the first word the query has, when the
    query's organisation name is one distinctive word and generic ones, all found in the
    list's: IRON MOUNTAIN ENTERPRISES is not Mountain Enterprises. A short name keeps
    the head (Midco for MIDCO FINANCE), drops places (Huawei Technologies for SHENZHEN
    HUAWEI TECHNOLOGIES) and descriptions ending in a generic word or a particle (Vigstar
    for SCIENTIFIC PRODUCTION CENTER VIGSTAR, Computing Machinery for RESEARCH INSTITUTE OF
    COMPUTING MACHINERY); one distinctive word alone, or two of them (Almaz-Antey for
    CONCERN VKO ALMAZ-ANTEY), say what they name, and are not touched. ``latin_side``: the
    query is in an abjad, and which of its words are generic shows in the list words they
    met (انتربريسيز is ENTERPRISES)."""
    if found.unaligned_query or not found.unaligned_candidate or cform.native:
        return []
    distinctive = [_distinctive(a.candidate if latin_side else a.query) for a in found.aligned]
    if sum(distinctive) != 1 or all(distinctive):
        return []
    # Not ``_gap``, which needs two of the query's words placed in the list name (and skips
    # function words): a query aligned on one word has a head too. Reusing it changed the
    # scores (tune neg/number 0.66% -> 0.82%).
    where = {p: i for i, p in enumerate(cform.plain)}
    have = [where[a.candidate] for a in found.aligned if a.candidate in where]
    if not have or min(have) == 0:
        return []
    head = cform.plain[min(have) - 1]
    return [head] if head in found.unaligned_candidate and _distinctive(head) and \
        not pinyin_word(head) else []  # Dalian, Xinxiang: the place a Chinese name opens with


def _one_inexact_word(found: NameScore, unseen: Callable[[str], bool] | None = None) -> str:
    """The query's one distinctive word, when it and the list's word end differently and
    every other word the query has is generic: the whole name rests on a word that is not
    the list's (Coral Technology / CORAD TECHNOLOGY, Galaxy Trade / GALAX TRADING, Green /
    GREENWICK). Word endings tell words apart; a typist's slip inside the word (Tigris /
    Tirgis, Kunlun / Kulun) keeps both ends and is not touched."""
    if any(map(_distinctive, found.unaligned_query)):
        return ""
    words = [a for a in found.aligned if _distinctive(a.query)]
    if len(words) != 1 or len(found.aligned) < 2:
        return ""
    word = words[0]
    if word.sim >= 1.0 or " " in word.query or " " in word.candidate:
        return ""  # spelt alike, or a compound (Hua Wei / HUAWEI) or acronym
    if unseen is not None and len(word.query) == len(word.candidate) >= 5 and \
            unseen(fold(word.query)):
        # a word no list has, a letter struck for another: a slip (Atlaa / ATLAS); in four
        # letters as often another name (Saro / SARV)
        return ""
    return f"{word.query} ~ {word.candidate}" if _ends_differ(word.query, word.candidate) \
        else ""


def _ends_differ(a: str, b: str) -> bool:
    """One word starts the other (Galax / Galaxy, Milim / Milimzet once folded) or they
    differ in their last letter only (Coral / Corad)."""
    for x, y in ((a.casefold(), b.casefold()), (fold(a), fold(b))):
        if x.startswith(y) or y.startswith(x) or (len(x) == len(y) and x[:-1] == y[:-1]):
            return True
    return False


@lru_cache(maxsize=20_000)
def _distinct_forms(names: tuple[str, ...], schema: str | None) -> tuple[NameForm, ...]:
    """The analysed names, one per distinct form: a firm's mentions spell its name many ways
    that analyse alike (АО «X» / АО "X" / Акционерное общество «X»), and each would be scored
    against every list name again with the same result. The first spelling of a form stays,
    as it would have won the tie."""
    seen: dict[tuple[object, ...], NameForm] = {}
    for name in names:
        form = analyse(name, schema)
        key = (form.script, form.tokens, form.plain, form.legal_forms, form.numbers,
               form.native)
        seen.setdefault(key, form)
    return tuple(seen.values())


def identifier_key(ident: Identifier) -> tuple[str, str]:
    """Identifiers that name the same thing meet on this key: an OGRNIP is an OGRN, an IMO
    company number an IMO, a BIC its first eight letters."""
    scheme = _SCHEME_FAMILY.get(ident.scheme, ident.scheme)
    value = ident.value
    if scheme == "BIC":
        value = value[:8]  # COBADEFFXXX is COBADEFF's head office; other branches, its bank
    return scheme, value


def _name_features(qform: NameForm, cform: NameForm) -> list[Feature]:
    out: list[Feature] = []
    if qform.numbers != cform.numbers:
        detail = f"{sorted(qform.numbers)} vs {sorted(cform.numbers)}"
        if qform.numbers and cform.numbers:
            out.append(Feature("number_conflict", weight("number_conflict"), detail))
        elif qform.numbers:
            out.append(Feature("number_missing", weight("number_missing"), detail))
        else:
            name = ("list_number_missing_one_word"
                    if sum(not t.isdigit() for t in qform.tokens) <= 1 else "list_number_missing")
            out.append(Feature(name, weight(name), detail))
    if qform.legal_forms and cform.legal_forms and \
            qform.legal_forms.isdisjoint(cform.legal_forms):
        detail = (f"{'/'.join(sorted(qform.legal_forms))} vs "
                  f"{'/'.join(sorted(cform.legal_forms))}")
        qkinds = {form_kind(f) for f in qform.legal_forms} - {None}
        ckinds = {form_kind(f) for f in cform.legal_forms} - {None}
        qfam = {form_family(f) for f in qform.legal_forms} - {None}
        cfam = {form_family(f) for f in cform.legal_forms} - {None}
        if qkinds and ckinds and qkinds.isdisjoint(ckinds):
            out.append(Feature("legal_form_conflict", weight("legal_form_conflict"), detail))
        elif qfam and cfam and qfam.isdisjoint(cfam):
            out.append(Feature("legal_family_conflict", weight("legal_family_conflict"),
                               detail))
    return out


def _place_features(query: Query, candidate: Candidate) -> list[Feature]:
    qc = {c.lower() for c in query.countries}
    if not qc:
        return []
    if candidate.schema in CRAFT and candidate.flags:
        if qc.isdisjoint(candidate.flags):
            return [Feature("flag_mismatch", weight("flag_mismatch"),
                            f"{'/'.join(sorted(qc))} vs flag "
                            f"{'/'.join(sorted(candidate.flags))}")]
        return []
    if candidate.countries and qc.isdisjoint(candidate.countries):
        return [Feature("country_mismatch", weight("country_mismatch"),
                        f"{'/'.join(sorted(qc))} vs {'/'.join(sorted(candidate.countries))}")]
    return []


def _schema_conflict(a: str, b: str) -> bool:
    if a == b:
        return False
    groups = ({"Person"}, ORG_SCHEMATA, {"Vessel"}, {"Airplane"})
    ga = next((g for g in groups if a in g), None)
    gb = next((g for g in groups if b in g), None)
    return ga is not None and gb is not None and ga is not gb


def compare_names(name1: str, name2: str, schema: str | None = None,
                  algorithm: DibwatchV1 | None = None) -> Match:
    """Score two bare names, as the name benchmarks do."""
    algo = algorithm or DibwatchV1()
    # The listed name as a list load would store it: its name field split into the name
    # and the aliases beside it.
    names = name_variants(name2, person=schema == PERSON)
    cand = Candidate("candidate", schema or "LegalEntity", name2, tuple(
        CandidateName(n, NameKind.PRIMARY if i == 0 else NameKind.ALIAS, analyse(n, schema))
        for i, n in enumerate(names)))
    return algo.compare(Query(name1, schema), cand)
