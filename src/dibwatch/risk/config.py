"""The risk configuration: every indicator's parameters and every ranking weight, one file.

The bundled ``data/risk.yml`` is the default; a caller may pass another file or a mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from dibwatch.errors import ConfigError

if TYPE_CHECKING:
    from dibwatch.risk.indicators.base import Indicator
    from dibwatch.risk.params import Params


@dataclass(frozen=True)
class RiskConfig:
    invasion: date
    hubs: dict[str, date]
    coalition: tuple[str, ...]
    indicators: dict[str, dict[str, Any]]
    source: str = "<mapping>"
    # Pseudo-lines of doubt added to every line flag: a flag resting on n lines keeps
    # n / (n + evidence_prior) of its score, so two lines never weigh like twenty.
    evidence_prior: float = 2.0

    def params(self, indicator: str) -> dict[str, Any]:
        try:
            return self.indicators[indicator]
        except KeyError:
            raise ConfigError(_where(self.source, f"indicators.{indicator}")
                              + f"no parameters for indicator {indicator!r}") from None

    def params_of(self, indicator: type[Indicator]) -> Params:
        """The indicator's section, checked and typed by its parameter dataclass."""
        return indicator.parameters.from_mapping(
            self.indicators.get(indicator.name, {}),
            f"{self.source}, field 'indicators.{indicator.name}'")

    def weight(self, indicator: str) -> float:
        return float(self.indicators.get(indicator, {}).get("weight", 0.0))

    def settings(self) -> dict[str, Any]:
        """The run-wide values rules may bind: ``$invasion``, ``$coalition``,
        ``$evidence_prior``."""
        return {"invasion": self.invasion.isoformat(), "coalition": list(self.coalition),
                "evidence_prior": self.evidence_prior}

    def active(self) -> tuple[type[Indicator], ...]:
        """The indicators this configuration runs, in its order (``runs_last`` ones last)."""
        from dibwatch.risk.indicators import BY_NAME

        chosen = [BY_NAME[name] for name in self.indicators]
        return tuple([i for i in chosen if not i.runs_last] + [i for i in chosen if i.runs_last])

    def to_json(self) -> dict[str, Any]:
        return {"invasion": self.invasion.isoformat(),
                "hubs": {k: v.isoformat() for k, v in self.hubs.items()},
                "coalition": list(self.coalition), "evidence_prior": self.evidence_prior,
                "indicators": self.indicators}


def _where(source: str, field: str | None) -> str:
    return f"{source}, field {field!r}: " if field else f"{source}: "


def _date(value: Any, source: str, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(_where(source, field) + f"not a date: {value!r}") from None


def config_from_mapping(data: Mapping[str, Any], source: str = "<mapping>") -> RiskConfig:
    """Check and convert a parsed configuration; every weight must lie in [0, 1]."""
    for key in ("invasion", "hubs", "coalition", "indicators"):
        if key not in data:
            raise ConfigError(_where(source, key) + f"missing {key!r}")
    indicators = {str(k): dict(v or {}) for k, v in data["indicators"].items()}
    for key in ("hubs", "coalition"):
        bad = [c for c in data[key] if not isinstance(c, str)]
        if bad:
            raise ConfigError(_where(source, key) + f"country codes must be text, got "
                              f"{bad!r} (quote NO, ON, YES: YAML reads them as booleans)")
    prior = data.get("evidence_prior", 2.0)
    if not isinstance(prior, int | float) or prior < 0:
        raise ConfigError(_where(source, "evidence_prior")
                          + f"evidence_prior must be a number >= 0, got {prior!r}")
    config = RiskConfig(
        evidence_prior=float(prior),
        invasion=_date(data["invasion"], source, "invasion"),
        hubs={str(c).upper(): _date(d, source, f"hubs.{c}") for c, d in data["hubs"].items()},
        coalition=tuple(str(c).upper() for c in data["coalition"]),
        indicators=indicators, source=source)
    _check_indicators(config)
    return config


def _check_indicators(config: RiskConfig) -> None:
    """Every section names a known indicator and holds its parameters, correctly typed."""
    from dibwatch.risk.indicators import BY_NAME

    for name in config.indicators:
        if name not in BY_NAME:
            raise ConfigError(_where(config.source, f"indicators.{name}")
                              + f"unknown indicator {name!r}; known: "
                              + ", ".join(sorted(BY_NAME)))
        config.params_of(BY_NAME[name])


def load_config(path: str | Path | None = None) -> RiskConfig:
    """Read a risk configuration file; ``None`` reads the bundled default."""
    if path is None:
        text = resources.files("dibwatch.risk").joinpath("data", "risk.yml").read_text("utf-8")
        source = "dibwatch/risk/data/risk.yml"
    else:
        text = Path(path).read_text("utf-8")
        source = str(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(_where(source, None) + f"bad YAML: {exc}") from exc
    if not isinstance(data, Mapping):
        raise ConfigError(_where(source, None) + "the risk configuration must be a mapping")
    return config_from_mapping(data, source)
