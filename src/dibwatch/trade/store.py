"""All SQL of the trade stage: loads, shipments, quarantine. Nothing else in the stage writes
SQL."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import pyarrow as pa

from dibwatch.engine import Engine


@dataclass
class ShipmentLoad:
    load_id: int
    source_name: str
    mapping: str
    file: str
    sha256: str
    bytes: int
    loaded_at: datetime
    row_count: int
    quarantined_count: int
    warning_count: int
    seconds: float | None = None


@dataclass(frozen=True)
class QuarantinedRow:
    file: str
    line_no: int
    field: str | None
    reason: str
    raw_row: str


_LOAD_COLS = list(ShipmentLoad.__dataclass_fields__)


def _select_loads(where: str = "") -> str:
    return f"SELECT {', '.join(_LOAD_COLS)} FROM shipment_loads {where}"


def next_load_id(engine: Engine) -> int:
    return int(engine.scalar("SELECT nextval('shipment_load_seq')"))


def find_load(engine: Engine, sha256: str) -> ShipmentLoad | None:
    """The load of these exact bytes, whatever the file was called or mapped with."""
    rows = engine.query(_select_loads("WHERE sha256 = ? ORDER BY load_id LIMIT 1"), [sha256])
    return ShipmentLoad(*rows[0]) if rows else None


def has_trade_tables(engine: Engine) -> bool:
    """False for a workspace opened read-only before the shipments migration ran."""
    return bool(engine.scalar("SELECT count(*) FROM information_schema.tables "
                              "WHERE table_name = 'shipment_loads'"))


def list_loads(engine: Engine) -> list[ShipmentLoad]:
    if not has_trade_tables(engine):
        return []
    return [ShipmentLoad(*r) for r in engine.query(_select_loads("ORDER BY load_id"))]


def get_load(engine: Engine, load_id: int) -> ShipmentLoad | None:
    rows = engine.query(_select_loads("WHERE load_id = ?"), [load_id])
    return ShipmentLoad(*rows[0]) if rows else None


def latest_load_of(engine: Engine, source_name: str) -> ShipmentLoad | None:
    """The newest load recorded under ``source_name`` (by default the file's name)."""
    rows = engine.query(_select_loads("WHERE source_name = ? ORDER BY load_id DESC LIMIT 1"),
                        [source_name])
    return ShipmentLoad(*rows[0]) if rows else None


# A load's rows in every table keyed by load_id; its record in shipment_loads goes last.
LOAD_TABLES = ("shipment_classes", "shipment_parties", "shipment_quarantine", "shipments",
               "shipment_loads")


def delete_load(engine: Engine, load_id: int) -> None:
    """Remove every row of a load; call inside a transaction. Firms resolved from it are
    out of date afterwards (the pipeline sees the load set changed)."""
    for table in LOAD_TABLES:
        engine.execute(f"DELETE FROM {table} WHERE load_id = ?", [load_id])


def insert_load(engine: Engine, load: ShipmentLoad) -> None:
    data = asdict(load)
    marks = ", ".join("?" for _ in _LOAD_COLS)
    engine.execute(f"INSERT INTO shipment_loads ({', '.join(_LOAD_COLS)}) VALUES ({marks})",
                   [data[c] for c in _LOAD_COLS])


CLASS_COLUMNS = ("hs6", "hs4", "hs2", "chpl_tier", "declared_tier", "inferred_hs",
                 "inferred_tier", "brand_canonical", "brand_country", "coalition_brand",
                 "misdeclared", "class_reasons")


def insert_classes(engine: Engine, classified: pa.Table) -> None:
    """Store the goods classification of a batch (``classify_table`` output)."""
    engine.insert_arrow("shipment_classes",
                        classified.select(["load_id", "line_no", *CLASS_COLUMNS]))


def insert_shipments(engine: Engine, shipments: pa.Table, quarantine: pa.Table) -> None:
    engine.insert_arrow("shipments", shipments)
    engine.insert_arrow("shipment_quarantine", quarantine)


def quarantined(engine: Engine, load_id: int, limit: int = 20) -> list[QuarantinedRow]:
    return [QuarantinedRow(str(r[0]), int(r[1]), r[2], str(r[3]), str(r[4])) for r in
            engine.query("SELECT file, line_no, field, reason, raw_row FROM shipment_quarantine "
                         "WHERE load_id = ? ORDER BY line_no, field NULLS FIRST LIMIT ?",
                         [load_id, limit])]


def shipment_count(engine: Engine, load_id: int | None = None) -> int:
    if load_id is None:
        return int(engine.scalar("SELECT count(*) FROM shipments"))
    return int(engine.scalar("SELECT count(*) FROM shipments WHERE load_id = ?", [load_id]))


def shipments(engine: Engine, load_id: int) -> list[dict[str, Any]]:
    """Every stored row of a load, in file order (for tests and small inspections)."""
    table = engine.query_arrow("SELECT * FROM shipments WHERE load_id = ? ORDER BY line_no",
                               [load_id])
    rows: list[dict[str, Any]] = table.to_pylist()
    return rows
