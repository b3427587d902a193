"""All SQL of the lists stage: snapshots, entities, diffs. Nothing else in the stage writes SQL."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from dibwatch.engine import Engine
from dibwatch.errors import NotFoundError
from dibwatch.model.entity import Entity


@dataclass
class SnapshotInfo:
    snapshot_id: int
    source: str
    format: str
    parser_version: str
    path: str
    files: list[dict[str, Any]]
    sha256: str
    published_at: str | None
    loaded_at: datetime
    entity_count: int
    name_count: int
    identifier_count: int
    address_count: int
    sanction_count: int
    warning_count: int
    leftover_count: int
    load_seconds: float | None = None


_SNAPSHOT_COLS = [f for f in SnapshotInfo.__dataclass_fields__]


def _snapshot(row: tuple[Any, ...]) -> SnapshotInfo:
    data = dict(zip(_SNAPSHOT_COLS, row, strict=True))
    if isinstance(data["files"], str):
        data["files"] = json.loads(data["files"])
    return SnapshotInfo(**data)


def _select(where: str = "") -> str:
    cols = ", ".join(_SNAPSHOT_COLS)
    return f"SELECT {cols} FROM snapshots {where}"


def insert_snapshot(engine: Engine, info: SnapshotInfo) -> None:
    data = asdict(info)
    data["files"] = json.dumps(info.files)
    cols = ", ".join(_SNAPSHOT_COLS)
    marks = ", ".join("?" for _ in _SNAPSHOT_COLS)
    engine.execute(f"INSERT INTO snapshots ({cols}) VALUES ({marks})",
                   [data[c] for c in _SNAPSHOT_COLS])


def delete_snapshot(engine: Engine, snapshot_id: int) -> None:
    """Remove a snapshot and every row of it; call inside a transaction. The screening
    index follows on next use (it is keyed by the current snapshot ids)."""
    from dibwatch.workspace.schema import SNAPSHOT_TABLES

    for table in SNAPSHOT_TABLES:
        engine.execute(f"DELETE FROM {table} WHERE snapshot_id = ?", [snapshot_id])
    engine.execute("DELETE FROM snapshots WHERE snapshot_id = ?", [snapshot_id])


def find_snapshot(engine: Engine, source: str, sha256: str) -> SnapshotInfo | None:
    rows = engine.query(_select("WHERE source = ? AND sha256 = ?"), [source, sha256])
    return _snapshot(rows[0]) if rows else None


def list_snapshots(engine: Engine, source: str | None = None) -> list[SnapshotInfo]:
    if source:
        rows = engine.query(_select("WHERE source = ? ORDER BY snapshot_id"), [source])
    else:
        rows = engine.query(_select("ORDER BY source, snapshot_id"))
    return [_snapshot(r) for r in rows]


def get_snapshot(engine: Engine, snapshot_id: int) -> SnapshotInfo:
    rows = engine.query(_select("WHERE snapshot_id = ?"), [snapshot_id])
    if not rows:
        raise NotFoundError(f"no snapshot {snapshot_id}")
    return _snapshot(rows[0])


def latest_snapshots(engine: Engine) -> list[SnapshotInfo]:
    """The current snapshot of each source: the one loaded last."""
    rows = engine.query(_select(
        "WHERE snapshot_id IN (SELECT max(snapshot_id) FROM snapshots GROUP BY source) "
        "ORDER BY source"))
    return [_snapshot(r) for r in rows]


def get_entity(engine: Engine, entity_id: str, snapshot_id: int | None = None) -> Entity:
    """An entity from ``snapshot_id``, or from the newest snapshot that holds it. ``entity_id``
    may also be a list's own record id when it is unambiguous."""
    sql = ("SELECT data FROM entities WHERE (entity_id = ? OR source_id = ?) "
           + ("AND snapshot_id = ? " if snapshot_id is not None else "")
           + "ORDER BY snapshot_id DESC")
    params: list[Any] = [entity_id, entity_id]
    if snapshot_id is not None:
        params.append(snapshot_id)
    rows = engine.query(sql, params)
    if not rows:
        raise NotFoundError(f"no entity {entity_id!r}"
                            + (f" in snapshot {snapshot_id}" if snapshot_id else ""))
    return Entity.from_dict(json.loads(rows[0][0]))


def entity_history(engine: Engine, entity_id: str) -> list[tuple[int, str, str]]:
    """(snapshot_id, source, content_hash) of every snapshot that holds the entity."""
    return [(int(r[0]), str(r[1]), str(r[2])) for r in engine.query(
        "SELECT e.snapshot_id, s.source, e.content_hash FROM entities e "
        "JOIN snapshots s USING (snapshot_id) WHERE e.entity_id = ? OR e.source_id = ? "
        "ORDER BY e.snapshot_id", [entity_id, entity_id])]


def load_issues(engine: Engine, snapshot_id: int, limit: int = 50) -> list[tuple[Any, ...]]:
    return engine.query(
        "SELECT severity, file, line, element, field, message, value FROM load_issues "
        "WHERE snapshot_id = ? ORDER BY severity DESC, line NULLS LAST LIMIT ?",
        [snapshot_id, limit])


def load_leftovers(engine: Engine, snapshot_id: int) -> list[tuple[str, int]]:
    return [(str(r[0]), int(r[1])) for r in engine.query(
        "SELECT field, count FROM load_leftovers WHERE snapshot_id = ? ORDER BY count DESC",
        [snapshot_id])]


