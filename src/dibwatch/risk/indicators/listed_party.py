"""Listed party indicator."""

from __future__ import annotations

from dibwatch.risk import store
from dibwatch.risk.indicators.base import Indicator, RunContext


class ListedParty(Indicator):
    """Listed party: the firm itself matches a sanctions or export-control list entity (the
    screening stage's ``firm_screening``) at or above ``min_score``. The evidence rows are the
    matched list entities; the value is the best match score."""

    name = "listed_party"
    title = "on a sanctions or export-control list"
    version = "1"

    def run(self, ctx: RunContext) -> int:
        min_score = float(ctx.config.params(self.name)["min_score"])
        ctx.engine.execute(store.INSERT_LISTED_FLAGS, [
            ctx.run_id, ctx.last_flag(), self.name, self.version, min_score])
        ctx.engine.execute(store.INSERT_LISTED_EVIDENCE, [ctx.run_id, self.name, min_score])
        return ctx.flag_count(self.name)
