"""Users, roles, browser sessions and API tokens, kept in the app state.

Passwords are hashed with Argon2id (argon2-cffi). Session ids and API tokens are 256-bit
random values; only their SHA-256 is stored (a high-entropy secret needs no slow hash, and a
leaked state file then yields no usable credential).
"""

from __future__ import annotations

import hashlib
import math
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dibwatch.casework import audit
from dibwatch.casework.state import AppState, now
from dibwatch.errors import ConfigError, NotFoundError

# OWASP's Argon2id baseline (19 MiB, 2 passes, 1 lane): about 20 ms of one core a check.
# argon2-cffi's default (64 MiB, 3 passes, 4 lanes) took ~180 ms of CPU on both cores of a
# small server and, under a login flood, slowed /match past 2x even one check a second.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
MIN_PASSWORD = 8
MAX_PASSWORD = 1000
MAX_TOKEN_DAYS = 3650  # the library's ceiling; the server and the command line cap lower
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


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ConfigError(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise ConfigError(f"a password has at most {MAX_PASSWORD} characters")


def add_user(state: AppState, name: str, password: str, role: Role, *,
             actor: str = "cli") -> User:
    name = name.strip()
    if not name:
        raise ConfigError("a user needs a name")
    if len(name) > 200 or not name.isprintable():
        raise ConfigError("a user name is at most 200 printable characters")
    _check_password(password)
    with state.transaction() as con:
        if con.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone():
            raise ConfigError(f"user {name!r} exists")
        cur = con.execute(
            "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
            [name, role.name, _HASHER.hash(password), now()])
        user_id = int(cur.lastrowid or 0)
        audit.append(con, actor=actor, action="user.add", object_type="user", object_id=name,
                     detail={"role": role.name})
    return User(user_id, name, role)


def list_users(state: AppState, *, include_disabled: bool = False) -> list[UserInfo]:
    with state.connect() as con:
        rows = con.execute(
            "SELECT u.user_id, u.name, u.role, u.disabled, u.created_at, "
            "(SELECT count(*) FROM api_tokens t WHERE t.user_id = u.user_id AND t.revoked = 0 "
            " AND t.expires_at > ?) AS tokens FROM users u "
            "WHERE ? OR u.disabled = 0 ORDER BY u.name", [now(), include_disabled]).fetchall()
    return [UserInfo(_user(r), bool(r["disabled"]), str(r["created_at"]), int(r["tokens"]))
            for r in rows]


def _user_row(con: sqlite3.Connection, name: str) -> sqlite3.Row:
    row: sqlite3.Row | None = con.execute("SELECT * FROM users WHERE name = ?",
                                          [name]).fetchone()
    if row is None:
        raise NotFoundError(f"no user {name!r}")
    return row


def set_disabled(state: AppState, name: str, disabled: bool, *, actor: str) -> None:
    """Disable a user (their sessions end, their tokens stop working: both are checked
    against the user on every request) or enable them again; audited."""
    with state.transaction() as con:
        row = _user_row(con, name)
        con.execute("UPDATE users SET disabled = ? WHERE user_id = ?",
                    [int(disabled), row["user_id"]])
        if disabled:
            con.execute("DELETE FROM sessions WHERE user_id = ?", [row["user_id"]])
        audit.append(con, actor=actor, action="user.disable" if disabled else "user.enable",
                     object_type="user", object_id=name, detail={})


def change_password(state: AppState, name: str, new_password: str, *, actor: str,
                    current_password: str | None = None, keep_session: str | None = None
                    ) -> None:
    """Set a new password: with ``current_password`` (a user changing their own) it must be
    right; without it (an admin's reset) it is not asked. Every session of the user ends but
    ``keep_session`` (the one asking); audited."""
    _check_password(new_password)
    if current_password is not None and authenticate(state, name, current_password) is None:
        raise ConfigError("the current password is wrong")
    with state.transaction() as con:
        row = _user_row(con, name)
        con.execute("UPDATE users SET password_hash = ? WHERE user_id = ?",
                    [_HASHER.hash(new_password), row["user_id"]])
        con.execute("DELETE FROM sessions WHERE user_id = ? AND session_hash IS NOT ?",
                    [row["user_id"], _digest(keep_session) if keep_session else None])
        audit.append(con, actor=actor, action="user.password", object_type="user",
                     object_id=name, detail={"reset_by_admin": current_password is None})


@dataclass(frozen=True)
class UserInfo:
    user: User
    disabled: bool
    created_at: str
    active_tokens: int

    def to_json(self) -> dict[str, object]:
        return {"user": self.user.name, "role": self.user.role.name,
                "disabled": self.disabled, "created_at": self.created_at,
                "active_tokens": self.active_tokens}


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
    if row is None:
        return None
    if _HASHER.check_needs_rehash(row["password_hash"]):
        # Hashed with other parameters: stored again with the current ones, now that the
        # password is known (unless it was changed meanwhile).
        with state.transaction() as con:
            con.execute("UPDATE users SET password_hash = ? WHERE user_id = ? AND "
                        "password_hash = ?", [_HASHER.hash(password), row["user_id"],
                                              row["password_hash"]])
    return _user(row)


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


def token_lifetime(days: float, max_days: float) -> timedelta:
    """``days`` as a token lifetime, refused unless a finite number in (0, ``max_days``]."""
    if not math.isfinite(days) or days <= 0:
        raise ConfigError(f"a token lifetime is a positive number of days, not {days}")
    if days > max_days:
        raise ConfigError(f"a token lives at most {max_days:g} days (asked: {days:g})")
    return timedelta(days=days)


def create_token(state: AppState, user: User, label: str, lifetime: timedelta, *,
                 actor: str | None = None) -> str:
    """A new API token for ``user``; the clear value is returned once and never stored.
    Audited (``actor``: who asked; default the user)."""
    if lifetime > timedelta(days=MAX_TOKEN_DAYS):
        raise ConfigError(f"a token lives at most {MAX_TOKEN_DAYS} days")
    token = "dw_" + secrets.token_urlsafe(32)
    expires = _expiry(lifetime)
    with state.transaction() as con:
        cur = con.execute("INSERT INTO api_tokens (token_hash, user_id, label, created_at, "
                          "expires_at) VALUES (?, ?, ?, ?, ?)",
                          [_digest(token), user.user_id, label, now(), expires])
        audit.append(con, actor=actor or user.name, action="token.create",
                     object_type="user", object_id=user.name,
                     detail={"token_id": int(cur.lastrowid or 0), "label": label,
                             "expires_at": expires})
    return token


@dataclass(frozen=True)
class TokenInfo:
    token_id: int
    user: str
    label: str
    created_at: str
    expires_at: str
    revoked: bool

    @property
    def active(self) -> bool:
        return not self.revoked and self.expires_at > now()

    def to_json(self) -> dict[str, object]:
        return {"token_id": self.token_id, "user": self.user, "label": self.label,
                "created_at": self.created_at, "expires_at": self.expires_at,
                "revoked": self.revoked, "active": self.active}


def list_tokens(state: AppState, user: str | None = None) -> list[TokenInfo]:
    """Tokens (never their values), of one user or of all, newest first."""
    with state.connect() as con:
        rows = con.execute(
            "SELECT t.token_id, u.name, t.label, t.created_at, t.expires_at, t.revoked "
            "FROM api_tokens t JOIN users u USING (user_id) WHERE ? IS NULL OR u.name = ? "
            "ORDER BY t.token_id DESC", [user, user]).fetchall()
    return [TokenInfo(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), bool(r[5]))
            for r in rows]


