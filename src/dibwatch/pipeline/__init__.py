"""The derived stages (resolve, screen, rank, report) run as one pipeline that redoes only
what changed; `dibwatch update` brings a workspace up to date end to end."""

from dibwatch.pipeline.run import (
    StageOutcome,
    latest_rank,
    rank,
    rank_state,
    report,
    require_firms,
    require_risk_run,
    require_shipments,
    resolve,
    resolve_state,
    screen,
    screen_state,
)
from dibwatch.pipeline.stages import STAGES, StageRun, StageState

__all__ = ["STAGES", "StageOutcome", "StageRun", "StageState", "latest_rank", "rank",
           "rank_state", "report", "require_firms", "require_risk_run", "require_shipments",
           "resolve", "resolve_state", "screen", "screen_state"]
