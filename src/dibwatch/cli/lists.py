"""``dibwatch lists …``: load, fetch, inspect, diff and export sanctions / export-control lists."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dibwatch.cli import render
from dibwatch.cli import xref as xref_commands
from dibwatch.cli._common import (
    MaxInflatedOpt,
    WorkspaceOpt,
    actor,
    console,
    err_console,
    esc,
    monitored,
    open_workspace,
    server_holding,
    stage_progress,
    storing,
)
from dibwatch.errors import ConfigError
from dibwatch.ingest.files import InflateLimit, inflate_limit
from dibwatch.lists import export as export_mod
from dibwatch.lists import store
from dibwatch.lists.fetch import fetch_source
from dibwatch.lists.loader import LoadResult, unload_list
from dibwatch.lists.parsers import all_parsers, list_inputs
from dibwatch.lists.registry import SOURCES, get_source
from dibwatch.pipeline import services
from dibwatch.workspace import Workspace, resolve_path

app = typer.Typer(help="Sanctions and export-control lists: load, fetch, status, diff, export.",
                  no_args_is_help=True)


VIA_SERVER = ("load it through the server: POST the file to {url}/lists/load (e.g. curl -H "
              "'Authorization: Bearer TOKEN' -F file=@FILE {url}/lists/load; `dibwatch users "
              "token NAME` makes a token) or the dashboard's Lists page")


def _load_with_progress(ws: Workspace, path: Path, source: str | None,
                        fmt: str | None, replace: bool = False) -> LoadResult:
    # Monitored by the caller, once for all the files; recorded in the audit trail here.
    with stage_progress() as progress, storing(path):
        result, _ = services.load_list(
            ws, path, actor=actor(), monitoring=None, source=source, fmt=fmt,
            replace=replace, progress=lambda n: progress(f"loading {path.name}", n, 0))
    return result


def _through_server(workspace: Path | None) -> str:
    server = server_holding(workspace)
    return VIA_SERVER.format(url=server.url if server else "URL")


@app.command("load")
def load(
    paths: Annotated[list[Path], typer.Argument(
        help="List file(s) or folder(s) to load; a folder of list files loads each.")],
    source: Annotated[str | None, typer.Option(help="Source name (default: detected).")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="Parser format (default: "
                                                             "detected from content).")] = None,
    replace: Annotated[bool, typer.Option(
        "--replace", help="Replace the source's current snapshot (loaded by mistake); the "
                          "change is recorded.")] = False,
    workspace: WorkspaceOpt = None,
    max_inflated_mb: MaxInflatedOpt = None,
) -> None:
    """Load list files into new snapshots (a file already loaded is skipped)."""
    files = [f for p in paths for f in list_inputs(p, fmt)]
    if replace and len(files) > 1:
        raise ConfigError("--replace takes one list file")
    with inflate_limit(InflateLimit.flat(max_inflated_mb)), \
            open_workspace(workspace, through_server=_through_server(workspace)) as ws, \
            monitored(ws):
        for path in files:
            result = _load_with_progress(ws, path, source, fmt, replace)
            render.load_result(result, store.load_leftovers(ws.engine,
                                                            result.snapshot.snapshot_id))
            if result.created and source is None and not replace:
                _warn_if_shrunk(ws, result.snapshot)


@app.command("unload")
def unload(
    snapshot_id: Annotated[int, typer.Argument(help="Snapshot id (see `dibwatch lists "
                                                    "status`).")],
    reason: Annotated[str, typer.Option(help="Why, for the record.")] = "",
    workspace: WorkspaceOpt = None,
) -> None:
    """Remove a snapshot loaded by mistake (the record of the removal stays); the source's
    previous snapshot becomes current again."""
    with open_workspace(workspace, through_server=_through_server(workspace)) as ws:
        info = unload_list(ws, snapshot_id, reason=reason)
        services.record(ws, actor=actor(), action="lists.unload", object_type="snapshot",
                        object_id=str(snapshot_id), detail={"source": info.source,
                                                            "reason": reason})
    console.print(f"removed snapshot {info.snapshot_id} of {esc(info.source)} "
                  f"({info.entity_count:,} entities from {esc(info.path)})")


# A new snapshot of a source with under this share of the previous one's entities is more
# likely another list in the same format than the same list a few months on.
SHRINK_WARNING = 0.5


def _warn_if_shrunk(ws: Workspace, new: store.SnapshotInfo) -> None:
    """Warn when the source was detected and the new snapshot is much smaller than the one
    before: it now stands for the source, so every screen would see the smaller list."""
    earlier = [s for s in store.list_snapshots(ws.engine, new.source)
               if s.snapshot_id < new.snapshot_id]
    if earlier and new.entity_count < SHRINK_WARNING * earlier[-1].entity_count:
        err_console.print(
            f"[yellow]warning:[/] snapshot {new.snapshot_id} of {new.source} has "
            f"{new.entity_count:,} entities, snapshot {earlier[-1].snapshot_id} had "
            f"{earlier[-1].entity_count:,}; it is now the current {new.source}. If this is "
            f"another list in the same format, load it with --source NAME.")


@app.command("status")
def status(
    source: Annotated[str | None, typer.Option(help="Only this source.")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """The snapshot table: every load, with its counts and publication date."""
    with open_workspace(workspace, read_only=True) as ws:
        render.snapshots(store.list_snapshots(ws.engine, source))


@app.command("diff")
def diff(
    source: Annotated[str, typer.Argument(help="Source name, e.g. us_ofac_sdn.")],
    from_: Annotated[int | None, typer.Option("--from", help="Old snapshot id.")] = None,
    to: Annotated[int | None, typer.Option("--to", help="New snapshot id.")] = None,
    limit: Annotated[int, typer.Option(help="Rows shown per section.")] = 20,
    workspace: WorkspaceOpt = None,
) -> None:
    """Who was added, removed or changed between two snapshots of a source."""
    with open_workspace(workspace, read_only=True) as ws:
        if from_ is None or to is None:
            prev, last = store.default_diff_pair(ws.engine, source)
            from_ = prev if from_ is None else from_
            to = last if to is None else to
        render.diff(store.diff_snapshots(ws.engine, from_, to), limit)


class ExportFormat(StrEnum):
    ftm = "ftm"
    csv = "csv"
    parquet = "parquet"


@app.command("export")
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="Output file.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="ftm | csv | parquet")] = (
        ExportFormat.ftm),
    source: Annotated[list[str] | None, typer.Option(help="Only these sources (repeatable).")]
    = None,
    snapshot: Annotated[list[int] | None, typer.Option(help="Exact snapshot ids.")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Export the current snapshot of each source (or given snapshots)."""
    with open_workspace(workspace, read_only=True) as ws:
        ids = export_mod.choose_snapshots(ws.engine, source, snapshot)
        count = export_mod.export(ws.engine, ids, output, fmt.value)
    console.print(f"wrote {count:,} entities to [bold]{output}[/] ({fmt.value})")


