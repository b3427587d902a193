"""User accounts for admins: list, create, disable / enable, reset a password. Audited."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Path
from pydantic import BaseModel, Field

from dibwatch.casework.users import (
    add_user,
    change_password,
    list_users,
    role_of,
    set_disabled,
)
from dibwatch.web.auth import Admin
from dibwatch.web.context import Ctx

router = APIRouter(prefix="/users", tags=["Access"])
UserName = Path(..., min_length=1, max_length=200)


class NewUser(BaseModel):
    name: str = Field(..., min_length=1, max_length=200)
    role: Literal["viewer", "analyst", "admin"] = "viewer"
    password: str = Field(..., min_length=1, max_length=1000)


class NewPassword(BaseModel):
    new_password: str = Field(..., min_length=1, max_length=1000)


@router.get("", summary="Every user, disabled ones too")
def users(principal: Admin, ctx: Ctx) -> dict[str, Any]:
    return {"results": [u.to_json() for u in list_users(ctx.state, include_disabled=True)]}


@router.post("", status_code=201, summary="Create a user")
def create(principal: Admin, ctx: Ctx, body: NewUser) -> dict[str, Any]:
    user = add_user(ctx.state, body.name, body.password, role_of(body.role),
                    actor=principal.user.name)
    return {"user": user.name, "role": user.role.name}


@router.post("/{name}/disable", summary="Disable a user: sessions end, tokens stop working")
def disable(principal: Admin, ctx: Ctx, name: str = UserName) -> dict[str, Any]:
    if name == principal.user.name:
        raise HTTPException(409, "an admin cannot disable themselves (ask another admin)")
    set_disabled(ctx.state, name, True, actor=principal.user.name)
    return {"user": name, "disabled": True}


@router.post("/{name}/enable", summary="Enable a disabled user again")
def enable(principal: Admin, ctx: Ctx, name: str = UserName) -> dict[str, Any]:
    set_disabled(ctx.state, name, False, actor=principal.user.name)
    return {"user": name, "disabled": False}


@router.post("/{name}/password", summary="Reset a user's password; their sessions end")
def reset_password(principal: Admin, ctx: Ctx, body: NewPassword,
                   name: str = UserName) -> dict[str, Any]:
    change_password(ctx.state, name, body.new_password, actor=principal.user.name)
    return {"user": name, "changed": True}
