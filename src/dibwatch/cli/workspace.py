"""``dibwatch workspace …``: move a workspace between DuckDB versions, and what it is."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dibwatch.cli._common import WorkspaceOpt, console, esc, open_workspace
from dibwatch.engine.duckdb_engine import engine_version, file_library_version
from dibwatch.workspace import import_workspace, resolve_path
from dibwatch.workspace.holder import current_server, published_at

app = typer.Typer(help="The workspace file: export, import, info.", no_args_is_help=True)


@app.command("export")
def export(
    folder: Annotated[Path, typer.Argument(help="New folder for the export.")],
    workspace: WorkspaceOpt = None,
) -> None:
    """Export every table (Parquet) and the schema: any DuckDB version can import it, so this
    moves a workspace to an install with another DuckDB."""
    with open_workspace(workspace, read_only=True) as ws:
        ws.export(folder)
        version = ws.schema_version
    console.print(f"exported {esc(resolve_path(workspace))} (schema {version}, DuckDB "
                  f"{engine_version()}) to [bold]{esc(folder)}[/]; import it with `dibwatch "
                  f"workspace import {esc(folder)} -w NEW.duckdb`")


@app.command("import")
def import_(
    folder: Annotated[Path, typer.Argument(help="Folder written by `workspace export`.")],
    workspace: WorkspaceOpt = None,
) -> None:
    """Create a new workspace file from an export (the file must not exist yet)."""
    path = resolve_path(workspace)
    with import_workspace(path, folder) as ws:
        version = ws.schema_version
    console.print(f"imported {esc(folder)} into [bold]{esc(path)}[/] (schema {version}, "
                  f"DuckDB {engine_version()})")


@app.command("info")
def info(workspace: WorkspaceOpt = None) -> None:
    """The workspace file: size, schema version, the DuckDB that wrote it, and whether a
    server holds it."""
    path = resolve_path(workspace)
    if not path.exists():
        console.print(f"no workspace at {esc(path)}")
        raise typer.Exit(1)
    server = current_server(path)
    console.print(f"workspace {esc(path)}: {path.stat().st_size / 1e6:,.1f} MB, written by "
                  f"DuckDB {file_library_version(str(path)) or '?'}; this install runs "
                  f"DuckDB {engine_version()}")
    if server is not None:
        when = published_at(server)
        console.print(f"held by {esc(server.label)}; published copy "
                      f"{esc(server.published)}"
                      + (f" of {when.astimezone():%Y-%m-%d %H:%M:%S}" if when else ""))
    with open_workspace(workspace, read_only=True) as ws:
        console.print(f"schema version {ws.schema_version}")
