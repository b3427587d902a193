"""Shipments as a Parquet dataset beside the workspace, the form every engine reads.

``dibwatch.duckdb`` keeps its classified shipment lines also in ``dibwatch.parquet/lines/``,
hive-partitioned by load and month (``lines/load_id=3/month=2023-04/data_0.parquet``): one
row per line, the canonical shipment columns with the goods classes. DuckDB reads it in
place (:func:`scan`), Spark reads it as a table (``spark.read.parquet``); a cluster job
reads it from shared storage.

A load's partition is written under a staging name (``lines/_staging-…``, which readers of
``load_id=*`` never see) while the load's transaction is open, and renamed into place after
the commit: a reader sees a load's lines whole or not at all. :func:`sync` repairs what a
crash between the commit and the rename leaves (a missing partition, a staging folder).
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from dibwatch.engine import Engine
from dibwatch.trade.schema import COLUMNS
from dibwatch.trade.store import CLASS_COLUMNS

FOLDER_SUFFIX = ".parquet"
LINES = "lines"
# Each line's party mentions, written by :mod:`dibwatch.resolve.dataset`; named here because a
# load's partition there goes with its lines (:func:`remove_load`).
PARTIES = "parties"
PARTITIONS = ("load_id", "month")
LINE_COLUMNS = ("load_id", "line_no", *COLUMNS, "warnings", "extra", *CLASS_COLUMNS)

_LOAD_LINES = f"""
SELECT {', '.join(f's.{c}' for c in ('line_no', *COLUMNS, 'warnings', 'extra'))},
       {', '.join(f'c.{c}' for c in CLASS_COLUMNS)},
       s.load_id, strftime(s.date, '%Y-%m') AS month
FROM shipments s LEFT JOIN shipment_classes c USING (load_id, line_no)
WHERE s.load_id = ?
"""


def root_for(workspace: str | Path) -> Path | None:
    """The dataset folder of the workspace at ``workspace``; None for an in-memory one."""
    path = Path(workspace)
    if str(workspace) == ":memory:" or not path.name:
        return None
    return path.with_name(path.stem + FOLDER_SUFFIX)


def lines_folder(root: Path) -> Path:
    return root / LINES


def partition(root: Path, load_id: int) -> Path:
    return lines_folder(root) / f"load_id={int(load_id)}"


def stage_load(engine: Engine, root: Path, load_id: int) -> Path:
    """Write load ``load_id``'s lines (as ``engine`` sees them, inside the load's open
    transaction) under a staging folder; returns it for :func:`publish`."""
    staging = lines_folder(root) / f"_staging-{int(load_id)}-{uuid.uuid4().hex[:12]}"
    lines_folder(root).mkdir(parents=True, exist_ok=True)
    engine.copy_to_dataset(_LOAD_LINES, str(staging), PARTITIONS, [int(load_id)])
    return staging


def publish(root: Path, staging: Path, load_id: int) -> None:
    """Move a staged load into place (replacing an older copy of the same load)."""
    written = staging / f"load_id={int(load_id)}"
    target = partition(root, load_id)
    if target.exists():
        shutil.rmtree(target)
    os.replace(written, target)
    shutil.rmtree(staging, ignore_errors=True)


def discard(staging: Path | None) -> None:
    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)


def parties_partition(root: Path, load_id: int) -> Path:
    return root / PARTIES / f"load_id={int(load_id)}"


def remove_load(root: Path, load_id: int) -> None:
    """Remove load ``load_id``'s lines and its lines' parties."""
    shutil.rmtree(partition(root, load_id), ignore_errors=True)
    shutil.rmtree(parties_partition(root, load_id), ignore_errors=True)


def published_loads(root: Path) -> set[int]:
    folder = lines_folder(root)
    if not folder.is_dir():
        return set()
    return {int(p.name.split("=", 1)[1]) for p in folder.iterdir()
            if p.is_dir() and p.name.startswith("load_id=")}


@dataclass(frozen=True)
class SyncResult:
    written: tuple[int, ...]
    removed: tuple[int, ...]
    staging_removed: int


def sync(engine: Engine, root: Path) -> SyncResult:
    """Make the dataset hold exactly the workspace's loads: write the missing ones, remove
    loads no longer in the workspace and staging folders left by an interrupted load."""
    loads = {int(r[0]) for r in engine.query("SELECT load_id FROM shipment_loads")}
    on_disk = published_loads(root)
    staging = [p for p in lines_folder(root).glob("_staging-*")] if root.exists() else []
    for folder in staging:
        shutil.rmtree(folder, ignore_errors=True)
    written = sorted(loads - on_disk)
    for load_id in written:
        publish(root, stage_load(engine, root, load_id), load_id)
    removed = sorted(on_disk - loads)
    for load_id in removed:
        remove_load(root, load_id)
    return SyncResult(tuple(written), tuple(removed), len(staging))


def scan(root: Path) -> str:
    """A DuckDB table expression reading the dataset in place (partition columns included)."""
    return scan_files(lines_folder(root) / "load_id=*" / "month=*" / "*.parquet")


def scan_files(pattern: Path) -> str:
    """A DuckDB table expression reading the hive-partitioned Parquet files ``pattern``
    matches (``load_id`` and ``month`` typed as the workspace's)."""
    quoted = str(pattern).replace("'", "''")
    return (f"read_parquet('{quoted}', hive_partitioning = true, "
            f"hive_types = {{'load_id': INTEGER, 'month': VARCHAR}})")
