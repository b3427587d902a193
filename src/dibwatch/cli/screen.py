"""``dibwatch screen``: one name, or a file of parties, against every loaded list."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dibwatch.cli._common import (
    MaxInflatedOpt,
    WorkspaceOpt,
    console,
    esc,
    open_workspace,
    server_holding,
    stage_progress,
)
from dibwatch.errors import ConfigError
from dibwatch.ingest.files import InflateLimit, inflate_limit
from dibwatch.match.batch import (
    InputRow,
    make_query,
    read_parties,
    result_rows,
    write_results,
)
from dibwatch.match.screen import Screener


def screen(
    name: Annotated[str | None, typer.Argument(help="Name to screen.")] = None,
    country: Annotated[str | None, typer.Option(help="Country (ISO code or name).")] = None,
    ident: Annotated[list[str] | None, typer.Option(
        "--id", help="Identifier SCHEME:VALUE, e.g. INN:7704730655 (repeatable).")] = None,
    schema: Annotated[str | None, typer.Option(help="Person, Company, Organization, Vessel…")]
    = None,
    input_: Annotated[Path | None, typer.Option(
        "--input", help="CSV or Parquet of parties: name[, country, id, schema, …].")] = None,
    output: Annotated[Path | None, typer.Option(help="Batch output: .csv or .parquet.")] = None,
    top: Annotated[int, typer.Option(help="Candidates kept per query.")] = 5,
    threshold: Annotated[float | None, typer.Option(
        help="Match threshold (default: the algorithm's, 0.70).")] = None,
    workspace: WorkspaceOpt = None,
    max_inflated_mb: MaxInflatedOpt = None,
) -> None:
    """Screen a name, or a file of parties, against all loaded lists, with explained scores.

    Every run is recorded in the workspace (proof of screening). While `dibwatch serve` holds
    the workspace, the screening goes through the server, which records it."""
    if (name is None) == (input_ is None):
        raise ConfigError("give either a NAME or --input FILE")
    if input_ is not None and output is None:
        raise ConfigError("--input needs --output (.csv or .parquet)")
    rows: list[InputRow] = []
    if input_ is not None:
        with inflate_limit(InflateLimit.flat(max_inflated_mb)):
            rows = read_parties(input_)
    if input_ is None:
        assert name is not None
        query, warnings = make_query(name, country=country, ident="|".join(ident or []),
                                     schema=schema)
        for w in warnings:
            console.print(f"[yellow]warning[/]: {esc(w)}")
        queries = [query]
    else:
        queries = [r.query for r in rows]
    origin = str(input_) if input_ is not None else "cli"
    server = server_holding(workspace)
    with stage_progress() as progress:
        if server is not None:
            from dibwatch.cli.remote import ServerScreening

            console.print(f"[dim]{esc(server.label)} holds the workspace: screening through "
                          f"it[/]")
            remote = ServerScreening(server)
            try:
                run = remote.screen(queries, top=top, threshold=threshold,
                                    progress=lambda d, t: progress("screening", d, t))
            finally:
                remote.close()
        else:
            with open_workspace(workspace) as ws:
                progress("loading the screening index (built on first use after a list "
                         "load)", 0, 0)
                screener = Screener(ws, progress=lambda d, t: progress(
                    "loading the screening index (built on first use after a list load)",
                    d, t))
                run = screener.screen(queries, top=top, threshold=threshold, origin=origin,
                                      progress=lambda d, t: progress("screening", d, t))
    if input_ is not None:
        assert output is not None
        records = result_rows(rows, run)
        write_results(records, output)
        matched = sum(1 for r in run.results if r.matches)
        warned = sum(1 for r in rows if r.warnings)
        console.print(f"screened {len(rows):,} parties: {matched:,} with a match at "
                      f"≥ {run.threshold:.2f}; {warned:,} rows with warnings; wrote "
                      f"{len(records):,} rows to [bold]{esc(output)}[/] (run {run.run_id})")
        return
    result = run.results[0]
    table = Table(title=f"screening {esc(repr(name))} — {run.algorithm}, threshold "
                        f"{run.threshold:.2f}, run {run.run_id}")
    for col in ("score", "match", "list entity", "matched name", "source", "list id",
                "programs", "why"):
        table.add_column(col, overflow="fold")
    for hit in result.hits:
        m = hit.match
        table.add_row(f"{m.score:.3f}", "[bold red]MATCH[/]" if m.is_match else "",
                      f"{esc(hit.entity.caption)}\n[dim]{esc(hit.entity.entity_id)}[/]",
                      esc(m.matched_name), esc(hit.entity.source), esc(hit.entity.source_id),
                      esc(hit.entity.programs), esc(m.explain_text()))
    console.print(table)
    if not result.hits:
        console.print("no candidates")
    snaps = ", ".join(f"{s['source']}#{s['snapshot_id']}" for s in run.snapshots)
    console.print(f"[dim]lists: {esc(snaps)}[/]")
