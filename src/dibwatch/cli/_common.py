"""Options and helpers shared by the command groups."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from dibwatch.workspace import ENV_VAR, Workspace

console = Console()
err_console = Console(stderr=True)

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option("--workspace", "-w", envvar=ENV_VAR,
                 help="Workspace file (DuckDB). Default: ./dibwatch.duckdb.",
                 show_default=False),
]


MaxInflatedOpt = Annotated[
    float | None,
    typer.Option("--max-inflated-mb", envvar="DIBWATCH_MAX_INFLATED_MB",
                 help="Largest size a gzip/zip input may inflate to, in MiB. Default: 100x "
                      "its compressed size (at least 64 MiB), at most 2 GiB: decompression "
                      "bombs are refused. Raise it for a genuine file.", show_default=False),
]


@contextmanager
def stage_progress() -> Iterator[Callable[[str, int, int], None]]:
    """A rich progress display with one bar per stage; yields ``report(stage, done, total)``
    (total 0 = unknown), the callback the pipeline stages accept."""
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as progress:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total or None)
            progress.update(tasks[stage], completed=done, total=total or None)

        yield report


def open_workspace(path: Path | None, *, read_only: bool = False) -> Workspace:
    return Workspace(path, read_only=read_only)
