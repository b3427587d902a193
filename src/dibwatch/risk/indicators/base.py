"""What an indicator is: a named, documented, versioned rule that writes flags with evidence.

A flag is one firm × indicator, with a score in [0, 1], the measured value and a JSON detail;
its evidence rows (``risk_evidence``) are the shipment lines, or list entities, behind it.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

from dibwatch.engine import Engine
from dibwatch.risk import store
from dibwatch.risk.config import RiskConfig


@dataclass(frozen=True)
class RunContext:
    engine: Engine
    run_id: int
    config: RiskConfig

    def last_flag(self) -> int:
        return int(self.engine.scalar(store.NEXT_FLAG, [self.run_id]))

    def flag_count(self, indicator: str) -> int:
        return int(self.engine.scalar(
            "SELECT count(*) FROM risk_flags WHERE run_id = ? AND indicator = ?",
            [self.run_id, indicator]))


class Indicator(ABC):
    """A red-flag rule. Subclasses set ``name`` and ``version`` (bump it when the rule's
    meaning changes, so stored flags say which rule made them) and document the rule."""

    name: ClassVar[str]
    version: ClassVar[str]

    @classmethod
    def describe(cls) -> str:
        return " ".join((cls.__doc__ or "").split())

    @abstractmethod
    def run(self, ctx: RunContext) -> int:
        """Write this indicator's flags and evidence for ``ctx.run_id``; return the flag count.
        Runs after the lines table (``store.LINES_TABLE``) is built."""


def _param(config: RiskConfig, indicator: str, params: dict[str, Any], key: str) -> Any:
    # Rule parameters come from the indicator's section, with the run-wide settings
    # (invasion day, coalition countries) as fallbacks.
    if key in params:
        value = params[key]
        return [str(v) for v in value] if isinstance(value, list) else value
    if key == "invasion":
        return config.invasion.isoformat()
    if key == "coalition":
        return list(config.coalition)
    raise KeyError(f"indicator {indicator!r} needs parameter {key!r}")


class LineIndicator(Indicator):
    """A rule over single shipment lines (``store.RULES[name]``): a firm is flagged when at
    least ``min_lines`` of its lines in ``roles`` meet it; the score is the share of its trade
    value in those roles that meets it, over ``full_share`` (capped at 1)."""

    def run(self, ctx: RunContext) -> int:
        params = ctx.config.params(self.name)
        rule, keys = store.RULES[self.name]
        roles = [str(r) for r in params["roles"]]
        bound = [_param(ctx.config, self.name, params, k) for k in keys]
        ctx.engine.execute(store.create_hits(rule), [roles, *bound])
        ctx.engine.execute(store.INSERT_LINE_FLAGS, [
            ctx.run_id, ctx.last_flag(), self.name, self.version,
            float(params["full_share"]), roles, int(params.get("min_lines", 1))])
        ctx.engine.execute(store.INSERT_LINE_EVIDENCE, [ctx.run_id, self.name])
        return ctx.flag_count(self.name)


def detail(raw: Any) -> dict[str, Any]:
    """A flag's ``detail`` column as a dict, whichever way the engine returns JSON."""
    if isinstance(raw, str):
        loaded: dict[str, Any] = json.loads(raw)
        return loaded
    return dict(raw or {})
