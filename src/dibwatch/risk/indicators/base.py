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
from dibwatch.workspace import Workspace


@dataclass(frozen=True)
class RunContext:
    ws: Workspace
    run_id: int
    config: RiskConfig

    @property
    def engine(self) -> Engine:
        return self.ws.engine

    def last_flag(self) -> int:
        return int(self.engine.scalar(store.NEXT_FLAG, [self.run_id]))

    def flag_count(self, indicator: str) -> int:
        return int(self.engine.scalar(
            "SELECT count(*) FROM risk_flags WHERE run_id = ? AND indicator = ?",
            [self.run_id, indicator]))


class Indicator(ABC):
    """A red-flag rule. Subclasses set ``name``, ``title`` and ``version`` (bump it when the rule's
    meaning changes, so stored flags say which rule made them) and document the rule."""

    name: ClassVar[str]
    title: ClassVar[str]  # what the flag says, in words for a report's reader
    version: ClassVar[str]

    @classmethod
    def describe(cls) -> str:
        return " ".join((cls.__doc__ or "").split())

    @abstractmethod
    def run(self, ctx: RunContext) -> int:
        """Write this indicator's flags and evidence for ``ctx.run_id``; return the flag count.
        Runs after the lines table (``store.LINES_TABLE``) is built."""


def param(config: RiskConfig, indicator: str, params: dict[str, Any], key: str) -> Any:
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


# Without ``full_lines`` the line count never makes a score: only the share does.
NO_LINE_COUNT = 1e18


class LineIndicator(Indicator):
    """A rule over single shipment lines (``store.RULES[name]``): a firm is flagged when at
    least ``min_lines`` of its lines in ``roles`` meet it; the score is the share of its trade
    value in those roles that meets it over ``full_share``, or the number of lines that meet
    it over ``full_lines`` when set, whichever is higher (capped at 1), times
    ``n / (n + evidence_prior)`` for a flag resting on n lines."""

    def prepare(self, ctx: RunContext) -> None:
        """Build any table the rule reads (none by default)."""

    def run(self, ctx: RunContext) -> int:
        self.prepare(ctx)
        params = ctx.config.params(self.name)
        rule, keys = store.RULES[self.name]
        roles = [str(r) for r in params["roles"]]
        bound = [param(ctx.config, self.name, params, k) for k in keys]
        ctx.engine.execute(store.create_hits(rule), [roles, *bound])
        ctx.engine.execute(store.INSERT_LINE_FLAGS, [
            ctx.run_id, ctx.last_flag(), self.name, self.version,
            float(params["full_share"]), roles, int(params.get("min_lines", 1)),
            float(params.get("full_lines", NO_LINE_COUNT)),
            float(params.get("evidence_prior", ctx.config.evidence_prior))])
        ctx.engine.execute(store.INSERT_LINE_EVIDENCE, [ctx.run_id, self.name])
        return ctx.flag_count(self.name)


def detail(raw: Any) -> dict[str, Any]:
    """A flag's ``detail`` column as a dict, whichever way the engine returns JSON."""
    if isinstance(raw, str):
        loaded: dict[str, Any] = json.loads(raw)
        return loaded
    return dict(raw or {})
