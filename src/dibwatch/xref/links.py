"""Evidence that two list entities are the same party.

Deterministic, in this order:

- ``identifier``: both carry the same *valid* identifier of a scheme that names one legal
  person or one ship: INN, OGRN/OGRNIP, OKPO, USCC, LEI and IMO with correct check digits,
  and well-formed BIC (a BIC11 ending in XXX is its BIC8). A number a list gives without
  naming its scheme ("Registration Number", "Tax ID No.") counts as the OGRN, INN or USCC it
  validates as.
- ``record``: one list cites the other's record: a CSL row taken from OFAC carries the OFAC
  entity number of the SDN or non-SDN entry.

Then ``name``: the matcher (:class:`dibwatch.match.screen.Screener`, over an index of the
whole universe) scores each entity's names against every other's. A pair is a *link* when
the score both ways is at least :data:`LINK_SCORE`, the schemata agree, the two share a
country, no identifier of a unique scheme conflicts and, for persons, a birth date agrees.
A pair at least at the matcher's threshold that misses one of these (no country on one
side, no birth date) goes to the analysts' *queue*, and so does a pair of two different
OFAC records (OFAC keeps one record per party, nearly always); a pair whose countries,
identifiers or birth dates disagree is dropped. Vessels and aircraft are never linked by
name (their identity is the IMO number or the tail number); identical names are queued.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dibwatch.match import Candidate, Query
from dibwatch.match.screen import Screener
from dibwatch.model.entity import Entity, Identifier, NameKind
from dibwatch.model.identifiers import validate
from dibwatch.workspace import Workspace
from dibwatch.xref import store
from dibwatch.xref.universe import Member, Universe

LINK_SCHEMES = frozenset({"INN", "OGRN", "OGRNIP", "OKPO", "USCC", "LEI", "IMO", "BIC"})
# Schemes whose two different valid values mean two different parties.
UNIQUE_SCHEMES = frozenset({"INN", "OGRN", "OKPO", "USCC", "LEI", "IMO"})
OFAC_SOURCES = frozenset({"us_ofac_sdn", "us_ofac_cons"})
LINK_SCORE = 0.90
# An identical name links without a country on one side only when it has this many words.
MIN_WORDS_NO_COUNTRY = 3
TOP_HITS = 10  # hits kept per entity; clusters are transitive, so copies beyond are reached
MAX_ALIASES = 30  # names per query beyond the caption (EU rows carry 20+ translations)
ORG = frozenset({"Company", "Organization", "LegalEntity"})
THINGS = frozenset({"Vessel", "Airplane"})
Progress = Callable[[str, int, int], None]


# Lists often give a registry number without naming its scheme ("Registration Number",
# "Tax ID No.", EU 269/2014's registrationNumber column): a value that is a valid OGRN, INN or
# USCC by its check digits is one, whatever the list called it.
GENERIC_SCHEMES = frozenset({"REG_NO", "TAX_ID", "ID", "NATIONAL_ID"})
_RECOGNISED = (("OGRN", (13, 15)), ("INN", (10, 12)), ("USCC", (18,)))


def recognise(identifier: Identifier, person: bool = False) -> tuple[str, str] | None:
    """(scheme, value) of a generically labelled number that validates as OGRN, INN or USCC.

    On a person's entry only a personal INN (12 digits) or an entrepreneur's OGRNIP
    (15 digits) counts: a company's number there is an associated company's (EU 269/2014
    gives the INN of the firm a person runs)."""
    value = identifier.value.replace(" ", "").replace("-", "").upper()
    for scheme, lengths in _RECOGNISED:
        if len(value) in lengths and (value.isdigit() or scheme == "USCC") and \
                validate(scheme, value):
            if person and len(value) not in (12, 15):
                return None
            return scheme, value
    return None


def identifier_key(identifier: Identifier, person: bool = False) -> tuple[str, str] | None:
    """The linking key of a valid identifier of a linking scheme, else None."""
    if identifier.scheme in GENERIC_SCHEMES:
        return recognise(identifier, person)
    if identifier.valid is not True or identifier.scheme not in LINK_SCHEMES:
        return None
    scheme = "OGRN" if identifier.scheme == "OGRNIP" else identifier.scheme
    value = identifier.value.upper()
    if scheme == "BIC" and len(value) == 11 and value.endswith("XXX"):
        value = value[:8]
    return scheme, value


def identifier_keys(entity: Entity) -> set[tuple[str, str]]:
    person = entity.schema == "Person"
    return {k for i in entity.identifiers if (k := identifier_key(i, person)) is not None}


def record_keys(entity: Entity) -> set[tuple[str, str]]:
    """References to an OFAC record: an OFAC entry's own entity number, or the one a CSL row
    copied from OFAC carries."""
    out: set[tuple[str, str]] = set()
    if entity.source in OFAC_SOURCES:
        out.add(("OFAC", entity.source_id))
    for s in entity.sanctions:
        if s.authority == "US OFAC":
            out.update(("OFAC", n) for n in s.extra.get("entity_number", []))
    return out


@dataclass(frozen=True)
class Link:
    entity_a: str  # entity_a < entity_b
    entity_b: str
    kind: str  # identifier | record | name | analyst
    status: str  # linked | queued | dismissed | refused
    score: float | None = None
    reason: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def pair(self) -> tuple[str, str]:
        return self.entity_a, self.entity_b


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def key_links(universe: Universe) -> list[Link]:
    """Identifier and record links: every member sharing a key is linked to the first member
    (by id) holding it, so each key's holders end in one cluster."""
    holders: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for m in universe:
        for scheme, value in identifier_keys(m.entity):
            holders[("identifier", scheme, value)].append(m.entity_id)
        for scheme, value in record_keys(m.entity):
            holders[("record", scheme, value)].append(m.entity_id)
    links: dict[tuple[str, str, str], Link] = {}
    for (kind, scheme, value), ids in sorted(holders.items()):
        ids = sorted(set(ids))
        for other in ids[1:]:
            a, b = _pair(ids[0], other)
            if (a, b, kind) not in links:
                links[(a, b, kind)] = Link(a, b, kind, "linked", None, f"{scheme}:{value}",
                                           {"scheme": scheme, "value": value})
    return list(links.values())


