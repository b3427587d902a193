"""Indicators own themselves: a new one is one module plus one configuration entry, its
parameters typed and documented, the registry and docs/INDICATORS.md derived from it."""

from __future__ import annotations

import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dibwatch.errors import ConfigError
from dibwatch.risk import indicators as package
from dibwatch.risk import labels, run_indicators
from dibwatch.risk.configure import active, config_from_mapping
from dibwatch.risk.docs import render_markdown
from dibwatch.risk.indicators import INDICATORS, LineIndicator, register, unregister
from dibwatch.risk.params import LineParams, setting
from tests.risk.helpers import LINES, tiny_config, tiny_workspace

ROOT = Path(__file__).resolve().parents[2]


# -- the whole of a new indicator: this class (a module of its own in a plugin) ----------
@dataclass(frozen=True)
class LargeLineParams(LineParams):
    min_value_usd: float = setting(1000, "value from which a line is large (USD)")


class LargeLine(LineIndicator):
    """Large line: the firm ships lines worth at least ``min_value_usd`` to the destination."""

    name = "large_line"
    title = "ships unusually large lines"
    version = "1"
    parameters = LargeLineParams
    rule = "l.value_usd >= $min_value_usd AND l.destination_country = 'RU'"


@pytest.fixture
def registered() -> Iterator[type[LargeLine]]:
    register(LargeLine)
    yield LargeLine
    unregister(LargeLine)


def test_a_new_indicator_is_one_module_plus_one_config_entry(
        registered: type[LargeLine]) -> None:
    data = tiny_config().to_json()
    data["indicators"]["large_line"] = {"weight": 0.3, "min_value_usd": 800,
                                        "roles": ["exporter"]}
    config = config_from_mapping(data, "test.yml")
    assert active(config)[-2].name == "large_line"  # in config order, before the last-runner
    with tiny_workspace() as ws:
        run = run_indicators(ws, config)
        flags = ws.engine.query(
            "SELECT f.firm_id, f.value, list(e.line_no ORDER BY e.line_no) FROM risk_flags f "
            "JOIN risk_evidence e USING (run_id, flag_no) WHERE f.run_id = ? "
            "AND f.indicator = 'large_line' GROUP BY ALL ORDER BY 1", [run.run_id])
    expected: dict[int, list[int]] = {}
    for line in LINES:
        if line["value"] >= 800 and line["dest"] == "RU":
            expected.setdefault(line["exp"], []).append(line["no"])
    assert {f: lines for f, _, lines in flags} == {f: sorted(v) for f, v in expected.items()}
    assert run.flag_counts["large_line"] == len(expected)
    assert labels.flag_title("large_line") == "ships unusually large lines"
    assert "at least 800" in labels.describe("large_line",
                                              config.indicators["large_line"])


def test_a_config_naming_an_unregistered_indicator_is_refused() -> None:
    data = tiny_config().to_json()
    data["indicators"]["large_line"] = {"weight": 0.3}
    with pytest.raises(ConfigError, match="unknown indicator 'large_line'"):
        config_from_mapping(data, "test.yml")


def test_every_module_of_the_package_is_one_registered_indicator() -> None:
    modules = {m.name for m in pkgutil.iter_modules(package.__path__)} - {"base"}
    assert {i.__module__.rsplit(".", 1)[1] for i in INDICATORS} == modules
    assert len(INDICATORS) == len(modules)


def test_the_indicator_reference_is_generated_and_current() -> None:
    text = (ROOT / "docs" / "INDICATORS.md").read_text(encoding="utf-8")
    assert text == render_markdown(), \
        "docs/INDICATORS.md is stale: python -m dibwatch.risk.docs > docs/INDICATORS.md"
    for indicator in INDICATORS:
        assert f"`{indicator.name}` version {indicator.version}" in text
