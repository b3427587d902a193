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
    # Fitted weights (versioned) may leave an indicator at 0: shown with its evidence, not
    # scored; most count.
    assert config.weights_version
    weights = [config.weight(indicator.name) for indicator in INDICATORS]
    assert all(0 <= w <= 1 for w in weights)
    assert sum(w > 0.1 for w in weights) >= len(weights) - 3


def _base() -> dict[str, Any]:
    return load_config().to_json()


def _indicators(**changes: dict[str, Any]) -> dict[str, Any]:
    sections = _base()["indicators"]
    for name, change in changes.items():
        sections[name] = {**sections[name], **change}
    return {"indicators": sections}


CASES: list[tuple[str, dict[str, Any], str]] = [
    ("missing hubs", {"hubs": None}, "missing 'hubs'"),
    ("weight above one", _indicators(hub_routing={"weight": 1.5}),
     r"indicators.hub_routing'.weight: weight must be a number in \[0, 1\]"),
    ("weight not a number", _indicators(hub_routing={"weight": "high"}),
     "indicators.hub_routing'.weight: expected a number, got 'high'"),
    ("unknown indicator", {"indicators": {"hub_routnig": {"weight": 0.5}}},
     "unknown indicator 'hub_routnig'; known: chain_mismatch"),
    ("unknown parameter", _indicators(hub_routing={"tier": ["1"]}),
     r"unknown parameter\(s\) tier; this indicator takes .*tiers"),
    ("tiers not a list", _indicators(new_entrant={"tiers": "1"}),
     "indicators.new_entrant'.tiers: expected a list"),
    ("whole number expected", _indicators(price_anomaly={"min_group": 2.5}),
     "min_group: expected a whole number"),
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


def test_every_parameter_is_typed_and_documented() -> None:
    from dibwatch.risk.params import Params

    for indicator in INDICATORS:
        assert issubclass(indicator.parameters, Params)
        for doc in indicator.parameters.documented():
            assert len(doc.doc) > 10, (indicator.name, doc.name)
        assert indicator.title and indicator.describe()


def test_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "risk.yml"
    path.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="must be a mapping"):
        load_config(path)


def test_the_bundled_coalition_has_norway() -> None:
    assert "NO" in load_config().coalition
