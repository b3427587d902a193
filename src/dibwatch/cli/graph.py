"""``dibwatch graph …``: the firm network, exported for Gephi / Cytoscape, and paths to listed
firms."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dibwatch.cli._common import WorkspaceOpt, console, esc, open_workspace, stage_progress
from dibwatch.graph import annotate, build_graph, paths_to_listed, to_cytoscape, to_graphml

app = typer.Typer(help="Firm network: export it, find paths to listed firms.",
                  no_args_is_help=True)


class Format(StrEnum):
    graphml = "graphml"
    cytoscape = "cytoscape"


@app.command()
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    fmt: Annotated[Format, typer.Option("--format", help="GraphML or Cytoscape.js JSON.")]
    = Format.graphml,
    workspace: WorkspaceOpt = None,
) -> None:
    """Write the firm network with its metrics (proximity, community, hubs) per firm."""
    with open_workspace(workspace, read_only=True) as ws, stage_progress() as report:
        graph = build_graph(ws, progress=report)
        report("network metrics", 0, 1)
        annotate(graph)
        report("network metrics", 1, 1)
    if fmt is Format.graphml:
        to_graphml(graph, output)
    else:
        output.write_text(json.dumps(to_cytoscape(graph), ensure_ascii=False), encoding="utf-8")
    console.print(f"[green]wrote[/] {output}: {len(graph):,} firms, {graph.edge_count:,} edges "
                  f"({len(graph.listed_ids()):,} listed)")


@app.command()
def paths(
    firm_id: Annotated[int, typer.Argument(help="Firm id (see `dibwatch trade firms`).")],
    workspace: WorkspaceOpt = None,
) -> None:
    """Show a shortest chain of relations from a firm to the nearest listed firm."""
    with open_workspace(workspace, read_only=True) as ws, stage_progress() as report:
        graph = build_graph(ws, progress=report)
    if firm_id not in graph:
        raise typer.BadParameter(f"no firm {firm_id} in the workspace", param_hint="FIRM_ID")
    path = paths_to_listed(graph, firm_id)
    if not path:
        console.print(f"firm {firm_id} has no path to a listed firm")
        return
    kinds: dict[tuple[int, int], list[str]] = {}
    for s, t, edge in graph.edges():
        kinds.setdefault((min(s, t), max(s, t)), []).append(edge.kind)
    table = Table(title=f"firm {firm_id} -> nearest listed firm: {len(path) - 1} hop(s)")
    for col in ("hop", "firm", "caption", "country", "listed", "linked by"):
        table.add_column(col, overflow="fold")
    for hop, fid in enumerate(path):
        node = graph.firm(fid)
        link = "" if not hop else ", ".join(
            sorted(set(kinds[(min(fid, path[hop - 1]), max(fid, path[hop - 1]))])))
        table.add_row(str(hop), str(fid), esc(node.caption), esc(node.country or ""),
                      "yes" if node.listed else "", link)
    console.print(table)
