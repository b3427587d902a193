"""Mirror gap indicator."""

from __future__ import annotations

import pyarrow as pa

from dibwatch.countries import mirror_gaps
from dibwatch.countries.codes import eu27_members
from dibwatch.risk import store
from dibwatch.risk.indicators.base import LineIndicator, RunContext


class MirrorGap(LineIndicator):
    """Mirror gap: CHPL goods (tiers in ``tiers``) made in the EU, shipped to the destination
    from a neighbour country in a year when the EU's recorded exports to that neighbour exceed
    the neighbour's recorded imports from the EU by at least ``min_gap_share`` of the exports
    (country statistics loaded with ``dibwatch countries load``; see docs/COUNTRIES.md for the
    currency and CIF/FOB treatment). Goods that left the EU for a neighbour and never entered
    its statistics are the "roundabout" trade; without country statistics nothing is
    flagged."""

    name = "mirror_gap"
    title = "shipped from a neighbour whose imports fall short of EU exports (mirror gap)"
    version = "1"

    def prepare(self, ctx: RunContext) -> None:
        params = ctx.config.params(self.name)
        floor = float(params["min_gap_share"])
        gaps = [g for g in mirror_gaps(ctx.engine) if g.partner != "RU" and g.gap_share >= floor]
        ctx.engine.execute(store.CREATE_MIRROR)
        ctx.engine.insert_arrow(store.MIRROR_TABLE, pa.table({
            "country": pa.array([g.partner for g in gaps], pa.string()),
            "year": pa.array([g.year for g in gaps], pa.int32()),
            "gap_share": pa.array([g.gap_share for g in gaps], pa.float64()),
            "origins": pa.array([sorted(eu27_members())] * len(gaps), pa.list_(pa.string()))}))
