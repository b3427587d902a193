"""Listed party indicator."""

from __future__ import annotations

from dataclasses import dataclass

from dibwatch.risk import store
from dibwatch.risk.indicators.base import Indicator, RunContext
from dibwatch.risk.params import Params, setting

# The firm itself matches list entities at or above $min_score; scored in full when it
# supplies (has lines in $supplier_roles, paying for others' goods when contract holder),
# else $consignee_score.
INSERT_FLAGS = f"""
INSERT INTO risk_flags (run_id, flag_no, firm_id, indicator, version, score, value, detail)
WITH suppliers AS (
    SELECT DISTINCT firm_id FROM {store.LINES_TABLE} l
    WHERE list_contains($supplier_roles, role) AND {store.SUPPLIES}
)
SELECT $run_id, $last_flag + row_number() OVER (ORDER BY firm_id), firm_id, $indicator,
       $version,
       CASE WHEN firm_id IN (SELECT firm_id FROM suppliers) THEN 1.0 ELSE $consignee_score END,
       max(score),
       json_object('entities', list(entity_id ORDER BY entity_id),
                   'matched_names', list(matched_name ORDER BY entity_id))
FROM {store.SCREENING_TABLE} WHERE score >= $min_score GROUP BY firm_id
"""
INSERT_EVIDENCE = f"""
INSERT INTO risk_evidence (run_id, flag_no, load_id, line_no, entity_id)
SELECT DISTINCT f.run_id, f.flag_no, NULL, NULL, fs.entity_id
FROM risk_flags f JOIN {store.SCREENING_TABLE} fs USING (firm_id)
WHERE f.run_id = $run_id AND f.indicator = $indicator AND fs.score >= $min_score
"""


@dataclass(frozen=True)
class ListedPartyParams(Params):
    min_score: float = setting(0.9, "list match score at which the firm counts as listed")
    supplier_roles: tuple[str, ...] = setting(("exporter", "contract_holder"),
                                              "roles in which a listed firm is a supplier")
    consignee_score: float = setting(0.3, "score of the flag for a listed firm that only "
                                          "receives goods (a known end user)")


class ListedParty(Indicator):
    """Listed party: the firm itself matches a sanctions or export-control list entity (the
    screening stage's firm screening) at or above ``min_score``. The flag scores in full for
    a firm that supplies (has lines in ``supplier_roles``) and ``consignee_score`` for one
    that only receives goods: the ranking looks for suppliers, and a listed end user is
    already known (its suppliers carry the listed-counterparty flag). The evidence rows are
    the matched list entities; the value is the best match score."""

    name = "listed_party"
    title = "on a sanctions or export-control list"
    version = "2"
    parameters = ListedPartyParams

    def run(self, ctx: RunContext) -> int:
        ctx.execute(INSERT_FLAGS, self)
        ctx.execute(INSERT_EVIDENCE, self)
        return ctx.flag_count(self.name)
