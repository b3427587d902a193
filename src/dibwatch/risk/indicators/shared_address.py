"""Shared-address cluster indicator."""

from __future__ import annotations

from dataclasses import dataclass

from dibwatch.risk.indicators.base import Indicator, RunContext
from dibwatch.risk.params import Params, setting

ADDRESS_TABLE = "_risk_address"

# At least $min_firms firms used one normalised address, and at least one of them carries a
# trigger flag (score $min_trigger_score or more) in this run. Every firm at that address is
# flagged, scored by the share of the address's firms that carry a trigger flag (its best
# address when it has several); the evidence is the lines where it wrote that address.
CREATE_CLUSTERS = f"""
CREATE OR REPLACE TEMP TABLE {ADDRESS_TABLE} AS
WITH firm_addresses AS (
    SELECT DISTINCT m.firm_id, p.address_norm
    FROM firm_members m JOIN party_mentions p USING (mention_id)
    WHERE p.address_norm IS NOT NULL AND p.address_norm <> ''
), triggered AS (
    SELECT DISTINCT firm_id FROM risk_flags
    WHERE run_id = $run_id AND list_contains($triggers, indicator)
      AND score >= $min_trigger_score
), clusters AS (
    SELECT address_norm, count(DISTINCT firm_id) AS firms,
           count(DISTINCT firm_id) FILTER (WHERE firm_id IN (SELECT firm_id FROM triggered))
               AS flagged
    FROM firm_addresses GROUP BY address_norm
    HAVING count(DISTINCT firm_id) >= $min_firms
)
SELECT a.firm_id, a.address_norm, c.firms, c.flagged
FROM firm_addresses a JOIN clusters c USING (address_norm)
WHERE c.flagged > 0
"""
INSERT_FLAGS = f"""
INSERT INTO risk_flags (run_id, flag_no, firm_id, indicator, version, score, value, detail)
SELECT $run_id, $last_flag + row_number() OVER (ORDER BY firm_id), firm_id, $indicator,
       $version, max(flagged / firms), max(firms),
       json_object('addresses', list(address_norm ORDER BY address_norm),
                   'flagged_firms', max(flagged))
FROM {ADDRESS_TABLE} GROUP BY firm_id
"""
INSERT_EVIDENCE = f"""
INSERT INTO risk_evidence (run_id, flag_no, load_id, line_no, entity_id)
SELECT DISTINCT f.run_id, f.flag_no, sp.load_id, sp.line_no, NULL
FROM risk_flags f
JOIN {ADDRESS_TABLE} a USING (firm_id)
JOIN firm_members m USING (firm_id)
JOIN party_mentions p ON p.mention_id = m.mention_id AND p.address_norm = a.address_norm
JOIN shipment_parties sp ON sp.mention_id = m.mention_id
WHERE f.run_id = $run_id AND f.indicator = $indicator
"""


@dataclass(frozen=True)
class SharedAddressParams(Params):
    min_firms: int = setting(3, "firms at one address needed for a cluster")
    triggers: tuple[str, ...] = setting(
        ("listed_party", "new_entrant", "hub_routing", "coalition_brand_third_country"),
        "flags of which one member must carry one for the cluster to count")
    min_trigger_score: float = setting(0.0, "smallest score of a trigger flag that counts")


class SharedAddress(Indicator):
    """Shared-address cluster: at least ``min_firms`` firms wrote one normalised address, and
    at least one of them already carries one of these flags in this run, at a score of
    ``min_trigger_score`` or more: ``triggers``. Every firm at such an address is flagged,
    scored by the share of the address's firms that carry such a flag: a block of fronts
    set up together all carry them, a business centre hosting one young firm among many
    does not. The value is the cluster size and the evidence rows are the lines on which the
    firm gave that address. Runs after the indicators it is triggered by."""

    name = "shared_address"
    title = "shares an address with other flagged firms"
    version = "2"
    parameters = SharedAddressParams
    runs_last = True

    def run(self, ctx: RunContext) -> int:
        with ctx.temporary(ADDRESS_TABLE):
            ctx.execute(CREATE_CLUSTERS, self)
            ctx.execute(INSERT_FLAGS, self)
            ctx.execute(INSERT_EVIDENCE, self)
        return ctx.flag_count(self.name)
