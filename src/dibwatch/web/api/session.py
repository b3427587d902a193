"""Log in and out (browser sessions), who am I, API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, HTTPException, Response
from pydantic import BaseModel, Field

from dibwatch.web import audit
from dibwatch.web.auth import SESSION_COOKIE, Viewer
from dibwatch.web.context import AppContext, Ctx
from dibwatch.web.users import authenticate, create_session, create_token

router = APIRouter(prefix="/auth", tags=["Access"])


class Login(BaseModel):
    name: str = Field(..., min_length=1, max_length=200)
    password: str = Field(..., min_length=1, max_length=1000)


class TokenRequest(BaseModel):
    label: str = Field("api", min_length=1, max_length=200)
    days: float = Field(90.0, gt=0, le=3650)


def start_session(ctx: AppContext, response: Response, name: str, password: str
                  ) -> dict[str, Any]:
    user = authenticate(ctx.state, name, password)
    with ctx.state.transaction() as con:
        audit.append(con, actor=name, action="login" if user else "login.failed",
                     object_type="user", object_id=name, detail={})
    if user is None:
        raise HTTPException(401, "wrong user name or password")
    sid, session = create_session(ctx.state, user,
                                  timedelta(hours=ctx.settings.session_hours))
    response.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="lax",
                        secure=ctx.settings.secure_cookies,
                        max_age=int(ctx.settings.session_hours * 3600), path="/")
    return {"user": user.name, "role": user.role.name, "csrf_token": session.csrf_token,
            "expires_at": session.expires_at}


@router.post("/login")
def login(ctx: Ctx, body: Login, response: Response
          ) -> dict[str, Any]:
    """Start a browser session (HttpOnly cookie); the CSRF token to send with writes is
    returned."""
    return start_session(ctx, response, body.name, body.password)


@router.get("/me")
def me(principal: Viewer) -> dict[str, Any]:
    return {"user": principal.user.name, "role": principal.user.role.name,
            "via": principal.via, "csrf_token": principal.csrf_token}


@router.post("/tokens", status_code=201)
def new_token(principal: Viewer, ctx: Ctx, body: TokenRequest) -> dict[str, Any]:
    """An API token for yourself, with your role; shown once."""
    token = create_token(ctx.state, principal.user, body.label, timedelta(days=body.days))
    with ctx.state.transaction() as con:
        audit.append(con, actor=principal.user.name, action="token.create",
                     object_type="user", object_id=principal.user.name,
                     detail={"label": body.label, "days": body.days})
    return {"token": token, "label": body.label, "days": body.days}
