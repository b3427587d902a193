"""``dibwatch demo``: the main job on bundled and generated fictional data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dibwatch.cli import render
from dibwatch.cli._common import console, err_console, esc, open_workspace, stage_progress
from dibwatch.lists import store
from dibwatch.risk import ranked_firms


def demo(
    workspace: Annotated[Path, typer.Option("--workspace", "-w",
                                            help="Workspace for the demo.")] = Path(
        "dibwatch-demo.duckdb"),
    shipments: Annotated[int, typer.Option(help="Shipments in the synthetic world.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic world.")] = 20240224,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Report folder (default: beside the workspace).")] = None,
    dossiers: Annotated[int, typer.Option(help="Dossiers in the report.")] = 20,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="PDF of each dossier.")] = True,
    engine: Annotated[str | None, typer.Option(
        "--engine", help="Where trade loading and the linkage model run: duckdb (default) or "
        "spark (pip install 'dibwatch[spark]', Java 17). Default: $DIBWATCH_ENGINE.")] = None,
    spark_master: Annotated[str | None, typer.Option(
        "--spark-master", help="Spark master URL (default: $DIBWATCH_SPARK_MASTER, else "
        "local[*]).")] = None,
) -> None:
    """The main job on fictional data: load the bundled export-control list (two versions)
    and a generated trade world, classify the goods, resolve the traders into firms, screen,
    score and rank them, and write the report; show what changed on the list, who ships CHPL
    goods to Russia, the top-ranked firms and where the report is."""
    # Imported here: the pipeline (Splink, matplotlib) takes a second to load, which other
    # commands should not pay.
    from dibwatch.demo import run_demo
    from dibwatch.engine.select import batch_engine

    batch = batch_engine(engine, master=spark_master)
    if batch is not None:
        console.print(f"engine: {batch.describe()}")
    world_dir = workspace.with_name(workspace.stem + "-world")
    report_dir = out or workspace.with_name(workspace.stem + "-report")
    with open_workspace(workspace) as ws:
        try:
            with stage_progress() as report:
                result = run_demo(ws, world_dir, shipments=shipments, seed=seed,
                                  report_dir=report_dir, dossiers=dossiers, pdf=pdf,
                                  progress=report, engine=batch)
        finally:
            if batch is not None:
                batch.close()
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
            top.add_row(esc(caption), esc(country or ""), str(members), f"{value or 0:,.0f}")
        console.print(top)
        if result.ranking is not None:
            ranked = Table(title=f"top-ranked firms (risk run {result.ranking.run_id}, "
                                 f"{result.ranking.run.flag_count:,} flags)")
            for col in ("rank", "firm", "country", "score", "flags"):
                ranked.add_column(col, overflow="fold")
            for row in ranked_firms(ws, result.ranking.run_id, 10):
                flags = row["flags"].split("|")
                shown = ", ".join(flags[:3]) + (f" (+{len(flags) - 3})" if len(flags) > 3
                                                else "")
                ranked.add_row(str(row["rank"]), esc(row["caption"]), esc(row["country"] or ""),
                               f"{row['score']:.3f}", shown)
            console.print(ranked)
    if result.report is not None:
        for warning in result.report.warnings:
            err_console.print(f"[yellow]warning:[/] {esc(warning)}")
        pdfs = sum(1 for d in result.report.dossiers if d.pdf is not None)
        console.print(f"\nreport: [bold]{result.report.index.resolve()}[/] "
                      f"({len(result.report.dossiers)} dossiers, {pdfs} PDFs)")
    console.print(f"\nworkspace: [bold]{workspace}[/] — try [bold]dibwatch trade firms "
                  f"--screened -w {workspace}[/] or [bold]dibwatch lists show "
                  f"demo_list-demo-0003 -w {workspace}[/]")
