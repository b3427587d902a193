"""Log in and out (browser sessions), who am I, API tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field

from dibwatch.casework.users import (
    Role,
    change_password,
    create_token,
    list_tokens,
    revoke_token,
    token_lifetime,
)
from dibwatch.errors import ConfigError
from dibwatch.web.auth import SESSION_COOKIE, Viewer
from dibwatch.web.context import AppContext, Ctx
from dibwatch.web.limits import DbId
from dibwatch.web.login import LoginRefused

router = APIRouter(prefix="/auth", tags=["Access"])


class Login(BaseModel):
    name: str = Field(..., min_length=1, max_length=200)
    password: str = Field(..., min_length=1, max_length=1000)


class TokenRequest(BaseModel):
    label: str = Field("api", min_length=1, max_length=200)
    days: float = Field(90.0, gt=0, allow_inf_nan=False)


class PasswordChange(BaseModel):
    current_password: str = Field(..., min_length=1, max_length=1000)
    new_password: str = Field(..., min_length=1, max_length=1000)


def client_of(request: Request) -> str:
    """The address login limits count against (behind a proxy: the proxy's)."""
    return request.client.host if request.client else "unknown"


def set_session_cookie(ctx: AppContext, response: Response, sid: str) -> None:
    response.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="lax",
                        secure=ctx.settings.secure_cookies,
                        max_age=int(ctx.settings.session_hours * 3600), path="/")


@router.post("/login", responses={401: {}, 429: {}, 503: {}})
async def login(ctx: Ctx, body: Login, request: Request, response: Response
                ) -> dict[str, Any]:
    """Start a browser session (HttpOnly cookie); the CSRF token to send with writes is
    returned. Wrong passwords lock the user name (5) and the client address (20) for a while
    (429 with Retry-After); too many logins at once: 503."""
    try:
        done = await ctx.logins.attempt(body.name, body.password, client_of(request), "api")
    except LoginRefused as exc:
        raise HTTPException(exc.status, exc.message, headers=exc.headers()) from None
    set_session_cookie(ctx, response, done.sid)
    return {"user": done.user.name, "role": done.user.role.name,
            "csrf_token": done.session.csrf_token, "expires_at": done.session.expires_at}


@router.get("/me")
def me(principal: Viewer) -> dict[str, Any]:
    return {"user": principal.user.name, "role": principal.user.role.name,
            "via": principal.via, "csrf_token": principal.csrf_token}


@router.post("/tokens", status_code=201)
def new_token(principal: Viewer, ctx: Ctx, body: TokenRequest) -> dict[str, Any]:
    """An API token for yourself, with your role; shown once. It lives at most the server's
    ``token_days`` (90 by default)."""
    try:
        lifetime = token_lifetime(body.days, ctx.settings.token_days)
    except ConfigError as exc:
        raise HTTPException(422, str(exc)) from None
    token = create_token(ctx.state, principal.user, body.label, lifetime)
    return {"token": token, "label": body.label, "days": body.days}


@router.get("/tokens", summary="Your API tokens (an admin: anyone's, with ?user=)")
def tokens(principal: Viewer, ctx: Ctx, user: str | None = Query(None, max_length=200)
           ) -> dict[str, Any]:
    if user is not None and user != principal.user.name and principal.user.role < Role.admin:
        raise HTTPException(403, "only an admin sees other users' tokens")
    who = user if principal.user.role >= Role.admin else principal.user.name
    return {"results": [t.to_json() for t in list_tokens(ctx.state, who)]}


@router.delete("/tokens/{token_id}", summary="Revoke an API token (yours; an admin: any)")
def revoke(principal: Viewer, ctx: Ctx, token_id: DbId) -> dict[str, Any]:
    owner = None if principal.user.role >= Role.admin else principal.user.name
    return revoke_token(ctx.state, token_id, actor=principal.user.name, owner=owner).to_json()


@router.post("/password", summary="Change your password; your other sessions end")
def password(principal: Viewer, ctx: Ctx, body: PasswordChange, request: Request
             ) -> dict[str, Any]:
    try:
        change_password(ctx.state, principal.user.name, body.new_password,
                        actor=principal.user.name, current_password=body.current_password,
                        keep_session=request.cookies.get(SESSION_COOKIE))
    except ConfigError as exc:
        raise HTTPException(403 if "wrong" in str(exc) else 422, str(exc)) from None
    return {"user": principal.user.name, "changed": True}
