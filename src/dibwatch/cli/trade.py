"""``dibwatch trade …``: load shipment files through a mapping, and show the loads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from dibwatch.cli import firms as firms_cli
from dibwatch.cli._common import MaxInflatedOpt, WorkspaceOpt, console, open_workspace
from dibwatch.cli.serve import monitored
from dibwatch.lists._io import InflateLimit, inflate_limit
from dibwatch.trade import store
from dibwatch.trade.loader import TradeLoadResult, load_shipments

app = typer.Typer(help="Trade records: load shipment files, show loads.", no_args_is_help=True)

QUARANTINE_SHOWN = 10


def _render(result: TradeLoadResult, quarantined: list[store.QuarantinedRow]) -> None:
    s = result.load
    if not result.created:
        console.print(f"[yellow]unchanged[/]: these bytes are already load {s.load_id} "
                      f"({s.file}, sha256 {s.sha256[:12]}); nothing loaded")
        return
    console.print(
        f"[green]loaded[/] {s.file} ({result.file_format}, mapping [bold]{s.mapping}[/]) -> "
        f"load [bold]{s.load_id}[/]: {s.row_count:,} shipments, "
        f"[red]{s.quarantined_count:,} quarantined[/], {s.warning_count:,} field warnings "
        f"in {s.seconds or 0:.1f}s")
    if result.missing_fields:
        console.print(f"  [yellow]mapped fields without a column[/]: "
                      f"{', '.join(result.missing_fields)}")
    if result.unused_columns:
        console.print(f"  [yellow]columns not mapped[/]: {', '.join(result.unused_columns)}")
    if not quarantined:
        return
    table = Table(title=f"first quarantined rows ({s.quarantined_count:,} rows in all)",
                  title_style="red")
    for col in ("line", "field", "reason", "row"):
        table.add_column(col, overflow="fold")
    for q in quarantined:
        row = json.loads(q.raw_row)
        shown = "; ".join(f"{k}={v}" for k, v in row.items() if v not in (None, ""))
        table.add_row(str(q.line_no), q.field or "-", q.reason,
                      shown[:160] + ("…" if len(shown) > 160 else ""))
    console.print(table)


@app.command("load")
def load(
    path: Annotated[Path, typer.Argument(help="Shipment file: CSV, Parquet, XLSX or JSON lines.")],
    mapping: Annotated[str | None, typer.Option(
        help="Built-in mapping (canonical, ru_customs, bill_of_lading) or a YAML file. "
             "Default: detected from the header.")] = None,
    source_name: Annotated[str | None, typer.Option(
        help="Label for where the file came from (default: its name).")] = None,
    workspace: WorkspaceOpt = None,
    max_inflated_mb: MaxInflatedOpt = None,
) -> None:
    """Load a shipment file (a file already loaded is skipped)."""
    with inflate_limit(InflateLimit.flat(max_inflated_mb)), open_workspace(workspace) as ws, \
            monitored(ws):
        with Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"),
                      TextColumn("{task.completed:,} rows"), TimeElapsedColumn(),
                      console=console, transient=True) as progress:
            task = progress.add_task(f"loading {path.name}", total=None)
            result = load_shipments(ws, path, mapping=mapping, source_name=source_name,
                                    progress=lambda n: progress.update(task, completed=n))
        _render(result, store.quarantined(ws.engine, result.load.load_id, QUARANTINE_SHOWN)
                if result.created else [])


@app.command("status")
def status(workspace: WorkspaceOpt = None) -> None:
    """Every shipment load: file, mapping, counts."""
    with open_workspace(workspace, read_only=True) as ws:
        loads = store.list_loads(ws.engine)
    table = Table(title="shipment loads")
    for col in ("id", "source", "mapping", "file", "sha256", "loaded", "shipments",
                "quarantined", "warnings", "seconds"):
        table.add_column(col, overflow="fold",
                         justify="right" if col in ("id", "shipments", "quarantined",
                                                    "warnings", "seconds") else "left")
    for s in loads:
        table.add_row(str(s.load_id), s.source_name, s.mapping, Path(s.file).name,
                      s.sha256[:12], f"{s.loaded_at:%Y-%m-%d %H:%M}", f"{s.row_count:,}",
                      f"{s.quarantined_count:,}", f"{s.warning_count:,}",
                      f"{s.seconds or 0:.1f}")
    console.print(table)


app.command("firms")(firms_cli.firms)
