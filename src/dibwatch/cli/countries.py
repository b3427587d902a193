"""``dibwatch countries …``: load official trade statistics and show who supplies Russia and
where the "roundabout" trade runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dibwatch.cli._common import WorkspaceOpt, console, esc, open_workspace, stage_progress, storing
from dibwatch.countries import (
    BASELINE,
    DEFAULT_CIF_FOB,
    FORMATS,
    MIRROR_PARTNERS,
    NEIGHBOURS,
    Conversion,
    CountryLoadResult,
    chpl_tier_flows,
    export_flows,
    list_snapshots,
    load_stats,
    mirror_gaps,
    roundabout,
    share_shift,
    top_partners,
)
from dibwatch.errors import ConfigError
from dibwatch.model.country import country_name
from dibwatch.workspace import Workspace

app = typer.Typer(help="Country-level trade statistics: IMF, Eurostat Comext, national "
                       "tables, UN Comtrade.", no_args_is_help=True)

ISSUES_SHOWN = 10


def _money(value: float | None) -> str:
    return "-" if value is None else f"{value / 1e6:,.1f}"


def _pct(value: float | None, *, signed: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value * 100:+.1f}%" if signed else f"{value * 100:.1f}%"


def _render_load(result: CountryLoadResult) -> None:
    s = result.snapshot
    if not result.created:
        console.print(f"[yellow]unchanged[/]: these bytes are already snapshot "
                      f"{s.snapshot_id} ({Path(s.file).name}, sha256 {s.sha256[:12]})")
        return
    console.print(f"[green]loaded[/] {Path(s.file).name} ({s.format}) -> snapshot "
                  f"[bold]{s.snapshot_id}[/]: {s.row_count:,} flows, {s.skipped_count:,} "
                  f"rows skipped, {s.warning_count:,} warnings, {s.leftover_count:,} "
                  f"leftover fields in {s.seconds or 0:.2f}s")
    issues = json.loads(s.report)["issues"][:ISSUES_SHOWN]
    if issues:
        table = Table(title="first issues", title_style="yellow")
        for col in ("where", "issue", "value"):
            table.add_column(col, overflow="fold")
        for i in issues:
            table.add_row(esc(i["location"]), esc(i["message"]), esc(i["value"] or ""))
        console.print(table)


@app.command("load")
def load(
    paths: Annotated[list[Path], typer.Argument(help="Statistics CSV files.", exists=True,
                                                dir_okay=False)],
    fmt: Annotated[str | None, typer.Option(
        "--format", help=f"One of {', '.join(FORMATS)}. Default: detected from the header.")]
    = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Load statistics files (a file already loaded is skipped)."""
    with open_workspace(workspace, through_server="country statistics have no API route "
                        "to load through") as ws:
        for path in paths:
            _render_load(_load_one(ws, path, fmt))


def _load_one(ws: Workspace, path: Path, fmt: str | None) -> CountryLoadResult:
    with stage_progress() as progress, storing(path):
        return load_stats(ws, path, fmt=fmt,
                          progress=lambda n: progress(f"loading {path.name}", n, 0))


@app.command("status")
def status(workspace: WorkspaceOpt = None) -> None:
    """Every loaded statistics file: source, format, counts."""
    with open_workspace(workspace, read_only=True) as ws:
        snapshots = list_snapshots(ws.engine)
    table = Table(title="country statistics snapshots")
    right = ("id", "flows", "skipped", "warnings", "leftovers")
    for col in ("id", "source", "format", "file", "sha256", "loaded", *right[1:]):
        table.add_column(col, overflow="fold", justify="right" if col in right else "left")
    for s in snapshots:
        table.add_row(str(s.snapshot_id), esc(s.source), esc(s.format), esc(Path(s.file).name),
                      s.sha256[:12],
                      f"{s.loaded_at:%Y-%m-%d %H:%M}", f"{s.row_count:,}",
                      f"{s.skipped_count:,}", f"{s.warning_count:,}", f"{s.leftover_count:,}")
    console.print(table)


@app.command("partners")
def partners(
    reporter: Annotated[str, typer.Option(help="Reporter, ISO-2.")] = "RU",
    flow: Annotated[str, typer.Option(help="import or export.")] = "import",
    top: Annotated[int, typer.Option(help="Partners shown per year.")] = 10,
    source: Annotated[str, typer.Option(help="Statistics source.")] = "imf_imts",
    focus: Annotated[str, typer.Option(help="Partner whose share before/after 2022 is "
                                            "summarised.")] = "CN",
    workspace: WorkspaceOpt = None,
) -> None:
    """The reporter's top partners by year: value, share, change against 2019–2021."""
    with open_workspace(workspace, read_only=True) as ws:
        by_year = top_partners(ws.engine, reporter=reporter, flow=flow, n=top, source=source)
        shift = share_shift(ws.engine, partner=focus, reporter=reporter, flow=flow,
                            source=source)
    if not by_year:
        console.print(f"[yellow]no {flow} data for {reporter} from {source}[/]")
        raise typer.Exit(1)
    for year, rows in by_year.items():
        table = Table(title=f"{country_name(reporter)} {flow}s {year}, top {len(rows)} "
                            f"(millions {rows[0].currency})")
        for col in ("#", "partner", "value", "share", "baseline", "vs baseline", "share Δ pp"):
            table.add_column(col, justify="left" if col == "partner" else "right")
        for i, p in enumerate(rows, 1):
            table.add_row(str(i), f"{p.partner} {country_name(p.partner)}", _money(p.value),
                          _pct(p.share), _money(p.baseline_value),
                          _pct(p.growth_vs_baseline, signed=True),
                          "-" if p.share_change_pp is None else f"{p.share_change_pp:+.1f}")
        console.print(table)
    console.print(
        f"[bold]{country_name(focus)}[/] share of {country_name(reporter)}'s {flow}s: "
        f"{_pct(shift.before_share)} in {'–'.join(map(str, (BASELINE[0], BASELINE[-1])))} -> "
        f"{_pct(shift.after_share)} in {', '.join(map(str, shift.after_years)) or '-'} "
        f"({'-' if shift.change_pp is None else f'{shift.change_pp:+.1f}'} pp)")


