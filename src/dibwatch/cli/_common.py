"""Options and helpers shared by the command groups: the workspace option, opening a
workspace (or the copy a running server published), progress, and safe text."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from dibwatch.engine import DuckDBEngine
from dibwatch.errors import WorkspaceBusyError, WorkspaceError
from dibwatch.workspace import ENV_VAR, Workspace, resolve_path
from dibwatch.workspace.holder import ServerInfo, current_server, published_at

console = Console()
err_console = Console(stderr=True)

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option("--workspace", "-w", envvar=ENV_VAR,
                 help="Workspace file (DuckDB). Default: ./dibwatch.duckdb.",
                 show_default=False),
]

# C0 and C1 control characters (and DEL) from list or trade data must not reach a terminal
# raw: an ESC in a name could rewrite the screen. Newlines and tabs are shown escaped too,
# since one value is one cell.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def esc(value: object) -> str:
    """``value`` as text safe to print: control characters as ``\\x1b``-style escapes and
    rich markup escaped, so data is shown, never interpreted."""
    text = "" if value is None else str(value)
    return escape(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text))


Report = Callable[[str, int, int], None]
PLAIN_EVERY = 5.0  # seconds between plain progress lines of one stage


MaxInflatedOpt = Annotated[
    float | None,
    typer.Option("--max-inflated-mb", envvar="DIBWATCH_MAX_INFLATED_MB",
                 help="Largest size a gzip/zip input may inflate to, in MiB. Default: 100x "
                      "its compressed size (at least 64 MiB), at most 2 GiB: decompression "
                      "bombs are refused. Raise it for a genuine file.", show_default=False),
]


@contextmanager
def stage_progress() -> Iterator[Report]:
    """Yields ``report(stage, done, total)`` (total 0 = unknown), the callback the pipeline
    stages accept: a rich display with one bar per stage in a terminal, plain timestamped
    lines when stdout is a pipe or a file (``dibwatch demo | tee log`` shows progress as it
    happens)."""
    if console.is_terminal:
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                      MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                      transient=True) as progress:
            tasks: dict[str, TaskID] = {}

            def report(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = progress.add_task(esc(stage), total=total or None)
                progress.update(tasks[stage], completed=done, total=total or None)

            yield report
        return
    plain = _PlainProgress()
    try:
        yield plain.report
    finally:
        plain.finish()


class _PlainProgress:
    def __init__(self) -> None:
        self.stage: str | None = None
        self.started = 0.0
        self.last_line = 0.0
        self.done = 0

    def _line(self, text: str) -> None:
        console.print(f"{datetime.now():%H:%M:%S} {esc(text)}", highlight=False,
                      soft_wrap=True)

    def report(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage != self.stage:
            self.finish()
            self.stage, self.started, self.last_line = stage, now, now
            self._line(f"{stage}: started" + (f" ({total:,} to do)" if total else ""))
        self.done = done
        if now - self.last_line >= PLAIN_EVERY:
            self.last_line = now
            self._line(f"{stage}: {done:,}" + (f" of {total:,}" if total else ""))

    def finish(self) -> None:
        if self.stage is not None:
            self._line(f"{self.stage}: done in {time.monotonic() - self.started:.1f}s")
            self.stage = None


# The input file a command is storing right now, for the message after Ctrl-C (every load is
# one transaction: an interrupted load stores nothing), and the files it stored before it.
_storing: list[Path] = []
_stored: list[Path] = []


@contextmanager
def storing(path: Path) -> Iterator[None]:
    _storing.append(path)
    yield  # on an exception the path stays: the message after Ctrl-C names it
    _storing.pop()
    _stored.append(path)


def interrupted_message() -> str:
    if not _storing:
        return "interrupted"
    done = f"; {len(_stored)} file(s) before it were stored" if _stored else ""
    return f"interrupted: nothing from {_storing[-1]} was stored{done}"


@contextmanager
def monitored(ws: Workspace) -> Iterator[None]:
    """A change under the monitor (:mod:`dibwatch.pipeline.services`), saying what it
    raised."""
    from dibwatch.pipeline.services import monitored as watched

    with watched(ws) as raised:
        yield
    if raised:
        kinds = sorted({a.kind for a in raised})
        console.print(f"monitor: {len(raised)} new alert(s) ({', '.join(kinds)})")


def actor() -> str:
    """Who the command line acts as in the audit trail."""
    from dibwatch.workspace.changes import who

    return f"cli:{who()}"


def open_workspace(path: Path | None, *, read_only: bool = False,
                   through_server: str | None = None) -> Workspace:
    """Open the workspace; while ``dibwatch serve`` holds it, a read opens the copy the
    server published, and a write is refused with one line saying how to do it through the
    server (``through_server``) or to stop the server."""
    try:
        return Workspace(path, read_only=read_only)
    except WorkspaceBusyError as exc:
        target = resolve_path(path)
        server = current_server(target)
        if server is None:
            raise WorkspaceBusyError(f"{exc}; run this again when it has finished",
                                     pid=exc.pid) from None
        if not read_only:
            how = through_server or "this has no API route"
            raise WorkspaceBusyError(
                f"{server.label} holds workspace {target}: {how}, or stop the server "
                f"(Ctrl-C where it runs, or kill {server.pid}) and run this again",
                pid=server.pid) from None
        return _published_copy(target, server)


def _published_copy(target: Path, server: ServerInfo) -> Workspace:
    when = published_at(server)
    if when is None:
        raise WorkspaceError(f"{server.label} holds workspace {target} and has not published "
                             f"a copy to read yet; try again in a moment")
    err_console.print(f"[dim]{server.label} holds {esc(target)}: reading the copy it "
                      f"published at {when.astimezone():%Y-%m-%d %H:%M:%S}[/]")
    return Workspace(target, engine=DuckDBEngine(server.published, read_only=True),
                     read_only=True)


def server_holding(path: Path | None) -> ServerInfo | None:
    """The running server that holds the workspace, for commands that go through its API."""
    return current_server(resolve_path(path))
