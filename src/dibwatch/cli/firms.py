"""``dibwatch trade firms``: the firms resolved from shipment parties."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from dibwatch.cli._common import WorkspaceOpt, console, open_workspace, stage_progress
from dibwatch.model.country import country_code
from dibwatch.resolve import list_firms, resolve_parties


def firms(
    limit: Annotated[int, typer.Option(help="Firms shown, by shipment lines.")] = 50,
    country: Annotated[str | None, typer.Option(help="Only firms of this country.")] = None,
    min_members: Annotated[int | None, typer.Option(
        help="Only firms with at least this many distinct spellings.")] = None,
    screened: Annotated[bool, typer.Option(
        "--screened", help="Only firms matching a list entity.")] = False,
    resolve: Annotated[bool, typer.Option(
        "--resolve", help="Resolve the shipment parties first (replaces earlier firms).")]
    = False,
    threshold: Annotated[float, typer.Option(help="Match probability to merge (--resolve).")]
    = 0.9,
    workspace: WorkspaceOpt = None,
) -> None:
    """List firms with their spellings, identifiers, counts and best list match."""
    with open_workspace(workspace, read_only=not resolve) as ws:
        if resolve:
            with stage_progress() as report:
                result = resolve_parties(ws, threshold=threshold, progress=report)
            console.print(f"{result.mention_count:,} distinct mentions on "
                          f"{result.shipment_count:,} lines -> {result.firm_count:,} firms "
                          f"({result.multi_member_firms:,} with several spellings; model "
                          f"{result.training}); {result.matched_firms:,} of "
                          f"{result.screened_firms:,} screened firms match a list")
        rows = list_firms(ws, limit, country=country_code(country) if country else None,
                          min_members=min_members, screened_only=screened)
    table = Table(title="firms")
    for col in ("firm", "caption", "country", "spellings", "ids", "roles", "lines",
                "seen", "list match"):
        table.add_column(col, overflow="fold")
    for f in rows:
        seen = f"{f.first_seen} – {f.last_seen}" if f.first_seen else ""
        match = f"{f.best_entity} ({f.best_score:.2f})" if f.best_entity and f.best_score \
            else ""
        table.add_row(str(f.firm_id), f.caption, f.country or "", "\n".join(f.names[:8])
                      + (f"\n… {len(f.names) - 8} more" if len(f.names) > 8 else ""),
                      ", ".join(f.ids), ", ".join(f.roles), f"{f.mention_count:,}", seen,
                      match)
    console.print(table)
    if not rows:
        console.print("no firms: run `dibwatch trade firms --resolve` after loading shipments")
