"""Coverage, gaps and the timeline of who listed whom, from the stored cross-referencing run.

A *party* is a cluster; it is *listed by* a body (US OFAC, US BIS, US State, US DoD, EU, UK,
UN) when one of its entries carries a designation of that body that is still in force. The
countries of a party are those of address, registration and nationality of all its entries.

A *gap* is a party listed for Russia by one authority (US, EU, UK, UN) and by no list of
another authority that has a Russia program among the loaded lists. Whether the gap is
real depends on how recent the absent authority's lists are: each gap carries that date
(the newest complete snapshot of the authority's largest source), and a party listed after
it is marked ``after its data`` rather than ``gap``; one with a queued pair to a party the
absent authority lists is ``queued match``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from dibwatch.engine import Engine
from dibwatch.errors import NotFoundError
from dibwatch.lists import store as list_store
from dibwatch.xref import store
from dibwatch.xref.classify import AUTHORITIES, FAMILY_LABELS, body_of
from dibwatch.xref.universe import countries_of, snapshot_views

BODY_ORDER = ("US OFAC", "US BIS", "US State", "US DoD", "US (other)", "EU", "UK", "UN")
SCHEMA_GROUPS: dict[str, tuple[str, ...]] = {
    "firms": ("Company", "Organization", "LegalEntity"),
    "persons": ("Person",),
    "vessels": ("Vessel", "Airplane"),
    "all": ("Company", "Organization", "LegalEntity", "Person", "Vessel", "Airplane"),
}
INVASION_MONTH = "2022-02"
RUSSIA = "russia"


@dataclass(frozen=True)
class BodyListing:
    authority: str
    body: str
    lists: tuple[str, ...]
    families: tuple[str, ...]
    first_listed: str | None
    month: str | None
    date_basis: str
    listed_now: bool
    delisted_on: str | None


@dataclass
class Party:
    cluster_id: str
    caption: str
    schema: str
    countries: tuple[str, ...]
    sectors: tuple[str, ...]
    chpl_relevant: bool
    listings: dict[str, BodyListing] = field(default_factory=dict)

    def current(self) -> dict[str, BodyListing]:
        return {b: r for b, r in self.listings.items() if r.listed_now}

    def authorities(self, family: str | None = None) -> dict[str, str | None]:
        """authority -> earliest first-listing date among its bodies listing the party now
        (for ``family`` only, when given)."""
        out: dict[str, str | None] = {}
        for r in self.current().values():
            if family and family not in r.families:
                continue
            have = out.get(r.authority, "9999")
            out[r.authority] = min(have or "9999", r.first_listed or "9999")
        return {a: (d if d != "9999" else None) for a, d in out.items()}


def require_run(engine: Engine) -> store.RunInfo:
    run = store.latest_run(engine)
    if run is None:
        raise NotFoundError("no cross-referencing run: run `dibwatch lists xref` first")
    return run


def parties(engine: Engine, *, countries: Sequence[str] | None = None,
            schemas: Sequence[str] | None = SCHEMA_GROUPS["firms"],
            family: str | None = None, listed_now: bool = True) -> list[Party]:
    """Parties (clusters) with their listings, optionally only those with one of
    ``countries`` (ISO-2), of ``schemas``, listed (now, unless ``listed_now`` is False) in
    ``family``."""
    require_run(engine)
    wanted = {c.lower() for c in countries} if countries else None
    out: dict[str, Party] = {}
    for row in store.query(engine, store.LISTINGS):
        if wanted is not None and wanted.isdisjoint(row["countries"]):
            continue
        if schemas is not None and row["schema"] not in schemas:
            continue
        party = out.get(row["cluster_id"])
        if party is None:
            party = out[row["cluster_id"]] = Party(
                row["cluster_id"], row["caption"], row["schema"], tuple(row["countries"]),
                tuple(row["sectors"]), bool(row["chpl_relevant"]))
        party.listings[row["body"]] = BodyListing(
            row["authority"], row["body"], tuple(row["lists"]), tuple(row["families"]),
            row["first_listed"], row["month"], row["date_basis"], bool(row["listed_now"]),
            row["delisted_on"])
    result = []
    for p in out.values():
        pool = p.current() if listed_now else p.listings
        if not pool:
            continue
        if family and not any(family in r.families for r in pool.values()):
            continue
        result.append(p)
    return sorted(result, key=lambda p: (p.caption.casefold(), p.cluster_id))


def bodies_in(parties_: Iterable[Party]) -> list[str]:
    seen = {b for p in parties_ for b in p.listings}
    return [b for b in BODY_ORDER if b in seen] + sorted(seen - set(BODY_ORDER))


# --- coverage -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    parties: int  # listed now by the body
    russia: int  # of which for Russia
    chpl: int  # of which CHPL-relevant (the list text names the goods or sectors)


def coverage_summary(parties_: Sequence[Party], countries: Sequence[str]
                     ) -> dict[str, dict[str, Cell]]:
    """country (and "all" of them) -> body -> counts of parties listed now."""
    rows: dict[str, dict[str, Cell]] = {}
    keys = [c.lower() for c in countries] + (["all"] if len(countries) > 1 else [])
    bodies = bodies_in(parties_)
    for key in keys:
        mine = [p for p in parties_ if key == "all" or key in p.countries]
        row = {}
        for body in bodies:
            listed = [p for p in mine if body in p.current()]
            russia = [p for p in listed if RUSSIA in p.current()[body].families]
            row[body] = Cell(len(listed), len(russia), sum(p.chpl_relevant for p in russia))
        rows[key] = row
    return rows


def family_matrix(parties_: Sequence[Party]) -> tuple[list[str], list[str], list[list[int]]]:
    """(families, bodies, counts): parties listed now by each body in each program family."""
    bodies = bodies_in(parties_)
    counts: Counter[tuple[str, str]] = Counter()
    for p in parties_:
        for body, r in p.current().items():
            for fam in r.families:
                counts[(fam, body)] += 1
    families = [f for f in FAMILY_LABELS if any(counts[(f, b)] for b in bodies)]
    return families, bodies, [[counts[(f, b)] for b in bodies] for f in families]


# --- gaps ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Gap:
    party: Party
    listed_by: str  # authority listing the party for Russia
    listed_on: str | None
    absent_from: str  # authority not listing it at all
    status: str  # gap | after its data
    absent_data_as_of: str | None


def authority_vintages(engine: Engine) -> dict[str, str | None]:
    """authority -> date of the newest complete snapshot of its largest source: how recent
    the lists are that an absence from the authority is judged on."""
    views = snapshot_views(engine)
    sizes: dict[str, Counter[str]] = defaultdict(Counter)
    for row in store.query(engine, "SELECT authority, source, count(DISTINCT entity_id) AS n "
                                   "FROM xref_designations GROUP BY ALL"):
        sizes[row["authority"]][row["source"]] += int(row["n"])
    out: dict[str, str | None] = {}
    for authority, by_source in sizes.items():
        source = by_source.most_common(1)[0][0]
        complete = [v for v in views.values() if v.source == source and not v.partial]
        newest = max(complete, key=lambda v: v.order, default=None)
        out[authority] = newest.as_of if newest else None
    return out


def russia_authorities(engine: Engine) -> list[str]:
    """Authorities with a Russia program among the loaded lists."""
    rows = store.query(engine, "SELECT DISTINCT authority FROM xref_designations "
                               "WHERE family = ?", [RUSSIA])
    found = {r["authority"] for r in rows}
    return [a for a in AUTHORITIES if a in found]


def queued_neighbours(engine: Engine) -> dict[str, set[str]]:
    """cluster -> authorities listing a party it has a queued pair with."""
    out: dict[str, set[str]] = defaultdict(set)
    for row in store.query(engine, store.QUEUED_NEIGHBOURS):
        out[row["cluster_id"]].update(row["authorities"])
    return out


def gaps(engine: Engine, parties_: Sequence[Party]) -> list[Gap]:
    """Parties listed for Russia by one authority and by no list of another (see the module
    docstring), earliest listing first. A gap whose party has a pair in the analysts' queue
    with a party the absent authority lists is marked ``queued match``: the absence may
    be a link not yet confirmed."""
    vintages = authority_vintages(engine)
    candidates = russia_authorities(engine)
    pending = queued_neighbours(engine)
    out = []
    for p in parties_:
        russia = p.authorities(RUSSIA)
        if not russia:
            continue
        present = set(p.authorities())
        for absent in candidates:
            if absent in present:
                continue
            for by, on in sorted(russia.items()):
                as_of = vintages.get(absent)
                if absent in pending.get(p.cluster_id, ()):
                    status = "queued match"
                elif on and as_of and on > as_of:
                    status = "after its data"
                else:
                    status = "gap"
                out.append(Gap(p, by, on, absent, status, as_of))
    return sorted(out, key=lambda g: (g.listed_on or "9999", g.party.caption.casefold(),
                                      g.absent_from))


# --- timeline -----------------------------------------------------------------------------------

def timeline(parties_: Sequence[Party], *, since: str = INVASION_MONTH,
             include_delisted: bool = True) -> tuple[list[str], dict[str, list[int]]]:
    """(months, body -> first listings per month) since ``since`` (YYYY-MM), every month
    in between present. A party counts once per body, in the month that body first listed
    it; a listing dated only by a snapshot window longer than a month is not counted."""
    counts: Counter[tuple[str, str]] = Counter()
    for p in parties_:
        for body, r in p.listings.items():
            if r.month and r.month >= since and (include_delisted or r.listed_now):
                counts[(r.month, body)] += 1
    if not counts:
        return [], {}
    last = max(m for m, _ in counts)
    months = month_range(since, last)
    bodies = [b for b in bodies_in(parties_) if any(counts[(m, b)] for m in months)]
    return months, {b: [counts[(m, b)] for m in months] for b in bodies}


def month_range(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# --- list entries -------------------------------------------------------------------------------

@dataclass(frozen=True)
class EntryCount:
    """List entries (not parties) of one list in a source's newest complete snapshot."""

    body: str
    list: str
    source: str
    snapshot_id: int
    as_of: str | None
    counts: dict[str, int]  # country -> entries with it


