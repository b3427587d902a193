"""One cross-referencing run: universe, links, clusters, designation dates; stored together."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from dibwatch.errors import NotFoundError
from dibwatch.match import DibwatchV1
from dibwatch.workspace import Workspace
from dibwatch.xref import store
from dibwatch.xref.classify import SectorHit, sectors_of
from dibwatch.xref.clusters import (
    Clustering,
    LinkForest,
    PairDecisions,
    best_caption,
    best_schema,
    build_clusters,
)
from dibwatch.xref.designations import (
    Designation,
    Listing,
    all_designations,
    designation_rows,
    listing_rows,
    listings,
)
from dibwatch.xref.links import (
    LINK_SCORE,
    UNIQUE_SCHEMES,
    Link,
    identifier_keys,
    key_links,
    link_rows,
    name_links,
    screen_universe,
)
from dibwatch.xref.universe import Universe, load_universe

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class XrefSettings:
    names: bool = True  # link by the matcher too (else identifiers and records only)
    link_score: float = LINK_SCORE
    workers: int | None = None  # matcher processes (default: every core)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _algorithm_label(names: bool) -> str:
    return f"{DibwatchV1.name}/{DibwatchV1.version}" if names else "none"


def _reusable_name_links(ws: Workspace, settings: XrefSettings, snapshot_ids: list[int]
                         ) -> list[Link] | None:
    """The name links of the stored run, as the matcher judged them, when that run read the
    same snapshots with the same matcher and settings: deciding a pair then re-clusters
    without re-matching."""
    last = store.latest_run(ws.engine)
    if last is None or last.snapshot_ids != snapshot_ids or \
            last.algorithm != _algorithm_label(True) or \
            last.settings.get("link_score") != settings.link_score or \
            not last.settings.get("names"):
        return None
    out = []
    for row in store.stored_links(ws.engine, ("name", "analyst")):
        evidence = json.loads(row["evidence"] or "{}")
        judged = evidence.get("judged")
        if not judged:
            continue  # an analyst link with no matcher evidence: the decisions add it again
        out.append(Link(row["entity_a"], row["entity_b"], "name", judged, row["score"],
                        evidence.get("judged_reason"), evidence))
    return out


def run_xref(ws: Workspace, *, settings: XrefSettings | None = None,
             decisions: PairDecisions | None = None, progress: Progress | None = None,
             today: date | None = None, rematch: bool = False,
             scratch_dir: Path | None = None) -> store.RunInfo:
    """Cross-reference every loaded list entity and store the run (replacing the last).

    Name links of the previous run are reused when it read the same snapshots with the same
    matcher (``rematch`` forces matching again)."""
    settings = settings or XrefSettings()
    engine = ws.engine
    if not engine.scalar("SELECT count(*) FROM snapshots"):
        raise NotFoundError("no lists loaded: run `dibwatch lists load` first")
    started = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    snapshot_ids = store.current_snapshot_ids(engine)
    universe = load_universe(engine, progress)
    keys = key_links(universe)
    links: list[Link] = list(keys)
    if settings.names:
        reused = None if rematch else _reusable_name_links(ws, settings, snapshot_ids)
        if reused is None:
            forest = LinkForest(universe)
            for link in keys:
                forest.union(link.entity_a, link.entity_b)
            matching = screen_universe(
                universe, skip=lambda a, b: forest.find(a) == forest.find(b),
                workers=settings.workers, progress=progress, scratch_dir=scratch_dir)
            judged = name_links(universe, matching, settings.link_score)
            reused = [replace(link, evidence={**link.evidence, "judged": link.status,
                                              "judged_reason": link.reason})
                      for link in judged]
        links += reused
    if progress is not None:
        progress("clustering", 0, 1)
    clustering = build_clusters(universe, links, decisions)
    designations = all_designations(universe, today)
    listed = listings(designations, clustering.assignment)
    sectors = {m.entity_id: sectors_of(m.entity) for m in universe}
    if progress is not None:
        progress("clustering", 1, 1)
    run_id = store.next_run_id(engine)
    clusters = cluster_rows(run_id, universe, clustering, designations, listed, sectors)
    counts = Counter(f"{link.kind}:{link.status}" for link in clustering.links)
    info = store.RunInfo(run_id, started, datetime.now(UTC).replace(tzinfo=None, microsecond=0),
                         snapshot_ids, _algorithm_label(settings.names), settings.as_json(),
                         len(universe), len(clusters), dict(sorted(counts.items())))
    store.write_run(engine, info, {
        "xref_members": member_rows(run_id, universe, clustering, sectors),
        "xref_links": link_rows(run_id, clustering.links),
        "xref_clusters": clusters,
        "xref_designations": designation_rows(run_id, designations, clustering.assignment),
        "xref_listings": listing_rows(run_id, listed),
    })
    return info


def is_fresh(ws: Workspace) -> bool:
    """True when the stored run read the snapshots the workspace has now."""
    last = store.latest_run(ws.engine)
    return last is not None and last.snapshot_ids == store.current_snapshot_ids(ws.engine)


def member_rows(run_id: int, universe: Universe, clustering: Clustering,
                sectors: dict[str, list[SectorHit]]) -> list[dict[str, Any]]:
    return [{"run_id": run_id, "entity_id": m.entity_id,
             "cluster_id": clustering.assignment[m.entity_id], "source": m.source,
             "source_id": m.entity.source_id, "snapshot_id": m.snapshot_id,
             "content_hash": m.content_hash, "schema": m.entity.schema,
             "caption": m.entity.caption, "countries": sorted(m.countries),
             "first_snapshot_id": m.snapshots[0], "last_snapshot_id": m.snapshots[-1],
             "sectors": json.dumps([asdict(h) for h in sectors[m.entity_id]],
                                   ensure_ascii=False) if sectors[m.entity_id] else None}
            for m in universe]


def cluster_rows(run_id: int, universe: Universe, clustering: Clustering,
                 designations: list[Designation], listed: list[Listing],
                 sectors: dict[str, list[SectorHit]]) -> list[dict[str, Any]]:
    groups: dict[str, list[str]] = {}
    for entity_id, cid in clustering.assignment.items():
        groups.setdefault(cid, []).append(entity_id)
    by_cluster: dict[str, list[Designation]] = {}
    for d in designations:
        by_cluster.setdefault(clustering.assignment[d.entity_id], []).append(d)
    listings_of: dict[str, list[Listing]] = {}
    for row in listed:
        listings_of.setdefault(row.cluster_id, []).append(row)
    out = []
    for cid, ids in sorted(groups.items()):
        members = [universe.members[i] for i in sorted(ids)]
        ds = by_cluster.get(cid, [])
        current = [d for d in ds if d.listed_now] or ds
        keys: dict[str, set[str]] = {}
        for m in members:
            for scheme, value in identifier_keys(m.entity):
                keys.setdefault(scheme, set()).add(value)
        conflicts = [{"kind": "identifier", "detail": f"{scheme}: {', '.join(sorted(v))}"}
                     for scheme, v in sorted(keys.items())
                     if scheme in UNIQUE_SCHEMES and len(v) > 1]
        groups_ = {("person" if m.entity.schema == "Person" else
                    "org" if m.entity.schema not in ("Vessel", "Airplane") else
                    m.entity.schema) for m in members}
        if len(groups_) > 1:
            conflicts.append({"kind": "schema", "detail": " / ".join(sorted(groups_))})
        hits = sorted({h.sector for m in members for h in sectors[m.entity_id]})
        mine = listings_of.get(cid, [])
        dates = [r.first_listed for r in mine if r.first_listed]
        out.append({
            "run_id": run_id, "cluster_id": cid,
            "caption": best_caption(m.entity.caption for m in members),
            "schema": best_schema(m.entity.schema for m in members),
            "countries": sorted(set().union(*(m.countries for m in members))),
            "member_count": len(members),
            "sources": sorted({m.source for m in members}),
            "authorities": sorted({d.body.authority for d in current}),
            "bodies": sorted({d.body.body for d in current}),
            "families": sorted({d.family for d in current}),
            "sectors": hits, "chpl_relevant": bool(hits),
            "identifiers": sorted(f"{s}:{v}" for s, vs in keys.items() for v in vs),
            "conflicts": json.dumps(conflicts) if conflicts else None,
            "first_listed": min(dates) if dates else None,
            "listed_now": any(r.listed_now for r in mine),
        })
    return out
