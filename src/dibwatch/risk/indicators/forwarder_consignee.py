"""Forwarder as consignee indicator."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from dibwatch.risk import store
from dibwatch.risk.indicators.base import LineIndicator, RunContext
from dibwatch.risk.params import ALL_TIERS, LineParams, setting

FORWARDERS_TABLE = "_risk_forwarders"

# Firms any of whose spellings matches the forwarder-terms pattern.
CREATE_FORWARDERS = f"""
CREATE OR REPLACE TEMP TABLE {FORWARDERS_TABLE} AS
SELECT DISTINCT m.firm_id FROM firm_members m JOIN party_mentions p USING (mention_id)
WHERE regexp_matches(lower(p.name), $pattern)
"""


@cache
def forwarder_pattern() -> str:
    """One regular expression (RE2 syntax, lower case) matching any term of the bundled
    ``forwarder_terms.csv`` (English, Russian, Chinese, German, Turkish words for freight
    forwarding, logistics and transport)."""
    text = resources.files("dibwatch.risk").joinpath("data", "forwarder_terms.csv")
    with text.open(encoding="utf-8") as fh:
        terms = sorted({row["term"].strip().lower() for row in csv.DictReader(fh)
                        if row["term"].strip()}, key=len, reverse=True)
    return "(" + "|".join(re.escape(t) for t in terms) + ")"


@dataclass(frozen=True)
class ForwarderParams(LineParams):
    tiers: tuple[str, ...] = setting(ALL_TIERS, "CHPL tiers that count")
    destination: str = setting("RU", "destination country (ISO-2)")


class ForwarderConsignee(LineIndicator):
    """Forwarder or logistics firm as consignee: CHPL goods (tiers in ``tiers``) shipped after
    the invasion to the destination or a transshipment hub, consigned to a firm whose name
    says it is a freight forwarder, logistics or transport firm (terms table
    ``forwarder_terms.csv``) — BIS's red flag of a forwarder named as the final consignee.
    Raised on the firm that shipped them."""

    name = "forwarder_consignee"
    title = "forwarder or logistics firm as consignee"
    version = "1"
    parameters = ForwarderParams
    rule = f"""list_contains($tiers, l.chpl_tier) AND l.day >= CAST($invasion AS DATE)
        AND (l.destination_country = $destination
             OR EXISTS (SELECT 1 FROM {store.HUBS_TABLE} h
                        WHERE h.country = l.destination_country AND l.day >= h.since))
        AND EXISTS (SELECT 1 FROM {store.LINES_TABLE} o JOIN {FORWARDERS_TABLE} fw
                        USING (firm_id)
                    WHERE o.load_id = l.load_id AND o.line_no = l.line_no
                      AND o.role = 'importer' AND o.firm_id <> l.firm_id)"""

    def prepare(self, ctx: RunContext) -> None:
        ctx.execute(CREATE_FORWARDERS, pattern=forwarder_pattern())

    def run(self, ctx: RunContext) -> int:
        with ctx.temporary(FORWARDERS_TABLE):
            return super().run(ctx)
