"""``dibwatch screen``: one name, or a file of parties, against every loaded list."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from dibwatch.cli._common import MaxInflatedOpt, WorkspaceOpt, console, open_workspace
from dibwatch.errors import ConfigError
from dibwatch.lists._io import InflateLimit, inflate_limit
from dibwatch.match.batch import make_query, read_parties, result_rows, write_results
from dibwatch.match.screen import Screener


def _progress() -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=True)


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

    Every run is recorded in the workspace (proof of screening)."""
    if (name is None) == (input_ is None):
        raise ConfigError("give either a NAME or --input FILE")
    if input_ is not None and output is None:
        raise ConfigError("--input needs --output (.csv or .parquet)")
    with open_workspace(workspace) as ws:
        with _progress() as progress:
            task = progress.add_task("indexing lists", total=None)
            screener = Screener(ws, progress=lambda d, t: progress.update(task, completed=d,
                                                                          total=t))
        if input_ is not None:
            assert output is not None
            with inflate_limit(InflateLimit.flat(max_inflated_mb)):
                rows = read_parties(input_)
            with _progress() as progress:
                task = progress.add_task("screening", total=len(rows))
                run = screener.screen([r.query for r in rows], top=top, threshold=threshold,
                                      origin=str(input_),
                                      progress=lambda d, t: progress.update(task, completed=d))
            records = result_rows(rows, run)
            write_results(records, output)
            matched = sum(1 for r in run.results if r.matches)
            warned = sum(1 for r in rows if r.warnings)
            console.print(f"screened {len(rows):,} parties: {matched:,} with a match at "
                          f"≥ {run.threshold:.2f}; {warned:,} rows with warnings; wrote "
                          f"{len(records):,} rows to [bold]{output}[/] (run {run.run_id})")
            return
        assert name is not None
        query, warnings = make_query(name, country=country, ident="|".join(ident or []),
                                     schema=schema)
        for w in warnings:
            console.print(f"[yellow]warning[/]: {w}")
        run = screener.screen([query], top=top, threshold=threshold, origin="cli")
        result = run.results[0]
        table = Table(title=f"screening {name!r} — {run.algorithm}, threshold "
                            f"{run.threshold:.2f}, run {run.run_id}")
        for col in ("score", "match", "list entity", "matched name", "source", "list id",
                    "programs", "why"):
            table.add_column(col, overflow="fold")
        for hit in result.hits:
            m = hit.match
            table.add_row(f"{m.score:.3f}", "[bold red]MATCH[/]" if m.is_match else "",
                          f"{hit.entity.caption}\n[dim]{hit.entity.entity_id}[/]",
                          m.matched_name, hit.entity.source, hit.entity.source_id,
                          hit.entity.programs, m.explain_text())
        console.print(table)
        if not result.hits:
            console.print("no candidates")
        snaps = ", ".join(f"{s['source']}#{s['snapshot_id']}" for s in run.snapshots)
        console.print(f"[dim]lists: {snaps}[/]")
