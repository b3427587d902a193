"""``dibwatch serve`` (the web app) and ``dibwatch users`` (accounts and API tokens)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from dibwatch.cli._common import WorkspaceOpt, console, esc
from dibwatch.errors import ConfigError
from dibwatch.risk import Decisions
from dibwatch.web.cases import confirmed_links, dismissed_links
from dibwatch.web.state import AppState, state_path_for
from dibwatch.web.users import (
    Role,
    add_user,
    create_token,
    get_user,
    list_users,
    revoke_token,
    role_of,
    service_user,
)
from dibwatch.workspace import Workspace, resolve_path
from dibwatch.workspace.holder import ServerInfo, announce, published_path, withdraw

if TYPE_CHECKING:
    from dibwatch.monitor import Alert

StateOpt = Annotated[Path | None, typer.Option(
    "--state", envvar="DIBWATCH_STATE",
    help="App-state file (SQLite). Default: <workspace>.state.sqlite.", show_default=False)]
PASSWORD_ENV = "DIBWATCH_PASSWORD"
LOCAL_CLI_USER = "local-cli"  # the command line acting through a running server
WEBHOOK_ENV = "DIBWATCH_WEBHOOK"

users = typer.Typer(help="User accounts (viewer, analyst, admin) and API tokens.",
                    no_args_is_help=True)


def _state(workspace: Path | None, state: Path | None) -> AppState:
    return AppState(state or state_path_for(resolve_path(workspace)))


@contextmanager
def monitored(ws: Workspace) -> Iterator[list[Alert]]:
    """Wrap a CLI load: the monitor takes its baseline before (if it has none) and checks
    after, storing alerts in the app state and sending them to ``$DIBWATCH_WEBHOOK``.

    Only a workspace that has an app state (a team served it or added users) is monitored:
    a plain command-line workspace gets no state file and pays no re-screening."""
    raised: list[Alert] = []
    state_file = state_path_for(ws.path)
    if not state_file.exists():
        yield raised
        return
    # Imported here: re-screening loads the matcher, which a plain CLI workspace never needs.
    from dibwatch import monitor
    from dibwatch.monitor import MonitorSettings

    state = AppState(state_file)
    monitor.prepare(ws, state, workers=None)
    yield raised
    settings = MonitorSettings(webhook_url=os.environ.get(WEBHOOK_ENV))
    raised.extend(monitor.check(ws, state, settings=settings, workers=None))
    if raised:
        kinds = sorted({a.kind for a in raised})
        console.print(f"monitor: {len(raised)} new alert(s) ({', '.join(kinds)})")


def analyst_decisions(ws: Workspace) -> Decisions | None:
    """The analysts' confirmed and dismissed matches from the workspace's app state, for risk
    scoring; None when the workspace has never been served."""
    state_file = state_path_for(ws.path)
    if not state_file.exists():
        return None
    state = AppState(state_file)
    return Decisions(confirmed_links(state), dismissed_links(state))


def serve(
    workspace: WorkspaceOpt = None,
    state: StateOpt = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    webhook: Annotated[str | None, typer.Option(
        envvar=WEBHOOK_ENV, help="URL that receives new alerts as JSON.")] = None,
    score_threshold: Annotated[float, typer.Option(
        help="Risk score at which a firm's crossing raises an alert.")] = 0.5,
    max_upload_mb: Annotated[float, typer.Option(help="Largest upload accepted.")] = 20.0,
    secure_cookies: Annotated[bool, typer.Option(
        help="Mark session cookies Secure (serve behind HTTPS).")] = False,
) -> None:
    """Serve the JSON API (/docs) and the dashboard (/) over the workspace."""
    # The app and server load only here: `dibwatch lists load` imports this module for
    # `monitored` and should not pay for FastAPI.
    import uvicorn

    from dibwatch.monitor import MonitorSettings
    from dibwatch.web.app import create_app
    from dibwatch.web.settings import WebSettings

    path = resolve_path(workspace)
    app_state = _state(workspace, state)
    # The local command line reads the published copy and screens through the API with
    # this token; both live as long as this server.
    local = host if host not in ("0.0.0.0", "::", "") else "127.0.0.1"
    token = create_token(app_state, service_user(app_state, LOCAL_CLI_USER, Role.viewer),
                         f"local command line (server PID {os.getpid()})", timedelta(days=30))
    info = ServerInfo(pid=os.getpid(), url=f"http://{local}:{port}", workspace=str(path),
                      published=str(published_path(path)), token=token,
                      started_at=datetime.now(UTC).isoformat(timespec="seconds"))

    def stop() -> None:
        withdraw(path, info.pid)
        published_path(path).unlink(missing_ok=True)
        revoke_token(app_state, token)

    settings = WebSettings(max_upload_bytes=int(max_upload_mb * 1024 * 1024),
                           secure_cookies=secure_cookies,
                           monitor=MonitorSettings(webhook_url=webhook,
                                                   score_threshold=score_threshold),
                           publish_to=published_path(path), on_stop=(stop,))
    try:
        app = create_app(path, app_state.path, settings=settings)
    except BaseException:
        revoke_token(app_state, token)
        raise
    announce(info)
    console.print(f"dibwatch serving [bold]{esc(path)}[/] on http://{host}:{port} "
                  f"(API docs at /docs); command-line reads use the copy published at "
                  f"{esc(info.published)}")
    try:
        uvicorn.run(app, host=host, port=port, log_level="info")
    finally:
        stop()  # when uvicorn returns normally (its lifespan already ran this: harmless)


@users.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[str, typer.Option(help="viewer, analyst or admin.")] = "viewer",
    workspace: WorkspaceOpt = None,
    state: StateOpt = None,
) -> None:
    """Create a user. The password is read from $DIBWATCH_PASSWORD, else prompted for."""
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        if not sys.stdin.isatty():
            raise ConfigError(f"set {PASSWORD_ENV} or run in a terminal to be prompted")
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    user = add_user(_state(workspace, state), name, password, role_of(role))
    console.print(f"user [bold]{user.name}[/] ({user.role.name}) created")


@users.command("list")
def users_list(workspace: WorkspaceOpt = None, state: StateOpt = None) -> None:
    """List the users of the workspace's app state, with their roles."""
    table = Table("user", "role")
    for user in list_users(_state(workspace, state)):
        table.add_row(user.name, user.role.name)
    console.print(table)


@users.command("token")
def users_token(
    name: Annotated[str, typer.Argument(help="User the token acts as.")],
    days: Annotated[float, typer.Option(help="Lifetime in days.")] = 90.0,
    label: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    workspace: WorkspaceOpt = None,
    state: StateOpt = None,
) -> None:
    """Create an API token (printed once; only its hash is kept)."""
    app_state = _state(workspace, state)
    token = create_token(app_state, get_user(app_state, name), label, timedelta(days=days))
    console.print(token, soft_wrap=True)
