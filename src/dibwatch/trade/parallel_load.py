"""Loading a shipment file on a batch engine (Spark): the same rows, converted and classified
in parallel.

The file is read once, in order, by the same reader as :func:`dibwatch.trade.load_shipments`
(encodings, bad bytes, line numbers), and its raw rows are staged as chunks of
``BATCH_ROWS`` rows; the engine runs the pure batch functions (``convert_batch`` then
``classify_table``) over the chunks in parallel (``mapInArrow``) and writes one Parquet
dataset of lines and quarantine entries. Publishing is the DuckDB load's: the workspace reads
the staged dataset in place, in one transaction with the ``shipment_loads`` row last, and the
lines' partition is renamed into the shipments dataset after the commit. On any error nothing
is kept.
"""

from __future__ import annotations

import functools
import itertools
import pickle
import shutil
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from dibwatch.engine import Engine
from dibwatch.errors import Location, ParseError, WorkspaceError
from dibwatch.goods import classify_table
from dibwatch.goods.batch import OUTPUT_SCHEMA as CLASSES_ARROW
from dibwatch.ingest.digests import file_digests
from dibwatch.trade import dataset, store
from dibwatch.trade.convert import Binding, Problem, convert_batch
from dibwatch.trade.loader import BATCH_ROWS, PREVIEW_PROBLEMS, Progress, TradeLoadResult
from dibwatch.trade.mapping import Mapping, detect_mapping, load_mapping
from dibwatch.trade.readers import RawRow, open_reader
from dibwatch.trade.schema import QUARANTINE_ARROW, SHIPMENTS_ARROW
from dibwatch.workspace import Workspace

_CLASSES = list(CLASSES_ARROW)
_QUARANTINE = [pa.field("q_file", pa.string()), pa.field("q_field", pa.string()),
               pa.field("q_reason", pa.string()), pa.field("q_raw_row", pa.string())]
# One output schema for both kinds of row; the dataset is partitioned by kind, load, month.
OUTPUT = pa.schema([*[f for f in SHIPMENTS_ARROW if f.name != "load_id"], *_CLASSES,
                    *_QUARANTINE, pa.field("kind", pa.string()), pa.field("load_id", pa.int32()),
                    pa.field("month", pa.string())])
_CHUNKS = pa.schema([pa.field("chunk", pa.int64()), pa.field("rows", pa.binary())])


def _convert_chunks(binding: Binding, load_id: int, file: str,
                    batch: pa.RecordBatch) -> Iterator[pa.RecordBatch]:
    """The worker's side: unpickle each chunk of raw rows, convert and classify it."""
    for blob in batch.column("rows").to_pylist():
        rows: list[RawRow] = pickle.loads(blob)  # our own staging, written by this load
        converted = convert_batch(binding, rows, load_id, file)
        lines = classify_table(converted.shipments)
        n = lines.num_rows
        if n:
            months = pa.array([d.strftime("%Y-%m") for d in
                               lines.column("date").to_pylist()], pa.string())
            columns = {name: lines.column(name) for name in lines.column_names}
            columns |= {f.name: pa.nulls(n, f.type) for f in _QUARANTINE}
            columns |= {"kind": pa.array(["line"] * n), "month": months}
            yield from pa.Table.from_pydict(
                {f.name: columns[f.name] for f in OUTPUT}, schema=OUTPUT).to_batches()
        q = converted.quarantine
        if q.num_rows:
            qcols = {f.name: pa.nulls(q.num_rows, f.type) for f in OUTPUT}
            qcols |= {"line_no": q.column("line_no"), "q_file": q.column("file"),
                      "q_field": q.column("field"), "q_reason": q.column("reason"),
                      "q_raw_row": q.column("raw_row"), "load_id": q.column("load_id"),
                      "kind": pa.array(["quarantine"] * q.num_rows)}
            yield from pa.Table.from_pydict({f.name: qcols[f.name] for f in OUTPUT},
                                            schema=OUTPUT).to_batches()


def _stage_raw(rows: Iterator[RawRow], folder: Path, batch_rows: int,
               progress: Progress | None) -> int:
    """Raw rows, in file order, as chunks of ``batch_rows`` (one Parquet file per 20
    chunks); returns the number of rows read."""
    folder.mkdir(parents=True)
    read = 0
    writer: pq.ParquetWriter | None = None
    try:
        for number in itertools.count():
            chunk = list(itertools.islice(rows, batch_rows))
            if not chunk:
                break
            if number % 20 == 0:
                if writer is not None:
                    writer.close()
                writer = pq.ParquetWriter(folder / f"part-{number:06d}.parquet", _CHUNKS)
            assert writer is not None
            writer.write_batch(pa.RecordBatch.from_pydict(
                {"chunk": [number], "rows": [pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL)]},
                schema=_CHUNKS))
            read += len(chunk)
            if progress is not None:
                progress(read)
    finally:
        if writer is not None:
            writer.close()
    return read


