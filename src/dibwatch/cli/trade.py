"""``dibwatch trade …``: load shipment files through a mapping, and show the loads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dibwatch.cli import firms as firms_cli
from dibwatch.cli._common import (
    MaxInflatedOpt,
    WorkspaceOpt,
    actor,
    console,
    esc,
    monitored,
    open_workspace,
    stage_progress,
    storing,
)
from dibwatch.ingest.files import InflateLimit, inflate_limit
from dibwatch.pipeline import services
from dibwatch.trade import store
from dibwatch.trade.loader import TradeLoadResult, unload_shipments
from dibwatch.workspace.changes import list_changes

VIA_SERVER = "shipments have no API route to load through"

app = typer.Typer(help="Trade records: load shipment files, show loads.", no_args_is_help=True)

QUARANTINE_SHOWN = 10


def _render(result: TradeLoadResult, quarantined: list[store.QuarantinedRow]) -> None:
    s = result.load
    if not result.created:
        console.print(f"[yellow]unchanged[/]: these bytes are already load {s.load_id} "
                      f"({esc(s.file)}, sha256 {s.sha256[:12]}); nothing loaded")
        return
    console.print(
        f"[green]loaded[/] {esc(s.file)} ({result.file_format}, mapping "
        f"[bold]{esc(s.mapping)}[/]) -> "
        f"load [bold]{s.load_id}[/]: {s.row_count:,} shipments, "
        f"[red]{s.quarantined_count:,} quarantined[/], {s.warning_count:,} field warnings "
        f"in {s.seconds or 0:.1f}s")
    if result.missing_fields:
        console.print(f"  [yellow]mapped fields without a column[/]: "
                      f"{esc(', '.join(result.missing_fields))}")
    if result.unused_columns:
        console.print(f"  [yellow]columns not mapped[/]: "
                      f"{esc(', '.join(result.unused_columns))}")
    if not quarantined:
        return
    table = Table(title=f"first quarantined rows ({s.quarantined_count:,} rows in all)",
                  title_style="red")
    for col in ("line", "field", "reason", "row"):
        table.add_column(col, overflow="fold")
    for q in quarantined:
        row = json.loads(q.raw_row)
        shown = "; ".join(f"{k}={v}" for k, v in row.items() if v not in (None, ""))
        table.add_row(str(q.line_no), esc(q.field or "-"), esc(q.reason),
                      esc(shown[:160] + ("…" if len(shown) > 160 else "")))
    console.print(table)


@app.command("load")
def load(
    path: Annotated[Path, typer.Argument(help="Shipment file: CSV, Parquet, XLSX or JSON lines.")],
    mapping: Annotated[str | None, typer.Option(
        help="Built-in mapping (canonical, ru_customs, bill_of_lading) or a YAML file. "
             "Default: detected from the header.")] = None,
    source_name: Annotated[str | None, typer.Option(
        help="Label for where the file came from (default: its name).")] = None,
    replace: Annotated[bool, typer.Option(
        "--replace", help="Replace the newest earlier load with the same source name (a "
                          "corrected file); the change is recorded.")] = False,
    encoding: Annotated[str | None, typer.Option(
        help="Text encoding of a CSV file (default: detected; UTF-8 or cp1251).")] = None,
    bad_bytes: Annotated[str, typer.Option(
        "--bad-bytes", help="Bytes invalid in the encoding: 'refuse' the file naming the "
                            "line, or 'replace' them and warn on each such line.")]
    = "refuse",
    workspace: WorkspaceOpt = None,
    max_inflated_mb: MaxInflatedOpt = None,
) -> None:
    """Load a shipment file (a file already loaded is skipped). A file none of whose rows
    maps to the canonical schema is refused."""
    with (inflate_limit(InflateLimit.flat(max_inflated_mb)),
          open_workspace(workspace, through_server=VIA_SERVER) as ws, monitored(ws),
          storing(path)):
        with stage_progress() as progress:
            result, _ = services.load_shipments(
                ws, path, actor=actor(), monitoring=None, mapping=mapping,
                source_name=source_name, replace=replace, encoding=encoding,
                bad_bytes=bad_bytes, progress=lambda n: progress(f"loading {path.name}", n, 0))
        _render(result, store.quarantined(ws.engine, result.load.load_id, QUARANTINE_SHOWN)
                if result.created else [])
        if result.created and replace:
            change = list_changes(ws.engine, "shipments")[-1]
            console.print(f"replaced load {change.object_id} ({esc(change.file)}); firms are "
                          f"out of date: `dibwatch update` or `dibwatch trade resolve`")


@app.command("unload")
def unload(
    load_id: Annotated[int, typer.Argument(help="Load id (see `dibwatch trade status`).")],
    reason: Annotated[str, typer.Option(help="Why, for the record.")] = "",
    workspace: WorkspaceOpt = None,
) -> None:
    """Remove a shipment load and every row of it (the record of the removal stays)."""
    with open_workspace(workspace, through_server=VIA_SERVER) as ws:
        load = unload_shipments(ws, load_id, reason=reason)
        services.record(ws, actor=actor(), action="shipments.unload", object_type="load",
                        object_id=str(load_id), detail={"file": load.file, "reason": reason})
    console.print(f"removed load {load.load_id} ({esc(load.file)}, {load.row_count:,} "
                  f"shipments); firms are out of date: `dibwatch update` or `dibwatch trade "
                  f"resolve`")


@app.command("status")
def status(workspace: WorkspaceOpt = None) -> None:
    """Every shipment load: file, mapping, counts."""
    with open_workspace(workspace, read_only=True) as ws:
        loads = store.list_loads(ws.engine)
    if not loads:
        console.print("no shipment loads yet: run `dibwatch trade load FILE`")
        return
    table = Table(title="shipment loads")
    for col in ("id", "source", "mapping", "file", "sha256", "loaded", "shipments",
                "quarantined", "warnings", "seconds"):
        table.add_column(col, overflow="fold",
                         justify="right" if col in ("id", "shipments", "quarantined",
                                                    "warnings", "seconds") else "left")
    for s in loads:
        table.add_row(str(s.load_id), esc(s.source_name), esc(s.mapping), esc(Path(s.file).name),
                      s.sha256[:12], f"{s.loaded_at:%Y-%m-%d %H:%M}", f"{s.row_count:,}",
                      f"{s.quarantined_count:,}", f"{s.warning_count:,}",
                      f"{s.seconds or 0:.1f}")
    console.print(table)


app.command("resolve")(firms_cli.resolve)
app.command("firms")(firms_cli.firms)
app.command("split")(firms_cli.split)
app.command("merge")(firms_cli.merge)
