"""All SQL of cross-referencing: what it reads of the list tables, the scratch index it
screens against, and its own tables (``xref_*``, workspace migrations 12 and 13). Nothing
else in :mod:`dibwatch.xref` writes SQL."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from dibwatch.engine import Engine
from dibwatch.lists import store as list_store
from dibwatch.model.entity import Entity

ISO_DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"


@dataclass(frozen=True)
class SnapshotFacts:
    snapshot_id: int
    source: str
    entity_count: int
    published_at: str | None
    fetched_at: str | None
    newest_listing: str | None


def snapshot_facts(engine: Engine) -> list[SnapshotFacts]:
    """Every snapshot with what dates it: its stated publication date, when ``lists fetch``
    downloaded its file, and its newest listing date no later than its load."""
    rows = engine.query("""
        SELECT s.snapshot_id, s.source, s.entity_count, s.published_at,
               (SELECT CAST(max(f.fetched_at) AS VARCHAR) FROM fetch_state f
                 WHERE f.path = s.path OR starts_with(f.path, s.path || '/')),
               (SELECT max(x.listing_date) FROM sanctions x
                 WHERE x.snapshot_id = s.snapshot_id AND regexp_matches(x.listing_date, ?)
                   AND x.listing_date >= '1900'
                   AND x.listing_date <= CAST(CAST(s.loaded_at AS DATE) AS VARCHAR))
        FROM snapshots s ORDER BY s.snapshot_id""", [ISO_DAY])
    return [SnapshotFacts(int(r[0]), str(r[1]), int(r[2]), r[3], r[4], r[5]) for r in rows]


def entity_presence(engine: Engine) -> dict[str, list[int]]:
    """entity id -> every snapshot holding it."""
    out: dict[str, list[int]] = {}
    for batch in engine.iter_batches(
            "SELECT entity_id, list(snapshot_id ORDER BY snapshot_id) FROM entities "
            "GROUP BY entity_id"):
        for entity_id, snaps in zip(batch.column(0).to_pylist(), batch.column(1).to_pylist(),
                                    strict=True):
            out[str(entity_id)] = [int(s) for s in snaps]
    return out


def newest_versions(engine: Engine) -> Iterator[tuple[int, str, Entity]]:
    """(snapshot id, content hash, entity) of every entity id, as its newest snapshot has it."""
    sql = ("SELECT snapshot_id, content_hash, data FROM entities QUALIFY row_number() OVER "
           "(PARTITION BY entity_id ORDER BY snapshot_id DESC) = 1 ORDER BY entity_id")
    for batch in engine.iter_batches(sql):
        for sid, digest, data in zip(batch.column(0).to_pylist(), batch.column(1).to_pylist(),
                                     batch.column(2).to_pylist(), strict=True):
            yield int(sid), str(digest), Entity.from_dict(json.loads(data))


def write_scratch(engine: Engine, entities: Sequence[Entity]) -> None:
    """Fill an empty scratch workspace with one snapshot per source holding ``entities``, so
    the screening index (built from the current snapshot of each source) covers them all."""
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    by_source: dict[str, list[Entity]] = {}
    for e in entities:
        by_source.setdefault(e.source, []).append(e)
    with engine.transaction():
        for snapshot_id, (source, members) in enumerate(sorted(by_source.items()), 1):
            engine.insert_arrow("entities", pa.table({
                "snapshot_id": [snapshot_id] * len(members),
                "entity_id": [e.id for e in members],
                "source_id": [e.source_id for e in members],
                "schema": [e.schema for e in members],
                "caption": [e.caption for e in members],
                "content_hash": [e.content_hash() for e in members],
                "data": [json.dumps(e.to_dict(), ensure_ascii=False) for e in members]}))
            list_store.insert_snapshot(engine, list_store.SnapshotInfo(
                snapshot_id, source, "xref-universe", "1", "(every snapshot)", [],
                f"xref-{source}", None, now, len(members), 0, 0, 0, 0, 0, 0))


# --- runs --------------------------------------------------------------------------------------

TABLES = ("xref_members", "xref_links", "xref_clusters", "xref_designations", "xref_listings")


@dataclass(frozen=True)
class RunInfo:
    run_id: int
    started_at: datetime
    finished_at: datetime | None
    snapshot_ids: list[int]
    algorithm: str
    settings: dict[str, Any]
    entity_count: int
    cluster_count: int
    link_counts: dict[str, int]


def next_run_id(engine: Engine) -> int:
    return int(engine.scalar("SELECT coalesce(max(run_id), 0) + 1 FROM xref_runs"))


def write_run(engine: Engine, info: RunInfo, tables: dict[str, list[dict[str, Any]]]) -> None:
    """Store one run and its rows in one transaction; the rows of earlier runs go (their
    ``xref_runs`` row stays as history)."""
    with engine.transaction():
        for table in TABLES:
            engine.execute(f"DELETE FROM {table}")
        for table in TABLES:
            rows = tables.get(table) or []
            if rows:
                engine.insert_arrow(table, pa.Table.from_pylist(rows))
        engine.execute(
            "INSERT INTO xref_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [info.run_id, info.started_at, info.finished_at, json.dumps(info.snapshot_ids),
             info.algorithm, json.dumps(info.settings), info.entity_count, info.cluster_count,
             json.dumps(info.link_counts)])


def _run(row: tuple[Any, ...]) -> RunInfo:
    return RunInfo(int(row[0]), row[1], row[2], json.loads(row[3]), str(row[4]),
                   json.loads(row[5]), int(row[6] or 0), int(row[7] or 0),
                   json.loads(row[8] or "{}"))


def latest_run(engine: Engine) -> RunInfo | None:
    """The newest finished run whose rows are stored."""
    rows = engine.query("SELECT * FROM xref_runs WHERE finished_at IS NOT NULL "
                        "ORDER BY run_id DESC LIMIT 1")
    return _run(rows[0]) if rows else None


def current_snapshot_ids(engine: Engine) -> list[int]:
    return [int(r[0]) for r in engine.query("SELECT snapshot_id FROM snapshots ORDER BY 1")]


def stored_links(engine: Engine, kinds: Sequence[str]) -> list[dict[str, Any]]:
    """Links of the stored run of the given kinds, as written."""
    marks = ", ".join("?" for _ in kinds)
    cols = ("entity_a", "entity_b", "kind", "status", "score", "reason", "evidence")
    rows = engine.query(f"SELECT {', '.join(cols)} FROM xref_links WHERE kind IN ({marks}) "
                        "ORDER BY entity_a, entity_b", list(kinds))
    return [dict(zip(cols, r, strict=True)) for r in rows]


def query(engine: Engine, sql: str, params: Sequence[Any] | None = None
          ) -> list[dict[str, Any]]:
    """Rows of one of this module's read queries as dicts."""
    result = engine.query_arrow(sql, list(params) if params else None)
    return list(result.to_pylist())


