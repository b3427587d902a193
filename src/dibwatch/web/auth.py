"""Who is asking: an API token (``Authorization: Bearer``) or a browser session cookie.

Every endpoint needs a user; writes need an analyst or admin. A browser request that changes
something must also carry the session's CSRF token (form field ``csrf_token`` or header
``X-CSRF-Token``): the cookie alone is ambient authority a foreign page could borrow. Token
requests carry no ambient authority and need no CSRF token.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from dibwatch.casework.users import Role, TokenState, User, lookup_session, lookup_token
from dibwatch.web.context import Ctx

SESSION_COOKIE = "dibwatch_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Principal:
    user: User
    via: str  # "token" or "session"
    csrf_token: str | None = None


async def _csrf_from(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # Starlette caches it for the endpoint's own fields
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def current_principal(request: Request, ctx: Ctx) -> Principal:
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HTTPException(401, "Authorization must be 'Bearer <token>'",
                                headers={"WWW-Authenticate": "Bearer"})
        verdict, user = lookup_token(ctx.state, token.strip())
        if verdict is TokenState.expired:
            raise HTTPException(401, "API token expired",
                                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        if user is None:
            raise HTTPException(401, "invalid API token",
                                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return Principal(user, "token")
    sid = request.cookies.get(SESSION_COOKIE)
    session = lookup_session(ctx.state, sid) if sid else None
    if session is None:
        raise HTTPException(401, "not logged in: use a session or an API token",
                            headers={"WWW-Authenticate": "Bearer"})
    if request.method not in SAFE_METHODS:
        sent = await _csrf_from(request)
        if not sent or not hmac.compare_digest(sent, session.csrf_token):
            raise HTTPException(403, "CSRF token missing or wrong")
    return Principal(session.user, "session", session.csrf_token)


def require(role: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency admitting users of ``role`` or above."""

    async def dependency(principal: Annotated[Principal, Depends(current_principal)]
                         ) -> Principal:
        if principal.user.role < role:
            raise HTTPException(403, f"this needs the {role.name} role; "
                                     f"{principal.user.name} is a {principal.user.role.name}")
        return principal

    return dependency


viewer = require(Role.viewer)
analyst = require(Role.analyst)
admin = require(Role.admin)
Viewer = Annotated[Principal, Depends(viewer)]
Analyst = Annotated[Principal, Depends(analyst)]
Admin = Annotated[Principal, Depends(admin)]