@app.command("roundabout")
def roundabout_cmd(
    neighbour: Annotated[list[str] | None, typer.Option(
        help=f"Neighbour(s), ISO-2. Default: {', '.join(NEIGHBOURS)}.")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """EU exports to Russia's neighbours against 2019–2021 and against EU exports to all
    extra-EU partners."""
    with open_workspace(workspace, read_only=True) as ws:
        rows = roundabout(ws.engine, neighbours=tuple(neighbour or NEIGHBOURS))
    table = Table(title="EU27 exports to neighbours (millions EUR; index 2019–2021 = 100)")
    for col in ("neighbour", "year", "exports", "index", "extra-EU index", "relative"):
        table.add_column(col, justify="left" if col == "neighbour" else "right")
    for r in rows:
        if r.year < BASELINE[0]:
            continue
        year = str(r.year) if r.months == 12 else f"{r.year} ({r.months} mo.)"
        table.add_row(f"{r.neighbour} {country_name(r.neighbour)}", year, _money(r.exports),
                      *("-" if v is None else f"{v:.0f}"
                        for v in (r.index, r.world_index, r.relative_index)))
    console.print(table)


@app.command("mirror")
def mirror(
    partner: Annotated[list[str] | None, typer.Option(
        help=f"Partner(s), ISO-2. Default: {', '.join(MIRROR_PARTNERS)}.")] = None,
    cif_fob: Annotated[float, typer.Option(
        help="CIF/FOB factor: imports CIF are divided by it.")] = DEFAULT_CIF_FOB,
    workspace: WorkspaceOpt = None,
) -> None:
    """Mirror gaps: EU exports vs the partner's recorded imports from the EU (USD, FOB)."""
    try:
        conversion = Conversion(cif_fob_factor=cif_fob)
    except ConfigError as exc:
        raise typer.BadParameter(str(exc)) from None
    with open_workspace(workspace, read_only=True) as ws:
        rows = mirror_gaps(ws.engine, partners=tuple(partner or MIRROR_PARTNERS),
                           conversion=conversion)
    table = Table(title=f"mirror gaps, millions USD (CIF/FOB factor {cif_fob})")
    for col in ("partner", "year", "EU exports", "partner imports FOB", "gap", "gap %",
                "import source"):
        table.add_column(col, justify="left" if col in ("partner", "import source")
                         else "right")
    for r in rows:
        table.add_row(f"{r.partner} {country_name(r.partner)}", str(r.year),
                      _money(r.exports_usd), _money(r.imports_fob_usd), _money(r.gap_usd),
                      _pct(r.gap_share, signed=True), r.imports_source)
    console.print(table)


@app.command("tiers")
def tiers(
    reporter: Annotated[str | None, typer.Option(help="Reporter, ISO-2.")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """HS-level statistics (UN Comtrade layout) summed by CHPL tier."""
    with open_workspace(workspace, read_only=True) as ws:
        rows = chpl_tier_flows(ws.engine, reporter=reporter)
    table = Table(title="CHPL tiers (HS-level statistics)")
    for col in ("reporter", "partner", "flow", "year", "tier", "codes", "value", "currency",
                "vs baseline"):
        table.add_column(col, justify="right" if col in ("value", "codes", "vs baseline")
                         else "left")
    for r in rows:
        table.add_row(r.reporter, r.partner, r.flow, str(r.year), r.tier, str(r.codes),
                      f"{r.value:,.0f}", r.currency, _pct(r.growth_vs_baseline, signed=True))
    console.print(table)


@app.command("export")
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    fmt: Annotated[str | None, typer.Option(
        "--format", help="csv or parquet. Default: from the file suffix.")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Write every current country flow to CSV or Parquet."""
    chosen = (fmt or output.suffix.lstrip(".")).lower()
    if chosen not in ("csv", "parquet"):
        raise typer.BadParameter(f"format must be csv or parquet, not {chosen!r}")
    with open_workspace(workspace, read_only=True) as ws:
        export_flows(ws.engine, output, chosen)
    console.print(f"[green]wrote[/] {output} ({chosen})")
