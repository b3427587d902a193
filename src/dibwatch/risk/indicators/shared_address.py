"""Shared-address cluster indicator."""

from __future__ import annotations

from dibwatch.risk import store
from dibwatch.risk.indicators.base import Indicator, RunContext


class SharedAddress(Indicator):
    """Shared-address cluster: at least ``min_firms`` firms wrote one normalised address, and
    one of them already carries one of these flags in this run: ``triggers``. Every firm at such
    an address is flagged; the value is the cluster size and the evidence rows are the lines
    on which the firm gave that address. Runs after the indicators it is triggered by."""

    name = "shared_address"
    title = "shares an address with other flagged firms"
    version = "1"

    def run(self, ctx: RunContext) -> int:
        params = ctx.config.params(self.name)
        ctx.engine.execute(store.CREATE_ADDRESS_CLUSTERS, [
            int(params["min_firms"]), ctx.run_id, [str(t) for t in params["triggers"]]])
        ctx.engine.execute(store.INSERT_ADDRESS_FLAGS, [
            ctx.run_id, ctx.last_flag(), self.name, self.version])
        ctx.engine.execute(store.INSERT_ADDRESS_EVIDENCE, [ctx.run_id, self.name])
        ctx.engine.execute(store.DROP_ADDRESS)
        return ctx.flag_count(self.name)
