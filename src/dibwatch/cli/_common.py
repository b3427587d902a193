"""Options and helpers shared by the command groups."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from dibwatch.workspace import ENV_VAR, Workspace

console = Console()
err_console = Console(stderr=True)

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option("--workspace", "-w", envvar=ENV_VAR,
                 help="Workspace file (DuckDB). Default: ./dibwatch.duckdb.",
                 show_default=False),
]


def open_workspace(path: Path | None, *, read_only: bool = False) -> Workspace:
    return Workspace(path, read_only=read_only)