# --- reads for coverage, pages and the API --------------------------------------------------

CLUSTER_COLUMNS = ("cluster_id, caption, schema, countries, member_count, sources, authorities, "
                   "bodies, families, sectors, chpl_relevant, identifiers, conflicts, "
                   "first_listed, listed_now")

CLUSTERS = f"""
SELECT {CLUSTER_COLUMNS} FROM xref_clusters
WHERE (? IS NULL OR list_has_any(countries, ?))
  AND (? IS NULL OR list_contains(families, ?))
  AND (? IS NULL OR list_contains(authorities, ?))
  AND (? IS NULL OR list_contains(CAST(? AS VARCHAR[]), schema))
  AND (? IS NULL OR contains(lower(caption), lower(?)))
  AND (NOT ? OR member_count > 1)
ORDER BY member_count DESC, caption, cluster_id
LIMIT ? OFFSET ?
"""

CLUSTER_COUNT = """
SELECT count(*) FROM xref_clusters
WHERE (? IS NULL OR list_has_any(countries, ?))
  AND (? IS NULL OR list_contains(families, ?))
  AND (? IS NULL OR list_contains(authorities, ?))
  AND (? IS NULL OR list_contains(CAST(? AS VARCHAR[]), schema))
  AND (? IS NULL OR contains(lower(caption), lower(?)))
  AND (NOT ? OR member_count > 1)
"""

CLUSTER = f"SELECT {CLUSTER_COLUMNS} FROM xref_clusters WHERE cluster_id = ?"

CLUSTER_MEMBERS = """
SELECT m.entity_id, m.source, m.source_id, m.schema, m.caption, m.countries, m.snapshot_id,
       m.first_snapshot_id, m.last_snapshot_id, m.sectors
FROM xref_members m WHERE m.cluster_id = ? ORDER BY m.source, m.entity_id
"""

