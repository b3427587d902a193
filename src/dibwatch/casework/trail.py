"""The audit trail as evidence: hash-chained audit rows and decisions, and their verification.

Every audit row and every decision carries ``prev_hash`` (the hash of the row before it in
its table; :data:`GENESIS` for the first) and ``row_hash`` = SHA-256 over ``prev_hash`` and
the row's columns (:func:`row_hash`). A decision's audit row also records the decision's
hash. :func:`verify` walks both chains and reports every break, first one first:

* a row whose content no longer hashes to its ``row_hash`` (an actor rewritten, a verdict
  flipped), or that has no hash (inserted by a tool, not by dibwatch);
* a row whose ``prev_hash`` is not its predecessor's hash, or an id gap (a row deleted);
* audit ids below the highest ever issued (``sqlite_sequence``: the newest rows deleted);
* a time earlier than its predecessor's (a backdated insert);
* a decision without its audit row, or whose audit row says another verdict, entity or hash;
* a missing or altered guard trigger (the append-only rules dropped);
* an anchor (an ``id:hash`` recorded earlier, e.g. printed by ``dibwatch audit verify``)
  that is no longer in the chain: the only check that also catches a consistent rewrite of
  the whole file by someone who recomputed every hash.

Pure functions over an SQLite connection of the app state: no web framework here.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

GENESIS = "0" * 64
AUDIT_COLUMNS = ("audit_id", "at", "actor", "action", "object_type", "object_id", "detail",
                 "snapshots", "algorithm")
DECISION_COLUMNS = ("decision_id", "firm_id", "entity_id", "verdict", "content_hash",
                    "snapshot_id", "source", "algorithm", "score", "note", "decided_by",
                    "decided_at")
# Trigger name -> (table, event): the append-only guards every state must hold.
GUARDS = {
    "audit_log_no_update": ("audit_log", "UPDATE"),
    "audit_log_no_delete": ("audit_log", "DELETE"),
    "decisions_no_update": ("decisions", "UPDATE"),
    "decisions_no_delete": ("decisions", "DELETE"),
    "case_notes_no_update": ("case_notes", "UPDATE"),
    "case_notes_no_delete": ("case_notes", "DELETE"),
}
GUARD_SQL = "\n".join(
    f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
    for name, (table, event) in GUARDS.items())
MAX_BREAKS = 100


def row_hash(prev_hash: str, values: Sequence[Any]) -> str:
    """SHA-256 of the previous hash and the row's values, as canonical JSON."""
    blob = json.dumps([prev_hash, *values], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def values_of(row: sqlite3.Row | dict[str, Any], columns: Sequence[str]) -> list[Any]:
    return [row[c] for c in columns]


def next_link(con: sqlite3.Connection, table: str) -> tuple[int, str, str | None]:
    """(id of the next row, hash it chains to, time of the last row) for ``table``
    (``audit_log`` or ``decisions``), read inside the caller's write transaction."""
    id_col = "audit_id" if table == "audit_log" else "decision_id"
    time_col = "at" if table == "audit_log" else "decided_at"
    last = con.execute(f"SELECT {id_col}, row_hash, {time_col} FROM {table} "
                       f"ORDER BY {id_col} DESC LIMIT 1").fetchone()
    last_id = int(last[0]) if last else 0
    if table == "audit_log":  # AUTOINCREMENT: never reuse an id, even of a deleted row
        seq = con.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'"
                          ).fetchone()
        last_id = max(last_id, int(seq[0]) if seq else 0)
    prev = (last[1] or GENESIS) if last else GENESIS
    return last_id + 1, prev, (str(last[2]) if last else None)


@dataclass(frozen=True)
class Break:
    table: str
    row_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"{self.table} row {self.row_id}" if self.row_id is not None else self.table
        return f"{where}: {self.problem}"


@dataclass(frozen=True)
class TrailReport:
    audit_rows: int
    decisions: int
    head_id: int | None
    head_hash: str | None
    breaks: list[Break] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def first(self) -> Break | None:
        return self.breaks[0] if self.breaks else None

    @property
    def anchor(self) -> str | None:
        """``id:hash`` of the newest audit row: record it elsewhere to verify against later."""
        return f"{self.head_id}:{self.head_hash}" if self.head_id is not None else None

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "audit_rows": self.audit_rows, "decisions": self.decisions,
                "anchor": self.anchor,
                "first_break": str(self.first) if self.first else None,
                "breaks": [asdict(b) for b in self.breaks]}


