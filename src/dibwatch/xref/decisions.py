"""The analysts' queue: confirm or dismiss that two list entries are the same party.

Decisions live in the app state (SQLite, table ``xref_decisions``) beside the case
decisions, each with its audit row written in the same transaction. They are about entity
pairs, not clusters, so they survive new snapshots and re-clustering: the newest decision on
a pair is in force; a confirmation joins the pair at every run while both entries exist; a
dismissal keeps them apart while both entries still hash to what the analyst saw (a list
that changes either entry raises the pair again). They take effect at the next
``dibwatch lists xref`` (which then re-clusters without re-matching).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from dibwatch.casework import audit
from dibwatch.casework.state import AppState, now
from dibwatch.engine import Engine
from dibwatch.errors import ConfigError, NotFoundError
from dibwatch.xref import store
from dibwatch.xref.clusters import PairDecisions

VERDICTS = ("confirm", "dismiss")


@dataclass(frozen=True)
class PairEntry:
    """A pair as the stored run has it, which is what a decision records."""

    entity_a: str
    entity_b: str
    hash_a: str
    hash_b: str
    snapshot_a: int
    snapshot_b: int
    score: float | None
    run_id: int
    algorithm: str


@dataclass(frozen=True)
class PairDecision:
    decision_id: int
    entity_a: str
    entity_b: str
    verdict: str
    hash_a: str
    hash_b: str
    run_id: int | None
    score: float | None
    note: str | None
    decided_by: str
    decided_at: str


def pair_entry(engine: Engine, entity_a: str, entity_b: str) -> PairEntry:
    """The pair's entries and link score in the stored run (any two entries may be decided
    on, not only queued ones)."""
    if entity_a == entity_b:
        raise ConfigError("a pair needs two different entities")
    a, b = sorted((entity_a, entity_b))
    run = store.latest_run(engine)
    if run is None:
        raise NotFoundError("no cross-referencing run: run `dibwatch lists xref` first")
    found = {}
    for entity_id in (a, b):
        rows = store.query(engine, store.MEMBER, [entity_id])
        if not rows:
            raise NotFoundError(f"no list entity {entity_id!r} in the cross-referencing run")
        found[entity_id] = rows[0]
    links = store.query(engine, store.LINK, [a, b])
    score = next((r["score"] for r in links if r["score"] is not None), None)
    return PairEntry(a, b, found[a]["content_hash"], found[b]["content_hash"],
                     int(found[a]["snapshot_id"]), int(found[b]["snapshot_id"]), score,
                     run.run_id, run.algorithm)


def _decision(row: sqlite3.Row) -> PairDecision:
    return PairDecision(int(row["decision_id"]), row["entity_a"], row["entity_b"],
                        row["verdict"], row["hash_a"], row["hash_b"], row["run_id"],
                        row["score"], row["note"], row["decided_by"], row["decided_at"])


def decide_pair(state: AppState, *, actor: str, entry: PairEntry, verdict: str,
                note: str | None = None, snapshots: list[int] | None = None) -> PairDecision:
    """Record a confirm / dismiss decision on a pair and its audit row, in one transaction."""
    if verdict not in VERDICTS:
        raise ConfigError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    with state.transaction() as con:
        cur = con.execute(
            "INSERT INTO xref_decisions (entity_a, entity_b, verdict, hash_a, hash_b, "
            "snapshot_a, snapshot_b, run_id, algorithm, score, note, decided_by, decided_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [entry.entity_a, entry.entity_b, verdict, entry.hash_a, entry.hash_b,
             entry.snapshot_a, entry.snapshot_b, entry.run_id, entry.algorithm, entry.score,
             note, actor, now()])
        decision_id = int(cur.lastrowid or 0)
        audit.append(con, actor=actor, action=f"xref.{verdict}", object_type="entity_pair",
                     object_id=f"{entry.entity_a}|{entry.entity_b}",
                     detail={"entity_a": entry.entity_a, "entity_b": entry.entity_b,
                             "hash_a": entry.hash_a, "hash_b": entry.hash_b,
                             "snapshot_a": entry.snapshot_a, "snapshot_b": entry.snapshot_b,
                             "xref_run": entry.run_id, "score": entry.score, "note": note,
                             "decision_id": decision_id},
                     snapshots=snapshots or [entry.snapshot_a, entry.snapshot_b],
                     algorithm=entry.algorithm)
        row = con.execute("SELECT * FROM xref_decisions WHERE decision_id = ?",
                          [decision_id]).fetchone()
    return _decision(row)


def decisions_in_force(state: AppState) -> dict[tuple[str, str], PairDecision]:
    """The newest decision of every pair."""
    with state.connect() as con:
        rows = con.execute(
            "SELECT * FROM xref_decisions d WHERE decision_id = (SELECT max(decision_id) "
            "FROM xref_decisions x WHERE x.entity_a = d.entity_a AND x.entity_b = d.entity_b)"
        ).fetchall()
    return {(r["entity_a"], r["entity_b"]): _decision(r) for r in rows}


def pair_decisions(state: AppState) -> PairDecisions:
    """The decisions in force, as clustering takes them."""
    found = decisions_in_force(state)
    return PairDecisions(
        frozenset(p for p, d in found.items() if d.verdict == "confirm"),
        {p: (d.hash_a, d.hash_b) for p, d in found.items() if d.verdict == "dismiss"})


def history(state: AppState, entity_a: str, entity_b: str) -> list[PairDecision]:
    a, b = sorted((entity_a, entity_b))
    with state.connect() as con:
        rows = con.execute("SELECT * FROM xref_decisions WHERE entity_a = ? AND entity_b = ? "
                           "ORDER BY decision_id", [a, b]).fetchall()
    return [_decision(r) for r in rows]
