"""The audit log: append-only. This module only ever INSERTs into it; SQLite triggers refuse
any UPDATE or DELETE (see :mod:`dibwatch.web.state`)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from dibwatch.web.state import AppState, now, page_of


@dataclass(frozen=True)
class AuditEntry:
    audit_id: int
    at: str
    actor: str
    action: str
    object_type: str
    object_id: str
    detail: dict[str, Any]
    snapshots: list[int]
    algorithm: str | None


def append(con: sqlite3.Connection, *, actor: str, action: str, object_type: str,
           object_id: str, detail: dict[str, Any], snapshots: list[int] | None = None,
           algorithm: str | None = None) -> int:
    """Add one row inside the caller's transaction, so the change and its record commit
    together or not at all."""
    cur = con.execute(
        "INSERT INTO audit_log (at, actor, action, object_type, object_id, detail, snapshots, "
        "algorithm) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [now(), actor, action, object_type, object_id,
         json.dumps(detail, ensure_ascii=False, sort_keys=True),
         json.dumps(sorted(snapshots or [])), algorithm])
    return int(cur.lastrowid or 0)


def entries(state: AppState, *, object_type: str | None = None, object_id: str | None = None,
            limit: int = 100, offset: int = 0) -> tuple[int, list[AuditEntry]]:
    """(total, page) newest first, optionally for one object."""
    where = "WHERE (? IS NULL OR object_type = ?) AND (? IS NULL OR object_id = ?)"
    params: list[Any] = [object_type, object_type, object_id, object_id]
    total, rows = page_of(state, "audit_log", where, params, "audit_id DESC", limit, offset)
    return total, [AuditEntry(int(r["audit_id"]), r["at"], r["actor"], r["action"],
                              r["object_type"], r["object_id"], json.loads(r["detail"]),
                              json.loads(r["snapshots"]), r["algorithm"]) for r in rows]