# --- name links ---------------------------------------------------------------------------------

def schema_group(schema: str) -> str:
    return "org" if schema in ORG else schema


def _birth_years(entity: Entity) -> set[str]:
    return {d[:4] for d in entity.birth_dates if d[:4].isdigit()}


@dataclass(frozen=True)
class Agreement:
    """How two entities compare beyond their names."""

    schema: bool
    countries: str  # agree | disagree | unknown
    shared_countries: tuple[str, ...]
    id_conflict: str | None
    birth: str  # agree | disagree | unknown | n/a
    ofac_conflict: str | None = None  # two different OFAC records

    def as_json(self) -> dict[str, Any]:
        return {"schema": self.schema, "countries": self.countries,
                "shared_countries": list(self.shared_countries),
                "id_conflict": self.id_conflict, "birth": self.birth,
                "ofac_conflict": self.ofac_conflict}


def agreement(a: Member, b: Member) -> Agreement:
    ca, cb = a.countries, b.countries
    if ca and cb:
        shared = tuple(sorted(ca & cb))
        countries = "agree" if shared else "disagree"
    else:
        shared, countries = (), "unknown"
    conflict = None
    ka, kb = identifier_keys(a.entity), identifier_keys(b.entity)
    for scheme in sorted(UNIQUE_SCHEMES):
        va = {v for s, v in ka if s == scheme}
        vb = {v for s, v in kb if s == scheme}
        if va and vb and va.isdisjoint(vb):
            conflict = f"{scheme} {min(va)} vs {min(vb)}"
            break
    ra, rb = record_keys(a.entity), record_keys(b.entity)
    ofac = f"OFAC records {min(ra)[1]} vs {min(rb)[1]}" if ra and rb and ra.isdisjoint(rb) \
        else None
    birth = "n/a"
    if a.entity.schema == "Person" and b.entity.schema == "Person":
        ya, yb = _birth_years(a.entity), _birth_years(b.entity)
        birth = "unknown" if not (ya and yb) else ("agree" if ya & yb else "disagree")
    return Agreement(schema_group(a.entity.schema) == schema_group(b.entity.schema),
                     countries, shared, conflict, birth, ofac)


