"""Which engine runs the heavy stages: --engine, else $DIBWATCH_ENGINE, else DuckDB."""

from __future__ import annotations

import re

import pytest

from dibwatch.engine.duckdb_engine import DuckDBEngine
from dibwatch.engine.select import ENGINE_VAR, batch_engine, engine_name
from dibwatch.errors import ConfigError


def test_duckdb_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENGINE_VAR, raising=False)
    assert engine_name() == "duckdb"
    assert batch_engine() is None  # the workspace's own DuckDB
    monkeypatch.setenv(ENGINE_VAR, " Spark ")
    assert engine_name() == "spark"
    assert engine_name("duckdb") == "duckdb"  # the option wins over the variable


@pytest.mark.parametrize(("option", "env", "named"), [
    ("flink", None, "--engine"),
    (None, "polars", f"${ENGINE_VAR}"),
])
def test_an_unknown_engine_names_where_it_came_from(monkeypatch: pytest.MonkeyPatch,
                                                    option: str | None, env: str | None,
                                                    named: str) -> None:
    if env is None:
        monkeypatch.delenv(ENGINE_VAR, raising=False)
    else:
        monkeypatch.setenv(ENGINE_VAR, env)
    with pytest.raises(ConfigError, match=f"{re.escape(named)}.*one of: duckdb, spark") as err:
        engine_name(option)
    assert repr(option or env) in str(err.value)


def test_the_embedded_engine_runs_on_this_machine() -> None:
    engine = DuckDBEngine(":memory:")
    try:
        assert engine.on_one_machine
        assert engine.describe() == "duckdb"
    finally:
        engine.close()