def iter_entities(engine: Engine, snapshot_ids: list[int]) -> Any:
    """Entities of the given snapshots, streamed in batches."""
    marks = ", ".join("?" for _ in snapshot_ids)
    sql = (f"SELECT data FROM entities WHERE snapshot_id IN ({marks}) "
           "ORDER BY snapshot_id, entity_id")
    for batch in engine.iter_batches(sql, list(snapshot_ids)):
        for data in batch.column(0).to_pylist():
            yield Entity.from_dict(json.loads(data))


# --- diffs -----------------------------------------------------------------------------------

@dataclass
class EntityChange:
    entity_id: str
    caption: str
    added: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class ListDiff:
    source: str
    old: SnapshotInfo
    new: SnapshotInfo
    added: list[tuple[str, str]]  # (entity_id, caption)
    removed: list[tuple[str, str]]
    changed: list[EntityChange]
    unchanged: int


def _label(*parts: Any) -> str:
    return " / ".join(str(p) for p in parts if p)


def _facets(data: dict[str, Any]) -> dict[str, set[str]]:
    """An entity's content as comparable, readable facets: field -> set of display values.

    Every stored field is covered, so two records differ exactly when a facet differs;
    ordering alone is not a change."""
    out: dict[str, set[str]] = {"schema": {data["schema"]}}
    for n in data.get("names", []):
        out.setdefault("names", set()).add(f"{n['value']} ({n['kind']})"
                                           + (f" [{n['lang']}]" if n.get("lang") else ""))
    for i in data.get("identifiers", []):
        valid = " (invalid)" if i.get("valid") is False else ""
        out.setdefault("identifiers", set()).add(
            _label(f"{i['scheme']}:{i['value']}{valid}", i.get("country"), i.get("note")))
    for a in data.get("addresses", []):
        out.setdefault("addresses", set()).add(
            _label(a["full"], *(a.get(k) for k in ("street", "city", "postal_code", "region",
                                                   "country"))))
    for c in data.get("countries", []):
        out.setdefault("countries", set()).add(f"{c['role']}:{c['code']}")
    for s in data.get("sanctions", []):
        extra = "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(s.get("extra", {}).items()))
        out.setdefault("sanctions", set()).add(_label(
            s.get("authority"), s.get("list_name"), s.get("program"),
            s.get("listing_date") and f"since {s['listing_date']}",
            s.get("end_date") and f"until {s['end_date']}", s.get("reason"),
            s.get("source_url"), extra))
    for key in ("birth_dates", "birth_places", "incorporation_dates", "websites", "emails",
                "phones", "notes"):
        if data.get(key):
            out[key] = set(data[key])
    for key, values in data.get("extra", {}).items():
        out[f"extra.{key}"] = set(values)
    return out


def diff_snapshots(engine: Engine, old_id: int, new_id: int) -> ListDiff:
    old, new = get_snapshot(engine, old_id), get_snapshot(engine, new_id)
    if old.source != new.source:
        raise NotFoundError(f"snapshots {old_id} ({old.source}) and {new_id} ({new.source}) "
                            "are of different sources")
    added = [(str(r[0]), str(r[1])) for r in engine.query(
        "SELECT entity_id, caption FROM entities WHERE snapshot_id = ? AND entity_id NOT IN "
        "(SELECT entity_id FROM entities WHERE snapshot_id = ?) ORDER BY entity_id",
        [new_id, old_id])]
    removed = [(str(r[0]), str(r[1])) for r in engine.query(
        "SELECT entity_id, caption FROM entities WHERE snapshot_id = ? AND entity_id NOT IN "
        "(SELECT entity_id FROM entities WHERE snapshot_id = ?) ORDER BY entity_id",
        [old_id, new_id])]
    pairs = engine.query(
        "SELECT n.entity_id, n.caption, o.data, n.data FROM entities n JOIN entities o "
        "ON o.entity_id = n.entity_id AND o.snapshot_id = ? WHERE n.snapshot_id = ? "
        "AND o.content_hash <> n.content_hash ORDER BY n.entity_id", [old_id, new_id])
    unchanged = int(engine.scalar(
        "SELECT count(*) FROM entities n JOIN entities o ON o.entity_id = n.entity_id "
        "AND o.snapshot_id = ? WHERE n.snapshot_id = ? AND o.content_hash = n.content_hash",
        [old_id, new_id]))
    changed = []
    for entity_id, caption, old_data, new_data in pairs:
        a, b = _facets(json.loads(old_data)), _facets(json.loads(new_data))
        if a == b:  # only the order of values moved
            unchanged += 1
            continue
        change = EntityChange(str(entity_id), str(caption))
        for key in sorted(set(a) | set(b)):
            plus = sorted(b.get(key, set()) - a.get(key, set()))
            minus = sorted(a.get(key, set()) - b.get(key, set()))
            if plus:
                change.added[key] = plus
            if minus:
                change.removed[key] = minus
        changed.append(change)
    return ListDiff(new.source, old, new, added, removed, changed, unchanged)


def default_diff_pair(engine: Engine, source: str) -> tuple[int, int]:
    """The two most recently loaded snapshots of ``source``: (previous, latest)."""
    ids = [int(r[0]) for r in engine.query(
        "SELECT snapshot_id FROM snapshots WHERE source = ? ORDER BY snapshot_id DESC LIMIT 2",
        [source])]
    if len(ids) < 2:
        raise NotFoundError(f"source {source!r} has {len(ids)} snapshot(s); a diff needs two")
    return ids[1], ids[0]