CLUSTER_DESIGNATIONS = """
SELECT entity_id, authority, body, list, program, family, listed_on, listed_after, listed_by,
       date_basis, delisted_on, delisted_after, delisted_by, delisted_basis, listed_now, reason
FROM xref_designations WHERE cluster_id = ?
ORDER BY coalesce(listed_on, listed_by, '9999'), body, list, entity_id
"""

CLUSTER_LISTINGS = """
SELECT authority, body, lists, families, first_listed, month, date_basis, listed_now,
       delisted_on, entity_ids
FROM xref_listings WHERE cluster_id = ? ORDER BY coalesce(first_listed, '9999'), body
"""

CLUSTER_LINKS = """
SELECT entity_a, entity_b, kind, status, score, reason, evidence FROM xref_links
WHERE entity_a IN (SELECT entity_id FROM xref_members WHERE cluster_id = ?)
   OR entity_b IN (SELECT entity_id FROM xref_members WHERE cluster_id = ?)
ORDER BY kind, score DESC NULLS LAST, entity_a, entity_b
"""

QUEUE = """
SELECT l.entity_a, l.entity_b, l.score, l.reason, l.evidence,
       a.caption AS caption_a, a.source AS source_a, a.countries AS countries_a,
       a.cluster_id AS cluster_a, a.content_hash AS hash_a, a.snapshot_id AS snapshot_a,
       b.caption AS caption_b, b.source AS source_b, b.countries AS countries_b,
       b.cluster_id AS cluster_b, b.content_hash AS hash_b, b.snapshot_id AS snapshot_b
FROM xref_links l
JOIN xref_members a ON a.entity_id = l.entity_a
JOIN xref_members b ON b.entity_id = l.entity_b
WHERE l.status = 'queued' AND (? IS NULL OR list_has_any(a.countries || b.countries, ?))
ORDER BY l.score DESC, l.entity_a, l.entity_b
LIMIT ? OFFSET ?
"""

QUEUE_COUNT = """
SELECT count(*) FROM xref_links l
JOIN xref_members a ON a.entity_id = l.entity_a
JOIN xref_members b ON b.entity_id = l.entity_b
WHERE l.status = 'queued' AND (? IS NULL OR list_has_any(a.countries || b.countries, ?))
"""

LINK = """
SELECT l.entity_a, l.entity_b, l.kind, l.status, l.score, l.reason, l.evidence,
       a.content_hash AS hash_a, b.content_hash AS hash_b, a.snapshot_id AS snapshot_a,
       b.snapshot_id AS snapshot_b, a.source AS source_a, b.source AS source_b
FROM xref_links l
JOIN xref_members a ON a.entity_id = l.entity_a
JOIN xref_members b ON b.entity_id = l.entity_b
WHERE l.entity_a = ? AND l.entity_b = ?
"""

MEMBER = """
SELECT entity_id, cluster_id, source, content_hash, snapshot_id, caption
FROM xref_members WHERE entity_id = ?
"""

# Cluster x body listings with the cluster's countries, schema and sectors: what coverage,
# gaps and the timeline are computed from.
LISTINGS = """
SELECT c.cluster_id, c.caption, c.schema, c.countries, c.sectors, c.chpl_relevant,
       l.authority, l.body, l.lists, l.families, l.first_listed, l.month, l.date_basis,
       l.listed_now, l.delisted_on
FROM xref_listings l JOIN xref_clusters c USING (cluster_id)
ORDER BY c.cluster_id, l.body
"""

# For each cluster, the current authorities of the clusters it has a queued pair with.
QUEUED_NEIGHBOURS = """
SELECT ca.cluster_id, list_distinct(flatten(list(cb.authorities))) AS authorities
FROM xref_links l
JOIN xref_members a ON a.entity_id = l.entity_a
JOIN xref_members b ON b.entity_id = l.entity_b
JOIN xref_clusters ca ON ca.cluster_id = a.cluster_id
JOIN xref_clusters cb ON cb.cluster_id = b.cluster_id
WHERE l.status = 'queued' AND ca.cluster_id <> cb.cluster_id
GROUP BY ca.cluster_id
UNION ALL
SELECT cb.cluster_id, list_distinct(flatten(list(ca.authorities)))
FROM xref_links l
JOIN xref_members a ON a.entity_id = l.entity_a
JOIN xref_members b ON b.entity_id = l.entity_b
JOIN xref_clusters ca ON ca.cluster_id = a.cluster_id
JOIN xref_clusters cb ON cb.cluster_id = b.cluster_id
WHERE l.status = 'queued' AND ca.cluster_id <> cb.cluster_id
GROUP BY cb.cluster_id
"""
