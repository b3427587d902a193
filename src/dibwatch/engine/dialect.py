"""The one dispatch point for what differs between engines.

The stages write their SQL once, in DuckDB's dialect; an engine that speaks another renders
it with sqlglot (the transpiler Splink itself uses). Libraries that bring their own engine
integration (Splink's database APIs) get the engine's native handle here, chosen by engine
name, so no stage asks "which engine am I on?".
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import sqlglot
from sqlglot.errors import ErrorLevel

from dibwatch.engine.base import Engine
from dibwatch.errors import ConfigError

SOURCE = "duckdb"  # the dialect every stage writes


@lru_cache(maxsize=4096)
def render(sql: str, dialect: str) -> str:
    """``sql`` (DuckDB dialect) in ``dialect``; a construct the target cannot express raises
    instead of being dropped."""
    if dialect == SOURCE:
        return sql
    statements = sqlglot.transpile(sql, read=SOURCE, write=dialect,
                                   unsupported_level=ErrorLevel.RAISE)
    return ";\n".join(statements)


def splink_api(engine: Engine) -> Any:
    """Splink's database API over the engine's own session, so a linkage model reads the
    mentions where they are."""
    if engine.name == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI(engine.native())
    if engine.name == "spark":
        from splink import SparkAPI

        # Splink breaks the lineage of its intermediate tables by writing them as Parquet
        # (right on a cluster, where executors come and go); on one machine keeping them in
        # Spark's cache skips a disk round trip per step.
        return SparkAPI(spark_session=engine.native(),  # type: ignore[no-untyped-call]
                        break_lineage_method="persist" if engine.on_one_machine else None)
    raise ConfigError(f"no Splink backend for engine {engine.name!r}")
