"""What the risk stage publishes for other stages to read: the finished runs (the
``finished_risk_runs`` and ``latest_risk_run`` views)."""

from __future__ import annotations

from dibwatch.engine import Engine


def latest_run(engine: Engine) -> int | None:
    """The newest risk run that finished, or None."""
    value = engine.scalar("SELECT run_id FROM latest_risk_run")
    return None if value is None else int(value)


def recent_runs(engine: Engine, count: int = 2) -> list[int]:
    """The newest finished runs, newest first."""
    return [int(r[0]) for r in engine.query(
        "SELECT run_id FROM finished_risk_runs ORDER BY run_id DESC LIMIT ?", [count])]
