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
from sqlglot import exp
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
    trees = sqlglot.parse(sql, read=SOURCE)
    if dialect == "spark":
        trees = [tree.transform(_spark_json) for tree in trees if tree is not None]
    return ";\n".join(tree.sql(dialect=dialect, unsupported_level=ErrorLevel.RAISE)
                       for tree in trees if tree is not None)


def _call(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=list(args))


def _spark_json(node: exp.Expression) -> exp.Expression:
    """DuckDB's JSON builders in Spark's terms (sqlglot leaves them as they are, and Spark
    has neither): ``json_object(k, v, …)`` → ``named_struct(k, v, …)``, ``json_group_object
    (k, v)`` → ``map_from_entries(collect_list(struct(k, v)))``. They stay structs and maps
    (so one nests in another as an object, not as a quoted string) until written into a
    JSON (string) column, where the engine writes them with ``to_json``."""
    if isinstance(node, exp.JSONObject):
        if not node.expressions:
            return _call("map")
        pairs: list[exp.Expression] = []
        for pair in node.expressions:
            pairs += [pair.this, pair.expression]
        return _call("named_struct", *pairs)
    if isinstance(node, exp.Anonymous) and node.name.lower() == "json_group_object":
        key, value = node.expressions
        return _call("map_from_entries", _call("collect_list", _call("struct", key, value)))
    if isinstance(node, exp.ArrayAgg) and isinstance(node.this, exp.Order):
        return _sorted_list(node) or node
    return node


def _sorted_list(node: exp.ArrayAgg) -> exp.Expression | None:
    """``list(x ORDER BY x)`` (Spark's collect_list has no order) as
    ``array_sort(collect_list(x))``; other orders are left to sqlglot."""
    order = node.this
    inner = order.this
    distinct = isinstance(inner, exp.Distinct)
    value = inner.expressions[0] if distinct else inner
    keys = order.expressions
    if len(keys) != 1 or keys[0].args.get("desc") or keys[0].this != value:
        return None
    collected = _call("collect_set" if distinct else "collect_list", value.copy())
    return _call("array_sort", collected)


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
