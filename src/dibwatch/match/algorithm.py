"""Matching algorithms: named, versioned classes with documented features.

``dibwatch-v1`` scores a query (a name, optionally schema, countries and identifiers) against
a list entity in [0, 1]. Its features, in the order they apply:

=====================  =========================================================================
feature                 effect
=====================  =========================================================================
name                    best name-to-name score over the entity's strong names (token
                        alignment with rarity weights, word order free; syllabic scripts
                        compared character by character); a weak alias scores at most 0.65
identifier_match        the same validated identifier on both sides (INN, OGRN, USCC, LEI, IMO,
                        BIC, …): the score is raised to at least 0.98 — it dominates the name
identifier_conflict     both sides carry a valid identifier of the same unique scheme and the
                        values differ: −0.25
schema_conflict         Person against an organisation (or a vessel/aircraft against either):
                        −0.4
number_conflict         the names carry different numbers ("Brigade 44" / "Brigade 45"): −0.05
legal_form_conflict     the names state legal forms of different kinds (LLC vs JSC, AG vs
                        GmbH): −0.15
country_mismatch        both sides have countries and none is shared: −0.05
generic_only            the query's name is made only of generic words ("GLOBAL TRADING CO
                        LTD"): capped at 0.5, whatever it aligns with
=====================  =========================================================================

The default threshold is 0.70: a score at or above it is a match.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, ClassVar

from dibwatch.match.names import PERSON, NameForm, analyse
from dibwatch.match.similarity import NameScore, compare_tokens, native_sim
from dibwatch.model.entity import Identifier, NameKind
from dibwatch.text.vocab import generic_weight

ABJADS = frozenset({"Arabic", "Hebrew"})
ORG_SCHEMATA = frozenset({"Company", "Organization", "LegalEntity"})
UNIQUE_SCHEMES = frozenset({"INN", "OGRN", "OGRNIP", "USCC", "LEI", "IMO", "BIC", "OKPO"})
LEGAL_FORM_CONFLICT = -0.15
WEAK_CAP = 0.65  # below the threshold: a weak alias alone never makes a match
GENERIC_CAP = 0.5
IdfFn = Callable[[str], float]


@lru_cache(maxsize=1)
def _person_weights() -> dict[str, float]:
    path = resources.files("dibwatch.match").joinpath("data/person_name_weights.csv")
    with path.open(encoding="utf-8") as fh:
        return {r["token"]: float(r["weight"]) for r in csv.DictReader(fh)}


_VOWELS = str.maketrans({"p": "b", "v": "f", **{v: None for v in "aeiouyw"}})


@lru_cache(maxsize=100_000)
def skeleton(token: str) -> str:
    """The consonants of a folded token, as an abjad writes them: "mohammed" and "mhmd" both
    give "mhmd"; p/b and v/f merge (Arabic has neither p nor v)."""
    out = token.translate(_VOWELS)
    collapsed = "".join(ch for i, ch in enumerate(out) if i == 0 or ch != out[i - 1])
    return collapsed or token


def person_weight(token: str) -> float:
    """Weight of a word in a person's name: particles (al, bin, van) and very common given
    names identify little; ``data/person_name_weights.csv`` holds the table."""
    return _person_weights().get(token, 1.0)


@dataclass(frozen=True)
class Query:
    """What is screened: a trade party, a firm, a name typed by an analyst."""

    name: str
    schema: str | None = None
    countries: tuple[str, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


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


class DibwatchV1(Algorithm):
    """Token alignment with rarity weights plus identifier, schema, country, legal-form and
    number features; see the module docstring for the feature table."""

    name = "dibwatch-v1"
    version = "1.0"
    threshold = 0.70

    def __init__(self, idf: IdfFn | None = None) -> None:
        # idf(folded token) -> rarity factor in (0, ~1.5]; without a corpus every word is
        # equally rare and only the generic-word table lowers weights.
        self._idf = idf
        self._person = False
        self._weights: dict[tuple[str, str, bool], float] = {}
        self._scores: dict[tuple[str, str, str | None], NameScore] = {}

    def weigh(self, token: str, plain: str) -> float:
        key = (token, plain, self._person)
        cached = self._weights.get(key)
        if cached is not None:
            return cached
        weight = self._weigh(token, plain)
        if len(self._weights) < 500_000:
            self._weights[key] = weight
        return weight

    def _weigh(self, token: str, plain: str) -> float:
        weight = generic_weight(plain)
        if self._person:
            weight = min(weight, person_weight(plain))
        if token.isdigit():
            weight *= 0.3  # series numbers: "Fund VII" vs "Fund VIII" is number_conflict's call
        elif len(token) <= 2:
            weight *= 0.5
        if self._idf is not None:
            weight *= self._idf(token)
        return weight

    def name_score(self, q: NameForm, c: NameForm, schema: str | None) -> NameScore:
        key = (q.original, c.original, schema)
        cached = self._scores.get(key)
        if cached is None:
            if len(self._scores) > 100_000:
                self._scores.clear()
            cached = self._scores[key] = self._name_score(q, c, schema)
        return cached

    def _name_score(self, q: NameForm, c: NameForm, schema: str | None) -> NameScore:
        if q.native and c.native:
            sim = native_sim(q.native, c.native)
            return NameScore(sim, (), (), ())
        if (q.script in ABJADS) != (c.script in ABJADS) and q.tokens and c.tokens:
            # Arabic and Hebrew script leave most vowels unwritten: compare consonants.
            return compare_tokens(tuple(map(skeleton, q.tokens)), q.plain,
                                  tuple(map(skeleton, c.tokens)), c.plain, self.weigh,
                                  initials=schema == PERSON)
        self._person = schema == PERSON
        return compare_tokens(q.tokens, q.plain, c.tokens, c.plain, self.weigh,
                              initials=schema == PERSON)

    def _generic_only(self, form: NameForm) -> bool:
        return bool(form.plain) and all(generic_weight(p) <= 0.5 for p in form.plain) and \
            not form.native

    def compare(self, query: Query, candidate: Candidate) -> Match:
        schema = query.schema or candidate.schema
        forms = [analyse(n, schema) for n in query.names if n and n.strip()]
        best: tuple[float, str, CandidateName | None, NameScore | None] = (0.0, query.name,
                                                                          None, None)
        for form in forms:
            for cn in candidate.names:
                found = self.name_score(form, cn.form, schema)
                value = found.score
                if cn.kind == NameKind.WEAK:
                    value = min(value, WEAK_CAP)
                if value > best[0] or best[2] is None:
                    best = (value, form.original, cn, found)
        score, qname, cname, ns = best
        features: list[Feature] = [Feature("name", score, "best name alignment")]
        qform = analyse(qname, schema) if qname else None
        cform = cname.form if cname else None

        features += self._identifier_features(query.identifiers, candidate.identifiers)
        if query.schema and _schema_conflict(query.schema, candidate.schema):
            features.append(Feature("schema_conflict", -0.4,
                                    f"{query.schema} vs {candidate.schema}"))
        if qform and cform:
            if qform.numbers and cform.numbers and qform.numbers != cform.numbers:
                features.append(Feature("number_conflict", -0.05,
                                        f"{sorted(qform.numbers)} vs {sorted(cform.numbers)}"))
            if qform.legal_forms and cform.legal_forms and \
                    qform.legal_forms.isdisjoint(cform.legal_forms):
                features.append(Feature(
                    "legal_form_conflict", LEGAL_FORM_CONFLICT,
                    f"{'/'.join(sorted(qform.legal_forms))} vs "
                    f"{'/'.join(sorted(cform.legal_forms))}"))
        qc = {c.lower() for c in query.countries}
        if qc and candidate.countries and qc.isdisjoint(candidate.countries):
            features.append(Feature("country_mismatch", -0.05,
                                    f"{'/'.join(sorted(qc))} vs "
                                    f"{'/'.join(sorted(candidate.countries))}"))
        total = sum(f.contribution for f in features)
        id_match = any(f.name == "identifier_match" for f in features)
        if id_match:
            total = max(total, 0.98)
        elif qform is not None and self._generic_only(qform):
            features.append(Feature("generic_only", min(0.0, GENERIC_CAP - total),
                                    "query name has only generic words"))
            total = min(total, GENERIC_CAP)
        total = max(0.0, min(1.0, total))
        return Match(candidate.entity_id, total, total >= self.threshold, qname,
                     cname.value if cname else "", ns, tuple(features))

    @staticmethod
    def _identifier_features(query_ids: Sequence[Identifier],
                             cand_ids: Sequence[Identifier]) -> list[Feature]:
        out: list[Feature] = []
        cand = {(i.scheme, i.value) for i in cand_ids}
        for qi in query_ids:
            if qi.valid is False:
                continue
            if (qi.scheme, qi.value) in cand or (
                    qi.scheme in ("OGRN", "OGRNIP") and ("OGRN", qi.value) in cand):
                out.append(Feature("identifier_match", 0.5, f"{qi.scheme}:{qi.value}"))
                return out
        for qi in query_ids:
            if qi.valid is not True or qi.scheme not in UNIQUE_SCHEMES:
                continue
            others = [c for c in cand_ids if c.scheme == qi.scheme and c.valid is True]
            if others and all(c.value != qi.value for c in others):
                out.append(Feature("identifier_conflict", -0.25,
                                   f"{qi.scheme}:{qi.value} vs {others[0].value}"))
                break
        return out


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
    form = analyse(name2, schema)
    cand = Candidate("candidate", schema or "LegalEntity", name2,
                     (CandidateName(name2, NameKind.PRIMARY, form),))
    return algo.compare(Query(name1, schema), cand)
