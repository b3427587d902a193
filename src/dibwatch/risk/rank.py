"""Firm ranking: one score per firm from its flags, each flag's contribution shown.

The score is the noisy-OR of ``weight × flag score`` (weights in ``risk.yml``): independent
pieces of evidence that each raise the odds that the firm is a facilitator, no single flag
being proof. A firm with one strong flag of weight 0.5 scores 0.5; two such flags 0.75. Each
flag's contribution is its share of the score, in proportion to its log-odds mass, so the
contributions of a firm add up to its score.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from dibwatch.engine import Engine
from dibwatch.errors import ConfigError, NotFoundError
from dibwatch.risk import read, store
from dibwatch.risk.config import RiskConfig
from dibwatch.risk.configure import load_config
from dibwatch.risk.engine import Decisions, RiskRun, run_indicators
from dibwatch.workspace import Workspace

Progress = Callable[[str, int, int], None]

COLUMNS = ("rank", "firm_id", "caption", "country", "score", "flags", "member_names",
           "identifiers", "chpl_value_usd", "listed_matches")


@dataclass(frozen=True)
class RankResult:
    run: RiskRun
    firm_count: int

    @property
    def run_id(self) -> int:
        return self.run.run_id


def rank_firms(ws: Workspace, config: RiskConfig | None = None, *,
               decisions: Decisions | None = None,
               progress: Progress | None = None,
               engine: Engine | None = None) -> RankResult:
    """Run every indicator (with the analysts' ``decisions`` on list matches, if any; on
    ``engine`` when given, e.g. Spark), then score and rank every firm; stored in
    ``firm_scores``."""
    config = config or load_config()
    run = run_indicators(ws, config, decisions=decisions, progress=progress, engine=engine)
    weights = pa.table({"indicator": pa.array(list(config.indicators), pa.string()),
                        "weight": pa.array([config.weight(i) for i in config.indicators],
                                           pa.float64())})
    with ws.engine.transaction(), ws.engine.registered(store.WEIGHTS_TABLE, weights):
        ws.engine.execute(store.DELETE_SCORES, [run.run_id])
        ws.engine.execute(store.INSERT_SCORES, {"run_id": run.run_id})
    count = int(ws.engine.scalar("SELECT count(*) FROM firm_scores WHERE run_id = ?",
                                 [run.run_id]))
    return RankResult(run, count)


def latest_run(ws: Workspace) -> int:
    run_id = read.latest_run(ws.engine)
    if run_id is None:
        raise NotFoundError("no risk run in this workspace: run `dibwatch rank` first")
    return int(run_id)


def ranked_firms(ws: Workspace, run_id: int | None = None,
                 limit: int | None = None) -> list[dict[str, Any]]:
    """The ranked firm table (``COLUMNS``), best first."""
    run_id = run_id if run_id is not None else latest_run(ws)
    rows = ws.engine.query(store.RANKED_FIRMS, {"run_id": run_id, "limit": limit})
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows]


def write_ranking(ws: Workspace, path: str | Path, run_id: int | None = None,
                  limit: int | None = None) -> None:
    """Write the ranked firm table to ``path`` (``.csv`` or ``.parquet``)."""
    suffix = Path(path).suffix.lower()
    formats = {".csv": "csv", ".parquet": "parquet"}
    if suffix not in formats:
        raise ConfigError(f"output must end in .csv or .parquet, got {str(path)!r}")
    run_id = run_id if run_id is not None else latest_run(ws)
    ws.engine.copy_to(store.RANKED_FIRMS, str(path), formats[suffix],
                      {"run_id": run_id, "limit": limit})
