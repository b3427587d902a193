"""``dibwatch rank``: run the risk indicators, rank the firms, show and write the ranking."""

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
from dibwatch.risk import RankResult, load_config, ranked_firms, write_ranking
from dibwatch.risk.labels import flag_title
from dibwatch.workspace import Workspace

VIA_SERVER = "ranking has no API route"


def rank(
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the whole ranking to this .csv or .parquet file.")]
    = None,
    limit: Annotated[int, typer.Option(help="Firms shown in the table.")] = 25,
    config: Annotated[Path | None, typer.Option(
        help="Risk configuration (YAML). Default: the bundled risk.yml.")] = None,
    force: Annotated[bool, typer.Option(help="Score again even if nothing changed.")]
    = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Score every resolved firm with the red-flag indicators and rank them; each flag's
    contribution to the score is stored with the rows behind it. When nothing the ranking
    reads has changed since the last run (firms, list matches, configuration, analysts'
    decisions, country statistics), that run is shown and written."""
    settings = load_config(config)
    if not force:
        with open_workspace(workspace, read_only=True) as ws:
            current = pipeline.latest_rank(ws, settings)
            if current.result is not None:
                _show(ws, current.result, limit, output, f"up to date: {current.why}")
                return
    with open_workspace(workspace, through_server=VIA_SERVER) as ws, monitored(ws):
        with stage_progress() as report:
            outcome = pipeline.rank(ws, config=settings,
                                    force=force, progress=report)
        assert outcome.result is not None
        _show(ws, outcome.result, limit, output, f"ranked ({outcome.why}) in "
                                                   f"{outcome.seconds:.1f}s")


def _show(ws: Workspace, result: RankResult, limit: int, output: Path | None,
          note: str) -> None:
    rows = ranked_firms(ws, result.run_id, limit)
    if output is not None:
        write_ranking(ws, output, result.run_id)
    table = Table(title=f"firms by risk (run {result.run_id}, {result.run.flag_count:,} "
                        f"flags)")
    for col in ("rank", "firm", "caption", "country", "score", "flags", "CHPL value (USD)",
                "list match"):
        table.add_column(col, overflow="fold", justify="right" if col in (
            "rank", "firm", "score", "CHPL value (USD)") else "left")
    for row in rows:
        flags = ", ".join(flag_title(f) for f in row["flags"].split("|") if f)
        table.add_row(str(row["rank"]), str(row["firm_id"]), esc(row["caption"]),
                      esc(row["country"] or ""), f"{row['score']:.3f}", esc(flags),
                      f"{row['chpl_value_usd']:,.0f}",
                      esc(row["listed_matches"].split("|")[0]))
    console.print(table)
    console.print(f"[dim]{esc(note)}[/]")
    if output is not None:
        console.print(f"ranking of {result.firm_count:,} firms written to {esc(output)}")
