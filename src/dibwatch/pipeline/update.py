"""``update``: bring a workspace up to date end to end — load what is new, then resolve,
screen, rank and report, each only when its inputs changed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dibwatch.countries.loader import load_stats
from dibwatch.lists.loader import load_list
from dibwatch.pipeline import run
from dibwatch.pipeline.run import StageOutcome
from dibwatch.risk import Decisions, RiskConfig
from dibwatch.trade.loader import load_shipments
from dibwatch.workspace import Workspace

Progress = Callable[[str, int, int], None]
SHIPMENT_SUFFIXES = (".csv", ".tsv", ".txt", ".gz", ".parquet", ".xlsx", ".jsonl", ".ndjson")


@dataclass
class UpdatePlan:
    lists: Sequence[Path] = ()
    shipments: Sequence[Path] = ()
    countries: Sequence[Path] = ()
    report_dir: Path | None = None
    dossiers: int = 50
    pdf: bool = True
    config: RiskConfig | None = None
    decisions: Decisions | None = None
    force: bool = False


@dataclass
class UpdateResult:
    outcomes: list[StageOutcome[Any]] = field(default_factory=list)

    @property
    def did_work(self) -> bool:
        return any(o.ran for o in self.outcomes)


def shipment_files(paths: Sequence[Path]) -> list[Path]:
    """Files as given; a folder stands for the shipment files directly inside it."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.iterdir()
                          if p.is_file() and p.name.lower().endswith(SHIPMENT_SUFFIXES))
        else:
            out.append(path)
    return out


def _loads(kind: str, results: list[bool], files: int) -> StageOutcome[Any]:
    new = sum(results)
    if not files:
        return StageOutcome(kind, False, "no files given")
    return StageOutcome(kind, new > 0,
                        f"{new} new of {files} file(s)" if new else
                        f"all {files} file(s) already loaded")


def update(ws: Workspace, plan: UpdatePlan, *,
           progress: Progress | None = None) -> UpdateResult:
    out = UpdateResult()

    def step(label: str) -> Callable[[int], None] | None:
        return (lambda n: progress(label, n, 0)) if progress else None

    created = [load_list(ws, p, progress=step(f"loading {p.name}")).created
               for p in plan.lists]
    out.outcomes.append(_loads("lists", created, len(plan.lists)))
    files = shipment_files(plan.shipments)
    created = [load_shipments(ws, p, progress=step(f"loading {p.name}")).created
               for p in files]
    out.outcomes.append(_loads("shipments", created, len(files)))
    created = [load_stats(ws, p, progress=step(f"loading {p.name}")).created
               for p in plan.countries]
    out.outcomes.append(_loads("countries", created, len(plan.countries)))

    out.outcomes.append(run.resolve(ws, force=plan.force, progress=progress))
    out.outcomes.append(run.screen(ws, force=plan.force, progress=progress))
    out.outcomes.append(run.rank(ws, config=plan.config, decisions=plan.decisions,
                                 force=plan.force, progress=progress))
    if plan.report_dir is not None:
        out.outcomes.append(run.report(ws, plan.report_dir, dossiers=plan.dossiers,
                                       pdf=plan.pdf, force=plan.force, progress=progress))
    return out
