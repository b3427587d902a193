"""The risk configuration: every indicator's parameters and every ranking weight, one file.

The bundled ``data/risk.yml`` is the default; a caller may pass another file or a mapping.
This module reads and checks the run-wide settings; each indicator's section is checked
against that indicator's parameters by :mod:`dibwatch.risk.configure`, which callers use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from dibwatch.errors import ConfigError


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
    # Which set of weights this is (fitted weights are versioned data: risk.fit).
    weights_version: str | None = None

    def section(self, indicator: str) -> tuple[dict[str, Any], str]:
        """An indicator's raw section (empty when absent) and where it is, for errors."""
        return (self.indicators.get(indicator, {}),
                f"{self.source}, field 'indicators.{indicator}'")

    def weight(self, indicator: str) -> float:
        return float(self.indicators.get(indicator, {}).get("weight", 0.0))

    def settings(self) -> dict[str, Any]:
        """The run-wide values rules may bind: ``$invasion``, ``$coalition``,
        ``$evidence_prior``."""
        return {"invasion": self.invasion.isoformat(), "coalition": list(self.coalition),
                "evidence_prior": self.evidence_prior}

    def to_json(self) -> dict[str, Any]:
        return {"weights_version": self.weights_version,
                "invasion": self.invasion.isoformat(),
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


def parse_config(data: Mapping[str, Any], source: str = "<mapping>") -> RiskConfig:
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
    version = data.get("weights_version")
    if version is not None and not isinstance(version, str | int | float):
        raise ConfigError(_where(source, "weights_version")
                          + f"weights_version must be text, got {version!r}")
    config = RiskConfig(
        weights_version=None if version is None else str(version),
        evidence_prior=float(prior),
        invasion=_date(data["invasion"], source, "invasion"),
        hubs={str(c).upper(): _date(d, source, f"hubs.{c}") for c, d in data["hubs"].items()},
        coalition=tuple(str(c).upper() for c in data["coalition"]),
        indicators=indicators, source=source)
    return config


def read_config(path: str | Path | None = None) -> RiskConfig:
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
    return parse_config(data, source)
