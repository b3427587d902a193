"""Sudden ramp-up indicator."""

from __future__ import annotations

from dataclasses import dataclass

from dibwatch.risk import store
from dibwatch.risk.indicators.base import Indicator, RunContext
from dibwatch.risk.params import Params, setting

L = store.LINES_TABLE
INVASION = "CAST($invasion AS DATE)"

# A firm already trading before the invasion whose monthly value of CHPL goods to the
# destination after it is at least $min_ratio times its monthly value before (the months
# counted from its first line, or from the invasion); the monthly baseline is floored at
# $baseline_floor_usd so that a firm rising from nothing is measured against a small but
# non-zero base.
INSERT_FLAGS = f"""
INSERT INTO risk_flags (run_id, flag_no, firm_id, indicator, version, score, value, detail)
WITH span AS (SELECT max(day) AS last_day FROM {L}),
lines AS (
    SELECT DISTINCT firm_id, load_id, line_no, day, value_usd, firm_first_seen
    FROM {L}
    WHERE list_contains($roles, role) AND list_contains($tiers, chpl_tier)
      AND destination_country = $destination
), per_firm AS (
    SELECT firm_id, any_value(firm_first_seen) AS first_seen,
           coalesce(sum(value_usd) FILTER (WHERE day < {INVASION}), 0) AS before_usd,
           coalesce(sum(value_usd) FILTER (WHERE day >= {INVASION}), 0) AS after_usd
    FROM lines GROUP BY firm_id
), rates AS (
    SELECT p.*,
           greatest(1, date_diff('month', p.first_seen, {INVASION})) AS months_before,
           greatest(1, date_diff('month', {INVASION}, s.last_day)) AS months_after
    FROM per_firm p, span s
    WHERE p.first_seen < {INVASION} AND p.after_usd >= $min_value_usd
), ratios AS (
    SELECT *, (after_usd / months_after)
              / greatest(before_usd / months_before, $baseline_floor_usd) AS ratio
    FROM rates
)
SELECT $run_id, $last_flag + row_number() OVER (ORDER BY firm_id), firm_id, $indicator,
       $version, least(1.0, ln(ratio) / ln($full_ratio)), ratio,
       json_object('before_usd', before_usd, 'after_usd', after_usd,
                   'months_before', months_before, 'months_after', months_after,
                   'ratio', ratio)
FROM ratios WHERE ratio >= $min_ratio
"""
# The lines after the invasion behind a ramp-up flag.
INSERT_EVIDENCE = f"""
INSERT INTO risk_evidence (run_id, flag_no, load_id, line_no, entity_id)
SELECT DISTINCT f.run_id, f.flag_no, l.load_id, l.line_no, NULL
FROM risk_flags f JOIN {L} l USING (firm_id)
WHERE f.run_id = $run_id AND f.indicator = $indicator AND list_contains($roles, l.role)
  AND list_contains($tiers, l.chpl_tier) AND l.destination_country = $destination
  AND l.day >= {INVASION}
"""


@dataclass(frozen=True)
class RampUpParams(Params):
    roles: tuple[str, ...] = setting(("exporter",), "the firm's roles on the lines counted")
    tiers: tuple[str, ...] = setting(("1", "2"), "CHPL tiers that count")
    destination: str = setting("RU", "destination country (ISO-2)")
    baseline_floor_usd: float = setting(1000, "smallest monthly value before the invasion a "
                                              "ratio is taken against (USD)")
    min_value_usd: float = setting(10_000, "value since the invasion needed for a flag (USD)")
    min_ratio: float = setting(3, "ratio of monthly values (after / before) needed for a flag")
    full_ratio: float = setting(30, "ratio at which the score is full")


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
    parameters = RampUpParams

    def run(self, ctx: RunContext) -> int:
        ctx.execute(INSERT_FLAGS, self)
        ctx.execute(INSERT_EVIDENCE, self)
        return ctx.flag_count(self.name)