@dataclass(frozen=True)
class PairFacts:
    """What the matcher and the lists say about one pair, for :func:`judge`."""

    score: float  # the lower of the two directions
    agree: Agreement
    exact: bool  # both directions 1.0 with every word aligned
    words: int  # words aligned in the better direction
    things: bool  # vessels or aircraft: names are not their identity
    rekeyed: bool  # same list, never in the same snapshot: one entry under a new id


def judge(facts: PairFacts, threshold: float, link_score: float = LINK_SCORE
          ) -> tuple[str | None, str]:
    """(status, reason) of a name pair: linked, queued, or None (dropped)."""
    status, reason = _judge(facts, threshold, link_score)
    if status is not None and facts.agree.ofac_conflict:
        # OFAC keeps one record per party, so two records are two parties, but for the
        # rare party it listed twice (a renamed trust): an analyst decides.
        return "queued", f"two different {facts.agree.ofac_conflict}"
    return status, reason


def _judge(facts: PairFacts, threshold: float, link_score: float) -> tuple[str | None, str]:
    agree = facts.agree
    if not agree.schema:
        return None, "schemata differ"
    if agree.id_conflict:
        return None, f"identifiers differ: {agree.id_conflict}"
    if agree.countries == "disagree":
        return None, "no country in common"
    if agree.birth == "disagree":
        return None, "birth years differ"
    if facts.score < threshold:
        return None, "below the matcher's threshold"
    if facts.things:
        if facts.exact:
            return "queued", "vessel or aircraft: a name is not its identity (IMO, tail number)"
        return None, "vessel or aircraft names differ"
    if facts.score < link_score:
        return "queued", f"score {facts.score:.2f} < {link_score:.2f}"
    support = []
    if agree.countries == "agree":
        support.append("country " + "/".join(agree.shared_countries))
    if agree.birth == "agree":
        support.append("birth year")
    if facts.rekeyed and facts.exact:
        support.append("same list, re-keyed between snapshots")
    elif agree.birth == "unknown":
        return "queued", "no birth date on one side"
    if agree.countries == "unknown" and agree.birth == "n/a" and facts.exact \
            and facts.words >= MIN_WORDS_NO_COUNTRY:
        support.append(f"identical {facts.words}-word name")
    if not support:
        return "queued", "no country on one side"
    return "linked", "names match; " + ", ".join(support)


def _query(m: Member) -> Query:
    e = m.entity
    seen = {e.caption}
    aliases: list[str] = []
    for n in e.names:
        if n.kind != NameKind.WEAK and n.value not in seen and len(aliases) < MAX_ALIASES:
            seen.add(n.value)
            aliases.append(n.value)
    ids = tuple(i for i in e.identifiers if identifier_key(i, e.schema == "Person") is not None)
    return Query(e.caption, e.schema, tuple(sorted(m.countries)), ids, tuple(aliases))


@dataclass
class NameMatching:
    """Scores from screening every member against the universe's index, both directions."""

    algorithm: str
    threshold: float
    scores: dict[tuple[str, str], float]  # (query entity, list entity) -> score
    explanations: dict[tuple[str, str], dict[str, Any]]


