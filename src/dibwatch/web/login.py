"""Logging in without letting a flood of guesses starve the server.

Three bounds, in order: the :class:`~dibwatch.web.throttle.LoginThrottle` refuses a locked
user name or client address before any password is checked, after an asynchronous pause
(the tarpit: a flooding client waits, the server does not); at most ``password_checks``
Argon2 checks run at once, on a pool of their own (never the request threads that serve
``/match``), paced to ``password_checks_per_second`` (:class:`~dibwatch.web.throttle.
CheckBudget`), with at most ``login_queue`` more waiting: past that, 503 after the same
pause;
the audit log gets the failures up to the limits and one row per lockout, not one per
refused guess.
"""

from __future__ import annotations

import asyncio
import math
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from dibwatch.casework import audit
from dibwatch.casework.state import AppState
from dibwatch.casework.users import Session, User, authenticate, create_session
from dibwatch.web.background import background_priority
from dibwatch.web.settings import WebSettings
from dibwatch.web.throttle import CheckBudget, LoginThrottle


class LoginRefused(Exception):
    """Not logged in: ``status`` 401 (wrong), 429 (locked), 503 (busy)."""

    def __init__(self, status: int, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(max(1, math.ceil(self.retry_after)))} \
            if self.retry_after else {}


@dataclass(frozen=True)
class LoggedIn:
    user: User
    sid: str
    session: Session


class LoginService:
    def __init__(self, state: AppState, settings: WebSettings) -> None:
        self.state = state
        self.settings = settings
        self.throttle = LoginThrottle(user_failures=settings.login_user_failures,
                                      client_failures=settings.login_client_failures,
                                      base_lockout=settings.login_lockout_seconds)
        # At background priority: an Argon2 check is ~20 ms of a core, and under a flood
        # the API's threads must get the cores first.
        self._pool = ThreadPoolExecutor(max_workers=settings.password_checks,
                                        thread_name_prefix="dibwatch-login",
                                        initializer=background_priority)
        self._inflight = 0  # only touched on the event loop: no lock needed
        self._budget = CheckBudget(settings.password_checks_per_second,
                                   settings.password_check_burst)

    async def attempt(self, name: str, password: str, client: str, via: str) -> LoggedIn:
        await self._refuse_if_locked(name, client)
        if self._inflight >= self.settings.password_checks + self.settings.login_queue:
            # Paused too: an instant refusal would let a flood spin as fast as we answer.
            await asyncio.sleep(self._tarpit())
            raise LoginRefused(503, "too many logins at once: try again in a second", 1.0)
        self._inflight += 1
        try:
            if (turn := self._budget.reserve()) > 0:
                await asyncio.sleep(turn)
                # Others' guesses may have locked the name or address meanwhile.
                await self._refuse_if_locked(name, client)
            return await asyncio.get_running_loop().run_in_executor(
                self._pool, self._check, name, password, client, via)
        finally:
            self._inflight -= 1

    async def _refuse_if_locked(self, name: str, client: str) -> None:
        wait = self.throttle.retry_after(name, client)
        if wait > 0:
            await asyncio.sleep(min(wait, self._tarpit()))
            raise LoginRefused(429, f"too many failed logins: try again in "
                                    f"{math.ceil(wait)} s", wait)

    def _tarpit(self) -> float:
        # Jittered (0.5-1.5x): clients refused together would otherwise come back together,
        # a wave a second that the event loop answers while /match waits behind it.
        return self.settings.login_tarpit_seconds * (0.5 + random.random())

    def _check(self, name: str, password: str, client: str, via: str) -> LoggedIn:
        user = authenticate(self.state, name, password)
        if user is not None:
            self.throttle.succeeded(name)
            sid, session = create_session(self.state, user,
                                          timedelta(hours=self.settings.session_hours))
            with self.state.transaction() as con:
                audit.append(con, actor=name, action="login", object_type="user",
                             object_id=name, detail={"via": via, "client": client})
            return LoggedIn(user, sid, session)
        lockouts = self.throttle.failed(name, client)
        with self.state.transaction() as con:
            audit.append(con, actor=name, action="login.failed", object_type="user",
                         object_id=name, detail={"via": via, "client": client})
            for lock in lockouts:
                audit.append(con, actor="dibwatch", action="login.locked",
                             object_type=lock.kind, object_id=lock.key,
                             detail=lock.to_json())
        raise LoginRefused(401, "wrong user name or password")

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
