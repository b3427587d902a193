"""What cross-referencing works on: every list entity ever loaded, as its newest snapshot holds
it, with the snapshots of its source that carried it.

An entity that left its list stays in the universe: who listed whom, and who delisted whom,
is the point. A snapshot's date (``as_of``) is the publication date the file states; else,
for a file ``lists fetch`` downloaded, the day it was fetched; else the newest listing date
among its entries (a lower bound: the file is at least that recent); else unknown. A snapshot
with under half the entities of its source's largest snapshot is *partial* (a sample or
subset): its entries count as listed, but an entry missing from it is not delisted.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources

from dibwatch.engine import Engine
from dibwatch.model.entity import Entity, Schema
from dibwatch.xref import store

PARTIAL_SHARE = 0.5
THINGS = frozenset(s.value for s in Schema)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class SnapshotView:
    snapshot_id: int
    source: str
    entity_count: int
    as_of: str | None
    as_of_basis: str | None  # published | fetched | newest entry | None
    partial: bool
    order: int  # position among the snapshots of its source, from 0


@dataclass
class Member:
    """One list entity in the universe."""

    entity: Entity
    snapshot_id: int  # the newest snapshot holding it (the version kept)
    content_hash: str
    snapshots: tuple[int, ...]  # every snapshot holding it, in source order

    @property
    def entity_id(self) -> str:
        return self.entity.id

    @property
    def source(self) -> str:
        return self.entity.source

    @cached_property
    def countries(self) -> frozenset[str]:
        return countries_of(self.entity)


@lru_cache(maxsize=1)
def _territories() -> tuple[tuple[str, re.Pattern[str]], ...]:
    text = resources.files("dibwatch.xref").joinpath("data", "territories.csv").read_text(
        encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return tuple((r["country"], re.compile(r["pattern"], re.I)) for r in csv.DictReader(lines))


def territory(address: str) -> str | None:
    """HK or MO when an address is in Hong Kong or Macau by its text (``data/territories.csv``)."""
    return next((code for code, pattern in _territories() if pattern.search(address)), None)


def countries_of(entity: Entity) -> frozenset[str]:
    """Countries of address, registration and nationality, ISO-2 lower case; an address in
    Hong Kong or Macau that a list files under CN counts in the territory."""
    addresses: set[str] = set()
    moved = False
    for a in entity.addresses:
        code = a.country.lower() if a.country else None
        if code in (None, "cn") and (found := territory(a.full)):
            moved = moved or code == "cn"
            code = found
        if code and len(code) == 2:
            addresses.add(code)
    links = {c.code.lower() for c in entity.countries if len(c.code) == 2}
    if moved and "cn" not in addresses:
        links.discard("cn")  # the CN the list derived from those same addresses
    return frozenset(links | addresses)


@dataclass
class Universe:
    snapshots: dict[int, SnapshotView]
    members: dict[str, Member] = field(default_factory=dict)

    def by_source(self) -> dict[str, list[SnapshotView]]:
        out: dict[str, list[SnapshotView]] = {}
        for view in sorted(self.snapshots.values(), key=lambda v: (v.source, v.order)):
            out.setdefault(view.source, []).append(view)
        return out

    def __iter__(self) -> Iterator[Member]:
        return iter(self.members.values())

    def __len__(self) -> int:
        return len(self.members)


def snapshot_views(engine: Engine) -> dict[int, SnapshotView]:
    rows = store.snapshot_facts(engine)
    largest: dict[str, int] = {}
    for r in rows:
        largest[r.source] = max(largest.get(r.source, 0), r.entity_count)
    dated: list[tuple[store.SnapshotFacts, str | None, str | None]] = []
    for r in rows:
        if r.published_at:
            as_of, basis = r.published_at[:10], "published"
        elif r.fetched_at:
            as_of, basis = r.fetched_at[:10], "fetched"
        elif r.newest_listing:
            as_of, basis = r.newest_listing[:10], "newest entry"
        else:
            as_of, basis = None, None
        dated.append((r, as_of, basis))
    # Within a source: by date when every snapshot has one, else in load order.
    order: dict[int, int] = {}
    for source in {r.source for r in rows}:
        mine = [(r, a) for r, a, _ in dated if r.source == source]
        if all(a for _, a in mine):
            mine.sort(key=lambda x: (x[1] or "", x[0].snapshot_id))
        else:
            mine.sort(key=lambda x: x[0].snapshot_id)
        order.update({r.snapshot_id: i for i, (r, _) in enumerate(mine)})
    return {r.snapshot_id: SnapshotView(
        r.snapshot_id, r.source, r.entity_count, as_of, basis,
        r.entity_count < PARTIAL_SHARE * largest[r.source], order[r.snapshot_id])
        for r, as_of, basis in dated}


def load_universe(engine: Engine, progress: Progress | None = None) -> Universe:
    """Every entity of every snapshot (things with names only), newest version each."""
    views = snapshot_views(engine)
    universe = Universe(views)
    presence = store.entity_presence(engine)
    total = len(presence)
    done = 0
    for snapshot_id, content_hash, entity in store.newest_versions(engine):
        done += 1
        if progress is not None and done % 2000 == 0:
            progress("reading list entities", done, total)
        if entity.schema not in THINGS or not entity.names:
            continue
        held = sorted(presence.get(entity.id, [snapshot_id]),
                      key=lambda s: views[s].order if s in views else s)
        universe.members[entity.id] = Member(entity, snapshot_id, content_hash, tuple(held))
    if progress is not None:
        progress("reading list entities", total, total)
    return universe