@app.command("show")
def show(
    entity_id: Annotated[str, typer.Argument(help="dibwatch entity id or the list's own id.")],
    snapshot: Annotated[int | None, typer.Option(help="Snapshot id (default newest).")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Everything a list says about one entity, and the snapshots that hold it."""
    with open_workspace(workspace, read_only=True) as ws:
        entity = store.get_entity(ws.engine, entity_id, snapshot)
        render.entity(entity, store.entity_history(ws.engine, entity.id))


@app.command("sources")
def sources(workspace: WorkspaceOpt = None) -> None:
    """The source registry: official URL, format, licence and update cadence of each list,
    and the snapshot the workspace holds of it."""
    loaded: dict[str, store.SnapshotInfo] = {}
    if resolve_path(workspace).exists():
        with open_workspace(workspace, read_only=True) as ws:
            loaded = {s.source: s for s in store.latest_snapshots(ws.engine)}
    table = Table(title="list sources", show_lines=False)
    for col in ("source", "title", "format", "licence", "cadence", "url / note",
                "in this workspace"):
        table.add_column(col, overflow="fold")
    for spec in SOURCES.values():
        where = "\n".join(d.url for d in spec.downloads) or spec.note
        have = loaded.get(spec.name)
        table.add_row(spec.name, spec.title, spec.format, spec.licence, spec.cadence, where,
                      f"snapshot {have.snapshot_id}, {have.loaded_at:%Y-%m-%d}" if have
                      else "")
    console.print(table)
    console.print(f"parsers: {', '.join(sorted(all_parsers()))}")


@app.command("fetch")
def fetch(
    names: Annotated[list[str] | None, typer.Argument(help="Sources to fetch (default: all "
                                                            "with an official URL).")] = None,
    dest: Annotated[Path, typer.Option(help="Download folder.")] = Path("downloads"),
    load_after: Annotated[bool, typer.Option("--load/--no-load",
                                             help="Load what was downloaded.")] = True,
    force: Annotated[bool, typer.Option(help="Ignore ETag / Last-Modified.")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Download lists from their official URLs (conditional requests, retries, checksums)."""
    specs = [get_source(n) for n in names] if names else [
        s for s in SOURCES.values() if s.fetchable]
    with open_workspace(workspace, through_server=_through_server(workspace)) as ws:
        for spec in specs:
            folder = dest / spec.name
            results = fetch_source(ws.engine, spec, folder, force=force)
            for r in results:
                console.print(f"{spec.name}: {r.status} {r.url} ({r.bytes:,} bytes)")
            if load_after and any(r.status == "downloaded" for r in results):
                target = folder if len(results) > 1 else results[0].path
                source = spec.name.removesuffix("_xml")
                result = _load_with_progress(ws, target, source, spec.format)
                render.load_result(result, store.load_leftovers(
                    ws.engine, result.snapshot.snapshot_id))


app.command("xref")(xref_commands.xref)
app.command("coverage")(xref_commands.coverage)
