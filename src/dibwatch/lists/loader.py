"""Loading a list file into a new, atomic snapshot."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from dibwatch.errors import InputError, Location, NotFoundError, ParseError
from dibwatch.ingest.digests import file_digests
from dibwatch.ingest.report import LoadReport
from dibwatch.lists import store
from dibwatch.lists.parsers import detect, list_input
from dibwatch.model.entity import MAX_NAMES, Entity
from dibwatch.workspace import Workspace
from dibwatch.workspace.changes import record_change

FLUSH_EVERY = 20_000
# Far above any real record (the longest names of OFAC, UN, EU and CSL are under 400
# characters; their most-named records under 100 names).
MAX_NAME_CHARS = 1_000
Progress = Callable[[int], None]


@dataclass
class LoadResult:
    snapshot: store.SnapshotInfo
    created: bool  # False when the same bytes were already loaded for this source
    report: LoadReport


class _Rows:
    """Column buffers for one snapshot's tables; ``sink`` takes each full table (an insert
    into the workspace, or a list kept until the lock is taken)."""

    def __init__(self, snapshot_id: int, sink: Callable[[str, pa.Table], None]) -> None:
        self.snapshot_id = snapshot_id
        self.sink = sink
        self.tables: dict[str, dict[str, list[Any]]] = {}
        self.counts = {"names": 0, "identifiers": 0, "addresses": 0, "sanctions": 0}

    def add(self, table: str, **row: Any) -> None:
        cols = self.tables.setdefault(table, {})
        if not cols:
            cols["snapshot_id"] = []
            for key in row:
                cols[key] = []
        cols["snapshot_id"].append(self.snapshot_id)
        for key, value in row.items():
            cols[key].append(value)
        if table in self.counts:
            self.counts[table] += 1

    def add_entity(self, e: Entity) -> None:
        eid = e.id
        self.add("entities", entity_id=eid, source_id=e.source_id, schema=e.schema,
                 caption=e.caption, content_hash=e.content_hash(),
                 data=json.dumps(e.to_dict(), ensure_ascii=False))
        for n in e.names:
            self.add("names", entity_id=eid, name=n.value, kind=n.kind.value, script=n.script,
                     lang=n.lang)
        for i in e.identifiers:
            self.add("identifiers", entity_id=eid, scheme=i.scheme, value=i.value, raw=i.raw,
                     valid=i.valid, country=i.country, note=i.note)
        for a in e.addresses:
            self.add("addresses", entity_id=eid, full=a.full, street=a.street, city=a.city,
                     postal_code=a.postal_code, region=a.region, country=a.country)
        for c in e.countries:
            self.add("countries", entity_id=eid, code=c.code, role=c.role)
        for s in e.sanctions:
            self.add("sanctions", entity_id=eid, authority=s.authority, program=s.program,
                     list_name=s.list_name, listing_date=s.listing_date, end_date=s.end_date,
                     reason=s.reason, source_url=s.source_url)

    def flush(self) -> None:
        for table, cols in self.tables.items():
            self.sink(table, pa.table(cols))
        self.tables.clear()


def bounded(entity: Entity, report: LoadReport) -> Entity:
    """The entity with its names within :data:`MAX_NAME_CHARS` and :data:`MAX_NAMES`, each
    cut recorded as a warning: a 15 MB "name" is no one's, and its index postings would take
    minutes and gigabytes."""
    names = entity.names
    if len(names) <= MAX_NAMES and all(len(n.value) <= MAX_NAME_CHARS for n in names):
        return entity
    prov = entity.provenance[0] if entity.provenance else None
    line, element = (prov.line, prov.element) if prov else (None, None)
    if len(names) > MAX_NAMES:
        report.warn(f"record {entity.source_id!r} has more than {MAX_NAMES:,} names: the "
                    f"first {MAX_NAMES:,} are kept", line=line, element=element)
        names = names[:MAX_NAMES]
    cut = [n for n in names if len(n.value) > MAX_NAME_CHARS]
    for n in cut[:3]:
        report.warn(f"record {entity.source_id!r}: a name of {len(n.value):,} characters cut "
                    f"to {MAX_NAME_CHARS:,}", value=n.value, line=line, element=element)
    entity.names = [replace(n, value=n.value[:MAX_NAME_CHARS]) if len(n.value) >
                    MAX_NAME_CHARS else n for n in names]
    return entity


@dataclass
class ParsedList:
    """A list file parsed and checked, its rows in memory, not yet stored: the web app parses
    an upload without the workspace lock and takes it only to insert."""

    path: Path
    source: str
    format: str
    parser_version: str
    files: list[dict[str, Any]]
    sha256: str
    published_at: str | None
    report: LoadReport
    entity_count: int
    counts: dict[str, int]
    tables: list[tuple[str, pa.Table]]
    seconds: float


def _parse_rows(parser: Any, path: Path, report: LoadReport, rows: _Rows,
                progress: Progress | None) -> int:
    seen: set[str] = set()
    count = 0
    try:
        for entity in parser.entities():
            if entity.id in seen:
                prov = entity.provenance[0] if entity.provenance else None
                report.warn(f"duplicate record id {entity.source_id!r}: later record "
                            "skipped", line=prov.line if prov else None,
                            element=prov.element if prov else None)
                continue
            seen.add(entity.id)
            rows.add_entity(bounded(entity, report))
            count += 1
            if count % FLUSH_EVERY == 0:
                rows.flush()
            if progress is not None and count % 500 == 0:
                progress(count)
    except InputError:
        raise
    except RecursionError as exc:
        raise ParseError("input nested too deeply", Location(str(path))) from exc
    if count == 0:
        raise ParseError("no entities found in the input", Location(str(path)))
    for issue in report.issues:
        loc = issue.location
        rows.add("load_issues", severity=issue.severity, file=loc.file, line=loc.line,
                 element=loc.element, field=loc.field, message=issue.message,
                 value=issue.value)
    for field_name, n in sorted(report.leftover_fields.items()):
        rows.add("load_leftovers", field=field_name, count=n)
    rows.flush()
    return count


def _snapshot_info(snapshot_id: int, parsed: ParsedList) -> store.SnapshotInfo:
    return store.SnapshotInfo(
        snapshot_id=snapshot_id, source=parsed.source, format=parsed.format,
        parser_version=parsed.parser_version, path=str(parsed.path), files=parsed.files,
        sha256=parsed.sha256, published_at=parsed.published_at,
        loaded_at=datetime.now(UTC).replace(tzinfo=None, microsecond=0),
        entity_count=parsed.entity_count, name_count=parsed.counts["names"],
        identifier_count=parsed.counts["identifiers"],
        address_count=parsed.counts["addresses"], sanction_count=parsed.counts["sanctions"],
        warning_count=parsed.report.warning_count,
        leftover_count=parsed.report.counts["leftovers"], load_seconds=round(parsed.seconds, 3))


def parse_list(path: str | Path, *, source: str | None = None, fmt: str | None = None,
               progress: Progress | None = None) -> ParsedList:
    """Parse ``path`` into memory without touching a workspace; :func:`store_parsed` writes
    it. Memory grows with the file: for uploads, bounded by the upload and inflate limits."""
    path = list_input(Path(path), fmt)
    cls, src = detect(path, source, fmt)
    report = LoadReport(str(path))
    parser = cls(path, src, report)
    files, sha = file_digests(parser.input_files())
    started = time.perf_counter()
    tables: list[tuple[str, pa.Table]] = []
    rows = _Rows(0, lambda table, data: tables.append((table, data)))
    count = _parse_rows(parser, path, report, rows, progress)
    return ParsedList(path, src, cls.format, cls.version, files, sha, parser.published_at,
                      report, count, dict(rows.counts), tables, time.perf_counter() - started)


def store_parsed(ws: Workspace, parsed: ParsedList, *, replace: bool = False) -> LoadResult:
    """Write a parsed list as a new snapshot in one transaction (a no-op when these bytes are
    already a snapshot of the source); ``replace`` as in :func:`load_list`."""
    existing = store.find_snapshot(ws.engine, parsed.source, parsed.sha256)
    if existing is not None:
        return LoadResult(existing, False, parsed.report)
    replaced = _current_snapshot(ws, parsed.source) if replace else None
    if replace and replaced is None:
        raise NotFoundError(f"--replace: source {parsed.source!r} has no snapshot to replace")
    started = time.perf_counter()
    with ws.engine.transaction():
        snapshot_id = int(ws.engine.scalar("SELECT nextval('snapshot_seq')"))
        for table, data in parsed.tables:
            ids = pa.array([snapshot_id] * data.num_rows, data.schema.field("snapshot_id").type)
            ws.engine.insert_arrow(table, data.set_column(
                data.schema.get_field_index("snapshot_id"), "snapshot_id", ids))
        parsed.seconds += time.perf_counter() - started
        info = _snapshot_info(snapshot_id, parsed)
        if replaced is not None:
            remove_snapshot(ws, replaced, action="replace", replaced_by=snapshot_id)
        # The snapshot row is written last: until COMMIT, no reader can see any of it.
        store.insert_snapshot(ws.engine, info)
    return LoadResult(info, True, parsed.report)


def load_list(ws: Workspace, path: str | Path, *, source: str | None = None,
              fmt: str | None = None, progress: Progress | None = None,
              replace: bool = False) -> LoadResult:
    """Parse ``path`` and store it as a new snapshot, atomically, streaming: rows go to the
    workspace every :data:`FLUSH_EVERY` entities, so memory stays flat on any file size.

    Loading bytes already loaded for the same source is a no-op returning that snapshot. On
    any error nothing is written: the transaction rolls back and the error propagates. With
    ``replace``, the source's current snapshot is removed in the same transaction (recorded
    in ``load_changes``): for a snapshot that was loaded by mistake.
    """
    path = list_input(Path(path), fmt)
    cls, src = detect(path, source, fmt)
    replaced = _current_snapshot(ws, src) if replace else None
    if replace and replaced is None:
        raise NotFoundError(f"--replace: source {src!r} has no snapshot to replace")
    report = LoadReport(str(path))
    parser = cls(path, src, report)
    files, sha = file_digests(parser.input_files())
    existing = store.find_snapshot(ws.engine, src, sha)
    if existing is not None:
        return LoadResult(existing, False, report)
    started = time.perf_counter()
    with ws.engine.transaction():
        snapshot_id = int(ws.engine.scalar("SELECT nextval('snapshot_seq')"))
        rows = _Rows(snapshot_id, ws.engine.insert_arrow)
        count = _parse_rows(parser, path, report, rows, progress)
        parsed = ParsedList(path, src, cls.format, cls.version, files, sha,
                            parser.published_at, report, count, dict(rows.counts), [],
                            time.perf_counter() - started)
        info = _snapshot_info(snapshot_id, parsed)
        if replaced is not None:
            remove_snapshot(ws, replaced, action="replace", replaced_by=snapshot_id)
        # The snapshot row is written last: until COMMIT, no reader can see any of it.
        store.insert_snapshot(ws.engine, info)
    if progress is not None:
        progress(count)
    return LoadResult(info, True, report)


def _current_snapshot(ws: Workspace, source: str) -> store.SnapshotInfo | None:
    found = store.list_snapshots(ws.engine, source)
    return found[-1] if found else None


def remove_snapshot(ws: Workspace, info: store.SnapshotInfo, *, action: str = "unload",
                    replaced_by: int | None = None, reason: str = "") -> None:
    """Take a snapshot back (inside the caller's transaction, or its own)."""
    with ws.engine.transaction():
        store.delete_snapshot(ws.engine, info.snapshot_id)
        record_change(ws.engine, kind="list", action=action, object_id=info.snapshot_id,
                      file=info.path, sha256=info.sha256, replaced_by=replaced_by,
                      detail={"source": info.source, "entities": info.entity_count,
                              "reason": reason})


def unload_list(ws: Workspace, snapshot_id: int, *, reason: str = "") -> store.SnapshotInfo:
    """Remove snapshot ``snapshot_id`` (a file loaded by mistake); the record stays."""
    info = store.get_snapshot(ws.engine, snapshot_id)
    remove_snapshot(ws, info, reason=reason)
    return info
