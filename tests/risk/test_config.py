"""The risk configuration: the bundled file parses; bad settings are refused with where."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dibwatch.errors import ConfigError
from dibwatch.risk import INDICATORS, config_from_mapping, load_config


def test_bundled_config_covers_every_indicator() -> None:
    config = load_config()
    assert config.invasion == date(2022, 2, 24)
    assert {"AM", "KZ", "KG", "GE", "UZ", "TJ", "TR", "AE", "CN", "HK"} <= set(config.hubs)
    for indicator in INDICATORS:
        assert 0 < config.weight(indicator.name) <= 1, indicator.name


def _base() -> dict[str, Any]:
    return load_config().to_json()


CASES: list[tuple[str, dict[str, Any], str]] = [
    ("missing hubs", {"hubs": None}, "missing 'hubs'"),
    ("weight above one", {"indicators": {"x": {"weight": 1.5}}}, "indicators.x.weight"),
    ("weight not a number", {"indicators": {"x": {"weight": "high"}}}, "weight must be"),
    ("bad hub date", {"hubs": {"KZ": "24.02.2022"}}, "hubs.KZ"),
    ("Norway read as false", {"coalition": ["US", False]}, "quote NO"),
    ("negative evidence prior", {"evidence_prior": -1}, "evidence_prior"),
]


@pytest.mark.parametrize(("change", "message"), [(c, m) for _, c, m in CASES],
                         ids=[n for n, _, _ in CASES])
def test_bad_settings_are_refused(change: dict[str, Any], message: str) -> None:
    data = _base() | change
    data = {k: v for k, v in data.items() if v is not None}
    with pytest.raises(ConfigError, match=message):
        config_from_mapping(data, "test.yml")


def test_a_config_file_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "risk.yml"
    path.write_text("invasion: 2022-02-24\nhubs: {KZ: 2022-03-01}\ncoalition: [us]\n"
                    "indicators: {hub_routing: {weight: 0.5}}\n", encoding="utf-8")
    config = load_config(path)
    assert config.hubs == {"KZ": date(2022, 3, 1)} and config.coalition == ("US",)
    assert config.weight("hub_routing") == 0.5 and config.weight("unknown") == 0.0


def test_unknown_indicator_parameters_are_a_config_error() -> None:
    with pytest.raises(ConfigError, match="no parameters"):
        load_config().params("nonexistent")


def test_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "risk.yml"
    path.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="must be a mapping"):
        load_config(path)


def test_the_bundled_coalition_has_norway() -> None:
    assert "NO" in load_config().coalition
