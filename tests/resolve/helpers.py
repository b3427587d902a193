"""Fixture worlds for the resolution tests: fictional parties on shipment lines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pyarrow as pa

from dibwatch.engine import DuckDBEngine
from dibwatch.workspace import Workspace

CANONICAL = (
    "declaration_id", "item_no", "date", "direction", "hs_code", "description", "manufacturer",
    "brand", "model", "quantity", "unit", "net_kg", "value_usd", "invoice_currency",
    "exporter_name", "exporter_address", "exporter_country", "exporter_id", "importer_name",
    "importer_address", "importer_country", "importer_id", "contract_holder_name",
    "contract_holder_id", "origin_country", "dispatch_country", "trading_country",
    "destination_country",
)
_NUMERIC = {"item_no": "INTEGER", "date": "DATE", "quantity": "DOUBLE", "net_kg": "DOUBLE",
            "value_usd": "DOUBLE"}

# Until the shipments migration is in every branch: the canonical table, created only when
# the workspace does not have it already.
CREATE_SHIPMENTS = ("CREATE TABLE IF NOT EXISTS shipments (load_id INTEGER, line_no BIGINT, "
                    + ", ".join(f'"{c}" {_NUMERIC.get(c, "VARCHAR")}' for c in CANONICAL)
                    + ")")


def workspace_with(lines: Sequence[dict[str, Any]]) -> Workspace:
    """An in-memory workspace whose ``shipments`` hold ``lines`` (party columns by canonical
    name; load_id 1, line_no from 1, a date in 2023 unless given)."""
    ws = Workspace(engine=DuckDBEngine(":memory:"))
    ws.engine.execute(CREATE_SHIPMENTS)
    add_lines(ws, lines)
    return ws


def add_lines(ws: Workspace, lines: Sequence[dict[str, Any]], load_id: int = 1) -> None:
    cols: dict[str, list[Any]] = {"load_id": [], "line_no": [], "date": []}
    party = sorted({k for line in lines for k in line if k != "date"})
    for c in party:
        cols[c] = []
    for no, line in enumerate(lines, 1):
        cols["load_id"].append(load_id)
        cols["line_no"].append(no)
        cols["date"].append(line.get("date", date(2023, 1, 1 + no % 28)))
        for c in party:
            cols[c].append(line.get(c))
    ws.engine.insert_arrow("shipments", pa.table(cols))


def exporter(name: str, country: str | None = None, ident: str | None = None,
             address: str | None = None) -> dict[str, Any]:
    return {"exporter_name": name, "exporter_country": country, "exporter_id": ident,
            "exporter_address": address}


def importer(name: str, country: str | None = None, ident: str | None = None,
             address: str | None = None) -> dict[str, Any]:
    return {"importer_name": name, "importer_country": country, "importer_id": ident,
            "importer_address": address}