def entries_by_list(engine: Engine, countries: Sequence[str],
                    schemas: Sequence[str] | None = SCHEMA_GROUPS["firms"],
                    today: date | None = None) -> list[EntryCount]:
    """Entries of each list, in the newest complete snapshot of each source, with an address
    or registration in each of ``countries``; designations past their own end date are not
    counted. These are the list files' own rows, before any cross-referencing: what a
    reader of the file finds."""
    day = (today or date.today()).isoformat()
    wanted = [c.lower() for c in countries]
    newest: dict[str, tuple[int, str | None]] = {}
    for v in sorted(snapshot_views(engine).values(), key=lambda v: v.order):
        if not v.partial:
            newest[v.source] = (v.snapshot_id, v.as_of)
    counts: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    for source, (snapshot_id, _) in newest.items():
        for entity in list_store.iter_entities(engine, [snapshot_id]):
            if schemas is not None and entity.schema not in schemas:
                continue
            found = [c for c in wanted if c in countries_of(entity)]
            if not found:
                continue
            lists = {(b.body, b.list) for s in entity.sanctions
                     if not (s.end_date and s.end_date[:10] <= day)
                     for b in [body_of(source, s)]}
            for body, name in lists:
                counts[(source, body, name)].update(found)
    order = {b: i for i, b in enumerate(BODY_ORDER)}
    return [EntryCount(body, name, source, newest[source][0], newest[source][1],
                       {c: n.get(c, 0) for c in wanted})
            for (source, body, name), n in sorted(
                counts.items(), key=lambda kv: (order.get(kv[0][1], 99), kv[0][2], kv[0][0]))]