def revoke_token(state: AppState, token_id: int, *, actor: str,
                 owner: str | None = None) -> TokenInfo:
    """Revoke a token (``owner``: only if it is theirs; None: any, for an admin); audited."""
    with state.transaction() as con:
        row = con.execute("SELECT t.token_id, u.name FROM api_tokens t JOIN users u "
                          "USING (user_id) WHERE t.token_id = ?", [token_id]).fetchone()
        if row is None or (owner is not None and row[1] != owner):
            raise NotFoundError(f"no token {token_id}" + (f" of {owner}" if owner else ""))
        con.execute("UPDATE api_tokens SET revoked = 1 WHERE token_id = ?", [token_id])
        audit.append(con, actor=actor, action="token.revoke", object_type="user",
                     object_id=str(row[1]), detail={"token_id": token_id})
    return next(t for t in list_tokens(state, str(row[1])) if t.token_id == token_id)


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


def revoke_token_value(state: AppState, token: str, *, actor: str) -> None:
    """Revoke the token with this value (its holder revoking it: the server at shutdown)."""
    with state.connect() as con:
        row = con.execute("SELECT token_id FROM api_tokens WHERE token_hash = ?",
                          [_digest(token)]).fetchone()
    if row is not None:
        revoke_token(state, int(row[0]), actor=actor)
