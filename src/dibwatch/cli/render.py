"""Rich renderings of list-stage results. No logic: data in, tables out."""

from __future__ import annotations

from rich.panel import Panel
from rich.table import Table

from dibwatch.cli._common import console, esc
from dibwatch.lists.loader import LoadResult
from dibwatch.lists.store import ListDiff, SnapshotInfo
from dibwatch.model.entity import Entity


def snapshots(rows: list[SnapshotInfo]) -> None:
    if not rows:
        console.print("no snapshots yet: run [bold]dibwatch lists load PATH[/]")
        return
    table = Table(title="list snapshots")
    for col, just in (("id", "right"), ("source", "left"), ("format", "left"),
                      ("published", "left"), ("loaded (UTC)", "left"), ("entities", "right"),
                      ("names", "right"), ("ids", "right"), ("sanctions", "right"),
                      ("warnings", "right"), ("sha256", "left")):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for s in rows:
        table.add_row(str(s.snapshot_id), esc(s.source), esc(s.format),
                      esc(s.published_at or "-"),
                      s.loaded_at.strftime("%Y-%m-%d %H:%M:%S"), f"{s.entity_count:,}",
                      f"{s.name_count:,}", f"{s.identifier_count:,}", f"{s.sanction_count:,}",
                      f"{s.warning_count:,}", s.sha256[:12])
    console.print(table)


def load_result(result: LoadResult, leftovers: list[tuple[str, int]]) -> None:
    s = result.snapshot
    if not result.created:
        console.print(f"[yellow]unchanged[/]: {esc(s.path)} is already snapshot "
                      f"{s.snapshot_id} of {esc(s.source)} (sha256 {s.sha256[:12]}); nothing "
                      f"loaded")
        return
    console.print(
        f"[green]loaded[/] {esc(s.path)} -> snapshot [bold]{s.snapshot_id}[/] of "
        f"[bold]{esc(s.source)}[/] ({s.format}): {s.entity_count:,} entities, "
        f"{s.name_count:,} names, {s.identifier_count:,} identifiers, {s.sanction_count:,} "
        f"designations; published {esc(s.published_at or 'not stated')}; "
        f"{s.warning_count:,} warnings in "
        f"{s.load_seconds or 0:.1f}s")
    warnings = [i for i in result.report.issues if i.severity == "warning"][:5]
    for issue in warnings:
        console.print(f"  [yellow]warning[/] {esc(issue.location)}: {esc(issue.message)}"
                      + (f" [dim]({esc(issue.value)})[/]" if issue.value else ""))
    if leftovers:
        shown = esc(", ".join(f"{f} ×{n:,}" for f, n in leftovers[:8]))
        console.print(f"  [yellow]fields not consumed[/]: {shown}")


def diff(d: ListDiff, limit: int) -> None:
    console.print(
        f"[bold]{esc(d.source)}[/]: snapshot {d.old.snapshot_id} ({_when(d.old)}) -> "
        f"{d.new.snapshot_id} ({_when(d.new)}): [green]+{len(d.added):,} added"
        f"[/], [red]-{len(d.removed):,} removed[/], [yellow]~{len(d.changed):,} changed[/], "
        f"{d.unchanged:,} unchanged")
    for title, rows, style in (("added", d.added, "green"), ("removed", d.removed, "red")):
        if not rows:
            continue
        table = Table(title=f"{title} ({len(rows):,})", title_style=style)
        table.add_column("entity id")
        table.add_column("name")
        for eid, caption in rows[:limit]:
            table.add_row(esc(eid), esc(caption))
        if len(rows) > limit:
            table.caption = f"… {len(rows) - limit:,} more"
        console.print(table)
    if d.changed:
        table = Table(title=f"changed ({len(d.changed):,})", title_style="yellow")
        table.add_column("entity")
        table.add_column("what changed", overflow="fold")
        for ch in d.changed[:limit]:
            lines = [f"[green]+ {esc(k)}: {esc('; '.join(v))}[/]" for k, v in ch.added.items()]
            lines += [f"[red]- {esc(k)}: {esc('; '.join(v))}[/]"
                      for k, v in ch.removed.items()]
            table.add_row(f"{esc(ch.caption)}\n[dim]{esc(ch.entity_id)}[/]", "\n".join(lines))
        if len(d.changed) > limit:
            table.caption = f"… {len(d.changed) - limit:,} more"
        console.print(table)


def _when(s: SnapshotInfo) -> str:
    """A snapshot's date: published where the list states it, else when it was loaded."""
    if s.published_at:
        return f"published {esc(s.published_at)}"
    return f"loaded {s.loaded_at:%Y-%m-%d %H:%M}"


def entity(e: Entity, history: list[tuple[int, str, str]]) -> None:
    lines = [f"[bold]{esc(e.caption)}[/]  [dim]{esc(e.schema)} · {esc(e.id)} · "
             f"{esc(e.source)} record {esc(e.source_id)}[/]"]
    for n in e.names:
        lines.append(f"  name ({n.kind.value}{', ' + n.script if n.script else ''}): "
                     f"{esc(n.value)}")
    for i in e.identifiers:
        verdict = {True: "[green]valid[/]", False: "[red]invalid check digit[/]",
                   None: "no checksum"}[i.valid]
        extra = f" ({esc(i.country)})" if i.country else ""
        lines.append(f"  id {esc(i.scheme)}: {esc(i.value)}{extra} — {verdict}")
    for a in e.addresses:
        lines.append(f"  address: {esc(a.full)}")
    for c in e.countries:
        lines.append(f"  {esc(c.role)}: {esc(c.code)}")
    for label, values in (("born", e.birth_dates), ("birthplace", e.birth_places),
                          ("incorporated", e.incorporation_dates), ("website", e.websites),
                          ("email", e.emails), ("phone", e.phones)):
        for v in values:
            lines.append(f"  {label}: {esc(v)}")
    for s in e.sanctions:
        bits = [s.authority, s.list_name, s.program, s.listing_date and f"since {s.listing_date}"]
        lines.append("  designation: " + esc(" · ".join(b for b in bits if b)))
    for key, values in sorted(e.extra.items()):
        lines.append(f"  {esc(key)}: {esc('; '.join(values))}")
    for note in e.notes:
        lines.append(f"  [dim]note: {esc(note)}[/]")
    for p in e.provenance:
        where = f"line {p.line}" if p.line else (p.element or "")
        lines.append(f"  [dim]read from {esc(p.file)} {esc(where)}[/]")
    console.print(Panel("\n".join(lines), title="list entity", expand=False))
    if history:
        console.print("in snapshots: " + esc(", ".join(
            f"{sid} ({src}, {h[:8]})" for sid, src, h in history)))