def load_shipments_on(engine: Engine, ws: Workspace, path: str | Path, *,
                      mapping: str | Path | Mapping | None = None,
                      source_name: str | None = None, progress: Progress | None = None,
                      batch_rows: int | None = None, encoding: str | None = None,
                      bad_bytes: str = "refuse") -> TradeLoadResult:
    """:func:`dibwatch.trade.load_shipments` with the conversion and classification run on
    ``engine`` (a :class:`~dibwatch.engine.spark_engine.SparkEngine`); the rows stored are
    the same."""
    path = Path(path)
    root = dataset.root_for(ws.path)
    if root is None or ws.read_only:
        raise WorkspaceError("a load on a batch engine needs a writable workspace file "
                             "(its dataset folder holds the staged rows)")
    batch_rows = batch_rows or BATCH_ROWS
    name = source_name or path.name
    reader = open_reader(path, encoding=encoding, bad_bytes=bad_bytes)
    work = dataset.lines_folder(root) / f"_staging-engine-{uuid.uuid4().hex[:12]}"
    staged: list[Path] = []
    try:
        files, sha = file_digests([path])
        existing = store.find_load(ws.engine, sha)
        if existing is not None:
            return TradeLoadResult(existing, False, reader.format)
        chosen = (load_mapping(mapping) if mapping is not None
                  else detect_mapping(reader.header, str(path)))
        binding = Binding(chosen, reader.header)
        started = time.perf_counter()
        read = _stage_raw(reader.rows(), work / "raw", batch_rows, progress)
        if read == 0:
            raise ParseError("no data rows after the header", Location(str(path)))
        # The load id is taken now and kept whatever happens (a sequence never goes back).
        load_id = store.next_load_id(ws.engine)
        out = work / "out"
        engine.map_batches(str(work / "raw"), functools.partial(
            _convert_chunks, binding, load_id, str(path)), OUTPUT, str(out),
            ["kind", "load_id", "month"], partitions=-(-read // batch_rows))
        load = _publish(ws, out, load_id, chosen.name, path, name, sha,
                        int(files[0]["bytes"]), started, root, staged)
        dataset.publish(root, staged[0], load_id)
    finally:
        reader.close()
        shutil.rmtree(work, ignore_errors=True)
        for folder in staged:
            dataset.discard(folder)
    problems = [Problem(q.line_no, q.field, q.reason)
                for q in store.quarantined(ws.engine, load.load_id, PREVIEW_PROBLEMS)]
    return TradeLoadResult(load, True, reader.format, problems, binding.missing,
                           binding.unused)


def _publish(ws: Workspace, out: Path, load_id: int, mapping: str, path: Path, name: str,
             sha: str, size: int, started: float, root: Path,
             staged: list[Path]) -> store.ShipmentLoad:
    eng = ws.engine
    lines = _scan(out / "kind=line")
    quarantine = _scan(out / "kind=quarantine")
    ship_cols = ", ".join(f.name for f in SHIPMENTS_ARROW)
    class_cols = ", ".join(("load_id", "line_no", *store.CLASS_COLUMNS))
    with eng.transaction():
        if lines:
            eng.execute(f"INSERT INTO shipments ({ship_cols}) SELECT {ship_cols} FROM {lines}")
            eng.execute(f"INSERT INTO shipment_classes ({class_cols}) "
                        f"SELECT {class_cols} FROM {lines}")
        if quarantine:
            eng.execute(
                f"INSERT INTO shipment_quarantine ({', '.join(QUARANTINE_ARROW.names)}) "
                f"SELECT load_id, q_file, line_no, q_field, q_reason, q_raw_row "
                f"FROM {quarantine}")
        good = store.shipment_count(eng, load_id)
        bad = int(eng.scalar("SELECT count(DISTINCT line_no) FROM shipment_quarantine "
                             "WHERE load_id = ?", [load_id]))
        if good == 0:
            raise ParseError(f"no row maps to the canonical schema with mapping {mapping!r}: "
                             f"nothing was loaded. Check the mapping (--mapping) against "
                             f"the file's columns", Location(str(path)))
        # As the DuckDB load counts them: each field warned about, on the rows kept.
        warnings = int(eng.scalar("SELECT coalesce(sum(len(json_keys(warnings))), 0) "
                                  "FROM shipments WHERE load_id = ?", [load_id]))
        load = store.ShipmentLoad(
            load_id=load_id, source_name=name, mapping=mapping, file=str(path), sha256=sha,
            bytes=size, loaded_at=datetime.now(UTC).replace(tzinfo=None, microsecond=0),
            row_count=good, quarantined_count=bad, warning_count=warnings,
            seconds=round(time.perf_counter() - started, 3))
        # The dataset partition is written from the workspace's rows, as a DuckDB load
        # writes it, so every load's partition has the same columns.
        staged.append(dataset.stage_load(eng, root, load_id))
        store.insert_load(eng, load)
    return load


def _scan(folder: Path) -> str | None:
    if not folder.is_dir() or not any(folder.rglob("*.parquet")):
        return None
    return dataset.scan_files(folder / "**" / "*.parquet")
