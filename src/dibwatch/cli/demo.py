"""``dibwatch demo``: the main job on bundled and generated fictional data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dibwatch.cli import render
from dibwatch.cli._common import console, open_workspace, stage_progress
from dibwatch.demo import run_demo
from dibwatch.lists import store


def demo(
    workspace: Annotated[Path, typer.Option("--workspace", "-w",
                                            help="Workspace for the demo.")] = Path(
        "dibwatch-demo.duckdb"),
    shipments: Annotated[int, typer.Option(help="Shipments in the synthetic world.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic world.")] = 20240224,
) -> None:
    """Load the bundled fictional export-control list (two versions) and a generated
    fictional trade world, classify the goods, resolve the traders into firms, screen them,
    and show what changed on the list and who ships CHPL goods to Russia."""
    world_dir = workspace.with_name(workspace.stem + "-world")
    with open_workspace(workspace) as ws:
        with stage_progress() as report:
            result = run_demo(ws, world_dir, shipments=shipments, seed=seed, progress=report)
        for load in result.list_loads:
            render.load_result(load, store.load_leftovers(ws.engine, load.snapshot.snapshot_id))
        render.snapshots(store.list_snapshots(ws.engine))
        old, new = store.default_diff_pair(ws.engine, "demo_list")
        render.diff(store.diff_snapshots(ws.engine, old, new), limit=20)
        t = result.shipments
        console.print(
            f"shipments: {t.load.row_count:,} lines loaded from {result.world.shipments.name} "
            f"({t.load.quarantined_count:,} quarantined) — "
            + ("already loaded" if not t.created else f"{t.load.seconds or 0:.1f}s"))
        r = result.resolution
        console.print(f"parties: {r.mention_count:,} distinct mentions resolved into "
                      f"{r.firm_count:,} firms; {r.matched_firms:,} firms match a list entry")
        tiers = Table(title="CHPL goods in the synthetic world")
        for col in ("tier", "lines", "value USD"):
            tiers.add_column(col, justify="right")
        for tier, lines, value in result.tiers:
            tiers.add_row(str(tier), f"{lines:,}", f"{value or 0:,.0f}")
        console.print(tiers)
        top = Table(title="firms exporting the most CHPL tier 1-2 value to Russia")
        for col in ("firm", "country", "spellings", "tier 1-2 USD to RU"):
            top.add_column(col)
        for _, caption, country, members, value in result.top_firms:
            top.add_row(caption, country or "", str(members), f"{value or 0:,.0f}")
        console.print(top)
    console.print(f"\nworkspace: [bold]{workspace}[/] — try [bold]dibwatch trade firms "
                  f"--screened -w {workspace}[/] or [bold]dibwatch lists show "
                  f"demo_list-demo-0003 -w {workspace}[/]")
