"""The derived stages as one pipeline: resolve parties into firms, screen the firms, rank
them, write the report — each run only when its inputs changed since it last ran, each
refusing with the command that produces its missing input.

    shipment loads ──resolve──▶ firms ──screen (+ list snapshots)──▶ matches
        ──rank (+ risk config, analysts' decisions, country statistics)──▶ risk run
        ──report──▶ site

The command line's verbs (`dibwatch trade resolve`, `rank`, `report`, `update`) and the demo
go through these functions, so `dibwatch update` after any of them knows what is current.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from dibwatch.engine import Engine
from dibwatch.errors import StageEmptyError
from dibwatch.pipeline import stages
from dibwatch.pipeline.stages import StageState
from dibwatch.risk import Decisions, RankResult, RiskConfig, load_config, rank_firms
from dibwatch.risk.engine import analyst_decisions
from dibwatch.risk.indicators import INDICATORS
from dibwatch.risk.read import latest_run
from dibwatch.workspace import Workspace

Progress = Callable[[str, int, int], None]
T = TypeVar("T")
REPORT_STATE = ".dibwatch-report.json"  # what a report folder was written from


@dataclass(frozen=True)
class StageOutcome(Generic[T]):
    stage: str
    ran: bool
    why: str
    result: T | None = None
    seconds: float = 0.0


# -- what each stage needs ------------------------------------------------------------------

def _count(ws: Workspace, sql: str) -> int:
    return int(ws.engine.scalar(sql) or 0)


def require_shipments(ws: Workspace) -> None:
    if not _count(ws, "SELECT count(*) FROM shipments"):
        raise StageEmptyError("no shipments loaded: run `dibwatch trade load FILE` first")


def require_firms(ws: Workspace) -> None:
    if _count(ws, "SELECT count(*) FROM firms"):
        return
    lines = _count(ws, "SELECT count(*) FROM shipments")
    if lines:
        raise StageEmptyError(f"{lines:,} shipment lines are loaded but not resolved into "
                              f"firms: run `dibwatch trade resolve` (or `dibwatch update`)")
    require_shipments(ws)


def require_current_firms(ws: Workspace) -> None:
    """Firms resolved before the shipment loads changed (a load added, replaced or taken
    back) point at lines that may be gone: refuse to score them."""
    last = stages.last_run(ws.engine, "resolve")
    if last is None:  # resolved outside the pipeline (a library caller): nothing to compare
        return
    now = resolve_state(ws).inputs["loads"]
    if now != last.inputs.get("loads"):
        raise StageEmptyError("the firms were resolved before the shipment loads changed: run "
                              "`dibwatch trade resolve` (or `dibwatch update`) first")


def require_risk_run(ws: Workspace) -> None:
    if latest_run(ws.engine) is None:
        require_firms(ws)
        raise StageEmptyError("no risk run yet: run `dibwatch rank` (or `dibwatch update`)")


# -- the inputs of each stage ---------------------------------------------------------------

def resolve_state(ws: Workspace, *, threshold: float = 0.9) -> StageState:
    from dibwatch.resolve.corrections import corrections_for

    loads = [[int(i), sha] for i, sha in ws.engine.query(
        "SELECT load_id, sha256 FROM shipment_loads ORDER BY load_id")]
    corrections = corrections_for(ws)
    inputs: dict[str, Any] = {"loads": loads, "threshold": threshold}
    if corrections is not None and (corrections.together or corrections.apart):
        inputs["corrections"] = stages.digest([sorted(corrections.together),
                                               sorted(corrections.apart)])
    return StageState("resolve", inputs, stages.last_run(ws.engine, "resolve"))


def screen_state(ws: Workspace, *, threshold: float | None = None) -> StageState:
    resolved = stages.last_run(ws.engine, "resolve")
    snapshots = [int(r[0]) for r in ws.engine.query(
        "SELECT max(snapshot_id) FROM snapshots GROUP BY source ORDER BY 1")]
    return StageState("screen", {"resolve_run": resolved.run_no if resolved else None,
                                 "snapshots": snapshots, "threshold": threshold},
                      stages.last_run(ws.engine, "screen"))


def rank_state(ws: Workspace, config: RiskConfig, decisions: Decisions | None = None
               ) -> StageState:
    """``decisions`` default to the analysts' in the workspace's casework state."""
    decisions = decisions if decisions is not None else analyst_decisions(ws)
    resolved = stages.last_run(ws.engine, "resolve")
    screened = stages.last_run(ws.engine, "screen")
    decided = decisions or Decisions()
    countries = [int(r[0]) for r in ws.engine.query(
        "SELECT snapshot_id FROM country_snapshots ORDER BY 1")]
    return StageState("rank", {
        "resolve_run": resolved.run_no if resolved else None,
        "screen_run": screened.run_no if screened else None,
        "config": stages.digest(config.to_json()),
        "indicators": sorted(f"{i.name}/{i.version}" for i in INDICATORS),
        "decisions": stages.digest([sorted(map(list, decided.confirmed)),
                                    sorted(map(list, decided.dismissed))]),
        "country_snapshots": countries,
    }, stages.last_run(ws.engine, "rank"))


# -- running them ---------------------------------------------------------------------------

def resolve(ws: Workspace, *, threshold: float = 0.9, force: bool = False,
            progress: Progress | None = None,
            engine: Engine | None = None) -> StageOutcome[Any]:
    """Resolve the shipment parties into firms (not screened: see :func:`screen`); with
    ``engine`` (Spark), the linkage model runs there."""
    from dibwatch.resolve import resolve_parties  # Splink: loaded only when resolving
    from dibwatch.resolve.corrections import corrections_for

    require_shipments(ws)
    state = resolve_state(ws, threshold=threshold)
    if state.up_to_date and not force:
        return StageOutcome("resolve", False, state.why())
    started = time.monotonic()
    result = resolve_parties(ws, threshold=threshold, screen=False,
                             corrections=corrections_for(ws), progress=progress,
                             linkage_engine=engine)
    seconds = time.monotonic() - started
    stages.record(ws.engine, "resolve", state.inputs,
                  {"firms": result.firm_count, "mentions": result.mention_count,
                   "training": result.training}, seconds)
    return StageOutcome("resolve", True, state.why(), result, seconds)


def screen(ws: Workspace, *, threshold: float | None = None, force: bool = False,
           progress: Progress | None = None,
           engine: Engine | None = None) -> StageOutcome[Any]:
    """Screen every firm against the current snapshot of each loaded list (scored on
    ``engine``'s workers when given)."""
    from dibwatch.resolve.screening import screen_firms

    require_firms(ws)
    state = screen_state(ws, threshold=threshold)
    if state.up_to_date and not force:
        return StageOutcome("screen", False, state.why())
    started = time.monotonic()
    result = screen_firms(ws, threshold=threshold,
                          progress=(lambda d, t: progress("screening", d, t))
                          if progress else None, engine=engine)
    seconds = time.monotonic() - started
    stages.record(ws.engine, "screen", state.inputs,
                  {"screened": result.screened, "matched_firms": result.matched_firms,
                   "screening_run": result.run_id}, seconds)
    return StageOutcome("screen", True, state.why(), result, seconds)


def latest_rank(ws: Workspace, config: RiskConfig | None = None,
                decisions: Decisions | None = None) -> StageOutcome[RankResult]:
    """The latest risk run, when it is up to date with its inputs (else ``ran`` is False
    and ``result`` None, ``why`` saying what changed)."""
    from dibwatch.risk.engine import RiskRun

    require_firms(ws)
    require_current_firms(ws)
    state = rank_state(ws, config or load_config(), decisions)
    if not state.up_to_date or state.last is None:
        return StageOutcome("rank", False, state.why())
    run_id = int(state.last.outputs["risk_run"])
    counts = json.loads(ws.engine.scalar(
        "SELECT json_object('flags', flag_count, 'firms', firm_count) FROM risk_runs "
        "WHERE run_id = ?", [run_id]) or "{}")
    run = RiskRun(run_id, {"all": int(counts.get("flags") or 0)})
    return StageOutcome("rank", False, state.why(),
                        RankResult(run, int(counts.get("firms") or 0)))


def rank(ws: Workspace, *, config: RiskConfig | None = None,
         decisions: Decisions | None = None, force: bool = False,
         progress: Progress | None = None,
         engine: Engine | None = None) -> StageOutcome[RankResult]:
    """Score and rank the firms (the indicators run on ``engine`` when given); when nothing
    it reads changed since the last run, that run is the answer."""
    config = config or load_config()
    decisions = decisions if decisions is not None else analyst_decisions(ws)
    current = latest_rank(ws, config, decisions)
    if current.result is not None and not force:
        return current
    state = rank_state(ws, config, decisions)
    started = time.monotonic()
    result = rank_firms(ws, config, decisions=decisions, progress=progress, engine=engine)
    seconds = time.monotonic() - started
    stages.record(ws.engine, "rank", state.inputs,
                  {"risk_run": result.run_id, "firms": result.firm_count,
                   "flags": result.run.flag_count}, seconds)
    return StageOutcome("rank", True, state.why(), result, seconds)


def report_current(out: Path, ws: Workspace, run_id: int, options: dict[str, Any]) -> bool:
    """Whether ``out`` already holds the report of ``run_id`` written with ``options``."""
    try:
        written = json.loads((out / REPORT_STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(written == {"workspace": str(ws.path.resolve()), "risk_run": run_id,
                            **options} and (out / "index.html").exists())


def report(ws: Workspace, out: Path, *, run_id: int | None = None, dossiers: int = 50,
           pdf: bool = True, force: bool = False,
           progress: Progress | None = None) -> StageOutcome[Any]:
    """Write the report of a risk run (default: the latest) unless ``out`` already holds it."""
    from dibwatch.report import write_report  # matplotlib: loaded only when reporting

    require_risk_run(ws)
    if run_id is None:
        run_id = latest_run(ws.engine)
        assert run_id is not None
    options = {"dossiers": dossiers, "pdf": pdf}
    if not force and report_current(out, ws, run_id, options):
        return StageOutcome("report", False, f"up to date ({out} holds risk run {run_id})")
    started = time.monotonic()
    result = write_report(ws, out, run_id=run_id, dossiers=dossiers, pdf=pdf,
                          progress=progress)
    (out / REPORT_STATE).write_text(json.dumps(
        {"workspace": str(ws.path.resolve()), "risk_run": run_id, **options}),
        encoding="utf-8")
    return StageOutcome("report", True, f"risk run {run_id}", result,
                        time.monotonic() - started)
