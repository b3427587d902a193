"""Credentials (issue #12, row 8): tokens listed and revoked, users disabled, passwords
changed, token lifetimes capped, all audited; and logins limited (row 1)."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dibwatch.casework.users import lookup_token
from dibwatch.cli.users import app as users_cli
from dibwatch.web import AppState, Role, WebSettings, add_user
from dibwatch.web.login import LoginRefused, LoginService
from dibwatch.web.throttle import CheckBudget, LoginThrottle
from tests.web.conftest import PASSWORD, Server, make_server

runner = CliRunner(env={"COLUMNS": "300"})


@pytest.fixture(scope="module")
def server(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Server]:
    yield from make_server(demo_workspace, tmp_path_factory.mktemp("credentials"))


def _actions(server: Server, action: str) -> list[sqlite3.Row]:
    con = sqlite3.connect(server.state.path)
    con.row_factory = sqlite3.Row
    rows = con.execute("SELECT * FROM audit_log WHERE action = ? ORDER BY audit_id",
                       [action]).fetchall()
    con.close()
    return rows


def test_a_viewer_cannot_mint_a_ten_year_token(server: Server) -> None:
    r = server.client.post("/auth/tokens", headers=server.auth("vera"), json={"days": 3650})
    assert r.status_code == 422 and "at most 90 days" in r.json()["detail"]
    for days in (0, -1, "inf", "nan", 1e9):
        r = server.client.post("/auth/tokens", headers=server.auth("vera"), json={"days": days})
        assert r.status_code == 422, (days, r.text)
    ok = server.client.post("/auth/tokens", headers=server.auth("vera"), json={"days": 30})
    assert ok.status_code == 201


def test_tokens_are_listed_and_revoked(server: Server) -> None:
    made = server.client.post("/auth/tokens", headers=server.auth("vera"),
                              json={"days": 1, "label": "laptop"}).json()["token"]
    own = server.client.get("/auth/tokens", headers=server.auth("vera")).json()["results"]
    laptop = next(t for t in own if t["label"] == "laptop")
    assert laptop["active"] and "token" not in laptop and all(t["user"] == "vera" for t in own)
    # Another user's tokens are neither listed nor revocable by a viewer.
    assert server.client.get("/auth/tokens", headers=server.auth("vera"),
                             params={"user": "anna"}).status_code == 403
    anna = server.client.get("/auth/tokens", headers=server.auth("adam"),
                             params={"user": "anna"}).json()["results"]
    assert server.client.delete(f"/auth/tokens/{anna[0]['token_id']}",
                                headers=server.auth("vera")).status_code == 404
    r = server.client.delete(f"/auth/tokens/{laptop['token_id']}", headers=server.auth("vera"))
    assert r.status_code == 200 and r.json()["revoked"] is True
    assert server.client.get("/auth/me", headers={"Authorization": f"Bearer {made}"}
                             ).status_code == 401
    assert _actions(server, "token.revoke")[-1]["actor"] == "vera"


def test_an_admin_disables_a_user(server: Server) -> None:
    add_user(server.state, "dora", PASSWORD, Role.analyst)
    login = server.client.post("/auth/login", json={"name": "dora", "password": PASSWORD})
    server.client.cookies.clear()  # every request below names its credentials
    assert login.status_code == 200
    cookie = {"dibwatch_session": login.cookies["dibwatch_session"]}
    token = server.client.post("/auth/tokens", cookies=cookie, json={"days": 1},
                               headers={"X-CSRF-Token": login.json()["csrf_token"]})
    assert token.status_code == 201, token.text
    bearer = {"Authorization": f"Bearer {token.json()['token']}"}
    assert server.client.post("/users/dora/disable", headers=server.auth("anna")
                              ).status_code == 403
    assert server.client.post("/users/adam/disable", headers=server.auth("adam")
                              ).status_code == 409
    assert server.client.post("/users/dora/disable", headers=server.auth("adam")
                              ).status_code == 200
    assert server.client.get("/auth/me", headers=bearer).status_code == 401
    assert server.client.get("/auth/me", cookies=cookie).status_code == 401
    assert server.client.post("/auth/login", json={"name": "dora", "password": PASSWORD}
                              ).status_code == 401
    listed = server.client.get("/users", headers=server.auth("adam")).json()["results"]
    assert next(u for u in listed if u["user"] == "dora")["disabled"] is True
    assert server.client.post("/users/dora/enable", headers=server.auth("adam")
                              ).status_code == 200
    assert server.client.get("/auth/me", headers=bearer).status_code == 200
    assert [r["action"] for r in _actions(server, "user.disable")] == ["user.disable"]


def test_passwords_are_changed_and_reset(server: Server) -> None:
    add_user(server.state, "erin", PASSWORD, Role.viewer)
    first = server.client.post("/auth/login", json={"name": "erin", "password": PASSWORD})
    second = server.client.post("/auth/login", json={"name": "erin", "password": PASSWORD})
    server.client.cookies.clear()  # every request below names its credentials
    keep = {"dibwatch_session": first.cookies["dibwatch_session"]}
    other = {"dibwatch_session": second.cookies["dibwatch_session"]}
    csrf = {"X-CSRF-Token": first.json()["csrf_token"]}
    wrong = server.client.post("/auth/password", cookies=keep, headers=csrf,
                               json={"current_password": "not it", "new_password": "x" * 12})
    assert wrong.status_code == 403
    short = server.client.post("/auth/password", cookies=keep, headers=csrf,
                               json={"current_password": PASSWORD, "new_password": "short"})
    assert short.status_code == 422
    ok = server.client.post("/auth/password", cookies=keep, headers=csrf,
                            json={"current_password": PASSWORD,
                                  "new_password": "a new long password"})
    assert ok.status_code == 200, ok.text
    assert server.client.get("/auth/me", cookies=keep).status_code == 200
    assert server.client.get("/auth/me", cookies=other).status_code == 401  # ended
    assert server.client.post("/auth/login", json={"name": "erin", "password": PASSWORD}
                              ).status_code == 401
    reset = server.client.post("/users/erin/password", headers=server.auth("adam"),
                               json={"new_password": "reset by the admin"})
    assert reset.status_code == 200
    assert server.client.get("/auth/me", cookies=keep).status_code == 401
    assert server.client.post("/auth/login", json={"name": "erin",
                                                   "password": "reset by the admin"}
                              ).status_code == 200
    server.client.cookies.clear()
    rows = _actions(server, "user.password")
    assert [(r["actor"], r["object_id"]) for r in rows[-2:]] == [("erin", "erin"),
                                                                  ("adam", "erin")]


def test_users_cli_manages_tokens_users_and_passwords(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    ws = str(tmp_path / "w.duckdb")
    monkeypatch.setenv("DIBWATCH_PASSWORD", "cli password 1")
    assert runner.invoke(users_cli, ["add", "carol", "--role", "analyst", "-w", ws]
                         ).exit_code == 0
    huge = runner.invoke(users_cli, ["token", "carol", "--days", "1e9", "-w", ws])
    assert huge.exit_code != 0 and "at most 365 days" in str(huge.exception)
    assert "Traceback" not in huge.output
    for bad in ("0", "-3", "inf", "nan"):
        assert runner.invoke(users_cli, ["token", "carol", "--days", bad, "-w", ws]
                             ).exit_code != 0
    token = runner.invoke(users_cli, ["token", "carol", "--days", "2", "--label", "ci",
                                      "-w", ws]).output.strip()
    state = AppState(tmp_path / "w.duckdb.state.sqlite")
    assert lookup_token(state, token)[1] is not None
    listed = runner.invoke(users_cli, ["tokens", "carol", "-w", ws]).output
    assert "ci" in listed and "active" in listed
    revoked = runner.invoke(users_cli, ["revoke", "1", "-w", ws])
    assert revoked.exit_code == 0, revoked.output
    assert lookup_token(state, token)[1] is None
    assert runner.invoke(users_cli, ["disable", "carol", "-w", ws]).exit_code == 0
    assert "disabled" in runner.invoke(users_cli, ["list", "--all", "-w", ws]).output
    assert runner.invoke(users_cli, ["enable", "carol", "-w", ws]).exit_code == 0
    monkeypatch.setenv("DIBWATCH_PASSWORD", "cli password 2")
    assert runner.invoke(users_cli, ["passwd", "carol", "-w", ws]).exit_code == 0
    with sqlite3.connect(state.path) as con:
        trail = con.execute("SELECT action, actor FROM audit_log ORDER BY audit_id").fetchall()
    assert [a for a, _ in trail] == ["user.add", "token.create", "token.revoke",
                                     "user.disable", "user.enable", "user.password"]
    assert all(actor.startswith("cli:") for _, actor in trail)


# -- logins (row 1) --------------------------------------------------------------------------

class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttle_locks_a_user_after_five_and_doubles() -> None:
    clock = Clock()
    t = LoginThrottle(user_failures=5, client_failures=20, base_lockout=30, clock=clock)
    assert [bool(t.failed("vera", f"10.0.0.{i}")) for i in range(5)] == [False] * 4 + [True]
    assert 29 < t.retry_after("vera", "10.0.0.9") <= 30
    assert t.retry_after("anna", "10.0.0.9") == 0  # another user, another address: free
    clock.now += 31
    assert t.retry_after("vera", "10.0.0.9") == 0
    (lock,) = t.failed("vera", "10.0.0.9")  # one more wrong: locked again, twice as long
    assert lock.seconds == 60 and lock.lockouts == 2 and lock.refused_before == 1
    t.succeeded("vera")
    assert t.retry_after("vera", "10.0.0.9") == 0


def test_throttle_locks_a_client_spraying_user_names() -> None:
    clock = Clock()
    t = LoginThrottle(user_failures=5, client_failures=20, clock=clock)
    locks = [t.failed(f"user{i}", "10.9.9.9") for i in range(20)]
    assert not any(locks[:19]) and locks[19][0].kind == "client"
    assert t.retry_after("anyone", "10.9.9.9") > 0
    assert t.retry_after("anyone", "10.9.9.8") == 0


def test_throttle_memory_is_bounded() -> None:
    t = LoginThrottle(max_keys=100, clock=Clock())
    for i in range(1000):
        t.failed(f"u{i}", f"c{i}")
    assert len(t._counters) <= 100


def test_300_guesses_lock_the_user_and_the_right_password_waits(
        demo_workspace: Path, tmp_path: Path) -> None:
    """Row 1: 300 wrong passwords at 3.3/s, then the right one still worked."""
    settings = WebSettings(max_upload_bytes=200_000, login_lockout_seconds=600,
                           login_tarpit_seconds=0.001)
    for server in make_server(demo_workspace, tmp_path, settings):
        statuses = [server.client.post("/auth/login", json={"name": "vera",
                                                            "password": f"guess {i}"}
                                       ).status_code for i in range(300)]
        assert statuses[:4] == [401] * 4 and statuses[4] == 401
        assert set(statuses[5:]) == {429}  # refused before any password check
        right = server.client.post("/auth/login", json={"name": "vera", "password": PASSWORD})
        assert right.status_code == 429 and int(right.headers["retry-after"]) > 500
        # The flood left a bounded trail: failures up to the limit, one row per lockout.
        failed = _actions(server, "login.failed")
        locked = _actions(server, "login.locked")
        assert len(failed) == 5 and len(locked) == 1
        assert '"kind": "user"' in locked[0]["detail"]
        # Other users log in meanwhile; the address is not locked by one user's guesses.
        assert server.client.post("/auth/login", json={"name": "anna", "password": PASSWORD}
                                  ).status_code == 200
        server.client.cookies.clear()
        page = server.client.post("/login", data={"name": "vera", "password": PASSWORD},
                                  follow_redirects=False)
        assert page.status_code == 303 and "error=locked" in page.headers["location"]


def _all_at_once(service: LoginService, attempts: list[tuple[str, str, str]]) -> list[int]:
    """Each (name, password, client) tried at once; the status each got (200: logged in)."""
    async def one(name: str, password: str, client: str) -> int:
        try:
            await service.attempt(name, password, client, "test")
        except LoginRefused as exc:
            return exc.status
        return 200

    async def together() -> list[int]:
        return list(await asyncio.gather(*(one(*a) for a in attempts)))

    return asyncio.run(together())


def test_password_checks_are_bounded(tmp_path: Path) -> None:
    """More logins at once than checks + queue: 503 at once, no Argon2 for them."""
    state = AppState(tmp_path / "s.state.sqlite")
    add_user(state, "vera", PASSWORD, Role.viewer)
    service = LoginService(state, WebSettings(password_checks=1, login_queue=2,
                                              login_client_failures=1000,
                                              login_user_failures=1000,
                                              login_tarpit_seconds=0.01))

    statuses = _all_at_once(service, [(f"user{i}", "wrong password", f"10.0.0.{i}")
                                      for i in range(12)])
    service.shutdown()
    assert statuses.count(401) == 3 and statuses.count(503) == 9


def test_the_check_budget_paces_checks_after_a_burst() -> None:
    clock = Clock()
    budget = CheckBudget(rate=2.0, burst=3, clock=clock)
    assert [budget.reserve() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert [budget.reserve() for _ in range(2)] == [0.5, 1.0]  # in turn, 1/rate apart
    clock.now += 1.0  # the two reserved turns have passed: nothing saved up
    assert budget.reserve() == 0.5
    clock.now += 60.0  # a quiet spell refills the burst, never more
    assert [budget.reserve() for _ in range(4)] == [0.0, 0.0, 0.0, 0.5]
    with pytest.raises(ValueError, match="rate > 0"):
        CheckBudget(rate=0, burst=1)


def test_a_flood_gets_checks_at_the_budgeted_pace_and_a_lock_taken_meanwhile_holds(
        tmp_path: Path) -> None:
    """Row 1: checks one after another still took a core for the whole flood; now they
    are paced, and a guess that waited its turn is refused if the name got locked while
    it waited (no password checked for it)."""
    state = AppState(tmp_path / "s.state.sqlite")
    add_user(state, "vera", PASSWORD, Role.viewer)
    service = LoginService(state, WebSettings(password_checks=1, login_queue=8,
                                              password_checks_per_second=2.0,
                                              password_check_burst=1,
                                              login_user_failures=2,
                                              login_client_failures=1000,
                                              login_tarpit_seconds=0.01))
    checked: list[float] = []
    real_check = service._check

    def check(*args: str) -> object:
        checked.append(time.monotonic())
        return real_check(*args)

    service._check = check  # type: ignore[method-assign, assignment]

    statuses = _all_at_once(service, [("vera", f"guess {i}", "10.0.0.1") for i in range(4)])
    service.shutdown()
    assert statuses == [401, 401, 429, 429]
    assert len(checked) == 2 and checked[1] - checked[0] >= 0.45  # 1/rate apart
    con = sqlite3.connect(state.path)
    actions = [a for (a,) in con.execute("SELECT action FROM audit_log ORDER BY audit_id")]
    con.close()
    assert actions.count("login.failed") == 2 and actions.count("login.locked") == 1


def test_a_password_hashed_with_older_parameters_is_rehashed_at_login(tmp_path: Path) -> None:
    """The hash parameters moved to OWASP's Argon2id baseline: a stored hash made with
    others still verifies, and is stored again with the current ones once the password is
    known; a wrong password changes nothing."""
    from argon2 import PasswordHasher

    from dibwatch.casework.users import authenticate

    state = AppState(tmp_path / "s.state.sqlite")
    add_user(state, "vera", PASSWORD, Role.viewer)
    old = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4).hash(PASSWORD)
    with state.transaction() as con:
        con.execute("UPDATE users SET password_hash = ? WHERE name = 'vera'", [old])

    def stored() -> str:
        con = sqlite3.connect(state.path)
        (value,) = con.execute("SELECT password_hash FROM users WHERE name = 'vera'").fetchone()
        con.close()
        return str(value)

    assert authenticate(state, "vera", "wrong password") is None and stored() == old
    user = authenticate(state, "vera", PASSWORD)
    assert user is not None and user.name == "vera"
    now_stored = stored()
    assert now_stored != old and "m=19456,t=2,p=1" in now_stored
    assert authenticate(state, "vera", PASSWORD) is not None and stored() == now_stored
