"""Units of the web app and monitor that need no workspace: users and tokens, the app-state
schema guard, decisions, the body limit, chart geometry, webhook retries, the users CLI."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from typer.testing import CliRunner

from dibwatch.casework.cases import (
    ListEntry,
    confirmed_links,
    decide,
    decisions_in_force,
    dismissed_links,
)
from dibwatch.casework.users import (
    TokenState,
    authenticate,
    create_session,
    lookup_session,
    lookup_token,
    role_of,
)
from dibwatch.errors import ConfigError, WorkspaceError
from dibwatch.monitor import Alert, post_alerts
from dibwatch.web import AppState, Role, add_user, create_token
from dibwatch.web.charts import bar_chart
from dibwatch.web.limits import BodyLimit


@pytest.fixture
def state(tmp_path: Path) -> AppState:
    return AppState(tmp_path / "state.sqlite")


ROLES = [("viewer", Role.viewer), ("Analyst", Role.analyst), (" admin ", Role.admin)]


@pytest.mark.parametrize(("text", "role"), ROLES)
def test_role_names(text: str, role: Role) -> None:
    assert role_of(text) is role


def test_roles_are_ordered() -> None:
    assert Role.viewer < Role.analyst < Role.admin


USER_ERRORS = [("", "long enough pw", "needs a name"), ("bob", "short", "at least 8"),
               ("alice", "another password", "exists")]


@pytest.mark.parametrize(("name", "password", "message"), USER_ERRORS)
def test_bad_users_are_refused(state: AppState, name: str, password: str,
                               message: str) -> None:
    add_user(state, "alice", "first password", Role.viewer)
    with pytest.raises(ConfigError, match=message):
        add_user(state, name, password, Role.viewer)


def test_passwords_are_argon2_hashed_and_checked(state: AppState) -> None:
    add_user(state, "alice", "first password", Role.analyst)
    with sqlite3.connect(state.path) as con:
        stored = con.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and "first password" not in stored
    assert authenticate(state, "alice", "first password") is not None
    assert authenticate(state, "alice", "wrong password") is None
    assert authenticate(state, "nobody", "first password") is None


def test_sessions_and_tokens_expire(state: AppState) -> None:
    user = add_user(state, "alice", "first password", Role.analyst)
    sid, session = create_session(state, user, timedelta(hours=1))
    assert lookup_session(state, sid) == session
    old_sid, _ = create_session(state, user, timedelta(seconds=-1))
    assert lookup_session(state, old_sid) is None
    token = create_token(state, user, "t", timedelta(days=1))
    assert lookup_token(state, token) == (TokenState.valid, user)
    expired = create_token(state, user, "t", timedelta(seconds=-1))
    assert lookup_token(state, expired) == (TokenState.expired, None)
    assert lookup_token(state, "dw_unknown") == (TokenState.unknown, None)
    with sqlite3.connect(state.path) as con:  # only hashes are kept
        hashes = [r[0] for r in con.execute("SELECT token_hash FROM api_tokens")]
    assert token not in hashes and len(hashes) == 2


def test_newer_state_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    AppState(path)
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA user_version = 99")
    with pytest.raises(WorkspaceError, match="schema version 99"):
        AppState(path)


def test_state_uses_wal(state: AppState) -> None:
    with state.connect() as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _entry(content_hash: str) -> ListEntry:
    return ListEntry("src-1", content_hash, 3, "src")


def test_newest_decision_is_in_force_and_dismissal_tracks_the_hash(state: AppState) -> None:
    common: dict[str, Any] = {"firm_caption": "Firm", "algorithm": "dibwatch-v1/1.0",
                              "score": 0.9, "note": None, "snapshots": [3]}
    decide(state, actor="anna", firm_id=7, entry=_entry("h1"), verdict="confirm", **common)
    assert confirmed_links(state) == [(7, "src-1")]
    decide(state, actor="anna", firm_id=7, entry=_entry("h1"), verdict="dismiss", **common)
    assert confirmed_links(state) == []
    decision = decisions_in_force(state)[(7, "src-1")]
    assert decision.verdict == "dismiss" and decision.decided_by == "anna"
    assert decision.suppresses("h1") and not decision.suppresses("h2")
    assert dismissed_links(state) == [(7, "src-1", "h1")]
    with pytest.raises(ConfigError, match="verdict"):
        decide(state, actor="anna", firm_id=7, entry=_entry("h1"), verdict="perhaps",
               **common)
    with sqlite3.connect(state.path) as con:
        actions = [r[0] for r in con.execute("SELECT action FROM audit_log ORDER BY audit_id")]
    assert actions == ["match.confirm", "match.dismiss"]


def _echo_app(limit: int) -> BodyLimit:
    async def echo(request: Request) -> PlainTextResponse:
        return PlainTextResponse(str(len(await request.body())))

    return BodyLimit(Starlette(routes=[Route("/", echo, methods=["POST"])]), limit)


BODIES = [("declared, under", b"x" * 100, 200), ("declared, over", b"x" * 101, 413)]


@pytest.mark.parametrize(("case", "body", "status"), BODIES, ids=[b[0] for b in BODIES])
def test_body_limit_with_content_length(case: str, body: bytes, status: int) -> None:
    r = TestClient(_echo_app(100)).post("/", content=body)
    assert r.status_code == status


def test_body_limit_counts_a_chunked_body() -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(5):
            yield b"x" * 40

    r = TestClient(_echo_app(100)).post("/", content=chunks())
    assert r.status_code == 413 and "limit of 100 bytes" in r.text


def test_bar_chart_geometry() -> None:
    chart = bar_chart("t", [("a", 10.0), ("b", 5.0), ("c", 0.0)], width=300, height=200,
                      label_band=34)
    plot = 200 - 34 - 14
    assert [b.height for b in chart.bars] == [plot, plot / 2, 0.0]
    assert [round(b.x, 1) for b in chart.bars] == [15.0, 115.0, 215.0]
    assert all(b.y + b.height == chart.baseline for b in chart.bars)
    many = bar_chart("t", [(str(i), 1.0) for i in range(40)], width=400)
    shown = [b.label for b in many.bars if b.label_shown]
    assert shown == [str(i) for i in range(0, 40, 4)]  # 10 px per bar: every 4th label
    assert all(b.text == "" for b in many.bars)


class _Hook(BaseHTTPRequestHandler):
    statuses: ClassVar[list[int]] = []
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        type(self).received.append(body)
        self.send_response(type(self).statuses.pop(0))
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hook() -> Iterator[str]:
    _Hook.received = []
    httpd = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


ALERT = Alert("firm_designated", "k", "Firm now matches X", 1, "src-1", {"score": 0.9}, 5)
# statuses the receiver answers, in order -> (ok, attempts, waits before retries)
DELIVERIES = [
    ([200], (True, 1, [])),
    ([503, 502, 200], (True, 3, [0.5, 1.0])),
    ([429, 200], (True, 2, [0.5])),
    ([400], (False, 1, [])),
    ([500] * 5, (False, 5, [0.5, 1.0, 2.0, 4.0])),
]


@pytest.mark.network
@pytest.mark.parametrize(("statuses", "expected"), DELIVERIES)
def test_webhook_retries_with_backoff(hook: str, statuses: list[int],
                                      expected: tuple[bool, int, list[float]]) -> None:
    _Hook.statuses = list(statuses)
    waits: list[float] = []
    result = post_alerts(hook, [ALERT], retries=4, backoff=0.5, sleep=waits.append)
    assert (result.ok, result.attempts, waits) == expected
    assert _Hook.received[0]["alerts"][0]["title"] == "Firm now matches X"


def test_webhook_unreachable_is_reported() -> None:
    waits: list[float] = []
    result = post_alerts("http://127.0.0.1:9/", [ALERT], retries=2, backoff=0.1,
                         sleep=waits.append, timeout=1.0)
    assert not result.ok and result.attempts == 3 and waits == [0.1, 0.2]
    assert result.error and "Connect" in result.error


def test_users_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dibwatch.cli.users import app as users

    ws = tmp_path / "w.duckdb"
    monkeypatch.setenv("DIBWATCH_PASSWORD", "cli password 1")
    runner = CliRunner()
    added = runner.invoke(users, ["add", "carol", "--role", "analyst", "-w", str(ws)])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(users, ["list", "-w", str(ws)])
    assert any(line.split("│")[1:3] == [" carol ", " analyst "]
               for line in listed.output.splitlines() if "│" in line), listed.output
    token = runner.invoke(users, ["token", "carol", "--days", "1", "-w", str(ws)])
    value = token.output.strip()
    state = AppState(tmp_path / "w.duckdb.state.sqlite")
    verdict, user = lookup_token(state, value)
    assert verdict is TokenState.valid and user is not None and user.name == "carol"
    bad = runner.invoke(users, ["add", "dave", "--role", "boss", "-w", str(ws)])
    assert bad.exit_code != 0 and "unknown role" in str(bad.exception)
