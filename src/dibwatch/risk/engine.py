"""Run the indicators: every flag stored with its evidence rows, in one run, in one
transaction (a reader never sees half a run)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyarrow as pa

from dibwatch.engine import Engine
from dibwatch.risk import store
from dibwatch.risk.config import RiskConfig
from dibwatch.risk.configure import active, load_config
from dibwatch.risk.indicators import Indicator, RunContext
from dibwatch.risk.staged import run_each
from dibwatch.workspace import Workspace

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Decisions:
    """Analysts' verdicts on firm × list-entity matches (from the web app's case log):
    confirmed pairs count as list matches of score 1; a dismissed pair is ignored while the
    list entry's content hash is still the one it was dismissed with."""

    confirmed: Sequence[tuple[int, str]] = ()
    dismissed: Sequence[tuple[int, str, str]] = ()

    def confirmed_table(self) -> pa.Table:
        return pa.table({"firm_id": pa.array([f for f, _ in self.confirmed], pa.int32()),
                         "entity_id": pa.array([e for _, e in self.confirmed], pa.string())})

    def dismissed_table(self) -> pa.Table:
        return pa.table({
            "firm_id": pa.array([f for f, _, _ in self.dismissed], pa.int32()),
            "entity_id": pa.array([e for _, e, _ in self.dismissed], pa.string()),
            "content_hash": pa.array([h for _, _, h in self.dismissed], pa.string())})


def analyst_decisions(ws: Workspace) -> Decisions | None:
    """The analysts' confirmed and dismissed matches from the workspace's casework state;
    None when it has none (never served, no users)."""
    from dibwatch.casework.cases import confirmed_links, dismissed_links
    from dibwatch.casework.state import AppState, state_path_for

    path = state_path_for(ws.path)
    if not path.exists():
        return None
    state = AppState(path)
    return Decisions(confirmed_links(state), dismissed_links(state))


@dataclass(frozen=True)
class RiskRun:
    run_id: int
    flag_counts: dict[str, int]

    @property
    def flag_count(self) -> int:
        return sum(self.flag_counts.values())


def run_indicators(ws: Workspace, config: RiskConfig | None = None, *,
                   indicators: Sequence[type[Indicator]] | None = None,
                   decisions: Decisions | None = None,
                   progress: Progress | None = None,
                   engine: Engine | None = None) -> RiskRun:
    """Score every resolved firm with ``indicators`` (default: those the configuration
    names, in its order) under
    ``config`` (default: the bundled ``risk.yml``), with the analysts' ``decisions`` on list
    matches; returns the new run's id and counts. With ``engine`` (Spark), the indicators
    run there and the run is published into the workspace (:mod:`dibwatch.risk.staged`)."""
    config = config or load_config()
    indicators = active(config) if indicators is None else indicators
    decisions = decisions or Decisions()
    hubs = pa.table({"country": pa.array(list(config.hubs), pa.string()),
                     "since": pa.array(list(config.hubs.values()), pa.date32())})
    if engine is not None and engine is not ws.engine:
        from dibwatch.risk.staged import run_staged

        run_id, staged_counts = run_staged(ws, engine, config, indicators, {
            store.HUBS_TABLE: hubs, store.CONFIRMED_TABLE: decisions.confirmed_table(),
            store.DISMISSED_TABLE: decisions.dismissed_table()}, progress)
        return RiskRun(run_id, staged_counts)
    engine = ws.engine
    with engine.transaction(), engine.registered(store.HUBS_TABLE, hubs), \
            engine.registered(store.CONFIRMED_TABLE, decisions.confirmed_table()), \
            engine.registered(store.DISMISSED_TABLE, decisions.dismissed_table()):
        run_id = int(engine.scalar(store.NEXT_RUN))
        engine.execute(store.INSERT_RUN, [
            run_id, json.dumps(config.to_json()),
            json.dumps({i.name: i.version for i in indicators})])
        engine.execute(store.CREATE_SCREENING)
        engine.execute(store.KEEP_MATCHES, [run_id])
        engine.execute(store.CREATE_LINES)
        counts = run_each(RunContext(ws, run_id, config), indicators, progress)
        engine.execute(store.FINISH_RUN, [run_id, run_id, run_id])
        for sql in store.DROP_TEMP:
            engine.execute(sql)
    return RiskRun(run_id, counts)
