"""``dibwatch trade resolve`` (parties -> firms, screened) and ``dibwatch trade firms``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from dibwatch import pipeline
from dibwatch.casework.state import AppState, state_path_for
from dibwatch.cli._common import (
    WorkspaceOpt,
    actor,
    console,
    esc,
    monitored,
    open_workspace,
    stage_progress,
)
from dibwatch.errors import ConfigError
from dibwatch.model.country import country_code
from dibwatch.resolve import list_firms
from dibwatch.resolve.corrections import merge_firms, split_firm

VIA_SERVER = "resolving has no API route"


def resolve(
    threshold: Annotated[float, typer.Option(help="Match probability to merge mentions.")]
    = 0.9,
    force: Annotated[bool, typer.Option(help="Run even if nothing changed.")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Resolve the shipment parties (exporters, importers, contract holders) into firms and
    screen each firm against the loaded lists; each step runs only when its inputs changed
    (new shipment loads; new list snapshots)."""
    with (open_workspace(workspace, through_server=VIA_SERVER) as ws, monitored(ws),
          stage_progress() as report):
        resolved = pipeline.resolve(ws, threshold=threshold, force=force, progress=report)
        screened = pipeline.screen(ws, force=force, progress=report)
    r = resolved.result
    if r is not None:
        console.print(f"resolved {r.mention_count:,} distinct mentions on "
                      f"{r.shipment_count:,} lines into {r.firm_count:,} firms "
                      f"({r.multi_member_firms:,} with several spellings; linkage model "
                      f"{_training(r.training)}) in {resolved.seconds:.1f}s")
    else:
        console.print(f"firms: {resolved.why}")
    s = screened.result
    if s is not None:
        console.print(f"screened {s.screened:,} firms against the lists: "
                      f"{s.matched_firms:,} match a list entity")
    else:
        console.print(f"screening: {screened.why}")


def _training(mode: str) -> str:
    return {"em": "trained on these shipments (EM)",
            "em-partial": "partly trained on these shipments (EM, some levels from priors)",
            "priors": "from prior settings (too few mentions to train)"}.get(mode, mode)


def firms(
    limit: Annotated[int, typer.Option(help="Firms shown, by shipment lines.")] = 50,
    country: Annotated[str | None, typer.Option(help="Only firms of this country.")] = None,
    min_members: Annotated[int | None, typer.Option(
        help="Only firms with at least this many distinct spellings.")] = None,
    screened: Annotated[bool, typer.Option(
        "--screened", help="Only firms matching a list entity.")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """List firms with their spellings, identifiers, counts and best list match."""
    with open_workspace(workspace, read_only=True) as ws:
        pipeline.require_firms(ws)
        rows = list_firms(ws, limit, country=country_code(country) if country else None,
                          min_members=min_members, screened_only=screened)
    table = Table(title="firms")
    for col in ("firm", "caption", "country", "spellings", "ids", "roles", "lines",
                "seen", "list match"):
        table.add_column(col, overflow="fold",
                         justify="right" if col in ("firm", "lines") else "left")
    for f in rows:
        seen = f"{f.first_seen} – {f.last_seen}" if f.first_seen else ""
        match = f"{f.best_entity} ({f.best_score:.2f})" if f.best_entity and f.best_score \
            else ""
        names = "\n".join(esc(n) for n in f.names[:8]) + (
            f"\n… {len(f.names) - 8} more" if len(f.names) > 8 else "")
        table.add_row(str(f.firm_id), esc(f.caption), esc(f.country), names,
                      esc(", ".join(f.ids)), esc(", ".join(r.replace("_", " ")
                                                          for r in f.roles)),
                      f"{f.mention_count:,}", seen, esc(match))
    console.print(table)
    if not rows:
        console.print("no firm matches these filters")


def split(
    firm_id: Annotated[int, typer.Argument(help="Firm id.")],
    name: Annotated[str | None, typer.Option(
        help="The spelling (name as written) to split off.")] = None,
    mention: Annotated[int | None, typer.Option(help="Or one mention id.")] = None,
    note: Annotated[str | None, typer.Option(help="Why, for the record.")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Split a spelling off a firm (two legal persons resolved into one). The correction is
    kept, audited, and honoured by every later resolution: run `dibwatch trade resolve`."""
    if (name is None) == (mention is None):
        raise ConfigError("give --name SPELLING or --mention ID")
    with open_workspace(workspace, read_only=True) as ws:
        state = AppState(state_path_for(ws.path))
        count = split_firm(ws, state, firm_id, actor=actor(), name=name, mention_id=mention,
                           note=note)
    console.print(f"{count} spelling(s) will be split off firm {firm_id} at the next "
                  f"resolution: `dibwatch trade resolve` (or `dibwatch update`)")


def merge(
    firm_id: Annotated[int, typer.Argument(help="Firm id.")],
    other_firm_id: Annotated[int, typer.Argument(help="The firm that is the same.")],
    note: Annotated[str | None, typer.Option(help="Why, for the record.")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Merge two firms that are one (spellings resolution kept apart). The correction is
    kept, audited, and honoured by every later resolution: run `dibwatch trade resolve`."""
    with open_workspace(workspace, read_only=True) as ws:
        state = AppState(state_path_for(ws.path))
        merge_firms(ws, state, firm_id, other_firm_id, actor=actor(), note=note)
    console.print(f"firms {firm_id} and {other_firm_id} will be one at the next resolution: "
                  f"`dibwatch trade resolve` (or `dibwatch update`)")
