"""Sudden ramp-up indicator."""

from __future__ import annotations

from dibwatch.risk import store
from dibwatch.risk.indicators.base import Indicator, RunContext, param


class RampUp(Indicator):
    """Sudden ramp-up: a firm that already traded before the invasion and whose monthly value
    of CHPL goods (tiers in ``tiers``) to the destination since then is at least ``min_ratio``
    times its monthly value before (baseline floored at ``baseline_floor_usd`` a month, at
    least ``min_value_usd`` after). The score grows with the log of the ratio and is full at
    ``full_ratio``; the evidence is the lines after the invasion. Firms first seen after the
    invasion are the new-entrant indicator's."""

    name = "ramp_up"
    title = "sudden ramp-up of CHPL exports to Russia"
    version = "1"

    def run(self, ctx: RunContext) -> int:
        p = ctx.config.params(self.name)
        roles = [str(r) for r in p["roles"]]
        tiers = param(ctx.config, self.name, p, "tiers")
        invasion = param(ctx.config, self.name, p, "invasion")
        destination = str(p["destination"])
        ctx.engine.execute(store.INSERT_RAMP_FLAGS, [
            ctx.run_id, ctx.last_flag(), self.name, self.version, roles, tiers, destination,
            invasion, float(p["baseline_floor_usd"]), float(p["min_value_usd"]),
            float(p["min_ratio"]), float(p["full_ratio"])])
        ctx.engine.execute(store.INSERT_RAMP_EVIDENCE, [
            ctx.run_id, self.name, roles, tiers, destination, invasion])
        return ctx.flag_count(self.name)
