"""The record of loads a person took back or replaced (``load_changes``): the data goes, the
record of what went, from which file, by whom and why stays in the workspace."""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from dibwatch.engine import Engine


@dataclass(frozen=True)
class LoadChange:
    change_no: int
    kind: str  # "shipments" or "list"
    action: str  # "unload" or "replace"
    object_id: int  # the load id or snapshot id that went
    file: str | None
    sha256: str | None
    replaced_by: int | None
    detail: dict[str, Any]
    changed_at: datetime
    changed_by: str


def who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return "unknown"


def record_change(engine: Engine, *, kind: str, action: str, object_id: int, file: str | None,
                  sha256: str | None, detail: dict[str, Any], replaced_by: int | None = None,
                  by: str | None = None) -> LoadChange:
    """Record a change; call it inside the transaction that makes it."""
    number = int(engine.scalar("SELECT coalesce(max(change_no), 0) + 1 FROM load_changes"))
    change = LoadChange(number, kind, action, object_id, file, sha256, replaced_by, detail,
                        datetime.now(UTC).replace(tzinfo=None, microsecond=0), by or who())
    engine.execute("INSERT INTO load_changes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [change.change_no, kind, action, object_id, file, sha256, replaced_by,
                    json.dumps(detail, default=str), change.changed_at, change.changed_by])
    return change


def list_changes(engine: Engine, kind: str | None = None) -> list[LoadChange]:
    rows = engine.query("SELECT * FROM load_changes WHERE ? IS NULL OR kind = ? "
                        "ORDER BY change_no", [kind, kind])
    return [LoadChange(int(r[0]), r[1], r[2], int(r[3]), r[4], r[5], r[6], json.loads(r[7]),
                       r[8], r[9]) for r in rows]
