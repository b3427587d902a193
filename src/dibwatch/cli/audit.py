"""``dibwatch audit verify``: check the hash chains of the audit log and the decisions."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from dibwatch.casework import trail
from dibwatch.cli._common import WorkspaceOpt, console, err_console
from dibwatch.cli.serve import StateOpt
from dibwatch.cli.users import open_state

app = typer.Typer(help="The audit trail: verify its hash chains.", no_args_is_help=True)


@app.command("verify")
def verify(
    anchor: Annotated[list[str] | None, typer.Option(
        help="ID:HASH printed by an earlier verify (repeatable): must still be in the chain. "
             "Only an anchor kept elsewhere catches a rewrite of the whole file.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    workspace: WorkspaceOpt = None,
    state: StateOpt = None,
) -> None:
    """Walk the audit log and the decisions: report the first broken link (exit 1), or the
    anchor to record (exit 0)."""
    app_state = open_state(workspace, state)
    with app_state.connect() as con:
        report = trail.verify(con, anchors=anchor or [])
    if as_json:
        console.print_json(json.dumps(report.to_json()))
    elif report.ok:
        console.print(f"[green]audit trail intact[/]: {report.audit_rows:,} audit rows and "
                      f"{report.decisions:,} decisions chain from the first to the last")
        if report.anchor:
            console.print(f"anchor (record it elsewhere): {report.anchor}", soft_wrap=True)
    else:
        first = report.first
        err_console.print(f"[bold red]audit trail broken[/] in {app_state.path}: "
                          f"{len(report.breaks)} problem(s); the first: {first}",
                          soft_wrap=True)
        for b in report.breaks[1:10]:
            err_console.print(f"  {b}", soft_wrap=True)
    if not report.ok:
        raise typer.Exit(1)
