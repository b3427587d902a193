"""The ``dibwatch`` command line: one module per command group, each thin."""

from __future__ import annotations

import os
import signal
import sys
from typing import Annotated

import typer

from dibwatch import __version__
from dibwatch.cli import (
    audit,
    countries,
    demo,
    graph,
    lists,
    rank,
    report,
    screen,
    serve,
    synth,
    trade,
    update,
    users,
    workspace,
)
from dibwatch.cli._common import console, err_console, esc, interrupted_message
from dibwatch.errors import DibwatchError

app = typer.Typer(
    name="dibwatch",
    help="Find and document the firms supplying a military-industrial base: sanctions and "
    "export-control lists, goods, trade, screening, risk.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(lists.app, name="lists")
app.add_typer(trade.app, name="trade")
app.add_typer(graph.app, name="graph")
app.add_typer(countries.app, name="countries")
app.add_typer(users.app, name="users")
app.add_typer(audit.app, name="audit")
app.add_typer(workspace.app, name="workspace")
app.command("demo")(demo.demo)
app.command("screen")(screen.screen)
app.command("rank")(rank.rank)
app.command("report")(report.report)
app.command("serve")(serve.serve)
app.command("update")(update.update)
app.command("status")(update.status)
app.command("synth")(synth.synth)


def _version(value: bool) -> None:
    if value:
        from dibwatch.engine.duckdb_engine import engine_version

        console.print(f"dibwatch {__version__} (DuckDB {engine_version()})")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True,
        help="Show the version and exit.")] = False) -> None:
    """Find and document the firms supplying a military-industrial base."""


class _Interrupted(BaseException):
    """Ctrl-C, raised as its own type: click turns KeyboardInterrupt into "Aborted!"."""


def _on_interrupt(signum: int, frame: object) -> None:
    raise _Interrupted


def main() -> None:
    # Files dibwatch creates (the workspace and its WAL, the app state, job results,
    # exports, reports) are its user's alone: sanctions work is confidential. Share one
    # with chmod.
    os.umask(0o077)
    signal.signal(signal.SIGINT, _on_interrupt)
    try:
        app()
    except DibwatchError as exc:
        err_console.print(f"[bold red]error:[/] {esc(exc)}")
        sys.exit(2)
    except (_Interrupted, KeyboardInterrupt):
        # Every load is one transaction, rolled back on the way out: say what that means.
        err_console.print(esc(interrupted_message()))
        sys.exit(130)


__all__ = ["app", "console", "main"]
