"""Listed party indicator."""

from __future__ import annotations

from dataclasses import dataclass

from dibwatch.risk import store
from dibwatch.risk.indicators.base import Indicator, RunContext
from dibwatch.risk.params import Params, setting

# The firm itself matches list entities at or above $min_score.
INSERT_FLAGS = f"""
INSERT INTO risk_flags (run_id, flag_no, firm_id, indicator, version, score, value, detail)
SELECT $run_id, $last_flag + row_number() OVER (ORDER BY firm_id), firm_id, $indicator,
       $version, 1.0, max(score),
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


class ListedParty(Indicator):
    """Listed party: the firm itself matches a sanctions or export-control list entity (the
    screening stage's firm screening) at or above ``min_score``. The evidence rows are the
    matched list entities; the value is the best match score."""

    name = "listed_party"
    title = "on a sanctions or export-control list"
    version = "1"
    parameters = ListedPartyParams

    def run(self, ctx: RunContext) -> int:
        ctx.execute(INSERT_FLAGS, self)
        ctx.execute(INSERT_EVIDENCE, self)
        return ctx.flag_count(self.name)
