"""Alerts: what the monitor raises, stored in the app state once per dedupe key."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from dibwatch.casework.state import AppState, now, page_of

# Kind -> what it means; the dashboard shows these as the alert legend.
ALERT_KINDS: dict[str, str] = {
    "counterparty_designated": "a trade partner of the firm newly matches a list entity",
    "firm_designated": "the firm itself newly matches a list entity",
    "watched_party_match": "a watched party newly matches a list entity",
    "score_crossed": "the firm's risk score crossed the alert threshold between risk runs",
    "new_firm_at_flagged_address": "a firm not seen before uses the address of a flagged firm",
}


@dataclass(frozen=True)
class Alert:
    kind: str
    dedupe_key: str
    title: str
    firm_id: int | None = None
    entity_id: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    alert_id: int | None = None
    created_at: str | None = None
    status: str = "new"

    def to_json(self) -> dict[str, Any]:
        return {"alert_id": self.alert_id, "kind": self.kind, "title": self.title,
                "firm_id": self.firm_id, "entity_id": self.entity_id, "detail": self.detail,
                "created_at": self.created_at, "status": self.status}


def _alert(row: sqlite3.Row) -> Alert:
    return Alert(row["kind"], row["dedupe_key"], row["title"], row["firm_id"],
                 row["entity_id"], json.loads(row["detail"]), int(row["alert_id"]),
                 row["created_at"], row["status"])


def instant(delay: float = 0.0) -> str:
    """UTC to the microsecond: when a webhook delivery is due (compared as text)."""
    return (datetime.now(UTC) + timedelta(seconds=delay)).isoformat(timespec="microseconds")


def store(state: AppState, alerts: list[Alert], *, queue: bool = False) -> list[Alert]:
    """Insert the alerts not raised before (by dedupe key); returns those, with ids.
    ``queue``: due for the webhook now (a sender delivers them outside any lock)."""
    out: list[Alert] = []
    due = instant() if queue else None
    with state.transaction() as con:
        for a in alerts:
            cur = con.execute(
                "INSERT OR IGNORE INTO alerts (kind, dedupe_key, firm_id, entity_id, title, "
                "detail, created_at, delivery_due) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [a.kind, a.dedupe_key, a.firm_id, a.entity_id, a.title,
                 json.dumps(a.detail, ensure_ascii=False, sort_keys=True), now(), due])
            if cur.rowcount:
                row = con.execute("SELECT * FROM alerts WHERE alert_id = ?",
                                  [cur.lastrowid]).fetchone()
                out.append(_alert(row))
    return out


def list_alerts(state: AppState, *, status: str | None = None, kind: str | None = None,
                firm_id: int | None = None, limit: int = 100, offset: int = 0
                ) -> tuple[int, list[Alert]]:
    where = ("WHERE (? IS NULL OR status = ?) AND (? IS NULL OR kind = ?) "
             "AND (? IS NULL OR firm_id = ?)")
    params: list[Any] = [status, status, kind, kind, firm_id, firm_id]
    total, rows = page_of(state, "alerts", where, params, "alert_id DESC", limit, offset)
    return total, [_alert(r) for r in rows]


def get_alert(state: AppState, alert_id: int) -> Alert | None:
    with state.connect() as con:
        row = con.execute("SELECT * FROM alerts WHERE alert_id = ?", [alert_id]).fetchone()
    return _alert(row) if row else None


def set_status(con: sqlite3.Connection, alert_id: int, status: str) -> None:
    con.execute("UPDATE alerts SET status = ? WHERE alert_id = ?", [status, alert_id])


def due_for_delivery(state: AppState, limit: int) -> tuple[list[Alert], str | None]:
    """(alerts due for the webhook now, oldest first; when the next later one is due)."""
    at = instant()
    with state.connect() as con:
        rows = con.execute("SELECT * FROM alerts WHERE delivery_due <= ? ORDER BY alert_id "
                           "LIMIT ?", [at, limit]).fetchall()
        later = con.execute("SELECT min(delivery_due) FROM alerts WHERE delivery_due > ?",
                            [at]).fetchone()[0]
    return [_alert(r) for r in rows], later


def record_attempt(state: AppState, alert_ids: list[int], *, error: str | None,
                   retry_in: float | None) -> None:
    """One delivery attempt of these alerts: delivered (``error`` None), due again in
    ``retry_in`` seconds, or given up (``retry_in`` None)."""
    with state.transaction() as con:
        for alert_id in alert_ids:
            con.execute("UPDATE alerts SET delivery_attempts = delivery_attempts + 1, "
                        "delivered_at = CASE WHEN ? IS NULL THEN ? ELSE delivered_at END, "
                        "delivery_error = ?, delivery_due = ? WHERE alert_id = ?",
                        [error, now(), error,
                         instant(retry_in) if error and retry_in is not None else None,
                         alert_id])


def delivery_attempts(state: AppState, alert_id: int) -> int:
    with state.connect() as con:
        row = con.execute("SELECT delivery_attempts FROM alerts WHERE alert_id = ?",
                          [alert_id]).fetchone()
    return int(row[0]) if row else 0
