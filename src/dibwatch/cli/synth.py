"""``dibwatch synth``: write a fictional trade world to try dibwatch on (no shipment-level
customs data is public)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dibwatch.cli._common import (
    WorkspaceOpt,
    console,
    esc,
    open_workspace,
    stage_progress,
    storing,
)


def synth(
    out: Annotated[Path, typer.Argument(help="Folder for the world's files.")],
    shipments: Annotated[int, typer.Option(help="Declaration lines to generate.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Seed: the same seed writes the same bytes.")]
    = 20240224,
    facilitator_share: Annotated[float, typer.Option(
        help="Share of firms (and of lines) in a facilitator scheme.")] = 0.04,
    name_noise: Annotated[float, typer.Option(
        help="Probability that a party is spelled noisily.")] = 0.3,
    load: Annotated[bool, typer.Option(
        "--load/--no-load", help="Also load the world's list and shipments into the "
                                 "workspace.")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Generate a fictional trade world with known truth: shipments in the canonical schema
    (Parquet, load with `dibwatch trade load`), a fictional sanctions list in the CSL layout
    (`dibwatch lists load … --source synthetic_list`), and the truth files the benchmarks read.
    All firm names are coined; no real company appears in an invented shipment."""
    from dibwatch.synth import WorldParams, generate_world

    params = WorldParams(seed=seed, shipments=shipments, facilitator_share=facilitator_share,
                         name_noise=name_noise)
    with stage_progress() as progress:
        world = generate_world(out, params, progress=lambda n: progress(
            "generating world", n, shipments))
    console.print(f"wrote a fictional world of {shipments:,} shipments to [bold]{esc(out)}[/]:"
                  f" {esc(world.shipments.name)} (shipments), {esc(world.fictional_list.name)}"
                  f" (a fictional list), {esc(world.world_json.name)} (parameters and counts)")
    if not load:
        return
    from dibwatch.lists.loader import load_list
    from dibwatch.trade.loader import load_shipments

    with open_workspace(workspace, through_server="this has no API route") as ws, \
            stage_progress() as progress:
        with storing(world.fictional_list):
            listed = load_list(ws, world.fictional_list, source="synthetic_list",
                               fmt="csl_csv")
        with storing(world.shipments):
            trade = load_shipments(ws, world.shipments, progress=lambda n: progress(
                "loading shipments", n, shipments))
    console.print(f"loaded snapshot {listed.snapshot.snapshot_id} (synthetic_list) and "
                  f"shipment load {trade.load.load_id} into {esc(ws.path)}; next: "
                  f"`dibwatch update`")
