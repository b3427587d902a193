"""Many small new suppliers indicator."""

from __future__ import annotations

from dibwatch.risk import store
from dibwatch.risk.indicators.base import Indicator, RunContext, param


class ManyNewSuppliers(Indicator):
    """One importer fed by many small new suppliers: after the invasion the firm received CHPL
    goods (tiers in ``tiers``) from at least ``min_suppliers`` exporters that first appeared
    after the invasion and that each supplied at most ``max_share`` of its CHPL intake. The
    value is the number of such suppliers, the score is full at ``full_suppliers``; the
    evidence is the lines they shipped to it."""

    name = "many_new_suppliers"
    title = "fed by many small new suppliers"
    version = "1"

    def run(self, ctx: RunContext) -> int:
        p = ctx.config.params(self.name)
        tiers = param(ctx.config, self.name, p, "tiers")
        invasion = param(ctx.config, self.name, p, "invasion")
        ctx.engine.execute(store.CREATE_SUPPLIERS, [tiers, invasion, float(p["max_share"])])
        ctx.engine.execute(store.INSERT_SUPPLIER_FLAGS, [
            ctx.run_id, ctx.last_flag(), self.name, self.version, int(p["min_suppliers"]),
            float(p["full_suppliers"])])
        ctx.engine.execute(store.INSERT_SUPPLIER_EVIDENCE, [
            ctx.run_id, self.name, tiers, invasion])
        ctx.engine.execute(store.DROP_SUPPLIERS)
        return ctx.flag_count(self.name)
