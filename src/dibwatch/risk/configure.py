"""Loading a risk configuration checked against the indicators: each section names a known
indicator and holds its parameters, correctly typed; the indicators it runs, in its order."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dibwatch.errors import ConfigError
from dibwatch.risk.config import RiskConfig, parse_config, read_config
from dibwatch.risk.indicators import BY_NAME, Indicator


def check(config: RiskConfig) -> RiskConfig:
    for name in config.indicators:
        if name not in BY_NAME:
            raise ConfigError(f"{config.source}, field 'indicators.{name}': unknown indicator "
                              f"{name!r}; known: {', '.join(sorted(BY_NAME))}")
        BY_NAME[name].params(config)
    return config


def config_from_mapping(data: Mapping[str, Any], source: str = "<mapping>") -> RiskConfig:
    """Check and convert a parsed configuration."""
    return check(parse_config(data, source))


def load_config(path: str | Path | None = None) -> RiskConfig:
    """Read a risk configuration file (``None``: the bundled default), checked."""
    return check(read_config(path))


def active(config: RiskConfig) -> tuple[type[Indicator], ...]:
    """The indicators the configuration runs, in its order (``runs_last`` ones last)."""
    chosen = [BY_NAME[name] for name in config.indicators]
    return tuple([i for i in chosen if not i.runs_last] + [i for i in chosen if i.runs_last])
