"""``dibwatch update`` (bring a workspace up to date end to end) and ``dibwatch status``
(what each stage holds, and what is out of date)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dibwatch import pipeline
from dibwatch.cli._common import (
    WorkspaceOpt,
    console,
    esc,
    monitored,
    open_workspace,
    stage_progress,
)
from dibwatch.pipeline.update import UpdatePlan
from dibwatch.pipeline.update import update as run_update
from dibwatch.risk import load_config

VIA_SERVER = "load lists through its API (POST /lists/load) and run `dibwatch update` when " \
             "it has stopped"


def update(
    lists: Annotated[list[Path] | None, typer.Option(
        "--lists", help="List file or folder to load (repeatable).")] = None,
    shipments: Annotated[list[Path] | None, typer.Option(
        "--shipments", help="Shipment file, or a folder of them (repeatable).")] = None,
    countries: Annotated[list[Path] | None, typer.Option(
        "--countries", help="Country statistics file (repeatable).")] = None,
    report: Annotated[Path | None, typer.Option(
        "--report", help="Also (re)write the report in this folder.")] = None,
    dossiers: Annotated[int, typer.Option(help="Dossiers in the report.")] = 50,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="PDF of each dossier.")] = True,
    config: Annotated[Path | None, typer.Option(
        help="Risk configuration (YAML). Default: the bundled risk.yml.")] = None,
    force: Annotated[bool, typer.Option(help="Run every stage even if nothing changed.")]
    = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Bring the workspace up to date: load the files given (those already loaded are
    skipped), then resolve parties into firms, screen them, rank them and write the report,
    each only when its inputs changed. Run it again and it does nothing."""
    plan = UpdatePlan(lists=lists or [], shipments=shipments or [],
                      countries=countries or [], report_dir=report, dossiers=dossiers,
                      pdf=pdf, config=load_config(config), force=force)
    with (open_workspace(workspace, through_server=VIA_SERVER) as ws, monitored(ws),
          stage_progress() as progress):
        result = run_update(ws, plan, progress=progress)
    table = Table(title="update")
    for col in ("stage", "", "why", "seconds"):
        table.add_column(col, justify="right" if col == "seconds" else "left")
    for o in result.outcomes:
        table.add_row(o.stage, "[green]ran[/]" if o.ran else "[dim]skipped[/]", esc(o.why),
                      f"{o.seconds:.1f}" if o.ran else "")
    console.print(table)
    console.print("everything was up to date" if not result.did_work else "up to date now")


def status(workspace: WorkspaceOpt = None) -> None:
    """What each stage of the workspace holds, whether it is up to date with its inputs, and
    the command that brings it up to date."""
    with open_workspace(workspace, read_only=True) as ws:
        eng = ws.engine
        counts = {name: int(eng.scalar(sql) or 0) for name, sql in (
            ("snapshots", "SELECT count(*) FROM snapshots"),
            ("shipments", "SELECT count(*) FROM shipments"),
            ("loads", "SELECT count(*) FROM shipment_loads"),
            ("countries", "SELECT count(*) FROM country_snapshots"),
            ("firms", "SELECT count(*) FROM firms"),
            ("runs", "SELECT count(*) FROM finished_risk_runs"))}
        states = [pipeline.resolve_state(ws), pipeline.screen_state(ws),
                  pipeline.rank_state(ws, load_config())]
    table = Table(title=f"workspace {esc(ws.path)}")
    for col in ("stage", "holds", "state", "next"):
        table.add_column(col, overflow="fold")
    table.add_row("lists", f"{counts['snapshots']:,} snapshots", "",
                  "" if counts["snapshots"] else "dibwatch lists load FILE")
    table.add_row("shipments", f"{counts['shipments']:,} lines in {counts['loads']:,} loads",
                  "", "" if counts["shipments"] else "dibwatch trade load FILE")
    table.add_row("countries", f"{counts['countries']:,} statistics files", "", "")
    holds = {"resolve": f"{counts['firms']:,} firms", "screen": "firm list matches",
             "rank": f"{counts['runs']:,} risk runs"}
    commands = {"resolve": "dibwatch trade resolve", "screen": "dibwatch trade resolve",
                "rank": "dibwatch rank"}
    for state in states:
        waiting = state.stage == "resolve" and not counts["shipments"]
        table.add_row(state.stage, holds[state.stage],
                      "waits for shipments" if waiting else esc(state.why()),
                      "" if state.up_to_date or waiting else commands[state.stage])
    console.print(table)
    if not all(s.up_to_date for s in states) and counts["shipments"]:
        console.print("`dibwatch update` runs every step that is out of date")
