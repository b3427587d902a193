"""CHPL onset indicator: trade in battlefield goods to the destination that began after the
invasion and took over the firm's trade."""

from __future__ import annotations

from dataclasses import dataclass

from dibwatch.risk import store
from dibwatch.risk.indicators.base import LineIndicator, RunContext
from dibwatch.risk.params import LineParams, setting

ONSET_TABLE = "_risk_onset"
# Per firm: its first line in the roles, and its first CHPL line (tiers) to the destination.
CREATE_ONSET = f"""
CREATE OR REPLACE TEMP TABLE {ONSET_TABLE} AS
SELECT firm_id, min(day) AS first_day,
       min(day) FILTER (WHERE list_contains($tiers, chpl_tier)
                          AND destination_country = $destination) AS onset
FROM {store.LINES_TABLE} l WHERE list_contains($roles, role) AND {store.SUPPLIES}
GROUP BY firm_id
"""


@dataclass(frozen=True)
class ChplOnsetParams(LineParams):
    roles: tuple[str, ...] = setting(("exporter", "contract_holder"),
                                     "the firm's roles on the lines the rule looks at")
    tiers: tuple[str, ...] = setting(("1", "2"), "CHPL tiers that count")
    destination: str = setting("RU", "destination country (ISO-2)")
    full_share: float = setting(0.6, "share of the firm's trade since the onset meeting the "
                                     "rule at which the score is full")


class ChplOnset(LineIndicator):
    """CHPL onset: the firm's first CHPL line (tiers in ``tiers``) to the destination came on
    or after the invasion day — whether the firm is new or traded other goods before — and
    such lines make a large share of its trade since that first one. A supplier that sold the
    same goods to Russia before the war, or one for which Russia is one market among many,
    scores little; a firm set up or turned to ship battlefield goods to Russia scores high.
    The share is taken over the firm's trade from the onset on."""

    name = "chpl_onset"
    title = "began shipping CHPL goods to Russia after the invasion, and mostly that"
    version = "1"
    parameters = ChplOnsetParams
    scope = f"""{store.SUPPLIES} AND EXISTS (SELECT 1 FROM {ONSET_TABLE} o
                        WHERE o.firm_id = l.firm_id AND o.onset >= CAST($invasion AS DATE)
                          AND l.day >= o.onset)"""
    rule = f"""{scope} AND list_contains($tiers, l.chpl_tier)
               AND l.destination_country = $destination"""

    def prepare(self, ctx: RunContext) -> None:
        ctx.execute(CREATE_ONSET, self)

    def run(self, ctx: RunContext) -> int:
        with ctx.temporary(ONSET_TABLE):
            return super().run(ctx)
