"""``dibwatch rank``: run the risk indicators, rank the firms, show and write the ranking."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dibwatch.cli._common import WorkspaceOpt, console, open_workspace, stage_progress
from dibwatch.cli.serve import analyst_decisions, monitored
from dibwatch.risk import load_config, rank_firms, ranked_firms, write_ranking


def rank(
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the whole ranking to this .csv or .parquet file.")]
    = None,
    limit: Annotated[int, typer.Option(help="Firms shown in the table.")] = 25,
    config: Annotated[Path | None, typer.Option(
        help="Risk configuration (YAML). Default: the bundled risk.yml.")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Score every resolved firm with the red-flag indicators and rank them; each flag's
    contribution to the score is stored with the rows behind it."""
    settings = load_config(config)
    with open_workspace(workspace) as ws, monitored(ws):
        with stage_progress() as report:
            result = rank_firms(ws, settings, decisions=analyst_decisions(ws),
                                progress=report)
        rows = ranked_firms(ws, result.run_id, limit)
        if output is not None:
            write_ranking(ws, output, result.run_id)
    table = Table(title=f"firms by risk (run {result.run_id}, {result.run.flag_count:,} flags)")
    for col in ("rank", "firm", "caption", "country", "score", "flags", "CHPL USD",
                "list match"):
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(str(row["rank"]), str(row["firm_id"]), row["caption"],
                      row["country"] or "", f"{row['score']:.3f}",
                      row["flags"].replace("|", ", "), f"{row['chpl_value_usd']:,.0f}",
                      row["listed_matches"].split("|")[0])
    console.print(table)
    if output is not None:
        console.print(f"ranking of {result.firm_count:,} firms written to {output}")
