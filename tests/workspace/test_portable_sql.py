"""Every statement the stages hold is written once (DuckDB dialect) and renders for Spark
through the one dialect layer: found by walking the package, so new SQL cannot slip by."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator

import pytest

import dibwatch
from dibwatch.engine.dialect import render
from dibwatch.graph import store as graph_store
from dibwatch.risk import store as risk_store
from dibwatch.risk.indicators import INDICATORS, LineIndicator
from dibwatch.workspace.schema import MIGRATIONS

STATEMENT = re.compile(r"^\s*(WITH|SELECT|INSERT|CREATE|DELETE|UPDATE|DROP)\b", re.I)
SKIP = ("dibwatch.web.static", "dibwatch.cli")


def module_sql() -> Iterator[tuple[str, str]]:
    for info in pkgutil.walk_packages(dibwatch.__path__, "dibwatch."):
        if info.name.startswith(SKIP) or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, str) and STATEMENT.match(value) and name.isupper():
                yield f"{info.name}.{name}", value
            elif isinstance(value, list | tuple) and name.isupper():
                for i, item in enumerate(value):
                    if isinstance(item, str) and STATEMENT.match(item):
                        yield f"{info.name}.{name}[{i}]", item


def generated_sql() -> Iterator[tuple[str, str]]:
    for version, _, statements in MIGRATIONS:
        for i, sql in enumerate(statements):
            yield f"migration {version}[{i}]", sql
    for indicator in INDICATORS:
        if issubclass(indicator, LineIndicator):
            yield f"{indicator.name}.rule", risk_store.create_hits(indicator.rule)
            yield f"{indicator.name}.scope", risk_store.create_scope(indicator.scope)
    for column in graph_store.SHARED_COLUMNS.values():
        yield f"graph shared edges {column}", graph_store.shared_edges_sql(column)


ALL = sorted({**dict(module_sql()), **dict(generated_sql())}.items())


def test_the_walk_finds_the_stage_sql() -> None:
    names = {n for n, _ in ALL}
    assert len(ALL) > 150
    for expected in ("dibwatch.risk.store.INSERT_LINE_FLAGS",
                     "dibwatch.risk.indicators.ramp_up.INSERT_FLAGS",
                     "dibwatch.resolve.read._COUNTERPARTIES", "migration 10[1]",
                     "hub_routing.rule"):
        assert expected in names, expected


@pytest.mark.parametrize(("name", "sql"), ALL, ids=[n for n, _ in ALL])
def test_renders_for_spark(name: str, sql: str) -> None:
    assert not re.search(r"\$\d", re.sub(r"'[^']*'", "", sql)), \
        "numbered $n parameters: bind by name ($run_id) or plain ? for one or two"
    rendered = render(sql, "spark")
    assert rendered.strip()
    assert "$" not in re.sub(r"'[^']*'", "", rendered), "$ parameters left for Spark"
