"""``dibwatch report``: write the static HTML report (overview, dossiers, PDFs) of a risk run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dibwatch import pipeline
from dibwatch.cli._common import (
    WorkspaceOpt,
    console,
    err_console,
    esc,
    open_workspace,
    stage_progress,
)


def report(
    workspace: WorkspaceOpt = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the report site.")]
    = Path("dibwatch-report"),
    dossiers: Annotated[int, typer.Option(
        help="Dossiers to write: one per top-ranked flagged firm.")] = 50,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write each dossier as PDF.")]
    = True,
    run_id: Annotated[int | None, typer.Option(
        "--run", help="Risk run to report on. Default: the latest finished run.")] = None,
    force: Annotated[bool, typer.Option(
        help="Write again even if the folder already holds this run's report.")] = False,
) -> None:
    """Write the report of a risk run: an overview (CHPL flows against the pre-invasion
    baseline, top traders, hubs, brands, the ranked firms) and a dossier per top-ranked firm
    with every flag's evidence rows, its network and its list matches, plus PDFs."""
    with open_workspace(workspace, read_only=True) as ws, stage_progress() as progress:
        outcome = pipeline.report(ws, out, run_id=run_id, dossiers=dossiers, pdf=pdf,
                                  force=force, progress=progress)
    result = outcome.result
    if result is None:
        console.print(f"report: {esc(outcome.why)} — `--force` writes it again")
    else:
        for warning in result.warnings:
            err_console.print(f"[yellow]warning:[/] {esc(warning)}")
        pdfs = sum(1 for d in result.dossiers if d.pdf is not None)
        console.print(f"report of risk run {result.run_id}: {len(result.dossiers)} dossiers, "
                      f"{pdfs} PDFs, {result.seconds.get('total', 0.0):.1f}s")
    console.print(f"open [bold]{esc((out / 'index.html').resolve())}[/]")
