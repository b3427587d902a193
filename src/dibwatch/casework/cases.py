"""Cases: analysts' decisions on firm x list-entity matches, notes, assignment and status.

A decision records who, when, the verdict, the list entry's content hash, its snapshot and
the algorithm behind the score. The newest decision on a pair is in force. A dismissal keeps
suppressing the pair only while the list entry's content hash is the one dismissed: when the
list changes the entry, the match is raised again. A confirmation is a link risk scoring uses
(:func:`confirmed_links`).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from dibwatch.casework import audit, trail
from dibwatch.casework.state import AppState, now, page_of
from dibwatch.errors import ConfigError

STATUSES = ("open", "investigating", "escalated", "closed")
VERDICTS = ("confirm", "dismiss")


@dataclass(frozen=True)
class ListEntry:
    """The list entity a decision is about, as it stood when decided."""

    entity_id: str
    content_hash: str
    snapshot_id: int
    source: str


@dataclass(frozen=True)
class Decision:
    decision_id: int
    firm_id: int
    entity_id: str
    verdict: str
    content_hash: str
    snapshot_id: int
    source: str
    algorithm: str
    score: float | None
    note: str | None
    decided_by: str
    decided_at: str

    def suppresses(self, content_hash: str) -> bool:
        """True when this decision hides the match of an entry now hashing to
        ``content_hash``: a dismissal of the same, unchanged entry."""
        return self.verdict == "dismiss" and self.content_hash == content_hash


@dataclass(frozen=True)
class Case:
    firm_id: int
    firm_caption: str
    status: str
    assignee: str | None
    opened_at: str
    updated_at: str
    updated_by: str


def _decision(row: sqlite3.Row) -> Decision:
    return Decision(int(row["decision_id"]), int(row["firm_id"]), row["entity_id"],
                    row["verdict"], row["content_hash"], int(row["snapshot_id"]), row["source"],
                    row["algorithm"], row["score"], row["note"], row["decided_by"],
                    row["decided_at"])


def _case(row: sqlite3.Row) -> Case:
    return Case(int(row["firm_id"]), row["firm_caption"], row["status"], row["assignee"],
                row["opened_at"], row["updated_at"], row["updated_by"])


def _ensure_case(con: sqlite3.Connection, firm_id: int, caption: str, actor: str) -> None:
    con.execute("INSERT OR IGNORE INTO cases VALUES (?, ?, 'open', NULL, ?, ?, ?)",
                [firm_id, caption, now(), now(), actor])


def decide(state: AppState, *, actor: str, firm_id: int, firm_caption: str, entry: ListEntry,
           verdict: str, algorithm: str, score: float | None, note: str | None,
           snapshots: list[int]) -> Decision:
    """Record a confirm / dismiss decision and its audit row in one transaction."""
    if verdict not in VERDICTS:
        raise ConfigError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    with state.transaction() as con:
        _ensure_case(con, firm_id, firm_caption, actor)
        decision_id, prev, last_at = trail.next_link(con, "decisions")
        values = [decision_id, firm_id, entry.entity_id, verdict, entry.content_hash,
                  entry.snapshot_id, entry.source, algorithm, score, note, actor,
                  max(now(), last_at or "")]
        digest = trail.row_hash(prev, values)
        con.execute(
            "INSERT INTO decisions (decision_id, firm_id, entity_id, verdict, content_hash, "
            "snapshot_id, source, algorithm, score, note, decided_by, decided_at, prev_hash, "
            "row_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [*values, prev, digest])
        con.execute("UPDATE cases SET updated_at = ?, updated_by = ? WHERE firm_id = ?",
                    [now(), actor, firm_id])
        audit.append(con, actor=actor, action=f"match.{verdict}", object_type="firm",
                     object_id=str(firm_id),
                     detail={"entity_id": entry.entity_id, "content_hash": entry.content_hash,
                             "list_snapshot_id": entry.snapshot_id, "source": entry.source,
                             "score": score, "note": note, "decision_id": decision_id,
                             "decision_hash": digest},
                     snapshots=snapshots, algorithm=algorithm)
        row = con.execute("SELECT * FROM decisions WHERE decision_id = ?",
                          [decision_id]).fetchone()
    return _decision(row)


def decisions_in_force(state: AppState, firm_id: int | None = None
                       ) -> dict[tuple[int, str], Decision]:
    """The newest decision of every (firm, entity) pair, optionally for one firm."""
    with state.connect() as con:
        rows = con.execute(
            "SELECT * FROM decisions d WHERE (? IS NULL OR firm_id = ?) AND decision_id = "
            "(SELECT max(decision_id) FROM decisions x WHERE x.firm_id = d.firm_id "
            "AND x.entity_id = d.entity_id)", [firm_id, firm_id]).fetchall()
    return {(int(r["firm_id"]), str(r["entity_id"])): _decision(r) for r in rows}


def decision_problems(state: AppState, decision_ids: list[int]) -> dict[int, str | None]:
    """For each decision, why it cannot be trusted (its hash or its audit row disagree), or
    None: an altered verdict is shown as such, never served as the analyst's."""
    with state.connect() as con:
        audits = trail.decision_audits(con, decision_ids)
        rows = {int(r["decision_id"]): r for r in con.execute(
            "SELECT * FROM decisions WHERE decision_id IN (SELECT value FROM json_each(?))",
            [json.dumps(decision_ids)])}
    return {d: trail.decision_problem(rows[d], audits.get(d)) if d in rows
            else "the decision is gone" for d in decision_ids}


