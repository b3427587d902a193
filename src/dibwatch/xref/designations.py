"""Designation dates: when each authority listed each entity, and when it stopped.

The list's own date comes first: the CSL start date, the EU listing date, the UN listed-on
date, the DoD and BIS dates. Where a list states none (the OFAC legacy CSV, most CSL rows
copied from OFAC) the snapshots date it: the entity was listed after the last complete
snapshot of its source without it and by the first one with it (``listed_after`` /
``listed_by``); an entity already in its source's first snapshot was listed before that
(``listed_after`` empty). A designation is put in a month (``month``) when its date is the
list's own, or when its snapshot window is at most :data:`MONTH_WINDOW_DAYS` long.

Delistings come from the diffs: an entity missing from a later *complete* snapshot of its
source left the list between its last snapshot and that one; a list's own end date in the
past (a denial order that expired) ends it too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from dibwatch.lists.registry import SOURCES
from dibwatch.model.entity import Sanction
from dibwatch.xref.classify import Body, body_of, family_of
from dibwatch.xref.universe import Member, SnapshotView, Universe

MONTH_WINDOW_DAYS = 31
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _day(value: str | None, today: date) -> str | None:
    """An ISO day from a list field, if it is one and plausible (1900 to today)."""
    if not value or not _DAY.match(value[:10]):
        return None
    day = value[:10]
    return day if "1900-01-01" <= day <= today.isoformat() else None


def _days_between(a: str, b: str) -> int:
    return (date.fromisoformat(b) - date.fromisoformat(a)).days


@dataclass(frozen=True)
class Presence:
    """Where an entity sits in its source's snapshot history."""

    first: SnapshotView
    last: SnapshotView
    listed_after: str | None  # date of the complete snapshot before it appeared
    listed_by: str | None  # date of the first snapshot carrying it
    before_first: bool  # already in the source's first complete snapshot
    delisted_after: str | None
    delisted_by: str | None
    delisted: bool


def presence(member: Member, history: list[SnapshotView]) -> Presence:
    views = {v.snapshot_id: v for v in history}
    held = [views[s] for s in member.snapshots if s in views]
    first, last = held[0], held[-1]
    before = [v for v in history if v.order < first.order and not v.partial]
    after = [v for v in history if v.order > last.order and not v.partial]
    gone = after[0] if after else None
    return Presence(first, last, before[-1].as_of if before else None, first.as_of,
                    not before, last.as_of if gone else None, gone.as_of if gone else None,
                    gone is not None)


@dataclass(frozen=True)
class Designation:
    entity_id: str
    source: str
    body: Body
    program: str | None
    family: str
    listed_on: str | None
    listed_after: str | None
    listed_by: str | None
    date_basis: str  # list | snapshots
    month: str | None
    first_snapshot_id: int
    last_snapshot_id: int
    delisted_on: str | None
    delisted_after: str | None
    delisted_by: str | None
    delisted_basis: str | None  # list end date | snapshots
    listed_now: bool
    reason: str | None

    @property
    def date(self) -> str | None:
        """The best single date: the list's own, else the end of a snapshot window."""
        if self.listed_on:
            return self.listed_on
        return self.listed_by if self.listed_after else None


def _fallback(source: str) -> Sanction:
    spec = SOURCES.get(source)
    return Sanction(authority=spec.authority if spec else source, list_name=spec.title
                    if spec else source)


