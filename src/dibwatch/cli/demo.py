"""``dibwatch demo``: the main job on bundled fictional data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dibwatch.cli import render
from dibwatch.cli._common import console, open_workspace
from dibwatch.demo import demo_list_files
from dibwatch.lists import store
from dibwatch.lists.loader import load_list


def demo(
    workspace: Annotated[Path, typer.Option("--workspace", "-w",
                                            help="Workspace for the demo.")] = Path(
        "dibwatch-demo.duckdb"),
) -> None:
    """Load the bundled fictional export-control list (two versions), then show the snapshot
    table and what changed between the versions."""
    with open_workspace(workspace) as ws:
        for path in demo_list_files():
            result = load_list(ws, path, source="demo_list", fmt="csl_csv")
            render.load_result(result, store.load_leftovers(ws.engine,
                                                            result.snapshot.snapshot_id))
        render.snapshots(store.list_snapshots(ws.engine, "demo_list"))
        old, new = store.default_diff_pair(ws.engine, "demo_list")
        render.diff(store.diff_snapshots(ws.engine, old, new), limit=20)
    console.print(f"\nworkspace: [bold]{workspace}[/] — try "
                  f"[bold]dibwatch lists show demo_list-demo-0003 -w {workspace}[/]")
