"""The audit trail as evidence (issue #12, row 7): every tampering of the state file found
by `dibwatch audit verify`, and the app flagging a broken trail instead of serving it."""

from __future__ import annotations

import shutil
import sqlite3
import stat
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dibwatch.casework import trail
from dibwatch.casework.state import MIGRATIONS
from dibwatch.cli import app as cli
from dibwatch.web import AppState, Role, WebSettings, add_user, create_app, create_token
from dibwatch.workspace import Workspace
from tests.web.conftest import Server, make_server

runner = CliRunner(env={"COLUMNS": "300"})


@pytest.fixture(scope="module")
def history(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[tuple[Server, int]]:
    """A served workspace with a trail: logins, a confirm, a dismiss, a note, a case change."""
    base = tmp_path_factory.mktemp("trail")
    for server in make_server(demo_workspace, base):
        with Workspace(demo_workspace, read_only=True) as ws:
            (firm_id, entity_id), (other_firm, other_entity) = ws.engine.query(
                "SELECT firm_id, entity_id FROM firm_screening ORDER BY score DESC, firm_id "
                "LIMIT 2")
        h = server.auth("anna")
        assert server.client.post("/auth/login", json={"name": "vera", "password": "nope"}
                                  ).status_code == 401
        for fid, eid, verdict in ((firm_id, entity_id, "confirm"),
                                  (other_firm, other_entity, "dismiss")):
            r = server.client.post(f"/cases/{fid}/decisions", headers=h,
                                   json={"entity_id": eid, "verdict": verdict})
            assert r.status_code == 201, r.text
        server.client.post(f"/cases/{firm_id}/notes", headers=h, json={"text": "same INN"})
        server.client.patch(f"/cases/{firm_id}", headers=h, json={"status": "escalated"})
        yield server, int(firm_id)


def _copy(server: Server, dest: Path) -> Path:
    """A consistent copy of the live state (SQLite's backup: WAL included)."""
    out = dest / "copy.state.sqlite"
    with sqlite3.connect(server.state.path) as src, sqlite3.connect(out) as dst:
        src.backup(dst)
    return out


def _verify(path: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["audit", "verify", "--state", str(path), *args])
    return result.exit_code, " ".join(result.output.split())


def _raw(path: Path, *sql: str, params: list[object] | None = None) -> None:
    con = sqlite3.connect(path)
    for statement in sql:
        con.execute(statement, params or [])
    con.commit()
    con.close()


def test_an_untouched_trail_verifies_and_prints_its_anchor(history: tuple[Server, int],
                                                          tmp_path: Path) -> None:
    server, _ = history
    code, out = _verify(_copy(server, tmp_path))
    assert code == 0, out
    assert "audit trail intact" in out and "anchor (record it elsewhere):" in out


def _drop_triggers(path: Path) -> None:
    _raw(path, "DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete")


def _rewrite_actor(path: Path) -> None:
    _drop_triggers(path)
    _raw(path, "UPDATE audit_log SET actor = 'mallory' WHERE audit_id = 3")


def _delete_middle(path: Path) -> None:
    _drop_triggers(path)
    _raw(path, "DELETE FROM audit_log WHERE audit_id = 2")


def _delete_newest(path: Path) -> None:
    _drop_triggers(path)
    _raw(path, "DELETE FROM audit_log WHERE audit_id = (SELECT max(audit_id) FROM audit_log)")


def _insert_backdated(path: Path) -> None:
    _raw(path, "INSERT INTO audit_log (at, actor, action, object_type, object_id, detail, "
               "snapshots) VALUES ('2020-01-01T00:00:00+00:00', 'anna', 'match.dismiss', "
               "'firm', '1', '{}', '[]')")


def _insert_backdated_with_a_valid_hash(path: Path) -> None:
    """Someone who knows the hash rule and chains their row properly, but dates it back."""
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    audit_id, prev, _ = trail.next_link(con, "audit_log")
    values = [audit_id, "2020-01-01T00:00:00+00:00", "anna", "match.dismiss", "firm", "1",
              "{}", "[]", None]
    con.execute("INSERT INTO audit_log (audit_id, at, actor, action, object_type, object_id, "
                "detail, snapshots, algorithm, prev_hash, row_hash) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [*values, prev, trail.row_hash(prev, values)])
    con.commit()
    con.close()


def _flip_decision(path: Path) -> None:
    _raw(path, "DROP TRIGGER decisions_no_update",
         "UPDATE decisions SET verdict = 'dismiss' WHERE verdict = 'confirm'")


def _flip_decision_and_rehash_it(path: Path) -> None:
    """The flip with the decision's own hash recomputed: its audit row still disagrees."""
    _flip_decision(path)
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    row = con.execute("SELECT * FROM decisions WHERE decision_id = 1").fetchone()
    digest = trail.row_hash(row["prev_hash"], trail.values_of(row, trail.DECISION_COLUMNS))
    con.execute("UPDATE decisions SET row_hash = ? WHERE decision_id = 1", [digest])
    con.commit()
    con.close()


TAMPERINGS: dict[str, tuple[Callable[[Path], None], str]] = {
    "drop the audit triggers": (_drop_triggers, "audit_log_no_update is missing"),
    "rewrite an actor": (_rewrite_actor, "audit_log row 3: content does not match its hash"),
    "delete a row": (_delete_middle, "audit_log row 3: row 2 is missing"),
    "delete the newest row": (_delete_newest, "the newest rows were deleted"),
    "insert a backdated row": (_insert_backdated, "no hash: the row was not written by dibwatch"),
    "insert a backdated row with a valid hash": (_insert_backdated_with_a_valid_hash,
                                                 "backdated"),
    "flip a decision": (_flip_decision, "decisions_no_update is missing"),
    "flip a decision and rehash it": (_flip_decision_and_rehash_it,
                                      "the decision says dismiss, its audit row"),
}


@pytest.mark.parametrize("name", list(TAMPERINGS))
def test_audit_verify_finds_each_tampering(history: tuple[Server, int], tmp_path: Path,
                                           name: str) -> None:
    server, _ = history
    path = _copy(server, tmp_path)
    tamper, expected = TAMPERINGS[name]
    tamper(path)
    code, out = _verify(path)
    assert code == 1, out
    assert "audit trail broken" in out and expected in out, out


def test_a_flipped_decision_is_also_caught_when_the_trigger_is_restored(
        history: tuple[Server, int], tmp_path: Path) -> None:
    server, _ = history
    path = _copy(server, tmp_path)
    _flip_decision(path)
    _raw(path, "CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions "
               "BEGIN SELECT RAISE(ABORT, 'decisions is append-only'); END;")
    code, out = _verify(path)
    assert code == 1 and "decisions row 1: content does not match its hash" in out, out


def test_only_an_anchor_catches_a_consistent_rewrite(history: tuple[Server, int],
                                                     tmp_path: Path) -> None:
    """Who holds the file can rewrite the whole chain; an anchor kept elsewhere shows it."""
    server, _ = history
    path = _copy(server, tmp_path)
    code, out = _verify(path)
    anchor = out.split("anchor (record it elsewhere): ")[1].split()[0]
    _rewrite_actor(path)
    _raw(path, "DROP TRIGGER decisions_no_update")
    con = sqlite3.connect(path)
    trail.backfill(con)  # every hash recomputed over the rewritten rows
    con.commit()
    con.close()
    _raw(path, *trail.GUARD_SQL.splitlines()[:3])
    assert _verify(path)[0] == 0  # consistent again: the chain alone cannot tell
    code, out = _verify(path, "--anchor", anchor)
    assert code == 1 and "is not in the chain" in out, out


def test_the_app_flags_a_broken_trail(history: tuple[Server, int], demo_workspace: Path,
                                      tmp_path: Path) -> None:
    """Row 7: /cases showed "dismiss" while the audit said confirm, without a word."""
    server, firm_id = history
    state = _copy(server, tmp_path)
    ws = tmp_path / "ws.duckdb"
    shutil.copy(server.workspace, ws)
    _flip_decision(state)
    app = create_app(ws, state, settings=WebSettings(trail_check_seconds=3600))
    admin = add_user(app.state.ctx.state, "root", "correct horse battery", Role.admin)
    value = create_token(app.state.ctx.state, admin, "t", timedelta(days=1))
    token = {"Authorization": f"Bearer {value}"}
    with TestClient(app) as client:
        case = client.get(f"/cases/{firm_id}", headers=token)
        assert case.headers["x-audit-trail"] == "broken"
        decision = next(d for d in case.json()["decisions"] if d["decision_id"] == 1)
        assert decision["verdict"] == "dismiss" and decision["verified"] is False
        assert "audit row" in decision["problem"] or "hash" in decision["problem"]
        log = client.get("/audit", headers=token).json()
        assert log["trail"]["ok"] is False and "decisions" in log["trail"]["first_break"]
        now = client.get("/audit/verify", headers=token).json()
        assert now["ok"] is False
        page = client.get("/ui/audit", cookies=_login(client, "root"))
        assert 'id="trail-broken"' in page.text


def _login(client: TestClient, name: str) -> dict[str, str]:
    r = client.post("/auth/login", json={"name": name, "password": "correct horse battery"})
    assert r.status_code == 200, r.text
    return {"dibwatch_session": r.cookies["dibwatch_session"]}


def test_an_untouched_trail_is_served_quietly(history: tuple[Server, int]) -> None:
    server, firm_id = history
    r = server.client.get(f"/cases/{firm_id}", headers=server.auth("vera"))
    assert "x-audit-trail" not in r.headers
    assert all(d["verified"] for d in r.json()["decisions"])


def test_a_state_from_before_the_chain_is_migrated_and_verifies(tmp_path: Path) -> None:
    path = tmp_path / "old.state.sqlite"
    con = sqlite3.connect(path)
    con.executescript(MIGRATIONS[0][1])
    con.execute("PRAGMA user_version = 1")
    con.executemany(
        "INSERT INTO audit_log (at, actor, action, object_type, object_id, detail, snapshots) "
        "VALUES (?, 'anna', ?, 'firm', '7', ?, '[]')",
        [("2024-01-01T00:00:00+00:00", "match.confirm",
          '{"decision_id": 1, "entity_id": "e-1", "content_hash": "h"}'),
         ("2024-01-02T00:00:00+00:00", "case.note", "{}")])
    con.execute("INSERT INTO decisions (firm_id, entity_id, verdict, content_hash, snapshot_id, "
                "source, algorithm, score, note, decided_by, decided_at) VALUES "
                "(7, 'e-1', 'confirm', 'h', 1, 's', 'a', 0.9, NULL, 'anna', "
                "'2024-01-01T00:00:00+00:00')")
    con.commit()
    con.close()
    AppState(path)
    code, out = _verify(path)
    assert code == 0, out
    with sqlite3.connect(path) as con, pytest.raises(sqlite3.DatabaseError):
        con.execute("UPDATE decisions SET verdict = 'dismiss'")


def test_the_state_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "s.state.sqlite"
    AppState(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loose = tmp_path / "loose.state.sqlite"
    loose.touch(mode=0o644)
    loose.chmod(0o644)
    AppState(loose)
    assert stat.S_IMODE(loose.stat().st_mode) == 0o600
