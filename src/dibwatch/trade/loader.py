"""Loading a shipment file: streamed, validated, atomic and idempotent.

The discipline is the lists loader's: the sha256 of the bytes makes a reload a no-op; every row
of a load is written in ONE transaction, batch by batch (memory stays flat whatever the file
size), and the ``shipment_loads`` row is written last, so on any error or a ``kill -9`` the
workspace keeps exactly the loads it had.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from dibwatch.errors import Location, NotFoundError, ParseError
from dibwatch.goods import classify_table
from dibwatch.ingest.digests import file_digests
from dibwatch.trade import dataset, store
from dibwatch.trade.convert import Binding, Problem, convert_batch
from dibwatch.trade.mapping import Mapping, detect_mapping, load_mapping
from dibwatch.trade.readers import open_reader
from dibwatch.workspace import Workspace
from dibwatch.workspace.changes import record_change

BATCH_ROWS = 100_000
PREVIEW_PROBLEMS = 20
Progress = Callable[[int], None]  # called with the number of source rows read so far


@dataclass
class TradeLoadResult:
    load: store.ShipmentLoad
    created: bool  # False when these bytes were already loaded
    file_format: str = ""
    problems: list[Problem] = field(default_factory=list)  # the first quarantine entries
    missing_fields: list[str] = field(default_factory=list)  # mapped, but no column in file
    unused_columns: list[str] = field(default_factory=list)  # in the file, not mapped


def load_shipments(ws: Workspace, path: str | Path, *, mapping: str | Path | Mapping | None = None,
                   source_name: str | None = None, progress: Progress | None = None,
                   batch_rows: int | None = None, replace: bool = False,
                   encoding: str | None = None, bad_bytes: str = "refuse") -> TradeLoadResult:
    """Read ``path`` (CSV, Parquet, XLSX, JSON lines) through ``mapping`` (a built-in name, a
    YAML path, or detected from the header) into the ``shipments`` table.

    Bad rows go to ``shipment_quarantine`` with line and reason; a file none of whose rows
    maps is refused. Loading bytes already loaded is a no-op returning that load. With
    ``replace``, the newest earlier load under the same source name (the file's name by
    default) is removed in the same transaction and the change recorded. ``bad_bytes``:
    "refuse" a text file with bytes invalid in its encoding (naming the line), or "replace"
    them with U+FFFD and a warning on each such line. On any error nothing is written."""
    path = Path(path)
    batch_rows = batch_rows or BATCH_ROWS
    name = source_name or path.name
    reader = open_reader(path, encoding=encoding, bad_bytes=bad_bytes)
    staging: Path | None = None
    try:
        files, sha = file_digests([path])
        existing = store.find_load(ws.engine, sha)
        if existing is not None:
            return TradeLoadResult(existing, False, reader.format)
        previous = store.latest_load_of(ws.engine, name) if replace else None
        if replace and previous is None:
            raise NotFoundError(f"--replace: no earlier load named {name!r} to replace "
                                f"(`dibwatch trade status` lists the loads)")
        chosen = (load_mapping(mapping) if mapping is not None
                  else detect_mapping(reader.header, str(path)))
        binding = Binding(chosen, reader.header)
        started = time.perf_counter()
        root = dataset.root_for(ws.path) if not ws.read_only else None
        rows = reader.rows()
        good = bad = warnings = read = 0
        problems: list[Problem] = []
        with ws.engine.transaction():
            load_id = store.next_load_id(ws.engine)
            while batch := list(itertools.islice(rows, batch_rows)):
                converted = convert_batch(binding, batch, load_id, str(path))
                store.insert_shipments(ws.engine, converted.shipments, converted.quarantine)
                # Each line is classified as it lands (CHPL tier, HS levels, brand), in the
                # same transaction, so a load is never visible without its classes.
                store.insert_classes(ws.engine, classify_table(converted.shipments))
                good += converted.rows
                bad += converted.quarantined_rows
                warnings += converted.warnings
                read += len(batch)
                problems.extend(converted.problems[:PREVIEW_PROBLEMS - len(problems)])
                if progress is not None:
                    progress(read)
            if read == 0:
                raise ParseError("no data rows after the header", Location(str(path)))
            if good == 0:
                raise ParseError(_nothing_maps(read, chosen.name, problems),
                                 Location(str(path)))
            if previous is not None:
                store.delete_load(ws.engine, previous.load_id)
                record_change(ws.engine, kind="shipments", action="replace",
                              object_id=previous.load_id, file=previous.file,
                              sha256=previous.sha256, replaced_by=load_id,
                              detail={"source_name": name, "rows": previous.row_count,
                                      "new_file": str(path)})
            load = store.ShipmentLoad(
                load_id=load_id, source_name=name, mapping=chosen.name,
                file=str(path), sha256=sha, bytes=int(files[0]["bytes"]),
                loaded_at=datetime.now(UTC).replace(tzinfo=None, microsecond=0),
                row_count=good, quarantined_count=bad, warning_count=warnings,
                seconds=round(time.perf_counter() - started, 3))
            if root is not None:
                staging = dataset.stage_load(ws.engine, root, load_id)
            # Written last: until COMMIT no reader sees any row of this load.
            store.insert_load(ws.engine, load)
        if root is not None and staging is not None:
            if previous is not None:
                dataset.remove_load(root, previous.load_id)
            dataset.publish(root, staging, load_id)
            staging = None
    except BaseException:
        dataset.discard(staging)
        raise
    finally:
        reader.close()
    return TradeLoadResult(load, True, reader.format, problems, binding.missing,
                           binding.unused)


def _nothing_maps(read: int, mapping: str, problems: list[Problem]) -> str:
    reasons = "; ".join(f"line {p.line}" + (f", field {p.field!r}" if p.field else "")
                        + f": {p.reason}" for p in problems[:3])
    return (f"no row maps to the canonical schema with mapping {mapping!r}: all {read:,} "
            f"rows would be quarantined (first: {reasons}); nothing was loaded. Check the "
            f"mapping (--mapping) against the file's columns")


def unload_shipments(ws: Workspace, load_id: int, *, reason: str = "") -> store.ShipmentLoad:
    """Remove load ``load_id`` and every row of it; the change is recorded."""
    load = store.get_load(ws.engine, load_id)
    if load is None:
        raise NotFoundError(f"no shipment load {load_id} (`dibwatch trade status` lists them)")
    with ws.engine.transaction():
        store.delete_load(ws.engine, load_id)
        record_change(ws.engine, kind="shipments", action="unload", object_id=load_id,
                      file=load.file, sha256=load.sha256,
                      detail={"source_name": load.source_name, "rows": load.row_count,
                              "reason": reason})
    root = dataset.root_for(ws.path)
    if root is not None:
        dataset.remove_load(root, load_id)
    return load
