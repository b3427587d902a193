"""The audit log: append-only and hash-chained. This module only ever INSERTs into it; SQLite
triggers refuse any UPDATE or DELETE (see :mod:`dibwatch.casework.state`), and every row carries
the hash of the one before (see :mod:`dibwatch.casework.trail`)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from dibwatch.casework import trail
from dibwatch.casework.state import AppState, now, page_of


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
    """Add one row inside the caller's write transaction, so the change and its record
    commit together or not at all; the row is chained to the one before it."""
    audit_id, prev, last_at = trail.next_link(con, "audit_log")
    # Never dated before its predecessor (a clock set back shows as equal times).
    at = max(now(), last_at or "")
    values = [audit_id, at, actor, action, object_type, object_id,
              json.dumps(detail, ensure_ascii=False, sort_keys=True),
              json.dumps(sorted(snapshots or [])), algorithm]
    con.execute(
        "INSERT INTO audit_log (audit_id, at, actor, action, object_type, object_id, detail, "
        "snapshots, algorithm, prev_hash, row_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [*values, prev, trail.row_hash(prev, values)])
    return audit_id


def entries(state: AppState, *, object_type: str | None = None, object_id: str | None = None,
            limit: int = 100, offset: int = 0) -> tuple[int, list[AuditEntry]]:
    """(total, page) newest first, optionally for one object."""
    where = "WHERE (? IS NULL OR object_type = ?) AND (? IS NULL OR object_id = ?)"
    params: list[Any] = [object_type, object_type, object_id, object_id]
    total, rows = page_of(state, "audit_log", where, params, "audit_id DESC", limit, offset)
    return total, [AuditEntry(int(r["audit_id"]), r["at"], r["actor"], r["action"],
                              r["object_type"], r["object_id"], json.loads(r["detail"]),
                              json.loads(r["snapshots"]), r["algorithm"]) for r in rows]
