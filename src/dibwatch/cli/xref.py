"""``dibwatch lists xref`` and ``dibwatch lists coverage``: the same party across
authorities, the dates each listed it, coverage and gaps."""

from __future__ import annotations

import csv
import shlex
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dibwatch.casework.state import AppState, state_path_for
from dibwatch.cli._common import WorkspaceOpt, console, open_workspace, stage_progress
from dibwatch.errors import ConfigError
from dibwatch.workspace import Workspace
from dibwatch.xref import PairDecisions, XrefSettings, is_fresh, run_xref, store
from dibwatch.xref.coverage import SCHEMA_GROUPS, coverage_summary, gaps, parties, timeline
from dibwatch.xref.export import write_coverage


def _decisions(ws: Workspace) -> PairDecisions | None:
    """The analysts' pair decisions from the workspace's app state, if it was ever served."""
    from dibwatch.xref.decisions import pair_decisions

    state_file = state_path_for(ws.path)
    return pair_decisions(AppState(state_file)) if state_file.exists() else None


def _run(ws: Workspace, settings: XrefSettings, rematch: bool) -> store.RunInfo:
    with stage_progress() as report:
        return run_xref(ws, settings=settings, decisions=_decisions(ws), progress=report,
                        rematch=rematch)


def xref(
    names: Annotated[bool, typer.Option("--names/--no-names",
                                        help="Link by the matcher too (default).")] = True,
    link_score: Annotated[float, typer.Option(
        help="Matcher score (both ways) from which a name pair with agreeing countries and "
             "schemata is linked; lower pairs go to the analysts' queue.")] = 0.90,
    rematch: Annotated[bool, typer.Option(
        help="Match names again even if the snapshots did not change.")] = False,
    workers: Annotated[int | None, typer.Option(help="Matcher processes (default: all "
                                                     "cores).")] = None,
    queue: Annotated[int, typer.Option(help="Queued pairs shown.")] = 10,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write every party (cluster) to this CSV file.")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Link every loaded list entity across sources into parties: by shared valid
    identifiers (INN, OGRN, USCC, IMO, …), list cross-references, then the matcher with
    country and schema agreement; date every designation; queue borderline pairs."""
    if not 0 < link_score <= 1:
        raise ConfigError(f"--link-score must be in (0, 1], got {link_score}")
    settings = XrefSettings(names=names, link_score=link_score, workers=workers)
    with open_workspace(workspace) as ws:
        info = _run(ws, settings, rematch)
        eng = ws.engine
        row = store.query(eng, "SELECT count(*) FILTER (WHERE member_count > 1) AS joined, "
                               "count(*) FILTER (WHERE len(authorities) > 1) AS multi, "
                               "count(*) FILTER (WHERE conflicts IS NOT NULL) AS conflicts "
                               "FROM xref_clusters")[0]
        pending = store.query(eng, store.QUEUE, [None, None, queue, 0])
        if output is not None:
            _write_clusters(ws, output)
    table = Table(title=f"cross-referencing run {info.run_id} ({info.algorithm})")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("list entries (every snapshot)", f"{info.entity_count:,}")
    table.add_row("parties (clusters)", f"{info.cluster_count:,}")
    table.add_row("parties with several entries", f"{row['joined']:,}")
    table.add_row("parties listed by several authorities", f"{row['multi']:,}")
    table.add_row("parties with conflicting identifiers or schemata", f"{row['conflicts']:,}")
    for key, n in info.link_counts.items():
        table.add_row(f"links {key}", f"{n:,}")
    console.print(table)
    if pending:
        q = Table(title="analysts' queue (best first)")
        for col in ("score", "entry A", "entry B", "why queued"):
            q.add_column(col, overflow="fold")
        for p in pending:
            q.add_row(f"{p['score']:.2f}", f"{p['caption_a']} [{p['source_a']}]",
                      f"{p['caption_b']} [{p['source_b']}]", p["reason"] or "")
        console.print(q)
    if output is not None:
        console.print(f"parties written to [bold]{output}[/]")


def _write_clusters(ws: Workspace, path: Path) -> None:
    rows = store.query(ws.engine, """
        SELECT c.cluster_id, c.caption, c.schema, array_to_string(c.countries, ' ') AS countries,
               c.member_count, array_to_string(c.authorities, ' ') AS authorities,
               array_to_string(c.bodies, '; ') AS bodies,
               array_to_string(c.families, '; ') AS families, c.first_listed, c.listed_now,
               array_to_string(c.sectors, '; ') AS sectors,
               array_to_string(c.identifiers, ' ') AS identifiers, c.conflicts,
               (SELECT string_agg(m.entity_id, ' ' ORDER BY m.entity_id) FROM xref_members m
                WHERE m.cluster_id = c.cluster_id) AS entity_ids
        FROM xref_clusters c ORDER BY c.member_count DESC, c.caption""")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(rows[0]) if rows else ["cluster_id"])
        writer.writeheader()
        writer.writerows(rows)


def _countries(value: str | None) -> list[str] | None:
    if not value:
        return None
    codes = [c.strip().lower() for c in value.split(",") if c.strip()]
    bad = [c for c in codes if len(c) != 2 or not c.isalpha()]
    if bad:
        raise ConfigError(f"--country takes ISO-2 codes separated by commas, not {bad}")
    return codes


def _command(workspace: Path | None, country: str | None, schema: str, family: str | None,
             output: Path) -> str:
    """The command that writes this coverage file, as a reader would type it."""
    args = ["dibwatch", "lists", "coverage"]
    if workspace is not None:
        args += ["-w", str(workspace)]
    if country:
        args += ["--country", country]
    if schema != "firms":
        args += ["--schema", schema]
    if family:
        args += ["--family", family]
    args += ["--output", str(output)]
    return " ".join(shlex.quote(a) for a in args)


def coverage(
    country: Annotated[str | None, typer.Option(
        help="Countries of address or registration, ISO-2, comma-separated (e.g. CN,HK).")]
    = None,
    schema: Annotated[str, typer.Option(help="firms | persons | vessels | all")] = "firms",
    family: Annotated[str | None, typer.Option(
        help="Only parties listed in this program family (russia, iran, dprk, …).")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the coverage to .csv or .json (one row per party), or "
                               ".md (the document kept in docs/).")] = None,
    refresh: Annotated[bool, typer.Option(
        "--refresh/--no-refresh",
        help="Cross-reference first when the lists changed since the last run.")] = True,
    workspace: WorkspaceOpt = None,
) -> None:
    """Which authorities list the parties of a country, since when, and the gaps: listed for
    Russia by one authority, absent from another."""
    if schema not in SCHEMA_GROUPS:
        raise ConfigError(f"--schema must be one of {', '.join(SCHEMA_GROUPS)}")
    codes = _countries(country)
    with open_workspace(workspace, read_only=not refresh) as ws:
        if refresh and not is_fresh(ws):
            console.print("lists changed since the last cross-referencing run: running it")
            _run(ws, XrefSettings(), rematch=False)
        selected = parties(ws.engine, countries=codes, schemas=SCHEMA_GROUPS[schema],
                           family=family)
        found = gaps(ws.engine, selected)
        if output is not None:
            command = _command(workspace, country, schema, family, output)
            write_coverage(ws.engine, output, countries=codes, schemas=SCHEMA_GROUPS[schema],
                           family=family, command=command)
    summary = coverage_summary(selected, codes or [])
    if summary:
        bodies = list(next(iter(summary.values())))
        t = Table(title="parties listed now (for Russia; CHPL-relevant)")
        t.add_column("country")
        for b in bodies:
            t.add_column(b, justify="right")
        for key, row in summary.items():
            t.add_row(key.upper(), *(f"{row[b].parties} ({row[b].russia}; {row[b].chpl})"
                                     for b in bodies))
        console.print(t)
    else:
        console.print(f"{len(selected):,} parties listed now")
    counts: dict[tuple[str, str, str], int] = {}
    for g in found:
        counts[(g.listed_by, g.absent_from, g.status)] = counts.get(
            (g.listed_by, g.absent_from, g.status), 0) + 1
    if counts:
        t = Table(title="gaps: listed for Russia by one authority, absent from another")
        for col in ("listed by", "absent from", "status", "parties"):
            t.add_column(col)
        for (by, absent, status), n in sorted(counts.items()):
            t.add_row(by, absent, status, str(n))
        console.print(t)
    months, series = timeline(selected)
    if months:
        t = Table(title="first listings per month since 2022-02-24")
        t.add_column("month")
        for b in series:
            t.add_column(b, justify="right")
        for i, m in enumerate(months):
            if any(v[i] for v in series.values()):
                t.add_row(m, *(str(v[i] or "") for v in series.values()))
        console.print(t)
    if output is not None:
        console.print(f"coverage of {len(selected):,} parties written to [bold]{output}[/]")
