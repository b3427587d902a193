"""Which engine the heavy stages run on: ``--engine``, else ``$DIBWATCH_ENGINE``, else DuckDB.

The workspace is always a DuckDB file (what the web app, reports and monitoring read); the
choice is where trade loading and classification, and the linkage model, run before their
results are published into it.
"""

from __future__ import annotations

import os

from dibwatch.engine.base import Engine
from dibwatch.errors import ConfigError

ENGINE_VAR = "DIBWATCH_ENGINE"
ENGINES = ("duckdb", "spark")


def engine_name(name: str | None = None) -> str:
    chosen = (name or os.environ.get(ENGINE_VAR) or "duckdb").strip().lower()
    if chosen not in ENGINES:
        source = "--engine" if name else f"${ENGINE_VAR}"
        raise ConfigError(f"{source}: unknown engine {chosen!r} (one of: {', '.join(ENGINES)})")
    return chosen


def batch_engine(name: str | None = None, *, master: str | None = None) -> Engine | None:
    """The engine for the heavy stages; None means the workspace's own DuckDB. ``master``:
    a Spark master URL (else ``$DIBWATCH_SPARK_MASTER``, else ``local[*]``)."""
    if engine_name(name) == "duckdb":
        return None
    from dibwatch.engine.spark_engine import SparkEngine, spark_available

    why = spark_available()
    if why is not None:
        raise ConfigError(f"the Spark engine cannot start: {why}")
    return SparkEngine(master)