def confirmed_links(state: AppState) -> list[tuple[int, str]]:
    """(firm_id, entity_id) of every pair whose decision in force is a confirmation, sorted:
    the links risk scoring treats as listed-party evidence."""
    return sorted(pair for pair, d in decisions_in_force(state).items()
                  if d.verdict == "confirm")


def dismissed_links(state: AppState) -> list[tuple[int, str, str]]:
    """(firm_id, entity_id, content_hash) of every pair whose decision in force is a
    dismissal: false positives, to be ignored while the entry still has that hash."""
    return sorted((f, e, d.content_hash) for (f, e), d in decisions_in_force(state).items()
                  if d.verdict == "dismiss")


def get_case(state: AppState, firm_id: int) -> Case | None:
    with state.connect() as con:
        row = con.execute("SELECT * FROM cases WHERE firm_id = ?", [firm_id]).fetchone()
    return _case(row) if row else None


def list_cases(state: AppState, *, status: str | None = None, assignee: str | None = None,
               limit: int = 100, offset: int = 0) -> tuple[int, list[Case]]:
    where = "WHERE (? IS NULL OR status = ?) AND (? IS NULL OR assignee = ?)"
    params: list[Any] = [status, status, assignee, assignee]
    total, rows = page_of(state, "cases", where, params, "updated_at DESC, firm_id", limit,
                          offset)
    return total, [_case(r) for r in rows]


def update_case(state: AppState, *, actor: str, firm_id: int, firm_caption: str,
                status: str | None = None, assignee: str | None = None,
                snapshots: list[int]) -> Case:
    """Set a case's status and/or assignee (an empty assignee unassigns), audited."""
    if status is not None and status not in STATUSES:
        raise ConfigError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    with state.transaction() as con:
        _ensure_case(con, firm_id, firm_caption, actor)
        before = _case(con.execute("SELECT * FROM cases WHERE firm_id = ?",
                                   [firm_id]).fetchone())
        changes: dict[str, Any] = {}
        if status is not None and status != before.status:
            changes["status"] = [before.status, status]
        if assignee is not None and (assignee or None) != before.assignee:
            changes["assignee"] = [before.assignee, assignee or None]
        con.execute("UPDATE cases SET status = ?, assignee = ?, updated_at = ?, updated_by = ? "
                    "WHERE firm_id = ?",
                    [status or before.status,
                     before.assignee if assignee is None else (assignee or None),
                     now(), actor, firm_id])
        audit.append(con, actor=actor, action="case.update", object_type="firm",
                     object_id=str(firm_id), detail=changes, snapshots=snapshots)
        row = con.execute("SELECT * FROM cases WHERE firm_id = ?", [firm_id]).fetchone()
    return _case(row)


def annotate(state: AppState, *, actor: str, firm_id: int, firm_caption: str, text: str,
             snapshots: list[int]) -> int:
    text = text.strip()
    if not text:
        raise ConfigError("a note needs text")
    with state.transaction() as con:
        _ensure_case(con, firm_id, firm_caption, actor)
        cur = con.execute("INSERT INTO case_notes (firm_id, author, at, text) VALUES "
                          "(?, ?, ?, ?)", [firm_id, actor, now(), text])
        note_id = int(cur.lastrowid or 0)
        audit.append(con, actor=actor, action="case.note", object_type="firm",
                     object_id=str(firm_id), detail={"note_id": note_id, "text": text},
                     snapshots=snapshots)
    return note_id


def notes(state: AppState, firm_id: int) -> list[dict[str, Any]]:
    with state.connect() as con:
        return [dict(r) for r in con.execute(
            "SELECT note_id, author, at, text FROM case_notes WHERE firm_id = ? "
            "ORDER BY note_id", [firm_id])]