def _guards(con: sqlite3.Connection) -> list[Break]:
    found = {r[0]: (r[1], r[2] or "") for r in con.execute(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")}
    out = []
    for name, (table, event) in GUARDS.items():
        have = found.get(name)
        if have is None:
            out.append(Break(table, None, f"the append-only trigger {name} is missing"))
        elif have[0] != table or event not in have[1].upper() or \
                "RAISE(ABORT" not in have[1].upper().replace(" ", ""):
            out.append(Break(table, None, f"the append-only trigger {name} was altered"))
    return out


def _chain(rows: list[sqlite3.Row], table: str, columns: Sequence[str], id_col: str,
           time_col: str) -> list[Break]:
    out: list[Break] = []
    prev, prev_id, prev_time = GENESIS, 0, ""
    for row in rows:
        rid = int(row[id_col])
        if rid != prev_id + 1:
            out.append(Break(table, rid, f"rows {prev_id + 1}..{rid - 1} are missing"
                             if rid > prev_id + 2 else f"row {prev_id + 1} is missing"))
        stored = row["row_hash"]
        if not stored:
            out.append(Break(table, rid, "no hash: the row was not written by dibwatch"))
        elif row["prev_hash"] != prev:
            out.append(Break(table, rid, "does not chain to the row before it (a row was "
                                         "deleted, inserted or rewritten there)"))
        elif row_hash(prev, values_of(row, columns)) != stored:
            out.append(Break(table, rid, "content does not match its hash (the row was "
                                         "altered)"))
        when = str(row[time_col])
        if when < prev_time:
            out.append(Break(table, rid, f"dated {when}, before the row before it "
                                         f"({prev_time}): backdated"))
        prev, prev_id, prev_time = stored or "", rid, max(prev_time, when)
    return out


def _cross_check(decisions: list[sqlite3.Row], audits: dict[int, sqlite3.Row]
                 ) -> list[Break]:
    out = []
    for d in decisions:
        did = int(d["decision_id"])
        problem = decision_problem(d, audits.get(did))
        if problem:
            out.append(Break("decisions", did, problem))
    return out


def decision_problem(decision: sqlite3.Row | dict[str, Any],
                     audit_row: sqlite3.Row | dict[str, Any] | None) -> str | None:
    """Why ``decision`` cannot be trusted (None when its hash and its audit row agree)."""
    stored = decision["row_hash"]
    if not stored:
        return "no hash: the decision was not written by dibwatch"
    if row_hash(decision["prev_hash"] or "", values_of(decision, DECISION_COLUMNS)) != stored:
        return "content does not match its hash (the decision was altered)"
    if audit_row is None:
        return "no audit row records this decision"
    detail = json.loads(audit_row["detail"])
    if audit_row["action"] != f"match.{decision['verdict']}":
        return (f"the decision says {decision['verdict']}, its audit row "
                f"{audit_row['audit_id']} says {audit_row['action']}")
    for key in ("entity_id", "content_hash"):
        if detail.get(key) != decision[key]:
            return f"its {key} differs from its audit row {audit_row['audit_id']}"
    if "decision_hash" in detail and detail["decision_hash"] != stored:
        return f"its hash differs from the one its audit row {audit_row['audit_id']} recorded"
    return None


def decision_audits(con: sqlite3.Connection, decision_ids: Sequence[int] | None = None
                    ) -> dict[int, sqlite3.Row]:
    """The audit row of each decision (by the decision id its detail records)."""
    rows = con.execute("SELECT * FROM audit_log WHERE action IN ('match.confirm', "
                       "'match.dismiss') ORDER BY audit_id").fetchall()
    wanted = set(decision_ids) if decision_ids is not None else None
    out: dict[int, sqlite3.Row] = {}
    for r in rows:
        did = json.loads(r["detail"]).get("decision_id")
        if isinstance(did, int) and (wanted is None or did in wanted):
            out.setdefault(did, r)
    return out


def verify(con: sqlite3.Connection, *, anchors: Sequence[str] = ()) -> TrailReport:
    """Walk the audit chain and the decisions chain of the app state open on ``con``;
    ``anchors`` are ``id:hash`` strings recorded earlier that must still be in the chain."""
    con.row_factory = sqlite3.Row
    breaks = _guards(con)
    audits = con.execute("SELECT * FROM audit_log ORDER BY audit_id").fetchall()
    breaks += _chain(audits, "audit_log", AUDIT_COLUMNS, "audit_id", "at")
    seq = con.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").fetchone()
    last_id = int(audits[-1]["audit_id"]) if audits else 0
    if seq and int(seq[0]) > last_id:
        breaks.append(Break("audit_log", last_id + 1,
                            f"rows {last_id + 1}..{int(seq[0])} were written and are gone "
                            f"(the newest rows were deleted)"))
    hashes = {int(r["audit_id"]): r["row_hash"] for r in audits}
    for anchor in anchors:
        aid, _, expected = anchor.partition(":")
        if not aid.strip().isdigit() or len(expected.strip()) != 64:
            breaks.append(Break("audit_log", None, f"anchor {anchor!r} is not ID:SHA256"))
        elif hashes.get(int(aid)) != expected.strip():
            breaks.append(Break("audit_log", int(aid),
                                f"anchor {anchor[:20]}… recorded earlier is not in the "
                                f"chain: the log was rewritten or cut since"))
    decisions = con.execute("SELECT * FROM decisions ORDER BY decision_id").fetchall()
    breaks += _chain(decisions, "decisions", DECISION_COLUMNS, "decision_id", "decided_at")
    breaks += _cross_check(decisions, decision_audits(con))
    head = audits[-1] if audits else None
    return TrailReport(len(audits), len(decisions),
                       int(head["audit_id"]) if head else None,
                       head["row_hash"] if head else None, breaks[:MAX_BREAKS])


def backfill(con: sqlite3.Connection) -> None:
    """Chain the rows written before the chain existed (migration 2), in their order."""
    con.row_factory = sqlite3.Row
    for table, columns, id_col in (("audit_log", AUDIT_COLUMNS, "audit_id"),
                                   ("decisions", DECISION_COLUMNS, "decision_id")):
        prev = GENESIS
        for row in con.execute(f"SELECT * FROM {table} ORDER BY {id_col}").fetchall():
            h = row_hash(prev, values_of(row, columns))
            con.execute(f"UPDATE {table} SET prev_hash = ?, row_hash = ? WHERE {id_col} = ?",
                        [prev, h, row[id_col]])
            prev = h