def designations_of(member: Member, history: list[SnapshotView], today: date
                    ) -> list[Designation]:
    """One designation per (list, program) of the entity's newest version."""
    pres = presence(member, history)
    groups: dict[tuple[Body, str | None], list[Sanction]] = {}
    for s in member.entity.sanctions or [_fallback(member.source)]:
        groups.setdefault((body_of(member.source, s), s.program), []).append(s)
    out = []
    for (body, program), sanctions in groups.items():
        days = sorted(d for s in sanctions if (d := _day(s.listing_date, today)))
        ends = [_day(s.end_date, today) for s in sanctions]
        listed_on = days[0] if days else None
        if listed_on:
            basis, month = "list", listed_on[:7]
        else:
            basis, month = "snapshots", None
            if pres.listed_after and pres.listed_by and \
                    0 <= _days_between(pres.listed_after, pres.listed_by) <= MONTH_WINDOW_DAYS:
                month = pres.listed_by[:7]
        ended = ends and all(ends)  # every designation of the group has passed its end date
        delisted_on = max(e for e in ends if e) if ended else None
        if delisted_on:
            delisted_basis: str | None = "list end date"
        elif pres.delisted:
            delisted_basis = "snapshots"
        else:
            delisted_basis = None
        first = min(sanctions, key=lambda s: _day(s.listing_date, today) or "9999")
        reason = next((s.reason for s in sanctions if s.reason), None)
        out.append(Designation(
            member.entity_id, member.source, body, program,
            family_of(first, member.countries), listed_on,
            None if listed_on else pres.listed_after,
            None if listed_on else pres.listed_by, basis, month,
            pres.first.snapshot_id, pres.last.snapshot_id, delisted_on,
            pres.delisted_after if pres.delisted else None,
            pres.delisted_by if pres.delisted else None, delisted_basis,
            delisted_basis is None, reason[:1000] if reason else None))
    return out


def all_designations(universe: Universe, today: date | None = None) -> list[Designation]:
    today = today or date.today()
    histories = universe.by_source()
    out: list[Designation] = []
    for m in universe:
        out.extend(designations_of(m, histories[m.source], today))
    return out


@dataclass(frozen=True)
class Listing:
    """Who listed one cluster, when: one per cluster and body."""

    cluster_id: str
    body: Body
    lists: tuple[str, ...]
    families: tuple[str, ...]
    first_listed: str | None
    month: str | None
    date_basis: str
    listed_now: bool
    delisted_on: str | None
    entity_ids: tuple[str, ...]


def listings(designations: Iterable[Designation], assignment: dict[str, str]
             ) -> list[Listing]:
    groups: dict[tuple[str, str], list[Designation]] = {}
    for d in designations:
        groups.setdefault((assignment[d.entity_id], d.body.body), []).append(d)
    out = []
    for (cid, _), ds in sorted(groups.items()):
        current = [d for d in ds if d.listed_now]
        by_list = [d for d in ds if d.date_basis == "list"]
        pool = by_list or [d for d in ds if d.date]
        best = min(pool, key=lambda d: (d.date or "9999", d.entity_id), default=None)
        ended = [d.delisted_on or d.delisted_by for d in ds if not d.listed_now]
        families = current or ds
        out.append(Listing(
            cid, ds[0].body,
            tuple(sorted({d.body.list for d in ds})),
            tuple(sorted({d.family for d in families})),
            best.date if best else None, best.month if best else None,
            best.date_basis if best else "snapshots", bool(current),
            None if current else max((e for e in ended if e), default=None),
            tuple(sorted({d.entity_id for d in ds}))))
    return out


def designation_rows(run_id: int, designations: Iterable[Designation],
                     assignment: dict[str, str]) -> list[dict[str, Any]]:
    return [{"run_id": run_id, "entity_id": d.entity_id, "cluster_id": assignment[d.entity_id],
             "source": d.source, "authority": d.body.authority, "body": d.body.body,
             "list": d.body.list, "program": d.program, "family": d.family,
             "listed_on": d.listed_on, "listed_after": d.listed_after, "listed_by": d.listed_by,
             "date_basis": d.date_basis, "month": d.month,
             "first_snapshot_id": d.first_snapshot_id, "last_snapshot_id": d.last_snapshot_id,
             "delisted_on": d.delisted_on, "delisted_after": d.delisted_after,
             "delisted_by": d.delisted_by, "delisted_basis": d.delisted_basis,
             "listed_now": d.listed_now, "reason": d.reason} for d in designations]


def listing_rows(run_id: int, rows: Iterable[Listing]) -> list[dict[str, Any]]:
    return [{"run_id": run_id, "cluster_id": r.cluster_id, "authority": r.body.authority,
             "body": r.body.body, "lists": list(r.lists), "families": list(r.families),
             "first_listed": r.first_listed, "month": r.month, "date_basis": r.date_basis,
             "listed_now": r.listed_now, "delisted_on": r.delisted_on,
             "entity_ids": list(r.entity_ids)} for r in rows]
