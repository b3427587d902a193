"""``dibwatch serve`` (the web app), and the monitor around command-line loads."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dibwatch.casework.state import AppState, state_path_for
from dibwatch.casework.users import Role, create_token, revoke_token_value, service_user
from dibwatch.cli._common import WorkspaceOpt, console, esc
from dibwatch.workspace import resolve_path
from dibwatch.workspace.holder import ServerInfo, announce, published_path, withdraw

if TYPE_CHECKING:
    pass

StateOpt = Annotated[Path | None, typer.Option(
    "--state", envvar="DIBWATCH_STATE",
    help="App-state file (SQLite). Default: <workspace>.state.sqlite.", show_default=False)]
WEBHOOK_ENV = "DIBWATCH_WEBHOOK"
LOCAL_CLI_USER = "local-cli"  # the command line acting through a running server

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
    max_job_rows: Annotated[int, typer.Option(
        help="Most parties in one batch screening job.", min=1)] = 100_000,
    token_days: Annotated[float, typer.Option(
        help="Longest lifetime of an API token asked for through the API.", min=0.01,
        max=3650)] = 90.0,
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
    app_state = AppState(state or state_path_for(path))
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
        revoke_token_value(app_state, token, actor=LOCAL_CLI_USER)

    settings = WebSettings(max_upload_bytes=int(max_upload_mb * 1024 * 1024),
                           max_job_rows=max_job_rows, token_days=token_days,
                           secure_cookies=secure_cookies,
                           monitor=MonitorSettings(webhook_url=webhook,
                                                   score_threshold=score_threshold),
                           publish_to=published_path(path), on_stop=(stop,))
    try:
        app = create_app(path, app_state.path, settings=settings)
    except BaseException:
        revoke_token_value(app_state, token, actor=LOCAL_CLI_USER)
        raise
    announce(info)
    console.print(f"dibwatch serving [bold]{esc(path)}[/] on http://{host}:{port} "
                  f"(API docs at /docs); command-line reads use the copy published at "
                  f"{esc(info.published)}")
    try:
        uvicorn.run(app, host=host, port=port, log_level="info")
    finally:
        stop()  # when uvicorn returns normally (its lifespan already ran this: harmless)
