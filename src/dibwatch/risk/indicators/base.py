"""What an indicator is: a named, documented, versioned rule that writes flags with evidence.

A flag is one firm × indicator, with a score in [0, 1], the measured value and a JSON detail;
its evidence rows (``risk_evidence``) are the shipment lines, or list entities, behind it.
An indicator module holds everything about its rule: the SQL, the typed parameters
(:mod:`dibwatch.risk.params`) and the documentation (the class docstring, whose
``parameter`` references the reports fill in with the values a run used).
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

from dibwatch.engine import Engine
from dibwatch.risk import store
from dibwatch.risk.config import RiskConfig
from dibwatch.risk.params import LineParams, Params
from dibwatch.workspace import Workspace

_NAMED = re.compile(r"\$([A-Za-z_]\w*)")


@dataclass(frozen=True)
class RunContext:
    """One risk run: the workspace (the stored data: lists, country statistics, the firm
    graph), the run's id and settings, and ``on``, the engine its SQL runs on (the
    workspace's own unless the run was staged on a batch engine; see
    :mod:`dibwatch.risk.staged`)."""

    ws: Workspace
    run_id: int
    config: RiskConfig
    on: Engine | None = None

    @property
    def engine(self) -> Engine:
        return self.on if self.on is not None else self.ws.engine

    def last_flag(self) -> int:
        return int(self.engine.scalar(store.NEXT_FLAG, [self.run_id]))

    def flag_count(self, indicator: str) -> int:
        return int(self.engine.scalar(
            "SELECT count(*) FROM risk_flags WHERE run_id = ? AND indicator = ?",
            [self.run_id, indicator]))

    @contextmanager
    def temporary(self, table: str) -> Iterator[None]:
        """A temporary table the block builds, dropped when it ends, whatever happens."""
        try:
            yield
        finally:
            self.engine.execute(f"DROP TABLE IF EXISTS {table}")

    def execute(self, sql: str, indicator: Indicator | None = None, **extra: Any) -> None:
        """Run ``sql`` binding its ``$names`` from, in order of precedence: ``extra``, the
        indicator's parameters and identity (``$indicator``, ``$version``), the run's
        settings (``$invasion``, ``$coalition``, ``$evidence_prior``) and ``$run_id``;
        ``$last_flag`` is read just before the statement runs."""
        values: dict[str, Any] = {"run_id": self.run_id, **self.config.settings()}
        if indicator is not None:
            values |= {"indicator": indicator.name, "version": indicator.version,
                       **indicator.params(self.config).bind()}
        values |= extra
        names = set(_NAMED.findall(sql))
        if "last_flag" in names:
            values["last_flag"] = self.last_flag()
        missing = sorted(names - set(values))
        if missing:
            owner = indicator.name if indicator is not None else "the risk run"
            raise KeyError(f"{owner}: SQL parameter(s) {', '.join(missing)} not bound")
        self.engine.execute(sql, {n: values[n] for n in names})


class Indicator(ABC):
    """A red-flag rule. Subclasses set ``name``, ``title`` (what the flag says, for a report's
    reader), ``version`` (bump it when the rule's meaning changes, so stored flags say which
    rule made them) and ``parameters`` (the dataclass of its settings), and document the
    rule in the class docstring."""

    name: ClassVar[str]
    title: ClassVar[str]
    version: ClassVar[str]
    parameters: ClassVar[type[Params]] = Params
    # Runs after every other indicator of the run (it reads their flags).
    runs_last: ClassVar[bool] = False

    @classmethod
    def describe(cls) -> str:
        return " ".join((cls.__doc__ or "").split())

    @classmethod
    def params(cls, config: RiskConfig) -> Params:
        """This indicator's section of ``config``, checked and typed."""
        section, where = config.section(cls.name)
        return cls.parameters.from_mapping(section, where)

    @abstractmethod
    def run(self, ctx: RunContext) -> int:
        """Write this indicator's flags and evidence for ``ctx.run_id``; return the flag count.
        Runs after the lines table (``store.LINES_TABLE``) is built."""


# Without ``full_lines`` the line count never makes a score: only the share does.
NO_LINE_COUNT = 1e18


class LineIndicator(Indicator):
    """A rule over single shipment lines (``rule``, a condition over ``l``, a row of the lines
    table): a firm is flagged when at least ``min_lines`` of its lines in ``roles`` meet it;
    the score is the share of its trade value in those roles (within ``scope``, a condition
    over ``l`` the rule implies; all of it by default) that meets it over
    ``full_share``, or the number of lines that meet it over ``full_lines`` when set,
    whichever is higher (capped at 1), times ``n / (n + evidence_prior)`` for a flag resting
    on n lines."""

    parameters: ClassVar[type[Params]] = LineParams
    rule: ClassVar[str]
    scope: ClassVar[str] = "TRUE"

    def prepare(self, ctx: RunContext) -> None:
        """Build any table the rule reads (none by default)."""

    def run(self, ctx: RunContext) -> int:
        self.prepare(ctx)
        params = self.params(ctx.config)
        assert isinstance(params, LineParams)
        ctx.execute(store.create_hits(self.rule), self)
        ctx.execute(store.create_scope(self.scope), self)
        ctx.execute(store.INSERT_LINE_FLAGS, self,
                    full_lines=params.full_lines or NO_LINE_COUNT,
                    evidence_prior=(ctx.config.evidence_prior if params.evidence_prior is None
                                    else params.evidence_prior))
        ctx.execute(store.INSERT_LINE_EVIDENCE, self)
        return ctx.flag_count(self.name)


def detail(raw: Any) -> dict[str, Any]:
    """A flag's ``detail`` column as a dict, whichever way the engine returns JSON."""
    if isinstance(raw, str):
        loaded: dict[str, Any] = json.loads(raw)
        return loaded
    return dict(raw or {})