def screen_universe(universe: Universe, *, skip: Callable[[str, str], bool],
                    workers: int | None = None, progress: Progress | None = None,
                    scratch_dir: Path | None = None) -> NameMatching:
    """Screen every member of ``universe`` against an index of all of them (the matcher's
    own index, built in a scratch workspace) and keep the hits at or above the matcher's
    threshold, except pairs ``skip`` says are settled already. A pair found one way only is
    scored the other way too, so every kept pair has both scores."""
    members = list(universe)
    queries = {m.entity_id: _query(m) for m in members}
    scores: dict[tuple[str, str], float] = {}
    explanations: dict[tuple[str, str], dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="dibwatch-xref-", dir=scratch_dir) as tmp:
        scratch = Workspace(Path(tmp) / "universe.duckdb")
        try:
            store.write_scratch(scratch.engine, [m.entity for m in members])
            screener = Screener(scratch, progress=None if progress is None else (
                lambda done, total: progress("indexing names", done, total)))
            algorithm = f"{screener.algorithm.name}/{screener.algorithm.version}"
            threshold = screener.algorithm.threshold
            run = screener.screen(
                [queries[m.entity_id] for m in members], top=TOP_HITS, record=False,
                workers=workers, progress=None if progress is None else (
                    lambda done, total: progress("matching names", done, total)))
            for m, result in zip(members, run.results, strict=True):
                for hit in result.hits:
                    other = hit.entity.entity_id
                    if other == m.entity_id or hit.match.score < threshold or \
                            skip(m.entity_id, other):
                        continue
                    scores[(m.entity_id, other)] = hit.match.score
                    explanations[(m.entity_id, other)] = hit.match.explanation()
            for (a, b) in [p for p in scores if (p[1], p[0]) not in scores]:
                info = screener.entities[a]
                candidate = Candidate(a, info.schema, info.caption,
                                      tuple(screener.entity_names[a]), info.countries,
                                      info.identifiers)
                match = screener.algorithm.compare(queries[b], candidate)
                scores[(b, a)] = match.score
                explanations[(b, a)] = match.explanation()
        finally:
            scratch.close()
    return NameMatching(algorithm, threshold, scores, explanations)


def _exact(explanation: dict[str, Any] | None) -> tuple[bool, int]:
    """(every word aligned with an identical word, how many words aligned)."""
    if not explanation:
        return False, 0
    aligned = explanation.get("aligned") or []
    same = bool(aligned) and all(q == c and sim == 1 for q, c, sim in aligned)
    clean = not explanation.get("unmatched_query_tokens") and \
        not explanation.get("unmatched_list_tokens")
    return same and clean, len(aligned)


def name_links(universe: Universe, matching: NameMatching,
               link_score: float = LINK_SCORE) -> list[Link]:
    """Judge every screened pair (see the module docstring); dropped pairs are not kept."""
    out: list[Link] = []
    pairs = {_pair(a, b) for a, b in matching.scores}
    for a, b in sorted(pairs):
        ab, ba = matching.scores[(a, b)], matching.scores[(b, a)]
        ea, eb = matching.explanations.get((a, b)), matching.explanations.get((b, a))
        (xa, wa), (xb, wb) = _exact(ea), _exact(eb)
        ma, mb = universe.members[a], universe.members[b]
        facts = PairFacts(
            min(ab, ba), agreement(ma, mb), xa and xb and min(ab, ba) >= 1.0, max(wa, wb),
            ma.entity.schema in THINGS or mb.entity.schema in THINGS,
            ma.source == mb.source and set(ma.snapshots).isdisjoint(mb.snapshots))
        status, reason = judge(facts, matching.threshold, link_score)
        if status is None:
            continue
        out.append(Link(a, b, "name", status, round(facts.score, 4), reason, {
            "scores": {"a_to_b": ab, "b_to_a": ba}, "agreement": facts.agree.as_json(),
            "exact": facts.exact, "rekeyed": facts.rekeyed,
            "explanation": ea if ab <= ba else eb}))
    return out


def analyst_links(pairs: Iterable[tuple[str, str]], universe: Universe) -> list[Link]:
    """Pairs analysts confirmed, as links (both entities must still be in the universe)."""
    return [Link(*_pair(a, b), "analyst", "linked", None, "confirmed by an analyst")
            for a, b in sorted(pairs) if a in universe.members and b in universe.members]


def link_rows(run_id: int, links: Sequence[Link]) -> list[dict[str, Any]]:
    import json

    return [{"run_id": run_id, "entity_a": link.entity_a, "entity_b": link.entity_b,
             "kind": link.kind, "status": link.status, "score": link.score,
             "reason": link.reason,
             "evidence": json.dumps(link.evidence, ensure_ascii=False, default=str)}
            for link in links]
