"""Mirror gap indicator."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from dibwatch.countries import mirror_gaps
from dibwatch.countries.codes import eu27_members
from dibwatch.risk.indicators.base import LineIndicator, RunContext
from dibwatch.risk.params import ALL_TIERS, LineParams, setting

MIRROR_TABLE = "_risk_mirror"
CREATE_MIRROR = f"""
CREATE OR REPLACE TEMP TABLE {MIRROR_TABLE} (
    country VARCHAR, year INTEGER, gap_share DOUBLE, origins VARCHAR[])
"""


@dataclass(frozen=True)
class MirrorGapParams(LineParams):
    tiers: tuple[str, ...] = setting(ALL_TIERS, "CHPL tiers that count")
    destination: str = setting("RU", "destination country (ISO-2)")
    min_gap_share: float = setting(0.3, "share of the EU's exports to the neighbour missing "
                                        "from the neighbour's imports from the EU")


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
    parameters = MirrorGapParams
    # EU-made CHPL goods shipped from a neighbour in a year of a large mirror gap.
    rule = f"""l.destination_country = $destination AND list_contains($tiers, l.chpl_tier)
        AND EXISTS (SELECT 1 FROM {MIRROR_TABLE} g
                    WHERE g.country = l.dispatch_country AND g.year = year(l.day)
                      AND list_contains(g.origins, l.origin_country))"""

    def prepare(self, ctx: RunContext) -> None:
        params = self.params(ctx.config)
        assert isinstance(params, MirrorGapParams)
        # Country statistics are the workspace's, wherever the run's SQL goes.
        gaps = [g for g in mirror_gaps(ctx.ws.engine)
                if g.partner != "RU" and g.gap_share >= params.min_gap_share]
        ctx.execute(CREATE_MIRROR)
        ctx.engine.insert_arrow(MIRROR_TABLE, pa.table({
            "country": pa.array([g.partner for g in gaps], pa.string()),
            "year": pa.array([g.year for g in gaps], pa.int32()),
            "gap_share": pa.array([g.gap_share for g in gaps], pa.float64()),
            "origins": pa.array([sorted(eu27_members())] * len(gaps), pa.list_(pa.string()))}))

    def run(self, ctx: RunContext) -> int:
        with ctx.temporary(MIRROR_TABLE):
            return super().run(ctx)
