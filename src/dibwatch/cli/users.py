"""``dibwatch users …``: accounts, passwords and API tokens in the workspace's app state.

Every change is written to the audit log with the actor ``cli:<login name>``: whoever holds
the state file can do these things, and the trail says it was done from the command line.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dibwatch.casework.state import AppState, state_path_for
from dibwatch.casework.users import (
    add_user,
    change_password,
    create_token,
    get_user,
    list_tokens,
    list_users,
    revoke_token,
    role_of,
    set_disabled,
    token_lifetime,
)
from dibwatch.cli._common import WorkspaceOpt, console
from dibwatch.cli.serve import StateOpt
from dibwatch.errors import ConfigError
from dibwatch.workspace import resolve_path

PASSWORD_ENV = "DIBWATCH_PASSWORD"
# The command line is an administrator's: it may give longer tokens than the server's API
# (its --token-days, 90 by default), but not unbounded ones.
CLI_MAX_TOKEN_DAYS = 365.0

app = typer.Typer(help="User accounts (viewer, analyst, admin), passwords and API tokens.",
                  no_args_is_help=True)


def open_state(workspace: Path | None, state: Path | None) -> AppState:
    return AppState(state or state_path_for(resolve_path(workspace)))


def cli_actor() -> str:
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = str(os.getuid())
    return f"cli:{who}"


def _password(confirm: bool = True) -> str:
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        if not sys.stdin.isatty():
            raise ConfigError(f"set {PASSWORD_ENV} or run in a terminal to be prompted")
        password = typer.prompt("password", hide_input=True, confirmation_prompt=confirm)
    return password


@app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[str, typer.Option(help="viewer, analyst or admin.")] = "viewer",
    workspace: WorkspaceOpt = None,
    state: StateOpt = None,
) -> None:
    """Create a user. The password is read from $DIBWATCH_PASSWORD, else prompted for."""
    user = add_user(open_state(workspace, state), name, _password(), role_of(role),
                    actor=cli_actor())
    console.print(f"user [bold]{user.name}[/] ({user.role.name}) created")


@app.command("list")
def users_list(
    all_: Annotated[bool, typer.Option("--all", help="Disabled users too.")] = False,
    workspace: WorkspaceOpt = None,
    state: StateOpt = None,
) -> None:
    """List the users of the workspace's app state, with their roles."""
    table = Table("user", "role", "status", "active tokens", "created")
    for info in list_users(open_state(workspace, state), include_disabled=all_):
        table.add_row(info.user.name, info.user.role.name,
                      "disabled" if info.disabled else "active", str(info.active_tokens),
                      info.created_at)
    console.print(table)


@app.command("token")
def users_token(
    name: Annotated[str, typer.Argument(help="User the token acts as.")],
    days: Annotated[float, typer.Option(
        help=f"Lifetime in days (at most {CLI_MAX_TOKEN_DAYS:g}).")] = 90.0,
    label: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    workspace: WorkspaceOpt = None,
    state: StateOpt = None,
) -> None:
    """Create an API token (printed once; only its hash is kept)."""
    lifetime = token_lifetime(days, CLI_MAX_TOKEN_DAYS)
    app_state = open_state(workspace, state)
    token = create_token(app_state, get_user(app_state, name), label, lifetime,
                         actor=cli_actor())
    console.print(token, soft_wrap=True)


@app.command("tokens")
def users_tokens(
    name: Annotated[str | None, typer.Argument(help="Only this user's tokens.")] = None,
    workspace: WorkspaceOpt = None,
    state: StateOpt = None,
) -> None:
    """List API tokens (id, label, expiry; never their values), newest first."""
    table = Table("id", "user", "label", "created", "expires", "status")
    for t in list_tokens(open_state(workspace, state), name):
        table.add_row(str(t.token_id), t.user, t.label, t.created_at, t.expires_at,
                      "revoked" if t.revoked else "active" if t.active else "expired")
    console.print(table)


@app.command("revoke")
def users_revoke(
    token_id: Annotated[int, typer.Argument(help="Token id (see `dibwatch users tokens`).",
                                            min=1, max=2**63 - 1)],
    workspace: WorkspaceOpt = None,
    state: StateOpt = None,
) -> None:
    """Revoke an API token: it stops working at once."""
    info = revoke_token(open_state(workspace, state), token_id, actor=cli_actor())
    console.print(f"token {info.token_id} of [bold]{info.user}[/] ({info.label}) revoked")


@app.command("disable")
def users_disable(
    name: Annotated[str, typer.Argument(help="User name.")],
    workspace: WorkspaceOpt = None,
    state: StateOpt = None,
) -> None:
    """Disable a user: their sessions end and their tokens stop working."""
    set_disabled(open_state(workspace, state), name, True, actor=cli_actor())
    console.print(f"user [bold]{name}[/] disabled")


@app.command("enable")
def users_enable(
    name: Annotated[str, typer.Argument(help="User name.")],
    workspace: WorkspaceOpt = None,
    state: StateOpt = None,
) -> None:
    """Enable a disabled user again (their unexpired, unrevoked tokens work again)."""
    set_disabled(open_state(workspace, state), name, False, actor=cli_actor())
    console.print(f"user [bold]{name}[/] enabled")


@app.command("passwd")
def users_passwd(
    name: Annotated[str, typer.Argument(help="User name.")],
    workspace: WorkspaceOpt = None,
    state: StateOpt = None,
) -> None:
    """Set a user's password ($DIBWATCH_PASSWORD or a prompt); their sessions end."""
    change_password(open_state(workspace, state), name, _password(), actor=cli_actor())
    console.print(f"password of [bold]{name}[/] changed; their sessions ended")
