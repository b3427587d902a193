"""Cross-list clusters: union-find over the links, deterministic evidence first.

Identifier, record and analyst-confirmed links always join (a shared valid INN is the same
legal person, whatever the names say; a conflict it creates is reported on the cluster).
Name links join in order of score, and only when the join keeps the cluster consistent: no
two different valid values of a unique scheme (two INNs, two OFAC records), no persons with
different birth years, no more than :data:`MAX_CLUSTER` members. A name link that would
break one of these goes to the analysts' queue with the reason. Pairs an analyst dismissed
stay apart while both entries are unchanged.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from dibwatch.xref.links import UNIQUE_SCHEMES, Link, identifier_keys, record_keys
from dibwatch.xref.universe import Universe

MAX_CLUSTER = 40  # more list entries than any one party has across all lists and snapshots


@dataclass(frozen=True)
class PairDecisions:
    """Analysts' verdicts in force on entity pairs: confirmed pairs join; a dismissed pair
    stays apart while both entries still hash to what was dismissed."""

    confirmed: frozenset[tuple[str, str]] = frozenset()
    dismissed: Mapping[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    def dismisses(self, pair: tuple[str, str], hashes: tuple[str, str]) -> bool:
        return self.dismissed.get(pair) == hashes


class LinkForest:
    def __init__(self, universe: Universe) -> None:
        self.parent = {m.entity_id: m.entity_id for m in universe}
        self.size = dict.fromkeys(self.parent, 1)
        self.keys: dict[str, dict[str, set[str]]] = {}
        self.births: dict[str, set[str]] = {}
        for m in universe:
            found: dict[str, set[str]] = {}
            for scheme, value in identifier_keys(m.entity):
                if scheme in UNIQUE_SCHEMES:
                    found.setdefault(scheme, set()).add(value)
            for _, number in record_keys(m.entity):  # one OFAC record is one party
                found.setdefault("OFAC record", set()).add(number)
            self.keys[m.entity_id] = found
            years = {d[:4] for d in m.entity.birth_dates if d[:4].isdigit()}
            self.births[m.entity_id] = years if m.entity.schema == "Person" else set()

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def conflict(self, a: str, b: str) -> str | None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        for scheme in sorted(set(self.keys[ra]) & set(self.keys[rb])):
            if self.keys[ra][scheme].isdisjoint(self.keys[rb][scheme]):
                return (f"would join clusters with different {scheme} "
                        f"({min(self.keys[ra][scheme])} / {min(self.keys[rb][scheme])})")
        if self.births[ra] and self.births[rb] and self.births[ra].isdisjoint(self.births[rb]):
            return "would join persons born in different years"
        if self.size[ra] + self.size[rb] > MAX_CLUSTER:
            return f"would make a cluster of more than {MAX_CLUSTER} entries"
        return None

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        for scheme, values in self.keys.pop(rb).items():
            self.keys[ra].setdefault(scheme, set()).update(values)
        self.births[ra] |= self.births.pop(rb)


def cluster_id(entity_ids: Iterable[str]) -> str:
    """A short, stable id: it changes only when the cluster's smallest member id does."""
    return "x" + hashlib.sha1(min(entity_ids).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Clustering:
    assignment: dict[str, str]  # entity id -> cluster id
    links: list[Link]  # every link with its final status


def build_clusters(universe: Universe, links: Iterable[Link],
                   decisions: PairDecisions | None = None) -> Clustering:
    decisions = decisions or PairDecisions()
    forest = LinkForest(universe)
    final: list[Link] = []
    name: list[Link] = []
    seen_pairs: set[tuple[str, str]] = set()
    for link in links:
        if link.kind == "name":
            name.append(link)
            continue
        forest.union(link.entity_a, link.entity_b)
        final.append(link)
    for pair in sorted(decisions.confirmed):
        if pair[0] in forest.parent and pair[1] in forest.parent:
            forest.union(*pair)
    name.sort(key=lambda x: (-(x.score or 0.0), x.pair))
    for link in name:
        seen_pairs.add(link.pair)
        a, b = universe.members[link.entity_a], universe.members[link.entity_b]
        if link.pair in decisions.confirmed:
            final.append(replace(link, kind="analyst", status="linked",
                                 reason="confirmed by an analyst; " + (link.reason or "")))
            continue
        if decisions.dismisses(link.pair, (a.content_hash, b.content_hash)):
            final.append(replace(link, status="dismissed", reason="dismissed by an analyst"))
            continue
        if link.status == "linked":
            problem = forest.conflict(link.entity_a, link.entity_b)
            if problem:
                final.append(replace(link, status="queued", reason=problem))
                continue
            forest.union(link.entity_a, link.entity_b)
        final.append(link)
    for pair in sorted(decisions.confirmed - seen_pairs):
        if pair[0] in forest.parent and pair[1] in forest.parent:
            final.append(Link(pair[0], pair[1], "analyst", "linked", None,
                              "confirmed by an analyst"))
    groups: dict[str, list[str]] = {}
    for entity_id in forest.parent:
        groups.setdefault(forest.find(entity_id), []).append(entity_id)
    assignment = {e: cluster_id(ids) for ids in groups.values() for e in ids}
    return Clustering(assignment, final)


def best_caption(captions: Iterable[str]) -> str:
    """The caption most members use (case-insensitively), the shortest on ties."""
    captions = list(captions)
    counts = Counter(" ".join(c.split()).casefold() for c in captions)
    originals = {" ".join(c.split()).casefold(): c for c in sorted(captions, key=len,
                                                                     reverse=True)}
    best = min(counts, key=lambda c: (-counts[c], len(c), c))
    return originals[best]


SCHEMA_RANK = {"Person": 0, "Vessel": 1, "Airplane": 2, "Company": 3, "Organization": 4,
               "LegalEntity": 5}


def best_schema(schemata: Iterable[str]) -> str:
    return min(schemata, key=lambda s: SCHEMA_RANK.get(s, 9))
