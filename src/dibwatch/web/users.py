"""Users, roles, browser sessions and API tokens, kept in the app state.

Passwords are hashed with Argon2id (argon2-cffi). Session ids and API tokens are 256-bit
random values; only their SHA-256 is stored (a high-entropy secret needs no slow hash, and a
leaked state file then yields no usable credential).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dibwatch.errors import ConfigError, NotFoundError
from dibwatch.web.state import AppState, now

_HASHER = PasswordHasher()
MIN_PASSWORD = 8
# Verifying against this when the user does not exist keeps the response time the same, so
# timing does not reveal which user names exist.
_DUMMY_HASH = _HASHER.hash("not a real password")


class Role(IntEnum):
    """Ordered: a role may do everything the roles below it may."""

    viewer = 1
    analyst = 2
    admin = 3


@dataclass(frozen=True)
class User:
    user_id: int
    name: str
    role: Role


@dataclass(frozen=True)
class Session:
    user: User
    csrf_token: str
    expires_at: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _user(row: sqlite3.Row) -> User:
    return User(int(row["user_id"]), str(row["name"]), Role[row["role"]])


def _expiry(delta: timedelta) -> str:
    return (datetime.now(UTC).replace(microsecond=0) + delta).isoformat()


def role_of(name: str) -> Role:
    try:
        return Role[name.strip().lower()]
    except KeyError:
        raise ConfigError(f"unknown role {name!r}: viewer, analyst or admin") from None


def add_user(state: AppState, name: str, password: str, role: Role) -> User:
    name = name.strip()
    if not name:
        raise ConfigError("a user needs a name")
    if len(password) < MIN_PASSWORD:
        raise ConfigError(f"a password needs at least {MIN_PASSWORD} characters")
    with state.transaction() as con:
        if con.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone():
            raise ConfigError(f"user {name!r} exists")
        cur = con.execute(
            "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
            [name, role.name, _HASHER.hash(password), now()])
        user_id = int(cur.lastrowid or 0)
    return User(user_id, name, role)


def list_users(state: AppState) -> list[User]:
    with state.connect() as con:
        return [_user(r) for r in con.execute(
            "SELECT user_id, name, role FROM users WHERE disabled = 0 ORDER BY name")]


def get_user(state: AppState, name: str) -> User:
    with state.connect() as con:
        row = con.execute("SELECT user_id, name, role FROM users WHERE name = ? AND "
                          "disabled = 0", [name]).fetchone()
    if row is None:
        raise NotFoundError(f"no user {name!r}")
    return _user(row)


def authenticate(state: AppState, name: str, password: str) -> User | None:
    """The user when ``password`` is right, else None (same work either way)."""
    with state.connect() as con:
        row = con.execute("SELECT user_id, name, role, password_hash FROM users "
                          "WHERE name = ? AND disabled = 0", [name]).fetchone()
    try:
        _HASHER.verify(row["password_hash"] if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return _user(row) if row else None


def create_session(state: AppState, user: User, lifetime: timedelta) -> tuple[str, Session]:
    """A new browser session: (cookie value, session with its CSRF token)."""
    sid = secrets.token_urlsafe(32)
    session = Session(user, secrets.token_urlsafe(32), _expiry(lifetime))
    with state.transaction() as con:
        con.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                    [_digest(sid), user.user_id, session.csrf_token, now(), session.expires_at])
    return sid, session


def lookup_session(state: AppState, sid: str) -> Session | None:
    with state.connect() as con:
        row = con.execute(
            "SELECT u.user_id, u.name, u.role, s.csrf_token, s.expires_at FROM sessions s "
            "JOIN users u USING (user_id) WHERE s.session_hash = ? AND u.disabled = 0",
            [_digest(sid)]).fetchone()
    if row is None or row["expires_at"] <= now():
        return None
    return Session(_user(row), str(row["csrf_token"]), str(row["expires_at"]))


def end_session(state: AppState, sid: str) -> None:
    with state.transaction() as con:
        con.execute("DELETE FROM sessions WHERE session_hash = ?", [_digest(sid)])


def create_token(state: AppState, user: User, label: str, lifetime: timedelta) -> str:
    """A new API token for ``user``; the clear value is returned once and never stored."""
    token = "dw_" + secrets.token_urlsafe(32)
    with state.transaction() as con:
        con.execute("INSERT INTO api_tokens (token_hash, user_id, label, created_at, "
                    "expires_at) VALUES (?, ?, ?, ?, ?)",
                    [_digest(token), user.user_id, label, now(), _expiry(lifetime)])
    return token


class TokenState(IntEnum):
    valid = 0
    unknown = 1
    expired = 2


def lookup_token(state: AppState, token: str) -> tuple[TokenState, User | None]:
    with state.connect() as con:
        row = con.execute(
            "SELECT u.user_id, u.name, u.role, t.expires_at FROM api_tokens t "
            "JOIN users u USING (user_id) WHERE t.token_hash = ? AND t.revoked = 0 "
            "AND u.disabled = 0", [_digest(token)]).fetchone()
    if row is None:
        return TokenState.unknown, None
    if row["expires_at"] <= now():
        return TokenState.expired, None
    return TokenState.valid, _user(row)


SERVICE_PASSWORD = "!no-password-login"  # not an Argon2 hash: password login always fails


def service_user(state: AppState, name: str, role: Role) -> User:
    """A user that never logs in with a password (the local command line acting through a
    running server); created on first use."""
    with state.transaction() as con:
        row = con.execute("SELECT user_id, name, role FROM users WHERE name = ?",
                          [name]).fetchone()
        if row is not None:
            return _user(row)
        cur = con.execute(
            "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
            [name, role.name, SERVICE_PASSWORD, now()])
        return User(int(cur.lastrowid or 0), name, role)


def revoke_token(state: AppState, token: str) -> None:
    with state.transaction() as con:
        con.execute("UPDATE api_tokens SET revoked = 1 WHERE token_hash = ?", [_digest(token)])
