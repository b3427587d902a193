"""App state: users, sessions, API tokens, cases, decisions, audit log, alerts, watched parties
and jobs, in one SQLite file in WAL mode beside the workspace.

Why SQLite and not the DuckDB workspace: a DuckDB file admits one writing process and its
connection is not meant to be shared by concurrent request threads; the web app takes many
small concurrent writes (a login, a decision, an alert). SQLite in WAL mode lets readers run
while one writer commits, serialises writers with a busy timeout, and every request opens its
own short-lived connection, so no connection crosses threads. The workspace stays the
analytical store, opened once by the app behind a lock.

The audit log, the decisions and the case notes are append-only twice over: no code path
updates or deletes them, and triggers make SQLite itself refuse an UPDATE or DELETE. Audit
rows and decisions are hash-chained (dibwatch.casework.trail), so an edit made around the
triggers shows in ``dibwatch audit verify``. The file is created 0600.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dibwatch.errors import WorkspaceError

STATE_SUFFIX = ".state.sqlite"
BUSY_TIMEOUT_MS = 10_000

# Ordered migrations, as for the workspace: never edit a released one, append.
MIGRATIONS: list[tuple[int, str]] = [
    (1, """
CREATE TABLE users (
    user_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE sessions (
    session_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (user_id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE api_tokens (
    token_id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users (user_id),
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE cases (
    firm_id INTEGER PRIMARY KEY,
    firm_caption TEXT NOT NULL,
    status TEXT NOT NULL,
    assignee TEXT,
    opened_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE TABLE case_notes (
    note_id INTEGER PRIMARY KEY,
    firm_id INTEGER NOT NULL,
    author TEXT NOT NULL,
    at TEXT NOT NULL,
    text TEXT NOT NULL
);
-- One row per decision on a firm x list entity pair; the newest row is the one in force.
CREATE TABLE decisions (
    decision_id INTEGER PRIMARY KEY,
    firm_id INTEGER NOT NULL,
    entity_id TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('confirm', 'dismiss')),
    content_hash TEXT NOT NULL,
    snapshot_id INTEGER NOT NULL,
    source TEXT NOT NULL,
    algorithm TEXT NOT NULL,
    score REAL,
    note TEXT,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
CREATE INDEX decisions_pair ON decisions (firm_id, entity_id, decision_id);
CREATE TABLE audit_log (
    audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    detail TEXT NOT NULL,
    snapshots TEXT NOT NULL,
    algorithm TEXT
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE alerts (
    alert_id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    dedupe_key TEXT NOT NULL UNIQUE,
    firm_id INTEGER,
    entity_id TEXT,
    title TEXT NOT NULL,
    detail TEXT NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new',
    delivered_at TEXT,
    delivery_attempts INTEGER NOT NULL DEFAULT 0,
    delivery_error TEXT
);
CREATE TABLE watched_parties (
    watch_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    country TEXT,
    identifier TEXT,
    schema TEXT,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1
);
-- The monitor's memory between checks: which subject matched which list entity, which
-- party mentions were known, and small named values (the last risk run compared).
CREATE TABLE monitor_matches (
    subject TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    score REAL NOT NULL,
    PRIMARY KEY (subject, entity_id)
);
CREATE TABLE monitor_mentions (mention_key TEXT PRIMARY KEY);
CREATE TABLE monitor_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE jobs (
    job_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    input_name TEXT NOT NULL,
    result_path TEXT,
    run_id INTEGER,
    error TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    finished_at TEXT
);
"""),
    # The trail as evidence (dibwatch.casework.trail): audit rows and decisions hash-chained,
    # decisions and notes append-only like the audit log; alerts queued for the webhook.
    (2, "python:trail"),
    # (3) The analysts' verdicts on cross-list entity pairs (dibwatch.xref.decisions): the
    # newest row of a pair is in force; a dismissal holds while both entries are unchanged.
    (3, """
CREATE TABLE xref_decisions (
    decision_id INTEGER PRIMARY KEY,
    entity_a TEXT NOT NULL,
    entity_b TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('confirm', 'dismiss')),
    hash_a TEXT NOT NULL,
    hash_b TEXT NOT NULL,
    snapshot_a INTEGER NOT NULL,
    snapshot_b INTEGER NOT NULL,
    run_id INTEGER,
    algorithm TEXT,
    score REAL,
    note TEXT,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    CHECK (entity_a < entity_b)
);
CREATE INDEX xref_decisions_pair ON xref_decisions (entity_a, entity_b, decision_id);
"""),
    # (4) Analysts' corrections to firms (dibwatch.casework.corrections): pairs of mentions as
    # written that must end apart (a split) or together (a merge) in every later resolution.
    # Append-only like the decisions; each row has its audit row, written with it.
    (4, """
CREATE TABLE firm_corrections (
    correction_id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('split', 'merge')),
    firm_id INTEGER NOT NULL,
    other_firm_id INTEGER,
    key_a TEXT NOT NULL,
    key_b TEXT NOT NULL,
    note TEXT,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
CREATE TRIGGER firm_corrections_no_update BEFORE UPDATE ON firm_corrections
BEGIN SELECT RAISE(ABORT, 'firm corrections are append-only'); END;
CREATE TRIGGER firm_corrections_no_delete BEFORE DELETE ON firm_corrections
BEGIN SELECT RAISE(ABORT, 'firm corrections are append-only'); END;
"""),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


def _migrate_trail(con: sqlite3.Connection) -> None:
    from dibwatch.casework import trail

    for table in ("audit_log", "decisions"):
        con.execute(f"ALTER TABLE {table} ADD COLUMN prev_hash TEXT")
        con.execute(f"ALTER TABLE {table} ADD COLUMN row_hash TEXT")
    con.execute("ALTER TABLE alerts ADD COLUMN delivery_due TEXT")
    con.execute("CREATE INDEX alerts_due ON alerts (delivery_due) "
                "WHERE delivery_due IS NOT NULL")
    con.execute("DROP TRIGGER audit_log_no_update")  # the backfill writes the new columns
    con.execute("DROP TRIGGER audit_log_no_delete")
    trail.backfill(con)
    for statement in trail.GUARD_SQL.splitlines():
        con.execute(statement)


# Migrations written in Python (those needing more than SQL), by their marker.
PYTHON_MIGRATIONS = {"python:trail": _migrate_trail}


def now() -> str:
    """UTC, ISO 8601 to the second: sortable as text, readable in the audit log."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def page_of(state: AppState, table: str, where: str, params: Sequence[Any], order: str,
            limit: int, offset: int) -> tuple[int, list[sqlite3.Row]]:
    """(total rows matching ``where``, one page of them in ``order``). ``table``, ``where`` and
    ``order`` are the caller's constants; values go in ``params``, bound."""
    with state.connect() as con:
        total = int(con.execute(f"SELECT count(*) FROM {table} {where}", params).fetchone()[0])
        rows = con.execute(f"SELECT * FROM {table} {where} ORDER BY {order} LIMIT ? OFFSET ?",
                           [*params, limit, offset]).fetchall()
    return total, rows


def state_path_for(workspace: Path) -> Path:
    """The default state file of a workspace: ``<workspace>.state.sqlite`` beside it."""
    return workspace.with_name(workspace.name + STATE_SUFFIX)


def _private_file(path: Path) -> None:
    """Create ``path`` readable and writable by its owner only (0600); SQLite gives its -wal
    and -shm files the same mode. An existing file open to others is tightened."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        mode = path.stat().st_mode
        if mode & 0o077 and path.stat().st_uid == os.getuid():
            path.chmod(0o600)
        return
    os.close(fd)


class AppState:
    """The app-state database at ``path``, created and migrated on first use."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _private_file(self.path)
        with self.connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            version = int(con.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise WorkspaceError(f"app state {self.path} has schema version {version}; "
                                     f"this dibwatch knows {SCHEMA_VERSION}. Upgrade dibwatch.")
            for number, script in MIGRATIONS:
                if number <= version:
                    continue
                if script in PYTHON_MIGRATIONS:
                    # One transaction; a second process migrating at once finds it done.
                    con.execute("BEGIN IMMEDIATE")
                    try:
                        if int(con.execute("PRAGMA user_version").fetchone()[0]) < number:
                            PYTHON_MIGRATIONS[script](con)
                            con.execute(f"PRAGMA user_version = {int(number)}")
                    except BaseException:
                        con.execute("ROLLBACK")
                        raise
                    con.execute("COMMIT")
                    continue
                # executescript commits first; the version bump follows the script.
                con.executescript(script)
                con.execute(f"PRAGMA user_version = {int(number)}")

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection for one unit of work: commits on success, rolls back on error."""
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000,
                              isolation_level=None, check_same_thread=True)
        con.row_factory = sqlite3.Row
        try:
            con.execute("PRAGMA foreign_keys = ON")
            con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            yield con
        finally:
            con.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE: the write lock is taken up front, so two
        writers queue instead of failing half-way)."""
        with self.connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
