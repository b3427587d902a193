"""The ``dibwatch`` command line: one module per command group, each thin."""

from __future__ import annotations

import os
import sys

import typer

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
    trade,
    users,
)
from dibwatch.cli._common import console, err_console
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
app.command("demo")(demo.demo)
app.command("screen")(screen.screen)
app.command("rank")(rank.rank)
app.command("report")(report.report)
app.command("serve")(serve.serve)


def main() -> None:
    # Files dibwatch creates (the workspace and its WAL, the app state, job results,
    # exports, reports) are its user's alone: sanctions work is confidential. Share one
    # with chmod.
    os.umask(0o077)
    try:
        app()
    except DibwatchError as exc:
        err_console.print(f"[bold red]error:[/] {exc}")
        sys.exit(2)


__all__ = ["app", "console", "main"]
